-- name:    deploy_impact_samples
-- meaning: the server latency samples of each production READY deployment's before- and
--          after-window (the same windows and source as deploy_impact), for the Mann-Whitney U test
-- formula: per deployment: the list of sample durations in [t - W, t) and in [t, t + W), windows
--          cut by the neighbouring production READY deployments
-- unit:    milliseconds
-- grain:   one row per production READY deployment in the period that has any sample, by uid
-- time:    $start/$end are UTC instants cut in the report time zone by the caller; samples are
--          placed by their end (Sentry `timestamp`, span end)
-- source:  sentry_transactions (http.server) else trace_spans (SERVER), via deploy_latency
--          (_deploy.sql); maintenance windows excluded
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $environment VARCHAR, $window_s DOUBLE,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $uid VARCHAR, $uid_ready TIMESTAMPTZ
-- note:    $uid (NULL = every deployment) keeps one deployment's row; $uid_ready must then be its
--          ready time (else an error): only samples within W of it are read, so one deployment
--          costs a few row groups, and its figures equal its row in the full result (the
--          sources are still chosen over all the period's windows)
--          one set-based query for every deployment of the period; the tests run in Python
WITH per_k AS (  -- k: the deployment's number in ready order (deploy_windows)
    SELECT k, any_value(source) AS latency_source,
           coalesce(list(duration_ms ORDER BY duration_ms) FILTER (WHERE NOT after), []::DOUBLE[]) AS before_ms,
           coalesce(list(duration_ms ORDER BY duration_ms) FILTER (WHERE after), []::DOUBLE[]) AS after_ms
    FROM deploy_latency($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR, $window_s::DOUBLE,
        $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], deploy_focus($uid::VARCHAR, $uid_ready::TIMESTAMPTZ))
    GROUP BY k
)
SELECT w.uid, p.latency_source, p.before_ms, p.after_ms
FROM per_k p
JOIN deploy_windows($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR, $window_s::DOUBLE) w ON w.k = p.k
WHERE deploy_is_focus(w.uid, w.ready_at, $uid::VARCHAR, $uid_ready::TIMESTAMPTZ)
ORDER BY w.uid
