-- name:    errors_summary
-- meaning: Sentry error events over [$start, $end): totals, handled vs unhandled, issues and users affected
-- formula: events = count(*); handled / unhandled / handled_unknown by the exception mechanism;
--          issues = count(DISTINCT issue_id); users_affected = count(DISTINCT user_id) (the ids
--          themselves are personal data and never returned); events_without_issue = events with no issue id
-- unit:    events, issues, users (counts, as loaded)
-- grain:   one row (zero counts when there are no events)
-- time:    an event is placed by its timestamp; $start/$end are UTC instants cut in the report time
--          zone by the caller
-- source:  sentry_errors; config maintenance windows
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $environment VARCHAR, $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[]
-- note:    same event selection as errors_daily (security reports left out, $environment only,
--          maintenance excluded, counts not scaled). Users are counted by user id only: events
--          without one add no user (Sentry's own userCount also falls back to the IP address).
WITH ev AS (
    SELECT e.ts, e.handled, e.issue_id, e.user_id
    FROM sentry_errors e
    WHERE e.ts >= $start AND e.ts < $end
      AND ($environment::VARCHAR IS NULL OR e.environment = $environment)
      AND e.event_type NOT IN ('csp', 'hpkp', 'expectct', 'expectstaple', 'nel')
      AND NOT in_windows(e.ts, $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[])
)
SELECT count(*) AS events,
       count(*) FILTER (WHERE handled) AS handled,
       count(*) FILTER (WHERE NOT handled) AS unhandled,
       count(*) FILTER (WHERE handled IS NULL) AS handled_unknown,
       count(DISTINCT issue_id) AS issues,
       count(DISTINCT user_id) AS users_affected,
       count(*) FILTER (WHERE issue_id IS NULL) AS events_without_issue,
       min(ts) AS first_event,
       max(ts) AS last_event
FROM ev
