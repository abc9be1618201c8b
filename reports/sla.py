"""The monthly SLA summary: every objective against its target (METRICS.md "Monthly SLA summary").

:func:`summary` returns exactly the JSON shape of ``reports sla --month YYYY-MM --json``; the app,
the PDF and the notebooks show the same numbers. Numbers are unrounded; rounding is presentation.

>>> s = summary(con, config, periods.month("2026-10", "Asia/Seoul"))  # doctest: +SKIP
>>> [(o["id"], o["status"]) for o in s["objectives"]]  # doctest: +SKIP
[('uptime', 'met'), ('error_rate', 'met'), ('mean_response_ms', 'met'), ...]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import duckdb
import pandas as pd

from reports import metrics, periods
from reports.config import Config
from reports.errors import ConfigError
from reports.metrics import budget, latency, requests, uptime, vitals
from reports.metrics.scope import Scope
from reports.periods import Period

# objective id -> (comparison, unit)
OBJECTIVES: dict[str, tuple[str, str]] = {
    "uptime": (">=", "fraction"),
    "error_rate": ("<", "fraction"),
    "mean_response_ms": ("<", "ms"),
    "lcp_p75_ms": ("<=", "ms"),
    "inp_p75_ms": ("<=", "ms"),
    "cls_p75": ("<=", "unitless"),
}
_VITAL = {"lcp_p75_ms": "LCP", "inp_p75_ms": "INP", "cls_p75": "CLS"}


def status(actual: float | None, target: float, comparison: str) -> str:
    """``met``, ``missed`` or ``no_data`` (no data is never good data)."""
    if actual is None or (isinstance(actual, float) and math.isnan(actual)):
        return "no_data"
    holds = {">=": actual >= target, "<": actual < target, "<=": actual <= target}[comparison]
    return "met" if holds else "missed"


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _clean(value: Any) -> Any:
    """Plain JSON values: NaN → None, numpy scalars → Python numbers."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def check_objectives(config: Config) -> None:
    unknown = sorted(set(config.objectives) - set(OBJECTIVES))
    if unknown:
        raise ConfigError(
            f"{config.path or 'config'}: key 'objectives.{unknown[0]}' is not a known objective "
            f"(known: {', '.join(OBJECTIVES)})"
        )


