"""Metrics benchmark: the SLA summary and each dashboard page's queries, vs the same in pandas.

Builds (once, kept in bench/out/) a one-month demo warehouse at --scale (100 ≈ 10 M requests and
2 M Sentry transactions), then times on a read-only connection:

- `reports sla` (sla.summary, previous month included),
- the reads behind each dashboard page (overview, uptime, latency, errors, vitals, deployments,
  audit, reports), recorded from the real app: each page is run once headlessly
  (``streamlit.testing.v1.AppTest``) as an admin with the Streamlit cache cleared, and every read
  it makes (``reports.ui.data.compute``: reader name, Key, extra kwargs) is recorded in order;
  timing a page then replays those reads, ``data.READERS[name](con, key.scope(), **extra)``, on a
  fresh read-only connection each repetition (so each starts cold). The reads the app's frame
  makes for the sidebar filters (data span, environments, routes) are timed apart: the app
  caches them across pages, so a page costs them only on a cold cache. Each total includes
  opening the connection (and installing the metric macros, on first use, as in the app),
- the obvious pandas version of the request and latency figures (error rate, status classes,
  per-route error rates, hourly trend, mean/p50/p90/p95/p99 overall, per route and per day),
  with and without the time to load the columns into pandas.

The repetitions run in rounds: each round times every figure once, in the order above, so a
slow phase of the shared machine spreads over all figures instead of landing on one.

Usage: python bench/metrics_bench.py [--scale 100] [--repeat 3] [--detail]

--detail also prints each read's median time (reader, what sets it apart, seconds).
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).parent.parent))

from reports import demo, ingest, periods, sla, warehouse
from reports.config import load_config
from reports.metrics import latency, requests
from reports.metrics.scope import Scope

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
CONFIG = ROOT / "reports.toml"


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


def once(db: Path, fn: Callable[[duckdb.DuckDBPyConnection], object]) -> float:
    """Seconds of ``fn(con)`` on a fresh read-only connection: a reader remembers metric results
    (reports.metrics.run), so a reused connection would time its memo."""
    con = warehouse.open_reader(db)
    try:
        con.execute("SELECT 1").fetchall()
        t = time.perf_counter()
        fn(con)
        return time.perf_counter() - t
    finally:
        con.close()


def round_robin(jobs: dict[str, Callable[[], Any]], repeat: int) -> dict[str, list[Any]]:
    """Each job's results over ``repeat`` rounds, every round running every job once in order.

    On a shared machine whose speed drifts (slow phases lasting tens of seconds), timing one
    figure ``repeat`` times in a row lets a slow phase land on that figure alone; round robin
    spreads it over all of them, so each median is taken over the same moments.
    """
    results: dict[str, list[Any]] = {name: [] for name in jobs}
    for _ in range(repeat):
        for name, job in jobs.items():
            results[name].append(job())
    return results


# -- the reads behind each page, recorded from the real app ----------------------------------------

# The pages of reports/ui/main.py the bench times, in the app's order. "reports" is in: on load it
# reads the month's sla.summary (the PDF and the CSV/Excel downloads are built only on a click).
# "data" is out: it reads the ingest ledger and the quarantine (ledger.*, access.quarantined), no
# metric.
PAGE_SLUGS = ["overview", "uptime", "latency", "errors", "vitals", "deployments", "audit", "reports"]
APP = ROOT / "app.py"
PAGES_DIR = str(ROOT / "reports" / "ui" / "pages")


@dataclass(frozen=True)
class Read:
    """One read a page made: ``data.READERS[name](con, key.scope(), **extra)``."""

    name: str
    key: Any  # reports.ui.data.Key
    extra: dict[str, Any]
    in_page: bool  # False: made by the app's frame (the sidebar filters), before the page runs

    def label(self, month: str) -> str:
        """The reader's name and what sets this read apart (another period, kwargs, no filters)."""
        parts = [self.name]
        if self.key.label and self.key.label != month:
            parts.append(f"[{self.key.label}]")
        parts += [f"{k}={v}" for k, v in self.extra.items() if k != "viewer"]
        if self.key.environment is None and self.key.start:
            parts.append("(unfiltered)")
        return " ".join(parts)


