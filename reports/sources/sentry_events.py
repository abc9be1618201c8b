"""Sentry event payloads: issue events, project events, or full event JSON (NDJSON, arrays, documents).

Both shapes Sentry hands out are read: the stored event (the "JSON" link of an event: snake_case
keys, ``exception.values``, ``spans``, ``timestamp`` as float epoch seconds, tags as
``[["k", "v"]]``) and the API's event (``eventID``, ``dateCreated``, ``groupID``, tags as
``[{"key", "value"}]``, exceptions and spans inside ``entries[]``, ``release`` as an object,
environment and level only as tags).

``type = transaction`` (or, when ``type`` is missing, an event with spans or a start timestamp)
goes to ``sentry_transactions`` and its spans to ``sentry_spans``; every other event (``error``,
``default``, security reports; inferred ``error`` when it has an exception, message, title or
issue) goes to ``sentry_errors``. Both are deduplicated by ``event_id`` (32 hex, lower-cased,
dashes of a UUID form removed).

The helpers here (:func:`time_expr`, :func:`unit_factor`, :func:`tags_expr`) are shared by the
other Sentry sources.
"""

from __future__ import annotations

from reports.detect import Head
from reports.loading import LoadContext, LoadCounts, insert_new
from reports.sqltext import json_path, quote_literal
from reports.staging import extra_json

KIND = "sentry_events"
TITLE = "Sentry events (issue/project events, event JSON)"
PRIORITY = 35

_TRACE = {
    "trace_id": "VARCHAR", "span_id": "VARCHAR", "op": "VARCHAR", "status": "VARCHAR",
    "client_sample_rate": "DOUBLE", "data": "JSON",
}
SCHEMA = {
    "event_id": "VARCHAR", "eventID": "VARCHAR", "id": "VARCHAR",
    "timestamp": "JSON", "start_timestamp": "JSON", "startTimestamp": "JSON",
    "endTimestamp": "JSON", "dateCreated": "JSON",
    "type": "VARCHAR", "event.type": "VARCHAR", "level": "VARCHAR", "platform": "VARCHAR",
    "environment": "VARCHAR", "release": "JSON", "transaction": "VARCHAR", "tags": "JSON",
    "project": "VARCHAR", "projectID": "VARCHAR", "groupID": "VARCHAR", "title": "VARCHAR",
    "message": "JSON", "logentry": {"formatted": "VARCHAR", "message": "VARCHAR"},
    "metadata": {"type": "VARCHAR", "value": "VARCHAR", "title": "VARCHAR"},
    "exception": "JSON", "entries": [{"type": "VARCHAR", "data": "JSON"}], "spans": "JSON",
    "measurements": "JSON",
    "contexts": {"trace": _TRACE, "response": {"status_code": "VARCHAR"}},
    "user": {"id": "VARCHAR", "ip_address": "VARCHAR"},
}
CHECKED = ("entries",)
# keys fully represented by columns (or, for `user`, deliberately not kept beyond id and ip)
_KNOWN_KEYS = (
    "event_id", "eventID", "timestamp", "start_timestamp", "startTimestamp", "endTimestamp",
    "dateCreated", "type", "event.type", "level", "platform", "environment", "release",
    "transaction", "tags", "spans", "user", "project", "projectID", "groupID", "title", "message",
)
_SPAN_KNOWN = dict.fromkeys((
    "span_id", "spanId", "parent_span_id", "op", "description", "status", "start_timestamp",
    "startTimestamp", "timestamp", "endTimestamp", "exclusive_time", "trace_id",
))
VITALS = ("lcp", "fcp", "cls", "inp", "ttfb", "fid")
_EVENT_MARKERS = {"platform", "sdk", "contexts", "exception", "entries", "spans", "tags",
                  "groupID", "event.type", "level", "dateCreated"}
_DURATION_UNITS = (
    "CASE lower(coalesce({u}, '')) WHEN '' THEN 1.0 WHEN 'none' THEN 1.0 WHEN 'millisecond' THEN 1.0 "
    "WHEN 'nanosecond' THEN 1e-6 WHEN 'microsecond' THEN 1e-3 WHEN 'second' THEN 1000.0 "
    "WHEN 'minute' THEN 60000.0 WHEN 'hour' THEN 3600000.0 WHEN 'day' THEN 86400000.0 END"
)


