-- Table macros shared by the uptime metrics (installed on a connection by reports.metrics).
--
-- uptime_probes: the period's probes of the selected monitors plus each one's neighbours.
-- uptime_intervals: each probe covers [ts_i, min(ts_{i+1}, ts_i + max_gap)), max_gap = 2 x the
--   monitor's configured interval, else 2 x the median gap between its consecutive probes in the
--   period plus its neighbours (the last probe before and the first after the period); a monitor
--   with a single probe and no configured interval covers nothing. Only the last probe before
--   p_start can reach into the period, so earlier ones are not read (the neighbours are found by
--   an aggregate, not a window over the whole history). joins_prev / joins_next: the interval
--   touches the previous / next one of its monitor, in the same state, at an instant strictly
--   inside the period (so both are whole there and their boundary events cancel).
-- uptime_sweep: a sweep over every interval boundary, maintenance boundary and local midnight
--   gives elementary segments that never cross a day (kind 'segment'); each carries how many
--   monitors cover it, are down or degraded, and whether maintenance (a configured window, or a
--   maintenance-state probe) masks it. Unions over monitors are then sums of segment lengths.
--   Boundaries inside a run of touching same-state intervals of one monitor are left out (they
--   change nothing), so a month of steady probes gives a handful of segments, not one per probe.
--   Incidents (kind 'incident') are the maximal runs of down segments, with the down probes
--   whose intervals overlap them. One macro, so the intervals are computed once per query.
-- uptime_segments / uptime_incidents: the two kinds of rows of uptime_sweep.

CREATE OR REPLACE TEMP MACRO uptime_probes(p_start, p_end, p_monitors) AS TABLE
SELECT monitor, ts, state, status_code, message
FROM probe_results
WHERE ts >= p_start AND ts < p_end
  AND (p_monitors IS NULL OR len(p_monitors) = 0 OR list_contains(p_monitors, monitor))
UNION ALL
-- the last probe before the period, per monitor
SELECT monitor, unnest(p)
FROM (SELECT monitor, arg_max({'ts': ts, 'state': state, 'status_code': status_code, 'message': message}, ts) AS p
      FROM probe_results
      WHERE ts < p_start AND (p_monitors IS NULL OR len(p_monitors) = 0 OR list_contains(p_monitors, monitor))
      GROUP BY monitor)
UNION ALL
-- the first probe after the period: it ends the last one's interval, sets the median
SELECT monitor, unnest(p)
FROM (SELECT monitor, arg_min({'ts': ts, 'state': state, 'status_code': status_code, 'message': message}, ts) AS p
      FROM probe_results
      WHERE ts >= p_end AND (p_monitors IS NULL OR len(p_monitors) = 0 OR list_contains(p_monitors, monitor))
      GROUP BY monitor);

CREATE OR REPLACE TEMP MACRO uptime_intervals(p_start, p_end, p_monitors, p_intervals) AS TABLE
WITH probes AS (
    SELECT * FROM uptime_probes(p_start, p_end, p_monitors)
),
seq AS (
    SELECT *, lead(ts) OVER w AS next_ts, lag(ts) OVER w AS prev_ts,
           lead(state) OVER w AS next_state, lag(state) OVER w AS prev_state
    FROM probes
    WINDOW w AS (PARTITION BY monitor ORDER BY ts)
),
configured AS (
    SELECT unnest(p_intervals, recursive := true)
),
gaps AS (
    SELECT monitor, median(epoch(next_ts) - epoch(ts)) AS median_gap_s
    FROM seq WHERE next_ts IS NOT NULL GROUP BY monitor
),
covered AS (
    SELECT s.monitor, s.ts, s.state, s.status_code, s.message, s.next_ts, s.prev_ts, s.next_state, s.prev_state,
           to_microseconds(CAST(coalesce(c.interval_s, g.median_gap_s, 0) * 2e6 AS BIGINT)) AS max_gap
    FROM seq s
    LEFT JOIN configured c ON c.monitor = s.monitor
    LEFT JOIN gaps g ON g.monitor = s.monitor
),
bounded AS (
    SELECT monitor, ts, state, status_code, message,
           ts AS raw_s,
           CASE WHEN next_ts IS NULL THEN ts + max_gap ELSE least(next_ts, ts + max_gap) END AS raw_e,
           coalesce(next_ts > p_start AND next_ts < p_end AND next_ts <= ts + max_gap AND next_state = state,
                    false) AS joins_next,
           coalesce(ts > p_start AND ts < p_end AND ts <= prev_ts + max_gap AND prev_state = state,
                    false) AS joins_prev
    FROM covered
)
SELECT monitor, ts, state, status_code, message, raw_s, raw_e,
       greatest(raw_s, p_start) AS s, least(raw_e, p_end) AS e, joins_prev, joins_next
FROM bounded
-- ">=": an interval ending exactly at p_start is kept (zero length) so incidents can tell they
-- continue from before the period
WHERE least(raw_e, p_end) >= greatest(raw_s, p_start);

