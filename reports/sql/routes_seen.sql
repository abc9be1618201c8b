-- name:    routes_seen
-- meaning: the routes that have user requests or server response time samples in [$start, $end),
--          for route pickers: routes with requests first, most requests first
-- formula: per route: requests = user requests (requests_samples), latency_samples = server response
--          time samples (latency_samples); ordered by requests, then latency samples, then name
-- unit:    counts
-- grain:   one row per route name (NULL names left out); a Vercel route '/a' and a Sentry
--          transaction 'GET /a' are different names, as in requests_by_route and latency_by_route
-- time:    $start/$end are UTC instants cut in the report time zone by the caller
-- source:  requests_samples and latency_samples (_requests.sql): the same rows and the same one
--          source per period as requests_by_route and latency_by_route; maintenance windows excluded
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $environment VARCHAR, $route VARCHAR,
--          $maintenance STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $sample_rate DOUBLE,
--          $sentry_sample_rate DOUBLE, $request_source VARCHAR, $latency_source VARCHAR
-- note:    the route set equals the union of requests_by_route's and latency_by_route's routes
--          (tested); this file exists for speed: it reads only the route column (no error flags,
--          no raw path), so the app's route filter costs 0.1 s instead of 0.5 s on 10 M requests
WITH req AS (
    SELECT route, count(*) AS n
    FROM requests_samples($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR,
        $route::VARCHAR, $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], '/'::VARCHAR,
        $sample_rate::DOUBLE, $sentry_sample_rate::DOUBLE, $request_source::VARCHAR)
    WHERE route IS NOT NULL
    GROUP BY route
),
lat AS (
    SELECT route, count(*) AS n
    FROM latency_samples($start::TIMESTAMPTZ, $end::TIMESTAMPTZ, $environment::VARCHAR, $route::VARCHAR,
        $maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $sentry_sample_rate::DOUBLE,
        $latency_source::VARCHAR)
    WHERE route IS NOT NULL
    GROUP BY route
)
SELECT route, coalesce(req.n, 0) AS requests, coalesce(lat.n, 0) AS latency_samples
FROM req FULL JOIN lat USING (route)
ORDER BY requests DESC, latency_samples DESC, route