def time_expr(j: str) -> str:
    """A JSON value holding an RFC 3339 string or epoch seconds (number or numeric string) as TIMESTAMPTZ."""
    text = f"json_extract_string({j}, '$')"
    number = f"CAST({j} AS DOUBLE)"
    seconds = "try(make_timestamptz(CAST(round(({x}) * 1000000) AS BIGINT)))"
    return (
        f"CASE json_type({j}) "
        f"WHEN 'VARCHAR' THEN coalesce(try_cast({text} AS TIMESTAMPTZ), "
        f"{seconds.format(x=f'try_cast({text} AS DOUBLE)')}) "
        f"WHEN 'DOUBLE' THEN {seconds.format(x=number)} "
        f"WHEN 'BIGINT' THEN {seconds.format(x=number)} "
        f"WHEN 'UBIGINT' THEN {seconds.format(x=number)} END"
    )


def time_reason(ts: str, raw: str, field: str) -> str:
    """Reason SQL for a present time field that is unreadable or outside [2000, 2100).

    ``field`` is an SQL expression giving the field's name.
    """
    return (
        f"CASE WHEN {ts} IS NULL THEN 'field \"' || {field} || '\" is ' || left(CAST({raw} AS VARCHAR), 80) || "
        "', expected an RFC 3339 time or epoch seconds' "
        f"WHEN {ts} < TIMESTAMPTZ '2000-01-01 00:00:00+00' OR {ts} >= TIMESTAMPTZ '2100-01-01 00:00:00+00' "
        f"THEN 'field \"' || {field} || '\" is ' || strftime({ts}, '%Y-%m-%d %H:%M:%S') || ' UTC, an impossible "
        "time (expected 2000..2099; Sentry sends epoch seconds, not milliseconds)' END"
    )


def unit_factor(unit: str) -> str:
    """SQL factor turning a value in ``unit`` (a Sentry duration unit name) into ms; NULL if unknown."""
    return _DURATION_UNITS.format(u=unit)


def tags_expr(t: str) -> str:
    """The tags JSON ``t`` (a map, a list of pairs or a list of {key, value}) as one {"k": "v"} map.

    The first value of a repeated key wins; entries without a key are dropped; an empty result is NULL.
    """
    pairs = (
        f"list_transform(json_extract({t}, '$[*]'), lambda e: {{'k': CASE json_type(e) "
        "WHEN 'ARRAY' THEN json_extract_string(e, '$[0]') ELSE json_extract_string(e, '$.key') END, "
        "'v': CASE json_type(e) WHEN 'ARRAY' THEN json_extract_string(e, '$[1]') "
        "ELSE json_extract_string(e, '$.value') END})"
    )
    listed = (
        f"to_json(map_from_entries(list_filter({pairs}, lambda p, i: p.k IS NOT NULL AND "
        f"list_position(list_transform({pairs}, lambda x: x.k), p.k) = i)))"
    )
    mapped = f"to_json(json_transform({t}, '\"MAP(VARCHAR, VARCHAR)\"'))"
    return (
        f"nullif(CASE json_type({t}) WHEN 'OBJECT' THEN {mapped} WHEN 'ARRAY' THEN {listed} END, "
        "'{}'::JSON)"
    )


def tag(tags: str, key: str) -> str:
    """SQL for the value of tag ``key`` in the normalised tags JSON ``tags``."""
    return f"json_extract_string({tags}, {quote_literal(json_path(key))})"


def sniff(head: Head) -> bool:
    first = head.first or {}
    ids = {"event_id", "eventID"}
    times = {"timestamp", "dateCreated", "endTimestamp", "start_timestamp", "startTimestamp"}
    if first:
        return bool(ids & first.keys()) and bool(times & first.keys()) and bool(_EVENT_MARKERS & first.keys())
    if bool(ids & head.keys) and bool(times & head.keys) and bool(_EVENT_MARKERS & head.keys):
        return True
    # a large pretty-printed API event: its keys come alphabetically, eventID after a long entries[]
    return head.has("dateCreated", "dateReceived", "entries")


