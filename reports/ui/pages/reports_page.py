"""Reports: the monthly SLA summary, the PDF (ko/en) and CSV / Excel downloads of every table."""

from __future__ import annotations

import importlib
import tempfile
from pathlib import Path
from typing import Any, cast

import pandas as pd
import streamlit as st

from reports import access, periods
from reports.i18n import LANGS, Lang, fmt_duration, fmt_month, fmt_pct, fmt_value, objective_label, status_label
from reports.ui import data, exports, layout, state
from reports.ui.state import Context, month_options

COMPARISON = {">=": "≥", "<": "<", "<=": "≤"}


def pdf_module_available() -> bool:
    """Whether ``reports.report.render_pdf`` can be imported."""
    try:
        module = importlib.import_module("reports.report")
    except Exception:  # any import failure means "unavailable"
        return False
    return callable(getattr(module, "render_pdf", None))


def objectives_frame(summary: dict[str, Any], lang: Lang) -> pd.DataFrame:
    rows = []
    for entry in summary["objectives"]:
        oid = entry["id"]
        rows.append({"objective": objective_label(oid, lang),
                     "target": f"{COMPARISON.get(entry['comparison'], entry['comparison'])} "
                               f"{fmt_value(oid, entry['target'], lang)}",
                     "actual": fmt_value(oid, entry["actual"], lang),
                     "status": status_label(entry["status"], lang),
                     "budget_remaining": entry.get("budget_remaining"),
                     "previous": fmt_value(oid, summary["previous_month"].get(oid), lang),
                     "source": entry.get("source"), "samples": entry.get("samples")})
    return pd.DataFrame(rows)


def sla_summary(ctx: Context, summary: dict[str, Any]) -> None:
    st.subheader(ctx.t("sla_summary", month=fmt_month(summary["month"], ctx.lang)))
    frame = objectives_frame(summary, ctx.lang)
    layout.table(ctx, frame, f"sla-{summary['month']}", column_config=layout.column_config(
        ctx, text={"objective": "objective", "target": "target", "actual": "actual", "status": "status",
                   "previous": "previous_month", "source": "source"},
        percent={"budget_remaining": "budget"}, count=["samples"]))
    coverage = summary["coverage"]
    st.markdown(ctx.t("coverage_text", monitored=fmt_pct(coverage["monitored_fraction"], ctx.lang),
                      unmonitored=fmt_duration(coverage.get("unmonitored_s") or 0, ctx.lang),
                      maintenance=fmt_duration(coverage["maintenance_s"] or 0, ctx.lang)))
    incidents = summary["incidents"]
    st.markdown(ctx.t("incidents_summary", n=len(incidents),
                      duration=fmt_duration(sum(i["duration_s"] or 0 for i in incidents), ctx.lang)))


def export_tables(ctx: Context, period: periods.Period) -> dict[str, pd.DataFrame]:
    """Every table the app shows, for ``period`` in the SLA scope (raw audit entries only for admins)."""
    access.require(ctx.viewer, access.DOWNLOADS)

    def read(name: str, **extra: Any) -> Any:
        return ctx.read(name, period=period, filtered=False, **extra)

    tables: dict[str, pd.DataFrame] = {
        "objectives": pd.DataFrame(read("sla.objectives")),
        "incidents": read("uptime.incidents"),
        "uptime_daily": read("uptime.daily"),
        "uptime_by_monitor": read("uptime.by_monitor"),
        "requests_daily": read("requests.trend", grain="day", shared=True),
        "status_codes": read("requests.status_classes"),
        "routes_errors": read("requests.by_route"),
        "latency_daily": read("latency.daily"),
        "latency_routes": read("latency.by_route"),
        "db_queries": read("latency.db_spans", limit=20),
        "vitals_p75": read("vitals.p75", shared=True),
        "vitals_by_device": read("vitals.p75", by="device"),
        "vitals_by_route": read("vitals.p75", by="route"),
        "vitals_worst_pages": read("vitals.worst_pages", min_samples=20, limit=10),
        "sentry_top_issues": read("errors.top_issues", limit=10),
        "sentry_new_issues": read("errors.new_issues"),
        "deployments": read("deployments.timeline"),
        "deployment_stats": read("deployments.stats"),
        "deployment_impact": read("deployments.impact"),
        "audit_activity": read("audit.activity"),
        "audit_security_counts": read("access.security_counts", viewer=ctx.viewer_arg()),
        "audit_near_incidents": read("access.who_did_what_near_incidents", viewer=ctx.viewer_arg()),
        "lighthouse_trend": read("lighthouse.trend"),
        "lighthouse_assertions": read("lighthouse.assertions"),
        "maintenance": pd.DataFrame([w.model_dump() for w in ctx.config.maintenance],
                                    columns=["start", "end", "reason", "approved_by"]),
    }
    if ctx.viewer.can(access.RAW_AUDIT):
        tables["audit_security_raw"] = read("access.security_events", viewer=ctx.viewer_arg())
    return tables


