-- name:    requests_by_route
-- meaning: user requests, server errors and client errors per route over [$start, $end)
-- formula: per route: error_rate = errors / requests (errors = status >= 500 or crashed);
--          share = route requests / all requests in scope; scaled_requests = requests x 1/sample rate
-- unit:    counts; error_rate and share as fractions
-- grain:   one row per route (Vercel route pattern, else path without query; Sentry transaction
--          name), most errors first, then most requests
-- time:    $start/$end are UTC instants cut in the report time zone by the caller
-- source:  vercel_requests, else sentry_transactions (op = 'http.server') when the environment has
--          no Vercel request in the period (requests_samples in _requests.sql); maintenance excluded
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $tz VARCHAR, $environment VARCHAR, $route VARCHAR,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $api_prefix VARCHAR,
--          $sample_rate DOUBLE, $sentry_sample_rate DOUBLE, $request_source VARCHAR
-- input:   requests_rollup (the one grouped pass over the requests; its params are these; $tz only
--          cuts its days)
-- note:    $request_source pins the source (the error-rate objective's `source`; NULL: first available);
--          one source for the whole period (see requests_summary); client_errors = 4xx not counted
--          as errors; a request without a route forms the NULL route row
WITH per_route AS (
    SELECT route,
           any_value(source) AS source,
           bool_or(is_api) AS is_api,
           sum(n)::BIGINT AS requests,
           coalesce(sum(n) FILTER (WHERE is_error), 0)::BIGINT AS errors,
           coalesce(sum(n) FILTER (WHERE is_client_error), 0)::BIGINT AS client_errors,
           coalesce(sum(n) FILTER (WHERE status_code BETWEEN 400 AND 499), 0)::BIGINT AS status_4xx,
           coalesce(sum(n) FILTER (WHERE status_code BETWEEN 500 AND 599), 0)::BIGINT AS status_5xx,
           coalesce(sum(n) FILTER (WHERE crashed), 0)::BIGINT AS crashed,
           sum(n * weight) AS scaled_requests
    FROM requests_rollup
    GROUP BY route
)
SELECT route, requests, errors, errors / requests AS error_rate, client_errors, status_4xx, status_5xx,
       crashed, requests / sum(requests) OVER () AS share, scaled_requests, is_api, source
FROM per_route
ORDER BY errors DESC, requests DESC, route NULLS LAST
