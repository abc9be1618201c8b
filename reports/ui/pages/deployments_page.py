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
    build = prod.get("build_p50_ms")
    layout.metric_row(ctx, {
        "deploys_per_week": fmt_number(prod.get("deploys_per_week"), ctx.lang, 1),
        "build_failure_rate": fmt_pct(prod.get("build_failure_rate"), ctx.lang, 1),
        "build_time_p50": fmt_duration(None if build is None or pd.isna(build) else build / 1000, ctx.lang),
        "change_failure_rate": fmt_pct(cfr["rate"], ctx.lang, 1),
        "time_to_restore": fmt_duration(ttr["mttr_s"], ctx.lang),
    }, help={
        "deploys_per_week": ctx.t("deploys_per_week_help", env=env),
        "change_failure_rate": ctx.t("cfr_help", regressions=cfr["regressions"], assessed=cfr["assessed"],
                                     insufficient=cfr["insufficient"]),
        "time_to_restore": ctx.t("ttr_help", n=ttr["incidents"]),
    })
    st.markdown(f"**{ctx.t('stats_by_env')}**")
    table = stats.assign(**{name: [fmt_duration(v / 1000 if pd.notna(v) else None, ctx.lang)
                                   for v in stats[f"{name}_ms"]] for name in ("build_p50", "build_p95", "queue_p50")})
    layout.table(ctx, table, "deploy-stats",
                 column_order=["environment", "deployments", "ready", "error", "canceled", "build_failure_rate",
                               "build_p50", "build_p95", "queue_p50", "deploys_per_week"],
                 column_config=layout.column_config(
                     ctx, text=["environment", "build_p50", "build_p95", "queue_p50"], percent=["build_failure_rate"],
                     integer={"deployments": "deployments", "ready": "READY", "error": "ERROR", "canceled": "CANCELED"},
                     extra={"deploys_per_week": st.column_config.NumberColumn(ctx.t("deploys_per_week"),
                                                                              format="%.1f")}))


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
                 column_config=layout.column_config(
                     ctx, time=["ready_at"], text={"verdict_label": "verdict", "uid": "uid", "commit_author": "author"},
                     medium={"message": "commit"}, count=["requests_before", "requests_after"],
                     percent=["error_rate_before", "error_rate_after", "p95_change"],
                     whole_ms={"p95_before_ms": "p95_before", "p95_after_ms": "p95_after"},
                     extra={"error_p_value": st.column_config.NumberColumn(ctx.t("error_p"), format="%.4f"),
                            "latency_p_value": st.column_config.NumberColumn(ctx.t("latency_p"), format="%.4f")}))


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
                columns = layout.column_config(ctx, time={"instant": "ready_at"}, text={
                    "user_id": "actor", "action": "action", "status": "status", "entries": "entries"})
                layout.table(ctx, layout.local_times(mine.drop(columns=["deployment_uid"]), ctx.tz),
                             "audit-near-deployment", column_config=columns)


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
                     column_config=layout.column_config(
                         ctx, time={"placed_at": "time"}, whole_ms={"build_ms": "build_time"},
                         text={"environment": "environment", "state": "state", "commit_ref": "branch",
                               "message": "commit", "creator": "creator", "error_code": "error_code"}))


if __name__ == "__main__":
    render()