def objectives(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[dict[str, Any]]:
    """One entry per configured objective: target, comparison, actual, status, source, samples, ..."""
    config = scope.config
    check_objectives(config)
    out = []
    up = req = lat = None
    vit: dict[str, dict[str, Any]] | None = None
    for oid in OBJECTIVES:
        if oid not in config.objectives:
            continue
        target = config.objectives[oid].target
        comparison = OBJECTIVES[oid][0]
        entry: dict[str, Any] = {"id": oid, "target": target, "comparison": comparison}
        if oid == "uptime":
            up = up or uptime.summary(con, scope)
            b = budget.compute("uptime", target, up["down_s"] or 0.0, up["monitored_s"] or 0.0)
            entry.update(actual=up["uptime"], source="probes", samples=up["probes"],
                         budget_remaining=b.remaining, downtime_s=up["down_s"], monitored_s=up["monitored_s"],
                         incidents=up["incidents"])
        elif oid == "error_rate":
            req = req or requests.error_rate(con, scope)
            b = budget.compute("error_rate", target, req["errors"] or 0, req["requests"] or 0)
            entry.update(actual=req["error_rate"], source=req["source"], samples=req["requests"],
                         budget_remaining=b.remaining, errors=req["errors"],
                         request_availability=req["request_availability"], sampled=req.get("sampled"))
        elif oid == "mean_response_ms":
            lat = lat or latency.summary(con, scope)
            entry.update(actual=lat["mean_ms"], source=lat["source"], samples=lat["count"],
                         p50=lat["p50_ms"], p90=lat["p90_ms"], p95=lat["p95_ms"], p99=lat["p99_ms"],
                         share_under_target=lat["share_under_target"])
        else:
            if vit is None:
                frame = vitals.p75(con, scope)
                vit = {r["metric"]: r for r in frame.astype(object).where(frame.notna(), None).to_dict("records")}
            row = vit.get(_VITAL[oid], {})
            entry.update(actual=row.get("p75"), source=row.get("source"), samples=row.get("samples") or 0,
                         rating=row.get("rating"))
        entry["status"] = status(entry["actual"], target, comparison)
        out.append({k: _clean(v) for k, v in entry.items()})
    return out


def before_any_data(con: duckdb.DuckDBPyConnection, period: Period) -> bool:
    """Whether ``period`` ends before the first sample of every objective's sources (all no_data)."""
    first = metrics.run(con, "objective_data_start")["first_sample"].iloc[0]
    return first is None or pd.isna(first) or period.end <= pd.Timestamp(first).to_pydatetime()


def trend_entries(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[dict[str, Any]]:
    """``id, target, comparison, actual, status`` of each objective for the scope's period, as
    :func:`objectives` has them; a period before any data is answered without running a query."""
    if not before_any_data(con, scope.period):
        return objectives(con, scope)
    check_objectives(scope.config)
    return [{"id": oid, "target": scope.config.objectives[oid].target, "comparison": OBJECTIVES[oid][0],
             "actual": None, "status": status(None, 0.0, OBJECTIVES[oid][0])}
            for oid in OBJECTIVES if oid in scope.config.objectives]


TREND_KEYS = ("id", "actual", "status", "target", "comparison")


def trend(con: duckdb.DuckDBPyConnection, scope: Scope, months: int,
          known: Mapping[str, list[dict[str, Any]]] | None = None) -> list[dict[str, Any]]:
    """Each objective in the ``months`` calendar months ending with the scope's month (the month
    of the period's last day), oldest first: one row per month and objective with ``month`` (its
    label) and ``id, actual, status, target, comparison`` as :func:`trend_entries` has them.

    ``known`` maps a month's label to entries the caller computed already (the PDF has this
    month's objectives and last month's actuals from the summary); those months run no query.
    """
    rows: list[dict[str, Any]] = []
    for period in periods.months_back(periods.month_of(scope.period.last_day, scope.period.timezone), months):
        entries = (known or {}).get(period.label)
        if entries is None:
            entries = trend_entries(con, scope.with_period(period))
        rows += [{"month": period.label, **{k: e[k] for k in TREND_KEYS}} for e in entries]
    return rows


def summary(con: duckdb.DuckDBPyConnection, config: Config, period: Period) -> dict[str, Any]:
    """The month's SLA summary in the METRICS.md JSON shape."""
    scope = Scope.of(config, period)
    entries = objectives(con, scope)
    up = uptime.summary(con, scope)
    incident_rows = uptime.incidents(con, scope)
    incidents = [
        {"start": _iso(r["start"]), "end": _iso(r["end"]), "duration_s": _clean(r["duration_s"]),
         "monitors": list(r["monitors"]), "failed_probes": _clean(r["failed_probes"]),
         "first_error": _clean(r["first_error"]), "clipped_start": bool(r["clipped_start"]),
         "clipped_end": bool(r["clipped_end"])}
        for r in incident_rows.to_dict("records")
    ]
    previous = period.previous_month()
    before = {e["id"]: e["actual"] for e in objectives(con, scope.with_period(previous))}
    return {
        "month": period.label,
        "timezone": period.timezone,
        "period": {"start": _iso(period.start), "end": _iso(period.end)},
        "objectives": entries,
        "incidents": incidents,
        "coverage": {"monitored_fraction": _clean(up["monitored_fraction"]), "maintenance_s": _clean(up["maintenance_s"]),
                     "unmonitored_s": _clean(up["unmonitored_s"])},
        "previous_month": {k: _clean(v) for k, v in before.items()},
    }