def pdf_section(ctx: Context, month: str, lang: Lang) -> None:
    st.subheader(ctx.t("pdf_title"))
    if not pdf_module_available():
        st.warning(ctx.t("pdf_unavailable"), icon=":material/warning:")
        return
    period = periods.month(month, ctx.tz)
    wanted = (month, lang, data.snapshot_id(ctx.key.db))
    if st.button(ctx.t("generate_pdf"), type="primary", key="generate_pdf", icon=":material/picture_as_pdf:"):
        with st.spinner(ctx.t("generating")), tempfile.TemporaryDirectory(prefix="reports-pdf-") as tmp:
            path = Path(tmp) / f"sla-{month}-{lang}.pdf"
            try:
                data.render_pdf(ctx.key.with_period(period).with_filters(None, None), lang, path, ctx.viewer)
                st.session_state["_pdf"] = (wanted, path.read_bytes())
            except (ImportError, AttributeError) as exc:
                st.warning(f"{ctx.t('pdf_unavailable')} ({type(exc).__name__})", icon=":material/warning:")
                return
    saved = st.session_state.get("_pdf")
    if saved and saved[0] == wanted:
        st.download_button(f"{ctx.t('download_pdf')} (sla-{month}-{lang}.pdf)", saved[1],
                           file_name=f"sla-{month}-{lang}.pdf",
                           mime="application/pdf", key="download_pdf", icon=":material/download:",
                           on_click="ignore")


def downloads_section(ctx: Context, month: str) -> None:
    st.subheader(ctx.t("downloads_title"))
    prepared = st.session_state.setdefault("_downloads_for", set())
    if month not in prepared:
        st.caption(ctx.t("downloads_prepare_help"))
        if st.button(ctx.t("downloads_prepare"), key="prepare_downloads", icon=":material/table_view:"):
            prepared.add(month)
            st.rerun()
        return
    period = periods.month(month, ctx.tz)
    with st.spinner(ctx.t("downloads_preparing")):
        tables = export_tables(ctx, period)
    tz = ctx.tz
    st.download_button(ctx.t("download_excel"), lambda: exports.to_excel(tables, tz),
                       file_name=f"atcmp-{month}.xlsx", key="download_excel", type="primary",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/table_view:", on_click="ignore")
    st.caption(ctx.t("downloads_note", n=len(tables)))
    columns = st.columns(4)
    for index, (name, frame) in enumerate(tables.items()):
        with columns[index % 4]:
            st.download_button(f"{name}.csv ({len(frame):,})", _csv(frame, tz), file_name=f"{name}-{month}.csv",
                               mime="text/csv", key=f"csv-{name}", type="tertiary", icon=":material/download:",
                               on_click="ignore", disabled=frame.empty)


def _csv(frame: pd.DataFrame, tz: str) -> Any:
    return lambda: exports.to_csv(frame, tz)


def render() -> None:
    ctx = state.current()
    layout.header(ctx, "page_reports")
    months = month_options(ctx.span, ctx.tz)
    default = ctx.filters.month if ctx.filters.month in months else months[0]
    left, right = st.columns([2, 1])
    month = left.selectbox(ctx.t("report_month"), months, index=months.index(default), key="report_month",
                           format_func=lambda m: fmt_month(m, ctx.lang))
    lang = right.segmented_control(ctx.t("report_language"), list(LANGS), key="report_lang", required=True,
                                   default=ctx.config.report.language,
                                   format_func=lambda code: {"ko": "한국어", "en": "English"}[code])
    month = str(month)
    lang = cast(Lang, lang if lang in LANGS else ctx.config.report.language)
    period = periods.month(month, ctx.tz)
    summary = ctx.read("sla.summary", period=period, filtered=False)
    if ctx.viewer.can(access.REPORTS):
        pdf_section(ctx, month, lang)
    else:
        st.info(ctx.t("reports_managers_only"), icon=":material/lock:")
    sla_summary(ctx, summary)
    if ctx.viewer.can(access.DOWNLOADS):
        downloads_section(ctx, month)


if __name__ == "__main__":
    render()
