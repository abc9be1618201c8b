"""The metric SQL files and the one small API that runs them.

Every metric of ``METRICS.md`` lives in ``reports/sql/<name>.sql`` and starts with a header::

    -- name:    latency_summary
    -- meaning: server response time of production requests over [$start, $end)
    -- formula: mean, p50/p90/p95/p99 by linear interpolation (quantile_cont)
    -- unit:    milliseconds
    -- grain:   one row
    -- time:    $start/$end are UTC instants cut in the report time zone by the caller
    -- source:  sentry_transactions (op = 'http.server'), maintenance windows excluded
    -- params:  $start TIMESTAMPTZ, $end TIMESTAMPTZ, $environment VARCHAR

:func:`run` binds exactly the declared parameters (values are always bound, never formatted
into SQL) and returns a DataFrame:

>>> run(con, "latency_summary", start=p.start, end=p.end, environment="production")  # doctest: +SKIP

A metric may name another metric as its ``input`` (header ``-- input: requests_rollup``) and read
its rows as a relation of that name; it then declares the input's parameters too. :func:`run`
builds the input into a temporary table first. On a reader the table is kept (a few per
connection), so the metrics of one page that read the same input share one pass over the data
(requests_summary, requests_by_route and requests_status_classes all count the same grouped
requests); on a writer it is built for the one query and dropped.

On a read-only connection (a reader's snapshot, which nothing can change while it is open) the
results are remembered per connection: a page or a report that asks for the same metric with the
same parameters twice (the SLA objectives and the Core Web Vitals tile both need the month's p75,
the overview's trend repeats this month's objectives) runs the query once. A read-write
connection never remembers anything.
"""

from __future__ import annotations

import itertools
import re
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import duckdb

from reports.errors import MetricError

if TYPE_CHECKING:
    import pandas as pd

_HEADER = re.compile(r"^--\s*(\w+):\s*(.*)$")
_PARAM = re.compile(r"\$(\w+)\s+(.+?)\s*(?=,\s*\$|$)")
REQUIRED_KEYS = ("name", "meaning", "formula", "unit", "grain", "time", "source", "params")


@dataclass(frozen=True)
class Metric:
    """One metric file: its header fields, declared parameters and SQL text."""

    name: str
    header: dict[str, str]
    params: dict[str, str]  # name -> SQL type
    sql: str
    inputs: tuple[str, ...] = ()  # metrics read as relations of the same name (header `input:`)
    used: frozenset[str] = frozenset()  # the params the SQL itself binds (the others feed its inputs)

    @property
    def meaning(self) -> str:
        return self.header["meaning"]

    @property
    def unit(self) -> str:
        return self.header["unit"]


def _parse(name: str, text: str) -> Metric:
    header: dict[str, str] = {}
    last = None
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        match = _HEADER.match(line)
        if match and match.group(1) in REQUIRED_KEYS + ("note", "input"):
            last = match.group(1)
            header[last] = match.group(2).strip()
        elif last is not None:  # a continuation line of the previous key
            header[last] += " " + line.lstrip("-").strip()
    missing = [k for k in REQUIRED_KEYS if k not in header]
    if missing:
        raise MetricError(f"reports/sql/{name}.sql: header lacks {', '.join(missing)}")
    if header["name"] != name:
        raise MetricError(f"reports/sql/{name}.sql: header names {header['name']!r}, expected {name!r}")
    params = {} if header["params"].strip() in ("", "none") else dict(_PARAM.findall(header["params"]))
    used = set(re.findall(r"\$(\w+)", "\n".join(ln for ln in text.splitlines() if not ln.startswith("--"))))
    inputs = _inputs(name, header.get("input", ""))
    provided = set().union(*(load(i).params for i in inputs))  # an input is run with these params
    if used | provided != set(params):
        raise MetricError(
            f"reports/sql/{name}.sql: declared params {sorted(params)} differ from those used "
            f"{sorted(used | provided)}" + (f" (by the SQL and its inputs {', '.join(inputs)})" if inputs else "")
        )
    return Metric(name, header, params, text, inputs, frozenset(used))


