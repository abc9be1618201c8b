"""Plotly figure builders shared by the Streamlit app and the monthly PDF.

Every function is a plain function: it takes the DataFrames / dicts the metric API returns
(:mod:`reports.metrics`, :mod:`reports.sla`), the language (``"ko"`` or ``"en"``) and, where
instants are drawn, the report time zone; it returns a :class:`plotly.graph_objects.Figure`
with a title, axis titles with units and, where an objective exists, the target line. Nothing
here touches Streamlit or the warehouse, so the PDF renders the same figures with kaleido::

    from reports import charts
    fig = charts.latency_daily(latency.daily(con, scope), target_ms=2000, lang="ko")
    fig.write_image("latency.png", width=900, height=380)   # PDF
    st.plotly_chart(fig)                                      # app

An empty input gives a figure that says "no data" instead of raising.

Colours are consistent everywhere: :data:`STATUS_COLORS` (met / missed / no_data),
:data:`RATING_COLORS` (good / needs_improvement / poor, Google's palette), :data:`SERIES` for
percentile lines and :data:`ENV_COLORS` for deployment environments.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from reports.i18n import Lang, fmt_duration, fmt_month, fmt_value, objective_label, status_label

STATUS_COLORS = {"met": "#2e7d32", "missed": "#c62828", "no_data": "#9e9e9e"}
RATING_COLORS = {"good": "#0cce6b", "needs_improvement": "#ffa400", "poor": "#ff4e42", "no_data": "#9e9e9e"}
SERIES = {"mean": "#1f4e79", "p50": "#5b9bd5", "p90": "#8e7cc3", "p95": "#e07b39", "p99": "#b03a2e",
          "requests": "#c9d6e3", "errors": "#c62828", "target": "#424242", "budget": "#1f4e79"}
ENV_COLORS = {"production": "#1f4e79", "staging": "#8e7cc3", "preview": "#7fa7c9"}
STATUS_CLASS_COLORS = {"2xx": "#2e7d32", "3xx": "#5b9bd5", "4xx": "#ffa400", "5xx": "#c62828",
                       "other": "#9e9e9e", "unknown": "#bdbdbd"}
DEPLOY_STATE_SYMBOLS = {"READY": "circle", "ERROR": "x", "CANCELED": "circle-open"}
# Latin glyphs from a Latin face first (NanumGothic's period reads like a comma at chart sizes),
# Hangul from the Korean faces (fonts-nanum on Debian)
FONT = ("'Source Sans', 'Source Sans Pro', 'DejaVu Sans', Arial, NanumGothic, 'Noto Sans KR', "
        "'Apple SD Gothic Neo', 'Malgun Gothic', sans-serif")
VITAL_UNITS = {"CLS": ""}

_T: dict[str, dict[str, str]] = {
    "no_data": {"ko": "데이터 없음", "en": "No data"},
    "target": {"ko": "목표", "en": "Target"},
    "day": {"ko": "날짜", "en": "Day"},
    "hour": {"ko": "시각", "en": "Hour"},
    "month": {"ko": "월", "en": "Month"},
    "time": {"ko": "시각", "en": "Time"},
    "ms": {"ko": "밀리초 (ms)", "en": "Milliseconds (ms)"},
    "pct": {"ko": "비율 (%)", "en": "Share (%)"},
    "requests": {"ko": "요청 수", "en": "Requests"},
    "errors": {"ko": "오류 수", "en": "Errors"},
    "error_rate": {"ko": "오류율", "en": "Error rate"},
    "error_rate_pct": {"ko": "오류율 (%)", "en": "Error rate (%)"},
    "uptime_calendar": {"ko": "일별 가동률", "en": "Daily uptime"},
    "incident_timeline": {"ko": "장애 타임라인", "en": "Incident timeline"},
    "incident": {"ko": "장애", "en": "Incident"},
    "ongoing": {"ko": "진행 중", "en": "ongoing"},
    "deployments": {"ko": "배포", "en": "Deployments"},
    "maintenance": {"ko": "점검", "en": "Maintenance"},
    "burn_down": {"ko": "오류 예산 소진", "en": "Error budget burn-down"},
    "budget_remaining": {"ko": "남은 예산 (%)", "en": "Budget remaining (%)"},
    "even_burn": {"ko": "균등 소진", "en": "Even burn"},
    "latency_daily": {"ko": "일별 응답 시간", "en": "Daily response time"},
    "latency_hist": {"ko": "응답 시간 분포", "en": "Response time distribution"},
    "samples": {"ko": "샘플 수", "en": "Samples"},
    "mean": {"ko": "평균", "en": "Mean"},
    "error_trend": {"ko": "오류율 추이", "en": "Error rate trend"},
    "status_classes": {"ko": "상태 코드별 요청", "en": "Requests by status class"},
    "status_class": {"ko": "상태 코드 분류", "en": "Status class"},
    "worst_routes": {"ko": "오류가 많은 경로", "en": "Routes with the most errors"},
    "route": {"ko": "경로", "en": "Route"},
    "route_lc": {"ko": "경로", "en": "route"},
    "vitals_p75": {"ko": "Core Web Vitals (p75, 현장 데이터)", "en": "Core Web Vitals (p75, field data)"},
    "vitals_ratings": {"ko": "등급 분포 (현장 데이터)", "en": "Rating distribution (field data)"},
    "vitals_by": {"ko": "{metric} p75 ({group})", "en": "{metric} p75 by {group}"},
    "vitals_daily": {"ko": "{metric} p75 일별 추이", "en": "{metric} p75 per day"},
    "good": {"ko": "좋음", "en": "Good"},
    "needs_improvement": {"ko": "개선 필요", "en": "Needs improvement"},
    "poor": {"ko": "나쁨", "en": "Poor"},
    "device_type": {"ko": "기기", "en": "device"},
    "lighthouse": {"ko": "Lighthouse {metric} (실험실 데이터)", "en": "Lighthouse {metric} (lab data)"},
    "performance_score": {"ko": "성능 점수", "en": "Performance score"},
    "score": {"ko": "점수 (0–100)", "en": "Score (0–100)"},
    "deploy_timeline": {"ko": "환경별 배포", "en": "Deployments by environment"},
    "environment": {"ko": "환경", "en": "Environment"},
    "before": {"ko": "배포 전", "en": "Before"},
    "after": {"ko": "배포 후", "en": "After"},
    "before_after": {"ko": "배포 전후 비교", "en": "Before / after"},
    "p95_latency": {"ko": "p95 응답 시간 (ms)", "en": "p95 latency (ms)"},
    "lcp_p75": {"ko": "LCP p75 (ms)", "en": "LCP p75 (ms)"},
    "audit_activity": {"ko": "감사 로그 활동", "en": "Audit log activity"},
    "entries": {"ko": "항목 수", "en": "Entries"},
    "failures": {"ko": "실패", "en": "Failures"},
    "other": {"ko": "기타", "en": "other"},
    "trend": {"ko": "최근 {n}개월 추이", "en": "Last {n} months"},
    "coverage": {"ko": "기간 구성", "en": "How the period was covered"},
    "up": {"ko": "정상", "en": "Up"},
    "down": {"ko": "다운", "en": "Down"},
    "unmonitored": {"ko": "미측정", "en": "Unmonitored"},
    "hours": {"ko": "시간", "en": "Hours"},
    "per_day": {"ko": "일별", "en": "per day"},
    "per_hour": {"ko": "시간별", "en": "per hour"},
    "weekday": {"ko": "요일", "en": "Weekday"},
    "week_of": {"ko": "주 시작일", "en": "Week of"},
}
_WEEKDAYS = {"ko": ["월", "화", "수", "목", "금", "토", "일"], "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]}


def t(key: str, lang: Lang, **values: Any) -> str:
    """A chart label in ``lang`` (``{name}`` placeholders filled from ``values``)."""
    text = _T[key][lang]
    return text.format(**values) if values else text


def _base(fig: go.Figure, title: str, height: int = 360, legend: bool = True) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 16}},
        template="plotly_white", font={"family": FONT, "size": 12, "color": "#262730"},
        height=height, margin={"l": 60, "r": 24, "t": 56, "b": 48},
        showlegend=legend, hovermode="closest", separators=".,",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0},
    )
    return fig


def empty(title: str, lang: Lang, height: int = 240) -> go.Figure:
    """A figure with ``title`` that says there is no data."""
    fig = go.Figure()
    fig.add_annotation(text=t("no_data", lang), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font={"size": 16, "color": STATUS_COLORS["no_data"]})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _base(fig, title, height, legend=False)


def _records(data: pd.DataFrame | Iterable[Mapping[str, Any]] | None) -> pd.DataFrame:
    if data is None:
        return pd.DataFrame()
    if isinstance(data, pd.DataFrame):
        return data
    return pd.DataFrame(list(data))


def _time_axis(lang: Lang) -> dict[str, Any]:
    """Date tick labels in the language (plotly's own are English)."""
    if lang != "ko":
        return {}
    return {"tickformatstops": [
        {"dtickrange": [None, 43_200_000], "value": "%-m월 %-d일 %H:%M"},
        {"dtickrange": [43_200_000, "M1"], "value": "%-m월 %-d일"},
        {"dtickrange": ["M1", None], "value": "%Y년 %-m월"},
    ]}


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT


def _local(values: Any, tz: str) -> pd.Series:
    """Instants shown as wall-clock times in ``tz`` (naive, so plotly does not shift them)."""
    series = pd.to_datetime(pd.Series(values), utc=True)
    return series.dt.tz_convert(ZoneInfo(tz)).dt.tz_localize(None)


def _hline(fig: go.Figure, y: float, label: str, **kwargs: Any) -> None:
    fig.add_hline(y=y, line={"color": SERIES["target"], "dash": "dash", "width": 1.5},
                  annotation={"text": label, "font": {"size": 11, "color": SERIES["target"]}},
                  annotation_position="top left", **kwargs)


def short_month(label: str, lang: Lang) -> str:
    """``2026-10`` → ``Oct 2026`` / ``26년 10월`` (axis labels)."""
    year, month = int(label[:4]), int(label[5:7])
    return f"{year % 100}년 {month}월" if lang == "ko" else f"{_MONTHS_SHORT[month - 1]} {year}"


_MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_COMPARISON = {">=": "≥", "<": "<", "<=": "≤"}


def _objective_axis(objective: str) -> dict[str, Any]:
    if objective in ("uptime", "error_rate"):
        return {"tickformat": ".2%" if objective == "uptime" else ".2%"}
    if objective == "cls_p75":
        return {"tickformat": ".2f"}
    return {"ticksuffix": " ms"}


def _objective_unit(objective: str, lang: Lang) -> str:
    if objective in ("uptime", "error_rate"):
        return "%"
    return "" if objective == "cls_p75" else "ms"


# -- SLA ---------------------------------------------------------------------------------------

def objective_trend(trend: pd.DataFrame | Iterable[Mapping[str, Any]], objective: str, target: float, lang: Lang,
                    height: int = 260) -> go.Figure:
    """One objective's monthly actuals against its target.

    ``trend``: rows with ``month`` (``YYYY-MM``), ``actual`` and ``status`` (as in
    :func:`reports.sla.objectives`); months without data are drawn as grey "no data" markers.
    """
    frame = _records(trend)
    title = objective_label(objective, lang)
    if frame.empty:
        return empty(title, lang, height)
    months = [short_month(m, lang) for m in frame["month"]]
    actual = [None if _missing(v) else float(v) for v in frame["actual"]]
    statuses = [str(s) for s in frame.get("status", ["no_data"] * len(frame))]
    colors = [STATUS_COLORS.get(s, STATUS_COLORS["no_data"]) for s in statuses]
    text = [f"{fmt_month(m, lang)}: {fmt_value(objective, a, lang)} ({status_label(s, lang)})"
            for m, a, s in zip(frame["month"], actual, statuses, strict=True)]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=months, y=actual, mode="lines+markers", name=title, connectgaps=False,
                             line={"color": SERIES["mean"], "width": 2},
                             marker={"color": colors, "size": 10, "line": {"color": "white", "width": 1}},
                             hovertext=text, hoverinfo="text"))
    present = [a for a in actual if a is not None]
    if not present:
        fig.add_annotation(text=t("no_data", lang), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                           font={"color": STATUS_COLORS["no_data"]})
    _hline(fig, target, f"{t('target', lang)} {fmt_value(objective, target, lang)}")
    values = present + [target]
    low, high = min(values), max(values)
    pad = (high - low) * 0.15 or abs(high) * 0.05 or 1.0
    fig.update_yaxes(range=[low - pad, high + pad], title=_objective_unit(objective, lang), **_objective_axis(objective))
    fig.update_xaxes(type="category", title=t("month", lang))
    return _base(fig, title, height, legend=False)


