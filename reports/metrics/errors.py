"""Sentry errors and issues: daily counts, the period summary, top and new issues, the frontend error rate.

Each function runs one metric file (``errors_*``, ``issues_*``) with the scope's standard
parameters. User identifiers are personal data: only their distinct count leaves the warehouse.

>>> summary(con, scope)["events"]  # doctest: +SKIP
1234
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reports.errors import UsageError
from reports.metrics import scope as scopes

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from reports.metrics.scope import Scope


def _plain(frame: pd.DataFrame) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return records


def summary(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, Any]:
    """Error events, handled/unhandled, distinct issues and users affected over the scope's period."""
    row = _plain(scopes.run(con, "errors_summary", scope))[0]
    return {k: (int(v) if k not in ("first_event", "last_event") and v is not None else v) for k, v in row.items()}


def daily(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Error events per local day, exception type and level, with handled/unhandled counts."""
    return scopes.run(con, "errors_daily", scope)


def top_issues(con: duckdb.DuckDBPyConnection, scope: Scope, limit: int = 10) -> pd.DataFrame:
    """The issues with the most events in the period (``counts_basis`` says where counts came from)."""
    if limit < 1:
        raise UsageError(f"limit must be at least 1, got {limit}")
    return scopes.run(con, "issues_top", scope, limit=int(limit))


def new_issues(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Issues first seen within the period, oldest first."""
    return scopes.run(con, "issues_new", scope)


def frontend_rate(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, Any]:
    """Browser error events per page load: the period's figures and a ``daily`` list.

    ``rate`` is ``None`` when there were no page loads; ``sampled`` says the page loads were
    sampled (their count is an estimate scaled by 1 / sample rate).
    """
    rows = _plain(scopes.run(con, "errors_frontend_rate", scope))
    total = next(r for r in rows if r["day"] is None)
    period = {k: v for k, v in total.items() if k != "day"}
    period["browser_errors"] = int(period["browser_errors"])
    period["pageloads_sampled"] = int(period["pageloads_sampled"])
    period["pageloads"] = float(period["pageloads"])
    period["sampled"] = bool(period["sampled"])
    period["daily"] = [r for r in rows if r["day"] is not None]
    return period
