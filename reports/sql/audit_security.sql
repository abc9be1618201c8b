-- name:    audit_security
-- meaning: the security-relevant audit entries (action in $security_actions: failed logins,
--          permission denials, role changes, deletions, ...) in [$start, $end)
-- formula: a filter, no aggregation
-- unit:    none (entries)
-- grain:   one row per entry, by created_at
-- time:    placed by created_at; $start/$end are UTC instants cut in the report time zone by the caller
-- source:  audit_logs
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $security_actions VARCHAR[]
-- note:    user_id and ip_address are personal data: returned raw here, masked for non-admin
--          viewers by reports.metrics.audit.security_events (reports.privacy)
SELECT id, created_at, action, resource_type, resource_id, status, user_id, ip_address
FROM audit_logs
WHERE created_at >= $start AND created_at < $end AND list_contains($security_actions, action)
ORDER BY created_at, id