def objective_trends(trend: pd.DataFrame | Iterable[Mapping[str, Any]], targets: Mapping[str, float], lang: Lang,
                     columns: int = 3, height_per_row: int = 230) -> go.Figure:
    """Small multiples of :func:`objective_trend`, one panel per objective.

    ``trend``: rows with ``id`` (objective), ``month``, ``actual``, ``status``; ``targets``:
    objective id → target. Panels follow the order of ``targets``.
    """
    frame = _records(trend)
    ids = [oid for oid in targets if not frame.empty and oid in set(frame["id"])]
    title = t("trend", lang, n=frame["month"].nunique() if not frame.empty else 0)
    if not ids:
        return empty(title, lang)
    rows = math.ceil(len(ids) / columns)
    comparisons = dict(zip(frame["id"], frame["comparison"], strict=False)) if "comparison" in frame else {}
    titles = [f"{objective_label(i, lang)} <span style='font-size:11px;color:#616161'>"
              f"({t('target', lang)} {_COMPARISON.get(comparisons.get(i, ''), '')}"
              f"{' ' if comparisons.get(i) else ''}{fmt_value(i, float(targets[i]), lang)})</span>" for i in ids]
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=titles,
                        vertical_spacing=0.18 if rows > 1 else 0.1, horizontal_spacing=0.08)
    for index, oid in enumerate(ids):
        r, c = index // columns + 1, index % columns + 1
        part = frame[frame["id"] == oid]
        months = [short_month(m, lang) for m in part["month"]]
        actual = [None if _missing(v) else float(v) for v in part["actual"]]
        statuses = [str(s) for s in part["status"]]
        fig.add_trace(go.Scatter(
            x=months, y=actual, mode="lines+markers", showlegend=False, line={"color": SERIES["mean"], "width": 2},
            marker={"color": [STATUS_COLORS.get(s, STATUS_COLORS["no_data"]) for s in statuses], "size": 9},
            hovertext=[f"{fmt_month(m, lang)}: {fmt_value(oid, a, lang)} ({status_label(s, lang)})"
                       for m, a, s in zip(part["month"], actual, statuses, strict=True)], hoverinfo="text"), row=r, col=c)
        target = float(targets[oid])
        fig.add_trace(go.Scatter(x=months, y=[target] * len(months), mode="lines", showlegend=False,
                                 name=t("target", lang), hoverinfo="skip",
                                 line={"color": SERIES["target"], "dash": "dash", "width": 1.2}), row=r, col=c)
        values = [a for a in actual if a is not None] + [target]
        low, high = min(values), max(values)
        pad = (high - low) * 0.2 or abs(high) * 0.05 or 1.0
        fig.update_yaxes(range=[low - pad, high + pad], row=r, col=c, **_objective_axis(oid))
        fig.update_xaxes(type="category", row=r, col=c, tickfont={"size": 10}, tickangle=0)
    fig = _base(fig, title, height_per_row * rows + 60, legend=False)
    fig.update_annotations(font={"size": 13})
    return fig


