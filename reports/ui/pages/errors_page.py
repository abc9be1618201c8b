"""Errors: error-rate trend, status classes, worst routes, Sentry issues and the frontend error rate."""

from __future__ import annotations

from typing import Any

import streamlit as st

from reports import charts
from reports.i18n import fmt_number, fmt_pct, fmt_value
from reports.sla import status as objective_status
from reports.ui import layout, state
from reports.ui.state import Context


def summary_metrics(ctx: Context, req: dict[str, Any], target: float | None) -> None:
    layout.metric_row(ctx, {
        "requests": fmt_number(req["requests"], ctx.lang),
        "server_errors": fmt_number(req["errors"], ctx.lang),
        "error_rate": fmt_value("error_rate", req["error_rate"], ctx.lang),
        "client_errors": fmt_number(req["client_errors"], ctx.lang),
        "api_error_rate": fmt_value("error_rate", req["api_error_rate"], ctx.lang),
        "availability": fmt_value("request_availability", req["request_availability"], ctx.lang),
    }, help={
        "requests": ctx.t("source_is", source=req["source"] or "—"),
        "server_errors": ctx.t("server_errors_help", crashed=fmt_number(req["crashed"], ctx.lang)),
        "error_rate": ctx.t("target_is", target=fmt_pct(target, ctx.lang)) if target else None,
        "client_errors": ctx.t("client_errors_help"), "availability": ctx.t("availability_help"),
    })
    if target is not None:
        sampled = ctx.t("sampled_counts", count=fmt_number(req["scaled_requests"], ctx.lang)) if req.get("sampled") else None
        layout.status_line(ctx, objective_status(req["error_rate"], target, "<"),
                           ctx.t("error_objective", target=fmt_pct(target, ctx.lang)), sampled)


def sentry_section(ctx: Context) -> None:
    st.subheader(ctx.t("sentry_title"))
    summary = ctx.read("errors.summary")
    if not summary["events"]:
        layout.empty(ctx, "empty_sentry", "hint_sentry")
        return
    layout.metric_row(ctx, {
        "error_events": fmt_number(summary["events"], ctx.lang),
        "unhandled": fmt_number(summary["unhandled"], ctx.lang), "issues": fmt_number(summary["issues"], ctx.lang),
        "users_affected": fmt_number(summary["users_affected"], ctx.lang),
    })
    issue_columns = layout.column_config(
        ctx, text={"short_id": "issue", "culprit": "culprit", "level": "level", "status": "status"}, wide=["title"],
        count={"events": "events", "events_in_period": "events", "users": "users", "users_in_period": "users"},
        time=["first_seen", "last_seen"],
        extra={"permalink": st.column_config.LinkColumn(ctx.t("link"), display_text=ctx.t("open"))})
    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**{ctx.t('top_issues')}**")
        top = ctx.read("errors.top_issues", limit=10)
        layout.table(ctx, layout.local_times(top, ctx.tz), "sentry-top-issues", column_config=issue_columns,
                     column_order=["short_id", "title", "level", "status", "events", "users", "last_seen", "permalink"])
    with right:
        st.markdown(f"**{ctx.t('new_issues')}**")
        new = ctx.read("errors.new_issues")
        if new.empty:
            st.caption(ctx.t("no_new_issues"))
        else:
            layout.table(ctx, layout.local_times(new, ctx.tz), "sentry-new-issues", column_config=issue_columns,
                         column_order=["short_id", "title", "level", "events_in_period", "first_seen", "permalink"])


def frontend_section(ctx: Context) -> None:
    st.subheader(ctx.t("frontend_title"))
    front = ctx.read("errors.frontend_rate")
    if not front["pageloads_sampled"] and not front["browser_errors"]:
        layout.empty(ctx, "empty_frontend", "hint_sentry")
        return
    left, right = st.columns([1, 3])
    with left:
        st.metric(ctx.t("frontend_rate"), fmt_pct(front["rate"], ctx.lang, 3), border=True,
                  help=ctx.t("frontend_rate_help"))
        st.metric(ctx.t("browser_errors"), fmt_number(front["browser_errors"], ctx.lang), border=True)
        st.metric(ctx.t("pageloads"), fmt_number(front["pageloads"], ctx.lang), border=True,
                  help=ctx.t("pageloads_sampled_help") if front["sampled"] else None)
    with right:
        layout.chart(charts.rate_daily(front["daily"], ctx.t("frontend_daily"), ctx.lang, height=330),
                     key="frontend")


def render() -> None:
    ctx = state.current()
    layout.header(ctx, "page_errors")
    layout.filtered_note(ctx)
    req = ctx.read("requests.summary")
    target = ctx.target("error_rate")
    if not req["requests"]:
        layout.empty(ctx, "empty_requests", "hint_requests")
    else:
        summary_metrics(ctx, req, target)
        grain = st.segmented_control(ctx.t("granularity"), ["day", "hour"], key="error_grain", required=True,
                                     default="day", format_func=lambda g: ctx.t(f"grain_{g}"))
        layout.chart(charts.error_rate_trend(ctx.read("requests.trend", grain=grain, shared=True), target, ctx.lang,
                                             grain=str(grain)), key="trend")
        left, right = st.columns([2, 3])
        classes = ctx.read("requests.status_classes")
        with left:
            layout.chart(charts.status_classes(classes, ctx.lang), key="classes")
            summary = (classes.groupby("status_class", dropna=False)["requests"].sum().reset_index()
                       .assign(share=lambda f: f["requests"] / max(f["requests"].sum(), 1)))
            layout.table(ctx, summary, "status-classes", column_config=layout.column_config(
                ctx, text=["status_class"], count=["requests"], percent=["share"]))
        routes = ctx.read("requests.by_route")
        with right:
            layout.chart(charts.worst_routes(routes, ctx.lang, target=target), key="worst")
        st.markdown(f"**{ctx.t('routes_errors_table')}**")
        worst = routes.sort_values(["errors", "error_rate"], ascending=False)
        layout.table(ctx, worst, "routes-errors", height=320,
                     column_order=["route", "requests", "errors", "error_rate", "status_4xx", "status_5xx", "crashed",
                                   "share"],
                     column_config=layout.column_config(
                         ctx, wide=["route"], percent={"error_rate": "error_rate", "share": "traffic_share"},
                         count={"requests": "requests", "errors": "server_errors", "status_4xx": "4xx",
                                "status_5xx": "5xx", "crashed": "crashed"}))
    sentry_section(ctx)
    frontend_section(ctx)


if __name__ == "__main__":
    render()
