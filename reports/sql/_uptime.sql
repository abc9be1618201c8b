-- Table macros shared by the uptime metrics (installed on a connection by reports.metrics).
--
-- uptime_intervals: each probe covers [ts_i, min(ts_{i+1}, ts_i + max_gap)), max_gap = 2 x the
--   monitor's configured interval, else 2 x the median gap between its consecutive probes in the
--   period plus its neighbours (the last probe before and the first after the period); a monitor
--   with a single probe and no configured interval covers nothing. Only the last probe before
--   p_start can reach into the period, so earlier ones are not read.
-- uptime_segments: a sweep over every interval boundary, maintenance boundary and local midnight
--   gives elementary segments that never cross a day; each carries how many monitors cover it,
--   are down or degraded, and whether maintenance (a configured window, or a maintenance-state
--   probe) masks it. Unions over monitors are then sums of segment lengths.

CREATE OR REPLACE TEMP MACRO uptime_intervals(p_start, p_end, p_monitors, p_intervals) AS TABLE
WITH selected AS (
    SELECT monitor, ts, state, status_code, message
    FROM probe_results
    WHERE (p_monitors IS NULL OR len(p_monitors) = 0 OR list_contains(p_monitors, monitor))
),
inside AS (
    SELECT * FROM selected WHERE ts >= p_start AND ts < p_end
),
before AS (  -- the last probe before the period, per monitor
    SELECT * FROM selected WHERE ts < p_start
    QUALIFY row_number() OVER (PARTITION BY monitor ORDER BY ts DESC) = 1
),
after AS (  -- the first probe after the period: it ends the last one's interval, sets the median
    SELECT * FROM selected WHERE ts >= p_end
    QUALIFY row_number() OVER (PARTITION BY monitor ORDER BY ts) = 1
),
probes AS (
    SELECT * FROM inside UNION ALL SELECT * FROM before UNION ALL SELECT * FROM after
),
seq AS (
    SELECT *, lead(ts) OVER (PARTITION BY monitor ORDER BY ts) AS next_ts FROM probes
),
configured AS (
    SELECT unnest(p_intervals, recursive := true)
),
gaps AS (
    SELECT monitor, median(epoch(next_ts) - epoch(ts)) AS median_gap_s
    FROM seq WHERE next_ts IS NOT NULL GROUP BY monitor
),
covered AS (
    SELECT s.monitor, s.ts, s.state, s.status_code, s.message,
           coalesce(c.interval_s, g.median_gap_s, 0) * 2 AS max_gap_s,
           s.ts AS raw_s,
           CASE WHEN s.next_ts IS NULL
                THEN s.ts + to_microseconds(CAST(coalesce(c.interval_s, g.median_gap_s, 0) * 2e6 AS BIGINT))
                ELSE least(s.next_ts, s.ts + to_microseconds(CAST(coalesce(c.interval_s, g.median_gap_s, 0) * 2e6 AS BIGINT)))
           END AS raw_e
    FROM seq s
    LEFT JOIN configured c ON c.monitor = s.monitor
    LEFT JOIN gaps g ON g.monitor = s.monitor
)
SELECT monitor, ts, state, status_code, message, raw_s, raw_e,
       greatest(raw_s, p_start) AS s, least(raw_e, p_end) AS e
FROM covered
-- ">=": an interval ending exactly at p_start is kept (zero length) so incidents can tell they
-- continue from before the period
WHERE least(raw_e, p_end) >= greatest(raw_s, p_start);

CREATE OR REPLACE TEMP MACRO uptime_maintenance(p_start, p_end, p_monitors, p_intervals, p_maint) AS TABLE
SELECT greatest(w.s, p_start) AS s, least(w.e, p_end) AS e, 'window' AS kind
FROM (SELECT unnest(p_maint, recursive := true)) w
WHERE w.e > p_start AND w.s < p_end
UNION ALL
SELECT s, e, 'probe' AS kind
FROM uptime_intervals(p_start, p_end, p_monitors, p_intervals)
WHERE state = 'maintenance';

CREATE OR REPLACE TEMP MACRO uptime_segments(p_start, p_end, p_tz, p_monitors, p_intervals, p_maint) AS TABLE
WITH iv AS (
    SELECT * FROM uptime_intervals(p_start, p_end, p_monitors, p_intervals) WHERE state <> 'maintenance'
),
maint AS (
    SELECT * FROM uptime_maintenance(p_start, p_end, p_monitors, p_intervals, p_maint)
),
midnights AS (
    SELECT timezone(p_tz, d::TIMESTAMP) AS t
    FROM (SELECT unnest(generate_series(
              CAST(timezone(p_tz, p_start) AS DATE), CAST(timezone(p_tz, p_end) AS DATE), INTERVAL 1 DAY)) AS d)
),
events AS (
    SELECT s AS t, 1 AS dcov, CAST(state = 'down' AS INTEGER) AS ddown,
           CAST(state = 'degraded' AS INTEGER) AS ddeg, 0 AS dmaint FROM iv
    UNION ALL
    SELECT e, -1, -CAST(state = 'down' AS INTEGER), -CAST(state = 'degraded' AS INTEGER), 0 FROM iv
    UNION ALL SELECT s, 0, 0, 0, 1 FROM maint
    UNION ALL SELECT e, 0, 0, 0, -1 FROM maint
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
)
SELECT s, e, epoch(e) - epoch(s) AS seconds,
       CAST(timezone(p_tz, s) AS DATE) AS day,
       maints > 0 AS maintenance,
       covering > 0 AND maints = 0 AS monitored,
       downs > 0 AND maints = 0 AS down,
       degradeds > 0 AND downs = 0 AND maints = 0 AS degraded
FROM running
WHERE e IS NOT NULL AND s >= p_start AND e <= p_end;

CREATE OR REPLACE TEMP MACRO uptime_incidents(p_start, p_end, p_tz, p_monitors, p_intervals, p_maint) AS TABLE
WITH downs AS (
    SELECT s, e FROM uptime_segments(p_start, p_end, p_tz, p_monitors, p_intervals, p_maint) WHERE down
),
marked AS (
    SELECT s, e, CASE WHEN s = lag(e) OVER (ORDER BY s) THEN 0 ELSE 1 END AS starts_new FROM downs
),
grouped AS (
    SELECT s, e, sum(starts_new) OVER (ORDER BY s ROWS UNBOUNDED PRECEDING) AS incident FROM marked
),
incidents AS (
    SELECT incident, min(s) AS s, max(e) AS e FROM grouped GROUP BY incident
),
raw_down AS (
    SELECT * FROM uptime_intervals(p_start, p_end, p_monitors, p_intervals) WHERE state = 'down'
)
SELECT i.s AS start, i.e AS "end", epoch(i.e) - epoch(i.s) AS duration_s,
       list(DISTINCT d.monitor ORDER BY d.monitor) AS monitors,
       count(DISTINCT (d.monitor, d.ts)) FILTER (WHERE d.ts >= p_start) AS failed_probes,
       arg_min(d.message, d.ts) AS first_error,
       arg_min(d.status_code, d.ts) AS first_status_code,
       i.s = p_start AND EXISTS (SELECT 1 FROM raw_down b WHERE b.raw_s < p_start AND b.raw_e >= p_start)
           AS clipped_start,
       i.e = p_end AND bool_or(d.raw_e > p_end) AS clipped_end
FROM incidents i
JOIN raw_down d ON d.s < i.e AND d.e > i.s
GROUP BY i.incident, i.s, i.e;
