"""Vercel trace drain: OTLP/HTTP JSON (``{"resourceSpans": [...]}``).

A file holds one OTLP document (often pretty-printed), NDJSON of them, or an array of them.
Each span is one record in ``trace_spans``, deduplicated by ``(trace_id, span_id)``; ``line`` is
the document's line (NDJSON) and ``item`` the span's 1-based index in its document (across
resourceSpans and scopeSpans, in order).

OTLP JSON quirks handled: nanosecond times are strings (numbers accepted), parsed as integers so
``duration_ms`` is exact; ``kind`` is a number (2) or a name (``SPAN_KIND_SERVER``); proto3 JSON
omits default values, so a missing ``kind`` is UNSPECIFIED and a missing ``status.code`` UNSET;
attributes are ``[{"key", "value": {"stringValue" | "intValue" | ...}}]`` lists, stored as a
key -> value JSON map (an ``intValue`` string becomes a number; array/kvlist/bytes values keep
their OTLP value object). ``instrumentationLibrarySpans`` (OTLP < 0.15) is read like
``scopeSpans``.
"""

from __future__ import annotations

import json

from reports.detect import Head
from reports.loading import LoadContext, LoadCounts, insert_new
from reports.sqltext import json_path, quote_ident, quote_literal

KIND = "vercel_traces"
TITLE = "Vercel trace drain (OTLP JSON)"
PRIORITY = 20

SCHEMA = {
    "traceId": "VARCHAR", "spanId": "VARCHAR", "parentSpanId": "VARCHAR", "name": "VARCHAR",
    "kind": "VARCHAR", "startTimeUnixNano": "VARCHAR", "endTimeUnixNano": "VARCHAR",
    "attributes": "JSON", "status": {"code": "VARCHAR", "message": "VARCHAR"},
}
REQUIRED = ("traceId", "spanId", "name", "startTimeUnixNano", "endTimeUnixNano")
CHECKED = ("parentSpanId", "kind", "attributes", "status", "status|code", "status|message")
KINDS = ("UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER")
STATUSES = ("UNSET", "OK", "ERROR")
_START = "try_cast(r.startTimeUnixNano AS BIGINT)"
_END = "try_cast(r.endTimeUnixNano AS BIGINT)"
_KNOWN = quote_literal(json.dumps({key: None for key in SCHEMA}))


def _ns_check(field: str, value: str, parsed: str) -> str:
    """A nanosecond time must be an integer (string) inside 2000..2099."""
    return (
        f"CASE WHEN NOT regexp_full_match(trim({value}), '[0-9]+') OR {parsed} IS NULL THEN "
        f"'field \"{field}\" is ' || left(json_extract(doc, {quote_literal(json_path(field))})::VARCHAR, 80) || "
        "', expected nanoseconds since the epoch as an integer string' "
        f"WHEN {parsed} < 946684800000000000 OR {parsed} >= 4102444800000000000 THEN "
        f"'field \"{field}\" is ' || strftime(make_timestamptz({parsed} // 1000), '%Y-%m-%d %H:%M:%S') || "
        "' UTC, an impossible time (expected 2000..2099; OTLP times are nanoseconds since the epoch)' END"
    )


EXTRA_CHECKS = (
    "CASE WHEN trim(r.traceId) = '' THEN 'field \"traceId\" is empty' "
    "WHEN trim(r.spanId) = '' THEN 'field \"spanId\" is empty' END",
    _ns_check("startTimeUnixNano", "r.startTimeUnixNano", _START),
    _ns_check("endTimeUnixNano", "r.endTimeUnixNano", _END),
    f"CASE WHEN {_END} < {_START} THEN 'field \"endTimeUnixNano\" is before \"startTimeUnixNano\" (' || "
    f"({_START} - {_END}) || ' ns)' END",
    "CASE WHEN r.attributes IS NOT NULL AND json_type(r.attributes) <> 'ARRAY' THEN 'field \"attributes\" is ' || "
    "left(r.attributes::VARCHAR, 80) || ', expected a list of {\"key\", \"value\"} objects' END",
)


