-- name:    uptime_daily
-- meaning: probe uptime per local calendar day (for the calendar heatmap and daily chart)
-- formula: per day: 1 - down / monitored (segments never cross a local midnight); NULL when the
--          day has no monitored time
-- unit:    seconds for durations; uptime as a fraction
-- grain:   one row per local day touched by [$start, $end)
-- time:    days are cut at local midnight in $tz (a DST day is 23 or 25 h long)
-- source:  probe_results via uptime_segments (_uptime.sql), config maintenance windows
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $tz VARCHAR, $monitors VARCHAR[],
--          $intervals STRUCT(monitor VARCHAR, interval_s DOUBLE)[], $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[]
SELECT day,
       sum(seconds) AS period_s,
       coalesce(sum(seconds) FILTER (WHERE maintenance), 0) AS maintenance_s,
       coalesce(sum(seconds) FILTER (WHERE monitored), 0) AS monitored_s,
       coalesce(sum(seconds) FILTER (WHERE down), 0) AS down_s,
       coalesce(sum(seconds) FILTER (WHERE degraded), 0) AS degraded_s,
       CASE WHEN sum(seconds) FILTER (WHERE monitored) > 0
            THEN 1 - coalesce(sum(seconds) FILTER (WHERE down), 0) / sum(seconds) FILTER (WHERE monitored)
       END AS uptime
FROM uptime_segments($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $tz::VARCHAR, $monitors::VARCHAR[],
    $intervals::STRUCT(monitor VARCHAR, interval_s DOUBLE)[], $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[])
GROUP BY day
ORDER BY day
