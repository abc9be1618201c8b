-- name:    lighthouse_trend
-- meaning: per URL, form factor and local day over [$start, $end): the representative Lighthouse run's
--          lab metrics (the trend points)
-- formula: the representative run as in lighthouse_runs (manifest's representative run, else the run
--          closest to the median performance score, ties -> earliest); failed runs (runtime error)
--          are never trend points
-- unit:    performance_score 0-100; lcp_ms, tbt_ms, fcp_ms, speed_index_ms in milliseconds; cls unitless
-- grain:   one row per (requested URL, form factor, local day) with at least one run that did not fail
-- time:    a run is placed by its fetchTime; days are cut at local midnight in $tz; $start/$end are
--          UTC instants cut in the report time zone by the caller
-- source:  lighthouse_runs (is_representative from lhci_manifest); lab data only, never mixed with field Web Vitals
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $tz VARCHAR
-- note:    the selection is the same as lighthouse_runs (kept in step by the tests); a day whose runs all
--          failed has no point here and is listed, with its failed count, by lighthouse_runs
WITH runs AS (
    SELECT *, CAST(timezone($tz, fetch_time) AS DATE) AS day
    FROM lighthouse_runs
    WHERE fetch_time >= $start AND fetch_time < $end
      AND coalesce(runtime_error_code, 'NO_ERROR') = 'NO_ERROR'
),
scored AS (
    SELECT *, quantile_cont(performance_score, 0.5) OVER (PARTITION BY requested_url, form_factor, day) AS median_score,
           count(*) OVER (PARTITION BY requested_url, form_factor, day) AS good_runs
    FROM runs
)
SELECT day, requested_url AS url, form_factor, performance_score, lcp_ms, cls, tbt_ms, fcp_ms, speed_index_ms,
       good_runs, CASE WHEN is_representative THEN 'manifest' ELSE 'median' END AS selected_by, fetch_time
FROM scored
QUALIFY row_number() OVER (
    PARTITION BY requested_url, form_factor, day
    ORDER BY coalesce(is_representative, false) DESC, abs(performance_score - median_score) ASC NULLS LAST,
             fetch_time, run_key) = 1
ORDER BY url, form_factor NULLS LAST, day
