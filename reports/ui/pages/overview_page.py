"""Overview: the period at a glance (objective tiles, Core Web Vitals, incidents, last deployment, trend)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from reports import charts
from reports.i18n import fmt_datetime, fmt_duration, fmt_month, fmt_value, objective_label
from reports.ui import layout, state
from reports.ui.state import Context

HIGHER_IS_BETTER = {"uptime"}


def delta_text(objective: str, actual: Any, before: Any, lang: str) -> str | None:
    """The change against the previous period in the objective's unit (None without both values)."""
    if actual is None or before is None or pd.isna(actual) or pd.isna(before):
        return None
    change = float(actual) - float(before)
    if objective in ("uptime", "error_rate"):
        unit = "%p" if lang == "ko" else " pp"
        return f"{change * 100:+.{3 if objective == 'error_rate' else 2}f}{unit}"
    if objective == "cls_p75":
        return f"{change:+.3f}"
    return f"{change:+,.1f} ms"


def target_text(entry: dict[str, Any], ctx: Context) -> str:
    comparison = {">=": "≥", "<": "<", "<=": "≤"}.get(entry["comparison"], entry["comparison"])
    return f"{ctx.t('target')} {comparison} {fmt_value(entry['id'], entry['target'], ctx.lang)}"


def detail_text(entry: dict[str, Any], ctx: Context) -> str:
    """The tile's last line: the budget for ratio objectives, else p95 or the rating and samples."""
    oid = entry["id"]
    samples = f"{entry.get('samples') or 0:,}"
    if oid == "mean_response_ms":
        return ctx.t("tile_latency_detail", p95=fmt_value(oid, entry.get("p95"), ctx.lang), samples=samples)
    return ctx.t("tile_samples", samples=samples, source=entry.get("source") or "—")


def tile(ctx: Context, entry: dict[str, Any], before: Any) -> None:
    """One objective: actual, status colour, target, budget remaining and change vs the previous period."""
    oid, status = entry["id"], entry["status"]
    with st.container(border=True, key=f"tile-{status}-{oid}", height="stretch"):
        delta = delta_text(oid, entry.get("actual"), before, ctx.lang)
        source = entry.get("source") or "—"
        samples = entry.get("samples") or 0
        st.metric(objective_label(oid, ctx.lang), fmt_value(oid, entry.get("actual"), ctx.lang),
                  delta=delta, delta_color="normal" if oid in HIGHER_IS_BETTER else "inverse",
                  help=ctx.t("tile_help", source=source, samples=f"{samples:,}"),
                  delta_description=ctx.t("vs_previous") if delta else ctx.t("no_previous"))
        st.markdown(f"{layout.status_badge(status, ctx.lang)} &nbsp; {layout.md(target_text(entry, ctx))}")
        remaining = entry.get("budget_remaining")
        if "budget_remaining" in entry and remaining is not None:
            st.progress(min(max(float(remaining), 0.0), 1.0),
                        text=ctx.t("budget_remaining", value=f"{float(remaining):.1%}"))
        elif "budget_remaining" in entry:
            st.caption(ctx.t("budget_none"))
        else:
            st.caption(detail_text(entry, ctx))


def cwv_card(ctx: Context) -> None:
    result = ctx.read("vitals.cwv_status")
    with st.container(border=True, key="card-cwv", height="stretch"):
        st.markdown(f"**{ctx.t('cwv_title')}**")
        status = result["status"]
        color = {"pass": "green", "fail": "red"}.get(status, "gray")
        st.markdown(layout.badge(ctx.t(f"cwv_{status}"), color))
        for name, metric in result["metrics"].items():
            value = metric["p75"]
            shown = "—" if value is None else (f"{value:.3f}" if name == "CLS" else f"{value:,.0f} ms")
            st.markdown(f"{metric['metric']} p75 **{shown}** {layout.rating_badge(metric['rating'], ctx.lang)}")
        if result.get("inp_substituted_by_fid"):
            st.caption(ctx.t("fid_for_inp"))
        if result.get("source"):
            st.caption(ctx.t("source_is", source=result["source"]))


