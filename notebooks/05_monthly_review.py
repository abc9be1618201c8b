# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Monthly review
#
# The month's SLA, told in words and charts: every objective against its target, the error
# budgets, the incidents, the data coverage and the change from the previous month. The numbers
# are `reports.sla.summary`, exactly what `reports sla --month M --json` prints and what the PDF
# shows; the last cell records them (and writes them to `out_json` when given) so they can be
# checked against the CLI.

# %% tags=["parameters"]
month = None  # "YYYY-MM" in the report time zone, or None for the last complete month
db = None  # warehouse file; None: $REPORTS_DB, else data/warehouse.duckdb
config = None  # config file; None: $REPORTS_CONFIG, else reports.toml
lang = "en"  # language of the text and labels: "en" or "ko"
out_json = None  # a path to write the recorded figures to (JSON), or None

# %%
import json
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from IPython.display import Markdown, display
from plotly.subplots import make_subplots

import reports
from reports.i18n import (
    fmt_datetime,
    fmt_duration,
    fmt_month,
    fmt_number,
    fmt_pct,
    fmt_value,
    objective_label,
    status_label,
)
from reports.metrics import budget
from reports.notebook import SERIES_COLORS, STATUS_COLORS

pio.templates.default = "plotly_white"
wh = reports.open(db, config)
period = wh.period(month)
summary = wh.sla(period)
objectives = summary["objectives"]
print(wh)

# %% [markdown]
# The words and labels of this review, in English and Korean (figures are formatted by
# `reports.i18n`, like the app and the PDF).

# %%
WORDS = {
    "en": {
        "headline": "**{month}**: {met} of {total} objectives met{missed}{no_data}.",
        "missed": "; missed: {names}", "no_data": "; no data: {names}",
        "line": "- **{name}** {actual} (target {cmp_symbol} {target}): {status}{extra}. Source: `{source}`, {samples} samples.",
        "budget": ", {left} of the error budget left", "overspent": ", error budget overspent ({left})",
        "previous": "; previous month {prev}",
        "incidents": "{n} incident(s), {down} of downtime in total; the longest lasted {longest}.",
        "no_incidents": "No incident: the uptime probes never saw the service down.",
        "coverage": "Probes covered {monitored} of the month outside maintenance; approved maintenance took {maint}.",
        "objective": "objective", "target": "target", "actual": "actual", "status": "status", "source": "source",
        "samples": "samples", "budget_left": "budget left", "previous_month": "previous month", "change": "change",
        "chart": "Objectives: previous month and {month} against the target", "this": "this month",
        "prev": "previous month", "burn": "Error budget left, day by day", "day": "day",
        "left": "share of the month's budget left", "incident_chart": "Incidents: start and duration ({tz})", "time": "local time",
        "monitors": "monitors", "minutes": "duration (minutes)",
    },
    "ko": {
        "headline": "**{month}**: 목표 {total}개 중 {met}개 달성{missed}{no_data}.",
        "missed": "; 미달: {names}", "no_data": "; 데이터 없음: {names}",
        "line": "- **{name}** {actual} (목표 {cmp_symbol} {target}): {status}{extra}. 출처: `{source}`, 표본 {samples}개.",
        "budget": ", 오류 예산 {left} 남음", "overspent": ", 오류 예산 초과 ({left})",
        "previous": "; 지난달 {prev}",
        "incidents": "장애 {n}건, 총 중단 시간 {down}; 가장 긴 장애는 {longest}.",
        "no_incidents": "장애 없음: 가동 확인 프로브가 서비스 중단을 한 번도 관측하지 않았습니다.",
        "coverage": "점검 시간을 제외한 기간의 {monitored}를 프로브가 관측했습니다. 승인된 점검 시간: {maint}.",
        "objective": "목표 항목", "target": "목표", "actual": "실적", "status": "상태", "source": "출처",
        "samples": "표본", "budget_left": "남은 예산", "previous_month": "지난달", "change": "변화",
        "chart": "목표별 실적: 지난달과 {month}, 목표선", "this": "이번 달", "prev": "지난달",
        "burn": "일별 남은 오류 예산", "day": "일", "left": "이번 달 오류 예산 중 남은 비율",
        "incident_chart": "장애: 시작 시각과 지속 시간 ({tz})", "time": "현지 시각", "monitors": "모니터",
        "minutes": "지속 시간 (분)",
    },
}
w = WORDS[lang]
SYMBOLS = {">=": "≥", "<": "<", "<=": "≤"}
UNITS = {"uptime": "%", "error_rate": "%", "mean_response_ms": "ms", "lcp_p75_ms": "ms", "inp_p75_ms": "ms",
         "cls_p75": "CLS"}

# %% [markdown]
# ## The month in words

# %%
by_status = {s: [o for o in objectives if o["status"] == s] for s in ("met", "missed", "no_data")}


