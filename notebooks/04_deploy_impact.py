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
# # Deployment impact
#
# What each production deployment of the month did to the service. For every `READY` production
# deployment at time *t* (`ready`), `reports.metrics.deployments.impact` compares the window
# `[t − W, t)` with `[t, t + W)` (W = 1 h by default, cut short by the next production deployment):
# request count, error rate, p95 latency and LCP p75. A deployment is a **regression** when
#
# - its error rate rose with a one-sided two-proportion z-test p < 0.01 (pooled standard error;
#   at least 100 requests on each side), or
# - its p95 latency rose by more than 20 % **and** a one-sided Mann–Whitney U test of all the
#   latency samples (after > before) gives p < 0.01 (at least 20 samples on each side).
#
# Too few samples on either side gives `insufficient_data`, never "ok". The notebook only shows
# what the library computed; it re-implements nothing.

# %% tags=["parameters"]
month = None  # "YYYY-MM" in the report time zone, or None for the last complete month
db = None  # warehouse file; None: $REPORTS_DB, else data/warehouse.duckdb
config = None  # config file; None: $REPORTS_CONFIG, else reports.toml
window_s = 3600.0  # W, the before/after window in seconds

# %%
import math
from datetime import timedelta

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from IPython.display import Markdown, display

import reports
from reports.i18n import fmt_duration, fmt_pct
from reports.metrics import audit, deployments, requests
from reports.notebook import RATING_COLORS, SERIES_COLORS, STATUS_COLORS, target_line

pio.templates.default = "plotly_white"
wh = reports.open(db, config)
scope = wh.scope(month)
period = scope.period
VERDICT_COLORS = {"regression": STATUS_COLORS["missed"], "ok": STATUS_COLORS["met"],
                  "insufficient_data": STATUS_COLORS["no_data"]}
print(wh)


def local(series):
    """UTC instants as wall-clock time in the report time zone."""
    return pd.to_datetime(series, utc=True).dt.tz_convert(wh.timezone)


# %% [markdown]
# ## Deployments of the month
#
# Per environment: how many, in which state, build failure rate `ERROR / (READY + ERROR)`,
# build and queue times, and production deploy frequency. Preview and staging deployments appear
# here, never in SLA figures.

# %%
stats = deployments.stats(wh.con, scope)
display(stats.drop(columns=["states"]).style.format(
    {"build_failure_rate": "{:.1%}", "deploys_per_week": "{:.1f}",
     **{c: (lambda v: fmt_duration(v / 1000) if pd.notna(v) else "–") for c in stats.columns if c.endswith("_ms")}},
    na_rep="–").hide(axis="index"))

timeline = deployments.timeline(wh.con, scope)
if len(timeline):
    timeline["local"] = local(timeline["placed_at"])
    fig = go.Figure()
    states = {"READY": STATUS_COLORS["met"], "ERROR": STATUS_COLORS["missed"], "CANCELED": STATUS_COLORS["no_data"]}
    other = RATING_COLORS["needs_improvement"]
    for state, group in timeline.groupby("state"):
        fig.add_trace(go.Scatter(x=group["local"], y=group["environment"], mode="markers", name=state,
                                 marker={"color": states.get(state, other), "size": 10, "symbol": "line-ns",
                                         "line": {"width": 3, "color": states.get(state, other)}},
                                 text=group["commit_message"].fillna("").str.slice(0, 80),
                                 hovertemplate="%{x}<br>%{text}<extra></extra>"))
    fig.update_layout(title=f"Deployments by environment and state, {period.label} ({wh.timezone})",
                      xaxis_title="local time", yaxis_title="environment", height=300, legend_title="state")
    fig.show()

# %% [markdown]
# ## Before and after each production deployment

# %%
impact = deployments.impact(wh.con, scope, window_s=window_s)
if impact.empty:
    display(Markdown(f"**No production deployment became ready in {period.label}.**"))
