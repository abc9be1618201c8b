-- name:    errors_frontend_rate
-- meaning: frontend error rate over [$start, $end) and per local day: browser error events per page load
-- formula: rate = browser_errors / pageloads, pageloads = sum(1 / sample_rate) over the sampled
--          pageload transactions (an estimate of all page loads), browser_errors counted as loaded
--          (error events are not trace-sampled, i.e. their rate is 1); NULL when pageloads = 0
-- unit:    error events per page load (a fraction; it can exceed 1); counts in events / page loads
-- grain:   one row per local day with errors or page loads, plus one row with day = NULL for the whole period
-- time:    events are placed by their timestamp (a transaction by its end); days are cut at local
--          midnight in $tz; $start/$end are UTC instants cut in the report time zone by the caller
-- source:  sentry_errors (browser platforms), sentry_transactions (op = 'pageload'); config maintenance windows
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $tz VARCHAR, $environment VARCHAR,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $sentry_sample_rate DOUBLE
-- note:    a browser error event is one with platform = 'javascript' (or, when the platform is missing,
--          a browser SDK: sdk.name sentry.javascript.browser/react/vue/angular/angular-ivy/svelte/
--          ember/solid/gatsby) whose `runtime` / `runtime.name` tag is not a server runtime (node,
--          edge, vercel-edge, bun, deno, cloudflare): @sentry/nextjs server and edge events also use
--          the JavaScript SDK. Both counts are estimates of the true totals ("both scaled"): a
--          pageload is weighted by 1 / its client sample rate (else $sentry_sample_rate, which
--          configures the traces rate), error events by 1 (Sentry's error sampleRate defaults to
--          1.0 and events carry none); `pageloads_sampled` is the unscaled number. Security reports
--          are not errors; only $environment counts (NULL = all); maintenance windows are excluded.
WITH maint AS (
    SELECT unnest($maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], recursive := true)
),
browser_errors AS (
    SELECT e.ts
    FROM sentry_errors e
    WHERE e.ts >= $start AND e.ts < $end
      AND ($environment::VARCHAR IS NULL OR e.environment = $environment)
      AND e.event_type NOT IN ('csp', 'hpkp', 'expectct', 'expectstaple', 'nel')
      AND coalesce(e.platform,
                   CASE WHEN json_extract_string(e.extra, '$.sdk.name') IN (
                            'sentry.javascript.browser', 'sentry.javascript.react', 'sentry.javascript.vue',
                            'sentry.javascript.angular', 'sentry.javascript.angular-ivy',
                            'sentry.javascript.svelte', 'sentry.javascript.ember', 'sentry.javascript.solid',
                            'sentry.javascript.gatsby')
                        THEN 'javascript' END) = 'javascript'
      AND coalesce(lower(coalesce(json_extract_string(e.tags, '$.runtime'),
                                  json_extract_string(e.tags, '$."runtime.name"'))), '')
          NOT IN ('node', 'edge', 'vercel-edge', 'bun', 'deno', 'cloudflare')
      AND NOT EXISTS (SELECT 1 FROM maint m WHERE e.ts >= m.s AND e.ts < m.e)
),
pageloads AS (
    SELECT t.ts,
           CASE WHEN t.sample_rate > 0 AND t.sample_rate <= 1 THEN t.sample_rate ELSE $sentry_sample_rate END AS rate
    FROM sentry_transactions t
    WHERE t.op = 'pageload' AND t.ts >= $start AND t.ts < $end
      AND ($environment::VARCHAR IS NULL OR t.environment = $environment)
      AND NOT EXISTS (SELECT 1 FROM maint m WHERE t.ts >= m.s AND t.ts < m.e)
),
counted AS (
    SELECT CAST(timezone($tz, ts) AS DATE) AS day, 1 AS err, 0 AS pl, CAST(0 AS DOUBLE) AS weight, false AS sampled
    FROM browser_errors
    UNION ALL
    SELECT CAST(timezone($tz, ts) AS DATE), 0, 1, 1.0 / rate, rate < 1 FROM pageloads
)
SELECT day,
       coalesce(sum(err), 0) AS browser_errors,
       coalesce(sum(pl), 0) AS pageloads_sampled,
       coalesce(sum(weight), 0) AS pageloads,
       CASE WHEN sum(weight) > 0 THEN sum(err) / sum(weight) END AS rate,
       coalesce(bool_or(sampled), false) AS sampled
FROM counted
GROUP BY GROUPING SETS ((day), ())
ORDER BY day NULLS FIRST
