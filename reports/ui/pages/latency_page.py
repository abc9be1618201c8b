"""Latency: daily percentiles against the target, per-route targets and breaches, histogram, Apdex, DB queries."""

from __future__ import annotations

from typing import Any

import streamlit as st

from reports import charts
from reports.i18n import fmt_ms, fmt_number, fmt_pct
from reports.ui import layout, state
from reports.ui.state import Context


def summary_metrics(ctx: Context, summary: dict[str, Any], target: float | None) -> None:
    mean = summary["mean_ms"]
    status = "no_data" if mean is None else ("met" if target is None or float(mean) < target else "missed")
    layout.metric_row(ctx, {
        "mean": fmt_ms(mean, ctx.lang), "p50": fmt_ms(summary["p50_ms"], ctx.lang),
        "p95": fmt_ms(summary["p95_ms"], ctx.lang), "p99": fmt_ms(summary["p99_ms"], ctx.lang),
        "Apdex": fmt_number(summary["apdex"], ctx.lang, 3), "samples": fmt_number(summary["count"], ctx.lang),
    }, help={
        "mean": ctx.t("target_is", target=fmt_ms(target, ctx.lang)) if target else None,
        "Apdex": ctx.t("apdex_help", t=f"{summary['apdex_t_ms']:,.0f}"),
        "samples": ctx.t("source_is", source=summary["source"]),
    })
    sampled = ctx.t("sampled_note", count=fmt_number(summary["scaled_count"], ctx.lang)) if summary.get("sampled") else None
    layout.status_line(ctx, status, ctx.t("share_under_target", share=fmt_pct(summary["share_under_target"], ctx.lang),
                                          target=fmt_ms(target, ctx.lang)), sampled)


def routes_section(ctx: Context) -> None:
    st.subheader(ctx.t("routes_title"))
    frame = ctx.read("latency.by_route")
    if frame.empty:
        layout.empty(ctx, "empty_latency")
        return
    left, right = st.columns([3, 1])
    query = left.text_input(ctx.t("search_routes"), key="latency_search", placeholder="/api/…",
                            label_visibility="collapsed")
    only_breaches = right.toggle(ctx.t("only_breaches"), key="latency_breaches")
    shown = frame
    if query:
        shown = shown[shown["route"].fillna("").str.contains(query, case=False, regex=False)]
    if only_breaches:
        shown = shown[shown["breach"].fillna(False).astype(bool)]
    breaches = int(frame["breach"].fillna(False).astype(bool).sum())
    st.caption(ctx.t("routes_caption", n=len(frame), breaches=breaches))
    shown = shown.assign(flag=["⚠" if b else "" for b in shown["breach"].fillna(False).astype(bool)])
    targets = [c for c in ("target_p95_ms", "target_p99_ms", "target_mean_ms") if frame[c].notna().any()]
    layout.table(ctx, shown, "latency-routes", height=420,
                 column_order=["flag", "route", "count", "mean_ms", "p50_ms", "p95_ms", "p99_ms", *targets, "apdex",
                               "share_under_target"],
                 column_config=layout.column_config(
                     ctx, wide=["route"], count={"count": "samples"}, percent={"share_under_target": "under_target"},
                     ms={"mean_ms": "mean", "p50_ms": "p50", "p95_ms": "p95", "p99_ms": "p99", "max_ms": "max",
                         "target_p95_ms": "target_p95", "target_p99_ms": "target_p99", "target_mean_ms": "target_mean"},
                     extra={"flag": st.column_config.TextColumn("", width="small", help=ctx.t("breach_help")),
                            "apdex": st.column_config.NumberColumn("Apdex", format="%.3f")}))


def render() -> None:
    ctx = state.current()
    layout.header(ctx, "page_latency")
    layout.filtered_note(ctx)
    summary = ctx.read("latency.summary")
    if not summary["count"]:
        layout.empty(ctx, "empty_latency", "hint_latency")
        return
    target = ctx.target("mean_response_ms")
    summary_metrics(ctx, summary, target)
    layout.chart(charts.latency_daily(ctx.read("latency.daily"), target, ctx.lang), key="daily")
    routes_section(ctx)
    left, right = st.columns(2)
    with left:
        layout.chart(charts.latency_histogram(ctx.read("latency.histogram"), target, ctx.lang,
                                              apdex_t_ms=summary["apdex_t_ms"]), key="histogram")
    with right:
        st.subheader(ctx.t("apdex_title"))
        total = summary["count"] or 1
        st.markdown(ctx.t("apdex_text", apdex=fmt_number(summary["apdex"], ctx.lang, 3), t=f"{summary['apdex_t_ms']:,.0f}",
                          satisfied=fmt_pct(summary["satisfied"] / total, ctx.lang),
                          tolerating=fmt_pct(summary["tolerating"] / total, ctx.lang),
                          frustrated=fmt_pct(summary["frustrated"] / total, ctx.lang)))
    st.subheader(ctx.t("db_title"))
    spans = ctx.read("latency.db_spans", limit=20)
    if spans.empty:
        layout.empty(ctx, "empty_db_spans", "hint_db_spans")
    else:
        layout.table(ctx, spans, "db-queries", column_config=layout.column_config(
            ctx, wide={"description": "query"}, text={"ops": "op"}, count=["count", "transactions"],
            ms={"mean_ms": "mean", "p50_ms": "p50", "p95_ms": "p95", "total_exclusive_ms": "total_time"},
            percent={"share_of_db_time": "share_db_time"}))


if __name__ == "__main__":
    render()
