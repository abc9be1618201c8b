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
# # Error analysis
#
# How often requests failed over a month, how that moved day by day and hour by hour, which
# status codes and routes carried the errors, what Sentry recorded, and, for every burst of
# errors, what happened around it: an outage, a deployment, a new issue. Figures come from
# `reports.metrics.requests` (error rate = 5xx or crashed / requests, Vercel request logs, else
# Sentry server transactions), `reports.metrics.errors`, `uptime` and `deployments`.

# %% tags=["parameters"]
month = None  # "YYYY-MM" in the report time zone, or None for the last complete month
db = None  # warehouse file; None: $REPORTS_DB, else data/warehouse.duckdb
config = None  # config file; None: $REPORTS_CONFIG, else reports.toml
burst_error_rate = 0.02  # an hour is a burst above this error rate (the alert rule's 2 %)
burst_min_errors = 5  # ... with at least this many errors (a few requests at night are noise)

# %%
from datetime import timedelta

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from IPython.display import Markdown, display
from plotly.subplots import make_subplots

import reports
from reports.i18n import fmt_number, fmt_pct
from reports.metrics import budget, deployments, errors, requests, uptime
from reports.notebook import SERIES_COLORS, STATUS_CLASS_COLORS, STATUS_COLORS, target_line

pio.templates.default = "plotly_white"
wh = reports.open(db, config)
scope = wh.scope(month)
period = scope.period
target = scope.config.objectives["error_rate"].target if "error_rate" in scope.config.objectives else 0.005
print(wh)


def local(series):
    """UTC instants as wall-clock time in the report time zone."""
    return pd.to_datetime(series, utc=True).dt.tz_convert(wh.timezone)


# %% [markdown]
# ## The month

# %%
summary = requests.summary(wh.con, scope)
if not summary["requests"]:
    display(Markdown(f"**No requests in {period.label}.**"))
else:
    spent = budget.of_period(wh.con, scope, "error_rate")
    display(Markdown(
        f"Source `{summary['source']}`: **{fmt_number(summary['requests'])}** requests, "
        f"**{fmt_number(summary['errors'])}** errors (5xx or crashed; {fmt_number(summary['crashed'])} crashed) → "
        f"error rate **{fmt_pct(summary['error_rate'], digits=3)}** against a target below {fmt_pct(target)}; "
        f"request availability {fmt_pct(summary['request_availability'], digits=3)}. "
        f"API routes: {fmt_pct(summary['api_error_rate'], digits=3)} of {fmt_number(summary['api_requests'])}. "
        f"Client errors (4xx, not counted as errors): {fmt_number(summary['client_errors'])}. "
        f"Error budget consumed: **{fmt_pct(spent.consumed, digits=1)}**."))

# %% [markdown]
# ## Day by day
#
# Errors per local day (bars) and the day's error rate (line) against the target. The budget
# burn-down below shows the share of the month's error budget left at the end of each day: a
# step down is a bad day, a steady slope is a background error rate.

# %%
days = requests.trend(wh.con, scope, "day")
fig = make_subplots(specs=[[{"secondary_y": True}]])
fig.add_trace(go.Bar(x=days["day"], y=days["errors"], name="errors", marker_color=SERIES_COLORS["errors"],
                     opacity=0.55), secondary_y=False)
fig.add_trace(go.Scatter(x=days["day"], y=days["error_rate"], name="error rate", mode="lines+markers",
                         line={"color": SERIES_COLORS["mean"]}), secondary_y=True)
fig.add_hline(y=target, line_dash="dash", line_color=SERIES_COLORS["target"], line_width=1.5, secondary_y=True)
fig.add_annotation(x=0, xref="paper", xanchor="left", y=target, yref="y2", yanchor="bottom", showarrow=False,
                   text=f"target {fmt_pct(target)}", font={"color": SERIES_COLORS["target"]}, bgcolor="white")
fig.update_layout(title=f"Errors and error rate per day, {period.label} ({wh.timezone})", xaxis_title="day",
                  hovermode="x unified", legend={"orientation": "h", "y": 1.08, "x": 1, "xanchor": "right"})
fig.update_yaxes(title_text="errors (5xx or crashed)", secondary_y=False)
fig.update_yaxes(title_text="error rate", tickformat=".1%", rangemode="tozero", secondary_y=True)
fig.show()

burn = budget.burn_down(wh.con, scope, "error_rate")
fig = go.Figure(go.Scatter(x=burn["day"], y=burn["remaining"], mode="lines+markers", name="budget left",
                           line={"color": SERIES_COLORS["value"]}, fill="tozeroy"))
target_line(fig, 0, "budget exhausted", color=STATUS_COLORS["missed"])
fig.update_layout(title="Error budget left at the end of each day", xaxis_title="day",
                  yaxis_title="share of the month's budget left", yaxis_tickformat=".0%", height=350)
