-- Table macros shared by the request (error-rate) and latency metrics (installed on a connection
-- by reports.metrics).
--
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
--   Status classes are not a column: a metric groups by status_code and applies
--   requests_status_class to the groups (a string per row costs more than the whole count).
-- requests_source / latency_source: the source those macros choose, as a scalar (an EXISTS over
--   the base table, so the chosen source never needs a second pass over the samples).
-- latency_samples: one row per server response time sample: Sentry transactions with
--   op = 'http.server' and a duration when the environment has any in [p_start, p_end), else
--   Vercel trace-drain spans of kind SERVER. Placed in time by the sample's end (`ts`, `end_ts`).
--   p_source ('sentry_transactions' | 'trace_spans') forces a source, NULL chooses as above.

-- Speed (10 M requests): no CTE is referenced twice (DuckDB would materialize it and stop pruning
-- unused columns), the maintenance test is in_windows (_common.sql), and the per-row route match
-- only runs its regular expression on names that end with the wanted route.

CREATE OR REPLACE TEMP MACRO requests_route_path(name) AS
    regexp_replace(name, '^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|CONNECT|TRACE) +', '');

CREATE OR REPLACE TEMP MACRO requests_route_match(name, wanted) AS
    CASE WHEN name = wanted THEN true
         WHEN NOT ends_with(name, wanted) THEN false
         ELSE coalesce(requests_route_path(name) = wanted, false) END;

CREATE OR REPLACE TEMP MACRO requests_status_class(code) AS
    CASE WHEN code IS NULL THEN 'unknown'
         WHEN code BETWEEN 100 AND 599 THEN CAST(code // 100 AS VARCHAR) || 'xx'
         ELSE 'other' END;

CREATE OR REPLACE TEMP MACRO requests_source(p_start, p_end, p_env, p_source) AS
    coalesce(p_source,
             CASE WHEN EXISTS (SELECT 1 FROM vercel_requests
                               WHERE ts >= p_start AND ts < p_end AND NOT background
                                 AND (p_env IS NULL OR environment = p_env))
                  THEN 'vercel_logs' ELSE 'sentry_transactions' END);

CREATE OR REPLACE TEMP MACRO requests_samples(p_start, p_end, p_env, p_route, p_maint, p_api_prefix,
                                              p_sample_rate, p_sentry_rate, p_source) AS TABLE
SELECT 'vercel_logs' AS source, ts, route, status_code,
       crashed OR coalesce(status_code >= 500, false) AS is_error,
       crashed,
       NOT crashed AND coalesce(status_code BETWEEN 400 AND 499, false) AS is_client_error,
       coalesce(starts_with(route, p_api_prefix) OR starts_with(path, p_api_prefix), false) AS is_api,
       1.0 / coalesce(p_sample_rate, 1.0) AS weight
FROM vercel_requests
WHERE ts >= p_start AND ts < p_end AND NOT background
  AND (p_env IS NULL OR environment = p_env)
  AND requests_source(p_start, p_end, p_env, p_source) = 'vercel_logs'
  AND NOT in_windows(ts, p_maint)
  AND (p_route IS NULL OR requests_route_match(route, p_route))
UNION ALL
SELECT 'sentry_transactions', ts, transaction, http_status,
       CASE WHEN http_status IS NOT NULL THEN http_status >= 500
            ELSE coalesce(status NOT IN ('ok', 'cancelled', 'unknown'), false) END,
       false,
       coalesce(http_status BETWEEN 400 AND 499, false),
       coalesce(starts_with(requests_route_path(transaction), p_api_prefix), false),
       1.0 / CASE WHEN sample_rate > 0 AND sample_rate <= 1 THEN sample_rate
                  ELSE coalesce(p_sentry_rate, 1.0) END
FROM sentry_transactions
WHERE op = 'http.server' AND ts >= p_start AND ts < p_end
  AND (p_env IS NULL OR environment = p_env)
  AND requests_source(p_start, p_end, p_env, p_source) = 'sentry_transactions'
  AND NOT in_windows(ts, p_maint)
  AND (p_route IS NULL OR requests_route_match(transaction, p_route));

CREATE OR REPLACE TEMP MACRO latency_source(p_start, p_end, p_env, p_source) AS
    coalesce(p_source, CASE WHEN EXISTS (SELECT 1 FROM sentry_transactions
                      WHERE op = 'http.server' AND duration_ms IS NOT NULL AND ts >= p_start AND ts < p_end
                        AND (p_env IS NULL OR environment = p_env))
         THEN 'sentry_transactions' ELSE 'trace_spans' END);

CREATE OR REPLACE TEMP MACRO latency_samples(p_start, p_end, p_env, p_route, p_maint, p_sentry_rate,
                                             p_source) AS TABLE
SELECT 'sentry_transactions' AS source, ts, transaction AS route, duration_ms,
       1.0 / CASE WHEN sample_rate > 0 AND sample_rate <= 1 THEN sample_rate
                  ELSE coalesce(p_sentry_rate, 1.0) END AS weight
FROM sentry_transactions
WHERE op = 'http.server' AND duration_ms IS NOT NULL AND ts >= p_start AND ts < p_end
  AND (p_env IS NULL OR environment = p_env)
  AND (p_source IS NULL OR p_source = 'sentry_transactions')
  AND NOT in_windows(ts, p_maint)
  AND (p_route IS NULL OR requests_route_match(transaction, p_route))
UNION ALL
SELECT 'trace_spans', end_ts, coalesce(http_route, name), duration_ms, 1.0
FROM trace_spans
WHERE kind = 'SERVER' AND end_ts >= p_start AND end_ts < p_end
  AND (p_env IS NULL OR environment = p_env)
  AND latency_source(p_start, p_end, p_env, p_source) = 'trace_spans'
  AND NOT in_windows(end_ts, p_maint)
  AND (p_route IS NULL OR requests_route_match(coalesce(http_route, name), p_route));
