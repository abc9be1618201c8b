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
    layout.table(ctx, grouped.sort_values("failures", ascending=False), "audit-failures", column_config={
        "action": ctx.t("action"), "resource_type": ctx.t("resource_type"),
        "entries": st.column_config.NumberColumn(ctx.t("entries"), format="localized"),
        "failures": st.column_config.NumberColumn(ctx.t("failures"), format="localized"),
        "failure_share": st.column_config.NumberColumn(ctx.t("failure_share"), format="percent")})


def security_section(ctx: Context) -> None:
    st.subheader(ctx.t("security_title"))
    counts = ctx.read("access.security_counts", viewer=ctx.viewer_arg())
    if counts.empty:
        st.caption(ctx.t("no_security_events"))
        return
    layout.table(ctx, counts, "audit-security-counts", column_config={
        "action": ctx.t("action"), "status": ctx.t("status"),
        "entries": st.column_config.NumberColumn(ctx.t("entries"), format="localized"),
        "actors": st.column_config.NumberColumn(ctx.t("actors"), format="localized")})
    if ctx.viewer.can(access.RAW_AUDIT):
        with st.expander(ctx.t("security_raw", n=int(counts["entries"].sum()))):
            raw = ctx.read("access.security_events", viewer=ctx.viewer_arg())
            layout.table(ctx, layout.local_times(raw, ctx.tz), "audit-security-raw", height=360, column_config={
                "created_at": st.column_config.DatetimeColumn(ctx.t("time"), format="YYYY-MM-DD HH:mm:ss"),
                "action": ctx.t("action"), "resource_type": ctx.t("resource_type"),
                "resource_id": ctx.t("resource_id"), "status": ctx.t("status"), "user_id": ctx.t("actor"),
                "ip_address": ctx.t("ip_address")})
    else:
        st.caption(ctx.t("raw_admin_only"))


def near_incidents(ctx: Context) -> None:
    st.subheader(ctx.t("audit_near_title"))
    st.caption(ctx.t("audit_near_masked") if not ctx.viewer.can(access.PERSONAL_DATA) else ctx.t("audit_near_admin"))
    near = ctx.read("access.who_did_what_near_incidents", viewer=ctx.viewer_arg())
    if near.empty:
        st.caption(ctx.t("no_audit_near"))
        return
    layout.table(ctx, layout.local_times(near, ctx.tz), "audit-near-incidents", column_config={
        "instant": st.column_config.DatetimeColumn(ctx.t("incident_start"), format="YYYY-MM-DD HH:mm"),
        "user_id": ctx.t("actor"), "action": ctx.t("action"), "status": ctx.t("status"),
        "entries": st.column_config.NumberColumn(ctx.t("entries"), format="%d")})


def render() -> None:
    ctx = state.current()
    layout.header(ctx, "page_audit")
    summary = ctx.read("audit.summary", filtered=False)
    if not summary["entries"]:
        layout.empty(ctx, "empty_audit", "hint_audit")
        return
    cols = st.columns(6)
    cols[0].metric(ctx.t("entries"), fmt_number(summary["entries"], ctx.lang), border=True)
    cols[1].metric(ctx.t("failures"), fmt_number(summary["failures"], ctx.lang), border=True)
    cols[2].metric(ctx.t("failure_share"), fmt_pct(summary["failure_share"], ctx.lang, 1), border=True)
    cols[3].metric(ctx.t("actors"), fmt_number(summary["actors"], ctx.lang), border=True)
    cols[4].metric(ctx.t("security_entries"), fmt_number(summary["security_entries"], ctx.lang), border=True,
                   help=", ".join(ctx.config.audit.security_actions))
    cols[5].metric(ctx.t("security_failures"), fmt_number(summary["security_failures"], ctx.lang), border=True)
    activity = ctx.read("audit.activity", filtered=False)
    left, right = st.columns([3, 1])
    with left:
        layout.chart(charts.audit_activity(activity, ctx.lang), key="activity")
    with right:
        st.markdown(f"**{ctx.t('top_actions')}**")
        top = pd.DataFrame(summary["top_actions"], columns=["action", "entries"])
        layout.table(ctx, top, "audit-top-actions", column_config={
            "action": ctx.t("action"), "entries": st.column_config.NumberColumn(ctx.t("entries"), format="localized")})
    failures_table(ctx, activity)
    security_section(ctx)
    near_incidents(ctx)


if __name__ == "__main__":
    render()