def _names(code: str, names: tuple[str, ...], prefix: str) -> str:
    """A numeric or named enum value (``2``, ``SPAN_KIND_SERVER``, ``server``) as its short name."""
    listed = "[" + ", ".join(quote_literal(n) for n in names) + "]"
    return (
        f"CASE WHEN try_cast({code} AS INTEGER) BETWEEN 0 AND {len(names) - 1} "
        f"THEN {listed}[try_cast({code} AS INTEGER) + 1] "
        f"ELSE regexp_replace(upper(trim({code})), '^{prefix}', '') END"
    )


def attribute_map(attrs: str) -> str:
    """SQL turning an OTLP attribute list (JSON) into a ``{"key": value}`` JSON object."""
    value = (
        "CASE WHEN json_exists(kv, '$.value.stringValue') THEN to_json(kv->'value'->>'stringValue') "
        "WHEN json_exists(kv, '$.value.intValue') THEN coalesce(CAST(try_cast(kv->'value'->>'intValue' AS HUGEINT) "
        "AS VARCHAR), to_json(kv->'value'->>'intValue')) "
        "WHEN json_exists(kv, '$.value.doubleValue') THEN coalesce(to_json(try_cast(kv->'value'->>'doubleValue' "
        "AS DOUBLE)), to_json(kv->'value'->>'doubleValue')) "
        "WHEN json_exists(kv, '$.value.boolValue') THEN coalesce(to_json(try_cast(kv->'value'->>'boolValue' "
        "AS BOOLEAN)), 'null') "
        "ELSE coalesce(json_extract(kv, '$.value')::VARCHAR, 'null') END"
    )
    pairs = (
        f"list_transform(list_filter(json_extract({attrs}, '$[*]'), lambda kv: kv->>'key' IS NOT NULL), "
        f"lambda kv: to_json(kv->>'key') || ':' || {value})"
    )
    return f"CASE WHEN json_type({attrs}) = 'ARRAY' THEN json('{{' || array_to_string({pairs}, ',') || '}}') END"


def _attr(name: str, source: str = "s.attrs") -> str:
    return f"({source}->>{quote_literal(json_path(name))})"


def sniff(head: Head) -> bool:
    if head.first is not None:
        return isinstance(head.first.get("resourceSpans"), list)
    return "resourceSpans" in head.keys


