-- name:    latency_histogram
-- meaning: distribution of server response times over [$start, $end), in fixed log-spaced bins
-- formula: count of samples with bin_start_ms <= duration < bin_end_ms; share = count / samples;
--          cumulative_share = share of samples below bin_end_ms
-- unit:    milliseconds for bin edges; counts; shares as fractions
-- grain:   one row per bin, always the same 32 bins: [0, 1), then edges 1, 1.5, 2, 3, 5, 7 x 10^k ms
--          (k = 0..4) up to 100 000 ms, and a last open bin [100 000, NULL)
-- time:    $start/$end are UTC instants cut in the report time zone by the caller; a sample is
--          placed by its end time
-- source:  sentry_transactions (op = 'http.server'), else trace_spans (kind = 'SERVER') when the
--          environment has no such transaction in the period (latency_samples in _requests.sql);
--          maintenance windows excluded
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $environment VARCHAR, $route VARCHAR,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $sentry_sample_rate DOUBLE, $latency_source VARCHAR
-- note:    $latency_source pins the source (the mean-response objective's `source`; NULL: first
--          available); fixed edges (not a bin count) so months and routes are comparable on one log axis and the
--          2000 ms target is an edge; a negative duration (clock skew) is counted in the first bin
WITH edges AS (
    SELECT [0.0] || flatten([[m * pow(10, k) FOR m IN [1.0, 1.5, 2.0, 3.0, 5.0, 7.0]] FOR k IN range(5)])
           || [100000.0] AS e
),
bins AS (
    SELECT e[i] AS bin_start_ms, e[i + 1] AS bin_end_ms, coalesce(e[i + 1], 'infinity'::DOUBLE) AS upper, i AS bin
    FROM edges, range(1, len(e) + 1) r(i)
),
halves AS (  -- samples per half millisecond: every edge is a multiple of 0.5 ms, so
             -- d >= edge exactly when floor(2d) >= 2 x edge, and the bins count the halves
    SELECT floor(greatest(duration_ms, 0) * 2) AS h, count(*) AS n, any_value(source) AS source
    FROM latency_samples($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR,
        $route::VARCHAR, $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $sentry_sample_rate::DOUBLE,
        $latency_source::VARCHAR)
    GROUP BY h
),
counted AS (
    SELECT b.bin, b.bin_start_ms, b.bin_end_ms, coalesce(sum(g.n), 0)::BIGINT AS count
    FROM bins b
    LEFT JOIN halves g ON g.h >= b.bin_start_ms * 2 AND g.h < b.upper * 2
    GROUP BY b.bin, b.bin_start_ms, b.bin_end_ms
)
SELECT bin_start_ms, bin_end_ms, count,
       count / nullif(sum(count) OVER (), 0) AS share,
       sum(count) OVER (ORDER BY bin) / nullif(sum(count) OVER (), 0) AS cumulative_share,
       (SELECT any_value(source) FROM halves) AS source
FROM counted
ORDER BY bin
