-- name:    vitals_p75
-- meaning: Core Web Vitals field data at p75 per metric over [$start, $end), overall (the figure the
--          SLA objectives and the Core Web Vitals verdict read, in one lean pass)
-- formula: p75 = quantile_cont(value, 0.75) over the period's samples; rating of the p75 by Google's
--          thresholds (good <= good_max, needs improvement <= ni_max, else poor): LCP 2500/4000 ms,
--          INP 200/500 ms, CLS 0.1/0.25, FCP 1800/3000 ms, TTFB 800/1800 ms, FID 100/300 ms;
--          share_good/share_ni/share_poor = samples rated so / samples
-- unit:    milliseconds (CLS unitless); shares as fractions
-- grain:   one row per metric (all six; samples = 0 and NULL p75 / rating 'no_data' when a metric
--          has no samples); device_type and route are NULL (the columns of vitals_p75_by)
-- time:    $start/$end are UTC instants cut in the report time zone by the caller; a sample is placed
--          by its timestamp (Speed Insights) or the transaction's end (Sentry)
-- source:  speed_insights, else sentry_transactions (op = 'pageload') measurements; config maintenance windows
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $environment VARCHAR, $route VARCHAR,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $sentry_sample_rate DOUBLE, $vitals_source VARCHAR
-- note:    $vitals_source pins the source (the Web Vitals objectives' `source`; NULL: first
--          available); the source is chosen once per period and environment (before the route filter and the
--          maintenance exclusion), so every split uses the same source as the overall figure:
--          Speed Insights when it holds any sample of $environment in the period, else Sentry pageloads.
--          Only rows of $environment count ($environment NULL = all). Device type: Speed Insights deviceType
--          lower-cased; for Sentry the `device` tag when it is mobile/desktop/tablet, else mobile for
--          iOS/iPadOS/Android and desktop for Windows/macOS/Linux/Chrome OS (`os.name` tag), else
--          'unknown'. Route: Speed Insights route, else its path without query; Sentry: the
--          transaction name. `samples` is the number of measurements (unscaled: it is the basis of
--          the percentile); `sampled` says the Sentry pageloads were sampled (rate carried by the
--          event, else $sentry_sample_rate, below 1). Lab (Lighthouse) data is never used here.
--          vitals_p75_by with $group_by 'none' gives the same rows from the grouped pass a page
--          that also shows the splits reads (tested equal).
WITH grouped AS (
    SELECT ord,
           count(*) AS samples,
           quantile_cont(value, 0.75) AS p75,
           sum(CAST(value <= good_max AS INTEGER))::BIGINT AS n_good,
           sum(CAST(value <= ni_max AS INTEGER))::BIGINT AS n_good_or_ni
    FROM vitals_kept($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR, $route::VARCHAR,
                     $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $vitals_source::VARCHAR)
    GROUP BY ord
)
SELECT t.metric,
       CAST(NULL AS VARCHAR) AS device_type,
       CAST(NULL AS VARCHAR) AS route,
       coalesce(g.samples, 0) AS samples,
       g.p75,
       vitals_rating(g.p75, t.good_max, t.ni_max) AS rating,
       -- finite values: good = <= good_max, needs improvement = the rest <= ni_max, poor = the rest
       g.n_good / g.samples AS share_good,
       (g.n_good_or_ni - g.n_good) / g.samples AS share_ni,
       (g.samples - g.n_good_or_ni) / g.samples AS share_poor,
       t.good_max, t.ni_max,
       c.source, c.sampled
FROM vitals_thresholds() t
LEFT JOIN grouped g ON g.ord = t.ord
CROSS JOIN vitals_choice($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR, $sentry_sample_rate::DOUBLE,
                         $vitals_source::VARCHAR) c
ORDER BY t.ord
