"""Cached, read-only reads of the warehouse for the app.

Every read goes through :func:`read`: it names a library function from :data:`READERS` and a
:class:`Key` (warehouse path, config file and its stamp, the warehouse **snapshot identity**,
the period, environment and route). Results are cached with ``st.cache_data`` on the whole key,
so a new ingest (which publishes a new snapshot) is picked up by the next rerun, and a changed
config file too. Cache misses read through a short-lived read-only connection on the newest
snapshot (:func:`reports.warehouse.open_reader`): one per script run (:func:`run_connections`,
closed when the run ends), or one per read outside a run. There is no SQL here: the app only
calls ``reports.*`` functions.

Settings resolve like the CLI's: ``REPORTS_DB`` (default ``data/warehouse.duckdb``) and
``REPORTS_CONFIG`` (default ``reports.toml`` when it exists, else the built-in defaults).
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import streamlit as st

from reports import access, ledger, periods, sla, warehouse
from reports.config import Config, load_config
from reports.metrics import audit, budget, deployments, errors, latency, lighthouse, requests, uptime, vitals
from reports.metrics.scope import Scope
from reports.periods import Period

DEFAULT_DB = "data/warehouse.duckdb"
DEFAULT_CONFIG = "reports.toml"
TREND_MONTHS = 6
CACHE_TTL_S = 6 * 3600


def db_path() -> str:
    """The warehouse file: ``REPORTS_DB`` or ``data/warehouse.duckdb``."""
    return os.environ.get("REPORTS_DB") or DEFAULT_DB


def config_path() -> str | None:
    """The config file: ``REPORTS_CONFIG``, else ``reports.toml`` if present, else None (defaults)."""
    explicit = os.environ.get("REPORTS_CONFIG")
    if explicit:
        return explicit
    return DEFAULT_CONFIG if Path(DEFAULT_CONFIG).exists() else None


def _stamp(path: str | Path | None) -> str:
    if path is None:
        return "none"
    try:
        info = Path(path).stat()
    except OSError:
        return "missing"
    return f"{info.st_mtime_ns}:{info.st_size}"


@functools.lru_cache(maxsize=8)
def _config(path: str | None, stamp: str) -> Config:
    del stamp  # part of the cache key: an edited file is read again
    return load_config(path)


def load_settings() -> tuple[str, str | None, str, Config]:
    """``(db, config_path, config_stamp, config)``; raises ConfigError for a bad config file."""
    path = config_path()
    stamp = _stamp(path)
    return db_path(), path, stamp, _config(path, stamp)


def snapshot_id(db: str | Path) -> str:
    """What identifies the data a reader sees now: the current snapshot's name, else the file's stamp."""
    current = warehouse.snapshot_dir(db) / "CURRENT"
    try:
        return "snapshot:" + current.read_text(encoding="utf-8").strip()
    except OSError:
        return "file:" + _stamp(db)


def snapshot_time(db: str | Path) -> float | None:
    """When the data readers see was published (epoch seconds), None when there is no file."""
    folder = warehouse.snapshot_dir(db)
    try:
        name = (folder / "CURRENT").read_text(encoding="utf-8").strip()
        return (folder / name).stat().st_mtime
    except OSError:
        pass
    try:
        return Path(db).stat().st_mtime
    except OSError:
        return None


class Key(NamedTuple):
    """Everything a cached read depends on (plain values, so the cache can hash them)."""

    db: str
    config: str | None
    config_stamp: str
    snapshot: str
    start: str = ""
    end: str = ""
    tz: str = "UTC"
    label: str = ""
    environment: str | None = None
    route: str | None = None

    def with_period(self, period: Period) -> Key:
        return self._replace(start=period.start.isoformat(), end=period.end.isoformat(), tz=period.timezone,
                             label=period.label)

    def with_filters(self, environment: str | None, route: str | None) -> Key:
        return self._replace(environment=environment, route=route)

    @property
    def period(self) -> Period:
        return Period(datetime.fromisoformat(self.start), datetime.fromisoformat(self.end), self.tz, self.label)

    def scope(self) -> Scope:
        config = _config(self.config, self.config_stamp)
        if not self.start:
            # scope-less reads (ledger) still get a valid scope object
            return Scope.of(config, periods.month_of(date.today(), config.report.timezone))
        return Scope.of(config, self.period, environment=self.environment, route=self.route)


def _viewer(value: tuple[str, str, bool]) -> access.Viewer:
    return access.Viewer(*value)


def _trend(con: Any, scope: Scope, months: int = TREND_MONTHS) -> pd.DataFrame:
    """The objectives of the ``months`` calendar months ending with the scope's month."""
    return pd.DataFrame(sla.trend(con, scope, months), columns=["month", *sla.TREND_KEYS])


