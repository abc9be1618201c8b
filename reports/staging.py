"""Reading one file into temporary tables, set-based, with every bad record quarantined.

The readers are DuckDB's own (``read_csv`` for lines and CSV, ``read_json_objects`` for JSON
documents); Python only steps in to salvage a file DuckDB refuses as a whole (a truncated gzip
stream, a malformed JSON array), streaming what can be read to a temporary file.

Staged tables, replaced for each file:

- ``_doc(line, item, doc)``: one JSON object per record. ``line`` is the 1-based line of an
  NDJSON file (``NULL`` inside a JSON document); ``item`` the 1-based index in an array.
- ``_csv(line, <header columns as VARCHAR>)``: one row per CSV record.
- ``_chk``: ``_doc`` plus ``r`` (the record transformed to a typed struct) for the records that
  passed every check; the others are in ``quarantine``.
"""

from __future__ import annotations

import json
import os
import tempfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from reports.sqltext import json_path, quote_ident, quote_literal

RAW_LIMIT = 4096
MAX_LINE_BYTES = 256 * 1024 * 1024
_LINE_READER = (
    "read_csv($path, columns = {'line': 'VARCHAR'}, delim = '\x1f', quote = '', escape = '', "
    "header = false, auto_detect = false, strict_mode = false, null_padding = false, "
    f"max_line_size = {MAX_LINE_BYTES}, buffer_size = {2 * MAX_LINE_BYTES}, "
    "compression = $compression, ignore_errors = true, store_rejects = true, "
    "rejects_table = '_rejects', rejects_scan = '_rejects_scan')"
)


@dataclass
class Staged:
    """What staging found: records read and file-level notes."""

    records: int = 0
    rejected: int = 0
    notes: list[str] = field(default_factory=list)


def _temp_objects(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Temp tables and views by name → 'TABLE' or 'VIEW' (one catalog query)."""
    rows = con.execute(
        "SELECT table_name, 'TABLE' FROM duckdb_tables() WHERE temporary "
        "UNION ALL SELECT view_name, 'VIEW' FROM duckdb_views() WHERE temporary"
    ).fetchall()
    return {name: kind for name, kind in rows}


def _drop(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    """Drop temp tables or views by name, whichever each is (views first, since they depend on tables)."""
    existing = _temp_objects(con)
    for kind in ("VIEW", "TABLE"):
        for name in names:
            if existing.get(name) == kind:
                con.execute(f"DROP {kind} {quote_ident(name)}")


def drop_staged(con: duckdb.DuckDBPyConnection) -> None:
    """Drop every staging table and view."""
    _drop(con, *_STAGED_LINES, "_arrays", "_csv", "_q", "_docs_raw", "_salv", "_csv_raw")


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def salvage_gzip(path: Path, workdir: Path) -> tuple[Path, str | None]:
    """Stream-decompress what can be read of a gzip file; return the plain copy and a note.

    zlib's streaming decoder yields every byte before the damage (``gzip.open`` would raise
    before returning the last buffer); multi-member files (``cat a.gz b.gz``) are followed.
    """
    out = workdir / (path.name.removesuffix(".gz") + ".salvaged")
    problem = None
    decoder = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    pending = False  # the current member has started but not ended
    with open(path, "rb") as src, open(out, "wb") as dst:
        try:
            while chunk := src.read(1 << 20):
                while chunk:
                    pending = True
                    dst.write(decoder.decompress(chunk))
                    if decoder.eof:  # a member ended: the rest may be another member
                        chunk, pending = decoder.unused_data, False
                        decoder = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
                    else:
                        chunk = b""
            dst.write(decoder.flush())
            if pending:
                problem = "the gzip stream is truncated; records after the cut are lost"
        except zlib.error as exc:
            problem = f"the gzip stream is damaged ({exc}); records after the damage are lost"
    return out, problem


class Quarantine:
    """Collects one file's rejected records in the temp table ``_q``.

    Staging runs before the file's transaction (so a reader error can be salvaged), so rejects
    are held in ``_q`` and moved into ``quarantine`` by :meth:`flush` inside the transaction.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, file_id: int, path: str, kind: str):
        self.con, self.file_id, self.path, self.kind = con, file_id, path, kind
        con.execute("CREATE OR REPLACE TEMP TABLE _q AS SELECT * FROM quarantine LIMIT 0")

    def file_problem(self, reason: str, raw: str | None = None) -> None:
        """A problem with the file as a whole (no record to blame)."""
        self.con.execute(
            "INSERT INTO _q VALUES ($f, $p, $k, NULL, NULL, NULL, $r, left($raw, $n), strlen($raw))",
            {"f": self.file_id, "p": self.path, "k": self.kind, "r": reason, "raw": raw, "n": RAW_LIMIT},
        )

    def from_select(self, select_sql: str, params: Mapping[str, Any] | None = None) -> int:
        """Quarantine rows of ``select_sql`` (columns: line, item, field, reason, raw)."""
        sql = (
            "INSERT INTO _q SELECT $f, $p, $k, line, item, field, reason, "
            f"left(raw, {RAW_LIMIT}), strlen(raw) FROM ({select_sql})"
        )
        args = {"f": self.file_id, "p": self.path, "k": self.kind, **(params or {})}
        return int(self.con.execute(sql, args).fetchall()[0][0])  # DuckDB answers an INSERT with its count

    def count(self) -> int:
        return int(self.con.execute("SELECT count(*) FROM _q").fetchall()[0][0])

    def flush(self) -> int:
        """Move the collected rejects into ``quarantine``; return how many."""
        n = self.count()
        self.con.execute("INSERT INTO quarantine SELECT * FROM _q")
        self.con.execute("DELETE FROM _q")
        return n


