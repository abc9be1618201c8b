-- Table macros shared by the request (error-rate) and latency metrics (installed on a connection
-- by reports.metrics).
--
-- requests_in_maintenance: a record falls in a maintenance window when w.s <= t < w.e.
-- requests_route_path: a route name without a leading HTTP method ('GET /api/x' -> '/api/x'):
--   Sentry names server transactions 'GET /api/x', Vercel names routes '/api/x'.
-- requests_route_match: a record's route matches a wanted route when it is equal to it, or its
--   method-less path is.
-- requests_samples: one row per user request of the period, from ONE source: Vercel request logs
--   (vercel_requests, background revalidations excluded) when the environment has any such
--   request in [p_start, p_end), else Sentry transactions with op = 'http.server'. The choice is
--   made on the period and environment BEFORE the route filter and maintenance exclusion, so every
--   route (and every hour or day) of a period is measured from the same source; p_source
--   ('vercel_logs' | 'sentry_transactions') forces a source, NULL chooses as above. weight =
--   1 / sample rate (the drain's p_sample_rate; a Sentry row's own rate, else p_sentry_rate).
-- latency_samples: one row per server response time sample: Sentry transactions with
--   op = 'http.server' and a duration when the environment has any in [p_start, p_end), else
--   Vercel trace-drain spans of kind SERVER. Placed in time by the sample's end (`ts`, `end_ts`).

CREATE OR REPLACE TEMP MACRO requests_in_maintenance(t, p_maint) AS
    coalesce(len(list_filter(p_maint, lambda w: t >= w.s AND t < w.e)) > 0, false);

CREATE OR REPLACE TEMP MACRO requests_route_path(name) AS
    regexp_replace(name, '^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|CONNECT|TRACE) +', '');

CREATE OR REPLACE TEMP MACRO requests_route_match(name, wanted) AS
    coalesce(name = wanted OR requests_route_path(name) = wanted, false);

CREATE OR REPLACE TEMP MACRO requests_status_class(code) AS
    CASE WHEN code IS NULL THEN 'unknown'
         WHEN code BETWEEN 100 AND 599 THEN CAST(code // 100 AS VARCHAR) || 'xx'
         ELSE 'other' END;

CREATE OR REPLACE TEMP MACRO requests_samples(p_start, p_end, p_env, p_route, p_maint, p_api_prefix,
                                              p_sample_rate, p_sentry_rate, p_source) AS TABLE
WITH vercel AS (
    SELECT ts, route, path, status_code, crashed
    FROM vercel_requests
    WHERE ts >= p_start AND ts < p_end AND NOT background
      AND (p_env IS NULL OR environment = p_env)
),
chosen AS (
    SELECT coalesce(p_source, CASE WHEN (SELECT count(*) FROM vercel) > 0 THEN 'vercel_logs'
                                   ELSE 'sentry_transactions' END) AS source
),
sentry AS (
    SELECT ts, transaction, http_status, status, sample_rate
    FROM sentry_transactions
    WHERE op = 'http.server' AND ts >= p_start AND ts < p_end
      AND (p_env IS NULL OR environment = p_env)
      AND (SELECT source FROM chosen) = 'sentry_transactions'
),
unioned AS (
    SELECT 'vercel_logs' AS source, ts, route, status_code,
           crashed OR coalesce(status_code >= 500, false) AS is_error,
           crashed,
           coalesce(starts_with(route, p_api_prefix) OR starts_with(path, p_api_prefix), false) AS is_api,
           1.0 / coalesce(p_sample_rate, 1.0) AS weight
    FROM vercel
    WHERE (SELECT source FROM chosen) = 'vercel_logs'
    UNION ALL
    SELECT 'sentry_transactions', ts, transaction, http_status,
           CASE WHEN http_status IS NOT NULL THEN http_status >= 500
                ELSE coalesce(status NOT IN ('ok', 'cancelled', 'unknown'), false) END,
           false,
           coalesce(starts_with(requests_route_path(transaction), p_api_prefix), false),
           1.0 / CASE WHEN sample_rate > 0 AND sample_rate <= 1 THEN sample_rate
                      ELSE coalesce(p_sentry_rate, 1.0) END
    FROM sentry
)
SELECT source, ts, route, status_code, requests_status_class(status_code) AS status_class,
       is_error, crashed,
       NOT is_error AND coalesce(status_code BETWEEN 400 AND 499, false) AS is_client_error,
       is_api, weight
FROM unioned
WHERE NOT requests_in_maintenance(ts, p_maint)
  AND (p_route IS NULL OR requests_route_match(route, p_route));

CREATE OR REPLACE TEMP MACRO latency_samples(p_start, p_end, p_env, p_route, p_maint, p_sentry_rate) AS TABLE
WITH sentry AS (
    SELECT ts, transaction AS route, duration_ms,
           1.0 / CASE WHEN sample_rate > 0 AND sample_rate <= 1 THEN sample_rate
                      ELSE coalesce(p_sentry_rate, 1.0) END AS weight
    FROM sentry_transactions
    WHERE op = 'http.server' AND duration_ms IS NOT NULL AND ts >= p_start AND ts < p_end
      AND (p_env IS NULL OR environment = p_env)
),
use_sentry AS (
    SELECT count(*) > 0 AS yes FROM sentry
),
spans AS (
    SELECT end_ts AS ts, coalesce(http_route, name) AS route, duration_ms, 1.0 AS weight
    FROM trace_spans
    WHERE kind = 'SERVER' AND end_ts >= p_start AND end_ts < p_end
      AND (p_env IS NULL OR environment = p_env)
      AND NOT (SELECT yes FROM use_sentry)
),
unioned AS (
    SELECT 'sentry_transactions' AS source, * FROM sentry
    UNION ALL
    SELECT 'trace_spans' AS source, * FROM spans
)
SELECT source, ts, route, duration_ms, weight
FROM unioned
WHERE NOT requests_in_maintenance(ts, p_maint)
  AND (p_route IS NULL OR requests_route_match(route, p_route));