def _environments(con: Any, scope: Scope) -> list[str]:
    stats = deployments.stats(con, scope)
    return [str(e) for e in stats["environment"].dropna()]


READERS: dict[str, Callable[..., Any]] = {
    # SLA
    "sla.objectives": sla.objectives,
    "sla.trend": _trend,
    "sla.summary": lambda con, scope: sla.summary(con, scope.config, scope.period),
    # uptime and budgets
    "uptime.summary": uptime.summary,
    "uptime.daily": uptime.daily,
    "uptime.incidents": uptime.incidents,
    "uptime.by_monitor": uptime.by_monitor,
    "budget.burn_down": budget.burn_down,
    "budget.of_period": lambda con, scope, objective: budget.of_period(con, scope, objective).as_dict(),
    # requests and errors
    "requests.summary": requests.summary,
    "requests.trend": requests.trend,
    "requests.status_classes": requests.status_classes,
    "requests.by_route": requests.by_route,
    "requests.routes": requests.routes_seen,
    "errors.summary": errors.summary,
    "errors.top_issues": errors.top_issues,
    "errors.new_issues": errors.new_issues,
    "errors.frontend_rate": errors.frontend_rate,
    # latency
    "latency.summary": latency.summary,
    "latency.by_route": latency.by_route,
    "latency.daily": latency.daily,
    "latency.histogram": latency.histogram,
    "latency.db_spans": latency.db_spans,
    # web vitals and Lighthouse
    "vitals.p75": vitals.p75,
    "vitals.cwv_status": vitals.cwv_status,
    "vitals.cwv_status_by": vitals.cwv_status_by,
    "vitals.daily": vitals.daily,
    "vitals.worst_pages": vitals.worst_pages,
    "lighthouse.trend": lighthouse.trend,
    "lighthouse.assertions": lighthouse.assertions,
    "lighthouse.runs": lighthouse.representative_runs,
    # deployments
    "deployments.stats": deployments.stats,
    "deployments.environments": _environments,
    "deployments.timeline": deployments.timeline,
    "deployments.impact": deployments.impact,
    "deployments.last_production": deployments.last_production,
    "deployments.change_failure_rate": deployments.change_failure_rate,
    "deployments.time_to_restore": deployments.time_to_restore,
    # audit (aggregates, and entries through the permission checks of reports.access)
    "audit.summary": audit.summary,
    "audit.activity": audit.activity,
    "access.security_counts": lambda con, scope, viewer: access.security_counts(con, scope, _viewer(viewer)),
    "access.security_events": lambda con, scope, viewer, key=b"": access.security_events(
        con, scope, _viewer(viewer), key=key),
    "access.who_did_what_near_incidents": lambda con, scope, viewer, key=b"": access.who_did_what_near_incidents(
        con, scope, _viewer(viewer), key=key),
    "access.entries_near_incidents": lambda con, scope, viewer, key=b"": access.entries_near_incidents(
        con, scope, _viewer(viewer), key=key),
    "access.who_did_what_near_deployments": lambda con, scope, viewer, key=b"": access.who_did_what_near_deployments(
        con, scope, _viewer(viewer), key=key),
    # the ingest ledger (no period)
    "ledger.files": lambda con, scope, limit=1000: ledger.files(con, limit),
    "access.quarantined": lambda con, scope, viewer, file=None, limit=200: access.quarantined(
        con, _viewer(viewer), file, limit),
    "ledger.quarantine_count": lambda con, scope, file=None: ledger.quarantine_count(con, file),
    "ledger.reasons": lambda con, scope: ledger.reasons(con),
    "ledger.tables": lambda con, scope: ledger.tables(con),
}