# -- uptime ------------------------------------------------------------------------------------

def uptime_calendar(daily: pd.DataFrame, target: float, lang: Lang, height: int | None = None) -> go.Figure:
    """A calendar of daily uptime: weeks as rows, weekdays as columns.

    ``daily``: :func:`reports.metrics.uptime.daily` (``day``, ``uptime``, ``down_s``,
    ``monitored_s``, ``maintenance_s``). A day at or above ``target`` is green (darker when
    perfect), below it red; a day without monitoring is grey.
    """
    title = t("uptime_calendar", lang)
    if daily is None or daily.empty:
        return empty(title, lang)
    days = pd.to_datetime(daily["day"]).dt.date
    first = min(days)
    start = first - timedelta(days=first.weekday())
    week_starts: list[date] = []
    cells: dict[tuple[int, int], tuple[float, str, str]] = {}
    for day, row in zip(days, daily.to_dict("records"), strict=True):
        week = (day - start).days // 7
        while len(week_starts) <= week:
            week_starts.append(start + timedelta(days=7 * len(week_starts)))
        value = row.get("uptime")
        value = None if _missing(value) else float(value)
        if value is None:
            category = 0.0
        elif value >= 1.0:
            category = 3.0
        elif value >= target:
            category = 2.0
        else:
            category = 1.0
        label = f"{day.day}<br>{'—' if value is None else fmt_value('uptime', value, lang)}"
        tip = (f"{day.isoformat()}<br>{objective_label('uptime', lang)}: {fmt_value('uptime', value, lang)}"
                 f"<br>{t('down', lang)}: {fmt_duration(row.get('down_s') or 0, lang)}"
                 f"<br>{t('maintenance', lang)}: {fmt_duration(row.get('maintenance_s') or 0, lang)}")
        cells[(week, day.weekday())] = (category, label, tip)
    rows = len(week_starts)
    z: list[list[float | None]] = [[None] * 7 for _ in range(rows)]
    text: list[list[str]] = [[""] * 7 for _ in range(rows)]
    hover: list[list[str]] = [[""] * 7 for _ in range(rows)]
    for (week, weekday), (category, label, tip) in cells.items():
        z[week][weekday], text[week][weekday], hover[week][weekday] = category, label, tip
    # category c sits at (c + 0.5) / 4 of the scale: 0 no data, 1 below target, 2 met, 3 perfect
    scale = [[0.0, "#e0e0e0"], [0.25, "#e0e0e0"], [0.25, "#ef5350"], [0.5, "#ef5350"],
             [0.5, "#a5d6a7"], [0.75, "#a5d6a7"], [0.75, "#43a047"], [1.0, "#43a047"]]
    ylabels = [w.isoformat() for w in week_starts]
    fig = go.Figure(go.Heatmap(
        z=z, x=_WEEKDAYS[lang], y=ylabels, text=text, texttemplate="%{text}", hovertext=hover,
        hoverinfo="text", zmin=-0.5, zmax=3.5, colorscale=scale, showscale=False, xgap=3, ygap=3,
        textfont={"size": 11, "color": "#1b1b1b"}))
    fig.update_yaxes(autorange="reversed", title=t("week_of", lang), type="category")
    fig.update_xaxes(side="top", title=None)
    return _base(fig, title, height or 90 + 56 * rows, legend=False)


