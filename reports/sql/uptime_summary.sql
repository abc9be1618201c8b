-- name:    uptime_summary
-- meaning: probe-based, time-weighted availability of the selected monitors over [$start, $end)
-- formula: uptime = 1 - downtime / monitored time; downtime = union of down intervals, monitored
--          = union of covered intervals, both clipped to the period, maintenance excluded;
--          degraded counts as up and is reported separately; MTTR = mean incident duration,
--          MTBF = monitored time / incidents
-- unit:    seconds for durations; uptime and monitored_fraction as fractions
-- grain:   one row
-- time:    $start/$end are UTC instants cut in the report time zone ($tz) by the caller
-- source:  probe_results (uptime_segments / uptime_incidents macros in _uptime.sql), config maintenance windows
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $tz VARCHAR, $monitors VARCHAR[],
--          $intervals STRUCT(monitor VARCHAR, interval_s DOUBLE)[], $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[]
WITH seg AS (
    SELECT * FROM uptime_segments($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $tz::VARCHAR, $monitors::VARCHAR[],
        $intervals::STRUCT(monitor VARCHAR, interval_s DOUBLE)[], $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[])
),
totals AS (
    SELECT coalesce(sum(seconds), 0) AS period_s,
           coalesce(sum(seconds) FILTER (WHERE maintenance), 0) AS maintenance_s,
           coalesce(sum(seconds) FILTER (WHERE monitored), 0) AS monitored_s,
           coalesce(sum(seconds) FILTER (WHERE down), 0) AS down_s,
           coalesce(sum(seconds) FILTER (WHERE degraded), 0) AS degraded_s
    FROM seg
),
inc AS (
    SELECT count(*) AS incidents, avg(duration_s) AS mttr_s, coalesce(sum(failed_probes), 0) AS failed_probes
    FROM uptime_incidents($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $tz::VARCHAR, $monitors::VARCHAR[],
        $intervals::STRUCT(monitor VARCHAR, interval_s DOUBLE)[], $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[])
),
samples AS (
    SELECT count(*) AS probes, count(*) FILTER (WHERE state = 'down') AS down_probes
    FROM probe_results
    WHERE ts >= $start AND ts < $end
      AND ($monitors IS NULL OR len($monitors) = 0 OR list_contains($monitors, monitor))
)
SELECT t.period_s, t.maintenance_s, t.monitored_s, t.down_s, t.degraded_s,
       t.period_s - t.maintenance_s - t.monitored_s AS unmonitored_s,
       CASE WHEN t.monitored_s > 0 THEN 1 - t.down_s / t.monitored_s END AS uptime,
       CASE WHEN t.period_s - t.maintenance_s > 0 THEN t.monitored_s / (t.period_s - t.maintenance_s) END
           AS monitored_fraction,
       i.incidents, i.mttr_s,
       CASE WHEN i.incidents > 0 THEN t.monitored_s / i.incidents END AS mtbf_s,
       s.probes, s.down_probes
FROM totals t, inc i, samples s