def _derive(ctx: LoadContext) -> None:
    """``_ev``: each checked record with its derived fields and the reason it must be rejected, if any."""
    def unit_of(v: str) -> str:
        return f"json_extract_string(r.measurements, '$.{v}.unit')"

    entry = "list_filter(r.entries, lambda e: e.type = '{t}')[1].data"
    vitals = ",\n".join(
        f"try_cast(json_extract_string(r.measurements, '$.{v}.value') AS DOUBLE) * "
        + ("1.0" if v == "cls" else unit_factor(unit_of(v)))
        + f" AS {v}"
        for v in VITALS
    )
    unit_checks = ", ".join(
        f"CASE WHEN json_extract_string(r.measurements, '$.{v}.value') IS NOT NULL AND "
        f"{unit_factor(unit_of(v))} IS NULL THEN 'field \"measurements.{v}.unit\" is \"' || "
        f"{unit_of(v)} || '\", expected a duration unit (millisecond, second, ...)' END"
        for v in VITALS if v != "cls"
    )
    ctx.con.execute("DROP TABLE IF EXISTS _ev")
    ctx.con.execute(
        f"""
        CREATE TEMP TABLE _ev AS
        SELECT line, item, doc, r,
               coalesce(r.event_id, r.eventID,
                        CASE WHEN regexp_full_match(r.id, '[0-9a-fA-F]{{32}}') THEN r.id END) AS id_raw,
               lower(replace(id_raw, '-', '')) AS event_id,
               CASE WHEN r.timestamp IS NOT NULL THEN 'timestamp'
                    WHEN r.endTimestamp IS NOT NULL THEN 'endTimestamp'
                    WHEN r.dateCreated IS NOT NULL THEN 'dateCreated' END AS ts_field,
               coalesce(r.timestamp, r.endTimestamp, r.dateCreated) AS ts_raw,
               {time_expr('ts_raw')} AS ts,
               CASE WHEN r.start_timestamp IS NOT NULL THEN 'start_timestamp'
                    WHEN r.startTimestamp IS NOT NULL THEN 'startTimestamp' END AS start_field,
               coalesce(r.start_timestamp, r.startTimestamp) AS start_raw,
               {time_expr('start_raw')} AS start_ts,
               CASE json_type(r.exception) WHEN 'OBJECT' THEN json_extract(r.exception, '$.values')
                    WHEN 'ARRAY' THEN r.exception
                    ELSE json_extract({entry.format(t='exception')}, '$.values') END AS exc_json,
               coalesce(r.spans, {entry.format(t='spans')}) AS spans_json,
               coalesce(r.type, r['event.type'],
                        CASE WHEN spans_json IS NOT NULL OR start_raw IS NOT NULL THEN 'transaction'
                             WHEN exc_json IS NOT NULL OR r.message IS NOT NULL OR r.logentry IS NOT NULL
                                  OR r.title IS NOT NULL OR r.groupID IS NOT NULL OR r.metadata IS NOT NULL
                             THEN 'error' END) AS etype,
               {tags_expr('r.tags')} AS tags,
               CASE json_type(r.release) WHEN 'OBJECT' THEN json_extract_string(r.release, '$.version')
                    WHEN 'VARCHAR' THEN json_extract_string(r.release, '$') END AS release_str,
               {vitals},
               coalesce(
                   CASE WHEN id_raw IS NULL THEN 'missing required field "event_id"'
                        WHEN NOT regexp_full_match(event_id, '[0-9a-f]{{32}}')
                        THEN 'field "event_id" is "' || left(id_raw, 80) || '", expected 32 hex digits' END,
                   CASE WHEN ts_field IS NULL THEN 'missing required field "timestamp"' END,
                   {time_reason('ts', 'ts_raw', 'ts_field')},
                   CASE WHEN etype IS NULL THEN 'field "type" is missing and the event has neither '
                        || 'exception/message nor spans/start_timestamp: cannot tell an error from a transaction' END,
                   CASE WHEN start_raw IS NOT NULL THEN
                        {time_reason('start_ts', 'start_raw', 'start_field')} END,
                   CASE WHEN start_ts > ts THEN 'field "' || start_field || '" is after "' || ts_field
                        || '": a transaction cannot end before it starts' END,
                   CASE WHEN r.tags IS NOT NULL AND json_type(r.tags) NOT IN ('OBJECT', 'ARRAY')
                        THEN 'field "tags" is ' || left(CAST(r.tags AS VARCHAR), 80)
                        || ', expected a map, a list of [key, value] pairs or a list of {{key, value}}' END,
                   CASE WHEN spans_json IS NOT NULL AND json_type(spans_json) <> 'ARRAY'
                        THEN 'field "spans" is ' || left(CAST(spans_json AS VARCHAR), 80) || ', expected an array' END,
                   CASE WHEN r.measurements IS NOT NULL AND json_type(r.measurements) <> 'OBJECT'
                        THEN 'field "measurements" is ' || left(CAST(r.measurements AS VARCHAR), 80)
                        || ', expected an object' END,
                   {unit_checks}
               ) AS reason
        FROM _chk
        """
    )
    ctx.q.from_select(
        "SELECT line, item, regexp_extract(reason, 'field \"([^\"]+)\"', 1) AS field, reason, doc AS raw "
        "FROM _ev WHERE reason IS NOT NULL"
    )
    ctx.con.execute("DELETE FROM _ev WHERE reason IS NOT NULL")


