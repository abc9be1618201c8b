"""Shared fixtures: a fresh in-memory warehouse, the default config, and ingest helpers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from reports import ingest, warehouse
from reports.config import Config

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    """A fresh, migrated in-memory warehouse."""
    connection = warehouse.connect()
    yield connection
    connection.close()


@pytest.fixture
def config() -> Config:
    return Config()


def load(con: duckdb.DuckDBPyConnection, *paths: Path | str, config: Config | None = None,
         source: str | None = None) -> list[ingest.FileResult]:
    """Ingest paths and return the per-file results."""
    return ingest.ingest(con, [Path(p) for p in paths], config or Config(), source=source)


def rows(con: duckdb.DuckDBPyConnection, sql: str, *params: object) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def write_drain(path: Path, n: int, start: int = 0) -> Path:
    """Write ``n`` Vercel log drain request records (ids start..start+n) as NDJSON, fast (DuckDB COPY)."""
    con = duckdb.connect()
    try:
        con.execute(
            f"""
            COPY (
              SELECT 'rec-' || i AS id, 'dpl_' || (i % 7) AS deploymentId, 'lambda' AS source,
                     'app.vercel.app' AS host, 1791000000000 + i * 37 AS "timestamp", 'prj_1' AS projectId,
                     'info' AS level, 'request ' || i AS message, 'req-' || i AS requestId,
                     CASE WHEN i % 200 = 0 THEN 502 ELSE 200 END AS statusCode,
                     '/api/r' || (i % 50) AS path, 'production' AS environment,
                     {{'timestamp': 1791000000000 + i * 37 - 3, 'method': 'GET', 'host': 'app.example.com',
                       'path': '/api/r' || (i % 50) || '?q=' || i, 'userAgent': ['Mozilla/5.0 (X11)'],
                       'region': 'icn1', 'statusCode': CASE WHEN i % 200 = 0 THEN 502 ELSE 200 END,
                       'clientIp': '203.0.113.' || (i % 250), 'scheme': 'https', 'vercelCache': 'MISS'}} AS proxy
              FROM range({int(start)}, {int(start) + int(n)}) t(i)
            ) TO '{str(path).replace("'", "''")}' (FORMAT json)
            """
        )
    finally:
        con.close()
    return path
