"""The global filters (month or date range, environment, route, language), kept in the URL.

The filter widgets live in the sidebar and keep their values in ``st.session_state``. On a
session's first run they are seeded from the query string, and after every run the query
string is rewritten from them, so a copied link reproduces the view:

    /latency?month=2026-10&env=production&route=/api/search&lang=en
    /uptime?from=2026-10-01&to=2026-10-14

Invalid values in a link are ignored (the default is used and a warning says so).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

import streamlit as st

from reports import access, periods
from reports.config import Config
from reports.i18n import LANGS, Lang, fmt_month
from reports.periods import Period
from reports.ui import data
from reports.ui.labels import t

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
ALL = "__all__"  # the "all routes" option
KEYS = {"mode": "f_mode", "month": "f_month", "range": "f_range", "env": "f_env", "route": "f_route", "lang": "lang"}


@dataclass(frozen=True)
class Filters:
    """The view: a month or an inclusive date range, an environment and optionally a route."""

    mode: str = "month"  # "month" | "range"
    month: str = ""
    start: date | None = None
    end: date | None = None
    environment: str = "production"
    route: str | None = None

    def period(self, timezone: str) -> Period:
        if self.mode == "range" and self.start and self.end:
            return periods.days(self.start, self.end, timezone)
        return periods.month(self.month, timezone)

    def previous(self, timezone: str) -> Period:
        """The month before (month view) or the equally long range just before (range view)."""
        if self.mode == "range" and self.start and self.end:
            length = (self.end - self.start).days + 1
            return periods.days(self.start - timedelta(days=length), self.start - timedelta(days=1), timezone)
        return self.period(timezone).previous_month()

    def query(self, lang: str) -> dict[str, str]:
        """The query string that reproduces this view."""
        out: dict[str, str] = {}
        if self.mode == "range" and self.start and self.end:
            out["from"], out["to"] = self.start.isoformat(), self.end.isoformat()
        else:
            out["month"] = self.month
        out["env"] = self.environment
        if self.route:
            out["route"] = self.route
        out["lang"] = lang
        return out


@dataclass
class Context:
    """What a page needs: language, viewer, config, filters and the cache key of the view."""

    lang: Lang
    viewer: access.Viewer
    config: Config
    filters: Filters
    key: data.Key
    span: tuple[date, date] | None = None
    error: Exception | None = None  # the warehouse could not be read
    notes: list[str] = field(default_factory=list)

    @property
    def tz(self) -> str:
        return self.config.report.timezone

    @property
    def period(self) -> Period:
        return self.filters.period(self.tz)

    @property
    def sla_scope(self) -> bool:
        """Whether the filters are those of the SLA (report environment, all routes)."""
        return self.filters.environment == self.config.report.environment and not self.filters.route

    def t(self, key: str, **values: Any) -> str:
        return t(key, self.lang, **values)

    def target(self, objective: str) -> float | None:
        """The configured target of ``objective`` (None when the config has no such objective)."""
        spec = self.config.objectives.get(objective)
        return None if spec is None else spec.target

    def read(self, name: str, period: Period | None = None, filtered: bool = True, **extra: Any) -> Any:
        """Reader ``name`` for the view's period (or ``period``), with or without env/route filters."""
        key = self.key.with_period(period or self.period)
        if not filtered:
            key = key.with_filters(None, None)
        return data.read(name, key, **extra)

    def viewer_arg(self) -> tuple[str, str, bool]:
        return (self.viewer.name, self.viewer.role, self.viewer.authenticated)


def current() -> Context:
    """The context app.py built for this run."""
    return cast(Context, st.session_state["_ctx"])


def set_current(ctx: Context) -> None:
    st.session_state["_ctx"] = ctx


# -- reading the URL -------------------------------------------------------------------------

def _param(name: str) -> str | None:
    value = st.query_params.get(name)
    if isinstance(value, list):
        value = value[-1] if value else None
    return value or None


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def language(config: Config) -> Lang:
    """The UI language: the sidebar switch, else ``?lang=``, else the config's report language."""
    if "lang" not in st.session_state:
        wanted = _param("lang")
        st.session_state["lang"] = wanted if wanted in LANGS else config.report.language
    value = st.session_state["lang"]
    return cast(Lang, value if value in LANGS else config.report.language)


def month_options(span: tuple[date, date] | None, timezone: str, now: datetime | None = None) -> list[str]:
    """Months to offer, newest first: those the data covers, else the last twelve."""
    if span is None:
        last = periods.last_complete_month(timezone, now)
        return [p.label for p in reversed(periods.months_back(last, 12))]
    first, last_day = span
    months = periods.months_back(periods.month_of(last_day, timezone), 120)
    return [p.label for p in reversed(months) if p.label >= f"{first:%Y-%m}"]


