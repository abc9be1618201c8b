-- name:    lighthouse_runs
-- meaning: the representative Lighthouse run per URL, form factor and local day over [$start, $end), with run counts
-- formula: among the day's runs that did not fail (no runtime error): the run LHCI's manifest marks
--          representative (isRepresentativeRun); else the run whose performance score is closest to
--          the median score of those runs (quantile_cont 0.5), ties -> earliest fetch_time. runs =
--          all runs, failed_runs = runs with a runtime error (counted, never a trend point)
-- unit:    performance_score 0-100; lcp_ms, tbt_ms, fcp_ms, speed_index_ms in milliseconds; cls unitless
-- grain:   one row per (requested URL, form factor, local day) with any run; the metric columns are
--          NULL when every run of the day failed
-- time:    a run is placed by its fetchTime; days are cut at local midnight in $tz; $start/$end are
--          UTC instants cut in the report time zone by the caller
-- source:  lighthouse_runs (is_representative from lhci_manifest); lab data only, never mixed with field Web Vitals
-- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $tz VARCHAR
-- note:    runs are grouped by requested URL and form factor (a mobile and a desktop run of one URL
--          are separate series). "Median by score" is read as the run closest to the median score,
--          so with an even number of runs the nearer of the two middle runs is taken, the earlier
--          when both are equally near. Runs without a score (but no runtime error) are picked only
--          when no run of the day has a score. When the manifests mark several runs of one day
--          representative, the same closest-to-median rule picks among them. Maintenance windows do
--          not apply to lab runs.
WITH runs AS (
    SELECT *, CAST(timezone($tz, fetch_time) AS DATE) AS day,
           coalesce(runtime_error_code, 'NO_ERROR') <> 'NO_ERROR' AS failed
    FROM lighthouse_runs
    WHERE fetch_time >= $start AND fetch_time < $end
),
good AS (
    SELECT *, quantile_cont(performance_score, 0.5) OVER (PARTITION BY requested_url, form_factor, day) AS median_score
    FROM runs
    WHERE NOT failed
),
picked AS (
    SELECT *, CASE WHEN is_representative THEN 'manifest' ELSE 'median' END AS selected_by
    FROM good
    QUALIFY row_number() OVER (
        PARTITION BY requested_url, form_factor, day
        ORDER BY coalesce(is_representative, false) DESC, abs(performance_score - median_score) ASC NULLS LAST,
                 fetch_time, run_key) = 1
),
counts AS (
    SELECT requested_url, form_factor, day, count(*) AS runs, count(*) FILTER (WHERE failed) AS failed_runs,
           coalesce(list(DISTINCT runtime_error_code ORDER BY runtime_error_code) FILTER (WHERE failed), [])
               AS runtime_errors
    FROM runs
    GROUP BY ALL
)
SELECT c.day, c.requested_url AS url, c.form_factor, c.runs, c.failed_runs, c.runtime_errors,
       p.selected_by, p.run_key, p.fetch_time, p.final_url, p.lighthouse_version,
       p.performance_score, p.lcp_ms, p.cls, p.tbt_ms, p.fcp_ms, p.speed_index_ms
FROM counts c
LEFT JOIN picked p
       ON p.requested_url = c.requested_url AND p.form_factor IS NOT DISTINCT FROM c.form_factor AND p.day = c.day
ORDER BY c.requested_url, c.form_factor NULLS LAST, c.day