@dataclass
class Recording:
    pages: dict[str, list[Read]]  # slug -> the page's own reads, in order
    frame: list[Read]  # the frame's reads (the same for every page; taken from the first page run)


def _called_from_a_page() -> bool:
    frame: FrameType | None = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename.startswith(PAGES_DIR):
            return True
        frame = frame.f_back
    return False


def record_pages(db: Path, config_path: Path, month: str, slugs: list[str] | None = None,
                 timeout: float = 3600.0) -> Recording:
    """Run each page of the real app once (headless, ``AppTest``) and record every read it makes.

    One session, as an admin (so nothing is hidden), the month ``month``, language en, the
    config's report environment, all routes. The Streamlit cache is cleared before each page, so
    every read the page makes is a cache miss and reaches ``reports.ui.data.compute``, which is
    wrapped to record (reader name, Key, extra kwargs) in call order. A page that raises or shows
    an error fails the recording with its name.
    """
    from streamlit.testing.v1 import AppTest

    from reports.ui import data
    from reports.ui import main as ui_main
    from reports.ui.labels import t

    wanted = list(slugs or PAGE_SLUGS)
    titles = {slug: label for slug, label, _ in ui_main.PAGES}
    unknown = [s for s in wanted if s not in titles]
    if unknown:
        raise ValueError(f"unknown pages {unknown} (the app has {list(titles)})")
    order = ["overview", *(s for s in titles if s in wanted and s != "overview")]  # a session starts on overview

    calls: list[Read] = []
    failures: list[tuple[str, BaseException]] = []
    original = data.compute

    def recording_compute(name: str, key: Any, **extra: Any) -> Any:
        calls.append(Read(name, key, dict(extra), _called_from_a_page()))
        try:
            return original(name, key, **extra)
        except BaseException as exc:
            failures.append((name, exc))
            raise

    saved_env = {k: os.environ.get(k) for k in ("REPORTS_DB", "REPORTS_CONFIG")}
    saved_cwd = os.getcwd()
    os.environ["REPORTS_DB"] = str(db)
    os.environ["REPORTS_CONFIG"] = str(config_path)
    os.chdir(ROOT)
    data.compute = recording_compute  # data._cached and data.read call it by its module name
    pages: dict[str, list[Read]] = {}
    frame: list[Read] | None = None
    try:
        at = AppTest.from_file(str(APP), default_timeout=timeout)
        at.secrets = {"bench": "no [auth] section: the local single user, an admin"}
        at.query_params.update({"month": month, "lang": "en"})
        for slug in order:
            data.clear()
            calls.clear()
            failures.clear()
            started = time.perf_counter()
            if slug != "overview":
                at.switch_page(ui_main.page_file(slug))
            try:
                at.run()
            except Exception as exc:
                raise RuntimeError(f"page {slug!r} failed in AppTest: {exc}") from exc
            problems = [e.value for e in at.exception] + [e.value for e in at.error]
            if problems or failures:
                cause = failures[0][1] if failures else None
                where = f" (reader {failures[0][0]})" if failures else ""
                raise RuntimeError(f"page {slug!r} failed{where}: {problems or repr(cause)}") from cause
            ctx = at.session_state["_ctx"]
            shown = at.title[0].value if at.title else None
            if shown != t(titles[slug], "en"):
                raise RuntimeError(f"page {slug!r}: expected the title {t(titles[slug], 'en')!r}, got {shown!r}")
            if ctx.viewer.role != "admin" or ctx.filters.month != month:
                raise RuntimeError(f"page {slug!r} ran as {ctx.viewer} for {ctx.filters.month}, not admin / {month}")
            if frame is None:
                frame = [r for r in calls if not r.in_page]
            if slug in wanted:
                pages[slug] = [r for r in calls if r.in_page]
                print(f"recorded {slug}: {len(pages[slug])} reads in {time.perf_counter() - started:.1f} s",
                      file=sys.stderr)
    finally:
        data.compute = original
        data.clear()
        os.chdir(saved_cwd)
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return Recording(pages={s: pages[s] for s in wanted}, frame=frame or [])


