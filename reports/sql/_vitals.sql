-- Table macros shared by the Web Vitals metrics (installed on a connection by reports.metrics).
--
-- vitals_thresholds(): Google's rating thresholds per metric (good <= good_max, needs
--   improvement <= ni_max, else poor), with a display order.
-- vitals_samples(...): the field samples of the period and environment from ONE source, chosen
--   once per period: Speed Insights when it holds any sample, else Sentry pageload measurements
--   (unpivoted to one row per metric); with device type, route, the chosen source and whether
--   the Sentry pageloads were sampled. The route filter and maintenance exclusion are left to
--   each metric, so every split uses the same source as the overall figure.

CREATE OR REPLACE TEMP MACRO vitals_thresholds() AS TABLE
SELECT metric, ord, CAST(good_max AS DOUBLE) AS good_max, CAST(ni_max AS DOUBLE) AS ni_max
FROM (VALUES ('LCP', 1, 2500, 4000), ('INP', 2, 200, 500), ('CLS', 3, 0.1, 0.25),
             ('FCP', 4, 1800, 3000), ('TTFB', 5, 800, 1800), ('FID', 6, 100, 300)) AS t(metric, ord, good_max, ni_max);

CREATE OR REPLACE TEMP MACRO vitals_samples(p_start, p_end, p_environment, p_sentry_rate) AS TABLE
WITH si AS (
    SELECT ts, upper(trim(metric)) AS metric, value, CAST(NULL AS DOUBLE) AS sample_rate,
           coalesce(nullif(lower(trim(device_type)), ''), 'unknown') AS device_type,
           coalesce(nullif(route, ''), nullif(regexp_replace(path, '[?#].*$', ''), '')) AS route
    FROM speed_insights
    WHERE ts >= p_start AND ts < p_end AND (p_environment IS NULL OR environment = p_environment)
),
pageloads AS (
    SELECT ts, lcp AS "LCP", inp AS "INP", cls AS "CLS", fcp AS "FCP", ttfb AS "TTFB", fid AS "FID",
           coalesce(sample_rate, p_sentry_rate) AS sample_rate,
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
    WHERE op = 'pageload' AND ts >= p_start AND ts < p_end AND (p_environment IS NULL OR environment = p_environment)
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
)
SELECT s.*, c.source, c.sampled FROM samples s, chosen c;
