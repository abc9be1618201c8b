"""Deployment statistics, the deployment timeline, deploy impact and change-failure figures.

The SQL (``reports/sql/deploy_*.sql``) measures; this module only runs the per-deployment
statistical tests on the small per-deployment results, as METRICS.md "Deployments" defines:

- **error rate** regression: one-sided two-proportion z-test (after > before), pooled standard
  error, ``p < ALPHA``; needs at least :data:`MIN_REQUESTS` requests on each side;
- **latency** regression: p95 rose by more than :data:`P95_RISE` (20 %) **and** a one-sided
  Mann–Whitney U test (after > before) gives ``p < ALPHA``; needs at least
  :data:`MIN_LATENCY_SAMPLES` samples on each side;
- a side with too few samples gives ``insufficient_data``, never ``ok``. The overall verdict is
  ``regression`` if either test says so, ``insufficient_data`` if both lack data, else ``ok``.

>>> impact(con, scope).loc[:, ["uid", "error_verdict", "latency_verdict", "verdict"]]  # doctest: +SKIP
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats as sps

from reports.errors import UsageError
from reports.metrics import scope as scopes
from reports.periods import Period

if TYPE_CHECKING:
    import duckdb

    from reports.metrics.scope import Scope

WINDOW_S = 3600.0
ALPHA = 0.01
P95_RISE = 0.20
MIN_REQUESTS = 100          # per side, for the error-rate test
MIN_LATENCY_SAMPLES = 20    # per side, for the latency test
MIN_VITAL_SAMPLES = 20      # per side, before an LCP p75 is shown

REGRESSION = "regression"
OK = "ok"
INSUFFICIENT = "insufficient_data"


def stats(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Deployments per environment in the scope's period: states, failure rate, build/queue times, frequency."""
    return scopes.run(con, "deploy_stats", scope)


def timeline(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Every deployment placed in the period, with times, durations, commit and creator (no emails)."""
    return scopes.run(con, "deploy_timeline", scope)


def production_deployments(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """The deployments :func:`impact` judges: READY in the scope's environment, not STAGED, ready in the period."""
    frame = timeline(con, scope)
    environment = scope.params()["environment"]
    keep = ((frame["environment"] == environment) & (frame["state"] == "READY") & frame["ready_at"].notna()
            & (frame["ready_substate"].fillna("") != "STAGED"))
    return frame[keep].reset_index(drop=True)


def _window(window_s: float) -> float:
    if not window_s > 0 or math.isinf(window_s):
        raise UsageError(f"the deploy-impact window must be a positive number of seconds, got {window_s!r}")
    return float(window_s)


def error_rate_test(errors_before: int, n_before: int, errors_after: int, n_after: int) -> tuple[str, float | None]:
    """Verdict and one-sided p-value of the two-proportion z-test "after error rate > before".

    >>> error_rate_test(1, 1000, 40, 1000)[0]
    'regression'
    """
    if n_before < MIN_REQUESTS or n_after < MIN_REQUESTS:
        return INSUFFICIENT, None
    p_before, p_after = errors_before / n_before, errors_after / n_after
    pooled = (errors_before + errors_after) / (n_before + n_after)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_before + 1 / n_after))
    if se == 0:  # no errors at all (or only errors) on both sides: no rise to detect
        p_value = 1.0
    else:
        p_value = float(sps.norm.sf((p_after - p_before) / se))
    return (REGRESSION if p_value < ALPHA else OK), p_value


def latency_test(before_ms: Any, after_ms: Any) -> tuple[str, float | None, float | None]:
    """Verdict, Mann–Whitney p-value and relative p95 change of "after latency > before".

    The p95s are numpy's linear percentiles, the same as the SQL's quantile_cont.
    """
    before = np.asarray(before_ms, dtype=float)
    after = np.asarray(after_ms, dtype=float)
    if len(before) < MIN_LATENCY_SAMPLES or len(after) < MIN_LATENCY_SAMPLES:
        return INSUFFICIENT, None, None
    p95_before = float(np.percentile(before, 95, method="linear"))
    p95_after = float(np.percentile(after, 95, method="linear"))
    change = (p95_after / p95_before - 1) if p95_before > 0 else (math.inf if p95_after > 0 else 0.0)
    p_value = float(sps.mannwhitneyu(after, before, alternative="greater").pvalue)
    regressed = change > P95_RISE and p_value < ALPHA
    return (REGRESSION if regressed else OK), p_value, change


def overall_verdict(error_verdict: str, latency_verdict: str) -> str:
    """``regression`` if either test found one; ``insufficient_data`` if both lacked data; else ``ok``."""
    if REGRESSION in (error_verdict, latency_verdict):
        return REGRESSION
    if error_verdict == INSUFFICIENT and latency_verdict == INSUFFICIENT:
        return INSUFFICIENT
    return OK


