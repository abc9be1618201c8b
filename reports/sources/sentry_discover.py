"""Sentry Discover / Explore rows: API pages ``{"data": [...], "meta": {...}}`` and CSV exports.

JSON: one page per document or per line (NDJSON), or a bare array of rows. CSV: the direct
download (header = field strings: ``transaction.duration``, ``count()``) or the emailed export
(header = aliases: ``transaction_duration``, ``count``, ``p95_transaction_duration``); a value
the export prefixed with ``'`` (because it began with ``=``, ``+``, ``-`` or ``@``) loses that
one quote.

A row is routed by what it holds:

- any aggregate field (``count()``, ``p95(...)``, ``failure_rate()``, ``equation|...`` or their
  export aliases) → ``sentry_discover_aggregates``: the result of a grouped query, not events;
- ``event.type`` other than ``transaction``, ``meta.dataset = errors``, or (with neither
  ``event.type`` nor a dataset saying so) error fields (``title``, ``issue``, ``level``,
  ``error.type``) without ``transaction.duration``/``transaction.op`` → ``sentry_errors``;
- anything else → ``sentry_transactions`` (``transaction.duration`` and ``measurements.*`` are
  converted to ms by ``meta.units``; a CSV carries no units, Discover's default ms is assumed).

Events are deduplicated by ``id`` (lower-cased). A row without ``id`` gets the key
``'h:' || md5(its normalised fields || its occurrence number among identical rows of the file)``:
a later export with the same rows deduplicates, and identical rows within one file stay separate
events (which they are, unless the file itself repeats a page). Add ``id`` to the query for exact
deduplication.
"""

from __future__ import annotations

import json
import re

from reports.detect import Head
from reports.loading import LoadContext, LoadCounts, insert_new
from reports.sources.sentry_events import time_expr, time_reason, unit_factor
from reports.sqltext import quote_ident, quote_literal
from reports.staging import extra_json

KIND = "sentry_discover"
TITLE = "Sentry Discover rows (API pages, CSV export)"
PRIORITY = 30

VITALS = ("lcp", "fcp", "cls", "inp", "ttfb", "fid")
SCHEMA: dict[str, str] = {
    "id": "VARCHAR", "timestamp": "JSON", "transaction": "VARCHAR", "transaction.duration": "DOUBLE",
    "transaction.op": "VARCHAR", "transaction.status": "VARCHAR", "http.status_code": "VARCHAR",
    "environment": "VARCHAR", "release": "VARCHAR", "project": "VARCHAR", "project.name": "VARCHAR",
    "platform": "VARCHAR", "platform.name": "VARCHAR", "trace": "VARCHAR",
    **{f"measurements.{v}": "DOUBLE" for v in VITALS},
    "event.type": "VARCHAR", "title": "VARCHAR", "message": "VARCHAR", "level": "VARCHAR",
    "issue": "VARCHAR", "issue.id": "VARCHAR", "error.type": "JSON", "error.value": "JSON",
    "error.handled": "JSON", "error.mechanism": "JSON", "user.id": "VARCHAR", "user.ip": "VARCHAR",
}
CHECKED = ("transaction.duration", *(f"measurements.{v}" for v in VITALS))
HINTS = {"transaction.duration": "Discover sends milliseconds"}
# `timestamp` is required; checked here rather than by transform() to say how to fix it
_NEEDS_TIME = (
    "CASE WHEN coalesce(json_type(doc, '$.timestamp'), 'NULL') = 'NULL' THEN 'missing required field "
    "\"timestamp\"; add field=timestamp to the Discover query so each row can be placed in time' END"
)
# the emailed export names a field by its alias: dots and other punctuation become underscores
ALIASES = {re.sub(r"\W", "_", name): name for name in SCHEMA if re.sub(r"\W", "_", name) != name}
_AGG = (
    r"^[A-Za-z_][A-Za-z0-9_]*\(.*\)$|^equation\||^equation\[\d+\]$|"
    r"^(count|count_unique|count_if|count_miserable|count_web_vitals|count_http_errors|"
    r"p50|p75|p90|p95|p99|p100|percentile|avg|sum|min|max|failure_rate|failure_count|apdex|"
    r"user_misery|eps|epm|tps|tpm|last_seen|latest_event|any|equation)(_\w*)?$"
)
_MARKERS = {
    "transaction.duration", "transaction.op", "transaction.status", "http.status_code",
    "project.name", "event.type", "issue.id", "error.type", "platform.name",
    *(f"measurements.{v}" for v in VITALS),
}
_CONTEXT = {"transaction", "title", "project", "release", "environment", "issue"}


