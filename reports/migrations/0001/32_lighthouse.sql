-- Lighthouse runs (one LHR file each), lab data only. A failed run (runtimeError) is still
-- stored, with its error and NULL scores.
CREATE TABLE lighthouse_runs (
    run_key               VARCHAR NOT NULL,  -- md5 of requested_url | fetch_time (UTC) | form_factor (dedupe key)
    requested_url         VARCHAR NOT NULL,
    final_url             VARCHAR,           -- finalDisplayedUrl (older LHRs: finalUrl)
    fetch_time            TIMESTAMPTZ NOT NULL,
    lighthouse_version    VARCHAR NOT NULL,
    form_factor           VARCHAR,           -- configSettings.formFactor (older: emulatedFormFactor)
    performance_score     DOUBLE,            -- 0-100 (categories.performance.score x 100); NULL when null
    lcp_ms                DOUBLE,            -- audits[...].numericValue
    cls                   DOUBLE,
    tbt_ms                DOUBLE,
    fcp_ms                DOUBLE,
    speed_index_ms        DOUBLE,
    tti_ms                DOUBLE,
    runtime_error_code    VARCHAR,           -- NULL for a good run (LH 3-5 wrote NO_ERROR)
    runtime_error_message VARCHAR,
    is_representative     BOOLEAN,           -- from an LHCI manifest; NULL until one names the run
    source_name           VARCHAR NOT NULL,  -- the file's base name (without .gz), matched to manifest jsonPath
    file_id               BIGINT NOT NULL,
    line                  BIGINT,
    item                  BIGINT
);

-- LHCI manifest.json entries (one per run written by `lhci upload --target=filesystem`).
CREATE TABLE lhci_manifest (
    url               VARCHAR NOT NULL,
    is_representative BOOLEAN,              -- isRepresentativeRun
    json_path         VARCHAR NOT NULL,     -- as written (dedupe key); its base name matches lighthouse_runs.source_name
    html_path         VARCHAR,
    summary           JSON,                 -- category scores 0-1
    file_id           BIGINT NOT NULL,
    line              BIGINT,
    item              BIGINT
);

-- LHCI assertion-results.json entries: one row per assertion result (pass/fail per URL).
CREATE TABLE lhci_assertions (
    assertion_key  VARCHAR NOT NULL,        -- md5 over every field and the file's sha256 (the file carries no run time)
    url            VARCHAR NOT NULL,
    name           VARCHAR NOT NULL,        -- minScore | maxNumericValue | maxLength | auditRan
    audit_id       VARCHAR,
    audit_property VARCHAR,                 -- e.g. performance for categories:performance
    audit_title    VARCHAR,
    operator       VARCHAR,                 -- >= | <= | ==
    expected       DOUBLE,
    actual         DOUBLE,                  -- NULL when LHCI had no value (NaN is written as null)
    expected_text  VARCHAR,                 -- expected / actual as given, when not a plain number
    actual_text    VARCHAR,
    passed         BOOLEAN NOT NULL,
    level          VARCHAR,                 -- warn | error
    "values"       JSON,                    -- the per-run values
    message        VARCHAR,
    extra          JSON,                    -- fields without a column (auditDocumentationLink, ...)
    file_id        BIGINT NOT NULL,
    line           BIGINT,
    item           BIGINT
);
