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
# # Latency deep dive
#
# Server response time of production requests over a month: the distribution, per route, over
# time, the outliers, and the database queries behind them. Every figure comes from
# `reports.metrics.latency` (exact percentiles, linear interpolation, maintenance windows
# excluded), the same numbers as the app, the PDF and `reports sla`.

# %% tags=["parameters"]
month = None  # "YYYY-MM" in the report time zone, or None for the last complete month
db = None  # warehouse file; None: $REPORTS_DB, else data/warehouse.duckdb
config = None  # config file; None: $REPORTS_CONFIG, else reports.toml
top_routes = 8  # how many of the busiest routes to compare

# %%
import math

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from IPython.display import Markdown, display

import reports
from reports.i18n import fmt_ms, fmt_number, fmt_pct
from reports.metrics import latency
from reports.notebook import SERIES_COLORS, STATUS_COLORS, target_line

pio.templates.default = "plotly_white"
wh = reports.open(db, config)
scope = wh.scope(month)
period = scope.period
target_ms = scope.params()["target_ms"]
print(wh)

# %% [markdown]
# ## The month in one table

# %%
summary = latency.summary(wh.con, scope)
if not summary["count"]:
    display(Markdown(f"**No server transactions in {period.label}.** Nothing to analyse."))
else:
    display(Markdown(
        f"**{fmt_number(summary['count'])}** samples from `{summary['source']}`"
        + (f" (sampled; about {fmt_number(summary['scaled_count'])} requests)" if summary["sampled"] else "")
        + f": mean **{fmt_ms(summary['mean_ms'])}**, p50 {fmt_ms(summary['p50_ms'])}, "
        f"p95 **{fmt_ms(summary['p95_ms'])}**, p99 {fmt_ms(summary['p99_ms'])}, max {fmt_ms(summary['max_ms'])}; "
        f"{fmt_pct(summary['share_under_target'])} under the {fmt_ms(target_ms, digits=0)} target; "
        f"Apdex (T = {summary['apdex_t_ms']:.0f} ms) {summary['apdex']:.3f}."))

# %% [markdown]
# ## Why the mean and the p95 tell different stories
#
# Response times are right-skewed: most requests are fast, a few are very slow. The **mean** is
# pulled up by that long tail (a single 10 s timeout weighs as much as a hundred 100 ms
# requests) yet still sits far below what the slowest users see. The **p95** says what one request
# in twenty is slower than: it follows the tail, not the bulk. An SLA on the mean (< 2 s) can be
# met comfortably while one route's p95 breaks its own target, and a p95 can move while the mean
# does not. Read them together, with the histogram (log scale: each bar is a bin of the same
# relative width).

# %%
hist = latency.histogram(wh.con, scope)
used = hist.index[hist["count"] > 0]
shown = hist.loc[used.min():used.max()] if len(used) else hist.iloc[0:0]  # trim empty bins at both ends
if len(shown):
    labels = [f"{a:,.0f}–{b:,.0f}" if pd.notna(b) else f"≥ {a:,.0f}"
              for a, b in zip(shown["bin_start_ms"], shown["bin_end_ms"], strict=True)]
    fig = go.Figure(go.Bar(x=labels, y=shown["share"], marker_color=SERIES_COLORS["requests"],
                           customdata=shown["count"], hovertemplate="%{x} ms: %{customdata:,} samples (%{y:.1%})<extra></extra>"))

    def position(value):
        """Where ``value`` falls on the category axis of bins (log-interpolated inside its bin)."""
        for i, (low, high) in enumerate(zip(shown["bin_start_ms"], shown["bin_end_ms"], strict=True)):
            if low <= value and (pd.isna(high) or value < high):
                if pd.isna(high) or low <= 0:
                    return i
                return i - 0.5 + (math.log(value) - math.log(low)) / (math.log(high) - math.log(low))
        return None

    marks = [("mean", summary["mean_ms"], SERIES_COLORS["mean"]), ("p50", summary["p50_ms"], SERIES_COLORS["p50"]),
             ("p95", summary["p95_ms"], SERIES_COLORS["p95"]), ("p99", summary["p99_ms"], SERIES_COLORS["p99"]),
             ("target", target_ms, SERIES_COLORS["target"])]
    for i, (name, value, colour) in enumerate(marks):
        where = position(value)
        if where is not None:
            fig.add_vline(x=where, line_color=colour, line_dash="dash" if name == "target" else "dot")
            fig.add_annotation(x=where, y=1 - 0.08 * i, yref="paper", text=f"{name} {value:,.0f} ms",
                               showarrow=False, xanchor="left", font={"color": colour}, bgcolor="white")
    fig.update_layout(title=f"Server response time distribution, {period.label} (log-spaced bins)",
                      xaxis_title="response time bin (ms)", yaxis_title="share of samples", yaxis_tickformat=".0%")
    fig.show()

