"""Every figure of the monthly report, gathered once from the library (no SQL here).

:func:`gather` calls :func:`reports.sla.summary` (the same code as ``reports sla --json``) and
the metric API of :mod:`reports.metrics`, and returns plain values and DataFrames; the
templates only format them. Nothing here depends on the report language.

>>> ctx = gather(con, config, periods.month("2026-10", "Asia/Seoul"))  # doctest: +SKIP
>>> ctx["summary"]["objectives"][0]["actual"]  # doctest: +SKIP
0.99778
"""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from reports import ledger, periods, sla
from reports.config import Config
from reports.metrics import budget, deployments, errors, latency, lighthouse, requests, uptime, vitals
from reports.metrics.scope import Scope
from reports.periods import Period

TREND_MONTHS = 7
RELATED_DEPLOY_S = deployments.WINDOW_S
WORST_ROUTES = 12
NOTABLE_CHANGE = 0.10  # the verdict mentions a change of 10 % or more of the bad side
MIN_ROUTE_SAMPLES = 20  # fewer samples give a p95 too noisy to rank routes by
TOP_ISSUES = 10
RATIO_IDS = ("uptime", "error_rate")
# ledger kinds → the report's source names (for the appendix's ledger table)
LEDGER_SOURCES = {
    "probes": "probes", "kuma_heartbeats": "probes", "upptime_summary": "probes",
    "vercel_logs": "vercel_logs", "vercel_runtime_logs": "vercel_logs", "vercel_traces": "trace_spans",
    "sentry_events": "sentry_transactions", "sentry_discover": "sentry_transactions",
    "sentry_issues": "sentry_errors", "sentry_stats": "sentry_errors",
    "vercel_speed_insights": "speed_insights", "vercel_analytics": "speed_insights",
    "vercel_deployments": "vercel_deployments",
    "lighthouse_lhr": "lighthouse", "lhci_manifest": "lighthouse", "lhci_assertions": "lighthouse",
}


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def plain(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame rows as dicts with ``None`` for missing values (templates test ``is none``)."""
    if frame is None or frame.empty:
        return []
    records: list[dict[str, Any]] = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return records


def config_version(config: Config) -> str:
    """A short hash of the config file's content (of the effective settings when there is no file)."""
    data: bytes | None = None
    if config.path and Path(config.path).is_file():
        data = Path(config.path).read_bytes()
    if data is None:
        data = config.model_dump_json().encode()
    return hashlib.sha256(data).hexdigest()[:12]


def fingerprint(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """sha256 over the sorted sha256 of every loaded file in the ingest ledger, with per-kind totals."""
    files = ledger.files(con, limit=10**9)
    loaded = files[files["status"] == "loaded"] if not files.empty else files
    hashes = sorted(str(h) for h in loaded["sha256"].dropna()) if not loaded.empty else []
    digest = hashlib.sha256("\n".join(hashes).encode()).hexdigest()
    kinds: list[dict[str, Any]] = []
    if not files.empty:
        grouped = files.groupby("kind", dropna=False).agg(
            files=("file_id", "count"), loaded_files=("status", lambda s: int((s == "loaded").sum())),
            rows=("loaded", "sum"), duplicates=("duplicates", "sum"), rejected=("rejected", "sum"))
        for kind, row in grouped.iterrows():
            kinds.append({"kind": str(kind), "source": LEDGER_SOURCES.get(str(kind)), "files": int(row["files"]),
                          "loaded_files": int(row["loaded_files"]), "rows": int(row["rows"]),
                          "duplicates": int(row["duplicates"]), "rejected": int(row["rejected"])})
    return {"sha256": digest, "files": len(hashes), "kinds": kinds,
            "quarantined": ledger.quarantine_count(con) if not files.empty else 0}


def _days_with(frame: pd.DataFrame, column: str | None = None) -> int:
    if frame is None or frame.empty:
        return 0
    if column is None:
        return int(frame["day"].nunique())
    return int(frame.loc[frame[column].fillna(0) > 0, "day"].nunique())


def _delta(objective: dict[str, Any], before: float | None) -> dict[str, Any]:
    actual = objective["actual"]
    if actual is None or before is None:
        return {"id": objective["id"], "before": before, "delta": None, "direction": None}
    delta = actual - before
    lower_is_better = objective["comparison"] in ("<", "<=")
    if delta == 0:
        direction = "same"
    else:
        direction = "better" if (delta < 0) == lower_is_better else "worse"
    # relative change of the "bad" side (downtime share for uptime, the value itself otherwise)
    bad_now, bad_before = (1 - actual, 1 - before) if not lower_is_better else (actual, before)
    relative = abs(bad_now - bad_before) / abs(bad_before) if bad_before else (math.inf if bad_now else 0.0)
    return {"id": objective["id"], "before": before, "delta": delta, "direction": direction,
            "relative": relative, "notable": relative >= NOTABLE_CHANGE}


def _overlap_s(start: datetime, end: datetime, period: Period) -> float:
    lo, hi = max(start, period.start), min(end, period.end)
    return max((hi - lo).total_seconds(), 0.0)


def _credit(config: Config, uptime_actual: float | None) -> dict[str, Any] | None:
    """The SLA credit for the month's uptime from the config's tiers (``credits``), or None without tiers."""
    tiers = getattr(config, "credits", None)
    if not tiers:
        return None
    rows = []
    for tier in tiers:
        below = tier.get("uptime_below") if isinstance(tier, dict) else getattr(tier, "uptime_below", None)
        percent = tier.get("credit_percent") if isinstance(tier, dict) else getattr(tier, "credit_percent", None)
        if below is None or percent is None:
            continue
        rows.append({"uptime_below": float(below), "credit_percent": float(percent),
                     "applies": uptime_actual is not None and uptime_actual < float(below)})
    rows.sort(key=lambda r: r["uptime_below"], reverse=True)
    applied = [r["credit_percent"] for r in rows if r["applies"]]
    return {"tiers": rows, "uptime": uptime_actual,
            "credit_percent": None if uptime_actual is None else (max(applied) if applied else 0.0)}


def _related_deployments(incidents: pd.DataFrame, production: pd.DataFrame) -> list[list[str]]:
    """Per incident, the production deployments ready in the hour before it started (or during it)."""
    out: list[list[str]] = []
    if incidents.empty:
        return out
    ready = production.dropna(subset=["ready_at"]) if not production.empty else production
    for inc in incidents.itertuples(index=False):
        if ready.empty:
            out.append([])
            continue
        lo = inc.start - timedelta(seconds=RELATED_DEPLOY_S)
        hits = ready[(ready["ready_at"] >= lo) & (ready["ready_at"] <= inc.end)]
        out.append([str(u) for u in hits["uid"]])
    return out


def _worst_routes(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The slowest routes by p95 (among routes with enough samples to rank) plus every route with a target."""
    if frame.empty:
        return []
    rankable = frame[frame["count"] >= MIN_ROUTE_SAMPLES]
    ranked = rankable.sort_values(["p95_ms"], ascending=False, na_position="last")
    targeted = frame[frame["target_pattern"].notna()]
    chosen = pd.concat([ranked.head(WORST_ROUTES), targeted]).drop_duplicates(subset=["route"])
    return plain(chosen.sort_values(["p95_ms"], ascending=False, na_position="last"))


def _lighthouse_summary(trend: pd.DataFrame, assertions: pd.DataFrame) -> list[dict[str, Any]]:
    if trend.empty:
        return []
    grouped = trend.groupby(["url", "form_factor"], dropna=False).agg(
        runs=("day", "nunique"), performance_score=("performance_score", "median"), lcp_ms=("lcp_ms", "median"),
        cls=("cls", "median"), tbt_ms=("tbt_ms", "median")).reset_index()
    status = {} if assertions.empty else dict(zip(assertions["url"], assertions["status"], strict=False))
    rows = plain(grouped)
    for row in rows:
        row["assertions"] = status.get(row["url"])
    return rows


def _vitals_table(overall: pd.DataFrame, by_device: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    device = plain(by_device)
    for row in plain(overall):
        entry = {"metric": row["metric"], "overall": row, "devices": {}}
        for d in device:
            if d["metric"] == row["metric"] and d.get("device_type"):
                entry["devices"][str(d["device_type"])] = d
        rows.append(entry)
    return rows


def _budgets(con: duckdb.DuckDBPyConnection, scope: Scope, up: dict[str, Any],
             req: dict[str, Any]) -> list[dict[str, Any]]:
    """The ratio objectives' error budgets in their own units (minutes, requests), with the burn-down."""
    out = []
    for oid in RATIO_IDS:
        if oid not in scope.config.objectives:
            continue
        target = scope.config.objectives[oid].target
        if oid == "uptime":
            b = budget.compute(oid, target, up["down_s"] or 0.0, up["monitored_s"] or 0.0)
            scale = 1 / 60  # seconds → minutes
        else:
            b = budget.compute(oid, target, req["errors"] or 0, req["requests"] or 0)
            scale = 1.0
        out.append({"id": oid, "unit": "minutes" if oid == "uptime" else "requests", "target": target,
                    "allowed": b.allowed * scale, "bad": b.bad * scale,
                    "left": (b.allowed - b.bad) * scale if b.consumed is not None else None,
                    "consumed": b.consumed, "remaining": b.remaining,
                    "burn_down": budget.burn_down(con, scope, oid, shared=True)})
    return out


def _trends(con: duckdb.DuckDBPyConnection, scope: Scope, summary: dict[str, Any]) -> dict[str, Any]:
    """Each objective in this month and the 6 before it (``sla.objectives`` per month); this month
    and the previous one come from the summary, which computed them already."""
    period = scope.period
    objectives = summary["objectives"]
    previous = summary["previous_month"]
    known = {
        period.label: objectives,
        period.previous_month().label: [
            {**o, "actual": previous.get(o["id"]), "status": sla.status(previous.get(o["id"]), o["target"], o["comparison"])}
            for o in objectives],
    }
    months = periods.months_back(period, TREND_MONTHS)
    return {"months": [m.label for m in months], "rows": sla.trend(con, scope, TREND_MONTHS, known)}


def gather(con: duckdb.DuckDBPyConnection, config: Config, period: Period,
           now: datetime | None = None) -> dict[str, Any]:
    """Every figure the report shows, for ``period`` (a month), as plain values and DataFrames."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    scope = Scope.of(config, period)
    summary = sla.summary(con, config, period)
    objectives = summary["objectives"]
    by_id = {o["id"]: o for o in objectives}

    up = uptime.summary(con, scope)
    up_daily = uptime.daily(con, scope)
    incidents = uptime.incidents(con, scope)
    if not incidents.empty:  # DuckDB lists arrive as numpy arrays; templates and charts want lists
        incidents["monitors"] = incidents["monitors"].map(lambda v: [str(x) for x in v] if v is not None else [])
    monitors = uptime.by_monitor(con, scope)
    req = requests.summary(con, scope)
    req_trend = requests.trend(con, scope, "day", shared=True)  # from the summary's grouped pass
    lat = latency.summary(con, scope)
    lat_daily = latency.daily(con, scope)
    routes = latency.by_route(con, scope)
    err = errors.summary(con, scope)
    err_daily = errors.daily(con, scope)
    frontend = errors.frontend_rate(con, scope)
    vit = vitals.p75(con, scope)
    vit_device = vitals.p75(con, scope, by="device")
    vit_daily = vitals.daily(con, scope)
    cwv = vitals.cwv_status(con, scope)
    lh_trend = lighthouse.trend(con, scope)
    timeline = deployments.timeline(con, scope)
    production = deployments.production_deployments(con, scope)
    impact = deployments.impact(con, scope)

    budgets = _budgets(con, scope, up, req)

    changes = [_delta(o, summary["previous_month"].get(o["id"])) for o in objectives]

    # data sources: what each objective used, how much data the month holds, sampled or not
    days = len(period.days())
    vitals_source = cwv.get("source")
    used: dict[str, list[str]] = {}
    for o in objectives:
        if o.get("source"):
            used.setdefault(o["source"], []).append(o["id"])
    sources = [
        {"key": "probes", "records": up["probes"] or 0, "days": _days_with(up_daily, "monitored_s"),
         "sampled": False, "coverage": up["monitored_fraction"]},
        {"key": req["source"] or "vercel_logs", "records": req["requests"] or 0, "days": _days_with(req_trend, "requests"),
         "sampled": bool(req["sampled"]), "estimated": req["scaled_requests"]},
        {"key": lat["source"] or "sentry_transactions", "records": lat["count"] or 0,
         "days": _days_with(lat_daily, "count"), "sampled": bool(lat["sampled"]), "estimated": lat["scaled_count"]},
        {"key": vitals_source or "speed_insights",
         "records": int(vit["samples"].max()) if not vit.empty else 0, "days": _days_with(vit_daily),
         "sampled": bool(cwv.get("sampled"))},
        {"key": "sentry_errors", "records": err["events"] or 0, "days": _days_with(err_daily, "events"),
         "sampled": False},
        {"key": "vercel_deployments", "records": len(timeline),
         "days": int(pd.to_datetime(timeline["placed_at"], utc=True).dt.tz_convert(config.report.timezone)
                     .dt.date.nunique()) if not timeline.empty else 0, "sampled": False},
        {"key": "lighthouse", "records": len(lh_trend), "days": _days_with(lh_trend), "sampled": False},
    ]
    seen: set[str] = set()
    for s in sources:
        s["used_for"] = [] if s["key"] in seen else used.get(s["key"], [])
        seen.add(s["key"])
        s["period_days"] = days

    # exclusions
    windows = []
    for w in config.maintenance:
        overlap = _overlap_s(w.start, w.end, period)
        if overlap > 0:
            windows.append({"start": w.start, "end": w.end, "reason": w.reason, "approved_by": w.approved_by,
                            "seconds": overlap})
    empty_sources = [s["key"] for s in sources if not s["records"]]
    partial_days = [s for s in sources if s["records"] and s["days"] < days and s["key"] not in
                    ("vercel_deployments", "lighthouse", "sentry_errors")]

    # what the ledger holds for each source (all periods: the ledger does not cut files by month)
    prints = fingerprint(con)
    for s in sources:
        kinds = [k for k in prints["kinds"] if k["source"] == s["key"]]
        s["files"] = sum(k["loaded_files"] for k in kinds)
        s["rejected"] = sum(k["rejected"] for k in kinds)

    up_obj = by_id.get("uptime")
    ctx: dict[str, Any] = {
        "meta": {
            "service": config.report.service,
            "period": period,
            "month": period.label,
            "timezone": period.timezone,
            "environment": config.report.environment,
            "generated": now,
            "partial": now < period.end,
            "config_version": config_version(config),
            "config_path": Path(config.path).name if config.path else None,
            "days": days,
        },
        "summary": summary,
        "objective_changes": changes,
        "sources": sources,
        "uptime": {"summary": up, "daily": up_daily, "incidents": plain(incidents), "incidents_frame": incidents,
                   "related": _related_deployments(incidents, production), "monitors": plain(monitors),
                   "request_availability": req["request_availability"], "target": up_obj["target"] if up_obj else None},
        "budgets": budgets,
        "requests": {"summary": req, "trend": req_trend, "status_classes": _status_classes(con, scope)},
        "latency": {"summary": lat, "daily": lat_daily, "routes": _worst_routes(routes),
                    "target_ms": config.objectives["mean_response_ms"].target
                    if "mean_response_ms" in config.objectives else None},
        "errors": {"summary": err, "frontend": frontend, "top": plain(errors.top_issues(con, scope, TOP_ISSUES)),
                   "new": plain(errors.new_issues(con, scope))},
        "vitals": {"table": _vitals_table(vit, vit_device), "cwv": cwv, "frame": vit,
                   "worst": plain(vitals.worst_pages(con, scope, limit=5)),
                   "lighthouse": _lighthouse_summary(lh_trend, lighthouse.assertions(con, scope))},
        "deployments": {"stats": plain(deployments.stats(con, scope)), "timeline": timeline, "production": production,
                        "impact": impact, "regressions": plain(impact[impact["verdict"] == deployments.REGRESSION])
                        if not impact.empty else [],
                        "cfr": deployments.change_failure_rate(con, scope, assessed_impact=impact)},
        "trends": _trends(con, scope, summary),
        "exclusions": {"windows": windows, "maintenance_s": up["maintenance_s"] or 0.0,
                       "unmonitored_s": up["unmonitored_s"] or 0.0, "monitored_fraction": up["monitored_fraction"],
                       "empty_sources": empty_sources, "partial_sources": partial_days},
        "credits": _credit(config, up_obj["actual"] if up_obj else None),
        "fingerprint": prints,
    }
    return ctx


def _status_classes(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[dict[str, Any]]:
    """Requests per status class (2xx … 5xx), summed over the codes of each class."""
    frame = requests.status_classes(con, scope)
    if frame.empty:
        return []
    grouped = frame.groupby("status_class", dropna=False).agg(
        requests=("requests", "sum"), scaled=("scaled_requests", "sum"), share=("share", "sum"),
        codes=("status_code", lambda s: ", ".join(str(int(c)) for c in s.dropna()))).reset_index()
    return plain(grouped.sort_values("status_class"))