def _has_marker(names: set[str], header: bool) -> bool:
    """Do these keys (a JSON row's, or a CSV header's when ``header``) look like Discover fields?"""
    lowered = {n.strip().lower() for n in names}
    if any(re.match(r"^[a-z_][a-z0-9_]*\(.*\)$", n) for n in lowered) or lowered & _MARKERS:
        return True
    if not header:
        return False
    if lowered & {re.sub(r"\W", "_", m) for m in _MARKERS}:
        return True
    return bool(lowered & _CONTEXT) and any(re.match(_AGG, n) for n in lowered)


def sniff(head: Head) -> bool:
    if head.shape == "csv":
        return _has_marker(set(head.header or []), header=True)
    first = head.first or {}
    if isinstance(first.get("data"), list) and isinstance(first.get("meta"), dict):
        return True
    if first:
        return "event_id" not in first and "eventID" not in first and _has_marker(set(first), header=False)
    return head.has("data", "meta") and (head.has("fields") or head.has("units"))


def _rows_from_json(ctx: LoadContext) -> None:
    """``_drow(line, item, row, fields, units, dataset)`` from staged pages or bare rows."""
    con = ctx.con
    ctx.q.from_select(
        "SELECT line, item, 'data' AS field, 'field \"data\" is ' || left(json_extract(doc, '$.data')::VARCHAR, 80) "
        "|| ', expected an array of rows' AS reason, doc AS raw FROM _doc "
        "WHERE json_type(doc, '$.data') IS NOT NULL AND json_type(doc, '$.data') <> 'ARRAY'"
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _drow0 AS
        SELECT line, CASE WHEN idx IS NULL THEN page_item
                          ELSE row_number() OVER (PARTITION BY line, idx IS NULL ORDER BY page_item, idx) END AS item,
               idx, row, fields, units, dataset
        FROM (
            SELECT line, item AS page_item, generate_subscripts(elems, 1) AS idx, unnest(elems) AS row,
                   fields, units, dataset
            FROM (SELECT line, item, json_extract(doc, '$.data[*]') AS elems,
                         CASE json_type(doc, '$.meta.fields') WHEN 'OBJECT' THEN to_json(json_keys(doc, '$.meta.fields'))
                              WHEN 'ARRAY' THEN json_extract(doc, '$.meta.fields') END AS fields,
                         json_extract(doc, '$.meta.units') AS units,
                         json_extract_string(doc, '$.meta.dataset') AS dataset
                  FROM _doc WHERE json_type(doc, '$.data') = 'ARRAY')
            UNION ALL
            SELECT line, item, NULL, doc, NULL, NULL, NULL FROM _doc WHERE json_type(doc, '$.data') IS NULL
        )
        """
    )
    # item: a page row's position in its line's page (NDJSON) or across the document's pages;
    # a bare row keeps its array index
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _drow AS
        SELECT line, item, row, coalesce(fields, to_json(json_keys(row))) AS fields, units, dataset
        FROM _drow0 WHERE json_type(row) = 'OBJECT'
        """
    )
    ctx.q.from_select(
        "SELECT line, item, NULL AS field, 'data[' || idx || '] is a JSON ' || "
        "lower(json_type(row)) || ', expected an object' AS reason, row AS raw FROM _drow0 "
        "WHERE json_type(row) <> 'OBJECT'"
    )
    con.execute("DROP TABLE _drow0")


def _rows_from_csv(ctx: LoadContext) -> None:
    """``_drow`` from the staged CSV: one JSON object per row, export quotes removed."""
    con = ctx.con
    columns = [c[0] for c in con.execute("DESCRIBE _csv").fetchall() if c[0] != "line"]
    is_agg = any(re.match(_AGG, c.strip()) for c in columns)
    pairs = []
    for col in columns:
        name = col.strip() if is_agg else ALIASES.get(col.strip(), col.strip())
        value = f"regexp_replace({quote_ident(col)}, '^''([=+@-])', '\\1')"
        pairs.append(f"{quote_literal(name)}, {value}")
    fields = json.dumps([c.strip() for c in columns], separators=(",", ":"))
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _drow AS SELECT line, NULL::BIGINT AS item, "
        f"json_object({', '.join(pairs)}) AS row, $fields::JSON AS fields, NULL::JSON AS units, "
        "NULL::VARCHAR AS dataset FROM _csv",
        {"fields": fields},
    )


