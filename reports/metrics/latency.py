"""Server response time (METRICS.md "Latency"): summary, per route, per day, histogram, DB queries.

Samples are Sentry ``http.server`` transactions, or, for a period in which the environment has
none, Vercel trace-drain SERVER spans (unless the mean-response objective pins a source in the
config); the choice is made once per period in SQL
(``latency_samples`` in ``reports/sql/_requests.sql``) and every result names it in ``source``.
Percentiles are exact (``quantile_cont``, linear interpolation) over each group's own samples.

>>> s = summary(con, scope)  # doctest: +SKIP
>>> s["mean_ms"], s["p95_ms"], s["apdex"], s["source"]  # doctest: +SKIP
(412.7, 1204.5, 0.91, 'sentry_transactions')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import duckdb

from reports.errors import UsageError
from reports.metrics import scope as scoped
from reports.metrics.scope import Scope

if TYPE_CHECKING:
    import pandas as pd


def summary(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, Any]:
    """Count, mean, p50/p90/p95/p99, max, share under the target and Apdex of the scope.

    Keys: ``source, count, scaled_count, sampled, mean_ms, p50_ms, p90_ms, p95_ms, p99_ms,
    min_ms, max_ms, share_under_target, satisfied, tolerating, frustrated, apdex, target_ms,
    apdex_t_ms``; statistics are ``None`` without samples.
    """
    return scoped.records(con, "latency_summary", scope)[0]


def by_route(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Per route: the summary statistics plus the config's route targets and breach flags."""
    return scoped.run(con, "latency_by_route", scope)


def daily(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Per local day: count, mean, p50/p90/p95/p99 of that day's samples, and max."""
    return scoped.run(con, "latency_daily", scope)


def histogram(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Sample counts in 32 fixed log-spaced bins (``bin_start_ms``, ``bin_end_ms``, ``count``, shares)."""
    return scoped.run(con, "latency_histogram", scope)


def db_spans(con: duckdb.DuckDBPyConnection, scope: Scope, limit: int = 20) -> pd.DataFrame:
    """The ``limit`` DB queries (Sentry ``db*`` spans) with the most total exclusive time."""
    if limit < 1:
        raise UsageError(f"limit must be at least 1, got {limit}")
    return scoped.run(con, "db_spans", scope, limit=int(limit))
