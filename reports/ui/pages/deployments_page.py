"""Deployments: timeline by environment, statistics, the impact table and a before/after view per deployment."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from reports import charts
from reports.i18n import fmt_datetime, fmt_duration, fmt_ms, fmt_number, fmt_pct, fmt_value
from reports.ui import layout, state
from reports.ui.state import Context


def _first_line(text: Any, limit: int = 80) -> str:
    if text is None or (isinstance(text, float) and pd.isna(text)) or text is pd.NA:
        return ""
    return str(text).splitlines()[0][:limit] if str(text) else ""


def stats_section(ctx: Context, stats: pd.DataFrame, impact: pd.DataFrame) -> None:
    env = ctx.filters.environment
    row = stats[stats["environment"] == env]
    prod = row.iloc[0].to_dict() if not row.empty else {}
    cfr = ctx.read("deployments.change_failure_rate")
    ttr = ctx.read("deployments.time_to_restore")
    cols = st.columns(5)
    cols[0].metric(ctx.t("deploys_per_week"), fmt_number(prod.get("deploys_per_week"), ctx.lang, 1), border=True,
                   help=ctx.t("deploys_per_week_help", env=env))
    cols[1].metric(ctx.t("build_failure_rate"), fmt_pct(prod.get("build_failure_rate"), ctx.lang, 1), border=True)
    build = prod.get("build_p50_ms")
    cols[2].metric(ctx.t("build_time_p50"), fmt_duration(None if build is None or pd.isna(build) else build / 1000,
                                                         ctx.lang), border=True)
    cols[3].metric(ctx.t("change_failure_rate"), fmt_pct(cfr["rate"], ctx.lang, 1), border=True,
                   help=ctx.t("cfr_help", regressions=cfr["regressions"], assessed=cfr["assessed"],
                              insufficient=cfr["insufficient"]))
    cols[4].metric(ctx.t("time_to_restore"), fmt_duration(ttr["mttr_s"], ctx.lang), border=True,
                   help=ctx.t("ttr_help", n=ttr["incidents"]))
    st.markdown(f"**{ctx.t('stats_by_env')}**")
    table = stats.assign(build_p50=[fmt_duration(v / 1000 if pd.notna(v) else None, ctx.lang) for v in stats["build_p50_ms"]],
                         build_p95=[fmt_duration(v / 1000 if pd.notna(v) else None, ctx.lang) for v in stats["build_p95_ms"]],
                         queue_p50=[fmt_duration(v / 1000 if pd.notna(v) else None, ctx.lang) for v in stats["queue_p50_ms"]])
    layout.table(ctx, table, "deploy-stats",
                 column_order=["environment", "deployments", "ready", "error", "canceled", "build_failure_rate",
                               "build_p50", "build_p95", "queue_p50", "deploys_per_week"],
                 column_config={"environment": ctx.t("environment"),
                                "deployments": st.column_config.NumberColumn(ctx.t("deployments"), format="%d"),
                                "ready": st.column_config.NumberColumn("READY", format="%d"),
                                "error": st.column_config.NumberColumn("ERROR", format="%d"),
                                "canceled": st.column_config.NumberColumn("CANCELED", format="%d"),
                                "build_failure_rate": st.column_config.NumberColumn(ctx.t("build_failure_rate"),
                                                                                    format="percent"),
                                "build_p50": ctx.t("build_p50"), "build_p95": ctx.t("build_p95"),
                                "queue_p50": ctx.t("queue_p50"),
                                "deploys_per_week": st.column_config.NumberColumn(ctx.t("deploys_per_week"),
                                                                                  format="%.1f")})


def impact_table(ctx: Context, impact: pd.DataFrame) -> None:
    st.subheader(ctx.t("impact_title"))
    st.caption(ctx.t("impact_note"))
    verdict_text = {"ok": "✓ ", "regression": "▲ ", "insufficient_data": "· "}
    table = layout.local_times(impact, ctx.tz).assign(
        verdict_label=[verdict_text.get(v, "") + ctx.t(f"verdict_{v}") for v in impact["verdict"]],
        message=[_first_line(m) for m in impact["commit_message"]])
    layout.table(ctx, table, "deploy-impact", height=min(460, 40 + 35 * len(table)),
                 column_order=["ready_at", "verdict_label", "uid", "message", "commit_author", "requests_before",
                               "requests_after", "error_rate_before", "error_rate_after", "p95_before_ms",
                               "p95_after_ms", "p95_change", "error_p_value", "latency_p_value"],
                 column_config={
                     "ready_at": st.column_config.DatetimeColumn(ctx.t("ready_at"), format="YYYY-MM-DD HH:mm"),
                     "verdict_label": ctx.t("verdict"), "uid": "uid",
                     "message": st.column_config.TextColumn(ctx.t("commit"), width="medium"),
                     "commit_author": ctx.t("author"),
                     "requests_before": st.column_config.NumberColumn(ctx.t("requests_before"), format="localized"),
                     "requests_after": st.column_config.NumberColumn(ctx.t("requests_after"), format="localized"),
                     "error_rate_before": st.column_config.NumberColumn(ctx.t("error_rate_before"), format="percent"),
                     "error_rate_after": st.column_config.NumberColumn(ctx.t("error_rate_after"), format="percent"),
                     "p95_before_ms": st.column_config.NumberColumn(ctx.t("p95_before"), format="%,.0f ms"),
                     "p95_after_ms": st.column_config.NumberColumn(ctx.t("p95_after"), format="%,.0f ms"),
                     "p95_change": st.column_config.NumberColumn(ctx.t("p95_change"), format="percent"),
                     "error_p_value": st.column_config.NumberColumn(ctx.t("error_p"), format="%.4f"),
                     "latency_p_value": st.column_config.NumberColumn(ctx.t("latency_p"), format="%.4f")})


def before_after(ctx: Context, impact: pd.DataFrame) -> None:
    st.subheader(ctx.t("before_after_title"))
    records = impact.sort_values("ready_at", ascending=False).to_dict("records")
    regressions = [r["uid"] for r in records if r["verdict"] == "regression"]
    options = [r["uid"] for r in records]
    labels = {r["uid"]: f"{fmt_datetime(r['ready_at'], ctx.lang, ctx.tz)} · {ctx.t('verdict_' + r['verdict'])} · "
                        f"{_first_line(r['commit_message'], 50)}" for r in records}
    if st.session_state.get("deploy_pick") not in options:
        st.session_state["deploy_pick"] = regressions[0] if regressions else options[0]
    uid = st.selectbox(ctx.t("pick_deployment"), options, key="deploy_pick", format_func=lambda u: labels[u])
    row = next(r for r in records if r["uid"] == uid)
    left, right = st.columns([3, 2])
    with left:
        layout.chart(charts.deploy_before_after(row, ctx.lang), key="before-after")
    with right:
        st.markdown(f"{layout.verdict_badge(row['verdict'], ctx.lang)} &nbsp; {layout.code(row['uid'])}")
        st.markdown(layout.md(_first_line(row["commit_message"], 200)))
        window_b = fmt_duration(row["before_s"], ctx.lang)
        window_a = fmt_duration(row["after_s"], ctx.lang)
        st.markdown(ctx.t("windows_text", before=window_b, after=window_a))
        if row.get("after_cut") or row.get("before_cut"):
            st.caption(ctx.t("window_cut_note"))
        lines = [
            f"- {ctx.t('error_rate')}: {fmt_value('error_rate', row['error_rate_before'], ctx.lang)} → "
            f"{fmt_value('error_rate', row['error_rate_after'], ctx.lang)} "
            f"({ctx.t('verdict_' + str(row['error_verdict']))}, p = {_p(row['error_p_value'])})",
            f"- p95: {fmt_ms(row['p95_before_ms'], ctx.lang)} → {fmt_ms(row['p95_after_ms'], ctx.lang)} "
            f"({ctx.t('verdict_' + str(row['latency_verdict']))}, p = {_p(row['latency_p_value'])})",
            f"- LCP p75: {fmt_ms(row['lcp_p75_before_ms'], ctx.lang)} → {fmt_ms(row['lcp_p75_after_ms'], ctx.lang)}",
            f"- {ctx.t('requests')}: {fmt_number(row['requests_before'], ctx.lang)} → "
            f"{fmt_number(row['requests_after'], ctx.lang)}",
        ]
        st.markdown("\n".join(lines))
    near = ctx.read("access.who_did_what_near_deployments", viewer=ctx.viewer_arg())
    if not near.empty:
        mine = near[near["deployment_uid"] == uid]
        with st.expander(ctx.t("audit_near_deploy", n=int(mine["entries"].sum()) if not mine.empty else 0)):
            if mine.empty:
                st.caption(ctx.t("no_audit_near"))
            else:
                layout.table(ctx, layout.local_times(mine.drop(columns=["deployment_uid"]), ctx.tz),
                             "audit-near-deployment", column_config={
                                 "instant": st.column_config.DatetimeColumn(ctx.t("ready_at"), format="YYYY-MM-DD HH:mm"),
                                 "user_id": ctx.t("actor"), "action": ctx.t("action"), "status": ctx.t("status"),
                                 "entries": ctx.t("entries")})


def _p(value: Any) -> str:
    if value is None or pd.isna(value):
        return "—"
    return f"{float(value):.4f}" if float(value) >= 0.0001 else "< 0.0001"


def render() -> None:
    ctx = state.current()
    layout.header(ctx, "page_deployments")
    stats = ctx.read("deployments.stats")
    timeline = ctx.read("deployments.timeline")
    if timeline.empty:
        layout.empty(ctx, "empty_deployments", "hint_deployments")
        return
    impact = ctx.read("deployments.impact")
    stats_section(ctx, stats, impact)
    layout.chart(charts.deployment_timeline(timeline, ctx.lang, ctx.tz, impact=impact, start=ctx.period.start,
                                            end=ctx.period.end), key="timeline")
    st.caption(ctx.t("timeline_legend"))
    if impact.empty:
        st.info(ctx.t("no_production_deploy", env=ctx.filters.environment))
        return
    impact_table(ctx, impact)
    before_after(ctx, impact)
    with st.expander(ctx.t("all_deployments", n=len(timeline))):
        shown = layout.local_times(timeline, ctx.tz).assign(message=[_first_line(m) for m in timeline["commit_message"]])
        layout.table(ctx, shown, "deployments", height=360,
                     column_order=["placed_at", "environment", "state", "uid", "commit_ref", "message", "creator",
                                   "build_ms", "error_code"],
                     column_config={"placed_at": st.column_config.DatetimeColumn(ctx.t("time"), format="YYYY-MM-DD HH:mm"),
                                    "environment": ctx.t("environment"), "state": ctx.t("state"),
                                    "commit_ref": ctx.t("branch"), "message": ctx.t("commit"),
                                    "creator": ctx.t("creator"),
                                    "build_ms": st.column_config.NumberColumn(ctx.t("build_time"), format="%,.0f ms"),
                                    "error_code": ctx.t("error_code")})


if __name__ == "__main__":
    render()
