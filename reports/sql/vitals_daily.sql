-- name:    vitals_daily
-- meaning: Core Web Vitals p75 per local calendar day and metric over [$start, $end) (the trend)
-- formula: per day and metric: p75 = quantile_cont(value, 0.75) over that day's samples (never an
--          average of anything); rating by Google's thresholds as in vitals_p75
-- unit:    milliseconds (CLS unitless)
-- grain:   one row per local day and metric with samples (days without samples are absent)
-- time:    days are cut at local midnight in $tz (a DST day is 23 or 25 h long); $start/$end are UTC
--          instants cut in the report time zone by the caller
-- source:  speed_insights, else sentry_transactions (op = 'pageload') measurements; config maintenance windows
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $tz VARCHAR, $environment VARCHAR, $route VARCHAR,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $sentry_sample_rate DOUBLE
-- note:    the source is chosen once for the whole period (as in vitals_p75), so a trend never
--          switches source from one day to the next; see vitals_p75 for the route, environment and
--          device rules
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
      AND ($route IS NULL OR s.route = $route)
      AND NOT EXISTS (SELECT 1 FROM maint m WHERE s.ts >= m.s AND s.ts < m.e)
),
daily AS (
    SELECT CAST(timezone($tz, ts) AS DATE) AS day, metric, any_value(good_max) AS good_max,
           any_value(ni_max) AS ni_max, count(*) AS samples, quantile_cont(value, 0.75) AS p75
    FROM kept
    GROUP BY ALL
)
SELECT d.day, d.metric, d.samples, d.p75,
       CASE WHEN d.p75 <= d.good_max THEN 'good' WHEN d.p75 <= d.ni_max THEN 'needs_improvement'
            ELSE 'poor' END AS rating,
       c.source, c.sampled
FROM daily d
JOIN thresholds t ON t.metric = d.metric
CROSS JOIN chosen c
ORDER BY d.day, t.ord