# %% [markdown]
# Per route, the gap between the two is the size of the tail: points far above the diagonal are
# routes whose typical request is fine but whose slow requests are very slow.

# %%
routes = latency.by_route(wh.con, scope)
if len(routes):
    fig = go.Figure(go.Scatter(
        x=routes["mean_ms"], y=routes["p95_ms"], mode="markers", text=routes["route"], name="route",
        marker={"size": (routes["count"] / routes["count"].max() * 40).clip(lower=6),
                "color": [STATUS_COLORS["missed"] if b else SERIES_COLORS["value"] for b in routes["breach"].fillna(False)]},
        customdata=routes["count"],
        hovertemplate="%{text}<br>mean %{x:,.0f} ms, p95 %{y:,.0f} ms<br>%{customdata:,} samples<extra></extra>"))
    low, high = routes["mean_ms"].min() * 0.8, routes["p95_ms"].max() * 1.25
    fig.add_trace(go.Scatter(x=[low, high], y=[low, high], mode="lines", line={"dash": "dot", "color": STATUS_COLORS["no_data"]},
                             name="p95 = mean", hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=[low, high / 4], y=[low * 4, high], mode="lines", line={"dash": "dot", "color": SERIES_COLORS["p95"]},
                             name="p95 = 4 × mean", hoverinfo="skip"))
    tails = routes.assign(ratio=routes["p95_ms"] / routes["mean_ms"]).nlargest(3, "ratio")
    labelled = pd.concat([tails, routes[routes["breach"].fillna(False)]]).drop_duplicates("route")
    for i, row in enumerate(labelled.sort_values("mean_ms").itertuples()):
        fig.add_annotation(x=math.log10(row.mean_ms), y=math.log10(row.p95_ms), text=row.route, ax=-60 + 15 * i,
                           ay=-30 - 22 * i, font={"size": 11}, arrowcolor=STATUS_COLORS["no_data"], bgcolor="rgba(255,255,255,0.8)")
    fig.update_layout(title="Mean vs p95 per route (log scales; size: samples; red: breaks its route target)",
                      xaxis_title="mean response time (ms)", yaxis_title="p95 response time (ms)", xaxis_type="log",
                      yaxis_type="log", legend={"orientation": "h", "y": -0.2})
    fig.show()
    display(routes[["route", "count", "mean_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms", "apdex",
                    "target_p95_ms", "breach"]].head(20).style.format(precision=1, na_rep="–"))

# %% [markdown]
# ## Distributions of the busiest routes
#
# Box plots of every sample of the busiest routes (log scale): the box is p25–p75, the line the
# median, whiskers 1.5 IQR, dots beyond them. A diamond marks the route's own p95 target where
# the config sets one.

# %%
samples = wh.latency_samples(scope.period)
busiest = routes.nlargest(top_routes, "count")["route"].tolist() if len(routes) else []
fig = go.Figure()
for name in busiest:
    values = samples.loc[samples["route"] == name, "duration_ms"]
    fig.add_trace(go.Box(y=values, name=name, boxpoints="outliers", marker={"size": 3},
                         line={"color": SERIES_COLORS["value"]}, showlegend=False))
targets = routes[routes["route"].isin(busiest) & routes["target_p95_ms"].notna()]
if len(targets):
    fig.add_trace(go.Scatter(x=targets["route"], y=targets["target_p95_ms"], mode="markers", name="p95 target",
                             marker={"symbol": "diamond", "size": 12, "color": SERIES_COLORS["target"]}))
fig.update_layout(title=f"Response time of the {len(busiest)} busiest routes, {period.label}",
                  xaxis_title="route", yaxis_title="response time (ms, log scale)", yaxis_type="log", height=550,
                  legend={"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"})
target_line(fig, target_ms, f"mean-response target {target_ms:,.0f} ms")
fig.show()

# %% [markdown]
# ## Percentiles over time
#
# Each day's percentiles are computed over that day's samples (never averaged). A p99 that jumps
# on one day while the p50 stays flat is a tail event (timeouts, a cold start, one slow query);
# everything moving together is a broad slowdown (a deployment, load, the database).

# %%
daily = latency.daily(wh.con, scope)
fig = go.Figure()
for column, dash in [("p50_ms", "solid"), ("p90_ms", "solid"), ("p95_ms", "solid"), ("p99_ms", "solid"),
                     ("mean_ms", "dash")]:
    colour = SERIES_COLORS[column.removesuffix("_ms")]
    fig.add_trace(go.Scatter(x=daily["day"], y=daily[column], name=column.replace("_ms", ""), mode="lines+markers",
                             line={"color": colour, "dash": dash}, marker={"size": 4}))
target_line(fig, target_ms, f"target {target_ms:,.0f} ms (mean)")
fig.update_layout(title=f"Daily response-time percentiles, {period.label} (local days)", xaxis_title="day",
                  yaxis_title="response time (ms)", legend_title="statistic", hovermode="x unified")