def load(ctx: LoadContext) -> LoadCounts:
    if ctx.head.shape == "csv":
        ctx.stage_csv()
        _rows_from_csv(ctx)
    else:
        ctx.stage_json()
        _rows_from_json(ctx)
    con = ctx.con
    con.execute(
        "ALTER TABLE _drow ADD COLUMN is_agg BOOLEAN; "
        "UPDATE _drow SET is_agg = coalesce(list_bool_or(list_transform(json_keys(row), "
        "lambda k: regexp_matches(k, $agg))), false)",
        {"agg": _AGG},
    )
    records = ctx.count("_drow") + ctx.q.count()  # rows, plus lines/pages/items rejected before any row existed
    params = {"file_id": ctx.file_id}
    loaded = insert_new(
        con,
        "sentry_discover_aggregates",
        "SELECT md5(CAST(fields AS VARCHAR) || chr(10) || CAST(row AS VARCHAR)) AS row_key, fields, row, units, "
        "$file_id AS file_id, line, item FROM _drow WHERE is_agg",
        ["row_key"], params, order="line, item",
    )
    aggregates = int(con.execute("SELECT count(*) FROM _drow WHERE is_agg").fetchall()[0][0])
    con.execute("CREATE OR REPLACE TEMP TABLE _dsrc AS SELECT line, item, row AS doc FROM _drow WHERE NOT is_agg")
    ctx.transform(SCHEMA, (), CHECKED, [_NEEDS_TIME], source="_dsrc", hints=HINTS)
    _derive(ctx)
    good = ctx.count("_dv") + aggregates
    common = (
        "event_id, ts, r.environment AS environment, r.release AS release, r.transaction AS transaction, "
        "coalesce(r.platform, r['platform.name']) AS platform, r.trace AS trace_id, 'discover' AS source, "
        f"{extra_json(SCHEMA)} AS extra, $file_id AS file_id, line, item"
    )
    loaded += insert_new(
        con,
        "sentry_transactions",
        f"""
        SELECT {common}, duration_ms, r['transaction.op'] AS op, r['transaction.status'] AS status,
               http_status, project, lcp, fcp, cls, inp, ttfb, fid
        FROM _dv WHERE NOT is_error
        """,
        ["event_id"], params, order="line, item",
    )
    loaded += insert_new(
        con,
        "sentry_errors",
        f"""
        SELECT {common}, coalesce(r['event.type'], 'error') AS event_type, r.level AS level,
               exc_type, exc_value, handled, mechanism, coalesce(r['issue.id'], r.issue) AS issue_id,
               r.title AS title, r.message AS message, r['user.id'] AS user_id, r['user.ip'] AS user_ip
        FROM _dv WHERE is_error
        """,
        ["event_id"], params, order="line, item",
    )
    for temp in ("_drow", "_dsrc", "_dv"):
        con.execute(f"DROP TABLE IF EXISTS {quote_ident(temp)}")
    return LoadCounts(records=records, loaded=loaded, duplicates=good - loaded)


def _last(j: str) -> str:
    """The last element of a JSON array, or the JSON string itself (Discover's error.* are arrays)."""
    return (
        f"CASE json_type({j}) WHEN 'ARRAY' THEN json_extract_string(json_extract({j}, '$[*]')[-1], '$') "
        f"ELSE json_extract_string({j}, '$') END"
    )