def incident_timeline(incidents: pd.DataFrame, start: datetime, end: datetime, lang: Lang, tz: str,
                      deployments: pd.DataFrame | None = None,
                      maintenance: Sequence[Mapping[str, Any]] = (), height: int = 300) -> go.Figure:
    """Incidents per monitor over ``[start, end)``, with production deployments and maintenance.

    ``incidents``: :func:`reports.metrics.uptime.incidents` (``start``, ``end``, ``duration_s``,
    ``monitors``, ``first_error``, ``clipped_end``). ``deployments``: rows with ``ready_at``
    and ``uid`` (optional). ``maintenance``: dicts with ``start``, ``end``, ``reason``. Times are
    shown in ``tz``. Short incidents are drawn at least a few pixels wide; hover gives exact times.
    """
    title = t("incident_timeline", lang)
    has_incidents = incidents is not None and not incidents.empty
    has_deploys = deployments is not None and not deployments.empty
    if not has_incidents and not has_deploys and not maintenance:
        return empty(title, lang, height=200)
    fig = go.Figure()
    lo, hi = _local([start], tz)[0], _local([end], tz)[0]
    span = (hi - lo).total_seconds()
    min_width = timedelta(seconds=span * 0.004)
    rows: list[str] = []
    if has_incidents:
        for inc in incidents.to_dict("records"):
            a, b = _local([inc["start"]], tz)[0], _local([inc["end"]], tz)[0]
            if b - a < min_width:
                b = a + min_width
            ongoing = bool(inc.get("clipped_end"))
            color = "#ef6c00" if ongoing else STATUS_COLORS["missed"]
            tip = (f"{a:%Y-%m-%d %H:%M} → {_local([inc['end']], tz)[0]:%Y-%m-%d %H:%M}"
                   f"{' (' + t('ongoing', lang) + ')' if ongoing else ''}<br>{fmt_duration(inc['duration_s'], lang)}"
                   f"<br>{inc.get('first_error') or ''}")
            monitors = inc.get("monitors")
            for monitor in (["?"] if monitors is None or len(monitors) == 0 else [str(m) for m in monitors]):
                if monitor not in rows:
                    rows.append(str(monitor))
                fig.add_trace(go.Scatter(x=[a, b], y=[monitor, monitor], mode="lines", showlegend=False,
                                         line={"color": color, "width": 14}, hovertext=tip, hoverinfo="text"))
    deploy_row = t("deployments", lang)
    if has_deploys:
        assert deployments is not None
        ready = deployments.dropna(subset=["ready_at"])
        xs = _local(ready["ready_at"], tz)
        fig.add_trace(go.Scatter(
            x=xs, y=[deploy_row] * len(xs), mode="markers", name=deploy_row, showlegend=False,
            marker={"symbol": "triangle-up", "size": 11, "color": ENV_COLORS["production"]},
            hovertext=[f"{x:%Y-%m-%d %H:%M}<br>{u}" for x, u in zip(xs, ready["uid"], strict=True)],
            hoverinfo="text"))
        rows.append(deploy_row)
    for window in maintenance:
        a, b = _local([window["start"]], tz)[0], _local([window["end"]], tz)[0]
        fig.add_vrect(x0=max(a, lo), x1=min(b, hi), fillcolor=STATUS_COLORS["no_data"], opacity=0.25, line_width=0,
                      annotation_text=t("maintenance", lang), annotation_position="top left",
                      annotation_font_size=10)
    fig.update_xaxes(range=[lo, hi], title=f"{t('time', lang)} ({tz})", **_time_axis(lang))
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(rows)) if rows else None, title=None)
    return _base(fig, title, max(height, 120 + 44 * len(rows)), legend=False)


def coverage_bar(summary: Mapping[str, Any], lang: Lang, height: int = 170) -> go.Figure:
    """How the period's time was spent: up, down, maintenance and unmonitored (hours).

    ``summary``: :func:`reports.metrics.uptime.summary` (``monitored_s``, ``down_s``,
    ``maintenance_s``, ``unmonitored_s``).
    """
    title = t("coverage", lang)
    monitored = float(summary.get("monitored_s") or 0.0)
    down = float(summary.get("down_s") or 0.0)
    parts = [("up", max(monitored - down, 0.0), STATUS_COLORS["met"]), ("down", down, STATUS_COLORS["missed"]),
             ("maintenance", float(summary.get("maintenance_s") or 0.0), "#90a4ae"),
             ("unmonitored", float(summary.get("unmonitored_s") or 0.0), "#e0e0e0")]
    total = sum(p[1] for p in parts)
    if total <= 0:
        return empty(title, lang, height)
    fig = go.Figure()
    for key, seconds, color in parts:
        fig.add_trace(go.Bar(
            x=[seconds / 3600], y=[""], orientation="h", name=t(key, lang), marker={"color": color},
            hovertext=f"{t(key, lang)}: {fmt_duration(seconds, lang)} ({seconds / total:.3%})", hoverinfo="text"))
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    fig.update_xaxes(title=t("hours", lang), range=[0, total / 3600])
    return _base(fig, title, height)


def burn_down(frame: pd.DataFrame, objective: str, lang: Lang, height: int = 320) -> go.Figure:
    """Error budget remaining at the end of each day, against an even burn.

    ``frame``: :func:`reports.metrics.budget.burn_down` (``day``, ``remaining``). Below zero the
    budget is overspent.
    """
    title = f"{t('burn_down', lang)}: {objective_label(objective, lang)}"
    if frame is None or frame.empty or frame["remaining"].isna().all():
        return empty(title, lang, height)
    days = pd.to_datetime(frame["day"])
    remaining = frame["remaining"].astype(float)
    n = len(days)
    even = [1 - (i + 1) / n for i in range(n)]
    last = remaining.iloc[-1]
    color = STATUS_COLORS["met"] if last >= 0 else STATUS_COLORS["missed"]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=days, y=even, mode="lines", name=t("even_burn", lang),
                             line={"color": STATUS_COLORS["no_data"], "dash": "dot"}))
    fig.add_trace(go.Scatter(x=days, y=remaining, mode="lines+markers", name=t("budget_remaining", lang),
                             line={"color": color, "width": 2.5}, marker={"size": 5}, fill="tozeroy",
                             fillcolor="rgba(46,125,50,0.08)" if last >= 0 else "rgba(198,40,40,0.08)"))
    fig.add_hline(y=0, line={"color": STATUS_COLORS["missed"], "width": 1})
    fig.update_yaxes(tickformat=".0%", title=t("budget_remaining", lang),
                     range=[min(-0.05, float(remaining.min()) - 0.05), 1.05])
    fig.update_xaxes(title=t("day", lang), **_time_axis(lang))
    return _base(fig, title, height)


# -- latency -----------------------------------------------------------------------------------

