-- name:    audit_near
-- meaning: audit entries within $window_s seconds (default ±1 h) of given instants (incident
--          starts, deployment ready times)
-- formula: entries with instant - W <= created_at <= instant + W; offset_s = created_at - instant
-- unit:    seconds for offset_s
-- grain:   one row per (instant, entry): an entry near two instants appears twice; by instant, created_at
-- time:    instants are UTC; not limited to a period (the caller picks the instants)
-- source:  audit_logs
-- params:  $instants TIMESTAMPTZ[], $window_s DOUBLE
-- note:    both ends are inclusive (an entry exactly one hour away is near); user_id and
--          ip_address are returned raw and masked for non-admins by reports.metrics.audit
WITH i AS (
    SELECT DISTINCT unnest($instants::TIMESTAMPTZ[]) AS instant
),
w AS (
    SELECT instant,
           instant - to_microseconds(CAST($window_s * 1e6 AS BIGINT)) AS s,
           instant + to_microseconds(CAST($window_s * 1e6 AS BIGINT)) AS e
    FROM i WHERE instant IS NOT NULL
)
SELECT w.instant, epoch(a.created_at) - epoch(w.instant) AS offset_s,
       a.id, a.created_at, a.action, a.resource_type, a.resource_id, a.status, a.user_id, a.ip_address
FROM w
JOIN audit_logs a ON a.created_at >= w.s AND a.created_at <= w.e
ORDER BY w.instant, a.created_at, a.id