fig.show()

# %% [markdown]
# ## Status classes
#
# Every status code of the month. Only 5xx (and crashed functions) count as errors; 4xx are the
# client's mistakes (a bad request, a missing page, an expired session) and are shown apart.

# %%
codes = requests.status_classes(wh.con, scope)
if len(codes):
    fig = go.Figure(go.Bar(x=codes["status_code"].astype("string").fillna(codes["status_class"]), y=codes["requests"],
                           marker_color=[STATUS_CLASS_COLORS.get(c, STATUS_CLASS_COLORS["other"]) for c in codes["status_class"]],
                           text=[fmt_pct(s, digits=2) for s in codes["share"]], textposition="outside",
                           customdata=codes["status_class"], hovertemplate="%{x} (%{customdata}): %{y:,} requests<extra></extra>"))
    fig.update_layout(title=f"Requests per status code, {period.label} (log scale; colour: class)",
                      xaxis_title="HTTP status code", yaxis_title="requests (log scale)", yaxis_type="log",
                      xaxis_type="category")
    fig.show()
    display(codes.groupby("status_class", as_index=False)[["class_requests", "class_share"]].first()
            .style.format({"class_requests": "{:,.0f}", "class_share": "{:.3%}"}))

# %% [markdown]
# ## Routes
#
# The routes with the most errors, and their error rate against the target.

# %%
routes = requests.by_route(wh.con, scope)
worst = routes[routes["errors"] > 0].head(12)
if len(worst):
    shown = worst.iloc[::-1]
    fig = go.Figure(go.Bar(x=shown["error_rate"], y=shown["route"], orientation="h",
                           marker_color=[STATUS_COLORS["missed"] if r >= target else SERIES_COLORS["value"]
                                         for r in shown["error_rate"]],
                           text=[f"{e:,} of {n:,}" for e, n in zip(shown["errors"], shown["requests"], strict=True)],
                           textposition="outside", cliponaxis=False))
    fig.add_vline(x=target, line_dash="dash", line_color=SERIES_COLORS["target"],
                  annotation_text=f"target {fmt_pct(target)}", annotation_font_color=SERIES_COLORS["target"])
    fig.update_layout(title="Error rate of the routes with the most errors (red: at or above the target)",
                      xaxis_title="error rate", xaxis_tickformat=".1%", yaxis_title="route",
                      height=150 + 30 * len(shown), margin={"l": 220, "r": 80})
    fig.show()

# %% [markdown]
# ## What Sentry saw
#
# Error events captured by the Sentry SDKs (server and browser), by exception type, and the
# issues they were grouped into. Sentry counts exceptions, the request logs count failed
# responses: one failed request can raise several events, and a handled exception may not fail
# the request at all.

# %%
sentry = errors.summary(wh.con, scope)
display(Markdown(
    f"**{fmt_number(sentry['events'])}** error events ({fmt_number(sentry['unhandled'])} unhandled) in "
    f"**{fmt_number(sentry['issues'])}** issues."))
by_type = errors.daily(wh.con, scope)
if len(by_type):
    pivot = by_type.pivot_table(index="day", columns="exc_type", values="events", aggfunc="sum", fill_value=0)
    fig = go.Figure([go.Bar(x=pivot.index, y=pivot[c], name=str(c)) for c in pivot.columns])
    fig.update_layout(barmode="stack", title="Sentry error events per day, by exception type", xaxis_title="day",
                      yaxis_title="events", legend_title="exception type")
    fig.show()
top = errors.top_issues(wh.con, scope, limit=10)
for column in ("first_seen", "last_seen"):
    top[column] = local(top[column]).dt.strftime("%Y-%m-%d %H:%M")
display(top[["short_id", "title", "culprit", "level", "status", "events", "first_seen", "last_seen"]])
new = errors.new_issues(wh.con, scope)
print(f"{len(new)} issue(s) first seen this month")
if len(new):
    new["first_seen"] = local(new["first_seen"]).dt.strftime("%Y-%m-%d %H:%M")
    display(new[["short_id", "title", "culprit", "first_seen", "events_in_period", "status"]])
frontend = errors.frontend_rate(wh.con, scope)
if frontend["rate"] is not None:
    display(Markdown(f"Browser errors per page load: **{fmt_pct(frontend['rate'], digits=2)}** "
                     f"({fmt_number(frontend['browser_errors'])} errors / about {fmt_number(frontend['pageloads'])} page loads"
                     + (", page loads sampled" if frontend["sampled"] else "") + ")."))

# %% [markdown]
# ## Bursts and their causes
#
# An hour is a **burst** when its error rate is at least `burst_error_rate` with at least
# `burst_min_errors` errors (parameters of this notebook). Red triangles at the top mark the start
# of uptime incidents, purple ones at the bottom production deployments. For each burst, the table below looks one hour either side for an
# incident, the latest production deployment before it, the Sentry issue with the most events and
# the route with the most errors.

