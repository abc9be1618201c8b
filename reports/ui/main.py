"""The app's frame: settings, login, navigation, the sidebar of global filters, then the page.

``app.py`` calls :func:`run` on every rerun. Pages are thin modules under
``reports/ui/pages/`` that read :func:`reports.ui.state.current` and call the library.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from reports import access
from reports.config import Config
from reports.errors import ConfigError, ReportsError, WarehouseError
from reports.i18n import LANGS, Lang
from reports.ui import auth, data, layout, state
from reports.ui.labels import t

ROOT = Path(__file__).resolve().parent.parent.parent  # where app.py lives
PAGES: list[tuple[str, str, str]] = [  # (slug, label key, material icon)
    ("overview", "page_overview", ":material/dashboard:"),
    ("uptime", "page_uptime", ":material/monitor_heart:"),
    ("latency", "page_latency", ":material/speed:"),
    ("errors", "page_errors", ":material/error:"),
    ("vitals", "page_vitals", ":material/web:"),
    ("deployments", "page_deployments", ":material/rocket_launch:"),
    ("audit", "page_audit", ":material/policy:"),
    ("reports", "page_reports", ":material/picture_as_pdf:"),
    ("data", "page_data", ":material/database:"),
]
NEEDS_NO_DATA = {"data"}  # pages that still work when the warehouse cannot be read


def page_file(slug: str) -> str:
    return f"reports/ui/pages/{slug}_page.py"


def _pages(lang: Lang) -> list[StreamlitPage]:
    return [st.Page(str(ROOT / page_file(slug)), title=t(label, lang), icon=icon, url_path=slug,
                    default=slug == "overview") for slug, label, icon in PAGES]


def _language_switch(lang: Lang) -> None:
    st.sidebar.segmented_control(t("language", lang), list(LANGS), key="lang", required=True,
                                 format_func=lambda code: {"ko": "한국어", "en": "English"}[code])


def run() -> None:
    """One run of the app."""
    st.set_page_config(page_title="ATCMP Reports", page_icon=":material/monitoring:", layout="wide",
                       initial_sidebar_state="expanded")
    layout.inject_css()
    try:
        db, config_path, config_stamp, config = data.load_settings()
    except ConfigError as exc:
        st.error(f"{t('config_error', 'en')} {layout.md(exc)}")
        layout.retry_button("en", "retry-config")
        st.stop()
        return
    lang = state.language(config)
    viewer = auth.current_viewer()
    pages = _pages(lang)
    if viewer is None:
        st.navigation(pages, position="hidden")
        _language_switch(lang)
        auth.login_form(lang)
        st.stop()
        return
    page = st.navigation(pages)
    with data.run_connections():
        _frame_and_page(page, pages, db, config_path, config_stamp, config, lang, viewer)


def _frame_and_page(page: StreamlitPage, pages: list[StreamlitPage], db: str, config_path: str | None,
                    config_stamp: str, config: Config, lang: Lang, viewer: access.Viewer) -> None:
    """The sidebar of filters, then the chosen page (inside one run's read connection)."""
    base = data.Key(db, config_path, config_stamp, data.snapshot_id(db))
    notes: list[str] = []
    error: Exception | None = None
    span = None
    try:
        span = data.data_span(base, config.report.timezone)
    except WarehouseError as exc:
        error = exc
    except ReportsError as exc:
        error = exc

    def options(period_key: data.Key) -> tuple[list[str], list[str]]:
        if error is not None:
            return [], []
        try:
            return data.read("deployments.environments", period_key), data.read("requests.routes", period_key)
        except ReportsError:
            return [], []

    filters = state.sidebar_filters(base, config, lang, span, options, notes)
    _language_switch(lang)
    auth.sidebar_user(viewer, lang)
    _data_caption(db, lang, error, config.report.timezone)
    ctx = state.Context(lang=lang, viewer=viewer, config=config, filters=filters,
                        key=base.with_period(filters.period(config.report.timezone)).with_filters(
                            filters.environment, filters.route),
                        span=span, error=error, notes=notes)
    state.set_current(ctx)
    state.sync_url(filters, lang)
    with layout.error_boundary(lang):
        if error is not None and page.url_path not in NEEDS_NO_DATA:
            layout.header(ctx, dict((s, k) for s, k, _ in PAGES).get(page.url_path, "page_overview"))
            if isinstance(error, WarehouseError):
                layout.warehouse_error(error, lang)
            else:
                st.error(f"{t('library_error', lang)} {layout.md(error)}")
                layout.retry_button(lang, "retry-span")
            if viewer.can(access.UPLOAD):
                st.page_link(pages[-1], label=t("go_to_data", lang), icon=":material/upload:")
        else:
            page.run()
    _run_marker()


def _run_marker() -> None:
    """An invisible marker with this session's run number, drawn last: a browser can wait for it."""
    number = int(st.session_state.get("_run_number", 0)) + 1
    st.session_state["_run_number"] = number
    st.html(f'<span class="reports-run-done" data-run="{number}" hidden></span>')


def _data_caption(db: str, lang: Lang, error: Exception | None, tz: str) -> None:
    if error is not None:
        st.sidebar.caption(t("data_unavailable", lang))
        return
    when = data.snapshot_time(db)
    if when is not None:
        st.sidebar.caption(t("data_as_of", lang, when=datetime.fromtimestamp(when, ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")))
