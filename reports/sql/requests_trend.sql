-- name:    requests_trend
-- meaning: user requests, server errors and error rate per local hour or local day of [$start, $end)
-- formula: per bucket: error_rate = errors / requests (errors = status >= 500 or crashed; NULL when
--          the bucket has no request); client_errors = 4xx not counted as errors
-- unit:    counts; error_rate as a fraction
-- grain:   one row per bucket ($grain = 'hour' | 'day') touched by the period, empty buckets included
-- time:    buckets are cut in $tz: a day is local midnight to local midnight (23 or 25 h on a DST
--          change); an hour is a local clock hour, and a repeated local hour (DST end) is two buckets
--          with the same local_start but distinct bucket_start instants
-- source:  vercel_requests, else sentry_transactions (op = 'http.server') when the environment has
--          no Vercel request in the period (requests_samples in _requests.sql); maintenance excluded
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $tz VARCHAR, $grain VARCHAR, $environment VARCHAR,
--          $route VARCHAR, $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $api_prefix VARCHAR,
--          $sample_rate DOUBLE, $sentry_sample_rate DOUBLE
-- note:    the source is chosen once for the whole period, so buckets never mix sources;
--          bucket_start is the bucket's UTC instant, local_start its wall-clock time in $tz
WITH s AS (
    SELECT * FROM requests_samples($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR,
        $route::VARCHAR, $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $api_prefix::VARCHAR,
        $sample_rate::DOUBLE, $sentry_sample_rate::DOUBLE, NULL::VARCHAR)
),
checked AS (
    SELECT CASE WHEN $grain::VARCHAR IN ('hour', 'day') THEN $grain::VARCHAR
                ELSE error('requests_trend: $grain must be ''hour'' or ''day''') END AS grain
),
first_local AS (
    SELECT timezone($tz::VARCHAR, $start::TIMESTAMPTZ) AS t
),
hours AS (  -- local hour starts as instants: the period start minus its offset into its local hour
    SELECT unnest(generate_series(
               $start::TIMESTAMPTZ - (t - date_trunc('hour', t)),
               $end::TIMESTAMPTZ - INTERVAL 1 MICROSECOND, INTERVAL 1 HOUR)) AS bucket_start
    FROM first_local
),
days AS (
    SELECT timezone($tz::VARCHAR, d::TIMESTAMP) AS bucket_start
    FROM (SELECT unnest(generate_series(CAST(timezone($tz::VARCHAR, $start::TIMESTAMPTZ) AS DATE),
                                        CAST(timezone($tz::VARCHAR, $end::TIMESTAMPTZ - INTERVAL 1 MICROSECOND) AS DATE),
                                        INTERVAL 1 DAY)) AS d)
),
buckets AS (
    SELECT bucket_start FROM hours WHERE (SELECT grain FROM checked) = 'hour'
    UNION ALL
    SELECT bucket_start FROM days WHERE (SELECT grain FROM checked) = 'day'
),
placed AS (
    SELECT *,
           CASE WHEN (SELECT grain FROM checked) = 'hour'
                THEN ts - (timezone($tz::VARCHAR, ts) - date_trunc('hour', timezone($tz::VARCHAR, ts)))
                ELSE timezone($tz::VARCHAR, CAST(CAST(timezone($tz::VARCHAR, ts) AS DATE) AS TIMESTAMP))
           END AS bucket_start
    FROM s
),
agg AS (
    SELECT bucket_start,
           count(*) AS requests,
           count(*) FILTER (WHERE is_error) AS errors,
           count(*) FILTER (WHERE is_client_error) AS client_errors,
           count(*) FILTER (WHERE status_class = '4xx') AS status_4xx,
           count(*) FILTER (WHERE status_class = '5xx') AS status_5xx,
           sum(weight) AS scaled_requests
    FROM placed
    GROUP BY bucket_start
)
SELECT b.bucket_start,
       timezone($tz::VARCHAR, b.bucket_start) AS local_start,
       CAST(timezone($tz::VARCHAR, b.bucket_start) AS DATE) AS day,
       coalesce(a.requests, 0) AS requests,
       coalesce(a.errors, 0) AS errors,
       CASE WHEN a.requests > 0 THEN a.errors / a.requests END AS error_rate,
       coalesce(a.client_errors, 0) AS client_errors,
       coalesce(a.status_4xx, 0) AS status_4xx,
       coalesce(a.status_5xx, 0) AS status_5xx,
       coalesce(a.scaled_requests, 0) AS scaled_requests,
       (SELECT any_value(source) FROM s) AS source
FROM buckets b
LEFT JOIN agg a USING (bucket_start)
ORDER BY b.bucket_start
