"""Lighthouse lab data: representative runs, the per-day trend and LHCI assertion results.

Lab data is kept apart from the field Web Vitals of :mod:`reports.metrics.vitals`: separate
functions, separate columns, never one chart or table.

>>> trend(con, scope)[["day", "url", "performance_score"]]  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reports import metrics
from reports.metrics import scope as scopes

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from reports.metrics.scope import Scope


def representative_runs(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """The representative run per URL, form factor and local day, with run and failed-run counts."""
    return scopes.run(con, "lighthouse_runs", scope)


def trend(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """The representative run's score and lab metrics per URL, form factor and local day (failed runs left out)."""
    return scopes.run(con, "lighthouse_trend", scope)


def assertions(con: duckdb.DuckDBPyConnection, scope: Scope | None = None) -> pd.DataFrame:
    """The latest LHCI assertion results per URL: counts, status and the failing assertions.

    The results carry no run time, so they are not cut to the scope's period; ``scope`` is
    accepted for a uniform call shape.
    """
    del scope
    return metrics.run(con, "lighthouse_assertions")