else:
    impact["local"] = local(impact["ready_at"]).dt.strftime("%m-%d %H:%M")
    impact["label"] = impact["local"] + " " + impact["uid"].str.slice(4, 10)
    table = impact[["local", "uid", "commit_message", "requests_before", "requests_after", "error_rate_before",
                    "error_rate_after", "error_p_value", "p95_before_ms", "p95_after_ms", "p95_change",
                    "latency_p_value", "verdict"]].copy()
    table["commit_message"] = table["commit_message"].fillna("").str.split("\n").str[0].str.slice(0, 60)

    def colour(verdict):
        return f"color: {VERDICT_COLORS.get(verdict, '#000')}; font-weight: bold"

    display(table.style.format({"error_rate_before": "{:.2%}", "error_rate_after": "{:.2%}",
                                "error_p_value": "{:.2g}", "latency_p_value": "{:.2g}", "p95_before_ms": "{:,.0f}",
                                "p95_after_ms": "{:,.0f}", "p95_change": "{:+.0%}"}, na_rep="–")
            .map(colour, subset=["verdict"]).hide(axis="index"))

# %% [markdown]
# Each arrow goes from the hour before to the hour after (colour: the overall verdict). The error
# rate and the p95 are only what the tests look at; the verdict comes from the tests, not from the
# size of the arrow: a big jump on a handful of requests is not significant.

# %%
if len(impact):
    for metric, before, after, title, fmt in [
        ("error rate", "error_rate_before", "error_rate_after", "Error rate before → after", ".1%"),
        ("p95 latency (ms)", "p95_before_ms", "p95_after_ms", "p95 latency before → after", ",.0f"),
    ]:
        fig = go.Figure()
        for row in impact.itertuples():
            b, a = getattr(row, before), getattr(row, after)
            if pd.isna(b) or pd.isna(a):
                continue
            fig.add_annotation(x=a, y=row.label, ax=b, ay=row.label, xref="x", yref="y", axref="x", ayref="y",
                               showarrow=True, arrowhead=2, arrowwidth=2, arrowcolor=VERDICT_COLORS[row.verdict])
        for verdict, group in impact.groupby("verdict"):
            fig.add_trace(go.Scatter(x=group[before], y=group["label"], mode="markers", name=f"before ({verdict})",
                                     marker={"color": "white", "line": {"color": VERDICT_COLORS[verdict], "width": 2},
                                             "size": 8}, showlegend=False))
            fig.add_trace(go.Scatter(x=group[after], y=group["label"], mode="markers", name=verdict,
                                     marker={"color": VERDICT_COLORS[verdict], "size": 9}))
        fig.update_layout(title=f"{title} each production deployment (W = {window_s / 60:.0f} min; ○ before, ● after)",
                          xaxis_title=metric, xaxis_tickformat=fmt, yaxis_title="deployment (local time, uid)",
                          yaxis={"categoryorder": "array", "categoryarray": list(impact["label"]), "autorange": "reversed"},
                          height=180 + 24 * len(impact), legend_title="verdict (after)")
        fig.show()

# %% [markdown]
# ## The statistical tests
#
# The p-values of both tests per deployment, on a log scale: a bar past the dashed line
# (p = 0.01) is significant. For latency a significant test alone is not enough: the p95 must also
# have risen by more than 20 %.

