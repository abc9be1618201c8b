"""Vercel runtime logs: ``vercel logs --json`` (JSON Lines) and the runtime-logs API stream.

Every line goes to ``vercel_log_records`` (deduplicated by ``id``, else ``rowId``), beside the
log drain's records. A line's ``id`` is the request id, with ``_1``, ``_2`` ... for further lines
of the same request; the id without that suffix is the record's ``request_id``. Each request
(the first line carrying ``requestMethod``, ``requestPath`` and ``responseStatusCode``; the
unsuffixed line before ``_1`` ...) also goes to ``vercel_requests``. This format has no proxy
view: ``status_code`` is ``responseStatusCode`` and a crashed function shows as a 500 with
level ``error``; ``crashed`` is only set where a line says ``responseStatusCode = -1``.

The runtime-logs API (``/v1/projects/{projectId}/deployments/{deploymentId}/runtime-logs``)
leaves the project and deployment out of its lines; such lines are quarantined with a reason
saying how to add them, because both tables need them.
"""

from __future__ import annotations

import json

from reports.detect import Head
from reports.loading import LoadContext, LoadCounts, insert_new
from reports.sqltext import quote_literal
from reports.staging import epoch_ms_expr, ts_check

KIND = "vercel_runtime_logs"
TITLE = "Vercel runtime logs (vercel logs --json)"
PRIORITY = 45  # before the log drain (50): its records have `host`/`proxy`, these `domain`/`requestPath`

SCHEMA = {
    "id": "VARCHAR", "rowId": "VARCHAR", "timestamp": "DOUBLE", "timestampInMs": "DOUBLE",
    "deploymentId": "VARCHAR", "projectId": "VARCHAR", "level": "VARCHAR", "message": "VARCHAR",
    "source": "VARCHAR", "domain": "VARCHAR", "requestMethod": "VARCHAR", "requestPath": "VARCHAR",
    "responseStatusCode": "BIGINT", "environment": "VARCHAR", "branch": "VARCHAR", "cache": "VARCHAR",
    "traceId": "VARCHAR", "messageTruncated": "BOOLEAN",
}
REQUIRED = ("level", "source")
CHECKED = tuple(k for k in SCHEMA if k not in REQUIRED)
HINTS = {
    "timestamp": "vercel logs --json writes epoch milliseconds",
    "timestampInMs": "the runtime-logs API sends epoch milliseconds",
}
_ADD_IDS = (
    "; the runtime-logs API leaves it out of its lines: add projectId and deploymentId to each line "
    "(e.g. jq -c ''. + {projectId: \"prj_...\", deploymentId: \"dpl_...\"}'') and load the file again"
)
EXTRA_CHECKS = (
    "CASE WHEN r.id IS NULL AND r.rowId IS NULL THEN 'missing required field \"id\" (or \"rowId\")' END",
    "CASE WHEN r.timestamp IS NULL AND r.timestampInMs IS NULL "
    "THEN 'missing required field \"timestamp\" (or \"timestampInMs\")' END",
    f"CASE WHEN r.projectId IS NULL THEN 'missing required field \"projectId\"{_ADD_IDS}' END",
    f"CASE WHEN r.deploymentId IS NULL THEN 'missing required field \"deploymentId\"{_ADD_IDS}' END",
    "CASE WHEN r.domain IS NULL THEN 'missing required field \"domain\" (vercel_log_records needs the host)' END",
)
# fields with a column of their own in vercel_log_records; all others (requestMethod, the raw
# requestPath with its query, cache, rowId, messageTruncated, unknown fields) stay in `extra`
_COLUMNS = ("id", "timestamp", "timestampInMs", "deploymentId", "projectId", "level", "message", "source",
            "domain", "responseStatusCode", "environment", "branch", "traceId")
_KNOWN = quote_literal(json.dumps({key: None for key in _COLUMNS}))
_MARKERS = {"requestMethod", "requestPath", "responseStatusCode", "domain", "rowId", "timestampInMs",
            "messageTruncated"}
_BASE_ID = r"regexp_replace(r.id, '_[0-9]+$', '')"
_SUFFIX = r"coalesce(try_cast(regexp_extract(r.id, '_([0-9]+)$', 1) AS BIGINT), 0)"
_PATH = r"regexp_replace(r.requestPath, '[?#].*$', '')"


def sniff(head: Head) -> bool:
    first = head.first
    if first is not None:
        return ("level" in first and ("message" in first or "source" in first)
                and "proxy" not in first and bool(_MARKERS & first.keys()))
    return (head.has("level", "source") and "proxy" not in head.keys
            and bool({"requestPath", "rowId", "timestampInMs"} & head.keys))


def load(ctx: LoadContext) -> LoadCounts:
    staged = ctx.stage_json()
    ts = epoch_ms_expr("coalesce(r.timestamp, r.timestampInMs)")
    ctx.transform(SCHEMA, REQUIRED, CHECKED, [*EXTRA_CHECKS, ts_check(ts, "timestamp")], hints=HINTS)
    good = ctx.count("_chk")
    extra = f"nullif(json_merge_patch(doc, {_KNOWN}), '{{}}')"
    loaded = insert_new(
        ctx.con,
        "vercel_log_records",
        f"""
        SELECT coalesce(r.id, r.rowId) AS id, {ts} AS ts, r.deploymentId AS deployment_id,
               r.projectId AS project_id, r.source AS source, r.domain AS host, r.level AS level,
               r.message AS message, r.responseStatusCode AS status_code, {_BASE_ID} AS request_id,
               {_PATH} AS path, NULL AS entrypoint, r.environment AS environment, r.branch AS branch,
               NULL AS region, r.traceId AS trace_id, NULL AS span_id, false AS has_proxy,
               {extra} AS extra, $file_id AS file_id, line, item
        FROM _chk
        """,
        ["id"],
        {"file_id": ctx.file_id},
        order="line, item",
    )
    insert_new(
        ctx.con,
        "vercel_requests",
        f"""
        SELECT {_BASE_ID} AS request_id, {ts} AS ts, NULL AS proxy_ts, r.environment AS environment,
               r.deploymentId AS deployment_id, r.projectId AS project_id, r.domain AS host,
               r.requestMethod AS method, r.requestPath AS path, {_PATH} AS route,
               r.responseStatusCode AS status_code, NULL AS function_status,
               r.responseStatusCode = -1 OR EXISTS (
                   SELECT 1 FROM vercel_log_records c WHERE c.request_id = {_BASE_ID} AND c.status_code = -1
               ) AS crashed,
               false AS background, r.cache AS cache, $file_id AS file_id, line, item
        FROM _chk
        WHERE r.id IS NOT NULL AND r.requestMethod IS NOT NULL AND r.requestPath IS NOT NULL
          AND r.responseStatusCode IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY {_BASE_ID} ORDER BY {_SUFFIX}, line, item) = 1
        """,
        ["request_id"],
        {"file_id": ctx.file_id},
        order="line, item",
    )
    # a -1 line that arrives after its request was loaded (same or earlier file)
    ctx.con.execute(
        "UPDATE vercel_requests SET crashed = true WHERE NOT crashed AND request_id IN "
        "(SELECT request_id FROM vercel_log_records WHERE file_id = ? AND status_code = -1)",
        [ctx.file_id],
    )
    return LoadCounts(records=staged.records, loaded=loaded, duplicates=good - loaded)
