-- name:    vitals_worst_pages
-- meaning: the routes with the worst LCP, INP and CLS at p75 over [$start, $end)
-- formula: per metric and route: p75 = quantile_cont(value, 0.75); routes with fewer than
--          $min_samples samples are left out; ranked by p75 descending (ties: more samples first,
--          then route name), the first $limit per metric kept
-- unit:    milliseconds (CLS unitless)
-- grain:   up to $limit rows per metric (LCP, INP, CLS)
-- time:    $start/$end are UTC instants cut in the report time zone by the caller; $tz cuts the
--          input's days (not used by these rows)
-- source:  vitals_rollup: speed_insights, else sentry_transactions (op = 'pageload') measurements;
--          config maintenance windows excluded
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $tz VARCHAR, $environment VARCHAR, $route VARCHAR,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $sentry_sample_rate DOUBLE, $vitals_source VARCHAR,
--          $min_samples INTEGER, $limit INTEGER
-- input:   vitals_rollup (built once per reader connection and parameters, shared with vitals_p75_by
--          and vitals_daily)
-- note:    $route NULL ranks every route; a route keeps that route alone (the vitals page shows the
--          table only without a route filter). $vitals_source pins the source (NULL: first
--          available); source chosen once per period as in vitals_p75; samples without a route are
--          left out
WITH ranked AS (
    SELECT r.ord, r.route, r.samples, r.p75,
           row_number() OVER (PARTITION BY r.ord ORDER BY r.p75 DESC, r.samples DESC, r.route) AS rank
    FROM vitals_rollup r
    WHERE r.grain = 'route' AND r.route IS NOT NULL AND r.samples >= $min_samples
)
SELECT t.metric, r.rank, r.route, r.samples, r.p75,
       vitals_rating(r.p75, t.good_max, t.ni_max) AS rating,
       c.source, c.sampled
FROM ranked r
JOIN vitals_thresholds() t ON t.ord = r.ord
CROSS JOIN vitals_choice($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR, $sentry_sample_rate::DOUBLE,
                         $vitals_source::VARCHAR) c
WHERE t.metric IN ('LCP', 'INP', 'CLS') AND r.rank <= $limit
ORDER BY t.ord, r.rank
