-- name:    audit_summary
-- meaning: the audit log over [$start, $end): entries, failure share, distinct actors,
--          security-relevant entries and the most frequent actions
-- formula: failure_share = entries with status = 'failure' / entries (NULL without entries);
--          actors = count(DISTINCT user_id); security_entries = entries whose action is in
--          $security_actions; top_actions = the 10 most frequent actions with their counts
-- unit:    counts; failure_share as a fraction
-- grain:   one row
-- time:    placed by created_at; $start/$end are UTC instants cut in the report time zone by the caller
-- source:  audit_logs
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $security_actions VARCHAR[]
-- note:    ties in top_actions are broken by action name so the list is stable
WITH e AS (
    SELECT * FROM audit_logs WHERE created_at >= $start AND created_at < $end
),
totals AS (
    SELECT count(*) AS entries,
           count(*) FILTER (WHERE status = 'failure') AS failures,
           count(DISTINCT user_id) AS actors,
           count(*) FILTER (WHERE list_contains($security_actions, action)) AS security_entries,
           count(*) FILTER (WHERE list_contains($security_actions, action) AND status = 'failure')
               AS security_failures
    FROM e
),
top AS (
    SELECT list({'action': action, 'entries': n} ORDER BY n DESC, action) AS top_actions
    FROM (SELECT action, count(*) AS n FROM e GROUP BY action ORDER BY n DESC, action LIMIT 10)
)
SELECT t.entries, t.failures,
       CASE WHEN t.entries > 0 THEN t.failures / t.entries END AS failure_share,
       t.actors, t.security_entries, t.security_failures,
       coalesce(top.top_actions, []) AS top_actions
FROM totals t, top
