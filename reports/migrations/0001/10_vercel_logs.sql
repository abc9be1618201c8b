-- Vercel log drain records (one row per record id) and the requests they describe.
CREATE TABLE vercel_log_records (
    id            VARCHAR NOT NULL,      -- the record's id (dedupe key)
    ts            TIMESTAMPTZ NOT NULL,  -- top-level timestamp (epoch ms in the drain)
    deployment_id VARCHAR NOT NULL,
    project_id    VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,      -- build | edge | lambda | static | external | firewall | redirect
    host          VARCHAR NOT NULL,
    level         VARCHAR NOT NULL,      -- info | warning | error | fatal
    message       VARCHAR,
    status_code   INTEGER,               -- function view; -1 = the lambda crashed
    request_id    VARCHAR,
    path          VARCHAR,               -- route pattern
    entrypoint    VARCHAR,
    environment   VARCHAR,
    branch        VARCHAR,
    region        VARCHAR,
    trace_id      VARCHAR,
    span_id       VARCHAR,
    has_proxy     BOOLEAN NOT NULL,
    extra         JSON,                  -- unknown fields, kept as they came
    file_id       BIGINT NOT NULL,
    line          BIGINT,
    item          BIGINT
);

-- One row per user-facing request: a log record with a proxy object, deduplicated by
-- requestId (else id). `background` marks proxy.statusCode = -1 (revalidation, not a user
-- request); `crashed` is set when any record of the request has statusCode = -1.
CREATE TABLE vercel_requests (
    request_id      VARCHAR NOT NULL,
    ts              TIMESTAMPTZ NOT NULL,
    proxy_ts        TIMESTAMPTZ,
    environment     VARCHAR,
    deployment_id   VARCHAR NOT NULL,
    project_id      VARCHAR NOT NULL,
    host            VARCHAR,
    method          VARCHAR,
    path            VARCHAR,              -- raw path with query string
    route           VARCHAR,              -- route pattern, else the path without its query
    status_code     INTEGER,              -- proxy.statusCode
    function_status INTEGER,
    crashed         BOOLEAN NOT NULL,
    background      BOOLEAN NOT NULL,
    cache           VARCHAR,
    region          VARCHAR,
    client_ip       VARCHAR,              -- personal data: masked for non-admins
    user_agent      VARCHAR,
    referer         VARCHAR,
    response_bytes  BIGINT,
    waf_action      VARCHAR,
    file_id         BIGINT NOT NULL,
    line            BIGINT,
    item            BIGINT
);
