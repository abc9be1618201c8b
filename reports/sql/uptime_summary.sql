-- name:    uptime_summary
-- meaning: probe-based, time-weighted availability of the selected monitors over [$start, $end)
-- formula: uptime = 1 - downtime / monitored time; downtime = union of down intervals, monitored
--          = union of covered intervals, both clipped to the period, maintenance excluded;
--          degraded counts as up and is reported separately; MTTR = mean incident duration,
--          MTBF = monitored time / incidents
-- unit:    seconds for durations; uptime and monitored_fraction as fractions
-- grain:   one row
-- time:    $start/$end are UTC instants cut in the report time zone ($tz) by the caller
-- source:  probe_results (segments and incidents of the uptime_sweep macro in _uptime.sql), config maintenance windows
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $tz VARCHAR, $monitors VARCHAR[],
--          $intervals STRUCT(monitor VARCHAR, interval_s DOUBLE)[], $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[]
WITH totals AS (  -- segments and incidents from one sweep
    SELECT coalesce(sum(seconds) FILTER (WHERE kind = 'segment'), 0) AS period_s,
           coalesce(sum(seconds) FILTER (WHERE kind = 'segment' AND maintenance), 0) AS maintenance_s,
           coalesce(sum(seconds) FILTER (WHERE kind = 'segment' AND monitored), 0) AS monitored_s,
           coalesce(sum(seconds) FILTER (WHERE kind = 'segment' AND down), 0) AS down_s,
           coalesce(sum(seconds) FILTER (WHERE kind = 'segment' AND degraded), 0) AS degraded_s,
           count(*) FILTER (WHERE kind = 'incident') AS incidents,
           avg(duration_s) FILTER (WHERE kind = 'incident') AS mttr_s
    FROM uptime_sweep($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $tz::VARCHAR, $monitors::VARCHAR[],
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
       t.incidents, t.mttr_s,
       CASE WHEN t.incidents > 0 THEN t.monitored_s / t.incidents END AS mtbf_s,
       s.probes, s.down_probes
FROM totals t, samples s
