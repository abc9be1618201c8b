"""Vercel log drain deliveries (JSON array per delivery, or NDJSON).

Every record goes to ``vercel_log_records`` (deduplicated by ``id``); records with a ``proxy``
object also describe a request in ``vercel_requests`` (deduplicated by ``requestId``, else
``id``). A request is marked ``crashed`` when any of its records has ``statusCode = -1``.
"""

from __future__ import annotations

from reports.detect import Head
from reports.loading import LoadContext, LoadCounts, insert_new
from reports.staging import epoch_ms_expr, extra_json, ts_check

KIND = "vercel_logs"
TITLE = "Vercel log drain"
PRIORITY = 50

_PROXY = {
    "timestamp": "DOUBLE", "method": "VARCHAR", "host": "VARCHAR", "path": "VARCHAR",
    "userAgent": ["VARCHAR"], "region": "VARCHAR", "referer": "VARCHAR", "statusCode": "BIGINT",
    "clientIp": "VARCHAR", "scheme": "VARCHAR", "responseByteSize": "BIGINT", "cacheId": "VARCHAR",
    "pathType": "VARCHAR", "vercelId": "VARCHAR", "vercelCache": "VARCHAR", "lambdaRegion": "VARCHAR",
    "wafAction": "VARCHAR", "wafRuleId": "VARCHAR",
}
SCHEMA = {
    "id": "VARCHAR", "deploymentId": "VARCHAR", "source": "VARCHAR", "host": "VARCHAR",
    "timestamp": "DOUBLE", "projectId": "VARCHAR", "level": "VARCHAR", "message": "VARCHAR",
    "buildId": "VARCHAR", "entrypoint": "VARCHAR", "destination": "VARCHAR", "path": "VARCHAR",
    "type": "VARCHAR", "statusCode": "BIGINT", "requestId": "VARCHAR", "environment": "VARCHAR",
    "branch": "VARCHAR", "executionRegion": "VARCHAR", "projectName": "VARCHAR",
    "traceId": "VARCHAR", "spanId": "VARCHAR", "trace.id": "VARCHAR", "span.id": "VARCHAR",
    "proxy": _PROXY,
}
REQUIRED = ("id", "deploymentId", "source", "host", "timestamp", "projectId", "level")
CHECKED = ("statusCode", "proxy", "proxy|statusCode", "proxy|timestamp")
HINTS = {"timestamp": "the Vercel log drain sends epoch milliseconds"}


def sniff(head: Head) -> bool:
    first = head.first or {}
    if {"deploymentId", "projectId", "source", "level"} <= first.keys() and "host" in first:
        return isinstance(first.get("timestamp"), int | float | str) and "requestMethod" not in first
    return head.first is None and head.has("deploymentId", "projectId", "source", "host", "level")


def load(ctx: LoadContext) -> LoadCounts:
    staged = ctx.stage_json()
    ts = epoch_ms_expr("r.timestamp")
    ctx.transform(SCHEMA, REQUIRED, CHECKED, [ts_check(ts, "timestamp")], hints=HINTS)
    good = ctx.count("_chk")
    extra = extra_json(SCHEMA)
    loaded = insert_new(
        ctx.con,
        "vercel_log_records",
        f"""
        SELECT r.id AS id, {ts} AS ts, r.deploymentId AS deployment_id, r.projectId AS project_id,
               r.source AS source, r.host AS host, r.level AS level, r.message AS message,
               r.statusCode AS status_code, r.requestId AS request_id, r.path AS path,
               r.entrypoint AS entrypoint, r.environment AS environment, r.branch AS branch,
               r.executionRegion AS region, coalesce(r.traceId, r['trace.id']) AS trace_id,
               coalesce(r.spanId, r['span.id']) AS span_id, r.proxy IS NOT NULL AS has_proxy,
               {extra} AS extra, $file_id AS file_id, line, item
        FROM _chk
        """,
        ["id"],
        {"file_id": ctx.file_id},
        order="line, item",
    )
    proxy_ts = epoch_ms_expr("r.proxy.timestamp")
    insert_new(
        ctx.con,
        "vercel_requests",
        f"""
        SELECT coalesce(r.requestId, r.id) AS request_id, {ts} AS ts, {proxy_ts} AS proxy_ts,
               r.environment AS environment, r.deploymentId AS deployment_id, r.projectId AS project_id,
               coalesce(r.proxy.host, r.host) AS host, r.proxy.method AS method, r.proxy.path AS path,
               coalesce(r.path, regexp_replace(r.proxy.path, '[?#].*$', '')) AS route,
               r.proxy.statusCode AS status_code, r.statusCode AS function_status,
               coalesce(r.statusCode = -1, false) AS crashed,
               coalesce(r.proxy.statusCode = -1, false) AS background,
               r.proxy.vercelCache AS cache, r.proxy.region AS region, r.proxy.clientIp AS client_ip,
               array_to_string(r.proxy.userAgent, ' ') AS user_agent, r.proxy.referer AS referer,
               r.proxy.responseByteSize AS response_bytes, r.proxy.wafAction AS waf_action,
               $file_id AS file_id, line, item
        FROM _chk WHERE r.proxy IS NOT NULL
        """,
        ["request_id"],
        {"file_id": ctx.file_id},
        order="line, item",
    )
    # a crash may be logged by another record of the request, in this file or another one
    ctx.con.execute(
        "UPDATE vercel_requests SET crashed = true WHERE NOT crashed AND request_id IN "
        "(SELECT request_id FROM vercel_log_records WHERE status_code = -1)"
    )
    return LoadCounts(records=staged.records, loaded=loaded, duplicates=good - loaded)
