"""Shared page furniture: the header, KPI tiles, tables with downloads, charts, empty and error states."""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Literal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from reports import access
from reports.charts import STATUS_COLORS
from reports.errors import ConfigError, ReportsError, WarehouseError
from reports.i18n import Lang, fmt_date, fmt_month
from reports.ui import data, exports
from reports.ui.labels import t
from reports.ui.state import Context

_TILE_CSS = "\n".join(
    f'div[class*="st-key-tile-{status}-"] {{border-left: 6px solid {color} !important;}}'
    for status, color in STATUS_COLORS.items()
)
CSS = f"""
<style>
.block-container {{padding: 2.2rem 2.5rem 3rem 2.5rem; max-width: 1500px;}}
[data-testid="stMetricValue"] {{font-size: 1.4rem;}}
{_TILE_CSS}
div[class*="st-key-tile-"] [data-testid="stMetricValue"] {{font-size: 1.9rem;}}
[data-testid="stSidebar"] [data-testid="stMarkdownContainer"] p {{margin-bottom: 0.2rem;}}
</style>
"""

STATUS_BADGE = {"met": "green", "missed": "red", "no_data": "gray"}
RATING_BADGE = {"good": "green", "needs_improvement": "orange", "poor": "red", "no_data": "gray"}
VERDICT_BADGE = {"ok": "green", "regression": "red", "insufficient_data": "gray"}


def inject_css() -> None:
    st.html(CSS)


def period_text(ctx: Context) -> str:
    """The period in words: ``2026년 10월`` or ``2026-10-01 – 2026-10-14``."""
    f = ctx.filters
    if f.mode == "range" and f.start and f.end:
        return f"{fmt_date(f.start, ctx.lang)} – {fmt_date(f.end, ctx.lang)}"
    return fmt_month(f.month, ctx.lang)


def header(ctx: Context, title_key: str) -> None:
    """The page title and a caption with period, environment, route and time zone."""
    st.title(ctx.t(title_key))
    parts = [period_text(ctx), f"{ctx.t('environment')}: {ctx.filters.environment}"]
    if ctx.filters.route:
        parts.append(f"{ctx.t('route')}: {ctx.filters.route}")
    parts.append(f"{ctx.t('timezone')}: {ctx.tz}")
    st.caption(" · ".join(parts))
    for note in ctx.notes:
        st.warning(note)


def filtered_note(ctx: Context) -> None:
    """Say so when the filters differ from the SLA's scope."""
    if not ctx.sla_scope:
        st.info(ctx.t("filtered_not_sla", env=ctx.config.report.environment))


def badge(text: str, color: str) -> str:
    """Markdown for a coloured badge (text escaped for markdown)."""
    return f":{color}-badge[{_md(text)}]"


def _md(text: Any) -> str:
    """Text safe inside Streamlit markdown: HTML escaped, markdown specials neutralised."""
    value = html.escape(str(text), quote=False)
    return re.sub(r"([\\*_{}\[\]<>()#+!|~$])", r"\\\1", value)


def md(text: Any) -> str:
    """Text shown literally inside Streamlit markdown."""
    return _md(text)


def code(text: Any) -> str:
    """Inline code (backticks in the text cannot close it early)."""
    value = str(text).replace("`", "'")
    return f"`{value}`"


def status_badge(status: str, lang: Lang) -> str:
    from reports.i18n import status_label

    icon = {"met": "✓", "missed": "✗", "no_data": "–"}.get(status, "")
    return badge(f"{icon} {status_label(status, lang)}", STATUS_BADGE.get(status, "gray"))


def status_line(ctx: Context, status: str, *notes: str | None) -> None:
    """An objective's status badge followed by notes in plain text on one line (``None`` notes left out)."""
    st.markdown(" &nbsp; ".join([status_badge(status, ctx.lang), *(_md(note) for note in notes if note is not None)]))


def rating_badge(rating: str, lang: Lang) -> str:
    return badge(t(f"rating_{rating}", lang), RATING_BADGE.get(rating, "gray"))


def verdict_badge(verdict: str | None, lang: Lang) -> str:
    value = verdict or "insufficient_data"
    return badge(t(f"verdict_{value}", lang), VERDICT_BADGE.get(value, "gray"))


def chart(fig: go.Figure, key: str | None = None) -> None:
    """A plotly figure at full width (the same figure the PDF uses)."""
    st.plotly_chart(fig, theme=None, key=key, config={"displaylogo": False, "responsive": True})


def empty(ctx: Context, what_key: str, hint_key: str = "hint_ingest") -> None:
    """Nothing to show: say what is missing and how to load it."""
    st.info(f"{ctx.t(what_key)} {ctx.t(hint_key)}", icon=":material/info:")


def metric_row(ctx: Context, values: Mapping[str, str], help: Mapping[str, str | None] | None = None) -> None:
    """Bordered metrics side by side, one per label key, with an optional help text per key.

    >>> metric_row(ctx, {"entries": "1,533", "failures": "93"}, help={"failures": "HTTP 4xx and 5xx"})
    """
    help = help or {}
    for column, (key, value) in zip(st.columns(len(values)), values.items(), strict=True):
        column.metric(ctx.t(key), value, border=True, help=help.get(key))