def _rejected_lines(con: duckdb.DuckDBPyConnection, q: Quarantine) -> int:
    """Move DuckDB's CSV rejects (bad encoding, over-long lines) into the quarantine."""
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = '_rejects'").fetchall()[0][0]
    if not exists:
        return 0
    # DuckDB may report several errors for one line (e.g. each missing column): one record each
    return q.from_select(
        "SELECT line, NULL AS item, NULL AS field, 'unreadable line: ' || "
        "arg_min(error_message, coalesce(column_idx, 0)) AS reason, any_value(csv_line) AS raw "
        "FROM _rejects GROUP BY line"
    )


def _line_numbers(con: duckdb.DuckDBPyConnection) -> str:
    """SQL for the physical line of good row ``n`` when DuckDB dropped rejected lines before it."""
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = '_rejects'").fetchall()[0][0]
    if not exists or not con.execute("SELECT count(*) FROM _rejects").fetchall()[0][0]:
        return "n"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _reject_gaps AS SELECT line - row_number() OVER (ORDER BY line) AS good_before "
        "FROM (SELECT DISTINCT line FROM _rejects)"
    )
    return "n + (SELECT count(*) FROM _reject_gaps g WHERE g.good_before < n)"


def stage_lines(con: duckdb.DuckDBPyConnection, data: Path, q: Quarantine, compression: str) -> Staged:
    """NDJSON (a JSON value per line; arrays per line are unnested) into the view ``_doc``.

    The line text is materialised once (``_lines``); ``_doc`` is a view over it, so large
    files are not copied again.
    """
    drop_staged_lines(con)
    con.execute(
        f"CREATE TEMP TABLE _raw_lines AS SELECT row_number() OVER () AS n, line FROM {_LINE_READER}",
        {"path": str(data), "compression": compression},
    )
    staged = Staged()
    staged.rejected += _rejected_lines(con, q)
    line_expr = _line_numbers(con)
    if line_expr == "n":
        con.execute("ALTER TABLE _raw_lines RENAME TO _lines")
    else:
        con.execute(f"CREATE TEMP TABLE _lines AS SELECT {line_expr} AS n, line FROM _raw_lines")
        _drop(con, "_raw_lines")
    # one cheap pass (json_valid does not build values) finds what is not a JSON object or array
    first = "coalesce(nullif(line[1], ' '), ltrim(line)[1])"
    con.execute(
        f"CREATE TEMP TABLE _bad AS SELECT n, line, trim(line) = '' AS blank FROM _lines "
        f"WHERE line IS NOT NULL AND (NOT json_valid(line) OR {first} NOT IN ('{{', '['))"
    )
    staged.rejected += q.from_select(
        "SELECT n AS line, NULL AS item, NULL AS field, "
        f"CASE WHEN NOT json_valid(line) THEN 'not valid JSON' "
        f"ELSE {type_words('json_type(line)')} || ', expected a JSON object' END AS reason, line AS raw "
        "FROM _bad WHERE NOT blank"
    )
    good = "line IS NOT NULL AND n NOT IN (SELECT n FROM _bad)"
    has_arrays = con.execute(f"SELECT count(*) FROM _lines WHERE {first} = '[' AND {good}").fetchall()[0][0]
    objects = f"SELECT n AS line, NULL::BIGINT AS item, line AS doc FROM _lines WHERE {first} = '{{' AND {good}"
    if has_arrays:
        con.execute(
            "CREATE TEMP TABLE _lines_arr AS SELECT n AS line, 'ARRAY' AS jtype, line AS text FROM _lines "
            f"WHERE {first} = '[' AND {good}"
        )
        _unnest_into_doc(con, q, staged, "_lines_arr", "line")
        con.execute(f"CREATE TEMP VIEW _doc AS {objects} UNION ALL SELECT line, item, doc FROM _arrays_ok")
    else:
        con.execute(f"CREATE TEMP VIEW _doc AS {objects}")
    counts = con.execute(
        "SELECT (SELECT count(line) FROM _lines) - (SELECT count(*) FROM _bad) "
        "+ coalesce((SELECT count(*) FROM _arrays_ok), 0) - (SELECT count(*) FROM _lines_arr)"
        if has_arrays else
        "SELECT (SELECT count(line) FROM _lines) - (SELECT count(*) FROM _bad)"
    ).fetchall()[0][0]
    staged.records = staged.rejected + int(counts)
    return staged


