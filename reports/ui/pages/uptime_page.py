"""Uptime & incidents: daily calendar, incidents with what happened around them, coverage, monitors, budgets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd
import streamlit as st

from reports import access, charts
from reports.i18n import fmt_duration, fmt_pct, fmt_value
from reports.ui import layout, state
from reports.ui.state import Context

NEAR = timedelta(hours=1)


def maintenance_rows(ctx: Context) -> list[dict[str, Any]]:
    """The config's maintenance windows that overlap the period."""
    period = ctx.period
    out = []
    for window in ctx.config.maintenance:
        if window.end <= period.start or window.start >= period.end:
            continue
        out.append({"start": window.start, "end": window.end,
                    "duration_s": (min(window.end, period.end) - max(window.start, period.start)).total_seconds(),
                    "reason": window.reason, "approved_by": window.approved_by})
    return out


def production_deploys(ctx: Context) -> pd.DataFrame:
    timeline = ctx.read("deployments.timeline")
    env = ctx.filters.environment
    return timeline[(timeline["environment"] == env) & (timeline["state"] == "READY") & timeline["ready_at"].notna()]


def summary_metrics(ctx: Context, summary: dict[str, Any]) -> None:
    target = ctx.target("uptime")
    layout.metric_row(ctx, {
        "uptime": fmt_value("uptime", summary["uptime"], ctx.lang),
        "downtime": fmt_duration(summary["down_s"] or 0, ctx.lang), "incidents": f"{summary['incidents'] or 0:,}",
        "MTTR": fmt_duration(summary["mttr_s"], ctx.lang), "MTBF": fmt_duration(summary["mtbf_s"], ctx.lang),
        "monitored": fmt_pct(summary["monitored_fraction"], ctx.lang),
    }, help={"uptime": ctx.t("target_is", target=fmt_pct(target, ctx.lang)) if target else None,
             "monitored": ctx.t("monitored_help")})


def coverage(ctx: Context, summary: dict[str, Any]) -> None:
    st.subheader(ctx.t("coverage_title"))
    left, right = st.columns([3, 2])
    with left:
        layout.chart(charts.coverage_bar(summary, ctx.lang), key="coverage")
    with right:
        st.markdown(ctx.t("coverage_text", monitored=fmt_pct(summary["monitored_fraction"], ctx.lang),
                          unmonitored=fmt_duration(summary["unmonitored_s"] or 0, ctx.lang),
                          maintenance=fmt_duration(summary["maintenance_s"] or 0, ctx.lang)))
        if (summary["degraded_s"] or 0) > 0:
            st.caption(ctx.t("degraded_note", duration=fmt_duration(summary["degraded_s"], ctx.lang)))
    windows = maintenance_rows(ctx)
    st.markdown(f"**{ctx.t('maintenance_windows')}**")
    if not windows:
        st.caption(ctx.t("no_maintenance"))
    else:
        frame = layout.local_times(pd.DataFrame(windows), ctx.tz)
        frame["duration"] = [fmt_duration(s, ctx.lang) for s in frame["duration_s"]]
        layout.table(ctx, frame, "maintenance", column_order=["start", "end", "duration", "reason", "approved_by"],
                     column_config=layout.column_config(ctx, time=["start", "end"],
                                                        text=["duration", "reason", "approved_by"]))


