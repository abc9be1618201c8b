"""Loading files into the warehouse: one transaction per file, a ledger row, a quarantine.

:func:`ingest_file` is idempotent (a file whose sha256 was loaded before is skipped; records
already present from other files are counted as duplicates) and transactional (a file loads
completely or not at all; a killed process leaves nothing half-written, since DuckDB rolls back
the uncommitted transaction on the next open).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from reports import sources, staging
from reports.config import Config
from reports.detect import Head, read_head
from reports.loading import LoadContext

_SKIP_NAMES = {".DS_Store", "Thumbs.db"}


@dataclass
class FileResult:
    """The outcome for one file, as the summary table shows it."""

    path: str
    kind: str | None
    status: str  # loaded | skipped | failed
    records: int = 0
    loaded: int = 0
    duplicates: int = 0
    rejected: int = 0
    seconds: float = 0.0
    message: str = ""


def expand(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and files under folders named (recursively, sorted, hidden ones skipped)."""
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found: list[Path] = []
            for root, dirs, files in os.walk(path):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                found.extend(Path(root) / n for n in files if not n.startswith(".") and n not in _SKIP_NAMES)
            yield from sorted(found, key=lambda p: p.relative_to(path).parts)
        else:
            yield path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def _already_loaded(con: duckdb.DuckDBPyConnection, sha: str) -> tuple[str, int] | None:
    rows = con.execute(
        "SELECT path, records FROM ingest_files WHERE sha256 = ? AND status = 'loaded' ORDER BY file_id LIMIT 1",
        [sha],
    ).fetchall()
    return (rows[0][0], int(rows[0][1])) if rows else None


def _record_failure(con: duckdb.DuckDBPyConnection, path: str, size: int, sha: str, kind: str | None,
                    started: float, message: str) -> None:
    con.execute(
        "INSERT INTO ingest_files (file_id, path, size_bytes, sha256, kind, started_at, finished_at, status, message) "
        "VALUES (nextval('ingest_file_id'), ?, ?, ?, ?, make_timestamptz(CAST(? * 1e6 AS BIGINT)), now(), 'failed', ?)",
        [path, size, sha, kind, started, message],
    )


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    config: Config,
    source: str | None = None,
    workdir: Path | None = None,
) -> FileResult:
    """Load one file in one transaction and return what happened (never raises for bad data)."""
    started = time.time()
    display = str(path)
    try:
        size = path.stat().st_size
        sha = sha256_of(path)
        head = read_head(path)
    except OSError as exc:
        return FileResult(display, source, "failed", message=f"cannot read the file: {exc.strerror or exc}")
    previous = _already_loaded(con, sha)
    if previous is not None:
        return FileResult(display, source, "skipped", records=previous[1], duplicates=previous[1],
                          seconds=time.time() - started,
                          message=f"already loaded (same content as {previous[0]})")
    kind = source or sources.detect(head)
    if kind is None:
        return FileResult(display, None, "skipped", seconds=time.time() - started,
                          message=_unknown_reason(head))
    module = sources.get(kind)
    file_id = int(con.execute("SELECT nextval('ingest_file_id')").fetchall()[0][0])

    def open_ledger_row(ctx: LoadContext) -> None:
        con.execute(
            "INSERT INTO ingest_files (file_id, path, size_bytes, sha256, kind, started_at, status) "
            "VALUES (?, ?, ?, ?, ?, make_timestamptz(CAST(? * 1e6 AS BIGINT)), 'loading')",
            [file_id, display, size, sha, kind, started],
        )

    with staging.temp_workdir(workdir) as tmp:
        ctx = LoadContext(con, file_id, path, display, kind, head, config, Path(tmp), on_begin=open_ledger_row)
        try:
            counts = module.load(ctx)
            ctx.begin()
            rejected = ctx.q.flush()
            message = "; ".join(dict.fromkeys(ctx.notes))
            con.execute(
                "UPDATE ingest_files SET finished_at = now(), records = ?, loaded = ?, duplicates = ?, "
                "rejected = ?, status = 'loaded', message = ? WHERE file_id = ?",
                [counts.records, counts.loaded, counts.duplicates, rejected, message or None, file_id],
            )
            con.execute("COMMIT")
        except duckdb.Error as exc:
            if ctx.in_transaction:
                con.execute("ROLLBACK")
            reason = _explain(exc, head, kind)
            _record_failure(con, display, size, sha, kind, started, reason)
            return FileResult(display, kind, "failed", seconds=time.time() - started, message=reason)
        except BaseException:
            if ctx.in_transaction:
                con.execute("ROLLBACK")
            raise
        finally:
            staging.drop_staged(con)
    return FileResult(display, kind, "loaded", counts.records, counts.loaded, counts.duplicates, rejected,
                      time.time() - started, message)


def _unknown_reason(head: Head) -> str:
    if head.shape == "empty":
        return "empty file: nothing to load"
    if head.shape == "binary":
        return "binary content, not an export this tool reads"
    return "not a recognised export (force the kind with --source KIND)"


def _explain(exc: Exception, head: Head, kind: str) -> str:
    first = str(exc).strip().split("\n")[0]
    return f"could not be read as {kind}: {first}"


def ingest(
    con: duckdb.DuckDBPyConnection,
    paths: Iterable[str | Path],
    config: Config,
    source: str | None = None,
    on_file: Callable[[Path], None] | None = None,
    on_done: Callable[[FileResult], None] | None = None,
) -> list[FileResult]:
    """Load every file under ``paths``; return one result per file."""
    if source is not None:
        sources.get(source)  # fail early on an unknown kind
    results = []
    for path in expand(paths):
        if on_file:
            on_file(path)
        if not path.exists():
            result = FileResult(str(path), source, "failed", message="no such file or folder")
        else:
            result = ingest_file(con, path, config, source)
        results.append(result)
        if on_done:
            on_done(result)
    return results
