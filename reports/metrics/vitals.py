"""Core Web Vitals from field data (Speed Insights, else Sentry pageload measurements).

The SQL files ``vitals_p75``, ``vitals_p75_by``, ``vitals_daily`` and ``vitals_worst_pages``
compute the p75 figures. ``vitals_p75`` is the overall figure in one lean pass (what the SLA
objectives and the overview's verdict need); the others read ``vitals_rollup``, one grouped pass
that yields the overall, per-device, per-route and per-day figures together, built once per reader
connection: a page or report that shows the splits reads its overall figure from there too
(``shared=True``). Both give the same rows (tested). This module adds the Core Web Vitals
assessment ("passes" = LCP, INP and CLS all rated good at p75). Lab data (Lighthouse) lives in
:mod:`reports.metrics.lighthouse` and is never mixed in.

>>> status = cwv_status(con, scope)  # doctest: +SKIP
>>> status["status"], status["inp_substituted_by_fid"]  # doctest: +SKIP
('pass', False)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from reports.errors import UsageError
from reports.metrics import scope as scopes

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from reports.metrics.scope import Scope

GroupBy = Literal["device", "route"]
GROUPS: dict[str | None, str] = {None: "none", "none": "none", "device": "device", "route": "route"}
CORE = ("LCP", "INP", "CLS")
# Google's thresholds: good <= first, needs improvement <= second, else poor (ms; CLS unitless)
THRESHOLDS: dict[str, tuple[float, float]] = {
    "LCP": (2500.0, 4000.0), "INP": (200.0, 500.0), "CLS": (0.1, 0.25),
    "FCP": (1800.0, 3000.0), "TTFB": (800.0, 1800.0), "FID": (100.0, 300.0),
}


def rate(metric: str, value: float | None) -> str:
    """The rating of one p75 value: ``good``, ``needs_improvement``, ``poor`` or ``no_data``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no_data"
    good, ni = THRESHOLDS[metric.upper()]
    return "good" if value <= good else "needs_improvement" if value <= ni else "poor"


def p75(con: duckdb.DuckDBPyConnection, scope: Scope, by: GroupBy | None = None, shared: bool = False) -> pd.DataFrame:
    """p75, rating and rating shares per metric, overall or split ``by`` device type or route.

    The overall figure comes from its own lean pass unless ``shared``: then from the grouped pass
    the splits, the daily trend and the worst pages share (cheaper when those are read too).
    """
    if by not in GROUPS:
        raise UsageError(f"vitals can be split by device or route, not {by!r}")
    if GROUPS[by] == "none" and not shared:
        return scopes.run(con, "vitals_p75", scope)
    return scopes.run(con, "vitals_p75_by", scope, group_by=GROUPS[by])


def daily(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """p75 per local day and metric (the trend; each day's p75 is over that day's samples)."""
    return scopes.run(con, "vitals_daily", scope)


def worst_pages(con: duckdb.DuckDBPyConnection, scope: Scope, min_samples: int = 20, limit: int = 10) -> pd.DataFrame:
    """The routes with the worst LCP, INP and CLS p75, among routes with at least ``min_samples``
    (the scope's routes: a scope with a route ranks that route alone)."""
    if min_samples < 1 or limit < 1:
        raise UsageError(f"min_samples and limit must be at least 1, got {min_samples} and {limit}")
    return scopes.run(con, "vitals_worst_pages", scope, min_samples=int(min_samples), limit=int(limit))


def assess(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The Core Web Vitals verdict from per-metric rows (``metric``, ``samples``, ``p75``).

    ``status`` is ``pass`` when LCP, INP and CLS are all good at p75, ``fail`` otherwise, and
    ``no_data`` when LCP or CLS has no samples, or neither INP nor FID has. FID stands in for INP
    only when INP has no samples, and ``inp_substituted_by_fid`` then says so.
    """
    by_metric: dict[str, dict[str, Any]] = {}
    for row in rows:
        samples = int(row.get("samples") or 0)
        value = row.get("p75")
        if samples == 0 or value is None or (isinstance(value, float) and math.isnan(value)):
            samples, value = 0, None
        by_metric[str(row["metric"]).upper()] = {"samples": samples, "p75": None if value is None else float(value)}
    empty = {"samples": 0, "p75": None}
    chosen = {m: by_metric.get(m, empty) for m in CORE}
    substituted = chosen["INP"]["samples"] == 0 and by_metric.get("FID", empty)["samples"] > 0
    if substituted:
        chosen["INP"] = by_metric["FID"]
    metrics = {
        m: {"metric": "FID" if (m == "INP" and substituted) else m, "samples": v["samples"], "p75": v["p75"],
            "rating": rate("FID" if (m == "INP" and substituted) else m, v["p75"])}
        for m, v in chosen.items()
    }
    missing = [m for m, v in metrics.items() if v["samples"] == 0]
    failing = [m for m, v in metrics.items() if v["rating"] not in ("good", "no_data")]
    status = "no_data" if missing else ("fail" if failing else "pass")
    return {
        "status": status,
        "passes": None if missing else not failing,
        "inp_substituted_by_fid": substituted,
        "missing": missing,
        "failing": [] if missing else failing,
        "metrics": metrics,
    }


def cwv_status(con: duckdb.DuckDBPyConnection, scope: Scope, shared: bool = False) -> dict[str, Any]:
    """Whether the scope passes Core Web Vitals at p75, with the figures and the source used
    (``shared``: the p75 from the grouped pass, as :func:`p75`)."""
    frame = p75(con, scope, shared=shared)
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    result = assess(records)
    sources = {r["source"] for r in records if r.get("source")}
    result["source"] = sources.pop() if sources else None
    result["sampled"] = bool(any(r.get("sampled") for r in records))
    return result


def cwv_status_by(con: duckdb.DuckDBPyConnection, scope: Scope, by: GroupBy) -> list[dict[str, Any]]:
    """:func:`cwv_status` per device type or per route (FID substitution decided per group)."""
    if by not in ("device", "route"):
        raise UsageError(f"Core Web Vitals can be split by device or route, not {by!r}")
    frame = p75(con, scope, by=by)
    key = "device_type" if by == "device" else "route"
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    groups: dict[Any, list[dict[str, Any]]] = {}
    for row in records:  # a handful of rows per group: composing a small result
        groups.setdefault(row[key], []).append(row)
    out = []
    for group, rows in sorted(groups.items(), key=lambda kv: str(kv[0])):
        result = assess(rows)
        result[key] = group
        result["source"] = rows[0].get("source")
        out.append(result)
    return out
