"""Audit log: activity, failures, security events and who did what near incidents (masked unless admin)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from reports import access, charts
from reports.i18n import fmt_number, fmt_pct
from reports.ui import layout, state
from reports.ui.state import Context


def failures_table(ctx: Context, activity: pd.DataFrame) -> None:
    st.markdown(f"**{ctx.t('failures_by_action')}**")
    grouped = activity.groupby(["action", "resource_type"], dropna=False, as_index=False)[["entries", "failures"]].sum()
    grouped = grouped[grouped["failures"] > 0].assign(failure_share=lambda f: f["failures"] / f["entries"])
    if grouped.empty:
        st.caption(ctx.t("no_failures"))
        return
    columns = layout.column_config(ctx, text=["action", "resource_type"], count=["entries", "failures"],
                                   percent=["failure_share"])
    layout.table(ctx, grouped.sort_values("failures", ascending=False), "audit-failures", column_config=columns)


def security_section(ctx: Context) -> None:
    st.subheader(ctx.t("security_title"))
    counts = ctx.read("access.security_counts", viewer=ctx.viewer_arg())
    if counts.empty:
        st.caption(ctx.t("no_security_events"))
        return
    layout.table(ctx, counts, "audit-security-counts", column_config=layout.column_config(
        ctx, text=["action", "status"], count=["entries", "actors"]))
    if ctx.viewer.can(access.RAW_AUDIT):
        with st.expander(ctx.t("security_raw", n=int(counts["entries"].sum()))):
            raw = ctx.read("access.security_events", viewer=ctx.viewer_arg())
            created = st.column_config.DatetimeColumn(ctx.t("time"), format="YYYY-MM-DD HH:mm:ss")
            columns = layout.column_config(ctx, extra={"created_at": created}, text={
                "action": "action", "resource_type": "resource_type", "resource_id": "resource_id",
                "status": "status", "user_id": "actor", "ip_address": "ip_address"})
            layout.table(ctx, layout.local_times(raw, ctx.tz), "audit-security-raw", height=360, column_config=columns)
    else:
        st.caption(ctx.t("raw_admin_only"))


def near_incidents(ctx: Context) -> None:
    st.subheader(ctx.t("audit_near_title"))
    st.caption(ctx.t("audit_near_masked") if not ctx.viewer.can(access.PERSONAL_DATA) else ctx.t("audit_near_admin"))
    near = ctx.read("access.who_did_what_near_incidents", viewer=ctx.viewer_arg())
    if near.empty:
        st.caption(ctx.t("no_audit_near"))
        return
    layout.table(ctx, layout.local_times(near, ctx.tz), "audit-near-incidents", column_config=layout.column_config(
        ctx, time={"instant": "incident_start"}, text={"user_id": "actor", "action": "action", "status": "status"},
        integer=["entries"]))


def render() -> None:
    ctx = state.current()
    layout.header(ctx, "page_audit")
    summary = ctx.read("audit.summary", filtered=False)
    if not summary["entries"]:
        layout.empty(ctx, "empty_audit", "hint_audit")
        return
    layout.metric_row(ctx, {
        "entries": fmt_number(summary["entries"], ctx.lang), "failures": fmt_number(summary["failures"], ctx.lang),
        "failure_share": fmt_pct(summary["failure_share"], ctx.lang, 1),
        "actors": fmt_number(summary["actors"], ctx.lang),
        "security_entries": fmt_number(summary["security_entries"], ctx.lang),
        "security_failures": fmt_number(summary["security_failures"], ctx.lang),
    }, help={"security_entries": ", ".join(ctx.config.audit.security_actions)})
    activity = ctx.read("audit.activity", filtered=False)
    left, right = st.columns([3, 1])
    with left:
        layout.chart(charts.audit_activity(activity, ctx.lang), key="activity")
    with right:
        st.markdown(f"**{ctx.t('top_actions')}**")
        top = pd.DataFrame(summary["top_actions"], columns=["action", "entries"])
        layout.table(ctx, top, "audit-top-actions",
                     column_config=layout.column_config(ctx, text=["action"], count=["entries"]))
    failures_table(ctx, activity)
    security_section(ctx)
    near_incidents(ctx)


if __name__ == "__main__":
    render()
