-- Core tables: schema version, the ingest ledger and the quarantine.
CREATE TABLE schema_version (
    version    INTEGER PRIMARY KEY,
    applied_at TIMESTAMPTZ NOT NULL
);

CREATE SEQUENCE ingest_file_id START 1;

-- One row per file a load attempted (a file that could not be read at all is recorded as failed).
CREATE TABLE ingest_files (
    file_id     BIGINT PRIMARY KEY,
    path        VARCHAR NOT NULL,
    size_bytes  BIGINT NOT NULL,
    sha256      VARCHAR NOT NULL,
    kind        VARCHAR,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    records     BIGINT NOT NULL DEFAULT 0,  -- records read (good + rejected)
    loaded      BIGINT NOT NULL DEFAULT 0,  -- new rows in the normalised tables
    duplicates  BIGINT NOT NULL DEFAULT 0,  -- records already present (from this or another file)
    rejected    BIGINT NOT NULL DEFAULT 0,  -- records sent to quarantine
    status      VARCHAR NOT NULL,           -- loaded | failed | skipped
    message     VARCHAR                     -- notes: unit used, truncation, why it failed
);

-- Every rejected record, with where it came from and why.
CREATE TABLE quarantine (
    file_id   BIGINT NOT NULL,
    path      VARCHAR NOT NULL,
    kind      VARCHAR,
    line      BIGINT,      -- 1-based line (NDJSON, CSV) or array item; NULL for a whole-file problem
    item      BIGINT,      -- 1-based index inside a record that holds several (e.g. page.data[i])
    field     VARCHAR,     -- the offending field, when one is to blame
    reason    VARCHAR NOT NULL,
    raw       VARCHAR,     -- the record's text, cut to 4 KiB
    raw_bytes BIGINT       -- the record's full length in bytes
);
