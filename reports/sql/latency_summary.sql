-- name:    latency_summary
-- meaning: server response time of user requests over [$start, $end)
-- formula: count, mean (favg, Kahan-compensated: equal to the last bit on every run),
--          p50/p90/p95/p99 by linear interpolation (quantile_cont), max;
--          share_under_target = samples with duration < $target_ms / samples;
--          apdex = (satisfied + tolerating / 2) / samples, satisfied = duration <= T,
--          tolerating = T < duration <= 4T, T = $apdex_t_ms; scaled_count = sum of 1/sample rate
-- unit:    milliseconds; share_under_target and apdex as fractions
-- grain:   one row (count 0 and NULL statistics when there are no samples)
-- time:    $start/$end are UTC instants cut in the report time zone by the caller; a sample is
--          placed (and matched to maintenance windows) by its end time
-- source:  sentry_transactions (op = 'http.server', duration_ms), else trace_spans (kind =
--          'SERVER', duration_ms) when the environment has no such transaction in the period
--          (latency_samples in _requests.sql); maintenance windows excluded
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $environment VARCHAR, $route VARCHAR,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $target_ms DOUBLE, $apdex_t_ms DOUBLE,
--          $sentry_sample_rate DOUBLE, $latency_source VARCHAR
-- note:    $latency_source pins the source (the mean-response objective's `source`; NULL: first
--          available); the source is chosen per period and environment before the route filter and maintenance
--          exclusion; source is NULL when there is no sample. Percentiles are unweighted (sampling
--          is assumed uniform); only counts are scaled
WITH agg AS (
    SELECT any_value(source) AS source,
           count(*) AS count,
           coalesce(sum(weight), 0) AS scaled_count,
           coalesce(bool_or(weight > 1), false) AS sampled,
           favg(duration_ms) AS mean_ms,
           quantile_cont(duration_ms, [0.50, 0.90, 0.95, 0.99]) AS q,
           min(duration_ms) AS min_ms,
           max(duration_ms) AS max_ms,
           count(*) FILTER (WHERE duration_ms < $target_ms::DOUBLE) AS under_target,
           count(*) FILTER (WHERE duration_ms <= $apdex_t_ms::DOUBLE) AS satisfied,
           count(*) FILTER (WHERE duration_ms > $apdex_t_ms::DOUBLE AND duration_ms <= 4 * $apdex_t_ms::DOUBLE)
               AS tolerating,
           count(*) FILTER (WHERE duration_ms > 4 * $apdex_t_ms::DOUBLE) AS frustrated
    FROM latency_samples($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR,
        $route::VARCHAR, $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $sentry_sample_rate::DOUBLE,
        $latency_source::VARCHAR)
)
SELECT source, count, scaled_count, sampled, mean_ms,
       q[1] AS p50_ms, q[2] AS p90_ms, q[3] AS p95_ms, q[4] AS p99_ms,
       min_ms, max_ms,
       under_target / nullif(count, 0) AS share_under_target,
       satisfied, tolerating, frustrated,
       (satisfied + tolerating / 2) / nullif(count, 0) AS apdex,
       $target_ms::DOUBLE AS target_ms,
       $apdex_t_ms::DOUBLE AS apdex_t_ms
FROM agg
