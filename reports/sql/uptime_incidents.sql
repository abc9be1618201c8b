-- name:    uptime_incidents
-- meaning: incidents: maximal runs of downtime (touching or overlapping down intervals of any
--          selected monitor merge), maintenance excluded
-- formula: start/end of each run, duration, monitors down during it, failed probes (down probes in the period
--          whose covered interval overlaps it), first error and status seen; clipped_start /
--          clipped_end when the run continues beyond the period edge
-- unit:    seconds
-- grain:   one row per incident, in start order
-- time:    $start/$end are UTC instants cut in the report time zone ($tz) by the caller
-- source:  probe_results via uptime_incidents (_uptime.sql), config maintenance windows
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $tz VARCHAR, $monitors VARCHAR[],
--          $intervals STRUCT(monitor VARCHAR, interval_s DOUBLE)[], $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[]
SELECT *
FROM uptime_incidents($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $tz::VARCHAR, $monitors::VARCHAR[],
    $intervals::STRUCT(monitor VARCHAR, interval_s DOUBLE)[], $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[])
ORDER BY start
