-- name:    db_spans
-- meaning: database query time per query (span description) over [$start, $end): the top $limit
--          queries by total exclusive time
-- formula: per description: count, mean, p50/p95 of span duration (quantile_cont), total exclusive
--          time, share of all DB exclusive time, distinct transactions
-- unit:    milliseconds
-- grain:   one row per span description (NULL description = one row), largest total first
-- time:    $start/$end are UTC instants cut in the report time zone by the caller; a span is placed
--          by its transaction's end time (`timestamp`), as is the maintenance exclusion
-- source:  sentry_spans with op starting 'db', placed by their transaction's time and environment
--          (tx_ts, tx_environment: copied from sentry_transactions at ingest); maintenance
--          windows excluded
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $environment VARCHAR,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $limit INTEGER
-- note:    duration = end - start of the span (else its exclusive time); exclusive time = Sentry's
--          exclusive_time (else the duration); share_of_db_time is over all DB spans of the scope,
--          not only the top $limit; transactions = DB spans marked db_first (the first DB span of
--          a transaction with that description, set at ingest), i.e. distinct transactions
WITH spans AS (
    SELECT description, op, db_first,
           coalesce(duration_ms, exclusive_time_ms) AS duration_ms,
           coalesce(exclusive_time_ms, duration_ms) AS exclusive_ms
    FROM sentry_spans
    WHERE starts_with(op, 'db')
      AND tx_ts >= $start AND tx_ts < $end
      AND ($environment::VARCHAR IS NULL OR tx_environment = $environment)
      AND NOT in_windows(tx_ts, $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[])
),
per_query AS (
    SELECT description,
           string_agg(DISTINCT op, ', ' ORDER BY op) AS ops,
           count(*) AS count,
           count(*) FILTER (WHERE db_first) AS transactions,
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