CREATE OR REPLACE TEMP MACRO uptime_sweep(p_start, p_end, p_tz, p_monitors, p_intervals, p_maint) AS TABLE
WITH iv AS (
    SELECT * FROM uptime_intervals(p_start, p_end, p_monitors, p_intervals)
),
midnights AS (
    SELECT timezone(p_tz, d::TIMESTAMP) AS t
    FROM (SELECT unnest(generate_series(
              CAST(timezone(p_tz, p_start) AS DATE), CAST(timezone(p_tz, p_end) AS DATE), INTERVAL 1 DAY)) AS d)
),
events AS (
    -- a probe interval: covering (and down / degraded) unless its state is maintenance, in which
    -- case it masks like a maintenance window; a NULL state does neither
    SELECT s AS t, CAST(state <> 'maintenance' AS INTEGER) AS dcov, CAST(state = 'down' AS INTEGER) AS ddown,
           CAST(state = 'degraded' AS INTEGER) AS ddeg, CAST(state = 'maintenance' AS INTEGER) AS dmaint
    FROM iv WHERE state IS NOT NULL AND NOT joins_prev
    UNION ALL
    SELECT e, -CAST(state <> 'maintenance' AS INTEGER), -CAST(state = 'down' AS INTEGER),
           -CAST(state = 'degraded' AS INTEGER), -CAST(state = 'maintenance' AS INTEGER)
    FROM iv WHERE state IS NOT NULL AND NOT joins_next
    UNION ALL
    SELECT unnest([greatest(w.s, p_start), least(w.e, p_end)]), 0, 0, 0, unnest([1, -1])
    FROM (SELECT unnest(p_maint, recursive := true)) w
    WHERE w.e > p_start AND w.s < p_end
    UNION ALL SELECT t, 0, 0, 0, 0 FROM midnights WHERE t > p_start AND t < p_end
    UNION ALL SELECT p_start, 0, 0, 0, 0
    UNION ALL SELECT p_end, 0, 0, 0, 0
),
points AS (
    SELECT t, sum(dcov) AS dcov, sum(ddown) AS ddown, sum(ddeg) AS ddeg, sum(dmaint) AS dmaint
    FROM events GROUP BY t
),
running AS (
    SELECT t AS s, lead(t) OVER w AS e,
           sum(dcov) OVER w AS covering, sum(ddown) OVER w AS downs,
           sum(ddeg) OVER w AS degradeds, sum(dmaint) OVER w AS maints
    FROM points
    WINDOW w AS (ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
segments AS (
    SELECT s, e, epoch(e) - epoch(s) AS seconds,
           CAST(timezone(p_tz, s) AS DATE) AS day,
           maints > 0 AS maintenance,
           covering > 0 AND maints = 0 AS monitored,
           downs > 0 AND maints = 0 AS down,
           degradeds > 0 AND downs = 0 AND maints = 0 AS degraded
    FROM running
    WHERE e IS NOT NULL AND s >= p_start AND e <= p_end
),
marked AS (
    SELECT s, e, CASE WHEN s = lag(e) OVER (ORDER BY s) THEN 0 ELSE 1 END AS starts_new
    FROM segments WHERE down
),
grouped AS (
    SELECT s, e, sum(starts_new) OVER (ORDER BY s ROWS UNBOUNDED PRECEDING) AS incident FROM marked
),
incidents AS (
    SELECT incident, min(s) AS s, max(e) AS e FROM grouped GROUP BY incident
),
raw_down AS (
    SELECT * FROM iv WHERE state = 'down'
),
incident_rows AS (
    SELECT i.s AS start, i.e AS "end", epoch(i.e) - epoch(i.s) AS duration_s,
           list(DISTINCT d.monitor ORDER BY d.monitor) AS monitors,
           count(DISTINCT (d.monitor, d.ts)) FILTER (WHERE d.ts >= p_start) AS failed_probes,
           -- ties (probes of two monitors at the same instant) go to the monitor first by name
           arg_min(d.message, (d.ts, d.monitor)) AS first_error,
           arg_min(d.status_code, (d.ts, d.monitor)) AS first_status_code,
           i.s = p_start AND EXISTS (SELECT 1 FROM raw_down b WHERE b.raw_s < p_start AND b.raw_e >= p_start)
               AS clipped_start,
           i.e = p_end AND bool_or(d.raw_e > p_end) AS clipped_end
    FROM incidents i
    JOIN raw_down d ON d.s < i.e AND d.e > i.s
    GROUP BY i.incident, i.s, i.e
)
-- BY NAME: each kind's missing columns are NULL
SELECT 'segment' AS kind, * FROM segments
UNION ALL BY NAME
SELECT 'incident' AS kind, * FROM incident_rows;

CREATE OR REPLACE TEMP MACRO uptime_segments(p_start, p_end, p_tz, p_monitors, p_intervals, p_maint) AS TABLE
SELECT s, e, seconds, day, maintenance, monitored, down, degraded
FROM uptime_sweep(p_start, p_end, p_tz, p_monitors, p_intervals, p_maint)
WHERE kind = 'segment';

CREATE OR REPLACE TEMP MACRO uptime_incidents(p_start, p_end, p_tz, p_monitors, p_intervals, p_maint) AS TABLE
SELECT start, "end", duration_s, monitors, failed_probes, first_error, first_status_code, clipped_start, clipped_end
FROM uptime_sweep(p_start, p_end, p_tz, p_monitors, p_intervals, p_maint)
WHERE kind = 'incident';
