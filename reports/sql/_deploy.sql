-- Table macros shared by the deploy-impact metrics (installed on a connection by reports.metrics).
--
-- deploy_windows: one row per production READY deployment whose `ready` lies in [p_start, p_end),
--   numbered k = 1, 2, ... in (ready, uid) order, with its before-window [t - W, t) and
--   after-window [t, t + W). The after-window is cut short by the next production READY
--   deployment and the before-window by the previous one, so each window holds only the traffic
--   of one release. Deployments that are READY but STAGED (built, never promoted to serve
--   production traffic) neither get a row nor cut a window. Neighbours are looked up over all
--   time, not only the period.
-- deploy_requests: the user requests of p_env inside those windows, maintenance excluded, each
--   tagged with the deployment (k) and side (one request can be in the after-window of one
--   deployment and the before-window of the next): Vercel requests (not background; error = status >= 500
--   or crashed), else — when the drain has no request between the first window's start and the
--   last window's end — Sentry http.server transactions (error = HTTP status >= 500, or without
--   one a trace status other than ok/cancelled/unknown). `weight` is 1 / sample rate (the drain's
--   p_rate; an event's own rate in (0, 1], else p_sentry_rate) for estimated counts.
-- deploy_latency: server latency samples inside the windows, likewise: Sentry http.server
--   transactions (placed by their end, `ts`), else Vercel trace-drain SERVER spans (placed by their
--   end, `end_ts`) — one source for the whole period, so a before/after comparison never mixes sources.
-- deploy_lcp: LCP samples inside the windows: Speed Insights (metric LCP), else Sentry pageload
--   transactions' lcp measurement.
-- deploy_sides: one row per non-empty window side: k (the deployment's number in ready order, as
--   deploy_windows numbers it), `after` (true for the after-window) and the window [ws, we).
-- deploy_minutes: deploy_sides expanded to one row per UTC minute a window touches
--   (m = minute_of(ts)), with `maint`: whether a maintenance window overlaps that minute.
-- Matching samples to windows (speed: 10 M requests, 26 deployments): a sample joins the windows of
--   its UTC minute on m = minute_of(ts) — a hash join against a few thousand rows — and is kept
--   when ws <= ts < we, so the big tables are scanned once, without a sort, a range join or a
--   materialized copy. A sample can match two windows (the after-window of one deployment and the
--   before-window of the next). The maintenance test (in_windows, _common.sql) runs only on samples
--   of minutes a maintenance window touches. Windows of more than 2 M minutes in all (years long)
--   are matched by a plain range join instead (deploy_by_minute decides, once per query). The
--   source is chosen by a scalar EXISTS over the base table (deploy_*_source), never by a second
--   pass over the samples; the branch of the source not chosen reads nothing.
-- Each sample macro returns: k, after (BOOLEAN), ts, the measure(s), source.

CREATE OR REPLACE TEMP MACRO deploy_windows(p_start, p_end, p_env, p_window_s) AS TABLE
WITH prod AS (
    SELECT uid, ready_at, commit_sha, commit_ref, commit_message, commit_author
    FROM vercel_deployments
    WHERE environment = p_env AND state = 'READY' AND ready_at IS NOT NULL
      AND coalesce(ready_substate, '') <> 'STAGED'
),
seq AS (
    SELECT *,
           lag(ready_at) OVER (ORDER BY ready_at, uid) AS prev_ready,
           lead(ready_at) OVER (ORDER BY ready_at, uid) AS next_ready,
           lead(uid) OVER (ORDER BY ready_at, uid) AS next_uid,
           to_microseconds(CAST(p_window_s * 1e6 AS BIGINT)) AS w
    FROM prod
)
SELECT row_number() OVER (ORDER BY ready_at, uid) AS k,
       uid, ready_at, commit_sha, commit_ref, commit_message, commit_author,
       CASE WHEN prev_ready IS NOT NULL AND prev_ready > ready_at - w THEN prev_ready ELSE ready_at - w END
           AS before_start,
       ready_at AS before_end,
       ready_at AS after_start,
       CASE WHEN next_ready IS NOT NULL AND next_ready < ready_at + w THEN next_ready ELSE ready_at + w END
           AS after_end,
       prev_ready IS NOT NULL AND prev_ready > ready_at - w AS before_cut,
       next_ready IS NOT NULL AND next_ready < ready_at + w AS after_cut,
       next_uid
FROM seq
WHERE ready_at >= p_start AND ready_at < p_end;

CREATE OR REPLACE TEMP MACRO deploy_sides(p_start, p_end, p_env, p_window_s) AS TABLE
WITH win AS (
    SELECT k, before_start, before_end, after_start, after_end FROM deploy_windows(p_start, p_end, p_env, p_window_s)
)
SELECT k, true AS after, after_start AS ws, after_end AS we FROM win WHERE after_end > after_start
UNION ALL
SELECT k, false AS after, before_start AS ws, before_end AS we FROM win WHERE before_end > before_start;

CREATE OR REPLACE TEMP MACRO deploy_minutes(p_start, p_end, p_env, p_window_s, p_maint) AS TABLE
SELECT r.m, s.k, s.after, s.ws, s.we,
       coalesce(len(list_filter(p_maint, lambda x: epoch_us(x.s) < (r.m + 1) * 60000000
                                                  AND epoch_us(x.e) > r.m * 60000000)) > 0, false) AS maint
FROM (SELECT * FROM deploy_sides(p_start, p_end, p_env, p_window_s)
      WHERE deploy_by_minute(p_start, p_end, p_env, p_window_s)) s,
     range(minute_of(s.ws), minute_of(s.we - INTERVAL 1 MICROSECOND) + 1) AS r(m);

-- Whether deploy_minutes stays small (at most 2 M minutes, about four years of windows); larger
-- windows fall back to a range join.
CREATE OR REPLACE TEMP MACRO deploy_by_minute(p_start, p_end, p_env, p_window_s) AS
    (SELECT coalesce(sum(minute_of(we - INTERVAL 1 MICROSECOND) - minute_of(ws) + 1), 0) <= 2000000
     FROM deploy_sides(p_start, p_end, p_env, p_window_s));

-- deploy_near(ts, ...): a cheap, static prefilter: every window lies in [p_start - W, p_end + W)
-- (a deployment's ready instant is in the period), so samples outside it (with 1 s to spare) are
-- never matched; the bounds are constants, so DuckDB skips whole row groups of other months.
-- p_focus (a deployment's ready instant, else NULL) narrows it to [p_focus - W, p_focus + W): only
-- that deployment's windows then get their samples (deploy_impact's $uid).
CREATE OR REPLACE TEMP MACRO deploy_near(t, p_start, p_end, p_window_s, p_focus) AS
    t >= coalesce(p_focus, p_start) - to_seconds(p_window_s + 1)
    AND t < coalesce(p_focus, p_end) + to_seconds(p_window_s + 1);

-- deploy_focus / deploy_is_focus: a query about one deployment (p_uid with its ready instant
-- p_uid_ready; p_uid NULL = every deployment). deploy_focus is the p_focus that deploy_near takes;
-- deploy_is_focus keeps that deployment's row and stops the query when p_uid_ready is not its
-- ready instant (the samples read would then be the wrong ones).
CREATE OR REPLACE TEMP MACRO deploy_focus(p_uid, p_uid_ready) AS
    CASE WHEN p_uid IS NULL THEN NULL ELSE p_uid_ready END;

CREATE OR REPLACE TEMP MACRO deploy_is_focus(uid, ready_at, p_uid, p_uid_ready) AS
    CASE WHEN p_uid IS NULL THEN true
         WHEN uid <> p_uid THEN false
         WHEN ready_at = p_uid_ready THEN true
         ELSE error('$uid_ready must be the ready time of deployment $uid') END;

-- The span every window lies in: [first window's start, last window's end) (NULLs without windows).
CREATE OR REPLACE TEMP MACRO deploy_bounds(p_start, p_end, p_env, p_window_s) AS TABLE
SELECT min(before_start) AS s, max(after_end) AS e FROM deploy_windows(p_start, p_end, p_env, p_window_s);

CREATE OR REPLACE TEMP MACRO deploy_request_source(p_start, p_end, p_env, p_window_s) AS
    CASE WHEN EXISTS (SELECT 1 FROM vercel_requests r, deploy_bounds(p_start, p_end, p_env, p_window_s) b
                      WHERE r.environment = p_env AND NOT r.background AND r.ts >= b.s AND r.ts < b.e)
         THEN 'vercel_logs' ELSE 'sentry_transactions' END;

CREATE OR REPLACE TEMP MACRO deploy_latency_source(p_start, p_end, p_env, p_window_s) AS
    CASE WHEN EXISTS (SELECT 1 FROM sentry_transactions t, deploy_bounds(p_start, p_end, p_env, p_window_s) b
                      WHERE t.op = 'http.server' AND t.environment = p_env AND t.duration_ms IS NOT NULL
                        AND t.ts >= b.s AND t.ts < b.e)
         THEN 'sentry_transactions' ELSE 'trace_spans' END;

CREATE OR REPLACE TEMP MACRO deploy_lcp_source(p_start, p_end, p_env, p_window_s) AS
    CASE WHEN EXISTS (SELECT 1 FROM speed_insights x, deploy_bounds(p_start, p_end, p_env, p_window_s) b
                      WHERE x.metric = 'LCP' AND x.environment = p_env AND x.ts >= b.s AND x.ts < b.e)
         THEN 'speed_insights' ELSE 'sentry_pageloads' END;

-- In the three sample macros `src` holds the chosen source's rows; it is NOT MATERIALIZED, so each
-- of the two matching branches reads the base table itself and the branch not taken reads nothing.
CREATE OR REPLACE TEMP MACRO deploy_requests(p_start, p_end, p_env, p_window_s, p_maint, p_rate, p_sentry_rate,
                                             p_focus) AS TABLE
WITH src AS NOT MATERIALIZED (
    SELECT ts, coalesce(status_code >= 500, false) OR crashed AS is_error,
           1.0 / coalesce(p_rate, 1.0) AS weight, 'vercel_logs' AS source
    FROM vercel_requests
    WHERE environment = p_env AND NOT background AND deploy_near(ts, p_start, p_end, p_window_s, p_focus)
      AND deploy_request_source(p_start, p_end, p_env, p_window_s) = 'vercel_logs'
    UNION ALL
    SELECT ts,
           CASE WHEN http_status IS NOT NULL THEN http_status >= 500
                ELSE coalesce(status NOT IN ('ok', 'cancelled', 'unknown'), false) END,
           1.0 / CASE WHEN sample_rate > 0 AND sample_rate <= 1 THEN sample_rate
                      ELSE coalesce(p_sentry_rate, 1.0) END,
           'sentry_transactions'
    FROM sentry_transactions
    WHERE op = 'http.server' AND environment = p_env AND deploy_near(ts, p_start, p_end, p_window_s, p_focus)
      AND deploy_request_source(p_start, p_end, p_env, p_window_s) = 'sentry_transactions'
)
SELECT w.k, w.after, x.ts, x.is_error, x.weight, x.source
FROM src x JOIN deploy_minutes(p_start, p_end, p_env, p_window_s, p_maint) w
  ON minute_of(x.ts) = w.m AND x.ts >= w.ws AND x.ts < w.we
WHERE deploy_by_minute(p_start, p_end, p_env, p_window_s) AND NOT (w.maint AND in_windows(x.ts, p_maint))
UNION ALL
SELECT w.k, w.after, x.ts, x.is_error, x.weight, x.source
FROM src x JOIN deploy_sides(p_start, p_end, p_env, p_window_s) w ON x.ts >= w.ws AND x.ts < w.we
WHERE NOT deploy_by_minute(p_start, p_end, p_env, p_window_s) AND NOT in_windows(x.ts, p_maint);

CREATE OR REPLACE TEMP MACRO deploy_latency(p_start, p_end, p_env, p_window_s, p_maint, p_focus) AS TABLE
WITH src AS NOT MATERIALIZED (
    SELECT ts, duration_ms, 'sentry_transactions' AS source
    FROM sentry_transactions
    WHERE op = 'http.server' AND environment = p_env AND duration_ms IS NOT NULL
      AND deploy_near(ts, p_start, p_end, p_window_s, p_focus)
      AND deploy_latency_source(p_start, p_end, p_env, p_window_s) = 'sentry_transactions'
    UNION ALL
    SELECT end_ts, duration_ms, 'trace_spans'
    FROM trace_spans
    WHERE kind = 'SERVER' AND environment = p_env AND deploy_near(end_ts, p_start, p_end, p_window_s, p_focus)
      AND deploy_latency_source(p_start, p_end, p_env, p_window_s) = 'trace_spans'
)
SELECT w.k, w.after, x.ts, x.duration_ms, x.source
FROM src x JOIN deploy_minutes(p_start, p_end, p_env, p_window_s, p_maint) w
  ON minute_of(x.ts) = w.m AND x.ts >= w.ws AND x.ts < w.we
WHERE deploy_by_minute(p_start, p_end, p_env, p_window_s) AND NOT (w.maint AND in_windows(x.ts, p_maint))
UNION ALL
SELECT w.k, w.after, x.ts, x.duration_ms, x.source
FROM src x JOIN deploy_sides(p_start, p_end, p_env, p_window_s) w ON x.ts >= w.ws AND x.ts < w.we
WHERE NOT deploy_by_minute(p_start, p_end, p_env, p_window_s) AND NOT in_windows(x.ts, p_maint);

CREATE OR REPLACE TEMP MACRO deploy_lcp(p_start, p_end, p_env, p_window_s, p_maint, p_focus) AS TABLE
WITH src AS NOT MATERIALIZED (
    SELECT ts, value, 'speed_insights' AS source
    FROM speed_insights
    WHERE metric = 'LCP' AND environment = p_env AND deploy_near(ts, p_start, p_end, p_window_s, p_focus)
      AND deploy_lcp_source(p_start, p_end, p_env, p_window_s) = 'speed_insights'
    UNION ALL
    SELECT ts, lcp, 'sentry_pageloads'
    FROM sentry_transactions
    WHERE op = 'pageload' AND environment = p_env AND lcp IS NOT NULL
      AND deploy_near(ts, p_start, p_end, p_window_s, p_focus)
      AND deploy_lcp_source(p_start, p_end, p_env, p_window_s) = 'sentry_pageloads'
)
SELECT w.k, w.after, x.ts, x.value, x.source
FROM src x JOIN deploy_minutes(p_start, p_end, p_env, p_window_s, p_maint) w
  ON minute_of(x.ts) = w.m AND x.ts >= w.ws AND x.ts < w.we
WHERE deploy_by_minute(p_start, p_end, p_env, p_window_s) AND NOT (w.maint AND in_windows(x.ts, p_maint))
UNION ALL
SELECT w.k, w.after, x.ts, x.value, x.source
FROM src x JOIN deploy_sides(p_start, p_end, p_env, p_window_s) w ON x.ts >= w.ws AND x.ts < w.we
WHERE NOT deploy_by_minute(p_start, p_end, p_env, p_window_s) AND NOT in_windows(x.ts, p_maint);
