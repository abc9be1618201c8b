"""Web Vitals: field p75 with rating bands, by device and route, ratings, worst pages; Lighthouse lab data apart."""

from __future__ import annotations

from typing import Any

import streamlit as st

from reports import charts
from reports.ui import layout, state
from reports.ui.state import Context

METRICS = ["LCP", "INP", "CLS", "FCP", "TTFB"]


def _value(metric: str, value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if metric == "CLS" else f"{value:,.0f} ms"


def verdict(ctx: Context, result: dict[str, Any], label: str) -> None:
    status = result["status"]
    color = {"pass": "green", "fail": "red"}.get(status, "gray")
    with st.container(border=True, key=f"card-cwv-{label}", height="stretch"):
        st.markdown(f"**{layout.md(label)}** &nbsp; {layout.badge(ctx.t(f'cwv_{status}'), color)}")
        parts = []
        for name, metric in result["metrics"].items():
            parts.append(f"{metric['metric'] if name == 'INP' else name} **{_value(name, metric['p75'])}** "
                         f"{layout.rating_badge(metric['rating'], ctx.lang)}")
        st.markdown("  \n".join(parts))
        if result.get("inp_substituted_by_fid"):
            st.caption(ctx.t("fid_for_inp"))


def field_tab(ctx: Context) -> None:
    # shared: the overall figures come from the one grouped pass the splits and the trend read
    overall = ctx.read("vitals.cwv_status", shared=True)
    frame = ctx.read("vitals.p75", shared=True)
    if frame.empty or frame["samples"].sum() == 0:
        layout.empty(ctx, "empty_vitals", "hint_vitals")
        return
    st.caption(ctx.t("field_note", source=overall.get("source") or "—"))
    by_device = ctx.read("vitals.cwv_status_by", by="device")
    columns = st.columns(1 + len(by_device))
    with columns[0]:
        verdict(ctx, overall, ctx.t("all_devices"))
    for column, result in zip(columns[1:], by_device, strict=True):
        with column:
            verdict(ctx, result, str(result.get("device_type") or "—"))
    left, right = st.columns(2)
    with left:
        layout.chart(charts.vitals_p75(frame, ctx.lang), key="p75")
    with right:
        layout.chart(charts.vitals_ratings(frame, ctx.lang), key="ratings")
    metric = st.segmented_control(ctx.t("metric"), METRICS, key="vitals_metric", default="LCP", required=True)
    metric = str(metric or "LCP")
    left, right = st.columns(2)
    devices = ctx.read("vitals.p75", by="device")
    with left:
        layout.chart(charts.vitals_by_group(devices, metric, "device_type", ctx.lang, height=240), key="by-device")
        layout.chart(charts.vitals_daily(ctx.read("vitals.daily"), metric, ctx.lang), key="daily")
    with right:
        routes = ctx.read("vitals.p75", by="route")
        layout.chart(charts.vitals_by_group(routes, metric, "route", ctx.lang, limit=12), key="by-route")
    st.subheader(ctx.t("worst_pages"))
    # a ranking of one route says nothing: with a route filter the table asks to clear it
    worst = None if ctx.filters.route else ctx.read("vitals.worst_pages", min_samples=20, limit=10)
    if worst is None:
        st.caption(ctx.t("worst_pages_need_all_routes"))
    elif worst.empty:
        st.caption(ctx.t("no_worst_pages"))
    else:
        worst = worst.assign(value=[_value(m, v) for m, v in zip(worst["metric"], worst["p75"], strict=True)],
                             rating_label=[ctx.t(f"rating_{r}") for r in worst["rating"]])
        layout.table(ctx, worst, "vitals-worst-pages", height=360,
                     column_order=["metric", "rank", "route", "value", "rating_label", "samples"],
                     column_config=layout.column_config(
                         ctx, text={"metric": "metric", "value": "p75", "rating_label": "rating"},
                         integer={"rank": "#"}, wide=["route"], count=["samples"]))
    st.subheader(ctx.t("vitals_table"))
    table = frame.assign(value=[_value(m, v) for m, v in zip(frame["metric"], frame["p75"], strict=True)],
                         rating_label=[ctx.t(f"rating_{r}") for r in frame["rating"]])
    layout.table(ctx, table, "vitals-p75", column_order=["metric", "value", "rating_label", "samples", "share_good",
                                                          "share_ni", "share_poor", "source"],
                 column_config=layout.column_config(
                     ctx, text={"metric": "metric", "value": "p75", "rating_label": "rating", "source": "source"},
                     count=["samples"], percent={"share_good": "rating_good", "share_ni": "rating_needs_improvement",
                                                 "share_poor": "rating_poor"}))


def lab_tab(ctx: Context) -> None:
    st.caption(ctx.t("lab_note"))
    trend = ctx.read("lighthouse.trend", filtered=False)
    assertions = ctx.read("lighthouse.assertions", filtered=False)
    if trend.empty and assertions.empty:
        layout.empty(ctx, "empty_lighthouse", "hint_lighthouse")
        return
    left, right = st.columns([3, 2])
    with left:
        names = {"performance_score": ctx.t("performance_score"), "lcp_ms": "LCP", "cls": "CLS", "tbt_ms": "TBT",
                 "fcp_ms": "FCP", "speed_index_ms": "Speed Index"}
        metric = st.segmented_control(ctx.t("metric"), list(names), key="lab_metric", default="performance_score",
                                      required=True, format_func=lambda m: names[m])
        layout.chart(charts.lighthouse_trend(trend, ctx.lang, str(metric or "performance_score")), key="lab-trend")
    with right:
        st.markdown(f"**{ctx.t('assertions')}**")
        if assertions.empty:
            st.caption(ctx.t("no_assertions"))
        else:
            shown = assertions.assign(result=[("✓ " if s == "pass" else "✗ ") + ctx.t(f"assert_{s}")
                                              if s in ("pass", "fail") else str(s) for s in assertions["status"]],
                                      failing_text=[", ".join(map(str, f)) if f is not None else ""
                                                    for f in assertions["failing"]])
            layout.table(ctx, shown, "lighthouse-assertions",
                         column_order=["url", "result", "passed", "failed", "failing_text"],
                         column_config=layout.column_config(
                             ctx, medium={"url": "URL"}, integer=["passed", "failed"],
                             text={"result": "result", "failing_text": "failing_assertions"}))
    if not trend.empty:
        st.markdown(f"**{ctx.t('lab_runs')}**")
        layout.table(ctx, trend, "lighthouse-runs", height=300,
                     column_order=["day", "url", "form_factor", "performance_score", "lcp_ms", "cls", "tbt_ms", "fcp_ms",
                                   "speed_index_ms"],
                     column_config=layout.column_config(
                         ctx, text={"url": "URL", "form_factor": "form_factor"}, integer=["performance_score"],
                         whole_ms={"lcp_ms": "LCP", "tbt_ms": "TBT", "fcp_ms": "FCP", "speed_index_ms": "Speed Index"},
                         extra={"day": st.column_config.DateColumn(ctx.t("day"), format="YYYY-MM-DD"),
                                "cls": st.column_config.NumberColumn("CLS", format="%.3f")}))


def render() -> None:
    ctx = state.current()
    layout.header(ctx, "page_vitals")
    layout.filtered_note(ctx)
    field, lab = st.tabs([ctx.t("field_data"), ctx.t("lab_data")])
    with field:
        field_tab(ctx)
    with lab:
        lab_tab(ctx)


if __name__ == "__main__":
    render()