def incidents_section(ctx: Context, incidents: pd.DataFrame) -> None:
    st.subheader(ctx.t("incidents_title"))
    deploys = production_deploys(ctx)
    layout.chart(charts.incident_timeline(incidents, ctx.period.start, ctx.period.end, ctx.lang, ctx.tz,
                                          deployments=deploys, maintenance=maintenance_rows(ctx)), key="timeline")
    if incidents.empty:
        st.success(ctx.t("no_incidents"))
        return
    near = ctx.read("access.who_did_what_near_incidents", viewer=ctx.viewer_arg())
    rows = []
    for inc in incidents.to_dict("records"):
        lo, hi = inc["start"] - NEAR, inc["end"] + NEAR
        nearby = deploys[(deploys["ready_at"] >= lo) & (deploys["ready_at"] <= hi)]
        audit_n = int(near.loc[near["instant"] == inc["start"], "entries"].sum()) if not near.empty else 0
        rows.append({
            "start": inc["start"], "end": inc["end"], "duration": fmt_duration(inc["duration_s"], ctx.lang),
            "state": ctx.t("ongoing") if inc["clipped_end"] else ctx.t("resolved"),
            "monitors": ", ".join(inc["monitors"]), "failed_probes": int(inc["failed_probes"]),
            "first_error": inc["first_error"], "deployments": ", ".join(nearby["uid"]) or "—",
            "audit_entries": audit_n,
        })
    frame = layout.local_times(pd.DataFrame(rows), ctx.tz)
    layout.table(ctx, frame, "incidents", column_config={
        "start": st.column_config.DatetimeColumn(ctx.t("start"), format="MM-DD HH:mm", width="small"),
        "end": st.column_config.DatetimeColumn(ctx.t("end"), format="MM-DD HH:mm", width="small"),
        "duration": st.column_config.TextColumn(ctx.t("duration"), width="small"),
        "state": st.column_config.TextColumn(ctx.t("state"), width="small"),
        "monitors": st.column_config.TextColumn(ctx.t("monitors"), width="small"),
        "failed_probes": st.column_config.NumberColumn(ctx.t("failed_probes"), format="%d", width="small"),
        "first_error": st.column_config.TextColumn(ctx.t("first_error"), width="medium"),
        "deployments": st.column_config.TextColumn(ctx.t("deployments_nearby"), width="medium"),
        "audit_entries": st.column_config.NumberColumn(ctx.t("audit_nearby"), format="%d", width="small")})
    if any(incidents["clipped_start"]) or any(incidents["clipped_end"]):
        st.caption(ctx.t("clipped_note"))
    with st.expander(ctx.t("audit_near_title")):
        st.caption(ctx.t("audit_near_masked") if not ctx.viewer.can(access.PERSONAL_DATA) else ctx.t("audit_near_admin"))
        if near.empty:
            st.caption(ctx.t("no_audit_near"))
        else:
            columns = layout.column_config(ctx, time={"instant": "incident_start"}, text={
                "user_id": "actor", "action": "action", "status": "status", "entries": "entries"})
            layout.table(ctx, layout.local_times(near, ctx.tz), "audit-near-incidents", column_config=columns)
        if ctx.viewer.can(access.RAW_AUDIT):
            raw = ctx.read("access.entries_near_incidents", viewer=ctx.viewer_arg())
            if not raw.empty:
                st.markdown(f"**{ctx.t('raw_entries')}**")
                layout.table(ctx, layout.local_times(raw, ctx.tz), "audit-near-incidents-raw")


def render() -> None:
    ctx = state.current()
    layout.header(ctx, "page_uptime")
    st.caption(ctx.t("uptime_scope_note"))
    summary = ctx.read("uptime.summary")
    if not summary["probes"]:
        layout.empty(ctx, "empty_probes", "hint_probes")
        windows = maintenance_rows(ctx)
        if windows:
            coverage(ctx, summary)
        return
    summary_metrics(ctx, summary)
    target = ctx.target("uptime")
    left, right = st.columns([1, 1])
    with left:
        layout.chart(charts.uptime_calendar(ctx.read("uptime.daily"), 0.995 if target is None else target, ctx.lang),
                     key="calendar")
    with right:
        st.subheader(ctx.t("by_monitor"))
        monitors = ctx.read("uptime.by_monitor")
        monitors = monitors.assign(downtime=[fmt_duration(s, ctx.lang) for s in monitors["down_s"]],
                                   unmonitored=[fmt_duration(s, ctx.lang) for s in monitors["unmonitored_s"]])
        layout.table(ctx, monitors, "monitors",
                     column_order=["monitor", "uptime", "downtime", "incidents", "monitored_fraction", "unmonitored"],
                     column_config=layout.column_config(
                         ctx, text=["monitor", "downtime", "unmonitored"], integer=["incidents"], count=["probes"],
                         percent={"uptime": "uptime", "monitored_fraction": "monitored"}))
    incidents_section(ctx, ctx.read("uptime.incidents"))
    coverage(ctx, summary)
    st.subheader(ctx.t("budgets_title"))
    left, right = st.columns(2)
    for column, objective in ((left, "uptime"), (right, "error_rate")):
        if objective not in ctx.config.objectives:
            continue
        with column:
            frame = ctx.read("budget.burn_down", filtered=objective != "uptime", objective=objective)
            layout.chart(charts.burn_down(frame, objective, ctx.lang), key=f"burn-{objective}")


if __name__ == "__main__":
    render()
