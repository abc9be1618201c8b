-- name:    db_spans
-- meaning: database query time per query (span description) over [$start, $end): the top $limit
--          queries by total exclusive time
-- formula: per description: count, mean, p50/p95 of span duration (quantile_cont), total exclusive
--          time, share of all DB exclusive time, distinct transactions
-- unit:    milliseconds
-- grain:   one row per span description (NULL description = one row), largest total first
-- time:    $start/$end are UTC instants cut in the report time zone by the caller; a span is placed
--          by its transaction's end time (`timestamp`), as is the maintenance exclusion
-- source:  sentry_spans with op starting 'db', joined to sentry_transactions (any op) for
--          environment and time; maintenance windows excluded
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $environment VARCHAR,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $limit INTEGER
-- note:    duration = end - start of the span (else its exclusive time); exclusive time = Sentry's
--          exclusive_time (else the duration); share_of_db_time is over all DB spans of the scope,
--          not only the top $limit
WITH spans AS (
    SELECT sp.description, sp.op, sp.event_id,
           coalesce(sp.duration_ms, sp.exclusive_time_ms) AS duration_ms,
           coalesce(sp.exclusive_time_ms, sp.duration_ms) AS exclusive_ms
    FROM sentry_spans sp
    JOIN sentry_transactions t ON t.event_id = sp.event_id
    WHERE starts_with(sp.op, 'db')
      AND t.ts >= $start AND t.ts < $end
      AND ($environment::VARCHAR IS NULL OR t.environment = $environment)
      AND NOT in_windows(t.ts, $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[])
),
per_query AS (
    SELECT description,
           string_agg(DISTINCT op, ', ' ORDER BY op) AS ops,
           count(*) AS count,
           count(DISTINCT event_id) AS transactions,
           favg(duration_ms) AS mean_ms,
           quantile_cont(duration_ms, [0.50, 0.95]) AS q,  -- one sort for both percentiles
           coalesce(sum(exclusive_ms), 0) AS total_exclusive_ms
    FROM spans
    GROUP BY description
)
SELECT description, ops, count, transactions, mean_ms, q[1] AS p50_ms, q[2] AS p95_ms, total_exclusive_ms,
       total_exclusive_ms / nullif(sum(total_exclusive_ms) OVER (), 0) AS share_of_db_time
FROM per_query
ORDER BY total_exclusive_ms DESC, count DESC, description NULLS LAST
LIMIT $limit::INTEGER
