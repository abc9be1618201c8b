"""The day pass: requests built once per chunk of days, cut into every request-derived family.

Days are independent (all randomness is keyed by request id), so worker threads build chunks
of consecutive days in parallel, each with its own DuckDB connection and temporary ``req``
table; memory stays at one chunk (at most :data:`CHUNK_ROWS` requests, or one day) per worker
whatever the scale. Daily files are written directly; monthly files are joined
from per-day gzip parts in day order, so the result never depends on thread timing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from reports.demo import sentry, vercel, web
from reports.demo.engine import SPEED_INSIGHTS_RATE, TRACE_RATE, Engine
from reports.demo.output import Output
from reports.demo.timeline import Day, Scenario

# family -> (folder, file suffix)
MONTHLY = {
    "speed": ("vercel/speed-insights", ".ndjson.gz"),
    "analytics": ("vercel/analytics", ".ndjson.gz"),
    "traces": ("vercel/traces", ".ndjson.gz"),
    "errors": ("sentry/errors", ".ndjson.gz"),
}
PLANT_DAY = 4  # the bad records go into the 5th day of the last month
CHUNK_ROWS = 200_000  # requests built at once by one worker (bounds memory at any scale)
CHUNK_DAYS = 16


@dataclass
class ChunkResult:
    days: list[Day]
    parts: dict[str, tuple[Path, int]] = field(default_factory=dict)


def logs_rel(day: Day) -> str:
    return f"vercel/logs/{day.name}.ndjson.gz"


def transactions_rel(day: Day) -> str:
    return f"sentry/transactions/{day.name}.ndjson.gz"


def monthly_rel(family: str, month: str) -> str:
    folder, suffix = MONTHLY[family]
    return f"{folder}/{month}{suffix}"


def runtime_rel(deployment: str) -> str:
    return f"vercel/runtime-logs/{deployment}.jsonl"


def chunks(days: list[Day]) -> list[list[Day]]:
    """Consecutive days of one month, up to CHUNK_ROWS requests (and CHUNK_DAYS days) each."""
    found: list[list[Day]] = []
    for day in days:
        last = found[-1] if found else None
        if (last and last[0].month == day.month and len(last) < CHUNK_DAYS
                and sum(d.n for d in last) + day.n <= CHUNK_ROWS):
            last.append(day)
        else:
            found.append([day])
    return found


def run(engine: Engine, s: Scenario, out: Output, tmp: Path,
        progress: Callable[[str], None] | None = None) -> None:
    """Write every request-derived file of the period."""
    last = [d for d in s.days if d.month == s.months[-1]]
    plant = last[min(PLANT_DAY, len(last) - 1)]
    runtime_dep = s.regression("error").uid
    baseline = next(d.uid for d in s.deployments if d.target == "production" and d.state == "READY")

    def work(days: list[Day]) -> ChunkResult:
        cur = engine.cursor()
        result = ChunkResult(days)
        try:
            engine.build(cur, days)
            planted = plant in days
            rels = [logs_rel(day) for day in days]
            bad = vercel.bad_log_lines(plant, baseline) if planted else []
            for rel, count in zip(rels, vercel.write_logs(cur, days, [out.path(r) for r in rels], bad), strict=True):
                out.add(rel, count)
            if bad:
                out.plant(logs_rel(plant), len(bad), "a cut-off line, a record without deploymentId, a timestamp as text")
            rels = [transactions_rel(day) for day in days]
            bad = sentry.bad_transaction_lines(plant) if planted else []
            counts = sentry.write_transactions(cur, days, [out.path(r) for r in rels], bad)
            for rel, count in zip(rels, counts, strict=True):
                out.add(rel, count)
            if bad:
                out.plant(transactions_rel(plant), len(bad), "a transaction without timestamp, a cut-off line")
            folder = tmp / days[0].name
            folder.mkdir(parents=True, exist_ok=True)
            part = folder / "speed.gz"
            monthly_bad = web.bad_speed_lines(plant) if planted else []
            result.parts["speed"] = (part, web.write_speed_part(cur, part, SPEED_INSIGHTS_RATE, monthly_bad))
            part = folder / "analytics.gz"
            monthly_bad = web.bad_analytics_lines(plant) if planted else []
            result.parts["analytics"] = (part, web.write_analytics_part(cur, part, monthly_bad))
            part = folder / "traces.gz"
            result.parts["traces"] = (part, vercel.write_traces_part(cur, part, TRACE_RATE))
            part = folder / "errors.gz"
            monthly_bad = sentry.bad_error_lines(plant) if planted else []
            result.parts["errors"] = (part, sentry.write_errors_part(cur, part, monthly_bad))
            part = folder / "runtime.jsonl"
            result.parts["runtime"] = (part, vercel.write_runtime_part(cur, part, runtime_dep))
        finally:
            cur.close()
        return result

    workers = max(1, min(4, os.cpu_count() or 1))
    results: list[ChunkResult] = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="demo-days") as pool:
        for result in pool.map(work, chunks(s.days)):
            results.append(result)
            if progress:
                count = sum(d.n for d in result.days)
                progress(f"requests {result.days[0].name}..{result.days[-1].name}: {count:,}")
    for month in s.months:
        chosen = [r for r in results if r.days[0].month == month]
        for family in MONTHLY:
            parts = [r.parts[family] for r in chosen]
            out.concat(monthly_rel(family, month), [p for p, _ in parts], sum(n for _, n in parts))
    out.plant(monthly_rel("speed", plant.month), 2, "a record without metricType, a record without timestamp")
    out.plant(monthly_rel("analytics", plant.month), 2, "a record without timestamp, a cut-off line")
    out.plant(monthly_rel("errors", plant.month), 1, "an error event without timestamp")
    runtime = [r.parts["runtime"] for r in results if r.parts["runtime"][1] > 0]
    rel = runtime_rel(runtime_dep)
    cut = tmp / "runtime-cut.jsonl"  # `vercel logs` stopped with Ctrl-C mid-line
    cut.write_text(vercel.cut_runtime_line(runtime_dep), encoding="utf-8")
    out.concat(rel, [p for p, _ in runtime] + [cut], 1 + sum(n for _, n in runtime))
    out.plant(rel, 1, "the last line cut off (the command was interrupted)")