_STAGED_LINES = ("_chk", "_doc", "_typed", "_arrays_ok", "_lines_arr", "_bad", "_lines", "_raw_lines",
                 "_rejects", "_rejects_scan", "_reject_gaps")


def drop_staged_lines(con: duckdb.DuckDBPyConnection) -> None:
    _drop(con, *_STAGED_LINES)


def _unnest_into_doc(con: duckdb.DuckDBPyConnection, q: Quarantine, staged: Staged, table: str, line: str) -> None:
    """Unnest the ARRAY rows of ``table`` (line, jtype, text) into ``_arrays_ok``; quarantine non-objects."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _arrays AS
        SELECT {line} AS line, generate_subscripts(elems, 1) AS item, unnest(elems) AS doc
        FROM (SELECT {line}, json_extract(text, '$[*]')::VARCHAR[] AS elems FROM {table} WHERE jtype = 'ARRAY')
        """
    )
    staged.rejected += q.from_select(
        f"SELECT line, item, NULL AS field, 'array element is ' || {type_words('json_type(doc)')} || "
        "', expected a JSON object' AS reason, doc AS raw FROM _arrays WHERE json_type(doc) <> 'OBJECT'"
    )
    con.execute("CREATE OR REPLACE TEMP TABLE _arrays_ok AS SELECT line, item, doc FROM _arrays "
                "WHERE json_type(doc) = 'OBJECT'")
    _drop(con, "_arrays")


def stage_document(
    con: duckdb.DuckDBPyConnection, data: Path, q: Quarantine, compression: str, workdir: Path
) -> Staged:
    """A (pretty-printed) JSON document, or several, into ``_doc``; top-level arrays unnested."""
    _drop(con, "_chk", "_doc", "_docs_raw")
    try:
        con.execute(
            "CREATE TEMP TABLE _docs_raw AS SELECT NULL::BIGINT AS line, json AS text, json_type(json) AS jtype "
            "FROM read_json_objects($path, format = 'unstructured', compression = $compression, "
            f"maximum_object_size = {MAX_LINE_BYTES})",
            {"path": str(data), "compression": compression},
        )
    except duckdb.Error as exc:
        return _salvage_document(con, data, q, workdir, exc)
    staged = Staged()
    staged.rejected += q.from_select(
        f"SELECT NULL AS line, NULL AS item, NULL AS field, {type_words('jtype')} || "
        "', expected a JSON object or array' AS reason, text AS raw FROM _docs_raw "
        "WHERE jtype NOT IN ('OBJECT', 'ARRAY')"
    )
    _unnest_into_doc(con, q, staged, "_docs_raw", "line")
    con.execute(
        "CREATE TEMP TABLE _doc AS SELECT line, NULL::BIGINT AS item, text AS doc FROM _docs_raw "
        "WHERE jtype = 'OBJECT' UNION ALL SELECT line, item, doc FROM _arrays_ok"
    )
    _drop(con, "_docs_raw", "_arrays_ok")
    staged.records = staged.rejected + int(con.execute("SELECT count(*) FROM _doc").fetchall()[0][0])
    return staged