# %%
if len(impact):
    fig = go.Figure()
    for column, name, colour in [("error_p_value", "error rate: two-proportion z-test", SERIES_COLORS["errors"]),
                                 ("latency_p_value", "latency: Mann–Whitney U", SERIES_COLORS["p95"])]:
        values = impact[column].clip(lower=1e-12)
        fig.add_trace(go.Bar(y=impact["label"], x=-values.apply(lambda p: math.log10(p) if pd.notna(p) else None),
                             name=name, orientation="h", marker_color=colour,
                             customdata=impact[column], hovertemplate="p = %{customdata:.3g}<extra></extra>"))
    fig.add_vline(x=2, line_dash="dash", line_color=SERIES_COLORS["target"], annotation_text="p = 0.01",
                  annotation_position="top right")
    fig.update_layout(title="Significance of each test (−log₁₀ p; longer = stronger evidence of a rise)",
                      xaxis_title="−log₁₀(p-value)", yaxis_title="deployment (local time, uid)", barmode="group",
                      yaxis_autorange="reversed", height=200 + 30 * len(impact),
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"})
    fig.show()

# %% [markdown]
# ## The regressions up close
#
# For each regression: the latency samples of both windows (the Mann–Whitney test compares the
# whole distributions, not just the p95), the hourly error rate around the deployment, and the
# audit-log entries within an hour of it (user ids and IPs masked).

# %%
regressions = impact[impact["verdict"] == deployments.REGRESSION] if len(impact) else impact
samples = wh.metric("deploy_impact_samples", scope.period, window_s=window_s)
print(f"{len(regressions)} regression(s) among {len(impact)} production deployment(s): "
      + (", ".join(regressions["uid"]) if len(regressions) else "none"))
for row in regressions.itertuples():
    display(Markdown(f"### {row.label}: {str(row.commit_message or '').splitlines()[0] if row.commit_message else row.uid}\n"
                     f"Error test: **{row.error_verdict}** (p = {row.error_p_value:.3g}); latency test: "
                     f"**{row.latency_verdict}** (p95 {row.p95_change:+.0%}, p = {row.latency_p_value:.3g})."))
    pair = samples[samples["uid"] == row.uid]
    if len(pair):
        fig = go.Figure()
        for side, colour in [("before", SERIES_COLORS["before"]), ("after", SERIES_COLORS["after"])]:
            fig.add_trace(go.Box(x=list(pair[f"{side}_ms"].iloc[0]), name=side, marker_color=colour, boxpoints="all",
                                 jitter=0.4, pointpos=0, marker={"size": 4, "opacity": 0.6}))
        fig.update_layout(title=f"Latency samples {window_s / 60:.0f} min before and after {row.label}",
                          xaxis_title="response time (ms, log scale)", xaxis_type="log", yaxis_title="window",
                          height=300, showlegend=False)
        fig.show()
    ready = pd.Timestamp(row.ready_at)
    hour = ready.floor("h")
    around = requests.trend(wh.con, wh.scope(start=hour - timedelta(hours=6), end=hour + timedelta(hours=7)), "hour")
    fig = go.Figure(go.Bar(x=local(around["bucket_start"]), y=around["error_rate"], marker_color=SERIES_COLORS["value"],
                           xperiod=3_600_000, xperiodalignment="middle",
                           customdata=around[["errors", "requests"]].values,
                           hovertemplate="%{x}: %{y:.2%} (%{customdata[0]} of %{customdata[1]})<extra></extra>"))
    fig.add_vline(x=local(pd.Series([ready]))[0], line_color=SERIES_COLORS["deployment"], line_dash="dot")
    target_line(fig, scope.config.objectives["error_rate"].target, "error-rate target", position="right")
    fig.update_layout(title=f"Hourly error rate 6 h either side of {row.label} (dotted: ready)",
                      xaxis_title="local time", yaxis_title="error rate", yaxis_tickformat=".1%", height=320)
    fig.show()
    near = audit.entries_near_deployments(wh.con, scope, deployments=impact[impact["uid"] == row.uid])
    if len(near):
        display(near.head(10))

# %% [markdown]
# ## Change failure rate and time to restore

# %%
cfr = deployments.change_failure_rate(wh.con, scope, window_s=window_s, assessed_impact=impact if len(impact) else None)
ttr = deployments.time_to_restore(wh.con, scope, window_s=window_s)
display(Markdown(
    f"- Production deployments judged: **{cfr['deployments']}**, of which {cfr['assessed']} could be assessed and "
    f"{cfr['insufficient']} had too little traffic.\n"
    f"- Regressions: **{cfr['regressions']}**; change failure rate **{fmt_pct(cfr['rate'], digits=1)}**.\n"
    f"- Uptime incidents starting within {window_s / 60:.0f} min after a deployment: **{ttr['incidents']}**; "
    f"time to restore (their mean duration): **{fmt_duration(ttr['mttr_s'])}**."))
if ttr["incidents"]:
    display(ttr["rows"])

# %%
wh.close()
