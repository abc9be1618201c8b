"""Latency: daily percentiles against the target, per-route targets and breaches, histogram, Apdex, DB queries."""

from __future__ import annotations

from typing import Any

import streamlit as st

from reports import charts
from reports.i18n import fmt_ms, fmt_number, fmt_pct
from reports.ui import layout, state
from reports.ui.state import Context

MS = "%,.1f ms"


def summary_metrics(ctx: Context, summary: dict[str, Any], target: float | None) -> None:
    cols = st.columns(6)
    mean = summary["mean_ms"]
    status = "no_data" if mean is None else ("met" if target is None or float(mean) < target else "missed")
    cols[0].metric(ctx.t("mean"), fmt_ms(mean, ctx.lang), border=True,
                   help=ctx.t("target_is", target=fmt_ms(target, ctx.lang)) if target else None)
    cols[1].metric("p50", fmt_ms(summary["p50_ms"], ctx.lang), border=True)
    cols[2].metric("p95", fmt_ms(summary["p95_ms"], ctx.lang), border=True)
    cols[3].metric("p99", fmt_ms(summary["p99_ms"], ctx.lang), border=True)
    cols[4].metric("Apdex", fmt_number(summary["apdex"], ctx.lang, 3), border=True,
                   help=ctx.t("apdex_help", t=f"{summary['apdex_t_ms']:,.0f}"))
    cols[5].metric(ctx.t("samples"), fmt_number(summary["count"], ctx.lang), border=True,
                   help=ctx.t("source_is", source=summary["source"]))
    notes = [layout.status_badge(status, ctx.lang),
             layout.md(ctx.t("share_under_target", share=fmt_pct(summary["share_under_target"], ctx.lang),
                             target=fmt_ms(target, ctx.lang)))]
    if summary.get("sampled"):
        notes.append(layout.md(ctx.t("sampled_note", count=fmt_number(summary["scaled_count"], ctx.lang))))
    st.markdown(" &nbsp; ".join(notes))


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
                 column_config={
                     "flag": st.column_config.TextColumn("", width="small", help=ctx.t("breach_help")),
                     "route": st.column_config.TextColumn(ctx.t("route"), width="large"),
                     "count": st.column_config.NumberColumn(ctx.t("samples"), format="localized"),
                     "mean_ms": st.column_config.NumberColumn(ctx.t("mean"), format=MS),
                     "p50_ms": st.column_config.NumberColumn("p50", format=MS),
                     "p95_ms": st.column_config.NumberColumn("p95", format=MS),
                     "p99_ms": st.column_config.NumberColumn("p99", format=MS),
                     "max_ms": st.column_config.NumberColumn(ctx.t("max"), format=MS),
                     "target_p95_ms": st.column_config.NumberColumn(ctx.t("target_p95"), format=MS),
                     "target_p99_ms": st.column_config.NumberColumn(ctx.t("target_p99"), format=MS),
                     "target_mean_ms": st.column_config.NumberColumn(ctx.t("target_mean"), format=MS),
                     "apdex": st.column_config.NumberColumn("Apdex", format="%.3f"),
                     "share_under_target": st.column_config.NumberColumn(ctx.t("under_target"), format="percent"),
                 })


def render() -> None:
    ctx = state.current()
    layout.header(ctx, "page_latency")
    layout.filtered_note(ctx)
    summary = ctx.read("latency.summary")
    target = float(ctx.config.objectives["mean_response_ms"].target) if "mean_response_ms" in ctx.config.objectives else None
    if not summary["count"]:
        layout.empty(ctx, "empty_latency", "hint_latency")
        return
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

        layout.table(ctx, spans, "db-queries", column_config={
            "description": st.column_config.TextColumn(ctx.t("query"), width="large"),
            "ops": "op", "count": st.column_config.NumberColumn(ctx.t("count"), format="localized"),
            "transactions": st.column_config.NumberColumn(ctx.t("transactions"), format="localized"),
            "mean_ms": st.column_config.NumberColumn(ctx.t("mean"), format=MS),
            "p50_ms": st.column_config.NumberColumn("p50", format=MS), "p95_ms": st.column_config.NumberColumn("p95", format=MS),
            "total_exclusive_ms": st.column_config.NumberColumn(ctx.t("total_time"), format=MS),
            "share_of_db_time": st.column_config.NumberColumn(ctx.t("share_db_time"), format="percent")})


if __name__ == "__main__":
    render()
