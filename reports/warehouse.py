"""The one place that opens the DuckDB warehouse: connect, settings, migrations.

Writers and readers never block each other. DuckDB lets one process hold a file read-write, and
a read-only connection in another process keeps a writer out. So:

- a **writer** (``reports ingest``, ``reports demo``) opens the main file read-write, retrying
  while another writer holds it, and after committing publishes a **snapshot**: a copy of the
  checkpointed file under ``.<name>.snapshots/`` plus an atomically replaced ``CURRENT`` pointer;
- a **reader** (the app, notebooks, ``reports sla``) opens the snapshot that ``CURRENT`` names,
  read-only, so it never touches the main file's lock. While an ingest runs, readers see the
  previous snapshot; the next connection they open sees the new one.

Older snapshots are removed when a newer one is published (an open reader keeps its unlinked
file until it closes it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import duckdb

from reports.errors import WarehouseError, WarehouseLockedError

MEMORY = ":memory:"
_KEEP_SNAPSHOTS = 2


def migrations() -> list[tuple[int, str]]:
    """Every migration as ``(version, sql)``, in order; a version is a folder of ``.sql`` files."""
    root = resources.files("reports") / "migrations"
    found = []
    for folder in root.iterdir():
        if folder.is_dir() and folder.name.isdigit():
            parts = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
            found.append((int(folder.name), "\n".join(p.read_text(encoding="utf-8") for p in parts)))
    return sorted(found)


def schema_version() -> int:
    """The newest schema version this code knows."""
    return migrations()[-1][0]


MEMORY_LIMIT = "2GB"


def _configure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET preserve_insertion_order = true")
    # no progress bars on stderr from long statements (in Jupyter without ipywidgets DuckDB draws
    # none and refuses to change the setting)
    with contextlib.suppress(duckdb.InvalidInputException):
        con.execute("SET enable_progress_bar = false")
    # bounded memory: DuckDB spills large staging tables to its temp directory instead of
    # growing to 80 % of RAM (a 10 M-record file otherwise peaks near 19 GB)
    con.execute("SET memory_limit = ?", [os.environ.get("REPORTS_MEMORY_LIMIT") or MEMORY_LIMIT])


def _current_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_version' AND NOT temporary"
    ).fetchall()[0][0]
    if not exists:
        return 0
    return int(con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0])


def migrate(con: duckdb.DuckDBPyConnection, where: str = MEMORY) -> int:
    """Apply pending migrations, each in its own transaction; return the resulting version."""
    have = _current_version(con)
    known = schema_version()
    if have > known:
        raise WarehouseError(
            f"{where}: the warehouse has schema version {have}, newer than this version of "
            f"reports understands ({known}); upgrade reports (pip install -U atcmp-reports)"
        )
    for version, sql in migrations():
        if version <= have:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute("INSERT INTO schema_version VALUES (?, now())", [version])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    return known


def _check_readable_version(con: duckdb.DuckDBPyConnection, where: str) -> None:
    have = _current_version(con)
    known = schema_version()
    if have > known:
        raise WarehouseError(
            f"{where}: the warehouse has schema version {have}, newer than this version of "
            f"reports understands ({known}); upgrade reports"
        )
    if have < known:
        raise WarehouseError(
            f"{where}: the warehouse has schema version {have}; run `reports ingest` (or any "
            "writing command) once to upgrade it to version {known}".replace("{known}", str(known))
        )


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc)
    return "lock" in text.lower() and ("Conflicting" in text or "Could not set lock" in text)


def connect(path: str | Path = MEMORY) -> duckdb.DuckDBPyConnection:
    """Open a warehouse read-write (``:memory:`` for tests) and bring its schema up to date."""
    where = str(path)
    if where != MEMORY:
        Path(where).parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(where)
    except duckdb.IOException as exc:
        if _is_lock_error(exc):
            raise WarehouseLockedError(f"{where}: another process is writing to the warehouse ({exc})") from None
        raise WarehouseError(f"{where}: cannot open the warehouse: {exc}") from None
    except duckdb.Error as exc:
        raise WarehouseError(f"{where}: cannot open the warehouse: {exc}") from None
    try:
        _configure(con)
        migrate(con, where)
    except Exception:
        con.close()
        raise
    return con


def open_writer(path: str | Path, timeout_s: float = 600.0) -> duckdb.DuckDBPyConnection:
    """Open read-write, waiting up to ``timeout_s`` while another writer holds the lock."""
    deadline = time.monotonic() + timeout_s
    delay = 0.05
    while True:
        try:
            return connect(path)
        except WarehouseLockedError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


def snapshot_dir(path: str | Path) -> Path:
    db = Path(path)
    return db.parent / f".{db.name}.snapshots"


def publish_snapshot(path: str | Path) -> Path:
    """Copy the (closed, checkpointed) warehouse to a new snapshot and point ``CURRENT`` at it."""
    db = Path(path)
    folder = snapshot_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns()}-{os.getpid()}.duckdb"
    tmp = folder / (name + ".tmp")
    shutil.copyfile(db, tmp)
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, folder / name)
    pointer = folder / f"CURRENT.{os.getpid()}.tmp"
    pointer.write_text(name, encoding="utf-8")
    os.replace(pointer, folder / "CURRENT")
    snapshots = sorted(folder.glob("*.duckdb"), key=lambda p: p.name)
    for old in snapshots[:-_KEEP_SNAPSHOTS]:
        if old.name != name:
            with contextlib.suppress(FileNotFoundError):
                old.unlink()
    return folder / name


@contextlib.contextmanager
def writing(path: str | Path, timeout_s: float = 600.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection; on a clean exit it checkpoints, closes and publishes a snapshot."""
    con = open_writer(path, timeout_s)
    try:
        yield con
        con.execute("CHECKPOINT")
    finally:
        con.close()
    if str(path) != MEMORY:
        publish_snapshot(path)


def open_reader(path: str | Path, retries: int = 20) -> duckdb.DuckDBPyConnection:
    """A read-only connection on the newest snapshot (or the main file when none exists yet)."""
    db = Path(path)
    folder = snapshot_dir(db)
    last: Exception | None = None
    for attempt in range(retries):
        target = db
        current = folder / "CURRENT"
        if current.exists():
            with contextlib.suppress(FileNotFoundError):
                target = folder / current.read_text(encoding="utf-8").strip()
        if not target.exists():
            if not db.exists():
                raise WarehouseError(
                    f"{db}: no warehouse here yet; load data with `reports ingest PATH` or `reports demo`"
                )
            target = db
        try:
            con = duckdb.connect(str(target), read_only=True)
        except duckdb.Error as exc:
            # a snapshot replaced between reading CURRENT and opening it, or a writer on the
            # main file (no snapshot yet): try again shortly
            last = exc
            time.sleep(min(0.05 * (attempt + 1), 0.5))
            continue
        try:
            _configure(con)
            _check_readable_version(con, str(db))
        except Exception:
            con.close()
            raise
        return con
    raise WarehouseError(f"{db}: the warehouse is busy or unreadable ({last}); try again in a moment")
