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
--          $sample_rate DOUBLE, $sentry_sample_rate DOUBLE, $request_source VARCHAR
-- note:    $request_source pins the source (the error-rate objective's `source`; NULL: first available);
--          the source is chosen once for the whole period, so buckets never mix sources;
--          bucket_start is the bucket's UTC instant, local_start its wall-clock time in $tz
WITH checked AS (
    SELECT CASE WHEN $grain::VARCHAR IN ('hour', 'day') THEN $grain::VARCHAR
                ELSE error('requests_trend: $grain must be ''hour'' or ''day''') END AS grain
),
minutes AS (  -- every UTC minute of the period with its local hour and day (as instants)
    SELECT m, CASE WHEN (SELECT grain FROM checked) = 'hour' THEN hour_start ELSE day_start END AS bucket_start
    FROM local_minutes($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $tz::VARCHAR)
),
per_minute AS (  -- counts per UTC minute first: no time zone work per request
    SELECT minute_of(ts) AS m,
           any_value(source) AS source,
           count(*) AS requests,
           count(*) FILTER (WHERE is_error) AS errors,
           count(*) FILTER (WHERE is_client_error) AS client_errors,
           count(*) FILTER (WHERE status_code BETWEEN 400 AND 499) AS status_4xx,
           count(*) FILTER (WHERE status_code BETWEEN 500 AND 599) AS status_5xx,
           sum(weight) AS scaled_requests
    FROM requests_samples($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR,
        $route::VARCHAR, $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $api_prefix::VARCHAR,
        $sample_rate::DOUBLE, $sentry_sample_rate::DOUBLE, $request_source::VARCHAR)
    GROUP BY m
),
agg AS (
    SELECT mi.bucket_start,
           any_value(p.source) AS source,
           sum(p.requests) AS requests,
           sum(p.errors) AS errors,
           sum(p.client_errors) AS client_errors,
           sum(p.status_4xx) AS status_4xx,
           sum(p.status_5xx) AS status_5xx,
           sum(p.scaled_requests) AS scaled_requests
    FROM minutes mi
    LEFT JOIN per_minute p USING (m)
    GROUP BY mi.bucket_start
)
SELECT bucket_start,
       timezone($tz::VARCHAR, bucket_start) AS local_start,
       CAST(timezone($tz::VARCHAR, bucket_start) AS DATE) AS day,
       coalesce(requests, 0)::BIGINT AS requests,
       coalesce(errors, 0)::BIGINT AS errors,
       CASE WHEN requests > 0 THEN errors / requests END AS error_rate,
       coalesce(client_errors, 0)::BIGINT AS client_errors,
       coalesce(status_4xx, 0)::BIGINT AS status_4xx,
       coalesce(status_5xx, 0)::BIGINT AS status_5xx,
       coalesce(scaled_requests, 0) AS scaled_requests,
       max(source) OVER () AS source
FROM agg
ORDER BY bucket_start
