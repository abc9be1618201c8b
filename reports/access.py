"""Roles and permission checks, in the library call path (not only by hiding widgets).

Three roles, each with everything the one before it may do:

- ``viewer``: aggregates (KPI tiles, trends, per-route tables, audit counts);
- ``manager``: + the monthly PDF and CSV/Excel downloads;
- ``admin``: + raw audit entries, unmasked IP addresses and user ids, file uploads (ingest).

A :class:`Viewer` is passed to every function here that could return personal data or change
the warehouse; a forbidden action raises :class:`PermissionError` whatever the UI shows.

>>> alice = Viewer("alice", "viewer")
>>> alice.can(RAW_AUDIT)
False
>>> require(alice, RAW_AUDIT)
Traceback (most recent call last):
    ...
PermissionError: alice (viewer) may not see raw audit entries; an admin may
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from reports.metrics import audit

if TYPE_CHECKING:
    import duckdb

    from reports.config import Config
    from reports.ingest import FileResult
    from reports.metrics.scope import Scope

ROLES = ("viewer", "manager", "admin")

AGGREGATES = "aggregates"
REPORTS = "reports"
DOWNLOADS = "downloads"
RAW_AUDIT = "raw_audit"
PERSONAL_DATA = "personal_data"
UPLOAD = "upload"

# permission -> (least role that has it, what it is, for messages)
PERMISSIONS: dict[str, tuple[str, str]] = {
    AGGREGATES: ("viewer", "see aggregate figures"),
    REPORTS: ("manager", "generate reports"),
    DOWNLOADS: ("manager", "download tables"),
    RAW_AUDIT: ("admin", "see raw audit entries"),
    PERSONAL_DATA: ("admin", "see unmasked IP addresses and user ids"),
    UPLOAD: ("admin", "upload and ingest files"),
}


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a name, a role and whether they logged in (False in local single-user mode)."""

    name: str
    role: str
    authenticated: bool = True

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, got {self.role!r}")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def can(self, permission: str) -> bool:
        """Whether this viewer's role includes ``permission``."""
        if permission not in PERMISSIONS:
            raise ValueError(f"unknown permission {permission!r}")
        return ROLES.index(self.role) >= ROLES.index(PERMISSIONS[permission][0])


LOCAL_ADMIN = Viewer("local", "admin", authenticated=False)


def require(viewer: Viewer, permission: str) -> None:
    """Raise :class:`PermissionError` unless ``viewer`` has ``permission``."""
    if not viewer.can(permission):
        least, what = PERMISSIONS[permission]
        an = "an" if least[0] in "aeiou" else "a"
        raise PermissionError(f"{viewer.name} ({viewer.role}) may not {what}; {an} {least} may")


# -- audit entries ---------------------------------------------------------------------------

def security_events(con: duckdb.DuckDBPyConnection, scope: Scope, viewer: Viewer, key: bytes = b"") -> pd.DataFrame:
    """The period's security-relevant audit entries, one row each (admins only)."""
    require(viewer, RAW_AUDIT)
    return audit.security_events(con, scope, viewer_is_admin=viewer.can(PERSONAL_DATA), key=key)