def latency_daily(daily: pd.DataFrame, target_ms: float | None, lang: Lang, height: int = 360) -> go.Figure:
    """Daily mean, p50, p95 and p99 server response time against the mean-response target.

    ``daily``: :func:`reports.metrics.latency.daily` (``day``, ``mean_ms``, ``p50_ms``,
    ``p95_ms``, ``p99_ms``, ``count``). Days without samples are gaps.
    """
    title = t("latency_daily", lang)
    if daily is None or daily.empty or daily["count"].fillna(0).sum() == 0:
        return empty(title, lang, height)
    days = pd.to_datetime(daily["day"])
    fig = go.Figure()
    for key, column, dash in (("p99", "p99_ms", "dot"), ("p95", "p95_ms", "dash"), ("p50", "p50_ms", "solid"),
                              ("mean", "mean_ms", "solid")):
        name = t("mean", lang) if key == "mean" else key
        fig.add_trace(go.Scatter(x=days, y=daily[column], mode="lines+markers" if key == "mean" else "lines",
                                 name=name, line={"color": SERIES[key], "dash": dash, "width": 3 if key == "mean" else 1.8},
                                 marker={"size": 5}, hovertemplate=f"{name}: %{{y:,.1f}} ms<extra>%{{x|%Y-%m-%d}}</extra>"))
    if target_ms:
        _hline(fig, float(target_ms), f"{t('target', lang)} ({t('mean', lang)}) {float(target_ms):,.0f} ms")
    fig.update_yaxes(title=t("ms", lang), rangemode="tozero")
    fig.update_xaxes(title=t("day", lang), **_time_axis(lang))
    return _base(fig, title, height)


def _compact_ms(value: float) -> str:
    """``1500`` → ``1.5k``; ``300`` → ``300``; ``1.5`` → ``1.5`` (histogram bin labels)."""
    if value >= 1000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


def latency_histogram(histogram: pd.DataFrame, target_ms: float | None, lang: Lang, apdex_t_ms: float | None = None,
                      height: int = 320) -> go.Figure:
    """Samples per log-spaced response-time bin, with the target (and Apdex T) marked.

    ``histogram``: :func:`reports.metrics.latency.histogram` (``bin_start_ms``, ``bin_end_ms``,
    ``count``, ``share``). Bins at or above the target are red. The x axis labels each bin by
    its lower edge.
    """
    title = t("latency_hist", lang)
    if histogram is None or histogram.empty or histogram["count"].sum() == 0:
        return empty(title, lang, height)
    used = histogram[histogram["count"] > 0]
    frame = histogram.loc[used.index.min():used.index.max()]
    labels = [_compact_ms(a) for a in frame["bin_start_ms"]]
    ranges = [f"{a:,.4g}–{b:,.4g} ms" for a, b in zip(frame["bin_start_ms"], frame["bin_end_ms"], strict=True)]
    colors = [STATUS_COLORS["missed"] if target_ms and a >= target_ms else SERIES["p50"] for a in frame["bin_start_ms"]]
    fig = go.Figure(go.Bar(x=labels, y=frame["count"], marker={"color": colors}, name=t("samples", lang),
                           customdata=list(zip(ranges, frame["share"], strict=True)),
                           hovertemplate="%{customdata[0]}<br>%{y:,} (%{customdata[1]:.2%})<extra></extra>"))
    marks = [(v, text) for v, text in ((apdex_t_ms, "Apdex T"), (target_ms, t("target", lang))) if v]
    for index, (value, text) in enumerate(marks):
        position = _bin_position(frame, float(value))
        if position is not None:
            fig.add_vline(x=position, line={"color": SERIES["target"], "dash": "dash", "width": 1.2},
                          annotation={"text": f"{text} {float(value):,.0f} ms", "font": {"size": 11},
                                      "yshift": -16 * index},
                          annotation_position="top right")
    fig.update_xaxes(title=t("ms", lang), tickangle=0, type="category")
    fig.update_yaxes(title=t("samples", lang), range=[0, float(frame["count"].max()) * 1.25])
    return _base(fig, title, height, legend=False)


def _bin_position(frame: pd.DataFrame, value: float) -> float | None:
    """Where ``value`` falls on a category axis of bins (fractional index, -0.5 = left edge)."""
    starts = list(frame["bin_start_ms"].astype(float))
    ends = list(frame["bin_end_ms"].astype(float))
    for index, (a, b) in enumerate(zip(starts, ends, strict=True)):
        if a <= value < b:
            return index - 0.5 + (value - a) / (b - a)
    if ends and value >= ends[-1]:
        return len(ends) - 0.5
    return None


# -- errors ------------------------------------------------------------------------------------

def error_rate_trend(trend: pd.DataFrame, target: float | None, lang: Lang, grain: str = "day",
                     height: int = 360) -> go.Figure:
    """Requests (bars, right axis) and error rate (line, left axis) per hour or day, with the target.

    ``trend``: :func:`reports.metrics.requests.trend` (``local_start``, ``requests``,
    ``errors``, ``error_rate``).
    """
    title = f"{t('error_trend', lang)} ({t('per_hour' if grain == 'hour' else 'per_day', lang)})"
    if trend is None or trend.empty or trend["requests"].fillna(0).sum() == 0:
        return empty(title, lang, height)
    x = pd.to_datetime(trend["local_start"])
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Bar(x=x, y=trend["requests"], name=t("requests", lang), marker={"color": SERIES["requests"]},
                         hovertemplate="%{y:,}<extra></extra>"), secondary_y=False)
    fig.add_trace(go.Scatter(x=x, y=trend["error_rate"], name=t("error_rate", lang), mode="lines+markers",
                             line={"color": SERIES["errors"], "width": 2 if grain == "day" else 1.2},
                             marker={"size": 5 if grain == "day" else 2}, customdata=trend["errors"],
                             hovertemplate="%{y:.3%} (%{customdata:,})<extra></extra>"), secondary_y=True)
    top = max(float(trend["error_rate"].max(skipna=True) or 0), float(target or 0)) * 1.15 or 0.01
    if target:
        fig.add_trace(go.Scatter(x=[x.min(), x.max()], y=[float(target)] * 2, mode="lines", hoverinfo="skip",
                                 name=f"{t('target', lang)} {float(target):.2%}",
                                 line={"color": SERIES["target"], "dash": "dash", "width": 1.5}), secondary_y=True)
    fig.update_yaxes(title=t("requests", lang), showgrid=False, rangemode="tozero", side="right", secondary_y=False,
                     tickmode="auto", nticks=5)
    fig.update_yaxes(title=t("error_rate_pct", lang), tickformat=".2~%", range=[0, top], side="left",
                     secondary_y=True, tickmode="auto", nticks=6, showgrid=True)
    fig.update_xaxes(title=t("hour" if grain == "hour" else "day", lang), **_time_axis(lang))
    fig.update_layout(barmode="overlay")
    return _base(fig, title, height)


