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
--          $sentry_sample_rate DOUBLE, $vitals_source VARCHAR, $min_samples INTEGER, $limit INTEGER
-- note:    $vitals_source pins the source (the Web Vitals objectives' `source`; NULL: first
--          available); source chosen once per period as in vitals_p75; samples without a route are left out
WITH per_route AS (
    SELECT ord, route, count(*) AS samples, quantile_cont(value, 0.75) AS p75
    FROM vitals_kept($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR, NULL,
                     $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $vitals_source::VARCHAR)
    WHERE metric IN ('LCP', 'INP', 'CLS') AND route IS NOT NULL
    GROUP BY ord, route
    HAVING count(*) >= $min_samples
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY ord ORDER BY p75 DESC, samples DESC, route) AS rank
    FROM per_route
)
SELECT t.metric, r.rank, r.route, r.samples, r.p75,
       CASE WHEN r.p75 <= t.good_max THEN 'good' WHEN r.p75 <= t.ni_max THEN 'needs_improvement'
            ELSE 'poor' END AS rating,
       c.source, c.sampled
FROM ranked r
JOIN vitals_thresholds() t ON t.ord = r.ord
CROSS JOIN vitals_choice($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR, $sentry_sample_rate::DOUBLE,
                         $vitals_source::VARCHAR) c
WHERE r.rank <= $limit
ORDER BY t.ord, r.rank
