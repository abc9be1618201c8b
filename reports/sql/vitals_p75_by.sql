-- name:    vitals_p75_by
-- meaning: Core Web Vitals field data at p75 per metric over [$start, $end), overall or split by
--          device type or by route ($group_by = 'none' | 'device' | 'route'), from the one grouped
--          pass (vitals_rollup) a page that shows the splits and the daily trend shares
-- formula: as vitals_p75: p75 = quantile_cont(value, 0.75) over the group's samples; rating by
--          Google's thresholds; share_good/share_ni/share_poor = samples rated so / samples
-- unit:    milliseconds (CLS unitless); shares as fractions
-- grain:   'none': one row per metric (all six, samples = 0 and NULL p75 / rating 'no_data' when a
--          metric has no samples; the rows of vitals_p75); 'device' / 'route': one row per metric and
--          group with samples (route NULL: the samples without a route)
-- time:    $start/$end are UTC instants cut in the report time zone by the caller; $tz cuts the
--          input's days (not used by these rows)
-- source:  vitals_rollup: speed_insights, else sentry_transactions (op = 'pageload') measurements;
--          config maintenance windows excluded
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $tz VARCHAR, $environment VARCHAR, $route VARCHAR,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $group_by VARCHAR, $sentry_sample_rate DOUBLE,
--          $vitals_source VARCHAR
-- input:   vitals_rollup (built once per reader connection and parameters, shared with vitals_daily
--          and vitals_worst_pages)
-- note:    the source, environment, device and route rules are vitals_p75's
WITH grouped AS (
    SELECT * FROM vitals_rollup WHERE grain = $group_by
)
SELECT t.metric,
       CASE WHEN $group_by = 'device' THEN g.device_type END AS device_type,
       CASE WHEN $group_by = 'route' THEN g.route END AS route,
       coalesce(g.samples, 0) AS samples,
       g.p75,
       vitals_rating(g.p75, t.good_max, t.ni_max) AS rating,
       g.n_good / g.samples AS share_good,
       (g.n_good_or_ni - g.n_good) / g.samples AS share_ni,
       (g.samples - g.n_good_or_ni) / g.samples AS share_poor,
       t.good_max, t.ni_max,
       c.source, c.sampled
FROM vitals_thresholds() t
LEFT JOIN grouped g ON g.ord = t.ord
CROSS JOIN vitals_choice($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR, $sentry_sample_rate::DOUBLE,
                         $vitals_source::VARCHAR) c
WHERE CASE WHEN $group_by IS NULL OR $group_by NOT IN ('none', 'device', 'route')
                THEN error('vitals_p75_by: $group_by must be none, device or route')
           ELSE g.ord IS NOT NULL OR $group_by = 'none' END
ORDER BY t.ord, g.device_type, g.route
