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
    SELECT metric, ord, CAST(good_max AS DOUBLE) AS good_max, CAST(ni_max AS DOUBLE) AS ni_max
    FROM (VALUES ('LCP', 1, 2500, 4000), ('INP', 2, 200, 500), ('CLS', 3, 0.1, 0.25),
                 ('FCP', 4, 1800, 3000), ('TTFB', 5, 800, 1800), ('FID', 6, 100, 300)) AS t(metric, ord, good_max, ni_max)
),
si AS (
    SELECT ts, upper(trim(metric)) AS metric, value, CAST(NULL AS DOUBLE) AS sample_rate,
           coalesce(nullif(lower(trim(device_type)), ''), 'unknown') AS device_type,
           coalesce(nullif(route, ''), nullif(regexp_replace(path, '[?#].*$', ''), '')) AS route
    FROM speed_insights
    WHERE ts >= $start AND ts < $end AND ($environment::VARCHAR IS NULL OR environment = $environment)
),
pageloads AS (
    SELECT ts, lcp AS "LCP", inp AS "INP", cls AS "CLS", fcp AS "FCP", ttfb AS "TTFB", fid AS "FID",
           coalesce(sample_rate, $sentry_sample_rate) AS sample_rate,
           coalesce(
               CASE WHEN lower(json_extract_string(tags, '$.device')) IN ('mobile', 'desktop', 'tablet')
                    THEN lower(json_extract_string(tags, '$.device')) END,
               CASE WHEN json_extract_string(tags, '$."os.name"') IN ('iOS', 'iPadOS', 'Android') THEN 'mobile'
                    WHEN json_extract_string(tags, '$."os.name"') IN ('Windows', 'Mac OS X', 'macOS', 'Linux',
                                                                      'Chrome OS', 'ChromeOS', 'Ubuntu')
                    THEN 'desktop' END,
               'unknown') AS device_type,
           transaction AS route
    FROM sentry_transactions
    WHERE op = 'pageload' AND ts >= $start AND ts < $end AND ($environment::VARCHAR IS NULL OR environment = $environment)
      AND NOT EXISTS (SELECT 1 FROM si)
),
pl AS (
    UNPIVOT pageloads ON "LCP", "INP", "CLS", "FCP", "TTFB", "FID" INTO NAME metric VALUE value
),
chosen AS (
    SELECT CASE WHEN EXISTS (SELECT 1 FROM si) THEN 'speed_insights'
                WHEN EXISTS (SELECT 1 FROM pl) THEN 'sentry_pageloads' END AS source,
           coalesce((SELECT bool_or(sample_rate < 1) FROM pl), false) AS sampled
),
samples AS (
    SELECT ts, metric, value, device_type, route FROM si
    UNION ALL
    SELECT ts, metric, value, device_type, route FROM pl
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