def _salvage_document(
    con: duckdb.DuckDBPyConnection, data: Path, q: Quarantine, workdir: Path, exc: Exception
) -> Staged:
    """Recover the well-formed elements of a malformed JSON array; quarantine the rest."""
    text = data.read_bytes().decode("utf-8-sig", errors="replace")
    decoder = json.JSONDecoder()
    pos = len(text) - len(text.lstrip())
    staged = Staged()
    message = str(exc).split("\n")[0]
    if not text.startswith("[", pos):
        q.file_problem(f"not valid JSON: {message}", text[:RAW_LIMIT])
        staged.rejected = staged.records = 1
        staged.notes.append("the file is not valid JSON")
        _drop(con, "_chk", "_doc")
        con.execute("CREATE TEMP TABLE _doc (line BIGINT, item BIGINT, doc VARCHAR)")
        return staged
    pos += 1
    out = workdir / "salvaged.ndjson"
    item = 0
    with open(out, "w", encoding="utf-8") as handle:
        while True:
            while pos < len(text) and text[pos] in " \t\r\n,":
                pos += 1
            if pos >= len(text) or text[pos] == "]":
                break
            item += 1
            try:
                value, end = decoder.raw_decode(text, pos)
            except json.JSONDecodeError as err:
                q.from_select(
                    "SELECT NULL AS line, $item AS item, NULL AS field, $reason AS reason, $raw AS raw",
                    {"item": item, "reason": f"malformed JSON at byte {err.pos}: {err.msg}; "
                     "this and the rest of the array could not be read", "raw": text[pos:pos + RAW_LIMIT]},
                )
                staged.rejected += 1
                staged.notes.append(f"the JSON array is malformed after item {item - 1}")
                break
            handle.write(json.dumps({"i": item, "v": value}) + "\n")
            pos = end
    _drop(con, "_chk", "_doc", "_salv")
    con.execute(
        "CREATE TEMP TABLE _salv AS SELECT NULL::BIGINT AS line, (j->>'i')::BIGINT AS item, (j->'v')::VARCHAR AS text "
        "FROM read_json_objects($p, format = 'newline_delimited') t(j)",
        {"p": str(out)},
    )
    staged.rejected += q.from_select(
        f"SELECT line, item, NULL AS field, 'array element is ' || {type_words('json_type(text)')} || "
        "', expected a JSON object' AS reason, text AS raw FROM _salv WHERE json_type(text) <> 'OBJECT'"
    )
    con.execute("CREATE TEMP TABLE _doc AS SELECT line, item, text AS doc FROM _salv WHERE json_type(text) = 'OBJECT'")
    _drop(con, "_salv")
    staged.records = staged.rejected + int(con.execute("SELECT count(*) FROM _doc").fetchall()[0][0])
    return staged


