-- name:    vitals_worst_pages
-- meaning: the routes with the worst LCP, INP and CLS at p75 over [$start, $end)
-- formula: per metric and route: p75 = quantile_cont(value, 0.75); routes with fewer than
--          $min_samples samples are left out; ranked by p75 descending (ties: more samples first,
--          then route name), the first $limit per metric kept
-- unit:    milliseconds (CLS unitless)
-- grain:   up to $limit rows per metric (LCP, INP, CLS)
-- time:    $start/$end are UTC instants cut in the report time zone by the caller
-- source:  speed_insights, else sentry_transactions (op = 'pageload') measurements; config maintenance windows
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $environment VARCHAR, $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[],
--          $sentry_sample_rate DOUBLE, $min_samples INTEGER, $limit INTEGER
-- note:    source chosen once per period as in vitals_p75; samples without a route are left out
WITH maint AS (
    SELECT unnest($maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], recursive := true)
),
thresholds AS (
    SELECT * FROM vitals_thresholds()
),
samples AS (
    SELECT * FROM vitals_samples($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR,
                                 $sentry_sample_rate::DOUBLE)
),
chosen AS (
    SELECT any_value(source) AS source, coalesce(any_value(sampled), false) AS sampled FROM samples
),
kept AS (
    SELECT s.*, t.good_max, t.ni_max
    FROM samples s
    JOIN thresholds t ON t.metric = s.metric
    WHERE isfinite(s.value)
      AND s.route IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM maint m WHERE s.ts >= m.s AND s.ts < m.e)
),
per_route AS (
    SELECT metric, route, any_value(good_max) AS good_max, any_value(ni_max) AS ni_max,
           count(*) AS samples, quantile_cont(value, 0.75) AS p75
    FROM kept
    WHERE metric IN ('LCP', 'INP', 'CLS')
    GROUP BY ALL
    HAVING count(*) >= $min_samples
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY metric ORDER BY p75 DESC, samples DESC, route) AS rank
    FROM per_route
)
SELECT r.metric, r.rank, r.route, r.samples, r.p75,
       CASE WHEN r.p75 <= r.good_max THEN 'good' WHEN r.p75 <= r.ni_max THEN 'needs_improvement'
            ELSE 'poor' END AS rating,
       c.source, c.sampled
FROM ranked r
JOIN thresholds t ON t.metric = r.metric
CROSS JOIN chosen c
WHERE r.rank <= $limit
ORDER BY t.ord, r.rank
