-- name:    issues_top
-- meaning: the Sentry issues with the most error events over [$start, $end)
-- formula: per issue: events = count of its error events in the period, users = count(DISTINCT
--          user_id) of those events, unhandled = those whose mechanism was not handled; ranked by
--          events, then users, then last_seen (latest first); the first $limit kept. Fallback
--          when no error event at all is loaded for the period: issues active in it
--          (last_seen >= $start and first_seen < $end) ranked by the Issues API's count /
--          userCount (counts_basis = 'issue_totals')
-- unit:    events, users (counts, as loaded)
-- grain:   up to $limit rows, one per issue
-- time:    an event is placed by its timestamp; $start/$end are UTC instants cut in the report time
--          zone by the caller
-- source:  sentry_errors joined to sentry_issues (title, culprit, level, status, permalink); config maintenance windows
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $environment VARCHAR,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $limit INTEGER
-- note:    counts_basis = 'period_events' when events are loaded. The fallback is used only when
--          sentry_errors holds no event of any environment in the period (the events were not
--          pulled), never for a quiet period; its counts are what the Issues API reported for the
--          range it was queried with, which need not be this period, cannot be filtered by
--          environment or maintenance, and are so labelled. first_seen / last_seen are the issue's
--          (Issues API), widened by the loaded events. Same event selection as errors_daily.
WITH loaded AS (
    SELECT EXISTS (SELECT 1 FROM sentry_errors WHERE ts >= $start AND ts < $end) AS any_events
),
ev AS (
    SELECT e.*
    FROM sentry_errors e
    WHERE e.ts >= $start AND e.ts < $end
      AND e.issue_id IS NOT NULL
      AND ($environment::VARCHAR IS NULL OR e.environment = $environment)
      AND e.event_type NOT IN ('csp', 'hpkp', 'expectct', 'expectstaple', 'nel')
      AND NOT in_windows(e.ts, $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[])
),
by_issue AS (
    SELECT issue_id, count(*) AS events, count(DISTINCT user_id) AS users,
           count(*) FILTER (WHERE NOT handled) AS unhandled,
           min(ts) AS first_event, max(ts) AS last_event,
           arg_max(title, ts) AS event_title, arg_max(level, ts) AS event_level
    FROM ev
    GROUP BY issue_id
),
from_events AS (
    SELECT b.issue_id, i.short_id, coalesce(i.title, b.event_title) AS title, i.culprit,
           coalesce(i.level, b.event_level) AS level, i.status, b.events, b.users, b.unhandled,
           least(i.first_seen, b.first_event) AS first_seen, greatest(i.last_seen, b.last_event) AS last_seen,
           i.permalink, 'period_events' AS counts_basis
    FROM by_issue b
    LEFT JOIN sentry_issues i ON i.id = b.issue_id
),
from_issues AS (
    SELECT i.id AS issue_id, i.short_id, i.title, i.culprit, i.level, i.status,
           i.count AS events, i.user_count AS users, CAST(NULL AS BIGINT) AS unhandled,
           i.first_seen, i.last_seen, i.permalink, 'issue_totals' AS counts_basis
    FROM sentry_issues i
    WHERE i.last_seen >= $start AND coalesce(i.first_seen, i.last_seen) < $end
      AND NOT (SELECT any_events FROM loaded)
),
ranked AS (
    SELECT * FROM from_events
    UNION ALL
    SELECT * FROM from_issues
)
SELECT issue_id, short_id, title, culprit, level, status, events, users, unhandled,
       first_seen, last_seen, permalink, counts_basis
FROM ranked
ORDER BY events DESC NULLS LAST, users DESC NULLS LAST, last_seen DESC, issue_id
LIMIT $limit
