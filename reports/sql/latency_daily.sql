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
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $sentry_sample_rate DOUBLE, $latency_source VARCHAR
-- note:    $latency_source pins the source (the mean-response objective's `source`; NULL: first
--          available); one source for the whole period, chosen as in latency_summary
WITH days AS (
    SELECT m, day FROM local_minutes($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $tz::VARCHAR)
),
per_day AS (  -- each sample's local day by its UTC minute: no time zone work per sample
    SELECT d.day,
           any_value(s.source) AS source,
           count(s.duration_ms) AS count,
           sum(s.weight) AS scaled_count,
           favg(s.duration_ms) AS mean_ms,
           quantile_cont(s.duration_ms, [0.50, 0.90, 0.95, 0.99]) AS q,
           max(s.duration_ms) AS max_ms
    FROM days d
    LEFT JOIN latency_samples($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR,
        $route::VARCHAR, $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $sentry_sample_rate::DOUBLE,
        $latency_source::VARCHAR) s ON minute_of(s.ts) = d.m
    GROUP BY d.day
)
SELECT day, count, coalesce(scaled_count, 0) AS scaled_count,
       mean_ms, q[1] AS p50_ms, q[2] AS p90_ms, q[3] AS p95_ms, q[4] AS p99_ms, max_ms,
       max(source) OVER () AS source
FROM per_day
ORDER BY day
