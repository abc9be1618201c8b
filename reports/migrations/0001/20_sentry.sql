-- Sentry: transactions, spans, error events, issues, Discover aggregates and org stats.

-- One row per transaction event, from an event payload (source 'event') or a Discover row
-- (source 'discover'). Deduplicated by event_id across both sources: the first loaded wins.
CREATE TABLE sentry_transactions (
    event_id     VARCHAR NOT NULL,      -- 32 lower-case hex; for a Discover row without `id`:
                                        -- 'h:' || md5(its normalised fields, occurrence in file)
    ts           TIMESTAMPTZ NOT NULL,  -- the transaction's END (`timestamp`): places it in a period
    start_ts     TIMESTAMPTZ,           -- `start_timestamp` (NULL for Discover rows)
    duration_ms  DOUBLE,                -- (timestamp - start_timestamp) x 1000; Discover `transaction.duration`
    transaction  VARCHAR,               -- route / transaction name
    op           VARCHAR,               -- contexts.trace.op (http.server, pageload, navigation, ...)
    status       VARCHAR,               -- contexts.trace.status (ok, internal_error, ...)
    http_status  INTEGER,               -- tag http.status_code, else contexts.response.status_code,
                                        -- else contexts.trace.data http.response.status_code
    environment  VARCHAR,
    release      VARCHAR,
    platform     VARCHAR,
    project      VARCHAR,               -- project id (payload) or slug (Discover), as the data names it
    trace_id     VARCHAR,
    lcp          DOUBLE,                -- web vitals from measurements, in ms (a 'second' unit is converted)
    fcp          DOUBLE,
    cls          DOUBLE,                -- unitless
    inp          DOUBLE,
    ttfb         DOUBLE,
    fid          DOUBLE,
    sample_rate  DOUBLE,                -- client sample rate carried by the event (contexts.trace.client_sample_rate,
                                        -- else measurements.client_sample_rate, else top-level sample_rate); NULL if none
    tags         JSON,                  -- tags normalised to one {"key": "value"} map (first value of a repeated key)
    source       VARCHAR NOT NULL,      -- event | discover
    extra        JSON,                  -- fields not mapped to a column, kept as they came
    file_id      BIGINT NOT NULL,
    line         BIGINT,
    item         BIGINT                 -- index in a JSON array / a Discover page's data[]
);

-- The spans of loaded transaction payloads; key (event_id, span_key).
CREATE TABLE sentry_spans (
    event_id          VARCHAR NOT NULL,  -- the transaction's event_id
    span_key          VARCHAR NOT NULL,  -- span_id, else '#' || span_index when the span has no id
    span_id           VARCHAR,
    span_index        INTEGER NOT NULL,  -- 1-based position in the payload's spans[]
    parent_span_id    VARCHAR,
    op                VARCHAR,           -- db, db.sql.query, http.client, ...
    description       VARCHAR,           -- e.g. the SQL statement
    status            VARCHAR,
    start_ts          TIMESTAMPTZ,
    end_ts            TIMESTAMPTZ,
    duration_ms       DOUBLE,            -- (timestamp - start_timestamp) x 1000
    exclusive_time_ms DOUBLE,            -- `exclusive_time` (already ms in Sentry payloads)
    extra             JSON,              -- the span's other fields (data, tags, hash, ...)
    file_id           BIGINT NOT NULL,
    line              BIGINT,
    item              BIGINT             -- the transaction's item in the file
);

