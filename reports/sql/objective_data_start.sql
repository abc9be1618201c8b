-- name:    objective_data_start
-- meaning: the earliest instant any SLA objective could be measured from: the first sample in
--          any of the objectives' source tables (NULL when all are empty)
-- formula: min over probe_results.ts, vercel_requests.ts, sentry_transactions.ts,
--          trace_spans.end_ts and speed_insights.ts
-- unit:    an instant (UTC)
-- grain:   one row
-- time:    no period: every environment and every row, so it is never later than the first
--          sample of any objective in any scope
-- source:  probe_results (uptime), vercel_requests and sentry_transactions (error rate, latency,
--          Web Vitals), trace_spans (latency fallback), speed_insights (Web Vitals)
-- params:  none
-- note:    a month that ends at or before this instant has no data for any objective (every
--          objective is no_data): the SLA trends skip computing such months. Probes before a
--          period can carry into it, but never from after this instant into a month ending before it.
SELECT min(t) AS first_sample
FROM (
    SELECT min(ts) AS t FROM probe_results
    UNION ALL SELECT min(ts) FROM vercel_requests
    UNION ALL SELECT min(ts) FROM sentry_transactions
    UNION ALL SELECT min(end_ts) FROM trace_spans
    UNION ALL SELECT min(ts) FROM speed_insights
)
