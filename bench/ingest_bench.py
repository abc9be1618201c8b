"""Ingest benchmark: `reports ingest` of N Vercel log-drain records vs DuckDB's raw read_json.

Both runs read the same generated NDJSON file into a fresh DuckDB file, each in its own process
so their peak memory (max RSS) is measured separately:

- raw:     CREATE TABLE bare AS SELECT * FROM read_json(file)      (no checks, no dedupe)
- reports: the full ingest (line numbers, validation and quarantine, typed normalised tables,
           dedupe of log records and of requests, ledger, one transaction)

Usage: python bench/ingest_bench.py [--records 10000000] [--keep]
Prints a Markdown table row per run; copy the figures into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import duckdb

OUT = Path(__file__).parent / "out"


def generate(path: Path, n: int) -> None:
    """n realistic drain records: ~85 % requests with a proxy object, the rest function/build logs."""
    con = duckdb.connect()
    con.execute(
        f"""
        COPY (
          SELECT 'log_' || i AS id, 'dpl_' || (i // 250000) AS deploymentId,
                 CASE WHEN i % 20 = 0 THEN 'build' WHEN i % 7 = 0 THEN 'edge' ELSE 'lambda' END AS source,
                 'atcmp-' || (i // 250000) || '.vercel.app' AS host,
                 1790812800000 + i * 260 AS "timestamp", 'prj_atcmp' AS projectId,
                 CASE WHEN i % 400 = 0 THEN 'error' ELSE 'info' END AS level,
                 'GET /api/route' || (i % 50) || ' handled in ' || (i % 997) || 'ms' AS message,
                 CASE WHEN i % 20 <> 0 THEN 'req_' || i END AS requestId,
                 CASE WHEN i % 400 = 0 THEN 500 ELSE 200 END AS statusCode,
                 '/api/route' || (i % 50) AS path, 'production' AS environment, 'icn1' AS executionRegion,
                 CASE WHEN i % 20 <> 0 THEN {{
                   'timestamp': 1790812800000 + i * 260 - 7, 'method': CASE WHEN i % 5 = 0 THEN 'POST' ELSE 'GET' END,
                   'host': 'atcmp.example.com', 'path': '/api/route' || (i % 50) || '?page=' || (i % 13),
                   'userAgent': ['Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)'], 'region': 'icn1',
                   'referer': 'https://atcmp.example.com/', 'statusCode': CASE WHEN i % 400 = 0 THEN 502 ELSE 200 END,
                   'clientIp': '203.0.' || (i % 256) || '.' || (i % 241), 'scheme': 'https',
                   'responseByteSize': 1000 + i % 50000, 'vercelCache': 'MISS'}} END AS proxy
          FROM range({int(n)}) t(i)
        ) TO '{path}' (FORMAT json)
        """
    )
    con.close()


RAW = """
import sys, time, resource, duckdb
con = duckdb.connect(sys.argv[2])
t = time.perf_counter()
con.execute("CREATE TABLE bare AS SELECT * FROM read_json(?)", [sys.argv[1]])
con.execute("CHECKPOINT")
n = con.execute("SELECT count(*) FROM bare").fetchall()[0][0]
print("RESULT", n, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

REPORTS = """
import sys, time, resource
from pathlib import Path
from reports import ingest, warehouse
from reports.config import Config
con = warehouse.connect(sys.argv[2])
t = time.perf_counter()
(result,) = ingest.ingest(con, [Path(sys.argv[1])], Config())
con.execute("CHECKPOINT")
assert result.status == "loaded", result.message
print("RESULT", result.records, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def measure(script: str, data: Path, db: Path) -> tuple[int, float, float]:
    for leftover in (db, Path(str(db) + ".wal")):
        leftover.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    done = subprocess.run([sys.executable, "-c", script, str(data), str(db)], capture_output=True, text=True,
                          env=env, check=True)
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith("RESULT "))
    n, seconds, rss_kb = line.split()[1:]
    return int(n), float(seconds), int(rss_kb) / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated file and databases")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    data = OUT / f"drain-{args.records}.ndjson"
    if not data.exists():
        t = time.perf_counter()
        generate(data, args.records)
        print(f"generated {args.records:,} records ({data.stat().st_size / 1e9:.2f} GB) "
              f"in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    raw = measure(RAW, data, OUT / "raw.duckdb")
    ours = measure(REPORTS, data, OUT / "reports.duckdb")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"DuckDB {duckdb.__version__}, file {data.stat().st_size / 1e9:.2f} GB")
    print("| run | records | seconds | records/s | peak RSS (GB) |")
    print("|---|---:|---:|---:|---:|")
    for name, (n, seconds, rss) in (("raw read_json", raw), ("reports ingest", ours)):
        print(f"| {name} | {n:,} | {seconds:.1f} | {n / seconds:,.0f} | {rss:.2f} |")
    print(f"\nreports ingest throughput = {raw[1] / ours[1] * 100:.0f} % of raw read_json")
    print(json.dumps({"raw": raw, "reports": ours}))
    if not args.keep:
        for leftover in (OUT / "raw.duckdb", OUT / "reports.duckdb"):
            leftover.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
