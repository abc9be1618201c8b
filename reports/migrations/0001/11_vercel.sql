-- Vercel deployments, Speed Insights, Web Analytics and trace-drain spans.
-- (`vercel logs --json` / runtime-logs records load into vercel_log_records and
-- vercel_requests, defined in 10_vercel_logs.sql.)

-- One row per deployment uid, holding its latest known state: a terminal state (READY, ERROR,
-- CANCELED, DELETED) is never replaced by a non-terminal one (QUEUED, BUILDING, INITIALIZING,
-- BLOCKED, or an unknown value); otherwise the record loaded later wins. A known ready_at or
-- building_at is never replaced by NULL. file_id/line/item name the record that won.
CREATE TABLE vercel_deployments (
    uid                  VARCHAR PRIMARY KEY,
    name                 VARCHAR,
    project_id           VARCHAR,
    url                  VARCHAR,
    created_at           TIMESTAMPTZ NOT NULL,  -- createdAt, else created (epoch ms)
    building_at          TIMESTAMPTZ,           -- buildingAt: build start (queue time = building_at - created_at)
    ready_at             TIMESTAMPTZ,           -- ready: build finished (places the deployment in a period)
    state                VARCHAR NOT NULL,      -- readyState, else state, upper-cased; unknown values kept
    ready_substate       VARCHAR,               -- STAGED | ROLLING | PROMOTED
    target               VARCHAR,               -- as sent: production | staging | NULL
    environment          VARCHAR NOT NULL,      -- target, NULL -> 'preview'
    source               VARCHAR,               -- cli | git | import | redeploy | ...
    creator_uid          VARCHAR,
    creator_username     VARCHAR,
    creator_email        VARCHAR,               -- personal data: masked for non-admins
    creator_github_login VARCHAR,
    inspector_url        VARCHAR,
    is_rollback_candidate BOOLEAN,
    error_code           VARCHAR,
    error_message        VARCHAR,
    commit_sha           VARCHAR,               -- meta.githubCommitSha (gitlab/bitbucket likewise)
    commit_ref           VARCHAR,               -- meta.githubCommitRef (branch)
    commit_message       VARCHAR,
    commit_author        VARCHAR,               -- meta.githubCommitAuthorLogin, else ...AuthorName
    pr_id                VARCHAR,               -- meta.githubPrId (gitlab/bitbucket likewise)
    meta                 JSON,                  -- the whole meta string map
    extra                JSON,                  -- unknown fields, kept as they came
    file_id              BIGINT NOT NULL,
    line                 BIGINT,
    item                 BIGINT                 -- index in the page's deployments array
);

-- One row per Speed Insights sample (vercel.speed_insights.v1), deduplicated by sample_key.
CREATE TABLE speed_insights (
    ts               TIMESTAMPTZ NOT NULL,  -- timestamp (an ISO string in the drain)
    project_id       VARCHAR,
    owner_id         VARCHAR,
    device_id        VARCHAR,               -- a per-device hash, not personal data by itself
    metric           VARCHAR NOT NULL,      -- CLS | LCP | FID | FCP | TTFB | INP (upper-cased)
    value_raw        DOUBLE NOT NULL,       -- value as in the file
    value            DOUBLE NOT NULL,       -- milliseconds (CLS unitless); see ingest_files.message for the unit read
    origin           VARCHAR,
    path             VARCHAR,
    route            VARCHAR,
    country          VARCHAR,
    region           VARCHAR,
    city             VARCHAR,
    os_name          VARCHAR,
    client_name      VARCHAR,
    device_type      VARCHAR,               -- mobile | desktop | tablet | ...
    connection_speed VARCHAR,
    environment      VARCHAR,               -- vercelEnvironment
    vercel_url       VARCHAR,
    deployment_id    VARCHAR,
    sample_key       VARCHAR NOT NULL,      -- md5 of (instant, deviceId, metric, path, value_raw): dedupe key
    extra            JSON,                  -- unknown fields, kept as they came
    file_id          BIGINT NOT NULL,
    line             BIGINT,
    item             BIGINT
);

-- One row per Web Analytics event (vercel.analytics.v1), deduplicated by event_key.
CREATE TABLE web_analytics (
    ts            TIMESTAMPTZ NOT NULL,  -- timestamp (epoch ms)
    event_type    VARCHAR NOT NULL,      -- pageview | event
    event_name    VARCHAR,               -- custom events only
    event_data    JSON,                  -- eventData, parsed from its JSON string
    project_id    VARCHAR,
    session_id    VARCHAR,
    device_id     VARCHAR,
    origin        VARCHAR,
    path          VARCHAR,
    route         VARCHAR,
    referrer      VARCHAR,
    country       VARCHAR,
    device_type   VARCHAR,
    environment   VARCHAR,               -- vercelEnvironment
    deployment_id VARCHAR,               -- `deployment` in the drain
    event_key     VARCHAR NOT NULL,      -- md5 of (instant, session, device, type, name, path, data): dedupe key
    extra         JSON,                  -- unknown fields, kept as they came
    file_id       BIGINT NOT NULL,
    line          BIGINT,
    item          BIGINT
);

-- One row per OTLP span from the Vercel trace drain, deduplicated by (trace_id, span_id).
-- SERVER spans are the latency samples (duration_ms) when Sentry transactions are absent.
CREATE TABLE trace_spans (
    trace_id       VARCHAR NOT NULL,
    span_id        VARCHAR NOT NULL,
    parent_span_id VARCHAR,               -- NULL for a root span
    name           VARCHAR NOT NULL,      -- the route for server spans
    kind           VARCHAR,               -- UNSPECIFIED | INTERNAL | SERVER | CLIENT | PRODUCER | CONSUMER
    start_ts       TIMESTAMPTZ NOT NULL,  -- startTimeUnixNano, cut to microseconds
    end_ts         TIMESTAMPTZ NOT NULL,
    duration_ms    DOUBLE NOT NULL,       -- (end - start) in exact integer nanoseconds, / 1e6
    status_code    VARCHAR,               -- UNSET | OK | ERROR (status.code)
    status_message VARCHAR,
    http_status    INTEGER,               -- attribute http.status_code, else http.response.status_code
    http_route     VARCHAR,               -- attribute http.route
    http_method    VARCHAR,               -- attribute http.method, else http.request.method
    project_id     VARCHAR,               -- resource attribute vercel.projectId
    deployment_id  VARCHAR,               -- resource attribute vercel.deploymentId
    environment    VARCHAR,               -- resource attribute vercel.env, else deployment.environment
    attributes     JSON,                  -- span attributes as a key -> value map
    resource       JSON,                  -- resource attributes as a key -> value map (service.name, ...)
    extra          JSON,                  -- unknown span fields (events, links, traceState, ...)
    file_id        BIGINT NOT NULL,
    line           BIGINT,                -- the line of the OTLP document (NDJSON), NULL for a whole document
    item           BIGINT                 -- 1-based index of the span within its document
);
