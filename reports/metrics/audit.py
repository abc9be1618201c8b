"""Audit-log metrics: activity, summary, security-relevant entries, entries near incidents/deployments.

User ids and IP addresses are personal data (METRICS.md "Audit logs"): every function that
returns entries masks them with :mod:`reports.privacy` unless ``viewer_is_admin`` is true.

>>> security_events(con, scope, viewer_is_admin=False)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from reports import metrics
from reports.metrics import scope as scopes
from reports.metrics.deployments import production_deployments
from reports.privacy import mask_frame

if TYPE_CHECKING:
    import duckdb

    from reports.metrics.scope import Scope

NEAR_WINDOW_S = 3600.0


def summary(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, Any]:
    """Entries, failures, failure share, distinct actors, security-relevant entries and top actions."""
    record = scopes.records(con, "audit_summary", scope)[0]
    record["top_actions"] = [dict(item) for item in record["top_actions"]]
    return record


def activity(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Entries, failures, failure share and distinct actors per local day, action and resource type."""
    return scopes.run(con, "audit_activity", scope)


def security_events(con: duckdb.DuckDBPyConnection, scope: Scope, viewer_is_admin: bool = False,
                    key: bytes = b"") -> pd.DataFrame:
    """The security-relevant entries of the period, user ids and IPs masked unless the viewer is an admin."""
    return mask_frame(scopes.run(con, "audit_security", scope), viewer_is_admin, key)


def entries_near(con: duckdb.DuckDBPyConnection, instants: Iterable[datetime], viewer_is_admin: bool = False,
                 window_s: float = NEAR_WINDOW_S, key: bytes = b"") -> pd.DataFrame:
    """Audit entries within ``window_s`` seconds (either side) of each instant, masked unless admin."""
    values = [_utc(t) for t in instants if t is not None and not pd.isna(t)]
    frame = metrics.run(con, "audit_near", instants=values, window_s=float(window_s))
    return mask_frame(frame, viewer_is_admin, key)


def entries_near_incidents(con: duckdb.DuckDBPyConnection, scope: Scope, incidents: pd.DataFrame | None = None,
                           viewer_is_admin: bool = False, window_s: float = NEAR_WINDOW_S,
                           key: bytes = b"") -> pd.DataFrame:
    """Audit entries within ±1 h of each incident's start (the period's uptime incidents by default)."""
    if incidents is None:
        incidents = scopes.run(con, "uptime_incidents", scope)
    return entries_near(con, list(incidents["start"]) if len(incidents) else [], viewer_is_admin, window_s, key)


def entries_near_deployments(con: duckdb.DuckDBPyConnection, scope: Scope, deployments: pd.DataFrame | None = None,
                             viewer_is_admin: bool = False, window_s: float = NEAR_WINDOW_S,
                             key: bytes = b"") -> pd.DataFrame:
    """Audit entries within ±1 h of each deployment's ready time, with its uid.

    ``deployments`` is a frame with ``uid`` and ``ready_at``; by default the period's production
    deployments that deploy impact judges (:func:`reports.metrics.deployments.production_deployments`).
    """
    if deployments is None:
        deployments = production_deployments(con, scope)
    ready = deployments[["uid", "ready_at"]].dropna(subset=["ready_at"])
    frame = entries_near(con, list(ready["ready_at"]), viewer_is_admin, window_s, key)
    if frame.empty:
        return frame.assign(deployment_uid=pd.Series([], dtype=object))
    # several deployments at one instant: one row per (deployment, entry)
    keyed = ready.rename(columns={"uid": "deployment_uid", "ready_at": "instant"})
    keyed["instant"] = pd.to_datetime(keyed["instant"], utc=True).astype(frame["instant"].dtype)
    return frame.merge(keyed, on="instant", how="left")


def _utc(value: Any) -> datetime:
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize(UTC)
    return stamp.to_pydatetime().astimezone(UTC)
