-- name:    latency_daily
-- meaning: server response time per local calendar day of [$start, $end)
-- formula: per day: count, mean, p50/p90/p95/p99 by linear interpolation (quantile_cont) over that
--          day's own samples, max (never combined into period figures: see latency_summary)
-- unit:    milliseconds
-- grain:   one row per local day touched by the period, days without samples included (count 0)
-- time:    days are cut at local midnight in $tz (a DST day is 23 or 25 h long); a sample is placed
--          by its end time
-- source:  sentry_transactions (op = 'http.server'), else trace_spans (kind = 'SERVER') when the
--          environment has no such transaction in the period (latency_samples in _requests.sql);
--          maintenance windows excluded
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $tz VARCHAR, $environment VARCHAR, $route VARCHAR,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $sentry_sample_rate DOUBLE
-- note:    one source for the whole period, chosen as in latency_summary
WITH s AS (
    SELECT * FROM latency_samples($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR,
        $route::VARCHAR, $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $sentry_sample_rate::DOUBLE)
),
days AS (
    SELECT unnest(generate_series(CAST(timezone($tz::VARCHAR, $start::TIMESTAMPTZ) AS DATE),
                                  CAST(timezone($tz::VARCHAR, $end::TIMESTAMPTZ - INTERVAL 1 MICROSECOND) AS DATE),
                                  INTERVAL 1 DAY))::DATE AS day
),
per_day AS (
    SELECT CAST(timezone($tz::VARCHAR, ts) AS DATE) AS day,
           count(*) AS count,
           sum(weight) AS scaled_count,
           avg(duration_ms) AS mean_ms,
           quantile_cont(duration_ms, 0.50) AS p50_ms,
           quantile_cont(duration_ms, 0.90) AS p90_ms,
           quantile_cont(duration_ms, 0.95) AS p95_ms,
           quantile_cont(duration_ms, 0.99) AS p99_ms,
           max(duration_ms) AS max_ms
    FROM s
    GROUP BY 1
)
SELECT d.day, coalesce(p.count, 0) AS count, coalesce(p.scaled_count, 0) AS scaled_count,
       p.mean_ms, p.p50_ms, p.p90_ms, p.p95_ms, p.p99_ms, p.max_ms,
       (SELECT any_value(source) FROM s) AS source
FROM days d
LEFT JOIN per_day p USING (day)
ORDER BY d.day
