"""Vercel Speed Insights drain (``vercel.speed_insights.v1``; JSON array or NDJSON).

One row per Web Vitals sample in ``speed_insights``, deduplicated by ``sample_key`` (a hash of
the instant, device, metric, path and the value as sent). ``value`` is stored in milliseconds
(CLS unitless). The drain's time unit is not documented consistently, so the setting
``sources.speed_insights_unit`` decides: ``ms``, ``s``, or ``auto``, which reads THIS file's
LCP/FCP/TTFB/INP/FID values as seconds when their median is below 100 (no real page has a
median LCP under 100 ms; no real page has one over 100 s). The ingest summary says which unit
was used.
"""

from __future__ import annotations

import json

from reports.detect import Head
from reports.loading import LoadContext, LoadCounts, insert_new
from reports.sqltext import quote_literal
from reports.staging import iso_expr, ts_check

KIND = "vercel_speed_insights"
TITLE = "Vercel Speed Insights drain"
PRIORITY = 35
SCHEMA_NAME = "vercel.speed_insights.v1"

SCHEMA = {
    "schema": "VARCHAR", "timestamp": "VARCHAR", "projectId": "VARCHAR", "ownerId": "VARCHAR",
    "deviceId": "VARCHAR", "metricType": "VARCHAR", "value": "DOUBLE", "origin": "VARCHAR",
    "path": "VARCHAR", "route": "VARCHAR", "country": "VARCHAR", "region": "VARCHAR", "city": "VARCHAR",
    "osName": "VARCHAR", "clientName": "VARCHAR", "deviceType": "VARCHAR", "connectionSpeed": "VARCHAR",
    "vercelEnvironment": "VARCHAR", "vercelUrl": "VARCHAR", "deploymentId": "VARCHAR",
}
REQUIRED = ("timestamp", "metricType", "value")
CHECKED = tuple(k for k in SCHEMA if k not in REQUIRED)
METRICS = ("CLS", "LCP", "FID", "FCP", "TTFB", "INP")
TIMED = ("LCP", "FCP", "TTFB", "INP", "FID")  # all but CLS, which is unitless
AUTO_SECONDS_BELOW = 100.0
_TS = iso_expr("r.timestamp")
_METRIC = "upper(trim(r.metricType))"
EXTRA_CHECKS = (
    f"CASE WHEN r.schema IS NOT NULL AND r.schema <> {quote_literal(SCHEMA_NAME)} THEN 'field \"schema\" is \"' || "
    f"left(r.schema, 80) || '\", expected \"{SCHEMA_NAME}\" (is this another drain''s file?)' END",
    f"CASE WHEN {_METRIC} NOT IN ({', '.join(quote_literal(m) for m in METRICS)}) THEN 'field \"metricType\" is \"' || "
    f"left(r.metricType, 80) || '\", expected one of {', '.join(METRICS)}' END",
    f"CASE WHEN {_TS} IS NULL THEN 'field \"timestamp\" is ' || left(json_extract(doc, '$.timestamp')::VARCHAR, 80) || "
    "', expected an ISO 8601 time string such as \"2026-10-03T09:14:07.123Z\"' END",
    ts_check(_TS, "timestamp"),
    "CASE WHEN r.value < 0 THEN 'field \"value\" is ' || r.value || ', a negative measurement' END",
)
# drain fields with a column of their own; the rest (osVersion, sdkVersion, ...) stay in `extra`
_KNOWN = quote_literal(json.dumps({key: None for key in SCHEMA}))


def sniff(head: Head) -> bool:
    first = head.first
    if first is not None:
        if first.get("schema") == SCHEMA_NAME:
            return True
        return {"metricType", "value", "timestamp"} <= first.keys() and bool(
            {"deviceId", "vercelUrl", "route"} & first.keys())
    return f'"{SCHEMA_NAME}"' in head.text or head.has("metricType", "value", "deviceId")


def _unit(ctx: LoadContext) -> float:
    """Milliseconds per unit of this file's timed values; adds a note saying which unit."""
    setting = ctx.config.sources.speed_insights_unit
    if setting != "auto":
        word = "seconds" if setting == "s" else "milliseconds"
        ctx.notes.append(f"Speed Insights values read as {word} (setting speed_insights_unit = '{setting}')")
        return 1000.0 if setting == "s" else 1.0
    median = ctx.con.execute(
        f"SELECT median(r.value) FROM _chk WHERE {_METRIC} IN ({', '.join(quote_literal(m) for m in TIMED)})"
    ).fetchall()[0][0]
    if median is None:
        return 1.0  # only CLS, which has no unit
    metrics = "/".join(TIMED)
    if median < AUTO_SECONDS_BELOW:
        ctx.notes.append(
            f"Speed Insights values read as seconds (auto: median {metrics} {median:g} < {AUTO_SECONDS_BELOW:g})")
        return 1000.0
    ctx.notes.append(
        f"Speed Insights values read as milliseconds (auto: median {metrics} {median:g} >= {AUTO_SECONDS_BELOW:g})")
    return 1.0


def load(ctx: LoadContext) -> LoadCounts:
    staged = ctx.stage_json()
    ctx.transform(SCHEMA, REQUIRED, CHECKED, EXTRA_CHECKS)
    good = ctx.count("_chk")
    scale = _unit(ctx)
    extra = f"nullif(json_merge_patch(doc, {_KNOWN}), '{{}}')"
    loaded = insert_new(
        ctx.con,
        "speed_insights",
        f"""
        SELECT {_TS} AS ts, r.projectId AS project_id, r.ownerId AS owner_id, r.deviceId AS device_id,
               {_METRIC} AS metric, r.value AS value_raw,
               CASE WHEN {_METRIC} = 'CLS' THEN r.value ELSE r.value * $scale END AS value,
               r.origin AS origin, r.path AS path, r.route AS route, r.country AS country,
               r.region AS region, r.city AS city, r.osName AS os_name, r.clientName AS client_name,
               r.deviceType AS device_type, r.connectionSpeed AS connection_speed,
               r.vercelEnvironment AS environment, r.vercelUrl AS vercel_url, r.deploymentId AS deployment_id,
               md5(json_array(epoch_us({_TS}), r.deviceId, {_METRIC}, r.path, r.value)::VARCHAR) AS sample_key,
               {extra} AS extra, $file_id AS file_id, line, item
        FROM _chk
        """,
        ["sample_key"],
        {"file_id": ctx.file_id, "scale": scale},
        order="line, item",
    )
    return LoadCounts(records=staged.records, loaded=loaded, duplicates=good - loaded)