# How each kind of table column is shown, given its translated heading.
COLUMN_KINDS: dict[str, Callable[[str], Any]] = {
    "text": str,
    "count": lambda heading: st.column_config.NumberColumn(heading, format="localized"),
    "integer": lambda heading: st.column_config.NumberColumn(heading, format="%d"),
    "percent": lambda heading: st.column_config.NumberColumn(heading, format="percent"),
    "ms": lambda heading: st.column_config.NumberColumn(heading, format="%,.1f ms"),
    "whole_ms": lambda heading: st.column_config.NumberColumn(heading, format="%,.0f ms"),
    "time": lambda heading: st.column_config.DatetimeColumn(heading, format="YYYY-MM-DD HH:mm"),
    "medium": lambda heading: st.column_config.TextColumn(heading, width="medium"),
    "wide": lambda heading: st.column_config.TextColumn(heading, width="large"),
}


def column_config(ctx: Context, extra: Mapping[str, Any] | None = None,
                  **kinds: Sequence[str] | Mapping[str, str]) -> dict[str, Any]:
    """Table column settings by kind (see ``COLUMN_KINDS``); each kind lists columns and their label keys.

    A list names columns whose label key is the column name; a mapping goes column -> label key.
    ``extra`` holds ready-made settings for the odd column.

    >>> column_config(ctx, text=["action"], count={"entries": "entries"}, percent={"share": "traffic_share"})
    """
    config: dict[str, Any] = {}
    for kind, columns in kinds.items():
        if kind not in COLUMN_KINDS:
            raise TypeError(f"unknown column kind {kind!r}; use one of {', '.join(COLUMN_KINDS)}")
        pairs = columns.items() if isinstance(columns, Mapping) else zip(columns, columns, strict=True)
        config.update({column: COLUMN_KINDS[kind](ctx.t(key)) for column, key in pairs})
    return {**config, **(extra or {})}


def table(ctx: Context, frame: pd.DataFrame, name: str, column_config: Mapping[str, Any] | None = None,
          height: int | Literal["auto"] = "auto", column_order: list[str] | None = None, download: bool = True) -> None:
    """A sortable table; managers and admins get a formula-safe CSV download under it."""
    st.dataframe(frame, hide_index=True, column_config=column_config, height=height, column_order=column_order,
                 width="stretch", placeholder="—")
    if download and ctx.viewer.can(access.DOWNLOADS) and not frame.empty:
        shown = frame[[c for c in column_order if c in frame.columns]] if column_order else frame
        tz = ctx.tz
        st.download_button(ctx.t("download_csv"), lambda: exports.to_csv(shown, tz), file_name=f"{name}.csv",
                           mime="text/csv", key=f"dl-{name}", icon=":material/download:", type="tertiary",
                           on_click="ignore")


def local_times(frame: pd.DataFrame, tz: str, columns: list[str] | None = None) -> pd.DataFrame:
    """A copy with timezone-aware columns shown as wall-clock times in ``tz``."""
    out = frame.copy()
    for column in columns or list(out.columns):
        if column in out and isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_convert(tz).dt.tz_localize(None)
    return out


@contextlib.contextmanager
def error_boundary(ctx_lang: Lang) -> Iterator[None]:
    """Show library errors as ``st.error`` with a retry button, never a traceback."""
    try:
        yield
    except WarehouseError as exc:
        warehouse_error(exc, ctx_lang)
    except PermissionError as exc:
        st.error(f"{t('forbidden', ctx_lang)} {_md(exc)}", icon=":material/lock:")
    except ConfigError as exc:
        st.error(f"{t('config_error', ctx_lang)} {_md(exc)}")
    except ReportsError as exc:
        st.error(f"{t('library_error', ctx_lang)} {_md(exc)}")
        retry_button(ctx_lang, "retry-lib")
    except Exception as exc:  # a page must never show a traceback
        first = str(exc).splitlines()[0][:300] if str(exc) else ""
        st.error(t("unexpected_error", ctx_lang, kind=type(exc).__name__, message=_md(first)))
        retry_button(ctx_lang, "retry-any")


def warehouse_error(exc: Exception, lang: Lang) -> None:
    """A missing, locked or broken warehouse: a clear message and a retry button."""
    text = str(exc)
    if "no warehouse here yet" in text:
        hint = t("warehouse_missing_hint", lang)
    elif "busy" in text or "lock" in text.lower():
        hint = t("warehouse_busy_hint", lang)
    else:
        hint = t("warehouse_broken_hint", lang)
    st.error(f"**{t('warehouse_error', lang)}** {_md(text)}\n\n{hint}", icon=":material/database_off:")
    retry_button(lang, "retry-warehouse")


def retry_button(lang: Lang, key: str) -> None:
    if st.button(t("retry", lang), key=key, icon=":material/refresh:"):
        data.clear()
        st.rerun()
