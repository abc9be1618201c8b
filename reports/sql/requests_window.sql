-- name:    requests_window
-- meaning: bad (server-error) and total user requests in an arbitrary window [$start, $end), for
--          burn rates and threshold alerts
-- formula: bad = requests with status >= 500 or crashed (Sentry fallback: http_status >= 500, else
--          status not in (ok, cancelled, unknown)); total = requests; both unscaled
-- unit:    counts
-- grain:   one row
-- time:    $start/$end are any UTC instants (e.g. now - 1 h, now)
-- source:  vercel_requests (background revalidations excluded) or sentry_transactions
--          (op = 'http.server'), as $source says; maintenance windows excluded
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $environment VARCHAR, $route VARCHAR,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $source VARCHAR
-- note:    $source = 'vercel_logs' | 'sentry_transactions' pins the source (alerts should pin the
--          one the objective uses, so that a quiet 5-minute window does not switch to Sentry);
--          NULL chooses per window as requests_summary does
SELECT any_value(source) AS source,
       count(*) FILTER (WHERE is_error) AS bad,
       count(*) AS total
FROM requests_samples($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR, $route::VARCHAR,
    $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], '/'::VARCHAR, 1.0::DOUBLE, 1.0::DOUBLE,
    $source::VARCHAR)
