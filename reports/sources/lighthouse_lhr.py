"""Lighthouse results (LHR JSON: ``.lighthouseci/lhr-*.json``, ``*.report.json``), one run a file.

An LHR is one big JSON document (0.5-1 MB). Only the fields a report needs are typed out of it
(``json_transform`` with a narrow schema, never the whole ``audits`` tree): ``requestedUrl``,
``finalDisplayedUrl`` (older: ``finalUrl``), ``fetchTime``, ``lighthouseVersion``,
``configSettings.formFactor`` (older: ``emulatedFormFactor``), ``categories.performance.score``
(0-1, may be null; stored × 100) and the ``numericValue`` of six metric audits. A failed run
(``runtimeError``) is stored with its error code; Lighthouse 3-5 wrote ``NO_ERROR`` on every good
run, which is read as no error.

Runs are deduplicated on a hash of requested URL, fetch time and form factor. Whether a run is
LHCI's representative run comes from a ``manifest.json`` naming the file (``jsonPath``), loaded
before or after the run.
"""

from __future__ import annotations

from reports.detect import Head
from reports.loading import LoadContext, LoadCounts, insert_new
from reports.sqltext import quote_literal
from reports.staging import iso_expr, ts_check

KIND = "lighthouse_lhr"
TITLE = "Lighthouse report (LHR JSON)"
PRIORITY = 20

METRICS = {
    "lcp_ms": "largest-contentful-paint",
    "cls": "cumulative-layout-shift",
    "tbt_ms": "total-blocking-time",
    "fcp_ms": "first-contentful-paint",
    "speed_index_ms": "speed-index",
    "tti_ms": "interactive",
}
SCHEMA = {
    "lighthouseVersion": "VARCHAR", "requestedUrl": "VARCHAR", "finalDisplayedUrl": "VARCHAR",
    "finalUrl": "VARCHAR", "fetchTime": "VARCHAR",
    "configSettings": {"formFactor": "VARCHAR", "emulatedFormFactor": "VARCHAR"},
    "categories": {"performance": {"score": "DOUBLE"}},
    "audits": {audit: {"numericValue": "DOUBLE"} for audit in METRICS.values()},
    "runtimeError": {"code": "VARCHAR", "message": "VARCHAR"},
}
REQUIRED = ("requestedUrl", "fetchTime", "lighthouseVersion")
CHECKED = ("categories|performance|score", *(f"audits|{audit}|numericValue" for audit in METRICS.values()))
# the SQL for a run's file base name as a manifest's jsonPath gives it (either kind of slash)
BASENAME = "regexp_extract({}, '([^/\\\\]+)$', 1)"


def sniff(head: Head) -> bool:
    first = head.first or {}
    if first:
        return {"lighthouseVersion", "fetchTime"} <= first.keys() and "requestedUrl" in first
    return head.has("lighthouseVersion", "fetchTime", "requestedUrl")


def source_name(ctx: LoadContext) -> str:
    """The file's base name as LHCI's manifest would name it (a ``.gz`` we were given is dropped)."""
    return ctx.path.name.removesuffix(".gz")


def load(ctx: LoadContext) -> LoadCounts:
    staged = ctx.stage_json()
    fetch = iso_expr("r.fetchTime")
    ctx.transform(SCHEMA, REQUIRED, CHECKED, [ts_check(fetch, "fetchTime")])
    good = ctx.count("_chk")
    form = "coalesce(r.configSettings.formFactor, r.configSettings.emulatedFormFactor)"
    error = "nullif(r.runtimeError.code, 'NO_ERROR')"
    metrics = ", ".join(f"r.audits[{quote_literal(audit)}].numericValue AS {column}" for column, audit in METRICS.items())
    loaded = insert_new(
        ctx.con,
        "lighthouse_runs",
        f"""
        SELECT md5(concat_ws('|', r.requestedUrl, strftime({fetch}, '%Y-%m-%dT%H:%M:%S.%fZ'), coalesce({form}, '')))
                   AS run_key,
               r.requestedUrl AS requested_url, coalesce(r.finalDisplayedUrl, r.finalUrl) AS final_url,
               {fetch} AS fetch_time, r.lighthouseVersion AS lighthouse_version, {form} AS form_factor,
               round(r.categories.performance.score * 100, 6) AS performance_score, {metrics},
               {error} AS runtime_error_code,
               CASE WHEN {error} IS NOT NULL THEN r.runtimeError.message END AS runtime_error_message,
               NULL AS is_representative, $name AS source_name, $file_id AS file_id, line, item
        FROM _chk
        """,
        ["run_key"],
        {"file_id": ctx.file_id, "name": source_name(ctx)},
        order="line, item",
    )
    # a manifest loaded earlier may already say whether these runs are representative
    ctx.con.execute(
        f"""
        UPDATE lighthouse_runs t SET is_representative = m.rep
        FROM (SELECT {BASENAME.format('json_path')} AS name, bool_or(is_representative) AS rep
              FROM lhci_manifest GROUP BY 1) m
        WHERE t.file_id = $file_id AND t.source_name = m.name
        """,
        {"file_id": ctx.file_id},
    )
    return LoadCounts(records=staged.records, loaded=loaded, duplicates=good - loaded)