def status_classes(frame: pd.DataFrame, lang: Lang, height: int = 300) -> go.Figure:
    """Requests per HTTP status code, coloured by class (2xx … 5xx), on a log scale.

    ``frame``: :func:`reports.metrics.requests.status_classes` (``status_class``,
    ``status_code``, ``requests``, ``share``). Bars are side by side, never stacked, because
    the axis is logarithmic.
    """
    title = t("status_classes", lang)
    if frame is None or frame.empty or frame["requests"].sum() == 0:
        return empty(title, lang, height)
    data = frame[frame["requests"] > 0]
    classes = [str(c) if not _missing(c) else "unknown" for c in data["status_class"]]
    codes = ["?" if _missing(c) else str(int(c)) for c in data["status_code"]]
    fig = go.Figure(go.Bar(
        x=codes, y=data["requests"], marker={"color": [STATUS_CLASS_COLORS.get(c, STATUS_CLASS_COLORS["other"])
                                                       for c in classes]},
        text=[f"{s:.1%}" if s >= 0.001 else "" for s in data["share"]], textposition="outside",
        customdata=list(zip(classes, data["share"], strict=True)),
        hovertemplate="%{x} (%{customdata[0]}): %{y:,} (%{customdata[1]:.2%})<extra></extra>"))
    fig.update_yaxes(title=t("requests", lang), type="log")
    fig.update_xaxes(title=t("status_class", lang), type="category")
    return _base(fig, title, height, legend=False)


def worst_routes(frame: pd.DataFrame, lang: Lang, limit: int = 10, target: float | None = None,
                 height: int | None = None) -> go.Figure:
    """The routes with the most server errors, as horizontal bars of their error rate.

    ``frame``: :func:`reports.metrics.requests.by_route` (``route``, ``requests``, ``errors``,
    ``error_rate``).
    """
    title = t("worst_routes", lang)
    if frame is None or frame.empty or frame["errors"].sum() == 0:
        return empty(title, lang, height or 240)
    top = frame[frame["errors"] > 0].sort_values(["errors", "error_rate"], ascending=False).head(limit)
    top = top.iloc[::-1]
    colors = [STATUS_COLORS["missed"] if target and r >= target else SERIES["p95"] for r in top["error_rate"]]
    fig = go.Figure(go.Bar(x=top["error_rate"], y=top["route"], orientation="h", marker={"color": colors},
                           customdata=list(zip(top["errors"], top["requests"], strict=True)),
                           hovertemplate="%{y}<br>%{x:.3%} (%{customdata[0]:,} / %{customdata[1]:,})<extra></extra>"))
    if target:
        fig.add_vline(x=float(target), line={"color": SERIES["target"], "dash": "dash", "width": 1.2},
                      annotation={"text": f"{t('target', lang)} {float(target):.2%}", "font": {"size": 11}})
    fig.update_xaxes(title=t("error_rate_pct", lang), tickformat=".1%")
    fig.update_yaxes(title=None, automargin=True)
    return _base(fig, title, height or 120 + 28 * len(top), legend=False)


def rate_daily(daily: Iterable[Mapping[str, Any]] | pd.DataFrame, title: str, lang: Lang, height: int = 280) -> go.Figure:
    """A per-day rate (e.g. the frontend error rate: ``day``, ``rate``) as a line."""
    frame = _records(daily)
    if frame.empty or "rate" not in frame or frame["rate"].isna().all():
        return empty(title, lang, height)
    fig = go.Figure(go.Scatter(x=pd.to_datetime(frame["day"]), y=frame["rate"].astype(float), mode="lines+markers",
                               line={"color": SERIES["errors"]}, marker={"size": 4},
                               hovertemplate="%{x|%Y-%m-%d}: %{y:.3%}<extra></extra>"))
    fig.update_yaxes(title=t("error_rate_pct", lang), tickformat=".2%", rangemode="tozero")
    fig.update_xaxes(title=t("day", lang), **_time_axis(lang))
    return _base(fig, title, height, legend=False)


# -- web vitals (field) ------------------------------------------------------------------------

def _vital_unit(metric: str) -> str:
    return "" if metric.upper() == "CLS" else " ms"


def _fmt_vital(metric: str, value: float | None) -> str:
    if _missing(value):
        return "—"
    assert value is not None
    return f"{value:.3f}" if metric.upper() == "CLS" else f"{value:,.0f} ms"


def vitals_p75(frame: pd.DataFrame, lang: Lang, metrics: Sequence[str] = ("LCP", "INP", "CLS", "FCP", "TTFB"),
               height: int | None = None) -> go.Figure:
    """Each metric's p75 as a marker on its good / needs-improvement / poor bands (field data).

    ``frame``: :func:`reports.metrics.vitals.p75` without a split (``metric``, ``p75``,
    ``rating``, ``good_max``, ``ni_max``, ``samples``). One row per metric, each on its own scale.
    """
    title = t("vitals_p75", lang)
    if frame is None or frame.empty:
        return empty(title, lang)
    rows = {str(r["metric"]).upper(): r for r in frame.to_dict("records")}
    shown = [m for m in metrics if m in rows]
    if not shown:
        return empty(title, lang)
    fig = make_subplots(rows=len(shown), cols=1, vertical_spacing=0.45 / max(len(shown), 1))
    for index, metric in enumerate(shown, start=1):
        row = rows[metric]
        good, ni = float(row["good_max"]), float(row["ni_max"])
        value = None if _missing(row["p75"]) else float(row["p75"])
        top = max(ni * 1.5, (value or 0) * 1.1)
        label = f"<b>{metric}</b><br>{_fmt_vital(metric, value)}"
        for key, lo, hi in (("good", 0.0, good), ("needs_improvement", good, ni), ("poor", ni, top)):
            fig.add_trace(go.Bar(x=[hi - lo], base=[lo], y=[label], orientation="h", showlegend=index == 1,
                                 name=t(key, lang), legendgroup=key, marker={"color": RATING_COLORS[key], "opacity": 0.35},
                                 hoverinfo="skip"), row=index, col=1)
        if value is not None:
            fig.add_trace(go.Scatter(x=[value], y=[label], mode="markers", showlegend=False,
                                     marker={"symbol": "diamond", "size": 16, "color": RATING_COLORS[str(row["rating"])],
                                             "line": {"color": "#263238", "width": 2}},
                                     hovertext=f"{metric} p75 {_fmt_vital(metric, value)} "
                                               f"({t(str(row['rating']), lang)}, n={int(row['samples']):,})",
                                     hoverinfo="text"), row=index, col=1)
        fig.update_xaxes(range=[0, top], row=index, col=1, ticksuffix=_vital_unit(metric),
                         tickformat=".2f" if metric == "CLS" else ",.0f", tickfont={"size": 10})
    fig.update_layout(barmode="overlay")
    fig = _base(fig, title, height or 80 + 78 * len(shown))
    fig.update_layout(legend={"traceorder": "normal"}, margin={"l": 90})
    return fig


