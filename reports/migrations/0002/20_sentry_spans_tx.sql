-- Spans carry what db_spans needs from their transaction, so the metric reads sentry_spans alone:
-- no join to sentry_transactions and no count(DISTINCT event_id) over millions of spans.
--
-- tx_ts / tx_environment: the stored transaction's `ts` (its end) and environment, the row of
--   sentry_transactions with the span's event_id (the first loaded of that event wins there).
-- db_first: true on the first DB span (op starting 'db') of a transaction for each description
--   (a NULL description counts as one description), false on its later DB spans with the same
--   description, NULL on other spans. count(*) FILTER (WHERE db_first) per description is the
--   number of distinct transactions that ran the query. "First" is by (file_id, line, item,
--   span_index); any order would do, as only one span per pair is marked.

ALTER TABLE sentry_spans ADD COLUMN tx_ts TIMESTAMPTZ;
ALTER TABLE sentry_spans ADD COLUMN tx_environment VARCHAR;
ALTER TABLE sentry_spans ADD COLUMN db_first BOOLEAN;

UPDATE sentry_spans s SET tx_ts = t.ts, tx_environment = t.environment
FROM sentry_transactions t
WHERE t.event_id = s.event_id;

UPDATE sentry_spans s SET db_first = f.first
FROM (
    SELECT event_id, span_key,
           row_number() OVER (PARTITION BY event_id, description ORDER BY file_id, line, item, span_index) = 1 AS first
    FROM sentry_spans
    WHERE starts_with(op, 'db')
) f
WHERE f.event_id = s.event_id AND f.span_key = s.span_key;
