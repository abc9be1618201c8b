"""Uptime Kuma heartbeats: a JSON (array or NDJSON) or CSV export of Kuma's ``heartbeat`` table.

Fields: ``monitor_id`` (or ``monitorID``, as Kuma's socket and webhook payloads spell it),
``status`` (0 down, 1 up, 2 pending, 3 maintenance), ``time`` (UTC without a zone suffix,
``2026-10-03 09:14:07.123``), ``ping`` (ms), ``msg``, and others kept as extra (``important``,
``duration``, ``down_count``, ``retries``, ``end_time``, ``id``).

Rows go to ``probe_results`` with ``origin = 'kuma'``: status 1 → up, 0 and 2 (pending) → down,
3 → maintenance. A monitor is named by the config's ``[monitors.NAME] kuma_monitor_id``, else
``kuma-<id>``. Kuma's HTTP monitors write ``msg`` as ``"200 - OK"`` (or ``"Request failed with
status code 503"``); the status code is read from it when it is there.
"""

from __future__ import annotations

import json

from reports.detect import Head
from reports.loading import LoadContext, LoadCounts, insert_new
from reports.sources.probes import utc_time_expr
from reports.sqltext import quote_literal
from reports.staging import ts_check

KIND = "kuma_heartbeats"
TITLE = "Uptime Kuma heartbeats"
PRIORITY = 30

SCHEMA = {
    "monitor_id": "BIGINT", "monitorID": "BIGINT", "status": "BIGINT", "time": "VARCHAR", "ping": "DOUBLE",
    "msg": "VARCHAR",
}
REQUIRED = ("status", "time")
CHECKED = ("monitor_id", "monitorID", "ping")
HINTS = {"status": "Kuma writes 0 (down), 1 (up), 2 (pending) or 3 (maintenance)"}
_KNOWN = quote_literal(json.dumps({key: None for key in SCHEMA}))
_STATE = "CASE r.status WHEN 1 THEN 'up' WHEN 0 THEN 'down' WHEN 2 THEN 'down' WHEN 3 THEN 'maintenance' END"
_STATUS_CODE = (
    "try_cast(coalesce(nullif(regexp_extract(r.msg, '^(\\d{3}) - ', 1), ''), "
    "nullif(regexp_extract(r.msg, 'status code (\\d{3})', 1), '')) AS INTEGER)"
)


def sniff(head: Head) -> bool:
    if head.shape == "csv":
        return head.header_has("status", "time") and (head.header_has("monitor_id") or head.header_has("monitorid"))
    first = head.first or {}
    return {"status", "time"} <= first.keys() and bool({"monitor_id", "monitorID"} & first.keys())


def _stage_monitor_names(ctx: LoadContext) -> None:
    """The config's Kuma id → monitor (name, url) as a small temp table, values bound."""
    names = ctx.config.kuma_monitor_names()
    ids = sorted(names)
    ctx.con.execute(
        "CREATE OR REPLACE TEMP TABLE _kuma_names AS SELECT * FROM (SELECT unnest($ids::BIGINT[]) AS kuma_id, "
        "unnest($names::VARCHAR[]) AS name, unnest($urls::VARCHAR[]) AS url)",
        {"ids": ids, "names": [names[i] for i in ids], "urls": [ctx.config.monitors[names[i]].url for i in ids]},
    )


def load(ctx: LoadContext) -> LoadCounts:
    staged = ctx.stage_records()
    ts = utc_time_expr("r.time")
    checks = [
        "CASE WHEN coalesce(r.monitor_id, r.monitorID) IS NULL THEN 'missing required field \"monitor_id\"' END",
        f"CASE WHEN ({_STATE}) IS NULL THEN 'field \"status\" is ' || r.status || "
        "', expected 0 (down), 1 (up), 2 (pending) or 3 (maintenance)' END",
        ts_check(ts, "time"),
    ]
    ctx.transform(SCHEMA, REQUIRED, CHECKED, checks, hints=HINTS)
    good = ctx.count("_chk")
    _stage_monitor_names(ctx)
    loaded = insert_new(
        ctx.con,
        "probe_results",
        f"""
        SELECT coalesce(n.name, 'kuma-' || k.kuma_id) AS monitor, {ts} AS ts, {_STATE} AS state,
               {_STATUS_CODE} AS status_code, r.ping AS response_ms, nullif(r.msg, '') AS message,
               n.url AS url, 'kuma' AS origin, k.kuma_id AS kuma_monitor_id,
               nullif(json_merge_patch(doc, {_KNOWN}), '{{}}') AS extra, $file_id AS file_id, line, item
        FROM (SELECT *, coalesce(r.monitor_id, r.monitorID) AS kuma_id FROM _chk) k
        LEFT JOIN _kuma_names n ON n.kuma_id = k.kuma_id
        """,
        ["monitor", "ts"],
        {"file_id": ctx.file_id},
        order="line, item",
    )
    ctx.con.execute("DROP TABLE IF EXISTS _kuma_names")
    return LoadCounts(records=staged.records, loaded=loaded, duplicates=good - loaded)