def vitals_ratings(frame: pd.DataFrame, lang: Lang, group: str | None = None, height: int | None = None) -> go.Figure:
    """The share of samples rated good / needs improvement / poor, per metric (or per group).

    ``frame``: :func:`reports.metrics.vitals.p75` (``metric``, ``share_good``, ``share_ni``,
    ``share_poor``, optionally ``device_type`` / ``route`` named by ``group``).
    """
    title = t("vitals_ratings", lang)
    if frame is None or frame.empty or frame["samples"].sum() == 0:
        return empty(title, lang)
    data = frame[frame["samples"] > 0]
    labels = [f"{m} · {g}" if group else str(m) for m, g in
              zip(data["metric"], data[group] if group else data["metric"], strict=True)]
    fig = go.Figure()
    for key, column in (("good", "share_good"), ("needs_improvement", "share_ni"), ("poor", "share_poor")):
        fig.add_trace(go.Bar(x=data[column], y=labels, orientation="h", name=t(key, lang),
                             marker={"color": RATING_COLORS[key]},
                             text=[f"{v:.0%}" if v >= 0.06 else "" for v in data[column]], textposition="inside",
                             hovertemplate=f"{t(key, lang)}: %{{x:.1%}}<extra>%{{y}}</extra>"))
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    fig.update_xaxes(tickformat=".0%", range=[0, 1], title=t("pct", lang))
    fig.update_yaxes(autorange="reversed", title=None, automargin=True)
    return _base(fig, title, height or 110 + 30 * len(labels))


def vitals_by_group(frame: pd.DataFrame, metric: str, group: str, lang: Lang, limit: int = 15,
                    height: int | None = None) -> go.Figure:
    """One metric's p75 per device type or route, coloured by rating, with its thresholds.

    ``frame``: :func:`reports.metrics.vitals.p75` split ``by="device"`` or ``by="route"``;
    ``group``: ``"device_type"`` or ``"route"``.
    """
    group_label = t("device_type", lang) if group == "device_type" else t("route_lc", lang)
    title = t("vitals_by", lang, metric=metric, group=group_label)
    if frame is None or frame.empty:
        return empty(title, lang)
    data = frame[(frame["metric"].str.upper() == metric.upper()) & (frame["samples"] > 0)]
    if data.empty:
        return empty(title, lang)
    data = data.sort_values("p75", ascending=False).head(limit).iloc[::-1]
    good, ni = float(data["good_max"].iloc[0]), float(data["ni_max"].iloc[0])
    fig = go.Figure(go.Bar(
        x=data["p75"], y=data[group].astype(str), orientation="h",
        marker={"color": [RATING_COLORS.get(str(r), RATING_COLORS["no_data"]) for r in data["rating"]]},
        text=[_fmt_vital(metric, v) for v in data["p75"]], textposition="auto",
        customdata=data["samples"], hovertemplate="%{y}: %{text} (n=%{customdata:,})<extra></extra>"))
    for value, key in ((good, "good"), (ni, "needs_improvement")):
        fig.add_vline(x=value, line={"color": RATING_COLORS[key], "dash": "dash", "width": 1.5})
    fig.update_xaxes(title=f"p75{' (ms)' if metric.upper() != 'CLS' else ''}", rangemode="tozero",
                     range=[0, max(ni * 1.05, float(data["p75"].max()) * 1.1)])
    fig.update_yaxes(title=None, automargin=True)
    return _base(fig, title, height or 110 + 30 * len(data), legend=False)


def vitals_daily(frame: pd.DataFrame, metric: str, lang: Lang, height: int = 300) -> go.Figure:
    """One metric's daily p75 with the good / needs-improvement thresholds.

    ``frame``: :func:`reports.metrics.vitals.daily` (``day``, ``metric``, ``p75``, ``samples``).
    """
    from reports.metrics.vitals import THRESHOLDS

    title = t("vitals_daily", lang, metric=metric)
    data = None if frame is None or frame.empty else frame[frame["metric"].str.upper() == metric.upper()]
    if data is None or data.empty:
        return empty(title, lang, height)
    good, ni = THRESHOLDS[metric.upper()]
    fig = go.Figure(go.Scatter(x=pd.to_datetime(data["day"]), y=data["p75"], mode="lines+markers",
                               line={"color": SERIES["mean"]}, marker={"size": 5},
                               customdata=data["samples"],
                               hovertemplate="%{x|%Y-%m-%d}: %{y:,.3~f} (n=%{customdata:,})<extra></extra>"))
    fig.add_hrect(y0=0, y1=good, fillcolor=RATING_COLORS["good"], opacity=0.08, line_width=0)
    fig.add_hrect(y0=good, y1=ni, fillcolor=RATING_COLORS["needs_improvement"], opacity=0.08, line_width=0)
    _hline(fig, good, f"{t('good', lang)} ≤ {_fmt_vital(metric, good)}")
    fig.update_yaxes(title=f"p75{' (ms)' if metric.upper() != 'CLS' else ''}", rangemode="tozero",
                     range=[0, max(ni, float(data["p75"].max()) * 1.1)])
    fig.update_xaxes(title=t("day", lang), **_time_axis(lang))
    return _base(fig, title, height, legend=False)


# -- Lighthouse (lab) --------------------------------------------------------------------------

def lighthouse_trend(frame: pd.DataFrame, lang: Lang, metric: str = "performance_score",
                     height: int = 340) -> go.Figure:
    """Lab data: the representative run's ``metric`` per day, one line per URL and form factor.

    ``frame``: :func:`reports.metrics.lighthouse.trend`. Kept apart from field Web Vitals.
    """
    names = {"performance_score": t("performance_score", lang), "lcp_ms": "LCP", "cls": "CLS", "tbt_ms": "TBT",
             "fcp_ms": "FCP", "speed_index_ms": "Speed Index"}
    title = t("lighthouse", lang, metric=names.get(metric, metric))
    if frame is None or frame.empty or frame[metric].isna().all():
        return empty(title, lang, height)
    fig = go.Figure()
    for (url, form), part in frame.sort_values("day").groupby(["url", "form_factor"], sort=True):
        short = str(url).split("://", 1)[-1]
        fig.add_trace(go.Scatter(x=pd.to_datetime(part["day"]), y=part[metric], mode="lines+markers",
                                 name=f"{short} ({form})", marker={"size": 5},
                                 hovertemplate="%{x|%Y-%m-%d}: %{y:,.3~f}<extra>%{fullData.name}</extra>"))
    if metric == "performance_score":
        fig.add_hrect(y0=90, y1=100, fillcolor=RATING_COLORS["good"], opacity=0.08, line_width=0)
        fig.update_yaxes(range=[0, 100], title=t("score", lang))
    else:
        fig.update_yaxes(title="" if metric == "cls" else t("ms", lang), rangemode="tozero")
    fig.update_xaxes(title=t("day", lang), **_time_axis(lang))
    fig = _base(fig, title, height)
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0, "xanchor": "left"},
                      margin={"b": 90})
    return fig


