-- name:    vitals_daily
-- meaning: Core Web Vitals p75 per local calendar day and metric over [$start, $end) (the trend)
-- formula: per day and metric: p75 = quantile_cont(value, 0.75) over that day's samples (never an
--          average of anything); rating by Google's thresholds as in vitals_p75
-- unit:    milliseconds (CLS unitless)
-- grain:   one row per local day and metric with samples (days without samples are absent)
-- time:    days are cut at local midnight in $tz (a DST day is 23 or 25 h long); $start/$end are UTC
--          instants cut in the report time zone by the caller
-- source:  vitals_rollup: speed_insights, else sentry_transactions (op = 'pageload') measurements;
--          config maintenance windows excluded
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $tz VARCHAR, $environment VARCHAR, $route VARCHAR,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $sentry_sample_rate DOUBLE, $vitals_source VARCHAR
-- input:   vitals_rollup (built once per reader connection and parameters, shared with vitals_p75_by
--          and vitals_worst_pages)
-- note:    $vitals_source pins the source (the Web Vitals objectives' `source`; NULL: first
--          available); the source is chosen once for the whole period (as in vitals_p75), so a trend never
--          switches source from one day to the next; see vitals_p75 for the route, environment and
--          device rules
SELECT r.day, t.metric, r.samples, r.p75,
       vitals_rating(r.p75, t.good_max, t.ni_max) AS rating,
       c.source, c.sampled
FROM vitals_rollup r
JOIN vitals_thresholds() t ON t.ord = r.ord
CROSS JOIN vitals_choice($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR, $sentry_sample_rate::DOUBLE,
                         $vitals_source::VARCHAR) c
WHERE r.grain = 'day'
ORDER BY r.day, t.ord
