"""The report's charts: the app's plotly figures (:mod:`reports.charts`) exported as PNG data URIs.

Kaleido (1.x) drives the system Chromium. :func:`export_session` starts its sync server once per
report (about 2 s) so each image after the first takes ~0.15 s, and stops it afterwards unless it
was already running (the app may keep one). Images are PNG at 2x, embedded as
``data:image/png;base64,...`` ``<img>`` sources, so WeasyPrint scales them to the page width.

A chart that cannot be built or exported is left out (``None``) and the template says so; the
report never fails for a chart.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from reports import charts
from reports.i18n import Lang, fmt_value, objective_label
from reports.report.text import label

log = logging.getLogger(__name__)

WIDTH_PX = 760  # ~ the A4 text width at 96 dpi, so chart fonts print at about their nominal size
SCALE = 2
_LOCK = threading.RLock()  # re-entrant: a caller may hold a session around several reports
_CALENDAR_SCALE = [[0.0, charts.STATUS_COLORS["no_data"]], [0.25, charts.STATUS_COLORS["no_data"]],
                   [0.25, "#ef9a9a"], [0.5, "#ef9a9a"], [0.5, "#a5d6a7"], [0.75, "#a5d6a7"],
                   [0.75, "#4caf50"], [1.0, "#4caf50"]]


@contextlib.contextmanager
def export_session() -> Iterator[None]:
    """Keep one kaleido server running while the body exports images (reuse one that runs already)."""
    import kaleido
    from kaleido import _sync_server

    with _LOCK:
        running = _sync_server.GlobalKaleidoServer().is_running()
        if not running:
            kaleido.start_sync_server(silence_warnings=True)
        try:
            yield
        finally:
            if not running:
                kaleido.stop_sync_server(silence_warnings=True)


def to_data_uri(fig: go.Figure, width: int = WIDTH_PX) -> str:
    """The figure as a PNG (2x) data URI."""
    import kaleido

    height = int(fig.layout.height or 360)
    png = kaleido.calc_fig_sync(fig, opts={"format": "png", "width": width, "height": height, "scale": SCALE})
    if isinstance(png, Exception):  # the sync server hands exceptions back as values
        raise png
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


_DATE_TICKS = {"ko": "%-m월 %-d일", "en": "%b %-d"}


def _is_dates(values: Any) -> bool:
    if values is None or len(values) == 0:
        return False
    first = next((v for v in values if v is not None), None)
    return isinstance(first, (datetime, date, np.datetime64, pd.Timestamp))


def _print_layout(fig: go.Figure, lang: Lang) -> go.Figure:
    """Print tweaks: no hover, white paper, date ticks written the language's way (10월 4일 / Oct 4)."""
    fig.update_layout(hovermode=False, paper_bgcolor="white")
    axes = {getattr(trace, "xaxis", None) or "x" for trace in fig.data if _is_dates(getattr(trace, "x", None))}
    for axis in axes:
        name = "xaxis" + axis[1:]
        if fig.layout[name].tickformat in (None, ""):
            fig.layout[name].tickformat = _DATE_TICKS[lang]
    return fig


def _daily_fallback(frame: pd.DataFrame, column: str, title: str, target: float | None, objective: str,
                    lang: Lang, kind: str = "bar") -> go.Figure:
    """A plain daily chart with a target line (used when :mod:`reports.charts` lacks a builder)."""
    fig = go.Figure()
    if frame is not None and not frame.empty and column in frame:
        x = pd.to_datetime(frame["day"])
        trace = go.Bar(x=x, y=frame[column], marker={"color": "#1f4e79"}) if kind == "bar" else \
            go.Scatter(x=x, y=frame[column], mode="lines+markers", line={"color": "#1f4e79"})
        fig.add_trace(trace)
    if target is not None:
        fig.add_hline(y=target, line={"color": "#424242", "dash": "dash"},
                      annotation={"text": f"{label('target', lang)} {fmt_value(objective, target, lang)}"})
    fig.update_layout(title=title, height=320, template="plotly_white", showlegend=False,
                      font={"family": "NanumGothic, sans-serif"})
    return fig


