-- name:    requests_daily
-- meaning: user requests, server errors and error rate per local day of [$start, $end): the rows of
--          requests_trend with $grain 'day', from the grouped pass the request summary shares
-- formula: per day: error_rate = errors / requests (errors = status >= 500 or crashed; NULL when
--          the day has no request); client_errors = 4xx not counted as errors
-- unit:    counts; error_rate as a fraction
-- grain:   one row per local day touched by the period, empty days included
-- time:    days are cut at local midnight in $tz (23 or 25 h on a DST change); bucket_start is the
--          day's first UTC instant, local_start its wall-clock time in $tz
-- source:  requests_rollup: vercel_requests, else sentry_transactions (op = 'http.server') when the
--          environment has no Vercel request in the period; maintenance excluded
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $tz VARCHAR, $environment VARCHAR, $route VARCHAR,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $api_prefix VARCHAR,
--          $sample_rate DOUBLE, $sentry_sample_rate DOUBLE, $request_source VARCHAR
-- input:   requests_rollup (the one grouped pass over the requests, with its local day)
-- note:    reports.metrics.requests.trend(shared=True) reads it for the day grain; requests_trend
--          (hour and day) counts the rows itself, and a test keeps the two equal (scaled_requests
--          up to floating-point rounding: n * weight summed per group, not weight per row).
--          $request_source pins the source (NULL: first available); one source for the whole period
WITH days AS (  -- every local day the period touches, with its first instant
    SELECT DISTINCT day, day_start FROM local_minutes($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $tz::VARCHAR)
),
per_day AS (
    SELECT day,
           any_value(source) AS source,
           sum(n) AS requests,
           coalesce(sum(n) FILTER (WHERE is_error), 0) AS errors,
           coalesce(sum(n) FILTER (WHERE is_client_error), 0) AS client_errors,
           coalesce(sum(n) FILTER (WHERE status_code BETWEEN 400 AND 499), 0) AS status_4xx,
           coalesce(sum(n) FILTER (WHERE status_code BETWEEN 500 AND 599), 0) AS status_5xx,
           sum(n * weight) AS scaled_requests
    FROM requests_rollup
    GROUP BY day
)
SELECT d.day_start AS bucket_start,
       timezone($tz::VARCHAR, d.day_start) AS local_start,
       d.day,
       coalesce(p.requests, 0)::BIGINT AS requests,
       coalesce(p.errors, 0)::BIGINT AS errors,
       CASE WHEN p.requests > 0 THEN p.errors / p.requests END AS error_rate,
       coalesce(p.client_errors, 0)::BIGINT AS client_errors,
       coalesce(p.status_4xx, 0)::BIGINT AS status_4xx,
       coalesce(p.status_5xx, 0)::BIGINT AS status_5xx,
       coalesce(p.scaled_requests, 0) AS scaled_requests,
       max(p.source) OVER () AS source
FROM days d
LEFT JOIN per_day p ON p.day = d.day
ORDER BY bucket_start
