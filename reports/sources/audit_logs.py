"""The application's audit log: a CSV export as the Supabase table editor writes it, or JSON/NDJSON.

Columns (named by the config's ``[sources.audit_columns]``, since every application names them
a little differently): ``id`` (uuid or bigint), ``created_at`` (``2026-10-03 09:14:07.123456+00``
in a Supabase CSV; no offset = UTC), ``user_id``, ``action``, ``resource_type``,
``resource_id``, ``status`` (``success|failure``; other values kept, lower-cased),
``ip_address``, ``user_agent`` and ``metadata`` (jsonb). In a CSV an empty cell is NULL and
``metadata`` is JSON text, which must parse; in JSON it is a value, or JSON text when an export
double-encoded it (a string starting with ``{`` or ``[`` must then parse). Columns the config
does not map are kept in ``extra``. Rows are deduplicated on ``id``.
"""

from __future__ import annotations

import json

from reports.config import AuditColumns
from reports.detect import Head
from reports.loading import LoadContext, LoadCounts, insert_new
from reports.sources.probes import utc_time_expr
from reports.sqltext import quote_ident, quote_literal
from reports.staging import ts_check

KIND = "audit_logs"
TITLE = "Application audit log"
PRIORITY = 60

FIELDS = ("id", "created_at", "user_id", "action", "resource_type", "resource_id", "status", "ip_address",
          "user_agent", "metadata")
REQUIRED = ("id", "created_at", "action")
# what a sniffer can go by without the config: the default names and common variants
_TIMES = {"created_at", "inserted_at", "createdAt", "timestamp", "occurred_at"}
_TYPICAL = {"id", "user_id", "actor_id", "userId", "resource_type", "resource_id", "entity_type", "entity_id",
            "status", "ip_address", "ip", "user_agent", "metadata"}


def sniff(head: Head) -> bool:
    if head.shape == "csv":
        names = {c.strip() for c in head.header or []}
    else:
        names = set((head.first or {}).keys()) or head.keys
    return "action" in names and bool(_TIMES & names) and len(_TYPICAL & names) >= 2


def load(ctx: LoadContext) -> LoadCounts:
    cols: AuditColumns = ctx.config.sources.audit_columns
    name = {field: getattr(cols, field) for field in FIELDS}  # our field -> the file's column
    staged = ctx.stage_records()
    schema = {name[f]: ("JSON" if f == "metadata" else "VARCHAR") for f in FIELDS}

    def col(field: str) -> str:
        return f"r.{quote_ident(name[field])}"

    created = utc_time_expr(col("created_at"))
    meta = col("metadata")
    text = f"({meta} ->> '$')"
    # a CSV cell is always JSON text; a JSON string is JSON text when it looks like an object or array
    looks_json = "true" if ctx.head.shape == "csv" else f"regexp_matches({text}, '^\\s*[\\[{{]')"
    parse = f"(json_type({meta}) = 'VARCHAR' AND {looks_json})"
    shown = name["metadata"].replace("'", "''")
    checks = [
        ts_check(created, name["created_at"].replace("'", "''")),
        f"CASE WHEN {parse} AND NOT json_valid({text}) THEN 'field \"{shown}\" is not valid JSON: ' || "
        f"left({text}, 80) END",
    ]
    ctx.transform(schema, [name[f] for f in REQUIRED], (), checks)
    good = ctx.count("_chk")
    known = quote_literal(json.dumps({column: None for column in schema}))
    loaded = insert_new(
        ctx.con,
        "audit_logs",
        f"""
        SELECT {col('id')} AS id, {created} AS created_at, {col('user_id')} AS user_id, {col('action')} AS action,
               {col('resource_type')} AS resource_type, {col('resource_id')} AS resource_id,
               nullif(lower(trim({col('status')})), '') AS status, {col('ip_address')} AS ip_address,
               {col('user_agent')} AS user_agent,
               CASE WHEN {parse} THEN json({text}) ELSE {meta} END AS metadata,
               nullif(json_merge_patch(doc, {known}), '{{}}') AS extra, $file_id AS file_id, line, item
        FROM _chk
        """,
        ["id"],
        {"file_id": ctx.file_id},
        order="line, item",
    )
    return LoadCounts(records=staged.records, loaded=loaded, duplicates=good - loaded)