-- One row per error (or message / security) event: every event type except 'transaction'.
CREATE TABLE sentry_errors (
    event_id    VARCHAR NOT NULL,       -- 32 lower-case hex (dedupe key); 'h:...' as above for id-less Discover rows
    ts          TIMESTAMPTZ NOT NULL,   -- `timestamp`, else `dateCreated`
    event_type  VARCHAR NOT NULL,       -- error | default | csp | ... (inferred 'error' when missing)
    level       VARCHAR,
    platform    VARCHAR,
    environment VARCHAR,
    release     VARCHAR,
    transaction VARCHAR,
    exc_type    VARCHAR,                -- type of the LAST exception.values[] entry: Sentry orders chained
    exc_value   VARCHAR,                -- exceptions oldest (innermost cause) first, so the last is the
                                        -- outermost one, the one Sentry titles the issue with
    handled     BOOLEAN,                -- false when any exception's mechanism.handled is false, true when
                                        -- some are true and none false, else the `handled` tag; NULL unknown
    mechanism   VARCHAR,                -- mechanism.type of the last exception
    issue_id    VARCHAR,                -- groupID / issue.id / issue
    title       VARCHAR,
    message     VARCHAR,
    trace_id    VARCHAR,
    tags        JSON,                   -- normalised {"key": "value"} map
    user_id     VARCHAR,                -- personal data: masked for non-admins
    user_ip     VARCHAR,                -- personal data: masked for non-admins
    source      VARCHAR NOT NULL,       -- event | discover
    extra       JSON,                   -- unmapped fields (stack traces, contexts, ...); other user fields are dropped
    file_id     BIGINT NOT NULL,
    line        BIGINT,
    item        BIGINT
);

-- Issues (groups) as the Issues API lists them. The latest state wins per id: the record with
-- the later lastSeen, ties going to the one loaded later.
CREATE TABLE sentry_issues (
    id             VARCHAR PRIMARY KEY,
    short_id       VARCHAR,
    title          VARCHAR,
    culprit        VARCHAR,
    level          VARCHAR,
    status         VARCHAR,             -- unresolved | resolved | ignored | ...
    substatus      VARCHAR,
    count          BIGINT,              -- events in the issue (the API sends a string)
    user_count     BIGINT,
    first_seen     TIMESTAMPTZ,
    last_seen      TIMESTAMPTZ NOT NULL,
    type           VARCHAR,
    issue_category VARCHAR,
    issue_type     VARCHAR,
    is_unhandled   BOOLEAN,
    priority       VARCHAR,
    platform       VARCHAR,
    project_id     VARCHAR,
    project_slug   VARCHAR,
    permalink      VARCHAR,
    metadata       JSON,
    stats          JSON,                -- {"24h": [[epoch_s, n], ...]} as sent
    extra          JSON,
    file_id        BIGINT NOT NULL,     -- where the current state came from
    line           BIGINT,
    item           BIGINT
);

-- Discover rows that hold aggregates (count(), p95(...), failure_rate(), ...): results of a
-- grouped query, not events. Kept as sent; an identical row of the same query is stored once.
CREATE TABLE sentry_discover_aggregates (
    row_key VARCHAR NOT NULL,           -- md5 of fields + row (dedupe key)
    fields  JSON NOT NULL,              -- the query's field list (meta.fields keys, or the CSV header)
    row     JSON NOT NULL,              -- the row, keys as sent (field strings or export aliases)
    units   JSON,                       -- meta.units, when sent
    file_id BIGINT NOT NULL,
    line    BIGINT,
    item    BIGINT
);

-- Org stats (stats_v2): one row per interval, category, outcome and reason. A later file with
-- the same key replaces the value. interval_s is part of the key so that an hourly and a daily
-- pull of the same day never overwrite each other.
CREATE TABLE sentry_org_stats (
    interval_start TIMESTAMPTZ NOT NULL,
    interval_end   TIMESTAMPTZ,         -- the next interval's start, else the response's `end`
    interval_s     BIGINT NOT NULL,     -- the response's interval length in seconds
    category       VARCHAR NOT NULL,    -- groups[].by.category, else the file's category, else 'unknown'
    outcome        VARCHAR,             -- accepted | filtered | rate_limited | invalid | abuse | client_discard ...; NULL if not grouped
    reason         VARCHAR,             -- NULL unless grouped by reason
    quantity       BIGINT,              -- series["sum(quantity)"][i]
    times_seen     BIGINT,              -- series["sum(times_seen)"][i], when requested
    file_id        BIGINT NOT NULL,
    line           BIGINT,
    item           BIGINT               -- 1-based position of the group in groups[]
);
