-- Table macros shared by the Web Vitals metrics (installed on a connection by reports.metrics).
--
-- vitals_thresholds(): Google's rating thresholds per metric (good <= good_max, needs
--   improvement <= ni_max, else poor), with a display order.
-- vitals_rating(v, good_max, ni_max): the rating of a p75 by those thresholds ('no_data' for NULL).
-- vitals_choice(...): one row: the source of the period and environment, chosen once per period
--   (Speed Insights when it holds any sample, else Sentry pageload measurements when a pageload
--   carries any, else NULL), and whether the Sentry pageloads were sampled (rate carried by the
--   event, else p_sentry_rate, below 1; false for Speed Insights). Decided with EXISTS over the
--   base tables, so it costs next to nothing and never scans the samples. p_source
--   ('speed_insights' | 'sentry_pageloads', the objectives' `source`) pins the source: NULL then
--   means the pinned source has no sample.
-- vitals_samples(...): the field samples of the period and environment from that ONE source:
--   Speed Insights rows, or (only when Speed Insights has none) Sentry pageload measurements
--   unpivoted to one row per metric; with device type and route. The route filter and maintenance
--   exclusion are left to each metric, so every split uses the same source as the overall figure.
--   Reference it once per query (a table referenced twice is materialized, all columns computed).
-- vitals_kept(...): those samples of a known metric (with its thresholds and display order), finite,
--   on p_route (NULL = all) and outside the maintenance windows p_maint.

CREATE OR REPLACE TEMP MACRO vitals_thresholds() AS TABLE
SELECT metric, ord, CAST(good_max AS DOUBLE) AS good_max, CAST(ni_max AS DOUBLE) AS ni_max
FROM (VALUES ('LCP', 1, 2500, 4000), ('INP', 2, 200, 500), ('CLS', 3, 0.1, 0.25),
             ('FCP', 4, 1800, 3000), ('TTFB', 5, 800, 1800), ('FID', 6, 100, 300)) AS t(metric, ord, good_max, ni_max);

CREATE OR REPLACE TEMP MACRO vitals_rating(v, good_max, ni_max) AS
CASE WHEN v IS NULL THEN 'no_data' WHEN v <= good_max THEN 'good' WHEN v <= ni_max THEN 'needs_improvement'
     ELSE 'poor' END;

CREATE OR REPLACE TEMP MACRO vitals_choice(p_start, p_end, p_environment, p_sentry_rate, p_source) AS TABLE
SELECT source, coalesce(source = 'sentry_pageloads', false) AND pl_sampled AS sampled
FROM (
SELECT CASE WHEN p_source = 'speed_insights' THEN CASE WHEN has_si THEN 'speed_insights' END
            WHEN p_source = 'sentry_pageloads' THEN CASE WHEN has_pl THEN 'sentry_pageloads' END
            WHEN has_si THEN 'speed_insights' WHEN has_pl THEN 'sentry_pageloads' END AS source,
       pl_sampled
FROM (
    SELECT EXISTS (SELECT 1 FROM speed_insights
                   WHERE ts >= p_start AND ts < p_end AND (p_environment IS NULL OR environment = p_environment))
               AS has_si,
           -- a pageload counts when it carries any measurement (UNPIVOT drops NULL values)
           EXISTS (SELECT 1 FROM sentry_transactions
                   WHERE op = 'pageload' AND ts >= p_start AND ts < p_end
                     AND (p_environment IS NULL OR environment = p_environment)
                     AND (lcp IS NOT NULL OR inp IS NOT NULL OR cls IS NOT NULL OR fcp IS NOT NULL
                          OR ttfb IS NOT NULL OR fid IS NOT NULL)) AS has_pl,
           EXISTS (SELECT 1 FROM sentry_transactions
                   WHERE op = 'pageload' AND ts >= p_start AND ts < p_end
                     AND (p_environment IS NULL OR environment = p_environment)
                     AND (lcp IS NOT NULL OR inp IS NOT NULL OR cls IS NOT NULL OR fcp IS NOT NULL
                          OR ttfb IS NOT NULL OR fid IS NOT NULL)
                     AND coalesce(sample_rate, p_sentry_rate) < 1) AS pl_sampled
));

CREATE OR REPLACE TEMP MACRO vitals_samples(p_start, p_end, p_environment, p_source) AS TABLE
SELECT ts, upper(trim(metric)) AS metric, value,
       -- CASE rather than coalesce/nullif: the string functions then run on the column's
       -- dictionary, and the path is only cleaned for rows without a route
       CASE WHEN lower(trim(device_type)) <> '' THEN lower(trim(device_type)) ELSE 'unknown' END AS device_type,
       CASE WHEN route <> '' THEN route ELSE nullif(regexp_replace(path, '[?#].*$', ''), '') END AS route
FROM speed_insights
WHERE ts >= p_start AND ts < p_end AND (p_environment IS NULL OR environment = p_environment)
  AND (p_source IS NULL OR p_source = 'speed_insights')
UNION ALL
SELECT ts, metric, value, device_type, route
FROM (
    UNPIVOT (
        SELECT ts, "LCP", "INP", "CLS", "FCP", "TTFB", "FID",
               coalesce(
                   CASE WHEN lower(tag[1]) IN ('mobile', 'desktop', 'tablet') THEN lower(tag[1]) END,
                   CASE WHEN tag[2] IN ('iOS', 'iPadOS', 'Android') THEN 'mobile'
                        WHEN tag[2] IN ('Windows', 'Mac OS X', 'macOS', 'Linux', 'Chrome OS', 'ChromeOS', 'Ubuntu')
                        THEN 'desktop' END,
                   'unknown') AS device_type,
               route
        FROM (
            SELECT ts, lcp AS "LCP", inp AS "INP", cls AS "CLS", fcp AS "FCP", ttfb AS "TTFB", fid AS "FID",
                   -- the tags parsed once: [device, os.name]
                   json_extract_string(tags, ['$.device', '$."os.name"']) AS tag,
                   transaction AS route
            FROM sentry_transactions
            WHERE op = 'pageload' AND ts >= p_start AND ts < p_end
              AND (p_environment IS NULL OR environment = p_environment)
              AND CASE WHEN p_source IS NULL
                       THEN NOT EXISTS (SELECT 1 FROM speed_insights
                                        WHERE ts >= p_start AND ts < p_end
                                          AND (p_environment IS NULL OR environment = p_environment))
                       ELSE p_source = 'sentry_pageloads' END
        )
    ) ON "LCP", "INP", "CLS", "FCP", "TTFB", "FID" INTO NAME metric VALUE value
);

CREATE OR REPLACE TEMP MACRO vitals_kept(p_start, p_end, p_environment, p_route, p_maint, p_source) AS TABLE
SELECT t.metric, t.ord, s.ts, s.value, s.device_type, s.route, t.good_max, t.ni_max
FROM vitals_samples(p_start, p_end, p_environment, p_source) s
JOIN vitals_thresholds() t ON t.metric = s.metric
WHERE isfinite(s.value)
  AND (p_route IS NULL OR s.route = p_route)
  AND NOT in_windows(s.ts, p_maint);