# -- deployments -------------------------------------------------------------------------------

def deployment_timeline(timeline: pd.DataFrame, lang: Lang, tz: str, impact: pd.DataFrame | None = None,
                        start: datetime | None = None, end: datetime | None = None,
                        height: int = 300) -> go.Figure:
    """Every deployment as a marker on its environment's row; failed builds as ✕.

    ``timeline``: :func:`reports.metrics.deployments.timeline` (``placed_at``, ``environment``,
    ``state``, ``uid``, ``commit_message``). With ``impact``
    (:func:`reports.metrics.deployments.impact`), regressions are ringed in red.
    """
    title = t("deploy_timeline", lang)
    if timeline is None or timeline.empty:
        return empty(title, lang, 200)
    regressions = set()
    if impact is not None and not impact.empty:
        regressions = set(impact.loc[impact["verdict"] == "regression", "uid"])
    fig = go.Figure()
    envs = list(dict.fromkeys(["production", "staging", "preview", *timeline["environment"].fillna("preview")]))
    envs = [e for e in envs if e in set(timeline["environment"].fillna("preview"))]
    for env in envs:
        part = timeline[timeline["environment"].fillna("preview") == env]
        x = _local(part["placed_at"], tz)
        states = part["state"].fillna("?")
        fig.add_trace(go.Scatter(
            x=x, y=[env] * len(part), mode="markers", name=env,
            marker={"color": ENV_COLORS.get(env, "#607d8b"), "size": 11,
                    "symbol": [DEPLOY_STATE_SYMBOLS.get(s, "square") for s in states],
                    "line": {"color": [STATUS_COLORS["missed"] if u in regressions else "white" for u in part["uid"]],
                             "width": [3 if u in regressions else 1 for u in part["uid"]]}},
            hovertext=[f"{xx:%Y-%m-%d %H:%M} · {s}<br>{u}<br>{str(m or '').splitlines()[0][:80] if not _missing(m) else ''}"
                       for xx, s, u, m in zip(x, states, part["uid"], part["commit_message"], strict=True)],
            hoverinfo="text"))
    if start is not None and end is not None:
        fig.update_xaxes(range=[_local([start], tz)[0], _local([end], tz)[0]])
    fig.update_xaxes(title=f"{t('time', lang)} ({tz})", **_time_axis(lang))
    fig.update_yaxes(title=None, categoryorder="array", categoryarray=list(reversed(envs)))
    return _base(fig, title, max(height, 120 + 50 * len(envs)), legend=False)


def deploy_before_after(row: Mapping[str, Any], lang: Lang, height: int = 300) -> go.Figure:
    """One deployment's before / after windows: error rate, p95 latency and LCP p75.

    ``row``: one record of :func:`reports.metrics.deployments.impact`.
    """
    title = f"{t('before_after', lang)}: {row.get('uid', '')}"
    panels = [("error_rate", "error_rate_before", "error_rate_after", t("error_rate_pct", lang)),
              ("p95", "p95_before_ms", "p95_after_ms", t("p95_latency", lang)),
              ("lcp", "lcp_p75_before_ms", "lcp_p75_after_ms", t("lcp_p75", lang))]
    fig = make_subplots(rows=1, cols=3, subplot_titles=[p[3] for p in panels], horizontal_spacing=0.1)
    for index, (key, before_col, after_col, _label) in enumerate(panels, start=1):
        before, after = row.get(before_col), row.get(after_col)
        values = [None if before is None or _missing(before) else float(before),
                  None if after is None or _missing(after) else float(after)]
        verdict = row.get("error_verdict") if key == "error_rate" else row.get("latency_verdict") if key == "p95" else None
        after_color = STATUS_COLORS["missed"] if verdict == "regression" else SERIES["p95"]
        text = [("—" if v is None else (f"{v:.2%}" if key == "error_rate" else f"{v:,.0f}")) for v in values]
        fig.add_trace(go.Bar(x=[t("before", lang), t("after", lang)], y=[v or 0 for v in values], text=text,
                             textposition="outside", marker={"color": [SERIES["p50"], after_color]}, showlegend=False,
                             hoverinfo="text", hovertext=text), row=1, col=index)
        top = max([v for v in values if v is not None] or [0]) * 1.3 or (0.01 if key == "error_rate" else 1.0)
        fig.update_yaxes(range=[0, top], row=1, col=index, tickformat=".1%" if key == "error_rate" else ",.0f")
    fig = _base(fig, title, height, legend=False)
    fig.update_annotations(font={"size": 12})
    return fig


# -- audit -------------------------------------------------------------------------------------

def audit_activity(activity: pd.DataFrame, lang: Lang, top: int = 6, height: int = 340) -> go.Figure:
    """Audit entries per day, stacked by the ``top`` actions (the rest as "other"), failures as a line.

    ``activity``: :func:`reports.metrics.audit.activity` (``day``, ``action``, ``entries``,
    ``failures``).
    """
    title = t("audit_activity", lang)
    if activity is None or activity.empty:
        return empty(title, lang, height)
    totals = activity.groupby("action")["entries"].sum().sort_values(ascending=False)
    keep = list(totals.index[:top])
    other = t("other", lang)
    data = activity.assign(group=activity["action"].where(activity["action"].isin(keep), other))
    daily = data.groupby(["day", "group"], as_index=False)["entries"].sum()
    fig = go.Figure()
    palette = ["#1f4e79", "#5b9bd5", "#8e7cc3", "#4db6ac", "#aed581", "#ffb74d", "#bdbdbd"]
    for index, name in enumerate([*keep, other]):
        part = daily[daily["group"] == name]
        if part.empty:
            continue
        fig.add_trace(go.Bar(x=pd.to_datetime(part["day"]), y=part["entries"], name=str(name),
                             marker={"color": palette[index % len(palette)] if name != other else "#bdbdbd"}))
    failures = activity.groupby("day", as_index=False)["failures"].sum()
    fig.add_trace(go.Scatter(x=pd.to_datetime(failures["day"]), y=failures["failures"], name=t("failures", lang),
                             mode="lines+markers", line={"color": STATUS_COLORS["missed"], "width": 2},
                             marker={"size": 4}))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title=t("entries", lang))
    fig.update_xaxes(title=t("day", lang), **_time_axis(lang))
    fig = _base(fig, title, height)
    fig.update_layout(legend={"orientation": "v", "yanchor": "top", "y": 1.0, "x": 1.02, "xanchor": "left",
                              "traceorder": "normal"}, margin={"r": 150})
    return fig
