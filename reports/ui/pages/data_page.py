"""Data: coverage per source, the ingest ledger, the quarantine with reasons, and an uploader (admins)."""

from __future__ import annotations

from dataclasses import asdict

import pandas as pd
import streamlit as st

from reports import access
from reports.errors import WarehouseError
from reports.ui import data, layout, state
from reports.ui.state import Context

INGEST_COUNTS = ["records", "loaded", "duplicates", "rejected"]


def uploader(ctx: Context) -> None:
    st.subheader(ctx.t("upload_title"))
    if not ctx.viewer.can(access.UPLOAD):
        st.caption(ctx.t("upload_admin_only"))
        return
    st.caption(ctx.t("upload_help"))
    with st.form("upload", clear_on_submit=True, border=True):
        files = st.file_uploader(ctx.t("upload_files"), accept_multiple_files=True, key="upload_files")
        submitted = st.form_submit_button(ctx.t("ingest"), type="primary", icon=":material/upload:")
    if submitted:
        if not files:
            st.warning(ctx.t("upload_nothing"))
        else:
            payload = [(f.name, f.getvalue()) for f in files]
            with st.spinner(ctx.t("ingesting", n=len(payload))):
                try:
                    results = data.ingest_uploads(ctx.key, payload, ctx.viewer)
                except WarehouseError as exc:
                    layout.warehouse_error(exc, ctx.lang)
                    return
            # the new snapshot changes every cache key; rerun because the ledger above was drawn before
            st.session_state["_ingest_results"] = [asdict(r) for r in results]
            st.rerun()
    saved = st.session_state.get("_ingest_results")
    if saved:
        frame = pd.DataFrame(saved)
        failed = int((frame["status"] == "failed").sum())
        (st.warning if failed else st.success)(ctx.t("ingest_done", n=len(frame), loaded=int(frame["loaded"].sum()),
                                                     rejected=int(frame["rejected"].sum()), failed=failed))
        layout.table(ctx, frame, "ingest-summary", column_config=layout.column_config(
            ctx, text={"path": "file", "kind": "kind", "status": "status", "message": "message"}, count=INGEST_COUNTS,
            extra={"seconds": st.column_config.NumberColumn(ctx.t("seconds"), format="%.2f")}))


def coverage(ctx: Context) -> None:
    st.subheader(ctx.t("coverage_sources"))
    tables = ctx.read("ledger.tables", filtered=False)
    if tables.empty or tables["rows"].sum() == 0:
        layout.empty(ctx, "empty_warehouse")
        return
    shown = layout.local_times(tables.assign(first=pd.to_datetime(tables["first"], utc=True, errors="coerce"),
                                             last=pd.to_datetime(tables["last"], utc=True, errors="coerce")), ctx.tz)
    layout.table(ctx, shown, "coverage", column_config=layout.column_config(
        ctx, text=["table"], count=["rows"], time={"first": "first_record", "last": "last_record"}))


def ledger(ctx: Context) -> None:
    st.subheader(ctx.t("ledger_title"))
    files = ctx.read("ledger.files", filtered=False, limit=1000)
    if files.empty:
        st.caption(ctx.t("no_files"))
        return
    layout.metric_row(ctx, {"files": f"{len(files):,}", "loaded": f"{int(files['loaded'].sum()):,}",
                            "rejected": f"{int(files['rejected'].sum()):,}",
                            "failed_files": f"{int((files['status'] == 'failed').sum()):,}"})
    kinds = sorted(files["kind"].dropna().unique())
    picked = st.multiselect(ctx.t("kind"), kinds, key="ledger_kinds", placeholder=ctx.t("all_kinds"))
    shown = files[files["kind"].isin(picked)] if picked else files
    layout.table(ctx, layout.local_times(shown, ctx.tz), "ingest-ledger", height=360,
                 column_order=["file_id", "path", "kind", "status", "records", "loaded", "duplicates", "rejected",
                               "size_bytes", "finished_at", "message"],
                 column_config=layout.column_config(
                     ctx, integer={"file_id": "#"}, wide={"path": "file"}, text=["kind", "status", "message"],
                     count=INGEST_COUNTS, time={"finished_at": "loaded_at"},
                     extra={"size_bytes": st.column_config.NumberColumn(ctx.t("size"), format="compact")}))


def quarantine(ctx: Context) -> None:
    st.subheader(ctx.t("quarantine_title"))
    count = ctx.read("ledger.quarantine_count", filtered=False)
    if not count:
        st.success(ctx.t("quarantine_empty"))
        return
    st.caption(ctx.t("quarantine_caption", n=count))
    reasons = ctx.read("ledger.reasons", filtered=False)
    layout.table(ctx, reasons, "quarantine-reasons", column_config=layout.column_config(
        ctx, text=["kind", "field"], wide=["reason"], count=["records"]))
    query = st.text_input(ctx.t("quarantine_file"), key="quarantine_file", placeholder="logs-10-03.ndjson.gz")
    records = ctx.read("access.quarantined", filtered=False, viewer=ctx.viewer_arg(), file=query or None, limit=200)
    if not ctx.viewer.can(access.PERSONAL_DATA):
        st.caption(ctx.t("raw_admin_only"))
    layout.table(ctx, records, "quarantine", height=360, column_config=layout.column_config(
        ctx, integer={"file_id": "#", "line": "line", "item": "item", "raw_bytes": "size"}, text=["kind", "field"],
        medium={"path": "file", "reason": "reason"}, wide={"raw": "raw_record"}))


def render() -> None:
    ctx = state.current()
    layout.header(ctx, "page_data")
    if ctx.error is not None:
        if isinstance(ctx.error, WarehouseError):
            layout.warehouse_error(ctx.error, ctx.lang)
        else:
            st.error(f"{ctx.t('library_error')} {layout.md(ctx.error)}")
        uploader(ctx)
        return
    coverage(ctx)
    ledger(ctx)
    quarantine(ctx)
    uploader(ctx)


if __name__ == "__main__":
    render()
