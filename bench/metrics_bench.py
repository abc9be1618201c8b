"""Metrics benchmark: the SLA summary and each dashboard page's queries, vs the same in pandas.

Builds (once, kept in bench/out/) a one-month demo warehouse at --scale (100 ≈ 10 M requests and
2 M Sentry transactions), then times on a read-only connection:

- `reports sla` (sla.summary, previous month included),
- the metric calls behind each dashboard page (overview, uptime, latency, errors, vitals,
  deployments, audit),
- the obvious pandas version of the request and latency figures (error rate, status classes,
  per-route error rates, hourly trend, mean/p50/p90/p95/p99 overall, per route and per day),
  with and without the time to load the columns into pandas.

Usage: python bench/metrics_bench.py [--scale 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).parent.parent))

from reports import demo, ingest, periods, sla, warehouse
from reports.config import load_config
from reports.metrics import audit, budget, deployments, errors, latency, requests, uptime, vitals
from reports.metrics.scope import Scope

OUT = Path(__file__).parent / "out"
CONFIG = Path(__file__).parent.parent / "reports.toml"


def build(scale: float) -> tuple[Path, str]:
    db = OUT / f"metrics-scale{scale:g}.duckdb"
    exports = OUT / f"demo-scale{scale:g}"
    if not db.exists():
        t = time.perf_counter()
        manifest = demo.generate(exports, months=1, scale=scale, end_month="2026-10")
        print(f"generated in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        t = time.perf_counter()
        with warehouse.writing(db) as con:
            ingest.ingest(con, [exports], load_config(CONFIG))
        print(f"ingested in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        del manifest
    return db, "2026-10"


def timed(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def pages(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, Callable[[], object]]:
    six = periods.months_back(scope.period, 6)
    return {
        "overview": lambda: (sla.objectives(con, scope), uptime.incidents(con, scope),
                             [sla.objectives(con, scope.with_period(p)) for p in six[:-1]],
                             vitals.cwv_status(con, scope), deployments.timeline(con, scope)),
        "uptime": lambda: (uptime.summary(con, scope), uptime.daily(con, scope), uptime.incidents(con, scope),
                           uptime.by_monitor(con, scope), budget.burn_down(con, scope, "uptime")),
        "latency": lambda: (latency.summary(con, scope), latency.daily(con, scope), latency.by_route(con, scope),
                            latency.histogram(con, scope), latency.db_spans(con, scope)),
        "errors": lambda: (requests.summary(con, scope), requests.trend(con, scope, "hour"),
                           requests.status_classes(con, scope), requests.by_route(con, scope),
                           errors.top_issues(con, scope), errors.new_issues(con, scope),
                           errors.frontend_rate(con, scope)),
        "web vitals": lambda: (vitals.p75(con, scope), vitals.p75(con, scope, by="device"),
                               vitals.p75(con, scope, by="route"), vitals.daily(con, scope),
                               vitals.worst_pages(con, scope)),
        "deployments": lambda: (deployments.stats(con, scope), deployments.timeline(con, scope),
                                deployments.impact(con, scope)),
        "audit": lambda: (audit.summary(con, scope), audit.activity(con, scope),
                          audit.security_events(con, scope)),
    }


def pandas_version(con: duckdb.DuckDBPyConnection, scope: Scope) -> tuple[float, float]:
    """(load seconds, compute seconds) for the request + latency figures done in pandas.

    The same definitions as our metric files, written the way an analyst would: the period's
    production rows loaded into DataFrames, maintenance windows dropped, then error rate (overall
    and for API routes), status classes, per-route error rates, the hourly trend in the report
    zone, and mean/p50/p90/p95/p99 overall, per route and per local day.
    """
    import pandas as pd

    params = {"start": scope.period.start, "end": scope.period.end}
    t = time.perf_counter()
    req = con.execute(
        "SELECT ts, route, path, status_code, crashed FROM vercel_requests WHERE ts >= $start AND ts < $end "
        "AND environment = 'production' AND NOT background", params).df()
    tx = con.execute(
        "SELECT ts, transaction, duration_ms FROM sentry_transactions WHERE ts >= $start AND ts < $end "
        "AND environment = 'production' AND op = 'http.server' AND duration_ms IS NOT NULL", params).df()
    loaded = time.perf_counter() - t
    t = time.perf_counter()
    zone = scope.config.report.timezone
    prefix = scope.config.sources.api_route_prefix
    for window in scope.config.maintenance:
        s, e = pd.Timestamp(window.start), pd.Timestamp(window.end)
        req = req[~((req["ts"] >= s) & (req["ts"] < e))]
        tx = tx[~((tx["ts"] >= s) & (tx["ts"] < e))]
    req["error"] = (req["status_code"] >= 500) | req["crashed"]
    api = req["route"].str.startswith(prefix).fillna(False) | req["path"].str.startswith(prefix).fillna(False)
    _ = req["error"].mean(), req.loc[api, "error"].mean()
    _ = req.groupby(req["status_code"] // 100).size()
    _ = req.groupby("route")["error"].agg(["size", "sum", "mean"])
    hour = req["ts"].dt.tz_convert(zone).dt.floor("h", ambiguous="infer", nonexistent="shift_forward")
    _ = req.groupby(hour)["error"].agg(["size", "sum", "mean"])
    qs = [0.5, 0.9, 0.95, 0.99]
    _ = tx["duration_ms"].mean(), tx["duration_ms"].quantile(qs)
    _ = tx.groupby("transaction")["duration_ms"].agg(["mean", "max", "size"])
    _ = tx.groupby("transaction")["duration_ms"].quantile(qs)
    day = tx["ts"].dt.tz_convert(zone).dt.date
    _ = tx.groupby(day)["duration_ms"].quantile(qs)
    del pd
    return loaded, time.perf_counter() - t


def ours_equivalent(con: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    requests.summary(con, scope)
    requests.status_classes(con, scope)
    requests.by_route(con, scope)
    requests.trend(con, scope, "hour")
    latency.summary(con, scope)
    latency.by_route(con, scope)
    latency.daily(con, scope)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    db, month = build(args.scale)
    config = load_config(CONFIG)
    con = warehouse.open_reader(db)
    scope = Scope.of(config, periods.month(month, config.report.timezone))
    counts = con.execute("SELECT (SELECT count(*) FROM vercel_requests), (SELECT count(*) FROM sentry_transactions), "
                         "(SELECT count(*) FROM probe_results)").fetchall()[0]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; DuckDB {duckdb.__version__}; "
          f"{counts[0]:,} requests, {counts[1]:,} transactions, {counts[2]:,} probes; median of {args.repeat}")
    print("| what | seconds |\n|---|---:|")
    print(f"| reports sla (summary + previous month) | {timed(lambda: sla.summary(con, config, scope.period), args.repeat):.2f} |")
    for name, fn in pages(con, scope).items():
        print(f"| page: {name} | {timed(fn, args.repeat):.2f} |")
    ours = timed(lambda: ours_equivalent(con, scope), args.repeat)
    runs = [pandas_version(con, scope) for _ in range(args.repeat)]
    load_s = statistics.median(r[0] for r in runs)
    compute_s = statistics.median(r[1] for r in runs)
    print(f"| request + latency figures, DuckDB SQL | {ours:.2f} |")
    print(f"| same in pandas: compute only | {compute_s:.2f} |")
    print(f"| same in pandas: load + compute | {load_s + compute_s:.2f} |")
    print(f"\nspeed-up vs pandas: {compute_s / ours:.1f}x (compute only), {(load_s + compute_s) / ours:.1f}x (with load)")
    con.close()


if __name__ == "__main__":
    main()
