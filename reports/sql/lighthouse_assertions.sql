-- name:    lighthouse_assertions
-- meaning: the latest Lighthouse CI assertion results per URL: pass/fail counts and the failing assertions
-- formula: per URL: the assertion results of the latest loaded assertion-results.json naming it;
--          assertions = results, passed / failed = results with passed true / false,
--          failed_errors / failed_warnings = failed results at level error / warn;
--          status = 'fail' when an error-level assertion failed, 'warn' when only warn-level ones
--          failed, else 'pass'
-- unit:    assertion results (counts)
-- grain:   one row per URL
-- time:    none: assertion-results.json carries no run time, so "latest" is the file loaded last
--          (loaded_at, file_path say which); not cut to a period
-- source:  lhci_assertions, ingest_files
-- params:  none
-- note:    identical results are stored once (deduplicated on all fields), so a later file that
--          repeats a result verbatim holds no row for it. When the URL's latest file recorded such
--          duplicates, a result it lacks is taken from the most recent earlier file that has it (an
--          assertion dropped from the LHCI config can then linger until it changes); when it
--          recorded none, only its own rows count. Lab data only, never mixed with field Web Vitals.
WITH rows AS (
    SELECT a.*, coalesce(a.audit_id, '') || '|' || coalesce(a.audit_property, '') || '|' || a.name AS ident,
           f.path AS file_path, coalesce(f.finished_at, f.started_at) AS loaded_at, coalesce(f.duplicates, 0) AS file_duplicates
    FROM lhci_assertions a
    LEFT JOIN ingest_files f ON f.file_id = a.file_id
),
latest_file AS (
    SELECT url, max(file_id) AS file_id FROM rows GROUP BY url
),
latest AS (
    SELECT r.*, r.file_id = l.file_id AS in_latest,
           max(CASE WHEN r.file_id = l.file_id THEN file_duplicates END) OVER (PARTITION BY r.url) AS latest_duplicates,
           bool_or(r.file_id = l.file_id) OVER (PARTITION BY r.url, r.ident) AS ident_in_latest
    FROM rows r
    JOIN latest_file l ON l.url = r.url
),
chosen AS (
    SELECT *
    FROM latest
    WHERE in_latest OR (latest_duplicates > 0 AND NOT ident_in_latest)
    QUALIFY row_number() OVER (PARTITION BY url, ident ORDER BY file_id DESC, line DESC NULLS LAST, item DESC NULLS LAST) = 1
)
SELECT url,
       count(*) AS assertions,
       count(*) FILTER (WHERE passed) AS passed,
       count(*) FILTER (WHERE NOT passed) AS failed,
       count(*) FILTER (WHERE NOT passed AND level = 'error') AS failed_errors,
       count(*) FILTER (WHERE NOT passed AND coalesce(level, '') <> 'error') AS failed_warnings,
       CASE WHEN count(*) FILTER (WHERE NOT passed AND level = 'error') > 0 THEN 'fail'
            WHEN count(*) FILTER (WHERE NOT passed) > 0 THEN 'warn'
            ELSE 'pass' END AS status,
       coalesce(list(struct_pack(audit_id, audit_property, name, level, operator, expected, actual,
                                 expected_text, actual_text, message)
                     ORDER BY level = 'error' DESC, audit_id, audit_property, name) FILTER (WHERE NOT passed), [])
           AS failing,
       max(loaded_at) FILTER (WHERE in_latest) AS loaded_at,
       max(file_path) FILTER (WHERE in_latest) AS file_path
FROM chosen
GROUP BY url
ORDER BY url
