-- Table macros shared by the deploy-impact metrics (installed on a connection by reports.metrics).
--
-- deploy_windows: one row per production READY deployment whose `ready` lies in [p_start, p_end),
--   with its before-window [t - W, t) and after-window [t, t + W). The after-window is cut short
--   by the next production READY deployment and the before-window by the previous one, so each
--   window holds only the traffic of one release. Deployments that are READY but STAGED (built,
--   never promoted to serve production traffic) neither get a row nor cut a window. Neighbours
--   are looked up over all time, not only the period.
-- deploy_requests: the user requests of p_env inside those windows, maintenance excluded, each
--   tagged with the deployment and side (one request can be in the after-window of one deployment
--   and the before-window of the next): Vercel requests (not background; error = status >= 500
--   or crashed), else — when the drain has no request between the first window's start and the
--   last window's end — Sentry http.server transactions (error = HTTP status >= 500, or without
--   one a trace status other than ok/cancelled/unknown). `weight` is 1 / sample rate (the drain's
--   p_rate; an event's own rate in (0, 1], else p_sentry_rate) for estimated counts.
-- deploy_latency: server latency samples inside the windows, likewise: Sentry http.server
--   transactions (placed by their end, `ts`), else Vercel trace-drain SERVER spans (placed by their
--   end, `end_ts`) — one source for the whole period, so a before/after comparison never mixes sources.
-- deploy_lcp: LCP samples inside the windows: Speed Insights (metric LCP), else Sentry pageload
--   transactions' lcp measurement.
-- Matching samples to windows: the non-empty after-windows are disjoint (each ends by the next
--   deployment), and so are the non-empty before-windows, so an ASOF join (the latest window
--   starting at or before the sample) plus "sample < window end" finds each side's window in one
--   sort, instead of a range join of every sample against every window.

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
SELECT uid, ready_at, commit_sha, commit_ref, commit_message, commit_author,
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

CREATE OR REPLACE TEMP MACRO deploy_requests(p_start, p_end, p_env, p_window_s, p_maint, p_rate, p_sentry_rate) AS TABLE
WITH win AS (
    SELECT * FROM deploy_windows(p_start, p_end, p_env, p_window_s)
),
bounds AS (
    SELECT min(before_start) AS s, max(after_end) AS e FROM win
),
maint AS (
    SELECT unnest(p_maint, recursive := true)
),
req AS (
    SELECT r.ts, coalesce(r.status_code >= 500, false) OR r.crashed AS is_error, 1.0 / coalesce(p_rate, 1.0) AS weight
    FROM vercel_requests r, bounds b
    WHERE r.environment = p_env AND NOT r.background AND r.ts >= b.s AND r.ts < b.e
),
tx AS (  -- fallback: Sentry server transactions, error = HTTP >= 500, else a failed trace status
    SELECT t.ts,
           CASE WHEN t.http_status IS NOT NULL THEN t.http_status >= 500
                ELSE coalesce(t.status NOT IN ('ok', 'cancelled', 'unknown'), false) END AS is_error,
           1.0 / CASE WHEN t.sample_rate > 0 AND t.sample_rate <= 1 THEN t.sample_rate
                      ELSE coalesce(p_sentry_rate, 1.0) END AS weight
    FROM sentry_transactions t, bounds b
    WHERE t.op = 'http.server' AND t.environment = p_env AND t.ts >= b.s AND t.ts < b.e
      AND NOT EXISTS (SELECT 1 FROM req)
),
samples AS (
    SELECT ts, is_error, weight, 'vercel_logs' AS source FROM req
    UNION ALL
    SELECT ts, is_error, weight, 'sentry_transactions' AS source FROM tx
),
kept AS (
    SELECT * FROM samples ANTI JOIN maint m ON samples.ts >= m.s AND samples.ts < m.e
),
after_w AS (
    SELECT uid, after_start AS ws, after_end AS we FROM win WHERE after_end > after_start
),
before_w AS (
    SELECT uid, before_start AS ws, before_end AS we FROM win WHERE before_end > before_start
)
SELECT a.uid, 'after' AS side, k.ts, k.is_error, k.weight, k.source
FROM kept k ASOF JOIN after_w a ON k.ts >= a.ws
WHERE k.ts < a.we
UNION ALL
SELECT b.uid, 'before' AS side, k.ts, k.is_error, k.weight, k.source
FROM kept k ASOF JOIN before_w b ON k.ts >= b.ws
WHERE k.ts < b.we;

CREATE OR REPLACE TEMP MACRO deploy_latency(p_start, p_end, p_env, p_window_s, p_maint) AS TABLE
WITH win AS (
    SELECT * FROM deploy_windows(p_start, p_end, p_env, p_window_s)
),
bounds AS (
    SELECT min(before_start) AS s, max(after_end) AS e FROM win
),
maint AS (
    SELECT unnest(p_maint, recursive := true)
),
tx AS (
    SELECT t.ts, t.duration_ms
    FROM sentry_transactions t, bounds b
    WHERE t.op = 'http.server' AND t.environment = p_env AND t.duration_ms IS NOT NULL
      AND t.ts >= b.s AND t.ts < b.e
),
spans AS (
    SELECT s.end_ts AS ts, s.duration_ms
    FROM trace_spans s, bounds b
    WHERE s.kind = 'SERVER' AND s.environment = p_env AND s.end_ts >= b.s AND s.end_ts < b.e
      AND NOT EXISTS (SELECT 1 FROM tx)
),
samples AS (
    SELECT ts, duration_ms, 'sentry_transactions' AS source FROM tx
    UNION ALL
    SELECT ts, duration_ms, 'trace_spans' AS source FROM spans
),
kept AS (
    SELECT * FROM samples ANTI JOIN maint m ON samples.ts >= m.s AND samples.ts < m.e
),
after_w AS (
    SELECT uid, after_start AS ws, after_end AS we FROM win WHERE after_end > after_start
),
before_w AS (
    SELECT uid, before_start AS ws, before_end AS we FROM win WHERE before_end > before_start
)
SELECT a.uid, 'after' AS side, k.ts, k.duration_ms, k.source
FROM kept k ASOF JOIN after_w a ON k.ts >= a.ws
WHERE k.ts < a.we
UNION ALL
SELECT b.uid, 'before' AS side, k.ts, k.duration_ms, k.source
FROM kept k ASOF JOIN before_w b ON k.ts >= b.ws
WHERE k.ts < b.we;

CREATE OR REPLACE TEMP MACRO deploy_lcp(p_start, p_end, p_env, p_window_s, p_maint) AS TABLE
WITH win AS (
    SELECT * FROM deploy_windows(p_start, p_end, p_env, p_window_s)
),
bounds AS (
    SELECT min(before_start) AS s, max(after_end) AS e FROM win
),
maint AS (
    SELECT unnest(p_maint, recursive := true)
),
si AS (
    SELECT x.ts, x.value
    FROM speed_insights x, bounds b
    WHERE x.metric = 'LCP' AND x.environment = p_env AND x.ts >= b.s AND x.ts < b.e
),
pageloads AS (
    SELECT t.ts, t.lcp AS value
    FROM sentry_transactions t, bounds b
    WHERE t.op = 'pageload' AND t.environment = p_env AND t.lcp IS NOT NULL AND t.ts >= b.s AND t.ts < b.e
      AND NOT EXISTS (SELECT 1 FROM si)
),
samples AS (
    SELECT ts, value, 'speed_insights' AS source FROM si
    UNION ALL
    SELECT ts, value, 'sentry_pageloads' AS source FROM pageloads
),
kept AS (
    SELECT * FROM samples ANTI JOIN maint m ON samples.ts >= m.s AND samples.ts < m.e
),
after_w AS (
    SELECT uid, after_start AS ws, after_end AS we FROM win WHERE after_end > after_start
),
before_w AS (
    SELECT uid, before_start AS ws, before_end AS we FROM win WHERE before_end > before_start
)
SELECT a.uid, 'after' AS side, k.ts, k.value, k.source
FROM kept k ASOF JOIN after_w a ON k.ts >= a.ws
WHERE k.ts < a.we
UNION ALL
SELECT b.uid, 'before' AS side, k.ts, k.value, k.source
FROM kept k ASOF JOIN before_w b ON k.ts >= b.ws
WHERE k.ts < b.we;
