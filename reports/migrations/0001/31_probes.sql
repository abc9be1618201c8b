-- Uptime probe results from Uptime Kuma heartbeats and the generic probe file, one row per
-- (monitor, ts). `state` is normalised: Kuma 1 -> up, 0 and 2 (pending) -> down,
-- 3 -> maintenance; a generic probe is down on an HTTP status outside 200-399, a transport
-- error or ok = false, unless its own `state` column says otherwise.
CREATE TABLE probe_results (
    monitor         VARCHAR NOT NULL,     -- configured monitor name; Kuma ids without one: kuma-<id>
    ts              TIMESTAMPTZ NOT NULL,
    state           VARCHAR NOT NULL,     -- up | down | degraded | maintenance
    status_code     INTEGER,              -- HTTP status (Kuma: read from msg "200 - OK" when present)
    response_ms     DOUBLE,               -- Kuma ping, generic response_ms
    message         VARCHAR,              -- Kuma msg, generic error
    url             VARCHAR,              -- generic url; Kuma: the configured monitor's url
    origin          VARCHAR NOT NULL,     -- kuma | probe
    kuma_monitor_id BIGINT,               -- Kuma's monitor_id, whatever the name
    extra           JSON,                 -- fields without a column (Kuma important, duration, ...)
    file_id         BIGINT NOT NULL,
    line            BIGINT,
    item            BIGINT
);

-- Upptime history/summary.json: minutes down per site and day (daily granularity only; days
-- the file does not list had no recorded downtime). A later file replaces a (slug, day) value.
CREATE TABLE upptime_daily (
    slug                  VARCHAR NOT NULL,
    name                  VARCHAR,
    day                   DATE NOT NULL,     -- the calendar day as Upptime keys it (UTC)
    minutes_down          DOUBLE NOT NULL,
    uptime_month          VARCHAR,           -- as given, e.g. "99.99%" (the site's, when the file was written)
    uptime_month_fraction DOUBLE,            -- the same as a fraction, 0.9999
    url                   VARCHAR,
    file_id               BIGINT NOT NULL,
    line                  BIGINT,
    item                  BIGINT
);

-- Upptime sites as the latest summary.json describes them (one row per slug, latest file
-- wins), so sites without any downtime day are still known.
CREATE TABLE upptime_sites (
    slug                  VARCHAR NOT NULL,
    name                  VARCHAR,
    url                   VARCHAR,
    status                VARCHAR,           -- up | down | degraded, at the time of the file
    uptime                VARCHAR,           -- the uptime strings as given ("99.99%")
    uptime_day            VARCHAR,
    uptime_week           VARCHAR,
    uptime_month          VARCHAR,
    uptime_year           VARCHAR,
    uptime_month_fraction DOUBLE,
    time_ms               DOUBLE,            -- mean response time (`time`), and per window
    time_day_ms           DOUBLE,
    time_week_ms          DOUBLE,
    time_month_ms         DOUBLE,
    time_year_ms          DOUBLE,
    extra                 JSON,              -- fields without a column (icon, ...)
    file_id               BIGINT NOT NULL,
    line                  BIGINT,
    item                  BIGINT
);