def _inputs(name: str, value: str) -> tuple[str, ...]:
    """The metric names at the start of an `input:` header value ('a, b (why ...)')."""
    names = tuple(n.strip() for n in value.split("(")[0].split(",") if n.strip())
    for other in names:
        if other == name or not re.fullmatch(r"[a-z][a-z0-9_]*", other):
            raise MetricError(f"reports/sql/{name}.sql: input {other!r} is not another metric's name")
        if load(other).inputs:
            raise MetricError(f"reports/sql/{name}.sql: input {other} has inputs of its own (one level only)")
    return names


@cache
def load(name: str) -> Metric:
    """The metric ``name`` from its SQL file."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise MetricError(f"unknown metric {name!r}")
    file = resources.files("reports") / "sql" / f"{name}.sql"
    if not file.is_file():
        raise MetricError(f"unknown metric {name!r}; known: {', '.join(names())}")
    return _parse(name, file.read_text(encoding="utf-8"))


def names() -> list[str]:
    """Every metric name, sorted."""
    root = resources.files("reports") / "sql"
    return sorted(f.name[:-4] for f in root.iterdir() if f.name.endswith(".sql") and not f.name.startswith("_"))


MEMO_ENTRIES = 256  # per connection; the results are small frames
MEMO_TABLES = 8  # input relations kept per reader connection (temp tables, up to ~10 k rows each)


@dataclass
class _Memo:
    """The remembered results of one read-only connection, least recently used first."""

    results: OrderedDict[tuple[Any, ...], pd.DataFrame] = field(default_factory=OrderedDict)
    hits: int = 0
    misses: int = 0
    tables: OrderedDict[tuple[Any, ...], str] = field(default_factory=OrderedDict)  # input -> temp table
    built: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)


_MEMOS: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, _Memo | None] = weakref.WeakKeyDictionary()
_MEMOS_LOCK = threading.Lock()
_TABLE_IDS = itertools.count(1)


def _memo(con: duckdb.DuckDBPyConnection) -> _Memo | None:
    """The connection's memo, or None when it can write (its data may change between runs)."""
    with _MEMOS_LOCK:
        if con in _MEMOS:
            return _MEMOS[con]
    read_only = bool(con.execute(
        "SELECT readonly FROM duckdb_databases() WHERE database_name = current_database()").fetchall()[0][0])
    memo = _Memo() if read_only else None
    with _MEMOS_LOCK:
        return _MEMOS.setdefault(con, memo)


def _frozen(value: Any) -> Any:
    """A hashable stand-in for a bound parameter value (lists and dicts of plain values)."""
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return (type(value).__name__, repr(value))


def memo_stats(con: duckdb.DuckDBPyConnection) -> tuple[int, int] | None:
    """(hits, misses) of the connection's remembered results; None for a read-write connection."""
    memo = _memo(con)
    return None if memo is None else (memo.hits, memo.misses)


def inputs_built(con: duckdb.DuckDBPyConnection) -> int | None:
    """How many input relations a reader connection has built (None for a read-write connection)."""
    memo = _memo(con)
    return None if memo is None else memo.built