# raw entries with personal data are never kept in the shared cache
UNCACHED = {"access.security_events", "access.entries_near_incidents", "access.quarantined"}


class _RunConnections:
    """The read-only connections of one script run, opened on first use and closed when the run ends."""

    def __init__(self) -> None:
        self.open: dict[str, duckdb.DuckDBPyConnection] = {}

    def get(self, db: str) -> duckdb.DuckDBPyConnection:
        if db not in self.open:
            self.open[db] = warehouse.open_reader(db)
        return self.open[db]

    def close(self) -> None:
        for con in self.open.values():
            con.close()
        self.open.clear()


_RUN: ContextVar[_RunConnections | None] = ContextVar("reports_ui_run_connections", default=None)


@contextlib.contextmanager
def run_connections() -> Iterator[None]:
    """Share one short-lived read-only connection among the cache misses of a script run.

    Every read of a page then sees the same snapshot, and a page with many cache misses opens the
    warehouse once instead of once per read (opening and installing the metric macros costs more
    than most reads on a small month). The connection is closed when the run ends, whatever
    happens (``st.rerun``/``st.stop`` included), so no reader outlives a rerun.
    """
    holder = _RunConnections()
    token = _RUN.set(holder)
    try:
        yield
    finally:
        _RUN.reset(token)
        holder.close()


def compute(name: str, key: Key, **extra: Any) -> Any:
    """Run reader ``name`` (no cache) on the run's read-only connection, else on its own short-lived one."""
    function = READERS[name]
    scope = key.scope()
    holder = _RUN.get()
    if holder is not None:
        return function(holder.get(key.db), scope, **extra)
    con = warehouse.open_reader(key.db)
    try:
        return function(con, scope, **extra)
    finally:
        con.close()


@st.cache_data(show_spinner=False, max_entries=2000, ttl=CACHE_TTL_S)
def _cached(name: str, key: Key, extra: tuple[tuple[str, Any], ...]) -> Any:
    return compute(name, key, **dict(extra))


def read(name: str, key: Key, **extra: Any) -> Any:
    """The result of reader ``name`` for ``key`` (cached on the key, the snapshot and ``extra``)."""
    if name not in READERS:
        raise KeyError(f"unknown reader {name!r}")
    if name in UNCACHED:
        return compute(name, key, **extra)
    return _cached(name, key, tuple(sorted(extra.items())))


def clear() -> None:
    """Forget every cached read (the retry button)."""
    _cached.clear()
    _config.cache_clear()


def render_pdf(key: Key, lang: str, path: str | Path, viewer: access.Viewer) -> Any:
    """The monthly PDF for the key's period, through :func:`reports.access.render_pdf` (never cached)."""
    access.require(viewer, access.REPORTS)
    scope = key.scope()
    con = warehouse.open_reader(key.db)
    try:
        return access.render_pdf(con, scope.config, scope.period, lang, path, viewer)
    finally:
        con.close()


def ingest_uploads(key: Key, files: list[tuple[str, bytes]], viewer: access.Viewer) -> list[Any]:
    """Ingest uploaded files into the warehouse (admins only); the new snapshot invalidates cached reads."""
    access.require(viewer, access.UPLOAD)
    config = _config(key.config, key.config_stamp)
    holder = _RUN.get()
    if holder is not None:  # a read-only handle on the same file would keep this process from writing
        holder.close()
    return access.ingest_uploads(key.db, config, viewer, files)


def data_span(key: Key, timezone: str) -> tuple[date, date] | None:
    """The first and last local days any data table has rows for (None for an empty warehouse)."""
    tables = read("ledger.tables", key)
    firsts = [v for v in tables["first"] if v is not None and not pd.isna(v)]
    lasts = [v for v in tables["last"] if v is not None and not pd.isna(v)]
    if not firsts or not lasts:
        return None
    zone = ZoneInfo(timezone)

    def local_day(value: Any) -> date:
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is None:
            return stamp.date()
        return stamp.tz_convert(zone).date()

    return min(local_day(v) for v in firsts), max(local_day(v) for v in lasts)