def incidents_card(ctx: Context) -> None:
    frame = ctx.read("uptime.incidents")
    with st.container(border=True, key="card-incidents", height="stretch"):
        st.markdown(f"**{ctx.t('incidents_title')}**")
        if frame.empty:
            st.markdown(layout.badge(ctx.t("no_incidents"), "green"))
            return
        ongoing = int(frame["clipped_end"].sum())
        total = float(frame["duration_s"].sum())
        st.markdown(ctx.t("incidents_summary", n=len(frame), duration=fmt_duration(total, ctx.lang)))
        if ongoing:
            st.markdown(layout.badge(ctx.t("ongoing_n", n=ongoing), "orange"))
        for row in frame.sort_values("start", ascending=False).head(5).to_dict("records"):
            mark = f" {layout.badge(ctx.t('ongoing'), 'orange')}" if row["clipped_end"] else ""
            st.markdown(f"- {fmt_datetime(row['start'], ctx.lang, ctx.tz)} · "
                        f"{fmt_duration(row['duration_s'], ctx.lang)} · {layout.md(', '.join(row['monitors']))}{mark}")
        if len(frame) > 5:
            st.caption(ctx.t("more_on_uptime", n=len(frame) - 5))


def deployment_card(ctx: Context) -> None:
    row = ctx.read("deployments.last_production")
    with st.container(border=True, key="card-deploy", height="stretch"):
        st.markdown(f"**{ctx.t('last_deploy_title')}**")
        if row is None:
            st.caption(ctx.t("no_production_deploy", env=ctx.filters.environment))
            return
        message = str(row.get("commit_message") or "").splitlines()[0][:90] if row.get("commit_message") else ""
        st.markdown(f"{layout.verdict_badge(row.get('verdict'), ctx.lang)} &nbsp; "
                    f"{fmt_datetime(row['ready_at'], ctx.lang, ctx.tz)}")
        st.markdown(f"{layout.code(row['uid'])}  \n{layout.md(message)}")
        if row.get("commit_author"):
            st.caption(f"{ctx.t('author')}: {layout.md(row['commit_author'])}")
        rate_b, rate_a = row.get("error_rate_before"), row.get("error_rate_after")
        p95_b, p95_a = row.get("p95_before_ms"), row.get("p95_after_ms")
        st.markdown(f"{ctx.t('error_rate')}: {fmt_value('error_rate', rate_b, ctx.lang)} → "
                    f"{fmt_value('error_rate', rate_a, ctx.lang)}  \n"
                    f"p95: {fmt_value('mean_response_ms', p95_b, ctx.lang)} → "
                    f"{fmt_value('mean_response_ms', p95_a, ctx.lang)}")


def render() -> None:
    ctx = state.current()
    layout.header(ctx, "page_overview")
    layout.filtered_note(ctx)
    objectives = ctx.read("sla.objectives")
    previous_period = ctx.filters.previous(ctx.tz)
    previous = {e["id"]: e["actual"] for e in ctx.read("sla.objectives", period=previous_period)}
    if all(e["status"] == "no_data" for e in objectives):
        layout.empty(ctx, "empty_period")
    st.subheader(ctx.t("objectives"))
    st.caption(ctx.t("compared_with", period=fmt_month(previous_period.label, ctx.lang)
                     if ctx.filters.mode == "month" else previous_period.label))
    for first in range(0, len(objectives), 3):
        for column, entry in zip(st.columns(3), objectives[first:first + 3], strict=False):
            with column:
                tile(ctx, entry, previous.get(entry["id"]))
    left, middle, right = st.columns(3)
    with left:
        cwv_card(ctx)
    with middle:
        incidents_card(ctx)
    with right:
        deployment_card(ctx)
    trend = ctx.read("sla.trend")
    targets = {e["id"]: e["target"] for e in objectives}
    if trend.empty or trend["actual"].isna().all():
        layout.empty(ctx, "empty_trend")
    else:
        layout.chart(charts.objective_trends(trend, targets, ctx.lang), key="trend")
        if ctx.filters.mode == "range":
            st.caption(ctx.t("trend_range_note"))


if __name__ == "__main__":
    render()