def security_counts(con: duckdb.DuckDBPyConnection, scope: Scope, viewer: Viewer) -> pd.DataFrame:
    """Security-relevant entries counted per action and status (any role): ``action, status, entries, actors``."""
    require(viewer, AGGREGATES)
    frame = audit.security_events(con, scope, viewer_is_admin=False)
    columns = ["action", "status", "entries", "actors"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    grouped = frame.groupby(["action", "status"], dropna=False).agg(
        entries=("action", "size"), actors=("user_id", "nunique")).reset_index()
    return grouped.sort_values("entries", ascending=False, kind="stable").reset_index(drop=True)[columns]


def entries_near_incidents(con: duckdb.DuckDBPyConnection, scope: Scope, viewer: Viewer,
                           incidents: pd.DataFrame | None = None, key: bytes = b"") -> pd.DataFrame:
    """Raw audit entries within ±1 h of each incident's start (admins only, unmasked)."""
    require(viewer, RAW_AUDIT)
    return audit.entries_near_incidents(con, scope, incidents, viewer_is_admin=viewer.can(PERSONAL_DATA), key=key)


def who_did_what_near_incidents(con: duckdb.DuckDBPyConnection, scope: Scope, viewer: Viewer,
                                incidents: pd.DataFrame | None = None, key: bytes = b"") -> pd.DataFrame:
    """Audit activity near each incident, grouped: ``instant, user_id, action, status, entries``.

    Any role may see it; the actor (``user_id``) is masked unless the viewer may see personal data.
    """
    require(viewer, AGGREGATES)
    frame = audit.entries_near_incidents(con, scope, incidents, viewer_is_admin=viewer.can(PERSONAL_DATA), key=key)
    return _who_did_what(frame, ["instant"])


def who_did_what_near_deployments(con: duckdb.DuckDBPyConnection, scope: Scope, viewer: Viewer,
                                  key: bytes = b"") -> pd.DataFrame:
    """Audit activity near each production deployment, grouped like :func:`who_did_what_near_incidents`."""
    require(viewer, AGGREGATES)
    frame = audit.entries_near_deployments(con, scope, viewer_is_admin=viewer.can(PERSONAL_DATA), key=key)
    return _who_did_what(frame, ["deployment_uid", "instant"])


def _who_did_what(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    columns = [*keys, "user_id", "action", "status", "entries"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    work = frame.assign(user_id=frame["user_id"].astype(object).where(frame["user_id"].notna(), "—"))
    grouped = work.groupby([*keys, "user_id", "action", "status"], dropna=False).size().rename("entries")
    return grouped.reset_index().sort_values([*keys, "entries"], ascending=[True] * len(keys) + [False],
                                             kind="stable").reset_index(drop=True)[columns]


# -- the quarantine -------------------------------------------------------------------------

def quarantined(con: duckdb.DuckDBPyConnection, viewer: Viewer, file: str | None = None,
                limit: int = 200) -> pd.DataFrame:
    """Quarantined records with their reasons; the raw record text (which can hold personal data) for admins only."""
    require(viewer, AGGREGATES)
    from reports import ledger

    frame = ledger.quarantined(con, file, limit)
    if not viewer.can(PERSONAL_DATA):
        frame = frame.drop(columns=["raw"])
    return frame


# -- uploads ---------------------------------------------------------------------------------

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str, index: int = 0) -> str:
    """A plain file name for an uploaded file: no folders, no odd characters, never hidden."""
    base = Path(name.replace("\\", "/")).name
    cleaned = _SAFE_NAME.sub("_", base).lstrip(".") or f"upload-{index}"
    return cleaned[:200]


def ingest_uploads(db: str | Path, config: Config, viewer: Viewer, files: Iterable[tuple[str, bytes]],
                   timeout_s: float = 30.0) -> list[FileResult]:
    """Write uploaded ``(name, content)`` files to a temporary folder and ingest them (admins only).

    The warehouse is opened with :func:`reports.warehouse.writing`, which publishes a new snapshot
    for readers when the ingest finishes.
    """
    require(viewer, UPLOAD)
    from reports import ingest, warehouse

    with tempfile.TemporaryDirectory(prefix="reports-upload-") as tmp:
        folder = Path(tmp)
        written: list[Path] = []
        for index, (name, content) in enumerate(files):
            target = folder / safe_filename(name, index)
            while target.exists():
                target = target.with_name(f"{index}-{target.name}")
            target.write_bytes(content)
            written.append(target)
        if not written:
            return []
        with warehouse.writing(db, timeout_s=timeout_s) as con:
            results = ingest.ingest(con, written, config)
        for result in results:  # show the uploaded name, not the temporary path
            result.path = Path(result.path).name
        return results


# -- reports ---------------------------------------------------------------------------------

def render_pdf(con: duckdb.DuckDBPyConnection, config: Config, period: Any, lang: str, path: str | Path,
               viewer: Viewer) -> Any:
    """Generate the monthly PDF with :func:`reports.report.render_pdf` (managers and admins)."""
    require(viewer, REPORTS)
    import importlib

    report = importlib.import_module("reports.report")  # written separately; may be absent
    return report.render_pdf(con, config, period, lang, path)

