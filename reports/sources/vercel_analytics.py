"""Vercel Web Analytics drain (``vercel.analytics.v1``; JSON array or NDJSON).

One row per page view or custom event in ``web_analytics``, deduplicated by ``event_key`` (a
hash of the instant, session, device, type, name, path and data). ``eventData`` arrives as JSON
text inside a string and is stored parsed; text that is not JSON sends the record to quarantine.
The drain calls the deployment ``deployment`` (not ``deploymentId``).
"""

from __future__ import annotations

import json

from reports.detect import Head
from reports.loading import LoadContext, LoadCounts, insert_new
from reports.sqltext import quote_literal
from reports.staging import epoch_ms_expr, ts_check

KIND = "vercel_analytics"
TITLE = "Vercel Web Analytics drain"
PRIORITY = 36
SCHEMA_NAME = "vercel.analytics.v1"

SCHEMA = {
    "schema": "VARCHAR", "eventType": "VARCHAR", "eventName": "VARCHAR", "eventData": "JSON",
    "timestamp": "DOUBLE", "projectId": "VARCHAR", "sessionId": "VARCHAR", "deviceId": "VARCHAR",
    "origin": "VARCHAR", "path": "VARCHAR", "route": "VARCHAR", "referrer": "VARCHAR", "country": "VARCHAR",
    "deviceType": "VARCHAR", "vercelEnvironment": "VARCHAR", "deployment": "VARCHAR",
}
REQUIRED = ("timestamp", "eventType")
CHECKED = tuple(k for k in SCHEMA if k not in REQUIRED)
HINTS = {"timestamp": "the Web Analytics drain sends epoch milliseconds"}
_TS = epoch_ms_expr("r.timestamp")
# eventData: JSON text in a string (as documented), or an object sent as is; '' means none
_DATA_TEXT = "CASE json_type(r.eventData) WHEN 'VARCHAR' THEN nullif(trim(r.eventData->>'$'), '') END"
_DATA = (f"CASE WHEN json_type(r.eventData) IN ('OBJECT', 'ARRAY') THEN r.eventData "
         f"WHEN json_valid({_DATA_TEXT}) THEN json({_DATA_TEXT}) END")
EXTRA_CHECKS = (
    f"CASE WHEN r.schema IS NOT NULL AND r.schema <> {quote_literal(SCHEMA_NAME)} THEN 'field \"schema\" is \"' || "
    f"left(r.schema, 80) || '\", expected \"{SCHEMA_NAME}\" (is this another drain''s file?)' END",
    ts_check(_TS, "timestamp"),
    f"CASE WHEN {_DATA_TEXT} IS NOT NULL AND NOT json_valid({_DATA_TEXT}) THEN 'field \"eventData\" is ' || "
    "left(r.eventData::VARCHAR, 80) || ', expected JSON text such as \"{\"button\": \"signup\"}\"' "
    "WHEN json_type(r.eventData) IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'BOOLEAN') THEN 'field \"eventData\" is ' || "
    "left(r.eventData::VARCHAR, 80) || ', expected JSON text in a string' END",
)
# drain fields with a column of their own; the rest (ownerId, queryParams, osName, ...) stay in `extra`
_KNOWN = quote_literal(json.dumps({key: None for key in SCHEMA}))


def sniff(head: Head) -> bool:
    first = head.first
    if first is not None:
        if first.get("schema") == SCHEMA_NAME:
            return True
        return ({"eventType", "timestamp"} <= first.keys() and bool({"sessionId", "deviceId"} & first.keys())
                and bool({"path", "origin", "route"} & first.keys()))
    return f'"{SCHEMA_NAME}"' in head.text


def load(ctx: LoadContext) -> LoadCounts:
    staged = ctx.stage_json()
    ctx.transform(SCHEMA, REQUIRED, CHECKED, EXTRA_CHECKS, hints=HINTS)
    good = ctx.count("_chk")
    extra = f"nullif(json_merge_patch(doc, {_KNOWN}), '{{}}')"
    loaded = insert_new(
        ctx.con,
        "web_analytics",
        f"""
        SELECT {_TS} AS ts, r.eventType AS event_type, nullif(r.eventName, '') AS event_name, {_DATA} AS event_data,
               r.projectId AS project_id, r.sessionId AS session_id, r.deviceId AS device_id,
               r.origin AS origin, r.path AS path, r.route AS route, r.referrer AS referrer,
               r.country AS country, r.deviceType AS device_type, r.vercelEnvironment AS environment,
               r.deployment AS deployment_id,
               md5(json_array(epoch_ms({_TS}), r.sessionId, r.deviceId, r.eventType, r.eventName, r.path,
                              {_DATA})::VARCHAR) AS event_key,
               {extra} AS extra, $file_id AS file_id, line, item
        FROM _chk
        """,
        ["event_key"],
        {"file_id": ctx.file_id},
        order="line, item",
    )
    return LoadCounts(records=staged.records, loaded=loaded, duplicates=good - loaded)
