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
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $sentry_sample_rate DOUBLE, $vitals_source VARCHAR
-- note:    $vitals_source pins the source (the Web Vitals objectives' `source`; NULL: first
--          available); the source is chosen once for the whole period (as in vitals_p75), so a trend never
--          switches source from one day to the next; see vitals_p75 for the route, environment and
--          device rules
WITH daily AS (
    SELECT d.day, k.ord, count(*) AS samples, quantile_cont(k.value, 0.75) AS p75
    FROM vitals_kept($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR, $route::VARCHAR,
                     $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $vitals_source::VARCHAR) k
    -- the local day of each sample's UTC minute: no time-zone conversion per sample
    JOIN local_minutes($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $tz::VARCHAR) d ON d.m = minute_of(k.ts)
    GROUP BY d.day, k.ord
)
SELECT d.day, t.metric, d.samples, d.p75,
       CASE WHEN d.p75 <= t.good_max THEN 'good' WHEN d.p75 <= t.ni_max THEN 'needs_improvement'
            ELSE 'poor' END AS rating,
       c.source, c.sampled
FROM daily d
JOIN vitals_thresholds() t ON t.ord = d.ord
CROSS JOIN vitals_choice($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR, $sentry_sample_rate::DOUBLE,
                         $vitals_source::VARCHAR) c
ORDER BY d.day, t.ord