def impact(con: duckdb.DuckDBPyConnection, scope: Scope, window_s: float = WINDOW_S,
           only: tuple[str, datetime] | None = None) -> pd.DataFrame:
    """Before/after comparison and regression verdicts for each production READY deployment of the period.

    One row per deployment: the columns of ``deploy_impact`` plus ``error_p_value``,
    ``latency_p_value``, ``p95_change`` (fraction), ``error_verdict``, ``latency_verdict`` and
    ``verdict``. LCP p75s are NULL on a side with fewer than :data:`MIN_VITAL_SAMPLES` samples.
    ``only`` = (uid, ready_at) keeps that deployment's row, read from its windows' samples alone.
    """
    window_s = _window(window_s)
    uid, ready = only if only is not None else (None, None)
    frame = scopes.run(con, "deploy_impact", scope, window_s=window_s, uid=uid, uid_ready=ready)
    samples = scopes.run(con, "deploy_impact_samples", scope, window_s=window_s, uid=uid, uid_ready=ready)
    by_uid = {row.uid: (row.before_ms, row.after_ms) for row in samples.itertuples(index=False)}
    empty = np.array([], dtype=float)
    columns: dict[str, list[Any]] = {k: [] for k in
                                     ("error_p_value", "latency_p_value", "p95_change",
                                      "error_verdict", "latency_verdict", "verdict")}
    for row in frame.itertuples(index=False):  # one row per deployment: a handful a month
        error_verdict, error_p = error_rate_test(int(row.errors_before), int(row.requests_before),
                                                 int(row.errors_after), int(row.requests_after))
        before, after = by_uid.get(row.uid, (empty, empty))
        latency_verdict, latency_p, change = latency_test(before, after)
        columns["error_p_value"].append(error_p)
        columns["latency_p_value"].append(latency_p)
        columns["p95_change"].append(change)
        columns["error_verdict"].append(error_verdict)
        columns["latency_verdict"].append(latency_verdict)
        columns["verdict"].append(overall_verdict(error_verdict, latency_verdict))
    out = frame.copy()
    for name, values in columns.items():
        out[name] = pd.Series(values, index=out.index, dtype=object if "verdict" in name else float)
    for side in ("before", "after"):
        few = out[f"lcp_samples_{side}"] < MIN_VITAL_SAMPLES
        out[f"lcp_p75_{side}_ms"] = out[f"lcp_p75_{side}_ms"].astype(float).where(~few)
    return out


def last_production(con: duckdb.DuckDBPyConnection, scope: Scope, window_s: float = WINDOW_S) -> dict[str, Any] | None:
    """The period's last production deployment as :func:`impact` judges it (its row), or None."""
    window_s = _window(window_s)
    last = scopes.run(con, "deploy_last", scope, window_s=window_s)
    if last.empty:
        return None
    frame = impact(con, scope, window_s, only=(str(last["uid"].iloc[0]), last["ready_at"].iloc[0].to_pydatetime()))
    row = frame.iloc[0].to_dict()
    return {k: (None if (not isinstance(v, list | dict | np.ndarray) and pd.isna(v)) else v) for k, v in row.items()}


def change_failure_rate(con: duckdb.DuckDBPyConnection, scope: Scope, window_s: float = WINDOW_S,
                        assessed_impact: pd.DataFrame | None = None) -> dict[str, Any]:
    """Regressions / production deployments assessed (verdict other than ``insufficient_data``).

    Returns ``{"deployments", "assessed", "regressions", "insufficient", "rate"}``; ``rate`` is
    None when no deployment could be assessed. Pass ``assessed_impact`` (from :func:`impact`)
    to avoid recomputing it.
    """
    frame = impact(con, scope, window_s) if assessed_impact is None else assessed_impact
    verdicts = frame["verdict"] if len(frame) else pd.Series([], dtype=object)
    assessed = int((verdicts != INSUFFICIENT).sum())
    regressions = int((verdicts == REGRESSION).sum())
    return {
        "deployments": len(frame),
        "assessed": assessed,
        "regressions": regressions,
        "insufficient": len(frame) - assessed,
        "rate": regressions / assessed if assessed else None,
    }


def time_to_restore(con: duckdb.DuckDBPyConnection, scope: Scope, window_s: float = WINDOW_S) -> dict[str, Any]:
    """MTTR of the uptime incidents that start within ``window_s`` after a production deployment.

    A deployment is one of :func:`production_deployments` (those :func:`impact` judges); an
    incident counts once, attributed to the latest deployment before its start. Incidents are
    looked up over ``[start, end + window_s)`` so one that follows a deployment late in the period
    is found; one already running when the period starts (clipped_start) did not start after a
    deployment and is left out. Returns ``{"incidents", "mttr_s", "rows"}`` where ``rows`` is a
    DataFrame (start, end, duration_s, clipped_end, deployment_uid, deployment_ready_at, after_s).
    """
    window_s = _window(window_s)
    deployments = production_deployments(con, scope)[["uid", "ready_at"]]
    period = scope.period
    wide = Period(period.start, period.end + timedelta(seconds=window_s), period.timezone, period.label)
    incidents = scopes.run(con, "uptime_incidents", scope.with_period(wide))
    columns = ["start", "end", "duration_s", "clipped_end", "deployment_uid", "deployment_ready_at", "after_s"]
    if deployments.empty or incidents.empty:
        return {"incidents": 0, "mttr_s": None, "rows": pd.DataFrame(columns=columns)}
    incidents = incidents[~incidents["clipped_start"].astype(bool)].sort_values("start")
    deployments = deployments.sort_values("ready_at").rename(
        columns={"uid": "deployment_uid", "ready_at": "deployment_ready_at"})
    # the latest deployment at or before each incident's start (a small as-of join)
    joined = pd.merge_asof(incidents, deployments, left_on="start", right_on="deployment_ready_at",
                           direction="backward")
    joined["after_s"] = (joined["start"] - joined["deployment_ready_at"]).dt.total_seconds()
    hits = joined[joined["after_s"].notna() & (joined["after_s"] < window_s)][columns].reset_index(drop=True)
    return {
        "incidents": len(hits),
        "mttr_s": float(hits["duration_s"].mean()) if len(hits) else None,
        "rows": hits,
    }