def load(ctx: LoadContext) -> LoadCounts:
    staged = ctx.stage_json()
    ctx.transform(SCHEMA, checked=CHECKED)
    _derive(ctx)
    good = ctx.count("_ev")
    params = {"file_id": ctx.file_id}
    extra = extra_json(dict.fromkeys(_KNOWN_KEYS))
    common = (
        "event_id, ts, r.platform AS platform, "
        f"coalesce(r.environment, {tag('tags', 'environment')}) AS environment, "
        f"coalesce(release_str, {tag('tags', 'release')}) AS release, "
        f"coalesce(r.transaction, {tag('tags', 'transaction')}) AS transaction, "
        "r.contexts.trace.trace_id AS trace_id, tags, 'event' AS source, "
        f"{extra} AS extra, $file_id AS file_id, line, item"
    )
    http_status = (
        f"try_cast(coalesce({tag('tags', 'http.status_code')}, r.contexts.response.status_code, "
        "json_extract_string(r.contexts.trace.data, '$.\"http.response.status_code\"'), "
        "json_extract_string(r.contexts.trace.data, '$.\"http.status_code\"')) AS INTEGER)"
    )
    loaded = insert_new(
        ctx.con,
        "sentry_transactions",
        f"""
        SELECT {common}, start_ts,
               CASE WHEN start_ts IS NOT NULL THEN (epoch_us(ts) - epoch_us(start_ts)) / 1000.0 END AS duration_ms,
               coalesce(r.contexts.trace.op, {tag('tags', 'transaction.op')}) AS op,
               coalesce(r.contexts.trace.status, {tag('tags', 'transaction.status')}) AS status,
               {http_status} AS http_status,
               coalesce(r.project, r.projectID) AS project,
               lcp, fcp, cls, inp, ttfb, fid,
               coalesce(r.contexts.trace.client_sample_rate,
                        try_cast(json_extract_string(r.measurements, '$.client_sample_rate.value') AS DOUBLE))
                   AS sample_rate
        FROM _ev WHERE etype = 'transaction'
        """,
        ["event_id"], params, order="line, item",
    )
    _load_spans(ctx, new_transactions=loaded)
    last = "json_extract(exc_json, '$[*]')[-1]"
    handled_any = (
        "list_bool_or(list_transform(json_extract(exc_json, '$[*]'), "
        "lambda x: json_extract_string(x, '$.mechanism.handled') = '{v}'))"
    )
    loaded += insert_new(
        ctx.con,
        "sentry_errors",
        f"""
        SELECT {common}, etype AS event_type,
               coalesce(r.level, {tag('tags', 'level')}) AS level,
               coalesce(json_extract_string({last}, '$.type'), r.metadata.type) AS exc_type,
               coalesce(json_extract_string({last}, '$.value'), r.metadata.value) AS exc_value,
               CASE WHEN {handled_any.format(v='false')} THEN false
                    WHEN {handled_any.format(v='true')} THEN true
                    ELSE CASE lower({tag('tags', 'handled')}) WHEN 'yes' THEN true WHEN 'no' THEN false END
               END AS handled,
               json_extract_string({last}, '$.mechanism.type') AS mechanism,
               r.groupID AS issue_id,
               coalesce(r.title, r.metadata.title,
                        json_extract_string({last}, '$.type') || coalesce(': ' || json_extract_string({last}, '$.value'), ''),
                        CASE json_type(r.message) WHEN 'VARCHAR' THEN json_extract_string(r.message, '$') END,
                        r.logentry.formatted) AS title,
               coalesce(CASE json_type(r.message) WHEN 'VARCHAR' THEN json_extract_string(r.message, '$')
                             WHEN 'OBJECT' THEN coalesce(json_extract_string(r.message, '$.formatted'),
                                                         json_extract_string(r.message, '$.message')) END,
                        r.logentry.formatted, r.logentry.message) AS message,
               r.user.id AS user_id, r.user.ip_address AS user_ip
        FROM _ev WHERE etype <> 'transaction'
        """,
        ["event_id"], params, order="line, item",
    )
    ctx.con.execute("DROP TABLE IF EXISTS _ev")
    return LoadCounts(records=staged.records, loaded=loaded, duplicates=good - loaded)


