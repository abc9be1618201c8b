"""Reading the ingest ledger and the quarantine (what was loaded from where, what was refused)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    import pandas as pd


def files(con: duckdb.DuckDBPyConnection, limit: int = 1000) -> pd.DataFrame:
    """The newest ledger rows: one per file a load attempted."""
    return con.execute(
        "SELECT file_id, path, kind, status, records, loaded, duplicates, rejected, size_bytes, sha256, "
        "started_at, finished_at, message FROM ingest_files ORDER BY file_id DESC LIMIT ?",
        [limit],
    ).df()


def quarantined(con: duckdb.DuckDBPyConnection, file: str | None = None, limit: int = 50) -> pd.DataFrame:
    """Quarantined records, newest file first; ``file`` filters on a substring of the path."""
    return con.execute(
        "SELECT q.file_id, q.path, q.kind, q.line, q.item, q.field, q.reason, q.raw, q.raw_bytes "
        "FROM quarantine q WHERE $file IS NULL OR contains(q.path, $file) "
        "ORDER BY q.file_id DESC, q.line NULLS FIRST, q.item NULLS FIRST LIMIT $limit",
        {"file": file, "limit": limit},
    ).df()


def quarantine_count(con: duckdb.DuckDBPyConnection, file: str | None = None) -> int:
    return int(con.execute(
        "SELECT count(*) FROM quarantine WHERE $file IS NULL OR contains(path, $file)", {"file": file}
    ).fetchall()[0][0])


def reasons(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Quarantine counts by kind and reason pattern (the reason without its quoted value)."""
    return con.execute(
        "SELECT kind, coalesce(field, '') AS field, regexp_replace(reason, ' is .*?\\(', ' is (', 'g') AS reason, "
        "count(*) AS records FROM quarantine GROUP BY ALL ORDER BY records DESC"
    ).df()


_TIME_COLUMNS = ("ts", "created_at", "fetch_time", "interval_start", "last_seen", "created_at", "day")
_INTERNAL = ("schema_version", "ingest_files", "quarantine")


def tables(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every data table with its row count and the time span its rows cover (UTC)."""
    from reports.sqltext import quote_ident

    found = con.execute(
        "SELECT t.table_name, list(c.column_name ORDER BY c.column_index) AS cols FROM duckdb_tables() t "
        "JOIN duckdb_columns() c USING (database_name, schema_name, table_name) "
        "WHERE NOT t.temporary AND t.schema_name = 'main' GROUP BY ALL ORDER BY t.table_name"
    ).fetchall()
    out = []
    for name, cols in found:
        if name in _INTERNAL:
            continue
        time_col = next((c for c in _TIME_COLUMNS if c in cols), None)
        span = f"min({quote_ident(time_col)}), max({quote_ident(time_col)})" if time_col else "NULL, NULL"
        count, first, last = con.execute(f"SELECT count(*), {span} FROM {quote_ident(name)}").fetchall()[0]
        out.append({"table": name, "rows": count, "first": first, "last": last})
    import pandas as pd

    return pd.DataFrame(out, columns=["table", "rows", "first", "last"])