def _builders(ctx: dict[str, Any], lang: Lang) -> tuple[dict[str, Callable[[], go.Figure]], list[str]]:
    """The chart builders of the report, and the names of charts left out for lack of data."""
    meta = ctx["meta"]
    period = meta["period"]
    tz = meta["timezone"]
    up = ctx["uptime"]
    lat = ctx["latency"]
    req = ctx["requests"]
    dep = ctx["deployments"]
    objectives = {o["id"]: o for o in ctx["summary"]["objectives"]}
    er_target = objectives["error_rate"]["target"] if "error_rate" in objectives else None

    def uptime_daily() -> go.Figure:
        if hasattr(charts, "uptime_calendar") and up["target"] is not None:
            fig = charts.uptime_calendar(up["daily"], up["target"], lang)
            # its categories 0..3 (no data, missed, met, perfect) drawn over zmin -0.5 .. zmax 3.5 sit at
            # 0.125, 0.375, 0.625, 0.875: the colour bands must change between them, not at them
            return fig.update_traces(colorscale=_CALENDAR_SCALE, selector={"type": "heatmap"})
        return _daily_fallback(up["daily"], "uptime", label("daily_uptime", lang), up["target"], "uptime", lang)

    def incidents() -> go.Figure:
        windows = [{"start": w["start"], "end": w["end"], "reason": w["reason"]} for w in ctx["exclusions"]["windows"]]
        return charts.incident_timeline(up["incidents_frame"], period.start, period.end, lang, tz,
                                        deployments=dep["production"], maintenance=windows)

    def latency_daily() -> go.Figure:
        if hasattr(charts, "latency_daily"):
            return charts.latency_daily(lat["daily"], lat["target_ms"], lang)
        return _daily_fallback(lat["daily"], "mean_ms", label("latency", lang), lat["target_ms"],
                               "mean_response_ms", lang, "line")

    def error_trend() -> go.Figure:
        if hasattr(charts, "error_rate_trend"):
            fig = charts.error_rate_trend(req["trend"], er_target, lang)
            # the request bars sit on the secondary axis, drawn over the error-rate line: let it show through
            return fig.update_traces(opacity=0.45, selector={"type": "bar"})
        return _daily_fallback(req["trend"], "error_rate", label("error_rate", lang), er_target, "error_rate", lang)

    def vitals_p75() -> go.Figure:
        return charts.vitals_p75(ctx["vitals"]["frame"], lang, metrics=("LCP", "INP", "CLS"), height=430)

    def deploy_timeline() -> go.Figure:
        return charts.deployment_timeline(dep["timeline"], lang, tz, impact=dep["impact"], start=period.start,
                                          end=period.end)

    def trends() -> go.Figure:
        targets = {o["id"]: o["target"] for o in ctx["summary"]["objectives"]}
        rows = ctx["trends"]["rows"]
        with_data = [r["month"] for r in rows if r["actual"] is not None]
        if with_data:  # months before the first data are only "no data" in the table; the chart starts later
            rows = [r for r in rows if r["month"] >= min(with_data)]
        return charts.objective_trends(rows, targets, lang).update_layout(showlegend=False)

    def total(frame: pd.DataFrame | None, column: str) -> float:
        return 0.0 if frame is None or frame.empty else float(frame[column].fillna(0).sum())

    # a chart over no data at all is skipped: its section already says the data is missing
    present = {
        "uptime_daily": total(up["daily"], "monitored_s") > 0,
        "incidents": not up["incidents_frame"].empty or not dep["production"].empty,
        "latency_daily": total(lat["daily"], "count") > 0,
        "error_trend": total(req["trend"], "requests") > 0,
        "vitals_p75": total(ctx["vitals"]["frame"], "samples") > 0,
        "deployments": not dep["timeline"].empty,
        "trends": any(r["actual"] is not None for r in ctx["trends"]["rows"]),
    }
    for b in ctx["budgets"]:
        present[f"burn_{b['id']}"] = b["remaining"] is not None
    built: dict[str, Callable[[], go.Figure]] = {
        "uptime_daily": uptime_daily, "incidents": incidents, "latency_daily": latency_daily,
        "error_trend": error_trend, "vitals_p75": vitals_p75, "deployments": deploy_timeline, "trends": trends,
    }
    for b in ctx["budgets"]:
        def burn(b: dict[str, Any] = b) -> go.Figure:
            if hasattr(charts, "burn_down"):
                return charts.burn_down(b["burn_down"], b["id"], lang)
            return _daily_fallback(b["burn_down"], "remaining", objective_label(b["id"], lang), None, b["id"], lang,
                                   "line")
        built[f"burn_{b['id']}"] = burn
    return {name: make for name, make in built.items() if present.get(name, True)}, \
        [name for name in built if not present.get(name, True)]


def build(ctx: dict[str, Any], lang: Lang) -> dict[str, str | None]:
    """Every chart of the report as a PNG data URI.

    ``""`` marks a chart left out because it has no data, ``None`` one that could not be made.
    """
    builders, without_data = _builders(ctx, lang)
    out: dict[str, str | None] = dict.fromkeys(without_data, "")
    if not builders:
        return out
    with export_session():
        for name, make in builders.items():
            try:
                out[name] = to_data_uri(_print_layout(make(), lang))
            except Exception as exc:  # a chart must never sink the report; the page says it is missing
                log.warning("chart %s could not be rendered: %s", name, exc)
                out[name] = None
    return out
