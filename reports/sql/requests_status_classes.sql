-- name:    requests_status_classes
-- meaning: user requests per HTTP status code and status class over [$start, $end)
-- formula: per status code: requests, crashed, scaled_requests = requests x 1/sample rate, share =
--          requests / all requests; class_requests and class_share = the same per class (2xx, 3xx,
--          4xx, 5xx, 1xx; 'unknown' = no status; 'other' = a non-HTTP value such as -1)
-- unit:    counts; shares as fractions
-- grain:   one row per status code (NULL for unknown), ordered by class then code
-- time:    $start/$end are UTC instants cut in the report time zone by the caller
-- source:  vercel_requests (proxy status), else sentry_transactions (op = 'http.server',
--          http_status) when the environment has no Vercel request in the period
--          (requests_samples in _requests.sql); maintenance excluded
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $tz VARCHAR, $environment VARCHAR, $route VARCHAR,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $api_prefix VARCHAR,
--          $sample_rate DOUBLE, $sentry_sample_rate DOUBLE, $request_source VARCHAR
-- input:   requests_rollup (the one grouped pass over the requests; its params are these; $tz only
--          cuts its days)
-- note:    $request_source pins the source (the error-rate objective's `source`; NULL: first available);
--          a crashed request is listed under its proxy status (and counted in `crashed`); errors
--          are not a status class: see requests_summary
WITH per_code AS (
    SELECT status_code, sum(n)::BIGINT AS requests, coalesce(sum(n) FILTER (WHERE crashed), 0)::BIGINT AS crashed,
           sum(n * weight) AS scaled_requests, any_value(source) AS source
    FROM requests_rollup
    GROUP BY status_code
),
classed AS (
    SELECT requests_status_class(status_code) AS status_class, * FROM per_code
)
SELECT status_class, status_code, requests, crashed, scaled_requests,
       requests / sum(requests) OVER () AS share,
       sum(requests) OVER (PARTITION BY status_class) AS class_requests,
       sum(requests) OVER (PARTITION BY status_class) / sum(requests) OVER () AS class_share,
       source
FROM classed
ORDER BY status_class, status_code NULLS LAST