def run(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """Run metric ``name`` with exactly its declared parameters; return a DataFrame (the caller's own copy)."""
    memo = _memo(con)
    if memo is None:
        return _execute(con, name, params)
    key = (name, _frozen(params))
    # held across the query: pointing an input's view and reading it must not interleave with
    # another thread's run on the same connection (which DuckDB would serialise anyway)
    with memo.lock:
        found = memo.results.get(key)
        if found is not None:
            memo.results.move_to_end(key)
            memo.hits += 1
            return found.copy()
        frame = _execute(con, name, params)
        memo.misses += 1
        memo.results[key] = frame.copy()
        while len(memo.results) > MEMO_ENTRIES:
            memo.results.popitem(last=False)
        return frame


def _execute(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> pd.DataFrame:
    metric = load(name)
    missing = sorted(set(metric.params) - set(params))
    extra = sorted(set(params) - set(metric.params))
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {', '.join('$' + m for m in missing)}")
        if extra:
            parts.append(f"unknown {', '.join('$' + e for e in extra)}")
        raise MetricError(f"metric {name}: {'; '.join(parts)} (it takes {', '.join(metric.params) or 'none'})")
    body = _body(metric)
    try:
        made: list[tuple[str, str | None]] = []
        try:
            for i in metric.inputs:
                made.append(_input_relation(con, i, {k: params[k] for k in load(i).params}))
            return _query(con, body, {k: params[k] for k in metric.used}).df()
        finally:
            for view, table in made:
                if table is not None:  # a writer's input: dropped after use
                    con.execute(f"DROP VIEW IF EXISTS {view}")
                    con.execute(f"DROP TABLE IF EXISTS {table}")
    except duckdb.Error as exc:
        raise MetricError(f"metric {name} failed: {str(exc).splitlines()[0]}") from None


def _body(metric: Metric) -> str:
    return "\n".join(ln for ln in metric.sql.splitlines() if not ln.startswith("--")).strip().rstrip(";")


def _query(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    """Execute ``sql``, installing the shared macros first if the connection lacks them."""
    try:
        return con.execute(sql, params)
    except duckdb.CatalogException:
        if not install_macros(con):
            raise
        return con.execute(sql, params)


def _input_relation(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> tuple[str, str | None]:
    """Make the relation ``name`` hold metric ``name``'s rows for ``params`` (a temp view on a temp table).

    On a reader the table is built once per parameters and kept (LRU, :data:`MEMO_TABLES`), so the
    metrics that read the same input share one pass over the data. On a writer it is built for this
    query only. Returns (the view, the table to drop after the query or None).
    """
    memo = _memo(con)
    key = (name, _frozen(params))
    table = None
    if memo is not None:
        with memo.lock:
            table = memo.tables.get(key)
            if table is not None:
                memo.tables.move_to_end(key)
    drop = None
    if table is None:
        table = f"_input_{name}_{next(_TABLE_IDS)}"  # a metric name (checked on load) and a number
        _query(con, f"CREATE OR REPLACE TEMP TABLE {table} AS {_body(load(name))}", params)
        if memo is None:
            drop = table
        else:
            with memo.lock:
                memo.built += 1
                memo.tables[key] = table
                while len(memo.tables) > MEMO_TABLES:
                    _, old = memo.tables.popitem(last=False)
                    con.execute(f"DROP TABLE IF EXISTS {old}")
    try:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {table}")
    except duckdb.Error:
        if drop is not None:
            con.execute(f"DROP TABLE IF EXISTS {drop}")
        raise
    return name, drop


def install_macros(con: duckdb.DuckDBPyConnection) -> bool:
    """Create the shared table macros (``reports/sql/_*.sql``) on ``con``; False if all were there."""
    root = resources.files("reports") / "sql"
    present = {r[0] for r in con.execute("SELECT function_name FROM duckdb_functions() WHERE macro_definition IS NOT NULL").fetchall()}
    files = sorted((f for f in root.iterdir() if f.name.startswith("_") and f.name.endswith(".sql")), key=lambda f: f.name)
    created = False
    for file in files:
        text = file.read_text(encoding="utf-8")
        wanted = set(re.findall(r"CREATE OR REPLACE TEMP MACRO (\w+)", text))
        if wanted - present:
            con.execute(text)
            created = True
    return created


def rows(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> list[dict[str, Any]]:
    """:func:`run` as a list of plain dicts (no pandas types), for JSON and templates."""
    frame = run(con, name, **params)
    records: list[dict[str, Any]] = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return records
