"""Error budgets, burn rates and the multiwindow burn-rate rules (METRICS.md "Error budget").

For a ratio objective over a period, the allowed bad share is ``1 - target`` for an objective
that must stay above its target (uptime ≥ 99.5 %: bad = downtime seconds of monitored time) and
``target`` for one that must stay below it (error rate < 0.5 %: bad = failed requests)::

    allowed  = allowed_share × total
    consumed = bad / allowed          remaining = 1 − consumed   (negative when overspent)
    burn(w)  = (bad / total in window w) / allowed_share

The multiwindow, multi-burn-rate rules of the Google SRE Workbook (30-day budget): page when
both the 1 h and 5 m burn rates exceed 14.4, or both the 6 h and 30 m exceed 6; ticket when
both the 3 d and 6 h exceed 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import duckdb

from reports.config import Config
from reports.errors import MetricError
from reports.metrics import requests, uptime
from reports.metrics.scope import Scope
from reports.periods import ROLLING, Period

if TYPE_CHECKING:
    import pandas as pd

RATIO_OBJECTIVES = ("uptime", "error_rate")
RULES = (
    ("page", "1h", "5m", 14.4),
    ("page", "6h", "30m", 6.0),
    ("ticket", "3d", "6h", 1.0),
)


def allowed_share(objective: str, target: float) -> float:
    """The share of the total that may be bad: 1 − target (uptime) or target (error rate)."""
    if objective == "uptime":
        return 1 - target
    if objective == "error_rate":
        return target
    raise MetricError(f"{objective} is not a ratio objective (budgets exist for {', '.join(RATIO_OBJECTIVES)})")


@dataclass(frozen=True)
class Budget:
    """An objective's error budget over a period, in its own unit (seconds or requests)."""

    objective: str
    unit: str
    total: float
    bad: float
    allowed: float
    consumed: float | None  # None when there is nothing to measure
    remaining: float | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def compute(objective: str, target: float, bad: float, total: float) -> Budget:
    """The budget for ``bad`` out of ``total``; consumed/remaining are None when total is 0."""
    share = allowed_share(objective, target)
    allowed = share * total
    unit = "seconds" if objective == "uptime" else "requests"
    if total <= 0:
        return Budget(objective, unit, total, bad, allowed, None, None)
    consumed = bad / allowed if allowed > 0 else (0.0 if bad == 0 else float("inf"))
    return Budget(objective, unit, total, bad, allowed, consumed, 1 - consumed)


def of_period(con: duckdb.DuckDBPyConnection, scope: Scope, objective: str) -> Budget:
    """The objective's budget over the scope's period."""
    target = scope.config.objectives[objective].target
    if objective == "uptime":
        s = uptime.summary(con, scope)
        return compute(objective, target, s["down_s"] or 0.0, s["monitored_s"] or 0.0)
    r = requests.summary(con, scope)
    return compute(objective, target, r["errors"] or 0, r["requests"] or 0)


def bad_ratio(con: duckdb.DuckDBPyConnection, scope: Scope, objective: str, start: datetime,
              end: datetime) -> tuple[float, float]:
    """``(bad, total)`` of the objective in ``[start, end)``: seconds for uptime, requests otherwise."""
    if objective == "uptime":
        s = uptime.summary(con, scope.with_period(Period(start, end, scope.period.timezone, "window")))
        return float(s["down_s"] or 0.0), float(s["monitored_s"] or 0.0)
    bad, total = requests.windowed_error_ratio(con, scope, start, end)
    return float(bad), float(total)


def burn_rate(con: duckdb.DuckDBPyConnection, scope: Scope, objective: str, window: str,
              now: datetime) -> float | None:
    """Burn rate over the ``window`` (e.g. ``1h``) ending at ``now``; None without data."""
    bad, total = bad_ratio(con, scope, objective, now - ROLLING[window], now)
    if total <= 0:
        return None
    return (bad / total) / allowed_share(objective, scope.config.objectives[objective].target)


def evaluate(con: duckdb.DuckDBPyConnection, config: Config, now: datetime) -> list[dict[str, Any]]:
    """Every rule for every ratio objective at ``now``: burn rates and whether it fires."""
    out = []
    scope = Scope.of(config, Period(now - ROLLING["30d"], now, config.report.timezone, "last 30d"))
    for objective in RATIO_OBJECTIVES:
        if objective not in config.objectives:
            continue
        rates = {w: burn_rate(con, scope, objective, w, now) for w in ("5m", "30m", "1h", "6h", "3d")}
        for severity, long_w, short_w, threshold in RULES:
            long_rate, short_rate = rates[long_w], rates[short_w]
            fires = long_rate is not None and short_rate is not None and long_rate > threshold and short_rate > threshold
            out.append({"objective": objective, "severity": severity, "long_window": long_w,
                        "short_window": short_w, "threshold": threshold, "long_burn": long_rate,
                        "short_burn": short_rate, "fires": fires})
    return out


def burn_down(con: duckdb.DuckDBPyConnection, scope: Scope, objective: str, shared: bool = False) -> pd.DataFrame:
    """Budget remaining at the end of each local day of the period (for the burn-down chart).

    ``remaining = 1 − cumulative bad / (allowed share × the period's total)``, so the last day
    equals the period's ``budget_remaining``. ``shared``: the error-rate days come from the
    grouped request pass (:func:`reports.metrics.requests.trend`), for a caller that reads the
    request summary too.
    """
    import pandas as pd

    target = scope.config.objectives[objective].target
    if objective == "uptime":
        days = uptime.daily(con, scope)
        frame = pd.DataFrame({"day": days["day"], "bad": days["down_s"].fillna(0), "total": days["monitored_s"].fillna(0)})
    else:
        days = requests.trend(con, scope, "day", shared=shared)
        frame = pd.DataFrame({"day": days["day"], "bad": days["errors"].fillna(0), "total": days["requests"].fillna(0)})
    allowed = allowed_share(objective, target) * float(frame["total"].sum())
    frame["cumulative_bad"] = frame["bad"].cumsum()
    frame["allowed"] = allowed
    frame["remaining"] = 1 - frame["cumulative_bad"] / allowed if allowed > 0 else None
    return frame