def stage_csv(con: duckdb.DuckDBPyConnection, data: Path, q: Quarantine, compression: str) -> Staged:
    """A CSV file with a header row into ``_csv``: every column VARCHAR, plus ``line``.

    The RFC 4180 quoting is pinned (``"`` quotes, ``""`` escapes): with ``strict_mode = false``
    DuckDB's sniffer would otherwise pick "no escape", leave ``""`` doubled and cut a quoted
    cell holding ``"",`` (a Supabase jsonb cell), shifting the columns after it.
    """
    _drop(con, "_chk", "_rejects", "_rejects_scan", "_csv_raw", "_csv")
    con.execute(
        "CREATE TEMP TABLE _csv_raw AS SELECT row_number() OVER () AS n, * FROM read_csv($path, header = true, "
        "all_varchar = true, compression = $compression, quote = '\"', escape = '\"', "
        "ignore_errors = true, store_rejects = true, "
        "rejects_table = '_rejects', rejects_scan = '_rejects_scan', strict_mode = false, "
        f"max_line_size = {MAX_LINE_BYTES}, buffer_size = {2 * MAX_LINE_BYTES}, sample_size = -1)",
        {"path": str(data), "compression": compression},
    )
    staged = Staged()
    staged.rejected += _rejected_lines(con, q)
    line_expr = _line_numbers(con)
    # +1: the header is line 1 (DuckDB counts it in _rejects.line, not in n)
    con.execute(f"CREATE TEMP TABLE _csv AS SELECT ({line_expr}) + 1 AS line, * EXCLUDE (n) FROM _csv_raw")
    _drop(con, "_csv_raw")
    staged.records = staged.rejected + int(con.execute("SELECT count(*) FROM _csv").fetchall()[0][0])
    return staged


def csv_to_doc(con: duckdb.DuckDBPyConnection) -> None:
    """Turn staged ``_csv`` rows into ``_doc`` JSON objects of strings; an empty cell is null."""
    columns = [row[0] for row in con.execute("DESCRIBE _csv").fetchall()][1:]  # [0] is line
    fields = ", ".join(f"{quote_ident(c)} := nullif({quote_ident(c)}, '')" for c in columns)
    body = f"to_json(struct_pack({fields}))::VARCHAR" if columns else "'{}'"
    _drop(con, "_chk", "_doc")
    con.execute(f"CREATE TEMP TABLE _doc AS SELECT line, NULL::BIGINT AS item, {body} AS doc FROM _csv")
    _drop(con, "_csv")


def _type_name(spec: Any) -> str:
    if isinstance(spec, str):
        return {"BIGINT": "an integer", "DOUBLE": "a number", "VARCHAR": "a string", "BOOLEAN": "true or false",
                "JSON": "any JSON value"}.get(spec, spec.lower())
    return "an array" if isinstance(spec, list) else "an object"


def type_words(json_type_sql: str) -> str:
    """SQL naming a DuckDB ``json_type`` result in words: 'a string', 'an integer', ..."""
    return (
        f"CASE {json_type_sql} WHEN 'VARCHAR' THEN 'a string' WHEN 'BIGINT' THEN 'an integer' "
        "WHEN 'UBIGINT' THEN 'an integer' WHEN 'DOUBLE' THEN 'a number' WHEN 'BOOLEAN' THEN 'a boolean' "
        "WHEN 'OBJECT' THEN 'an object' WHEN 'ARRAY' THEN 'an array' WHEN 'NULL' THEN 'null' "
        f"ELSE lower({json_type_sql}) END"
    )


_JSON_TYPE_WORDS = type_words("json_type(doc, $path)")


def _hint(hints: Mapping[str, str] | None, name: str) -> str:
    text = (hints or {}).get(name)
    return "; " + text.replace("'", "''") if text else ""


def _lookup(schema: Mapping[str, Any], dotted: str) -> tuple[list[str], Any]:
    keys = dotted.split("|")  # nested keys are separated by '|' because Vercel keys contain dots
    spec: Any = schema
    for key in keys:
        spec = spec[key]
    return keys, spec


