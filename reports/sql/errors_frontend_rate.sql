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
WITH browser_errors AS (
    SELECT minute_of(e.ts) AS m, count(*) AS err
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
      AND NOT in_windows(e.ts, $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[])
    GROUP BY m
),
pageloads AS (  -- per UTC minute first: the local day is looked up per minute, not per pageload
    SELECT minute_of(t.ts) AS m, count(*) AS pl, sum(1.0 / rate) AS weight, bool_or(rate < 1) AS sampled
    FROM (SELECT ts, CASE WHEN sample_rate > 0 AND sample_rate <= 1 THEN sample_rate ELSE $sentry_sample_rate END AS rate
          FROM sentry_transactions
          WHERE op = 'pageload' AND ts >= $start AND ts < $end
            AND ($environment::VARCHAR IS NULL OR environment = $environment)
            AND NOT in_windows(ts, $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[])) t
    GROUP BY m
),
per_minute AS (
    SELECT m, err, 0 AS pl, CAST(0 AS DOUBLE) AS weight, false AS sampled FROM browser_errors
    UNION ALL
    SELECT m, 0, pl, weight, sampled FROM pageloads
),
counted AS (
    SELECT d.day, p.err, p.pl, p.weight, p.sampled
    FROM per_minute p
    JOIN local_minutes($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $tz::VARCHAR) d ON d.m = p.m
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
