-- name:    deploy_impact
-- meaning: traffic before and after each production READY deployment whose `ready` lies in
--          [$start, $end): requests, errors, p95 server latency and LCP p75 in [t - W, t) and [t, t + W)
-- formula: t = ready, W = $window_s; after-window cut short by the next production READY
--          deployment, before-window by the previous one; error = status >= 500 or crashed
--          (Sentry fallback: HTTP status >= 500, else a failed trace status),
--          error_rate = errors / requests; p95 / p75 by linear interpolation (quantile_cont) over
--          the window's samples; est_requests = sum of 1 / sample rate
-- unit:    milliseconds for latency and LCP; seconds for window lengths; rates as fractions
-- grain:   one row per production READY deployment in the period, in ready order
-- time:    $start/$end are UTC instants cut in the report time zone by the caller; windows may
--          reach outside the period (a deployment near the end is still judged on its hour)
-- source:  vercel_deployments; vercel_requests (not background) else sentry_transactions
--          (http.server) for requests; sentry_transactions (http.server) else trace_spans (SERVER)
--          for latency; speed_insights (LCP) else sentry_transactions (pageload);
--          macros in _deploy.sql; maintenance windows excluded
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $environment VARCHAR, $window_s DOUBLE,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $sample_rate DOUBLE, $sentry_sample_rate DOUBLE
-- note:    the before-window is cut by the previous production deployment too, so each window
--          holds one release's traffic; READY deployments that are STAGED (never promoted) are
--          skipped. Raw counts are the test's sample sizes; est_* are scaled for display
--          by 1 / sample rate (the drain's $sample_rate; a Sentry event's own rate, else $sentry_sample_rate). The
--          statistical tests and the minimum sample sizes (LCP p75 is shown only with >= 20
--          samples a side) are applied by reports.metrics.deployments.impact.
WITH win AS (
    SELECT * FROM deploy_windows($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR, $window_s::DOUBLE)
),
req AS (
    SELECT uid, any_value(source) AS request_source,
           count(*) FILTER (WHERE side = 'before') AS requests_before,
           count(*) FILTER (WHERE side = 'after') AS requests_after,
           count(*) FILTER (WHERE side = 'before' AND is_error) AS errors_before,
           count(*) FILTER (WHERE side = 'after' AND is_error) AS errors_after,
           sum(weight) FILTER (WHERE side = 'before') AS est_requests_before,
           sum(weight) FILTER (WHERE side = 'after') AS est_requests_after
    FROM deploy_requests($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR, $window_s::DOUBLE,
        $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $sample_rate::DOUBLE, $sentry_sample_rate::DOUBLE)
    GROUP BY uid
),
lat AS (
    SELECT uid, any_value(source) AS latency_source,
           count(*) FILTER (WHERE side = 'before') AS latency_samples_before,
           count(*) FILTER (WHERE side = 'after') AS latency_samples_after,
           quantile_cont(duration_ms, 0.95) FILTER (WHERE side = 'before') AS p95_before_ms,
           quantile_cont(duration_ms, 0.95) FILTER (WHERE side = 'after') AS p95_after_ms
    FROM deploy_latency($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR, $window_s::DOUBLE,
        $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[])
    GROUP BY uid
),
lcp AS (
    SELECT uid, any_value(source) AS lcp_source,
           count(*) FILTER (WHERE side = 'before') AS lcp_samples_before,
           count(*) FILTER (WHERE side = 'after') AS lcp_samples_after,
           quantile_cont(value, 0.75) FILTER (WHERE side = 'before') AS lcp_p75_before_ms,
           quantile_cont(value, 0.75) FILTER (WHERE side = 'after') AS lcp_p75_after_ms
    FROM deploy_lcp($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR, $window_s::DOUBLE,
        $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[])
    GROUP BY uid
)
SELECT w.uid, w.ready_at, w.commit_sha, w.commit_ref, w.commit_message, w.commit_author,
       w.before_start, w.before_end, w.after_start, w.after_end,
       epoch(w.before_end) - epoch(w.before_start) AS before_s,
       epoch(w.after_end) - epoch(w.after_start) AS after_s,
       w.before_cut, w.after_cut, w.next_uid,
       r.request_source,
       coalesce(r.requests_before, 0) AS requests_before,
       coalesce(r.requests_after, 0) AS requests_after,
       coalesce(r.errors_before, 0) AS errors_before,
       coalesce(r.errors_after, 0) AS errors_after,
       CASE WHEN r.requests_before > 0 THEN r.errors_before / r.requests_before END AS error_rate_before,
       CASE WHEN r.requests_after > 0 THEN r.errors_after / r.requests_after END AS error_rate_after,
       coalesce(r.est_requests_before, 0) AS est_requests_before,
       coalesce(r.est_requests_after, 0) AS est_requests_after,
       l.latency_source,
       coalesce(l.latency_samples_before, 0) AS latency_samples_before,
       coalesce(l.latency_samples_after, 0) AS latency_samples_after,
       l.p95_before_ms, l.p95_after_ms,
       v.lcp_source,
       coalesce(v.lcp_samples_before, 0) AS lcp_samples_before,
       coalesce(v.lcp_samples_after, 0) AS lcp_samples_after,
       v.lcp_p75_before_ms, v.lcp_p75_after_ms
FROM win w
LEFT JOIN req r ON r.uid = w.uid
LEFT JOIN lat l ON l.uid = w.uid
LEFT JOIN lcp v ON v.uid = w.uid
ORDER BY w.ready_at, w.uid
