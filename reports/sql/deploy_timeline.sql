-- name:    deploy_timeline
-- meaning: every Vercel deployment placed in [$start, $end), all environments, with its times,
--          build and queue durations, commit and creator
-- formula: build_ms = ready - building_at; queue_ms = building_at - created_at (NULL when a time
--          is missing)
-- unit:    milliseconds for durations
-- grain:   one row per deployment, in placement order
-- time:    a deployment is placed by `ready`, else `createdAt` (placed_at); $start/$end are UTC
--          instants cut in the report time zone by the caller
-- source:  vercel_deployments
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ
-- note:    the creator is given by username only (else the GitHub login); emails and uids are
--          personal data and are not returned
SELECT uid, name, environment, state, ready_substate,
       coalesce(ready_at, created_at) AS placed_at,
       created_at, building_at, ready_at,
       (epoch_us(ready_at) - epoch_us(building_at)) / 1000.0 AS build_ms,
       (epoch_us(building_at) - epoch_us(created_at)) / 1000.0 AS queue_ms,
       commit_sha, commit_ref, commit_message, commit_author, pr_id,
       coalesce(creator_username, creator_github_login) AS creator,
       source, url, inspector_url, error_code, error_message
FROM vercel_deployments
WHERE coalesce(ready_at, created_at) >= $start AND coalesce(ready_at, created_at) < $end
ORDER BY placed_at, uid
