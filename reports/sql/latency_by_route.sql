-- name:    latency_by_route
-- meaning: server response time per route over [$start, $end), against the config's per-route targets
-- formula: per route: count, mean, p50/p90/p95/p99 (quantile_cont), max, share_under_target
--          (duration < $target_ms), apdex (T = $apdex_t_ms); target_* from the first matching
--          $route_targets entry; *_breach = p95 > target_p95_ms, p99 > target_p99_ms,
--          mean >= target_mean_ms (NULL without a target or without samples)
-- unit:    milliseconds; share_under_target and apdex as fractions
-- grain:   one row per route (Sentry transaction name, else span http.route, else span name),
--          most samples first
-- time:    $start/$end are UTC instants cut in the report time zone by the caller; a sample is
--          placed by its end time
-- source:  sentry_transactions (op = 'http.server'), else trace_spans (kind = 'SERVER') when the
--          environment has no such transaction in the period (latency_samples in _requests.sql);
--          maintenance windows excluded; config [[routes]] targets
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $environment VARCHAR, $route VARCHAR,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $target_ms DOUBLE, $apdex_t_ms DOUBLE,
--          $sentry_sample_rate DOUBLE, $latency_source VARCHAR, $route_targets STRUCT(pattern VARCHAR, p95_ms DOUBLE, p99_ms DOUBLE, mean_ms DOUBLE)[]
-- note:    $latency_source pins the source (the mean-response objective's `source`; NULL: first
--          available); a pattern matches a route when equal to it or to its path without a leading HTTP method
--          ('GET /api/x' matches '/api/x'); a pattern ending in '*' matches every route (or path)
--          starting with the text before the '*'. An exact match wins over a prefix match, a longer
--          prefix over a shorter one, then the earlier entry. Percentile targets read "<=" (breach
--          when above), the mean target "<" like the mean-response objective (breach when >=)
WITH grouped AS (
    SELECT route,
           any_value(source) AS source,
           count(*) AS count,
           sum(weight) AS scaled_count,
           favg(duration_ms) AS mean_ms,
           quantile_cont(duration_ms, [0.50, 0.90, 0.95, 0.99]) AS q,
           max(duration_ms) AS max_ms,
           count(*) FILTER (WHERE duration_ms < $target_ms::DOUBLE) / count(*) AS share_under_target,
           (count(*) FILTER (WHERE duration_ms <= $apdex_t_ms::DOUBLE)
            + count(*) FILTER (WHERE duration_ms > $apdex_t_ms::DOUBLE
                                 AND duration_ms <= 4 * $apdex_t_ms::DOUBLE) / 2) / count(*) AS apdex
    FROM latency_samples($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR,
        $route::VARCHAR, $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $sentry_sample_rate::DOUBLE,
        $latency_source::VARCHAR)
    GROUP BY route
),
per_route AS (  -- one row per route: small, so referencing it twice below costs nothing
    SELECT * EXCLUDE (q), q[1] AS p50_ms, q[2] AS p90_ms, q[3] AS p95_ms, q[4] AS p99_ms FROM grouped
),
targets AS (
    SELECT t.pattern, t.p95_ms, t.p99_ms, t.mean_ms, idx,
           ends_with(t.pattern, '*') AS is_prefix,
           CASE WHEN ends_with(t.pattern, '*') THEN t.pattern[:-2] END AS prefix
    FROM (SELECT unnest($route_targets::STRUCT(pattern VARCHAR, p95_ms DOUBLE, p99_ms DOUBLE, mean_ms DOUBLE)[]) AS t,
                 generate_subscripts($route_targets::STRUCT(pattern VARCHAR, p95_ms DOUBLE, p99_ms DOUBLE, mean_ms DOUBLE)[], 1)
                     AS idx)
),
matched AS (
    SELECT r.route, t.pattern, t.p95_ms, t.p99_ms, t.mean_ms
    FROM per_route r
    JOIN targets t
      ON CASE WHEN t.is_prefix
              THEN coalesce(starts_with(r.route, t.prefix) OR starts_with(requests_route_path(r.route), t.prefix), false)
              ELSE requests_route_match(r.route, t.pattern) END
    QUALIFY row_number() OVER (PARTITION BY r.route
                               ORDER BY t.is_prefix, length(t.prefix) DESC, t.idx) = 1
)
SELECT r.route, r.count, r.scaled_count, r.mean_ms, r.p50_ms, r.p90_ms, r.p95_ms, r.p99_ms, r.max_ms,
       r.share_under_target, r.apdex,
       m.pattern AS target_pattern,
       m.p95_ms AS target_p95_ms, m.p99_ms AS target_p99_ms, m.mean_ms AS target_mean_ms,
       r.p95_ms > m.p95_ms AS p95_breach,
       r.p99_ms > m.p99_ms AS p99_breach,
       r.mean_ms >= m.mean_ms AS mean_breach,
       coalesce(r.p95_ms > m.p95_ms, false) OR coalesce(r.p99_ms > m.p99_ms, false)
           OR coalesce(r.mean_ms >= m.mean_ms, false) AS breach,
       r.source
FROM per_route r
LEFT JOIN matched m ON m.route IS NOT DISTINCT FROM r.route
ORDER BY r.count DESC, r.route NULLS LAST
