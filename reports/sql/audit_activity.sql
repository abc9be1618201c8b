-- name:    audit_activity
-- meaning: audit-log entries per local day, action and resource type in [$start, $end)
-- formula: entries = count(*); failures = entries with status = 'failure'; failure_share =
--          failures / entries; actors = count(DISTINCT user_id) (entries without a user are counted
--          as entries but not as actors)
-- unit:    counts; failure_share as a fraction
-- grain:   one row per (local day, action, resource_type) that has entries, ordered by day, action
-- time:    placed by created_at; days cut at local midnight in $tz (a DST day is 23 or 25 h)
-- source:  audit_logs
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $tz VARCHAR
SELECT CAST(timezone($tz, created_at) AS DATE) AS day,
       action,
       resource_type,
       count(*) AS entries,
       count(*) FILTER (WHERE status = 'failure') AS failures,
       count(*) FILTER (WHERE status = 'failure') / count(*) AS failure_share,
       count(DISTINCT user_id) AS actors
FROM audit_logs
WHERE created_at >= $start AND created_at < $end
GROUP BY ALL
ORDER BY day, action, resource_type NULLS LAST