def transform(
    con: duckdb.DuckDBPyConnection,
    q: Quarantine,
    schema: Mapping[str, Any],
    required: Sequence[str] = (),
    checked: Sequence[str] = (),
    extra_checks: Sequence[str] = (),
    source: str = "_doc",
    hints: Mapping[str, str] | None = None,
) -> int:
    """Type each record of ``source`` by ``schema`` into ``_chk``; quarantine the failures.

    ``required`` fields must be present and of their type; ``checked`` fields may be absent but,
    when present, must have their type. Nested fields are written ``proxy|statusCode``.
    ``extra_checks`` are SQL expressions over ``r`` and ``doc`` giving a reason or NULL.
    Returns the number of records quarantined.
    """
    cases = []
    for name in list(required) + list(checked):
        keys, spec = _lookup(schema, name)
        path = quote_literal(json_path(*keys))
        member = "r" + "".join(f"[{quote_literal(k)}]" for k in keys)
        shown = ".".join(keys)
        missing = quote_literal(f'missing required field "{shown}"') if name in required else "NULL"
        prefix = quote_literal(f'field "{shown}" is ')
        present = f"{member} IS NOT NULL"
        if isinstance(spec, dict):
            # json_transform turns a non-object (e.g. "proxy": "GET /") into a struct of NULLs:
            # such a struct only passes when the field really is an (empty) object
            all_null = quote_literal(json.dumps(dict.fromkeys(spec), separators=(",", ":")))
            present = (f"{member} IS NOT NULL AND (to_json({member})::VARCHAR <> {all_null} "
                       f"OR json_type(doc, {path}) = 'OBJECT')")
        cases.append(
            f"CASE WHEN {present} THEN NULL "
            f"WHEN coalesce(json_type(doc, {path}), 'NULL') = 'NULL' THEN {missing} "
            f"ELSE {prefix} || left(json_extract(doc, {path})::VARCHAR, 80) || ' (' || "
            f"{_JSON_TYPE_WORDS.replace('$path', path)} || '), expected {_type_name(spec)}"
            f"{_hint(hints, name)}' END"
        )
    cases.extend(extra_checks)
    reason = "coalesce(" + ", ".join(cases) + ")" if len(cases) > 1 else (cases[0] if cases else "NULL")
    schema_json = quote_literal(json.dumps(schema))
    _drop(con, "_chk", "_typed")
    con.execute(
        f"CREATE TEMP TABLE _typed AS SELECT line, item, doc, r, {reason} AS reason "
        f"FROM (SELECT line, item, doc, json_transform(doc, {schema_json}) AS r FROM {quote_ident(source)})"
    )
    rejected = q.from_select(
        "SELECT line, item, regexp_extract(reason, 'field \"([^\"]+)\"', 1) AS field, reason, doc AS raw "
        "FROM _typed WHERE reason IS NOT NULL"
    )
    con.execute("CREATE TEMP VIEW _chk AS SELECT line, item, doc, r FROM _typed WHERE reason IS NULL")
    return rejected


def ts_check(expr: str, field_name: str) -> str:
    """An extra check: the instant ``expr`` must exist and lie in [2000, 2100)."""
    return (
        f"CASE WHEN {expr} IS NULL THEN 'field \"{field_name}\" is not a valid time' "
        f"WHEN {expr} < TIMESTAMPTZ '2000-01-01 00:00:00+00' OR {expr} >= TIMESTAMPTZ '2100-01-01 00:00:00+00' "
        f"THEN 'field \"{field_name}\" is ' || strftime({expr}, '%Y-%m-%d %H:%M:%S') || "
        f"' UTC, an impossible time (expected 2000..2099; seconds given where milliseconds are expected?)' END"
    )


def epoch_ms_expr(value: str) -> str:
    """Epoch milliseconds (BIGINT or DOUBLE) to TIMESTAMPTZ, NULL when out of range."""
    return f"try(make_timestamptz(CAST(round({value} * 1000) AS BIGINT)))"


def iso_expr(value: str) -> str:
    """An ISO 8601 string (with offset; no offset = UTC) to TIMESTAMPTZ, NULL when unparseable."""
    return f"try_cast({value} AS TIMESTAMPTZ)"


def extra_json(schema: Mapping[str, Any], doc: str = "doc") -> str:
    """SQL for the record's unknown top-level fields as a JSON object (NULL when there are none).

    ``json_keys`` is cheap next to ``json_merge_patch``, so the object is only built for the
    records that have unknown keys.
    """
    known = quote_literal(json.dumps({key: None for key in schema}))
    names = "[" + ", ".join(quote_literal(k) for k in schema) + "]"
    return (
        f"CASE WHEN len(list_filter(json_keys({doc}), lambda k: NOT list_contains({names}, k))) > 0 "
        f"THEN json_merge_patch({doc}, {known}) END"
    )


def temp_workdir(base: Path | None = None) -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="reports-ingest-", dir=base)


def compression_of(path: Path) -> str:
    return "gzip" if _is_gzip(path) else "none"


def file_size(path: Path) -> int:
    return os.stat(path).st_size