def names(items):
    return ", ".join(objective_label(o["id"], lang) for o in items)


lines = [w["headline"].format(
    month=fmt_month(summary["month"], lang), met=len(by_status["met"]), total=len(objectives),
    missed=w["missed"].format(names=names(by_status["missed"])) if by_status["missed"] else "",
    no_data=w["no_data"].format(names=names(by_status["no_data"])) if by_status["no_data"] else ""), ""]
for o in objectives:
    extra = ""
    if o.get("budget_remaining") is not None:
        key = "budget" if o["budget_remaining"] >= 0 else "overspent"
        extra += w[key].format(left=fmt_pct(o["budget_remaining"], lang, 1))
    previous = summary["previous_month"].get(o["id"])
    if previous is not None:
        extra += w["previous"].format(prev=fmt_value(o["id"], previous, lang))
    lines.append(w["line"].format(
        name=objective_label(o["id"], lang), actual=fmt_value(o["id"], o["actual"], lang),
        target=fmt_value(o["id"], o["target"], lang), status=status_label(o["status"], lang), extra=extra,
        cmp_symbol=SYMBOLS[o["comparison"]],
        source=o["source"] or "–", samples=fmt_number(o["samples"], lang)))
incidents = summary["incidents"]
lines.append("")
if incidents:
    lines.append(w["incidents"].format(
        n=len(incidents), down=fmt_duration(sum(i["duration_s"] for i in incidents), lang),
        longest=fmt_duration(max(i["duration_s"] for i in incidents), lang)))
else:
    lines.append(w["no_incidents"])
coverage = summary["coverage"]
lines.append(w["coverage"].format(monitored=fmt_pct(coverage["monitored_fraction"], lang),
                                  maint=fmt_duration(coverage["maintenance_s"], lang)))
display(Markdown("\n".join(lines)))

# %% [markdown]
# ## Objectives

# %%
def fmt_change(oid, change):
    """A month-on-month change: percentage points for ratios, the objective's unit otherwise."""
    if change is None:
        return "–"
    sign = "+" if change >= 0 else "−"
    if UNITS[oid] == "%":
        return f"{sign}{abs(change) * 100:.{3 if oid == 'error_rate' else 2}f} pp"
    return sign + fmt_value(oid, abs(change), lang)


rows = []
for o in objectives:
    previous = summary["previous_month"].get(o["id"])
    change = None if previous is None or o["actual"] is None else o["actual"] - previous
    rows.append({
        w["objective"]: objective_label(o["id"], lang),
        w["target"]: f"{SYMBOLS[o['comparison']]} {fmt_value(o['id'], o['target'], lang)}",
        w["actual"]: fmt_value(o["id"], o["actual"], lang),
        w["status"]: status_label(o["status"], lang),
        w["budget_left"]: fmt_pct(o["budget_remaining"], lang, 1) if o.get("budget_remaining") is not None else "–",
        w["previous_month"]: fmt_value(o["id"], previous, lang),
        w["change"]: fmt_change(o["id"], change),
        w["source"]: o["source"] or "–",
        w["samples"]: fmt_number(o["samples"], lang),
    })
table = pd.DataFrame(rows)
colours = {status_label(s, lang): c for s, c in STATUS_COLORS.items()}
display(table.style.map(lambda v: f"color: {colours.get(v, 'inherit')}; font-weight: bold", subset=[w["status"]])
        .hide(axis="index"))

# %% [markdown]
# Each panel: the previous month (grey) and this month (coloured by status) against the target
# (dashed). For uptime higher is better; for every other objective lower is better.

# %%
fig = make_subplots(rows=2, cols=3, subplot_titles=[objective_label(o["id"], lang) for o in objectives],
                    vertical_spacing=0.18, horizontal_spacing=0.1)
for i, o in enumerate(objectives):
    r, c = divmod(i, 3)
    scale = 100 if UNITS[o["id"]] == "%" else 1
    previous = summary["previous_month"].get(o["id"])
    values = [None if previous is None else previous * scale, None if o["actual"] is None else o["actual"] * scale]
    fig.add_trace(go.Bar(x=[w["prev"], w["this"]], y=values, marker_color=[STATUS_COLORS["no_data"], STATUS_COLORS[o["status"]]],
                         text=[fmt_value(o["id"], previous, lang), fmt_value(o["id"], o["actual"], lang)],
                         textposition="auto", cliponaxis=False, showlegend=False), row=r + 1, col=c + 1)
    fig.add_hline(y=o["target"] * scale, line_dash="dash", line_color=SERIES_COLORS["target"], row=r + 1, col=c + 1)
    known = [v for v in values if v is not None] + [o["target"] * scale]
    if o["id"] == "uptime":  # zoom in: 99 % and 100 % would look the same from zero
        low = max(min(known) - (100 - min(known)) * 0.5, 0)
        fig.update_yaxes(range=[low, 100 + (100 - low) * 0.15], row=r + 1, col=c + 1)
    else:
        fig.update_yaxes(range=[0, max(known) * 1.25], row=r + 1, col=c + 1)
    fig.update_yaxes(title_text=UNITS[o["id"]], row=r + 1, col=c + 1)
fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=w["target"],
                         line={"dash": "dash", "color": SERIES_COLORS["target"]}))
fig.update_layout(title=w["chart"].format(month=fmt_month(summary["month"], lang)), height=620,
                  legend={"orientation": "h", "y": 1.13, "x": 1, "xanchor": "right"})
fig.show()

# %% [markdown]
# ## Error budgets
#
# The share of each ratio objective's budget left at the end of every day (a negative value is an
# overspent budget). Uptime's budget is downtime seconds; the error rate's is failed requests.

# %%
scope = wh.scope(period)
fig = go.Figure()
for oid, colour in [("uptime", SERIES_COLORS["budget"]), ("error_rate", SERIES_COLORS["errors"])]:
    if oid not in scope.config.objectives:
        continue
    burn = budget.burn_down(wh.con, scope, oid)
    fig.add_trace(go.Scatter(x=burn["day"], y=burn["remaining"], mode="lines+markers", name=objective_label(oid, lang),
                             line={"color": colour}))
fig.add_hline(y=0, line_color=STATUS_COLORS["missed"], line_dash="dash")
fig.update_layout(title=w["burn"], xaxis_title=w["day"], yaxis_title=w["left"], yaxis_tickformat=".0%", height=380,
                  legend={"orientation": "h", "y": 1.1, "x": 1, "xanchor": "right"})
fig.show()

# %% [markdown]
# ## Incidents

# %%
if incidents:
    frame = pd.DataFrame(incidents)
    frame["start_local"] = [fmt_datetime(pd.Timestamp(t).to_pydatetime(), lang, wh.timezone) for t in frame["start"]]
    frame["duration"] = [fmt_duration(d, lang) for d in frame["duration_s"]]
    frame["monitors"] = [", ".join(m) for m in frame["monitors"]]
    display(frame[["start_local", "duration", "monitors", "failed_probes", "first_error"]].style.hide(axis="index"))
    starts = pd.to_datetime(frame["start"], utc=True).dt.tz_convert(wh.timezone)
    ends = pd.to_datetime(frame["end"], utc=True).dt.tz_convert(wh.timezone)
    fig = go.Figure(go.Scatter(x=starts, y=frame["duration_s"] / 60, mode="markers+text", text=frame["duration"],
                               textposition="middle right", marker={"size": 14, "color": STATUS_COLORS["missed"]},
                               customdata=list(zip(frame["monitors"], ends.dt.strftime("%H:%M"), frame["first_error"],
                                                   strict=True)),
                               hovertemplate="%{x} – %{customdata[1]}<br>%{y:.0f} min<br>%{customdata[0]}<br>"
                                             "%{customdata[2]}<extra></extra>"))
    fig.update_layout(title=w["incident_chart"].format(tz=wh.timezone), xaxis_title=w["time"],
                      yaxis_title=w["minutes"], yaxis_range=[0, frame["duration_s"].max() / 60 * 1.3], height=380,
                      xaxis_range=[period.start.astimezone(starts.dt.tz), period.end.astimezone(starts.dt.tz)])
    fig.show()

# %% [markdown]
# ## Maintenance windows
#
# Approved maintenance from the config; time and requests inside them are excluded from every
# objective.

# %%
windows = [{"start": fmt_datetime(m.start, lang, wh.timezone), "end": fmt_datetime(m.end, lang, wh.timezone),
            "reason": m.reason, "approved_by": m.approved_by}
           for m in scope.config.maintenance if m.end > period.start and m.start < period.end]
display(pd.DataFrame(windows, columns=["start", "end", "reason", "approved_by"]))

# %% [markdown]
# ## The recorded figures
#
# The numbers this review is built on, as JSON (unrounded). They are the `objectives`,
# `incidents` and `coverage` of `reports sla --month M --json`.

# %%
figures = {
    "month": summary["month"],
    "timezone": summary["timezone"],
    "period": summary["period"],
    "objectives": {o["id"]: {k: o.get(k) for k in ("target", "comparison", "actual", "status", "source", "samples",
                                                     "budget_remaining")} for o in objectives},
    "incidents": len(incidents),
    "downtime_s": sum(i["duration_s"] for i in incidents),
    "coverage": coverage,
    "previous_month": summary["previous_month"],
}
print(json.dumps(figures, indent=1, ensure_ascii=False))
if out_json:
    Path(out_json).write_text(json.dumps(figures, ensure_ascii=False), encoding="utf-8")

# %%
wh.close()
