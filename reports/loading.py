"""What a source module gets to load one file, and the set-based insert helpers it uses.

A source module has this contract::

    KIND = "vercel_logs"                 # its registry name (also `--source`)
    TITLE = "Vercel log drain"           # for summaries
    def sniff(head: Head) -> bool: ...   # does this content look like mine?
    def load(ctx: LoadContext) -> LoadCounts: ...

``load`` first stages the file (``ctx.stage_json()`` / ``ctx.stage_csv()``: reading into temp
tables, before the file's transaction so a damaged file can be salvaged), then types and checks
records (``ctx.transform(...)``) and inserts new rows with :func:`insert_new`. Everything after
staging runs inside the file's transaction: raising anything rolls the whole file back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from reports import staging
from reports.config import Config
from reports.detect import Head
from reports.sqltext import quote_ident


@dataclass
class LoadCounts:
    """Counts one source reports for one file (rejections are counted from the quarantine)."""

    records: int = 0  # records read, good and bad
    loaded: int = 0  # new rows in the source's main table
    duplicates: int = 0  # records already present (this file or earlier ones)


@dataclass
class LoadContext:
    """One file being loaded: connection, identity, first look, config and quarantine."""

    con: duckdb.DuckDBPyConnection
    file_id: int
    path: Path  # the file as given
    display: str  # how messages name it
    kind: str
    head: Head
    config: Config
    workdir: Path
    notes: list[str] = field(default_factory=list)
    on_begin: Any = None  # called once when the file's transaction begins
    q: staging.Quarantine = field(init=False)
    _data: Path | None = field(default=None, init=False)
    in_transaction: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self.q = staging.Quarantine(self.con, self.file_id, self.display, self.kind)

    def begin(self) -> None:
        """Start the file's transaction (staging is done); idempotent."""
        if not self.in_transaction:
            self.con.execute("BEGIN TRANSACTION")
            self.in_transaction = True
            if self.on_begin is not None:
                self.on_begin(self)

    def _plain_or_gzip(self) -> tuple[Path, str]:
        if self._data is not None:
            return self._data, "none"
        return self.path, staging.compression_of(self.path)

    def _with_salvage(self, stage: Any) -> staging.Staged:
        data, compression = self._plain_or_gzip()
        try:
            staged: staging.Staged = stage(data, compression)
        except duckdb.Error as exc:
            if compression != "gzip":
                raise
            plain, problem = staging.salvage_gzip(self.path, self.workdir)
            self._data = plain
            if problem is None:  # DuckDB failed for another reason: report that
                raise
            self.q.file_problem(problem)
            self.notes.append(problem)
            staged = stage(plain, "none")
            staged.rejected += 1
            del exc
        self.notes.extend(staged.notes)
        self.begin()
        return staged

    def stage_json(self) -> staging.Staged:
        """Stage the file's JSON records into ``_doc(line, item, doc)``."""
        if self.head.shape == "document":
            return self._with_salvage(
                lambda data, comp: staging.stage_document(self.con, data, self.q, comp, self.workdir)
            )
        return self._with_salvage(lambda data, comp: staging.stage_lines(self.con, data, self.q, comp))

    def stage_csv(self) -> staging.Staged:
        """Stage the file's CSV rows into ``_csv(line, <columns>)``, all VARCHAR."""
        return self._with_salvage(lambda data, comp: staging.stage_csv(self.con, data, self.q, comp))

    def stage_records(self) -> staging.Staged:
        """Stage JSON records, or CSV rows as JSON objects of strings, into ``_doc``.

        An empty CSV cell becomes JSON null, so "missing" means the same in both shapes, and
        :meth:`transform` casts the strings ('200', 'true') to the schema's types.
        """
        if self.head.shape != "csv":
            return self.stage_json()
        staged = self.stage_csv()
        staging.csv_to_doc(self.con)
        return staged

    def transform(
        self,
        schema: Mapping[str, Any],
        required: Sequence[str] = (),
        checked: Sequence[str] = (),
        extra_checks: Sequence[str] = (),
        source: str = "_doc",
        hints: Mapping[str, str] | None = None,
    ) -> int:
        """Type records into ``_chk``; see :func:`reports.staging.transform`."""
        return staging.transform(self.con, self.q, schema, required, checked, extra_checks, source, hints)

    def count(self, table: str) -> int:
        return int(self.con.execute(f"SELECT count(*) FROM {quote_ident(table)}").fetchall()[0][0])


def insert_new(
    con: duckdb.DuckDBPyConnection,
    table: str,
    select_sql: str,
    keys: Sequence[str],
    params: Mapping[str, Any] | None = None,
    order: str = "line",
) -> int:
    """Insert the rows of ``select_sql`` whose ``keys`` are new; return how many were inserted.

    ``select_sql`` yields the table's columns by name. Duplicates inside the batch keep the
    first by ``order``; rows already in ``table`` are skipped by an anti-join, so overlapping
    exports never double-count.
    """
    key_list = ", ".join(quote_ident(k) for k in keys)
    match = " AND ".join(f"t.{quote_ident(k)} = n.{quote_ident(k)}" for k in keys)
    inserted = con.execute(
        f"INSERT INTO {quote_ident(table)} BY NAME "
        f"SELECT n.* FROM (SELECT * FROM ({select_sql}) "
        f"QUALIFY row_number() OVER (PARTITION BY {key_list} ORDER BY {order}) = 1) n "
        f"WHERE NOT EXISTS (SELECT 1 FROM {quote_ident(table)} t WHERE {match})",
        dict(params or {}),
    ).fetchall()
    return int(inserted[0][0])  # DuckDB answers an INSERT with its row count
