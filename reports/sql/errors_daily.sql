-- name:    errors_daily
-- meaning: Sentry error events per local calendar day, exception type and level over [$start, $end)
-- formula: per (day, exc_type, level): events = count(*); handled / unhandled = events whose
--          mechanism was handled / not handled; handled_unknown = events that say neither
-- unit:    events (counts, as loaded)
-- grain:   one row per local day, exc_type and level with events (NULL exc_type / level kept as NULL)
-- time:    an event is placed by its timestamp; days are cut at local midnight in $tz (DST days are
--          23 or 25 h long); $start/$end are UTC instants cut in the report time zone by the caller
-- source:  sentry_errors; config maintenance windows
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $tz VARCHAR, $environment VARCHAR,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[]
-- note:    error events are every sentry_errors row except browser security reports (csp, hpkp,
--          expectct, expectstaple, nel), which are policy reports, not application errors. Events
--          are counted as loaded, not scaled: Sentry samples error events by the SDK's `sampleRate`
--          (default 1.0), not by the traces rate that `sources.sentry_sample_rate` configures, and
--          error events carry no rate. Only events of $environment count (an event without an
--          environment is not known to be production; $environment NULL = every environment); events
--          inside a maintenance window are left out.
WITH ev AS (
    SELECT e.ts, e.exc_type, e.level, e.handled
    FROM sentry_errors e
    WHERE e.ts >= $start AND e.ts < $end
      AND ($environment::VARCHAR IS NULL OR e.environment = $environment)
      AND e.event_type NOT IN ('csp', 'hpkp', 'expectct', 'expectstaple', 'nel')
      AND NOT in_windows(e.ts, $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[])
)
SELECT CAST(timezone($tz, ts) AS DATE) AS day, exc_type, level,
       count(*) AS events,
       count(*) FILTER (WHERE handled) AS handled,
       count(*) FILTER (WHERE NOT handled) AS unhandled,
       count(*) FILTER (WHERE handled IS NULL) AS handled_unknown
FROM ev
GROUP BY ALL
ORDER BY day, events DESC, exc_type NULLS LAST, level NULLS LAST
