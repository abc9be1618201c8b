-- name:    requests_rollup
-- meaning: the user requests of [$start, $end) counted per local day, route, HTTP status code,
--          crash flag, error / client-error / API flags and sample weight: the one pass over the
--          request rows that requests_summary, requests_by_route, requests_status_classes and
--          requests_daily read
-- formula: n = count of requests_samples rows with those values (is_error: status >= 500 or
--          crashed; Sentry fallback: http_status >= 500, else status not in (ok, cancelled,
--          unknown); is_api: route or path starts with $api_prefix; weight = 1 / sample rate)
-- unit:    counts; weight unitless
-- grain:   one row per distinct (source, day, route, status_code, crashed, is_error,
--          is_client_error, is_api, weight); about ten thousand rows for a month of 10 M requests
-- time:    day = the request's local calendar day in $tz (cut at local midnight; a DST day is 23
--          or 25 h long); $start/$end are UTC instants cut in the report time zone by the caller;
--          a request is placed by its log record's timestamp (Sentry: the transaction's end)
-- source:  requests_samples (_requests.sql): vercel_requests (background excluded), else
--          sentry_transactions (op = 'http.server'); one source per period; maintenance excluded
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $tz VARCHAR, $environment VARCHAR, $route VARCHAR,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $api_prefix VARCHAR,
--          $sample_rate DOUBLE, $sentry_sample_rate DOUBLE, $request_source VARCHAR
-- note:    metrics that name it as their `input` read it as the relation requests_rollup;
--          reports.metrics.run builds it once per reader connection and parameters and shares it.
--          The day costs a join per request (~0.2 s on 10 M) and saves the daily trend its own
--          pass over the rows (~0.4 s): every page and report that reads the summary shows it
SELECT source, d.day, route, status_code, crashed, is_error, is_client_error, is_api, weight, count(*) AS n
FROM requests_samples($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR,
    $route::VARCHAR, $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $api_prefix::VARCHAR,
    $sample_rate::DOUBLE, $sentry_sample_rate::DOUBLE, $request_source::VARCHAR) r
-- the local day of each request's UTC minute: no time-zone conversion per request
JOIN local_minutes($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $tz::VARCHAR) d ON d.m = minute_of(r.ts)
GROUP BY ALL
