"""Generic probe files (what the app's own ``probe`` command and a cron job write), CSV or NDJSON.

Fields: ``ts`` (ISO 8601 with offset; none = UTC), ``monitor``, ``url``, ``ok`` (bool; CSV
``true/false/1/0``), ``status_code``, ``response_ms``, ``error`` and an optional ``state``
(``up|down|degraded|maintenance``) that wins when present. Otherwise a probe is ``down`` on an
HTTP status outside 200-399, a transport error (``error`` non-empty) or ``ok = false``, else
``up``. Rows go to ``probe_results`` (shared with Uptime Kuma), deduplicated on (monitor, ts).

This module also holds what the record-per-row sources of this family share: staging a CSV
export as JSON records (``ctx.stage_records()``) and reading a time that may lack its offset.
"""

from __future__ import annotations

import json

from reports.detect import Head
from reports.loading import LoadContext, LoadCounts, insert_new
from reports.sqltext import quote_literal
from reports.staging import iso_expr, ts_check

KIND = "probes"
TITLE = "Probe results (generic CSV / NDJSON)"
PRIORITY = 45

SCHEMA = {
    "ts": "VARCHAR", "monitor": "VARCHAR", "url": "VARCHAR", "ok": "BOOLEAN", "status_code": "BIGINT",
    "response_ms": "DOUBLE", "error": "VARCHAR", "state": "VARCHAR",
}
REQUIRED = ("ts", "monitor")
CHECKED = ("ok", "status_code", "response_ms")
HINTS = {"ok": "write true/false (or 1/0)"}
STATES = ("up", "down", "degraded", "maintenance")
_STATES = "(" + ", ".join(quote_literal(s) for s in STATES) + ")"
_KNOWN = quote_literal(json.dumps({key: None for key in SCHEMA}))
_ZONE = r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*([zZ]|[+-]\d{2}(:?\d{2})?)$"


def utc_time_expr(value: str) -> str:
    """A time string to TIMESTAMPTZ: with an offset as given, without one as UTC; NULL if unparseable."""
    return (
        f"CASE WHEN regexp_matches(trim({value}), '{_ZONE}') THEN {iso_expr(value)} "
        f"ELSE timezone('UTC', try_cast({value} AS TIMESTAMP)) END"
    )


def sniff(head: Head) -> bool:
    if head.shape == "csv":
        return head.header_has("ts", "monitor") and (head.header_has("ok") or head.header_has("state"))
    first = head.first or {}
    return {"ts", "monitor"} <= first.keys() and bool({"ok", "state", "status_code"} & first.keys())


def load(ctx: LoadContext) -> LoadCounts:
    staged = ctx.stage_records()
    ts = utc_time_expr("r.ts")
    state_given = "nullif(lower(trim(r.state)), '')"
    checks = [
        ts_check(ts, "ts"),
        f"CASE WHEN {state_given} NOT IN {_STATES} THEN 'field \"state\" is \"' || left(r.state, 80) || "
        "'\", expected up, down, degraded or maintenance' END",
        f"CASE WHEN {state_given} IS NULL AND r.ok IS NULL AND r.status_code IS NULL "
        "AND nullif(trim(r.error), '') IS NULL THEN "
        "'missing required field \"ok\" (or a status_code, error or state telling how the probe went)' END",
    ]
    ctx.transform(SCHEMA, REQUIRED, CHECKED, checks, hints=HINTS)
    good = ctx.count("_chk")
    state = (
        f"coalesce({state_given}, CASE WHEN r.ok = false OR nullif(trim(r.error), '') IS NOT NULL "
        "OR r.status_code NOT BETWEEN 200 AND 399 THEN 'down' ELSE 'up' END)"
    )
    loaded = insert_new(
        ctx.con,
        "probe_results",
        f"""
        SELECT r.monitor AS monitor, {ts} AS ts, {state} AS state, r.status_code AS status_code,
               r.response_ms AS response_ms, nullif(r.error, '') AS message, r.url AS url,
               'probe' AS origin, NULL AS kuma_monitor_id,
               nullif(json_merge_patch(doc, {_KNOWN}), '{{}}') AS extra, $file_id AS file_id, line, item
        FROM _chk
        """,
        ["monitor", "ts"],
        {"file_id": ctx.file_id},
        order="line, item",
    )
    return LoadCounts(records=staged.records, loaded=loaded, duplicates=good - loaded)
