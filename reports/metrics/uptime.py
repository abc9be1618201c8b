"""Probe uptime: summary, daily values, incidents and per-monitor breakdown (METRICS.md "Uptime")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import duckdb

from reports.metrics import scope as scoped
from reports.metrics.scope import Scope

if TYPE_CHECKING:
    import pandas as pd


def summary(con: duckdb.DuckDBPyConnection, scope: Scope, monitors: list[str] | None = None) -> dict[str, Any]:
    """Uptime, downtime, coverage, incidents, MTTR and MTBF of the scope's monitors."""
    extra = {"monitors": monitors} if monitors is not None else {}
    return scoped.records(con, "uptime_summary", scope, **extra)[0]


def daily(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """One row per local day: monitored, down, maintenance seconds and uptime."""
    return scoped.run(con, "uptime_daily", scope)


def incidents(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Incidents (maximal runs of downtime) with monitors, failed probes and first error."""
    return scoped.run(con, "uptime_incidents", scope)


def monitors_seen(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[str]:
    """Monitors configured for the uptime objective, else every monitor with probes in the period."""
    configured = scope.params()["monitors"]
    if configured:
        return list(configured)
    found = con.execute(
        "SELECT DISTINCT monitor FROM probe_results WHERE ts >= $start AND ts < $end ORDER BY 1",
        {"start": scope.period.start, "end": scope.period.end},
    ).fetchall()
    return [r[0] for r in found]


def by_monitor(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Per monitor: monitored, down, maintenance and unmonitored seconds, uptime, incidents."""
    import pandas as pd

    rows = []
    for monitor in monitors_seen(con, scope):
        row = summary(con, scope, monitors=[monitor])
        rows.append({"monitor": monitor, **row})
    columns = ["monitor", "period_s", "maintenance_s", "monitored_s", "down_s", "degraded_s", "unmonitored_s",
               "uptime", "monitored_fraction", "incidents", "mttr_s", "mtbf_s", "probes", "down_probes"]
    return pd.DataFrame(rows, columns=columns)
