-- name:    deploy_stats
-- meaning: Vercel deployments per environment placed in [$start, $end): counts by state, build
--          failure rate, build and queue time, deploy frequency
-- formula: build_failure_rate = ERROR / (READY + ERROR) (NULL when both are 0); build time =
--          ready - building_at of READY deployments; queue time = building_at - created_at;
--          p50/p95 by linear interpolation (quantile_cont); deploys_per_week = READY deployments /
--          (period seconds / 604800) — the production row's value is the deploy frequency
-- unit:    milliseconds for build/queue times; rates as fractions; deployments per week
-- grain:   one row per environment (production, staging, preview, ...); production always present
-- time:    a deployment is placed by `ready`, else `createdAt`; $start/$end are UTC instants cut
--          in the report time zone by the caller
-- source:  vercel_deployments (environment = target, NULL -> preview)
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ
-- note:    build time is measured on READY deployments only (a failed build's `ready` is when it
--          stopped, not a finished build); queue time on every deployment with a buildingAt.
--          states = every state seen, as a map state -> count; the fixed columns name the usual ones
WITH placed AS (
    SELECT environment, state, created_at, building_at, ready_at
    FROM vercel_deployments
    WHERE coalesce(ready_at, created_at) >= $start AND coalesce(ready_at, created_at) < $end
),
envs AS (
    SELECT DISTINCT environment FROM placed
    UNION
    SELECT 'production'
),
per_state AS (
    SELECT environment, map_from_entries(list((state, n) ORDER BY state)) AS states
    FROM (SELECT environment, state, count(*) AS n FROM placed GROUP BY ALL)
    GROUP BY environment
),
agg AS (
    SELECT environment,
           count(*) AS deployments,
           count(*) FILTER (WHERE state = 'READY') AS ready,
           count(*) FILTER (WHERE state = 'ERROR') AS error,
           count(*) FILTER (WHERE state = 'CANCELED') AS canceled,
           count(*) FILTER (WHERE state NOT IN ('READY', 'ERROR', 'CANCELED')) AS other,
           count(*) FILTER (WHERE state = 'READY' AND building_at IS NOT NULL AND ready_at IS NOT NULL)
               AS build_samples,
           quantile_cont((epoch_us(ready_at) - epoch_us(building_at)) / 1000.0, 0.5)
               FILTER (WHERE state = 'READY') AS build_p50_ms,
           quantile_cont((epoch_us(ready_at) - epoch_us(building_at)) / 1000.0, 0.95)
               FILTER (WHERE state = 'READY') AS build_p95_ms,
           count(building_at) AS queue_samples,
           quantile_cont((epoch_us(building_at) - epoch_us(created_at)) / 1000.0, 0.5) AS queue_p50_ms,
           quantile_cont((epoch_us(building_at) - epoch_us(created_at)) / 1000.0, 0.95) AS queue_p95_ms
    FROM placed
    GROUP BY environment
)
SELECT e.environment,
       coalesce(a.deployments, 0) AS deployments,
       coalesce(a.ready, 0) AS ready,
       coalesce(a.error, 0) AS error,
       coalesce(a.canceled, 0) AS canceled,
       coalesce(a.other, 0) AS other,
       s.states,
       CASE WHEN a.ready + a.error > 0 THEN a.error / (a.ready + a.error) END AS build_failure_rate,
       coalesce(a.build_samples, 0) AS build_samples,
       a.build_p50_ms, a.build_p95_ms,
       coalesce(a.queue_samples, 0) AS queue_samples,
       a.queue_p50_ms, a.queue_p95_ms,
       coalesce(a.ready, 0) / ((epoch($end) - epoch($start)) / 604800.0) AS deploys_per_week
FROM envs e
LEFT JOIN agg a ON a.environment = e.environment
LEFT JOIN per_state s ON s.environment = e.environment
ORDER BY e.environment <> 'production', e.environment
