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
# # A tour of the warehouse
#
# What is loaded, where it came from, how complete each source is over the month, what the
# quarantine holds, and how to ask your own questions. Everything here goes through the
# `reports` library on a **read-only** handle: the warehouse cannot be changed from a notebook,
# and an ingest running at the same time is not blocked (you see the last published snapshot).
#
# Run it for another month with papermill: `papermill 01_warehouse_tour.ipynb out.ipynb -p month 2026-09`.

# %% tags=["parameters"]
month = None  # "YYYY-MM" in the report time zone, or None for the last complete month
db = None  # warehouse file; None: $REPORTS_DB, else data/warehouse.duckdb
config = None  # config file; None: $REPORTS_CONFIG, else reports.toml

# %%
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from IPython.display import Markdown, display

import reports
from reports import ledger
from reports.errors import UsageError
from reports.i18n import fmt_duration, fmt_pct
from reports.metrics import requests, uptime
from reports.notebook import STATUS_COLORS

pio.templates.default = "plotly_white"
wh = reports.open(db, config)
scope = wh.scope(month)
period = scope.period
print(wh)
print(f"Month {period.label} ({wh.timezone}): [{period.start:%Y-%m-%d %H:%M}, {period.end:%Y-%m-%d %H:%M}) UTC")

# %% [markdown]
# ## What is loaded
#
# One row per data table: how many rows it holds and the time span they cover (UTC). Tables are
# normalised, one row per fact, and every row keeps the file (`file_id`) and line it came from.

# %%
tables = wh.tables()
display(tables.style.format({"rows": "{:,}"}, na_rep="–"))

# %% [markdown]
# ## Where it came from: the ingest ledger
#
# Every file a load attempted, summarised per kind of export. A file already loaded is skipped
# by its sha256; records seen before in another file count as duplicates, never twice.

# %%
files = ledger.files(wh.con, limit=100_000)
by_kind = (files.groupby("kind", dropna=False)
           .agg(files=("file_id", "count"), records=("records", "sum"), loaded=("loaded", "sum"),
                duplicates=("duplicates", "sum"), rejected=("rejected", "sum"), last_load=("finished_at", "max"))
           .sort_values("records", ascending=False))
display(by_kind.style.format({c: "{:,.0f}" for c in ("records", "loaded", "duplicates", "rejected")}))
failed = files[files["status"] != "loaded"]
print(f"{len(files):,} files, {len(failed):,} not loaded (skipped or failed)")
if len(failed):
    display(failed[["path", "kind", "status", "message"]].head(20))

# %% [markdown]
# ## Coverage per source over the month
#
# Rows per local day for every table that has a timestamp. A **red** cell is a gap: a day without
# rows in a source that has rows on most days (an export is probably missing, and that day's
# figures are computed on less data). White cells are days without rows in an event source
# (deployments, Lighthouse runs), which is normal. Blue is each day's rows relative to the
# table's median day (weekends are lighter: less traffic); hover for the counts.

# %%
coverage = wh.coverage(scope.period)
totals = coverage.groupby("table")["rows"].sum()
absent = sorted(totals[totals == 0].index)
if absent:
    print(f"No rows at all in {period.label}: {', '.join(absent)}")
coverage = coverage[~coverage["table"].isin(absent)]
if coverage.empty:
    print("No timestamped rows in this period.")
else:
    pivot = coverage.pivot(index="table", columns="day", values="rows")
    continuous = (pivot > 0).mean(axis=1) >= 0.8  # rows on at least 80 % of the days
    median = pivot.where(pivot > 0).median(axis=1)
    relative = pivot.where(pivot > 0).div(median, axis=0).astype(float).clip(upper=2)
    gaps = (pivot == 0).mul(continuous, axis=0).astype(float).where(lambda g: g > 0)
    days = [str(d) for d in pivot.columns]
    fig = go.Figure()
    fig.add_trace(go.Heatmap(
        z=relative.values, x=days, y=list(pivot.index), customdata=pivot.values, zmin=0, zmax=2,
        colorscale=[[0, "#d6eaf8"], [0.5, "#5dade2"], [1, "#1b4f72"]], name="rows", xgap=1, ygap=1,
        colorbar={"title": "rows / median day", "tickvals": [0, 0.5, 1, 1.5, 2],
                  "ticktext": ["0", "0.5×", "1× (median)", "1.5×", "≥ 2×"]},
        hovertemplate="%{y}<br>%{x}: %{customdata:,} rows<extra></extra>"))
    fig.add_trace(go.Heatmap(
        z=gaps.values, x=days, y=list(pivot.index), colorscale=[[0, STATUS_COLORS["missed"]], [1, STATUS_COLORS["missed"]]],
        showscale=False, name="gap", xgap=1, ygap=1, hovertemplate="%{y}<br>%{x}: no rows (gap)<extra></extra>"))
    fig.update_layout(title=f"Rows per day and table, {period.label} (local days, {wh.timezone}); red: a gap, white: no rows",
                      xaxis_title="day", yaxis_title="table", plot_bgcolor="#ffffff",
                      height=160 + 28 * len(pivot), margin={"l": 180})
    fig.show()
    display(pd.DataFrame({"rows in month": pivot.sum(axis=1), "days without rows": (pivot == 0).sum(axis=1),
                          "continuous source": continuous}))

