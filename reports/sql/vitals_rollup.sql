-- name:    vitals_rollup
-- meaning: the one grouped pass over the Web Vitals field samples of [$start, $end) that
--          vitals_p75_by, vitals_daily and vitals_worst_pages read: per metric overall, per device
--          type, per route and per local calendar day
-- formula: per group: samples = count of its samples, p75 = quantile_cont(value, 0.75) over the
--          group's own samples (exact; never combined from other groups), n_good = samples with
--          value <= good_max, n_good_or_ni = samples with value <= ni_max (thresholds as in vitals_p75)
-- unit:    p75 in milliseconds (CLS unitless); counts
-- grain:   one row per grain and metric ('none') or grain, metric and group: grain 'device' per
--          device type, 'route' per route (route NULL: samples without one), 'day' per local day with
--          samples; a few thousand rows for a month of 5 M samples
-- time:    days are cut at local midnight in $tz (a DST day is 23 or 25 h long); $start/$end are
--          UTC instants cut in the report time zone by the caller; a sample is placed by its
--          timestamp (Speed Insights) or the transaction's end (Sentry)
-- source:  vitals_kept (_vitals.sql): speed_insights, else sentry_transactions (op = 'pageload')
--          measurements, one source per period; on $route (NULL = all); config maintenance windows excluded
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $tz VARCHAR, $environment VARCHAR, $route VARCHAR,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $vitals_source VARCHAR
-- note:    metrics that name it as their `input` read it as the relation vitals_rollup;
--          reports.metrics.run builds it once per reader connection and parameters. GROUPING SETS
--          read the samples once and keep one exact quantile state per set (the vitals page went
--          from 1.19 s to 0.92 s on 5.1 M samples, bench/RESULTS.md); counts are sums of booleans,
--          not count(*) FILTER, which cost ~0.25 s more in grouping sets
SELECT CASE grouping(k.device_type, k.route, d.day)  -- a bit set for each column the set leaves out
            WHEN 7 THEN 'none' WHEN 3 THEN 'device' WHEN 5 THEN 'route' WHEN 6 THEN 'day'
            ELSE error('vitals_rollup: unexpected grouping set') END AS grain,
       k.ord, k.device_type, k.route, d.day,
       count(*) AS samples,
       quantile_cont(k.value, 0.75) AS p75,
       sum(CAST(k.value <= k.good_max AS INTEGER))::BIGINT AS n_good,
       sum(CAST(k.value <= k.ni_max AS INTEGER))::BIGINT AS n_good_or_ni
FROM vitals_kept($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR, $route::VARCHAR,
                 $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $vitals_source::VARCHAR) k
-- the local day of each sample's UTC minute: no time-zone conversion per sample
JOIN local_minutes($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $tz::VARCHAR) d ON d.m = minute_of(k.ts)
GROUP BY GROUPING SETS ((k.ord), (k.ord, k.device_type), (k.ord, k.route), (k.ord, d.day))
