-- Macros shared by every metric file (installed on a connection by reports.metrics; files named
-- _*.sql are installed in name order, so these come first).
--
-- in_windows(t, p_windows): whether instant t falls in one of the half-open windows
--   p_windows STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[] (w.s <= t < w.e); false for an empty or NULL
--   list. Rows outside [min(s), max(e)) are decided by two comparisons, so the list is searched
--   only for the rows between the first window's start and the last one's end: cheap for one or
--   a few nearby windows (0.02 s per 10 M rows), ~0.2 s per 5 M rows when windows are spread
--   over the whole month.
-- local_minutes(p_start, p_end, p_tz): one row per UTC minute that [p_start, p_end) touches, with
--   the local day, the local hour and their starts as instants in zone p_tz. Joining samples on
--   m = epoch_us(ts) // 60000000 (or aggregating per minute first) places them in local hours
--   and days without a time-zone conversion per row. Exact for every zone whose UTC offsets are
--   whole minutes and change on minute boundaries (every zone in use since 1972).

CREATE OR REPLACE TEMP MACRO in_windows(t, p_windows) AS
    CASE WHEN coalesce(len(p_windows), 0) = 0 THEN false
         WHEN t < list_min(list_transform(p_windows, lambda w: w.s))
           OR t >= list_max(list_transform(p_windows, lambda w: w.e)) THEN false
         ELSE coalesce(len(list_filter(p_windows, lambda w: t >= w.s AND t < w.e)) > 0, false) END;

CREATE OR REPLACE TEMP MACRO minute_of(t) AS epoch_us(t) // 60000000;

CREATE OR REPLACE TEMP MACRO local_minutes(p_start, p_end, p_tz) AS TABLE
WITH minutes AS (
    SELECT m, make_timestamp(m * 60000000)::TIMESTAMPTZ AS minute_start
    FROM range(epoch_us(p_start) // 60000000, (epoch_us(p_end) - 1) // 60000000 + 1) AS r(m)
),
local AS (
    SELECT m, minute_start, timezone(p_tz, minute_start) AS local_ts FROM minutes
)
SELECT m, minute_start, local_ts,
       CAST(local_ts AS DATE) AS day,
       timezone(p_tz, CAST(CAST(local_ts AS DATE) AS TIMESTAMP)) AS day_start,
       minute_start - (local_ts - date_trunc('hour', local_ts)) AS hour_start
FROM local;