# %% [markdown]
# Coverage of the uptime objective is measured in time, not rows: the share of the month (minus
# approved maintenance) that some probe covered. Unmonitored time is neither up nor down.

# %%
up = uptime.summary(wh.con, scope)
display(Markdown(
    f"Probes covered **{fmt_pct(up['monitored_fraction'])}** of the month outside maintenance; "
    f"maintenance: **{fmt_duration(up['maintenance_s'])}**; unmonitored: **{fmt_duration(up['unmonitored_s'])}**."))
display(uptime.by_monitor(wh.con, scope)[["monitor", "probes", "monitored_fraction", "unmonitored_s", "maintenance_s"]])

# %% [markdown]
# ## The quarantine
#
# Bad records are never dropped silently: each one is kept with its file, line, field and reason,
# and the good records of the same file still load. `reports quarantine --file NAME` shows them
# on the command line.

# %%
total = ledger.quarantine_count(wh.con)
reasons = ledger.reasons(wh.con)
print(f"{total:,} quarantined record(s)")
if total:
    per_kind = reasons.groupby("kind")["records"].sum().sort_values()
    fig = go.Figure(go.Bar(x=per_kind.values, y=per_kind.index, orientation="h", marker_color=STATUS_COLORS["missed"],
                           text=per_kind.values, textposition="outside"))
    fig.update_layout(title="Quarantined records per kind of export", xaxis_title="records",
                      yaxis_title="kind", height=120 + 30 * len(per_kind), margin={"l": 180})
    fig.update_xaxes(tick0=0, dtick=max(1, round(per_kind.max() / 5)))
    fig.show()
    display(reasons)
    # the raw text is left out on purpose: a rejected log line can carry an IP address
    display(ledger.quarantined(wh.con, limit=20)[["path", "line", "item", "field", "reason"]])

# %% [markdown]
# ## How to query
#
# Three ways, from the most to the least curated:
#
# 1. **The Python metric API**: `reports.metrics.<module>.<function>(wh.con, scope)`, e.g.
#    `requests.summary`, `latency.by_route`, `uptime.incidents`. These are the numbers of the app,
#    the PDF and `reports sla`.
# 2. **Any metric file by name**: `wh.metric(name, month, **params)`; the catalogue below lists
#    them with their definitions. Standard parameters (period, environment, maintenance windows,
#    ...) come from the scope; pass others (`grain="hour"`) or overrides (`route="/api/search"`).
# 3. **Ad-hoc SQL** on the read-only handle: `wh.sql(query, **params)`, values bound as `$name`.
#    With `scope=`, the standard parameters the query mentions are bound for you, and the
#    metric macros (`requests_samples(...)`, `latency_samples(...)`) can be used.

# %%
catalogue = wh.metrics()
display(catalogue[["name", "meaning", "unit"]])

# %%
# 1. the Python API
summary = requests.summary(wh.con, scope)
print({k: summary[k] for k in ("source", "requests", "errors", "error_rate")})

# 2. a metric file by name, for one route and a range of local days
display(wh.metric("latency_daily", start=period.start, end=period.end, route="/api/search").head())

# %%
# 3. ad-hoc SQL: status codes of production requests in the month (values bound, never formatted)
wh.sql(
    "SELECT status_code, count(*) AS requests FROM vercel_requests "
    "WHERE ts >= $start AND ts < $end AND environment = $environment AND NOT background "
    "GROUP BY ALL ORDER BY requests DESC LIMIT 10",
    scope=scope,
)

# %% [markdown]
# The handle is read-only, and columns holding personal data (IP addresses, user ids) come back
# masked unless you open it with `reports.open(admin=True)`:

# %%
try:
    wh.sql("DELETE FROM quarantine")
except UsageError as exc:
    print(f"refused: {exc}")
wh.sql("SELECT ts, route, status_code, client_ip FROM vercel_requests ORDER BY ts DESC LIMIT 3")

# %%
wh.close()
