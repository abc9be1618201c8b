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
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $sample_rate DOUBLE, $sentry_sample_rate DOUBLE,
--          $uid VARCHAR, $uid_ready TIMESTAMPTZ
-- note:    $uid (NULL = every deployment) keeps one deployment's row; $uid_ready must then be its
--          ready time (else an error): only samples within W of it are read, so one deployment
--          costs a few row groups, and its figures equal its row in the full result (the
--          sources are still chosen over all the period's windows)
--          the before-window is cut by the previous production deployment too, so each window
--          holds one release's traffic; READY deployments that are STAGED (never promoted) are
--          skipped. Raw counts are the test's sample sizes; est_* are scaled for display
--          by 1 / sample rate (the drain's $sample_rate; a Sentry event's own rate, else $sentry_sample_rate). The
--          statistical tests and the minimum sample sizes (LCP p75 is shown only with >= 20
--          samples a side) are applied by reports.metrics.deployments.impact.
WITH win AS (
    SELECT * FROM deploy_windows($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR, $window_s::DOUBLE)
),
req_sides AS (  -- per deployment k and side; k is the deployment's number in ready order
    SELECT k, after, any_value(source) AS source, count(*) AS n, count(*) FILTER (WHERE is_error) AS errors,
           sum(weight) AS est
    FROM deploy_requests($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR, $window_s::DOUBLE,
        $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $sample_rate::DOUBLE, $sentry_sample_rate::DOUBLE,
        deploy_focus($uid::VARCHAR, $uid_ready::TIMESTAMPTZ))
    GROUP BY k, after
),
req AS (
    SELECT k, any_value(source) AS request_source,
           any_value(n) FILTER (WHERE NOT after) AS requests_before,
           any_value(n) FILTER (WHERE after) AS requests_after,
           any_value(errors) FILTER (WHERE NOT after) AS errors_before,
           any_value(errors) FILTER (WHERE after) AS errors_after,
           any_value(est) FILTER (WHERE NOT after) AS est_requests_before,
           any_value(est) FILTER (WHERE after) AS est_requests_after
    FROM req_sides
    GROUP BY k
),
lat_sides AS (
    SELECT k, after, any_value(source) AS source, count(*) AS n, quantile_cont(duration_ms, 0.95) AS p95
    FROM deploy_latency($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR, $window_s::DOUBLE,
        $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], deploy_focus($uid::VARCHAR, $uid_ready::TIMESTAMPTZ))
    GROUP BY k, after
),
lat AS (
    SELECT k, any_value(source) AS latency_source,
           any_value(n) FILTER (WHERE NOT after) AS latency_samples_before,
           any_value(n) FILTER (WHERE after) AS latency_samples_after,
           any_value(p95) FILTER (WHERE NOT after) AS p95_before_ms,
           any_value(p95) FILTER (WHERE after) AS p95_after_ms
    FROM lat_sides
    GROUP BY k
),
lcp_sides AS (
    SELECT k, after, any_value(source) AS source, count(*) AS n, quantile_cont(value, 0.75) AS p75
    FROM deploy_lcp($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR, $window_s::DOUBLE,
        $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], deploy_focus($uid::VARCHAR, $uid_ready::TIMESTAMPTZ))
    GROUP BY k, after
),
lcp AS (
    SELECT k, any_value(source) AS lcp_source,
           any_value(n) FILTER (WHERE NOT after) AS lcp_samples_before,
           any_value(n) FILTER (WHERE after) AS lcp_samples_after,
           any_value(p75) FILTER (WHERE NOT after) AS lcp_p75_before_ms,
           any_value(p75) FILTER (WHERE after) AS lcp_p75_after_ms
    FROM lcp_sides
    GROUP BY k
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
LEFT JOIN req r ON r.k = w.k
LEFT JOIN lat l ON l.k = w.k
LEFT JOIN lcp v ON v.k = w.k
WHERE deploy_is_focus(w.uid, w.ready_at, $uid::VARCHAR, $uid_ready::TIMESTAMPTZ)
ORDER BY w.ready_at, w.uid