def _seed_from_url(months: list[str], span: tuple[date, date] | None, notes: list[str], lang: Lang) -> None:
    """On the session's first run: widget values from the query string (invalid values noted)."""
    if st.session_state.get("_seeded"):
        return
    st.session_state["_seeded"] = True
    start, end = _date(_param("from")), _date(_param("to"))
    month = _param("month")
    if _param("from") or _param("to"):
        if start and end and start <= end:
            st.session_state[KEYS["mode"]] = "range"
            st.session_state[KEYS["range"]] = (start, end)
        else:
            notes.append(t("bad_range_param", lang, value=f"{_param('from')}..{_param('to')}"))
    elif month:
        if MONTH.match(month):
            if month not in months:
                months.append(month)
                months.sort(reverse=True)
            st.session_state[KEYS["mode"]] = "month"
            st.session_state[KEYS["month"]] = month
        else:
            notes.append(t("bad_month_param", lang, value=month))
    env = _param("env")
    if env:
        st.session_state[KEYS["env"]] = env
    route = _param("route")
    if route:
        st.session_state[KEYS["route"]] = route


# -- the sidebar -----------------------------------------------------------------------------

def sidebar_filters(base: data.Key, config: Config, lang: Lang, span: tuple[date, date] | None,
                    options: Callable[[data.Key], tuple[list[str], list[str]]], notes: list[str]) -> Filters:
    """Draw the global filters in the sidebar and return them.

    ``options(key)`` gives the environments and routes to offer for the chosen period.
    """
    tz = config.report.timezone
    months = month_options(span, tz)
    _seed_from_url(months, span, notes, lang)
    month_key, mode_key, range_key, env_key, route_key = (KEYS[k] for k in ("month", "mode", "range", "env", "route"))
    chosen_month = st.session_state.get(month_key)
    if chosen_month and chosen_month not in months and MONTH.match(str(chosen_month)):
        months = sorted({*months, str(chosen_month)}, reverse=True)
    if st.session_state.get(month_key) not in months:
        st.session_state[month_key] = months[0]
    if st.session_state.get(mode_key) not in ("month", "range"):
        st.session_state[mode_key] = "month"

    sidebar = st.sidebar
    sidebar.markdown(f"**{t('filters', lang)}**")
    mode = sidebar.segmented_control(t("period", lang), ["month", "range"], key=mode_key, required=True,
                                     format_func=lambda m: t(f"mode_{m}", lang))
    start = end = None
    if mode == "range":
        default_end = span[1] if span else date.today()
        first = periods.month(st.session_state[month_key], tz).days()[0]
        last = min(periods.month(st.session_state[month_key], tz).days()[-1], default_end)
        if range_key not in st.session_state or not isinstance(st.session_state[range_key], tuple | list):
            st.session_state[range_key] = (first, max(first, last))
        picked = sidebar.date_input(t("date_range", lang), key=range_key, format="YYYY-MM-DD")
        values = list(picked) if isinstance(picked, tuple | list) else [picked]
        if len(values) == 2 and values[0] and values[1]:
            start, end = sorted(values)
        else:
            previous = st.session_state.get("_last_range") or (first, max(first, last))
            start, end = previous
            sidebar.caption(t("pick_end_date", lang))
        st.session_state["_last_range"] = (start, end)
        month = f"{end:%Y-%m}"
    else:
        month = sidebar.selectbox(t("month", lang), months, key=month_key, format_func=lambda m: fmt_month(m, lang))

    chosen = Filters(mode=str(mode), month=str(month), start=start, end=end)
    environments, routes = options(base.with_period(chosen.period(tz)))
    env_options = list(dict.fromkeys([config.report.environment, *environments]))
    wanted_env = st.session_state.get(env_key)
    if wanted_env and wanted_env not in env_options:
        env_options.append(str(wanted_env))
    if st.session_state.get(env_key) not in env_options:
        st.session_state[env_key] = config.report.environment
    environment = sidebar.selectbox(t("environment", lang), env_options, key=env_key,
                                    help=t("environment_help", lang, env=config.report.environment))

    route_options = [ALL, *routes]
    wanted_route = st.session_state.get(route_key)
    if wanted_route and wanted_route not in route_options:
        route_options.append(str(wanted_route))
    if st.session_state.get(route_key) not in route_options:
        st.session_state[route_key] = ALL
    route = sidebar.selectbox(t("route", lang), route_options, key=route_key,
                              format_func=lambda r: t("all_routes", lang) if r == ALL else r,
                              help=t("route_help", lang))
    filters = Filters(mode=str(mode), month=str(month), start=start, end=end, environment=str(environment),
                      route=None if route == ALL else str(route))
    return filters


def sync_url(filters: Filters, lang: Lang) -> None:
    """Rewrite the query string from the filters (only when it changed)."""
    wanted = filters.query(lang)
    current = {k: (v[-1] if isinstance(v, list) else v) for k, v in st.query_params.to_dict().items()}
    if current != wanted:
        st.query_params.from_dict(wanted)
