-- name:    requests_summary
-- meaning: user requests, server errors, error rate and request availability over [$start, $end),
--          overall and for API routes, with counts per HTTP status class
-- formula: error_rate = errors / requests, errors = status >= 500 or crashed (Vercel), or
--          http_status >= 500 else status not in (ok, cancelled, unknown) (Sentry fallback);
--          request_availability = 1 - error_rate; api_* restricted to routes or paths starting
--          with $api_prefix; scaled_* = counts x 1/sample rate (display only: ratios are unscaled)
-- unit:    counts; error_rate, request_availability, api_error_rate as fractions
-- grain:   one row (zero counts and NULL ratios when there are no requests)
-- time:    $start/$end are UTC instants cut in the report time zone by the caller; a request is
--          placed by its log record's top-level timestamp (Sentry: the transaction's end)
-- source:  vercel_requests (background revalidations, proxy.statusCode = -1, excluded), else
--          sentry_transactions (op = 'http.server') when the environment has no Vercel request in
--          the period (requests_samples in _requests.sql); maintenance windows excluded
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $tz VARCHAR, $environment VARCHAR, $route VARCHAR,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $api_prefix VARCHAR,
--          $sample_rate DOUBLE, $sentry_sample_rate DOUBLE, $request_source VARCHAR
-- input:   requests_rollup (the one grouped pass over the requests; its params are these; $tz only
--          cuts its days)
-- note:    $request_source pins the source (the error-rate objective's `source`; NULL: first available);
--          the source is chosen per period and environment before the route filter and the
--          maintenance exclusion, so all routes of a period share one source; source is NULL when
--          neither source has a request. client_errors = 4xx requests not counted as errors (a
--          crashed 4xx is an error), so errors + client_errors <= requests; status_other counts
--          1xx, unknown (NULL) and non-HTTP (-1) statuses. A route or path 'GET /api/x' is
--          matched by the path after its HTTP method. Ratios are unweighted even when Sentry rows
--          carry different sample rates.
WITH agg AS (
    SELECT any_value(source) AS source,
           coalesce(sum(n), 0)::BIGINT AS requests,
           coalesce(sum(n) FILTER (WHERE is_error), 0)::BIGINT AS errors,
           coalesce(sum(n) FILTER (WHERE is_client_error), 0)::BIGINT AS client_errors,
           coalesce(sum(n) FILTER (WHERE crashed), 0)::BIGINT AS crashed,
           coalesce(sum(n) FILTER (WHERE status_code BETWEEN 200 AND 299), 0)::BIGINT AS status_2xx,
           coalesce(sum(n) FILTER (WHERE status_code BETWEEN 300 AND 399), 0)::BIGINT AS status_3xx,
           coalesce(sum(n) FILTER (WHERE status_code BETWEEN 400 AND 499), 0)::BIGINT AS status_4xx,
           coalesce(sum(n) FILTER (WHERE status_code BETWEEN 500 AND 599), 0)::BIGINT AS status_5xx,
           coalesce(sum(n * weight), 0) AS scaled_requests,
           coalesce(sum(n * weight) FILTER (WHERE is_error), 0) AS scaled_errors,
           coalesce(bool_or(weight > 1), false) AS sampled,
           coalesce(sum(n) FILTER (WHERE is_api), 0)::BIGINT AS api_requests,
           coalesce(sum(n) FILTER (WHERE is_api AND is_error), 0)::BIGINT AS api_errors
    FROM requests_rollup
)
SELECT source, requests, errors,
       CASE WHEN requests > 0 THEN errors / requests END AS error_rate,
       CASE WHEN requests > 0 THEN 1 - errors / requests END AS request_availability,
       client_errors, crashed, status_2xx, status_3xx, status_4xx, status_5xx,
       requests - status_2xx - status_3xx - status_4xx - status_5xx AS status_other,
       scaled_requests, scaled_errors, sampled,
       api_requests, api_errors,
       CASE WHEN api_requests > 0 THEN api_errors / api_requests END AS api_error_rate
FROM agg