fig.show()

# %% [markdown]
# Routes with their own p95 target (`[[routes]]` in the config), day by day against it:

# %%
for target in scope.config.routes:
    if target.p95_ms is None:
        continue
    per_day = latency.daily(wh.con, wh.scope(scope.period, route=target.pattern))
    if per_day["count"].fillna(0).sum() == 0:
        print(f"{target.pattern}: no samples")
        continue
    fig = go.Figure(go.Scatter(x=per_day["day"], y=per_day["p95_ms"], mode="lines+markers", name="p95",
                               line={"color": SERIES_COLORS["p95"]}))
    target_line(fig, target.p95_ms, f"p95 target {target.p95_ms:,.0f} ms")
    fig.update_layout(title=f"{target.pattern}: daily p95 against its target", xaxis_title="day",
                      yaxis_title="p95 response time (ms)", height=350)
    fig.show()

# %% [markdown]
# ## Outliers
#
# The slowest samples of the month, and every sample above the month's p99 over time. Samples
# stuck at one value (e.g. ~10 s) are usually a timeout, not a slow computation.

# %%
if len(samples):
    p99 = summary["p99_ms"]
    slow = samples[samples["duration_ms"] > p99].copy()
    slow["local_time"] = slow["ts"].dt.tz_convert(wh.timezone)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=slow["local_time"], y=slow["duration_ms"], mode="markers", text=slow["route"],
                             marker={"size": 5, "color": SERIES_COLORS["p99"], "opacity": 0.6}, name="sample above p99",
                             hovertemplate="%{text}<br>%{x}<br>%{y:,.0f} ms<extra></extra>"))
    fig.update_layout(title=f"The {len(slow):,} samples above the month's p99, over time ({wh.timezone})",
                      xaxis_title="time", yaxis_title="response time (ms, log scale)", yaxis_type="log", showlegend=False,
                      yaxis_range=[math.log10(p99) - 0.1, math.log10(slow["duration_ms"].max()) + 0.1])
    target_line(fig, p99, f"p99 {p99:,.0f} ms", color=SERIES_COLORS["p99"], dash="dot")
    target_line(fig, target_ms, f"target {target_ms:,.0f} ms", position="right")
    fig.show()
    print("The 15 slowest samples:")
    display(slow.nlargest(15, "duration_ms")[["local_time", "route", "duration_ms"]])
    print(f"Routes with samples at or above the {target_ms:,.0f} ms target:")
    over = routes.assign(share_over_target=1 - routes["share_under_target"])
    display(over[over["share_over_target"] > 0].sort_values("share_over_target", ascending=False)
            [["route", "count", "share_over_target", "p99_ms", "max_ms"]]
            .style.format({"share_over_target": "{:.2%}", "p99_ms": "{:,.0f}", "max_ms": "{:,.0f}"}))

# %% [markdown]
# ## Database time
#
# The Sentry `db*` spans of the month grouped by query: where the database time goes. A query with
# a modest p50 but a huge count (a query per item: N+1) often costs more in total than the slow
# one everyone notices.

# %%
spans = latency.db_spans(wh.con, scope, limit=15)
if spans.empty:
    print("No database spans in this period.")
else:
    shown = spans.iloc[::-1]
    short = [d if len(d) <= 60 else d[:57] + "…" for d in shown["description"].fillna("(no description)")]
    labels = [f"{c:,} × p95 {p:,.0f} ms" for c, p in zip(shown["count"], shown["p95_ms"], strict=True)]
    fig = go.Figure(go.Bar(x=shown["total_exclusive_ms"] / 1000, y=short, orientation="h", marker_color=SERIES_COLORS["database"],
                           text=labels, textposition="outside", cliponaxis=False,
                           customdata=shown[["count", "p50_ms", "p95_ms"]].values,
                           hovertemplate="%{y}<br>%{x:,.1f} s total<br>%{customdata[0]:,} spans, "
                                         "p50 %{customdata[1]:,.1f} ms, p95 %{customdata[2]:,.1f} ms<extra></extra>"))
    fig.update_layout(title=f"Database queries by total exclusive time, {period.label}",
                      xaxis_title="total exclusive time (s)", yaxis_title="query", height=150 + 32 * len(shown),
                      margin={"l": 420})
    fig.show()
    display(spans[["description", "ops", "count", "mean_ms", "p50_ms", "p95_ms", "total_exclusive_ms", "share_of_db_time"]]
            .style.format({"count": "{:,}", "mean_ms": "{:,.1f}", "p50_ms": "{:,.1f}", "p95_ms": "{:,.1f}",
                           "total_exclusive_ms": "{:,.0f}", "share_of_db_time": "{:.1%}"}))

# %%
wh.close()