def _load_spans(ctx: LoadContext, new_transactions: int) -> None:
    """The spans of the file's transactions, each with its stored transaction's time and environment.

    ``db_first`` marks the first DB span per (transaction, description) (migration 0002). It is
    computed on the batch after it is deduplicated (a span id repeated in a payload keeps its
    first occurrence, as insert_new does). That is the stored truth when
    every transaction of the file was new (``new_transactions`` of them) and none repeats in it,
    the usual case. Otherwise the marks are re-derived over the stored spans of the transactions
    that were already stored (a payload loaded before, or a Discover row) or repeat in the file.
    """
    span_time = "coalesce(json_extract(s, '$.{a}'), json_extract(s, '$.{b}'))"
    start = time_expr(span_time.format(a="start_timestamp", b="startTimestamp"))
    end = time_expr(span_time.format(a="timestamp", b="endTimestamp"))
    insert_new(
        ctx.con,
        "sentry_spans",
        f"""
        SELECT x.event_id, coalesce(x.span_id, '#' || span_index) AS span_key, x.span_id, span_index,
               json_extract_string(s, '$.parent_span_id') AS parent_span_id,
               x.op, x.description,
               json_extract_string(s, '$.status') AS status,
               {start} AS start_ts, {end} AS end_ts,
               (epoch_us(end_ts) - epoch_us(start_ts)) / 1000.0 AS duration_ms,
               try_cast(json_extract_string(s, '$.exclusive_time') AS DOUBLE) AS exclusive_time_ms,
               {extra_json(_SPAN_KNOWN, "s")} AS extra,
               tx_ts, tx_environment,
               CASE WHEN starts_with(x.op, 'db') THEN row_number() OVER (
                   PARTITION BY x.event_id, starts_with(x.op, 'db'), x.description
                   ORDER BY x.line, x.item, span_index) = 1 END AS db_first,
               $file_id AS file_id, x.line, x.item
        FROM (
            SELECT event_id, line, item, s, span_index,
                   coalesce(json_extract_string(s, '$.span_id'), json_extract_string(s, '$.spanId')) AS span_id,
                   json_extract_string(s, '$.op') AS op, json_extract_string(s, '$.description') AS description
            FROM (SELECT event_id, line, item, unnest(json_extract(spans_json, '$[*]')) AS s,
                         generate_subscripts(json_extract(spans_json, '$[*]'), 1) AS span_index
                  FROM _ev WHERE etype = 'transaction' AND json_type(spans_json) = 'ARRAY')
            WHERE json_type(s) = 'OBJECT'
            -- the spans insert_new keeps (first per key), so that db_first is marked among them
            QUALIFY row_number() OVER (PARTITION BY event_id, coalesce(span_id, '#' || span_index)
                                       ORDER BY line, item, span_index) = 1
        ) x
        -- only these two columns of the transaction: its other columns would shadow the aliases above
        LEFT JOIN (SELECT event_id, ts AS tx_ts, environment AS tx_environment FROM sentry_transactions) tx
               ON tx.event_id = x.event_id
        """,
        ["event_id", "span_key"], {"file_id": ctx.file_id}, order="line, item, span_index",
    )
    in_file = ctx.con.execute("SELECT count(*) FROM _ev WHERE etype = 'transaction'").fetchall()[0][0]
    if new_transactions == in_file:
        return
    ctx.con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _span_fix AS
        SELECT event_id FROM _ev WHERE etype = 'transaction' GROUP BY event_id HAVING count(*) > 1
        UNION
        SELECT event_id FROM sentry_transactions
        WHERE file_id <> $file_id AND event_id IN (SELECT event_id FROM _ev WHERE etype = 'transaction')
        """,
        {"file_id": ctx.file_id},
    )
    ctx.con.execute(
        """
        UPDATE sentry_spans s SET db_first = f.first
        FROM (
            SELECT event_id, span_key,
                   row_number() OVER (PARTITION BY event_id, description
                                      ORDER BY file_id, line, item, span_index) = 1 AS first
            FROM sentry_spans
            WHERE starts_with(op, 'db') AND event_id IN (SELECT event_id FROM _span_fix)
        ) f
        WHERE f.event_id = s.event_id AND f.span_key = s.span_key AND s.db_first IS DISTINCT FROM f.first
        """
    )
    ctx.con.execute("DROP TABLE _span_fix")