def _derive(ctx: LoadContext) -> None:
    """``_dv``: checked rows with their typed columns and dedupe key; bad ones quarantined."""
    def unit(field: str) -> str:
        return f"json_extract_string(d.units, {quote_literal('$.' + json.dumps(field))})"

    vitals = ",\n".join(
        f"r['measurements.{v}'] * " + ("1.0" if v == "cls" else unit_factor(unit(f"measurements.{v}"))) + f" AS {v}"
        for v in VITALS
    )
    unit_checks = ",\n".join(
        f"CASE WHEN r[{quote_literal(f)}] IS NOT NULL AND {unit_factor(unit(f))} IS NULL THEN "
        f"'field \"{f}\" has unit \"' || {unit(f)} || '\" in meta.units, expected a duration unit' END"
        for f in ("transaction.duration", *(f"measurements.{v}" for v in VITALS if v != "cls"))
    )
    # error.handled is one flag per exception ([1, 0]); any unhandled one makes the event unhandled
    any_is = (
        "list_bool_or(list_transform(json_extract(r['error.handled'], '$[*]'), "
        "lambda x: CAST(x AS VARCHAR) IN ({v})))"
    )
    unhandled, handled_ = any_is.format(v="'false', '0'"), any_is.format(v="'true', '1'")
    handled = (
        "CASE WHEN json_type(r['error.handled']) = 'ARRAY' THEN CASE "
        f"WHEN {unhandled} THEN false WHEN {handled_} THEN true END "
        "ELSE CASE lower(json_extract_string(r['error.handled'], '$')) WHEN 'true' THEN true WHEN '1' THEN true "
        "WHEN 'false' THEN false WHEN '0' THEN false END END"
    )
    ctx.con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _dv0 AS
            SELECT c.line, c.item, c.doc, c.r,
                   {time_expr('r.timestamp')} AS ts,
                   r['transaction.duration'] * {unit_factor(unit('transaction.duration'))} AS duration_ms,
                   try_cast(r['http.status_code'] AS INTEGER) AS http_status,
                   coalesce(r.project, r['project.name']) AS project,
                   {vitals},
                   CASE WHEN lower(r['event.type']) = 'transaction' THEN false
                        WHEN r['event.type'] IS NOT NULL THEN true
                        WHEN lower(d.dataset) = 'errors' THEN true
                        WHEN lower(d.dataset) = 'transactions' THEN false
                        WHEN r['transaction.duration'] IS NOT NULL OR r['transaction.op'] IS NOT NULL THEN false
                        ELSE r.title IS NOT NULL OR r.issue IS NOT NULL OR r['issue.id'] IS NOT NULL
                             OR r['error.type'] IS NOT NULL OR r.level IS NOT NULL END AS is_error,
                   {_last("r['error.type']")} AS exc_type,
                   {_last("r['error.value']")} AS exc_value,
                   {_last("r['error.mechanism']")} AS mechanism,
                   {handled} AS handled,
                   CAST(to_json({{'ts': ts, 'tx': r.transaction, 'd': duration_ms, 'op': r['transaction.op'],
                                 'st': r['transaction.status'], 'h': http_status, 'env': r.environment,
                                 'rel': r.release, 'p': project, 'tr': r.trace, 'lcp': lcp, 'fcp': fcp,
                                 'cls': cls, 'inp': inp, 'ttfb': ttfb, 'fid': fid, 'ti': r.title,
                                 'm': r.message, 'l': r.level, 'i': coalesce(r['issue.id'], r.issue),
                                 'et': exc_type, 'ev': exc_value}}) AS VARCHAR) AS canon,
                   coalesce(
                       CASE WHEN r.id IS NOT NULL AND NOT regexp_full_match(r.id, '[0-9a-fA-F]{{32}}')
                            THEN 'field "id" is "' || left(r.id, 80) || '", expected a 32-hex event id' END,
                       {time_reason('ts', 'r.timestamp', "'timestamp'")},
                       CASE WHEN duration_ms < 0 THEN 'field "transaction.duration" is negative' END,
                       {unit_checks}
                   ) AS reason
            FROM _chk c JOIN _drow d ON c.line IS NOT DISTINCT FROM d.line AND c.item IS NOT DISTINCT FROM d.item
        """
    )
    ctx.q.from_select(
        "SELECT line, item, regexp_extract(reason, 'field \"([^\"]+)\"', 1) AS field, reason, doc AS raw "
        "FROM _dv0 WHERE reason IS NOT NULL"
    )
    ctx.con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _dv AS
        SELECT *, CASE WHEN r.id IS NOT NULL THEN lower(r.id)
                       ELSE 'h:' || md5(canon || chr(31) || row_number() OVER (PARTITION BY canon ORDER BY line, item))
                  END AS event_id
        FROM _dv0 WHERE reason IS NULL
        """
    )
    ctx.con.execute("DROP TABLE _dv0")