def _stage_spans(ctx: LoadContext) -> int:
    """``_doc`` (OTLP documents) into ``_span(line, item, doc, resource)``; return bad documents/spans."""
    con = ctx.con
    con.execute("CREATE OR REPLACE TEMP TABLE _otlp AS SELECT line, item, doc, row_number() OVER () AS doc_no FROM _doc")
    bad = ctx.q.from_select(
        "SELECT line, item, 'resourceSpans' AS field, CASE WHEN json_type(doc, '$.resourceSpans') IS NULL "
        "THEN 'missing required field \"resourceSpans\" (not an OTLP traces document)' "
        "ELSE 'field \"resourceSpans\" is a JSON ' || lower(json_type(doc, '$.resourceSpans')) || ', expected an array' "
        "END AS reason, doc AS raw FROM _otlp WHERE coalesce(json_type(doc, '$.resourceSpans'), '') <> 'ARRAY'"
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _rs AS
        SELECT line, doc_no, generate_subscripts(rs, 1) AS rs_idx, unnest(rs) AS rs
        FROM (SELECT line, doc_no, json_extract(doc, '$.resourceSpans[*]')::VARCHAR[] AS rs
              FROM _otlp WHERE json_type(doc, '$.resourceSpans') = 'ARRAY')
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _ss AS
        SELECT line, doc_no, rs_idx, resource, generate_subscripts(ss, 1) AS ss_idx, unnest(ss) AS ss
        FROM (SELECT line, doc_no, rs_idx,
                     {attribute_map("json_extract(rs, '$.resource.attributes')")} AS resource,
                     CASE WHEN json_type(rs, '$.scopeSpans') = 'ARRAY' THEN json_extract(rs, '$.scopeSpans[*]')
                          ELSE json_extract(rs, '$.instrumentationLibrarySpans[*]') END::VARCHAR[] AS ss
              FROM _rs)
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _span_all AS
        SELECT line, row_number() OVER (PARTITION BY line ORDER BY doc_no, rs_idx, ss_idx, sp_idx) AS item,
               doc, resource
        FROM (SELECT line, doc_no, rs_idx, ss_idx, resource, generate_subscripts(sp, 1) AS sp_idx, unnest(sp) AS doc
              FROM (SELECT *, json_extract(ss, '$.spans[*]')::VARCHAR[] AS sp FROM _ss))
        """
    )
    bad += ctx.q.from_select(
        "SELECT line, item, NULL AS field, 'span is a JSON ' || CASE json_type(doc) WHEN 'VARCHAR' THEN 'string' "
        "WHEN 'BIGINT' THEN 'number' WHEN 'UBIGINT' THEN 'number' WHEN 'DOUBLE' THEN 'number' "
        "ELSE lower(json_type(doc)) END || ', expected an object' AS reason, doc AS raw "
        "FROM _span_all WHERE json_type(doc) <> 'OBJECT'"
    )
    con.execute("CREATE OR REPLACE TEMP TABLE _span AS SELECT * FROM _span_all WHERE json_type(doc) = 'OBJECT'")
    for name in ("_otlp", "_rs", "_ss", "_span_all"):
        con.execute(f"DROP TABLE {quote_ident(name)}")
    return bad


def load(ctx: LoadContext) -> LoadCounts:
    staged = ctx.stage_json()
    bad = _stage_spans(ctx)
    ctx.transform(SCHEMA, REQUIRED, CHECKED, EXTRA_CHECKS, source="_span")
    # records are spans, not documents (staged.records counts documents)
    records = staged.rejected + bad + ctx.count("_span")
    good = ctx.count("_chk")
    ctx.con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _spans_typed AS
        SELECT c.line, c.item, c.doc, c.r, s.resource, {attribute_map("c.r.attributes")} AS attrs,
               {_START} AS start_ns, {_END} AS end_ns
        FROM _chk c JOIN _span s ON s.item = c.item AND s.line IS NOT DISTINCT FROM c.line
        """
    )
    extra = f"nullif(json_merge_patch(s.doc, {_KNOWN}), '{{}}')"
    loaded = insert_new(
        ctx.con,
        "trace_spans",
        f"""
        SELECT r.traceId AS trace_id, r.spanId AS span_id, nullif(trim(r.parentSpanId), '') AS parent_span_id,
               r.name AS name, {_names("coalesce(nullif(trim(r.kind), ''), '0')", KINDS, "SPAN_KIND_")} AS kind,
               make_timestamptz(start_ns // 1000) AS start_ts, make_timestamptz(end_ns // 1000) AS end_ts,
               CAST(end_ns - start_ns AS DOUBLE) / 1e6 AS duration_ms,
               {_names("coalesce(nullif(trim(r.status.code), ''), '0')", STATUSES, "STATUS_CODE_")} AS status_code,
               nullif(r.status.message, '') AS status_message,
               try_cast(coalesce({_attr("http.status_code")}, {_attr("http.response.status_code")}) AS INTEGER)
                   AS http_status,
               {_attr("http.route")} AS http_route,
               coalesce({_attr("http.method")}, {_attr("http.request.method")}) AS http_method,
               {_attr("vercel.projectId", "s.resource")} AS project_id,
               {_attr("vercel.deploymentId", "s.resource")} AS deployment_id,
               coalesce({_attr("vercel.env", "s.resource")}, {_attr("deployment.environment", "s.resource")},
                        {_attr("deployment.environment.name", "s.resource")}) AS environment,
               attrs AS attributes, resource, {extra} AS extra, $file_id AS file_id, line, item
        FROM _spans_typed s
        """,
        ["trace_id", "span_id"],
        {"file_id": ctx.file_id},
        order="line, item",
    )
    for name in ("_span", "_spans_typed"):
        ctx.con.execute(f"DROP TABLE {quote_ident(name)}")
    return LoadCounts(records=records, loaded=loaded, duplicates=good - loaded)