# %%
hours = requests.trend(wh.con, scope, "hour")
hours["local"] = local(hours["bucket_start"])
bursts = hours[(hours["error_rate"] >= burst_error_rate) & (hours["errors"] >= burst_min_errors)]
incidents = uptime.incidents(wh.con, scope)
shipped = deployments.production_deployments(wh.con, scope)

fig = go.Figure(go.Scatter(x=hours["local"], y=hours["error_rate"], mode="lines", name="hourly error rate",
                           line={"color": SERIES_COLORS["mean"], "width": 1}))
fig.add_trace(go.Scatter(x=bursts["local"], y=bursts["error_rate"], mode="markers", name="burst",
                         marker={"color": STATUS_COLORS["missed"], "size": 9},
                         customdata=bursts["errors"], hovertemplate="%{x}: %{y:.1%} (%{customdata} errors)<extra></extra>"))
ceiling = max(float(hours["error_rate"].fillna(0).max()) if len(hours) else 0.0, burst_error_rate) * 1.08
if len(incidents):  # minutes-long incidents are too thin to see as bands on a month: mark their start
    fig.add_trace(go.Scatter(
        x=local(incidents["start"]), y=[ceiling] * len(incidents), mode="markers", name="uptime incident",
        marker={"symbol": "triangle-down", "size": 12, "color": SERIES_COLORS["incident"]},
        customdata=list(zip(incidents["first_error"], incidents["duration_s"] / 60, strict=True)),
        hovertemplate="incident from %{x}<br>%{customdata[0]}, %{customdata[1]:.0f} min<extra></extra>"))
if len(shipped):
    fig.add_trace(go.Scatter(
        x=local(shipped["ready_at"]), y=[0] * len(shipped), mode="markers", name="production deployment",
        marker={"symbol": "triangle-up", "size": 9, "color": SERIES_COLORS["deployment"]}, text=shipped["uid"],
        hovertemplate="deployment %{text}<br>ready %{x}<extra></extra>"))
target_line(fig, burst_error_rate, f"burst threshold {fmt_pct(burst_error_rate)}", color=STATUS_COLORS["missed"], dash="dot")
target_line(fig, target, f"target {fmt_pct(target)}", position="right")
fig.update_layout(title=f"Hourly error rate, {period.label} ({wh.timezone}), with incidents and deployments",
                  xaxis_title="local time", yaxis_title="error rate (per hour)", yaxis_tickformat=".0%",
                  legend={"orientation": "h", "y": 1.08, "x": 1, "xanchor": "right"})
fig.show()

# %%
rows = []
for burst in bursts.itertuples():
    start, end = burst.bucket_start, burst.bucket_start + timedelta(hours=1)
    around = wh.scope(start=start - timedelta(hours=1), end=end + timedelta(hours=1))
    near_incidents = uptime.incidents(wh.con, around)
    before = deployments.production_deployments(wh.con, wh.scope(start=start - timedelta(hours=6), end=end))
    issue = errors.top_issues(wh.con, wh.scope(start=start, end=end), limit=1)
    route = requests.by_route(wh.con, wh.scope(start=start, end=end)).head(1)
    latest = before.sort_values("ready_at").tail(1)
    rows.append({
        "hour": burst.local.strftime("%Y-%m-%d %H:%M"),
        "errors": burst.errors,
        "error rate": burst.error_rate,
        "incident": "; ".join(f"{r.first_error} ({', '.join(r.monitors)})" for r in near_incidents.itertuples()) or "–",
        "latest deployment (6 h before to the hour's end)": (f"{latest['uid'].iloc[0][:12]}… at {local(latest['ready_at']).iloc[0]:%m-%d %H:%M}: "
                              f"{latest['commit_message'].iloc[0]}" if len(latest) else "–"),
        "top Sentry issue": f"{issue['short_id'].iloc[0]}: {issue['title'].iloc[0]}" if len(issue) else "–",
        "top failing route": f"{route['route'].iloc[0]} ({route['errors'].iloc[0]})" if len(route) and route["errors"].iloc[0] else "–",
    })
causes = pd.DataFrame(rows, columns=["hour", "errors", "error rate", "incident",
                                     "latest deployment (6 h before to the hour's end)",
                                     "top Sentry issue", "top failing route"])
print(f"{len(causes)} burst hour(s)")
display(causes.style.format({"error rate": "{:.1%}"}).hide(axis="index"))

# %% [markdown]
# Reading the table: a burst inside an incident with a database error is an outage (see the
# uptime figures); a burst right after a deployment with a new issue is a regression (see
# `04_deploy_impact`); a burst with neither is worth a look in Sentry.

# %%
wh.close()
