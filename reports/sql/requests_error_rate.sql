-- name:    requests_error_rate
-- meaning: the error-rate objective's figures over [$start, $end): user requests, server errors,
--          error rate and request availability, without requests_summary's breakdowns
-- formula: error_rate = errors / requests, errors = status >= 500 or crashed (Vercel), or
--          http_status >= 500 else status not in (ok, cancelled, unknown) (Sentry fallback);
--          request_availability = 1 - error_rate; scaled_* = counts x 1/sample rate (display only)
-- unit:    counts; error_rate and request_availability as fractions
-- grain:   one row (zero counts and NULL ratios when there are no requests)
-- time:    $start/$end are UTC instants cut in the report time zone by the caller; a request is
--          placed by its log record's top-level timestamp (Sentry: the transaction's end)
-- source:  requests_samples (_requests.sql), the same rows as requests_summary: vercel_requests, else
--          sentry_transactions (op = 'http.server'); maintenance windows excluded
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $environment VARCHAR, $route VARCHAR,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $sample_rate DOUBLE,
--          $sentry_sample_rate DOUBLE, $request_source VARCHAR
-- note:    every column equals requests_summary's column of the same name (tested; the scaled_*
--          sums up to floating-point rounding, as the summary adds n x weight per group); this file exists
--          for speed: without the API split and the status classes DuckDB reads neither the raw
--          path nor the status classes, and the SLA objectives, the monthly summary and the
--          overview need only these figures (0.13 s instead of 0.45 s on 10 M requests)
WITH agg AS (
    SELECT any_value(source) AS source,
           count(*) AS requests,
           count(*) FILTER (WHERE is_error) AS errors,
           coalesce(sum(weight), 0) AS scaled_requests,
           coalesce(sum(weight) FILTER (WHERE is_error), 0) AS scaled_errors,
           coalesce(bool_or(weight > 1), false) AS sampled
    FROM requests_samples($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR,
        $route::VARCHAR, $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], '/'::VARCHAR,
        $sample_rate::DOUBLE, $sentry_sample_rate::DOUBLE, $request_source::VARCHAR)
)
SELECT source, requests, errors,
       CASE WHEN requests > 0 THEN errors / requests END AS error_rate,
       CASE WHEN requests > 0 THEN 1 - errors / requests END AS request_availability,
       scaled_requests, scaled_errors, sampled
FROM agg
