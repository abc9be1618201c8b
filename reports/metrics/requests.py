"""Requests, error rate and request availability (METRICS.md "Requests, error rate and request availability").

The source is Vercel request logs (``vercel_requests``, background revalidations excluded), or,
for a period in which the environment has no Vercel request at all, Sentry ``http.server``
transactions, unless the error-rate objective pins one (``source = "..."`` in the config). The
choice is made once per period in SQL (``requests_samples`` in ``reports/sql/_requests.sql``) and
every result names it in its ``source`` column (``None``
when neither source has a request).

>>> s = summary(con, scope)  # doctest: +SKIP
>>> s["error_rate"], s["request_availability"], s["source"]  # doctest: +SKIP
(0.0031, 0.9969, 'vercel_logs')
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

import duckdb

from reports.errors import UsageError
from reports.metrics import scope as scoped
from reports.metrics.scope import Scope

if TYPE_CHECKING:
    import pandas as pd

SOURCES = ("vercel_logs", "sentry_transactions")
Grain = Literal["hour", "day"]


def summary(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, Any]:
    """Requests, errors, error rate, request availability, status classes and API error rate.

    Keys: ``source, requests, errors, error_rate, request_availability, client_errors, crashed,
    status_2xx, status_3xx, status_4xx, status_5xx, status_other, scaled_requests, scaled_errors,
    sampled, api_requests, api_errors, api_error_rate``. Ratios are ``None`` without requests.
    """
    return scoped.records(con, "requests_summary", scope)[0]


def error_rate(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, Any]:
    """The error-rate objective's figures, as :func:`summary` has them, without its breakdowns (faster).

    Keys: ``source, requests, errors, error_rate, request_availability, scaled_requests,
    scaled_errors, sampled``.
    """
    return scoped.records(con, "requests_error_rate", scope)[0]


def routes_seen(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[str]:
    """Route names with requests or latency samples in the scope, most requests first (for pickers)."""
    return [str(r) for r in scoped.run(con, "routes_seen", scope)["route"]]


def by_route(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """One row per route: requests, errors, error rate, 4xx, 5xx and share of traffic; most errors first."""
    return scoped.run(con, "requests_by_route", scope)


def trend(con: duckdb.DuckDBPyConnection, scope: Scope, grain: Grain = "day", shared: bool = False) -> pd.DataFrame:
    """Requests, errors and error rate per local hour or day (empty buckets included).

    ``shared`` (day grain): the rows come from the grouped pass the summary, the routes and the
    status classes share (``requests_daily``), cheaper when those are read too; otherwise from
    the trend's own pass (``requests_trend``). Both give the same rows (tested; ``scaled_requests``
    up to floating-point rounding).

    Columns: ``bucket_start`` (UTC instant), ``local_start`` (wall clock in the report zone),
    ``day``, ``requests, errors, error_rate, client_errors, status_4xx, status_5xx,
    scaled_requests, source``.
    """
    if grain not in ("hour", "day"):
        raise UsageError(f"trend grain must be 'hour' or 'day', got {grain!r}")
    if grain == "day" and shared:
        return scoped.run(con, "requests_daily", scope)
    return scoped.run(con, "requests_trend", scope, grain=grain)


def status_classes(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Requests per HTTP status code, with their class (2xx ... 5xx, unknown, other) and class totals."""
    return scoped.run(con, "requests_status_classes", scope)


def windowed_error_ratio(con: duckdb.DuckDBPyConnection, scope: Scope, start: datetime, end: datetime,
                         source: str | None = None) -> tuple[int, int]:
    """``(bad, total)`` user requests in ``[start, end)``, unscaled, maintenance excluded.

    For burn rates: ``burn = (bad / total) / (1 - target)``. The scope gives the environment,
    route and maintenance windows (its period is ignored). ``source`` pins the source
    (``'vercel_logs'`` or ``'sentry_transactions'``; pass the one :func:`summary` reported for
    the objective so short windows never switch source); ``None`` uses the source the error-rate
    objective pins in the config, else chooses per window.

    >>> windowed_error_ratio(con, scope, now - timedelta(hours=1), now, "vercel_logs")  # doctest: +SKIP
    (3, 1812)
    """
    if source is not None and source not in SOURCES:
        raise UsageError(f"source must be one of {', '.join(SOURCES)}, got {source!r}")
    if start.tzinfo is None or end.tzinfo is None:
        raise UsageError("window bounds must be timezone-aware")
    if source is None:
        source = scope.config.objective_source("error_rate")
    rows = scoped.records(con, "requests_window", scope, start=start.astimezone(UTC), end=end.astimezone(UTC),
                          source=source)
    return int(rows[0]["bad"]), int(rows[0]["total"])