def replay(db: Path, reads: list[Read]) -> tuple[float, list[float]]:
    """One cold replay of ``reads``: a fresh read-only connection (its metric macros installed on first
    use, as in the app), then each read in order. Returns (seconds to open, seconds per read)."""
    from reports.ui import data

    t = time.perf_counter()
    con = warehouse.open_reader(db)
    opened = time.perf_counter() - t
    seconds = []
    try:
        for read in reads:
            t = time.perf_counter()
            data.READERS[read.name](con, read.key.scope(), **read.extra)
            seconds.append(time.perf_counter() - t)
    finally:
        con.close()
    return opened, seconds


def summarize_reads(runs: list[tuple[float, list[float]]]) -> tuple[float, float, float, list[float]]:
    """Over cold replays (:func:`replay` results): (median total incl. opening, best total, median
    opening, median of each read). The best run shows the cost without the noise of a shared machine."""
    totals = [opened + sum(seconds) for opened, seconds in runs]
    opened = statistics.median(r[0] for r in runs)
    each = [statistics.median(r[1][i] for r in runs) for i in range(len(runs[0][1]))]
    return statistics.median(totals), min(totals), opened, each


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
    parser.add_argument("--detail", action="store_true", help="print each read's time too")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    db, month = build(args.scale)
    config = load_config(CONFIG)
    t = time.perf_counter()
    recording = record_pages(db, CONFIG, month)
    print(f"recorded the pages' reads in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    con = warehouse.open_reader(db)
    scope = Scope.of(config, periods.month(month, config.report.timezone))
    counts = con.execute("SELECT (SELECT count(*) FROM vercel_requests), (SELECT count(*) FROM sentry_transactions), "
                         "(SELECT count(*) FROM probe_results)").fetchall()[0]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; DuckDB {duckdb.__version__}; "
          f"{counts[0]:,} requests, {counts[1]:,} transactions, {counts[2]:,} probes; median of {args.repeat} "
          "rounds, each round timing every figure once")
    print("| what | median (s) | best (s) |\n|---|---:|---:|")
    sections = [("app frame (sidebar filters; once per cold cache)", recording.frame),
                *((f"page: {slug}", reads) for slug, reads in recording.pages.items())]
    jobs: dict[str, Callable[[], Any]] = {
        "sla": lambda: once(db, lambda c: sla.summary(c, config, scope.period)),
        **{name: functools.partial(replay, db, reads) for name, reads in sections},
        "ours": lambda: once(db, lambda c: ours_equivalent(c, scope)),
        "pandas": lambda: pandas_version(con, scope),
    }
    results = round_robin(jobs, args.repeat)
    sla_s = results["sla"]
    print(f"| reports sla (summary + previous month) | {statistics.median(sla_s):.2f} | {min(sla_s):.2f} |")
    for name, reads in sections:
        total, best, opened, each = summarize_reads(results[name])
        print(f"| {name}, {len(reads)} reads | {total:.2f} | {best:.2f} |")
        if args.detail:
            print(f"|   · open the connection | {opened:.2f} | |")
            for read, seconds in zip(reads, each, strict=True):
                print(f"|   · {read.label(month)} | {seconds:.2f} | |")
    ours, ours_best = statistics.median(results["ours"]), min(results["ours"])
    runs = results["pandas"]
    load_s = statistics.median(r[0] for r in runs)
    compute_s = statistics.median(r[1] for r in runs)
    print(f"| request + latency figures, DuckDB SQL | {ours:.2f} | {ours_best:.2f} |")
    print(f"| same in pandas: compute only | {compute_s:.2f} | {min(r[1] for r in runs):.2f} |")
    print(f"| same in pandas: load + compute | {load_s + compute_s:.2f} | {min(r[0] + r[1] for r in runs):.2f} |")
    print(f"\nspeed-up vs pandas: {compute_s / ours:.1f}x (compute only), {(load_s + compute_s) / ours:.1f}x (with load)")
    con.close()


if __name__ == "__main__":
    main()
