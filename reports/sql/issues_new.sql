-- name:    issues_new
-- meaning: Sentry issues first seen within [$start, $end)
-- formula: sentry_issues with $start <= first_seen < $end; events_in_period / users_in_period =
--          their loaded error events in the period (NULL when no error event of the period is loaded)
-- unit:    events, users (counts, as loaded)
-- grain:   one row per new issue, oldest first
-- time:    first_seen as the Issues API reports it; $start/$end are UTC instants cut in the report
--          time zone by the caller
-- source:  sentry_issues, sentry_errors; config maintenance windows (for the event counts)
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $environment VARCHAR, $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[]
-- note:    issues carry no environment. When events of the period are loaded, an issue whose loaded
--          events in the period all belong to other environments is left out (a preview-only issue
--          is not new in production); an issue without loaded events is kept. An issue's first_seen
--          is not moved by maintenance windows (it is a fact about the issue); the event counts
--          exclude maintenance like errors_daily. Issues known only from events (not in the Issues
--          data) are not listed: the first loaded event is not the issue's first_seen.
WITH loaded AS (
    SELECT EXISTS (SELECT 1 FROM sentry_errors WHERE ts >= $start AND ts < $end) AS any_events
),
period_ev AS (
    SELECT e.issue_id, e.ts, e.user_id, ($environment::VARCHAR IS NULL OR coalesce(e.environment = $environment, false)) AS in_env,
           ($environment::VARCHAR IS NULL OR coalesce(e.environment = $environment, false))
               AND NOT in_windows(e.ts, $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[]) AS counted
    FROM sentry_errors e
    WHERE e.ts >= $start AND e.ts < $end AND e.issue_id IS NOT NULL
      AND e.event_type NOT IN ('csp', 'hpkp', 'expectct', 'expectstaple', 'nel')
),
per_issue AS (
    SELECT issue_id,
           bool_or(in_env) AS any_in_env,
           count(*) FILTER (WHERE counted) AS events,
           count(DISTINCT user_id) FILTER (WHERE counted) AS users
    FROM period_ev
    GROUP BY issue_id
)
SELECT i.id AS issue_id, i.short_id, i.title, i.culprit, i.level, i.status, i.substatus, i.platform,
       i.is_unhandled, i.first_seen, i.last_seen,
       i.count AS events_total, i.user_count AS users_total,
       CASE WHEN l.any_events THEN coalesce(p.events, 0) END AS events_in_period,
       CASE WHEN l.any_events THEN coalesce(p.users, 0) END AS users_in_period,
       i.permalink
FROM sentry_issues i
CROSS JOIN loaded l
LEFT JOIN per_issue p ON p.issue_id = i.id
WHERE i.first_seen >= $start AND i.first_seen < $end
  AND coalesce(p.any_in_env, true)
ORDER BY i.first_seen, i.id
