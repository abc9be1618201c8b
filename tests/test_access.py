"""Roles and the permission checks of :mod:`reports.access`, on a small hand-built warehouse.

The warehouse holds one incident (probes down 09:31–09:34 UTC on 2026-10-03) and a handful of audit
entries around it, written as real-format files and ingested.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from reports import access, ledger, periods, warehouse
from reports.config import Config
from reports.metrics.scope import Scope
from tests.conftest import load

ADMIN = access.Viewer("ada", "admin")
MANAGER = access.Viewer("max", "manager")
VIEWER = access.Viewer("vera", "viewer")
OCTOBER = periods.month("2026-10", "Asia/Seoul")

AUDIT_CSV = """id,created_at,user_id,action,resource_type,resource_id,status,ip_address,user_agent,metadata
a1,2026-10-03 09:00:00+00,user-1,user.login_failed,user,,failure,203.0.113.7,x,{}
a2,2026-10-03 09:10:00+00,user-1,user.login_failed,user,,failure,203.0.113.7,x,{}
a3,2026-10-03 09:20:00+00,user-2,role.update,member,m1,success,198.51.100.9,x,{}
a4,2026-10-03 09:40:00+00,user-2,project.update,project,p1,success,198.51.100.9,x,{}
a5,2026-10-20 12:00:00+00,user-3,user.delete,user,u9,success,192.0.2.1,x,{}
"""


@pytest.fixture
def filled(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    audit = tmp_path / "audit_logs.csv"
    audit.write_text(AUDIT_CSV, encoding="utf-8")
    probes = tmp_path / "probes.ndjson"
    lines = []
    for minute in range(20, 50):
        down = 31 <= minute < 34
        lines.append(json.dumps({"ts": f"2026-10-03T09:{minute:02d}:00Z", "monitor": "health",
                                 "url": "https://x/api/health", "ok": not down,
                                 "status_code": 503 if down else 200, "response_ms": 50.0,
                                 "error": "HTTP 503" if down else None}))
    probes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = load(con, audit, probes)
    assert [r.status for r in results] == ["loaded", "loaded"]
    return con


@pytest.fixture
def scope() -> Scope:
    return Scope.of(Config(), OCTOBER)


# -- roles ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("viewer", "allowed"), [
    (VIEWER, {access.AGGREGATES}),
    (MANAGER, {access.AGGREGATES, access.REPORTS, access.DOWNLOADS}),
    (ADMIN, set(access.PERMISSIONS)),
])
def test_each_role_has_the_permissions_of_the_one_before(viewer: access.Viewer, allowed: set[str]) -> None:
    assert {p for p in access.PERMISSIONS if viewer.can(p)} == allowed


def test_require_raises_a_permission_error_naming_who_may() -> None:
    with pytest.raises(PermissionError, match=r"vera \(viewer\) may not see raw audit entries; an admin may"):
        access.require(VIEWER, access.RAW_AUDIT)
    with pytest.raises(PermissionError, match="a manager may"):
        access.require(VIEWER, access.REPORTS)
    access.require(ADMIN, access.UPLOAD)


def test_unknown_roles_and_permissions_are_errors() -> None:
    with pytest.raises(ValueError, match="role must be one of"):
        access.Viewer("x", "owner")
    with pytest.raises(ValueError, match="unknown permission"):
        VIEWER.can("everything")


def test_local_mode_is_an_unauthenticated_admin() -> None:
    assert access.LOCAL_ADMIN.is_admin and not access.LOCAL_ADMIN.authenticated


# -- audit entries ----------------------------------------------------------------------------

@pytest.mark.parametrize("viewer", [VIEWER, MANAGER])
def test_raw_audit_entries_are_for_admins_only(filled: duckdb.DuckDBPyConnection, scope: Scope,
                                               viewer: access.Viewer) -> None:
    with pytest.raises(PermissionError):
        access.security_events(filled, scope, viewer)
    with pytest.raises(PermissionError):
        access.entries_near_incidents(filled, scope, viewer)


def test_admins_see_raw_entries_unmasked(filled: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    events = access.security_events(filled, scope, ADMIN)
    assert sorted(events["id"]) == ["a1", "a2", "a3", "a5"]
    assert set(events["ip_address"]) == {"203.0.113.7", "198.51.100.9", "192.0.2.1"}
    near = access.entries_near_incidents(filled, scope, ADMIN)
    assert sorted(near["id"]) == ["a1", "a2", "a3", "a4"]  # within ±1 h of 09:31
    assert "user-1" in set(near["user_id"])


def test_security_counts_are_aggregates_for_every_role(filled: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    counts = access.security_counts(filled, scope, VIEWER)
    assert list(counts.columns) == ["action", "status", "entries", "actors"]
    rows = {(r.action, r.status): (r.entries, r.actors) for r in counts.itertuples()}
    assert rows == {("user.login_failed", "failure"): (2, 1), ("role.update", "success"): (1, 1),
                    ("user.delete", "success"): (1, 1)}


@pytest.mark.parametrize(("viewer", "masked"), [(VIEWER, True), (MANAGER, True), (ADMIN, False)])
def test_who_did_what_is_masked_unless_admin(filled: duckdb.DuckDBPyConnection, scope: Scope,
                                             viewer: access.Viewer, masked: bool) -> None:
    frame = access.who_did_what_near_incidents(filled, scope, viewer)
    assert list(frame.columns) == ["instant", "user_id", "action", "status", "entries"]
    assert int(frame["entries"].sum()) == 4
    actors = set(frame["user_id"])
    if masked:
        assert actors.isdisjoint({"user-1", "user-2"}) and all(a.startswith("u…") for a in actors)
    else:
        assert actors == {"user-1", "user-2"}
    top = frame.iloc[0]
    assert (top["action"], top["entries"]) == ("user.login_failed", 2)


def test_who_did_what_near_deployments_without_deployments_is_empty(filled: duckdb.DuckDBPyConnection,
                                                                    scope: Scope) -> None:
    frame = access.who_did_what_near_deployments(filled, scope, VIEWER)
    assert frame.empty and "deployment_uid" in frame.columns


# -- the quarantine ---------------------------------------------------------------------------

def test_quarantined_raw_records_only_for_admins(con: duckdb.DuckDBPyConnection) -> None:
    fixtures = Path(__file__).parent / "fixtures" / "audit_logs"
    load(con, fixtures / "audit-bad.csv")
    for_viewer = access.quarantined(con, VIEWER)
    for_admin = access.quarantined(con, ADMIN)
    assert len(for_viewer) == len(for_admin) == ledger.quarantine_count(con) == 2
    assert "raw" not in for_viewer.columns and "reason" in for_viewer.columns
    assert "raw" in for_admin.columns and for_admin["raw"].str.contains("203.0.113.8").any()


# -- uploads ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "safe"), [
    ("logs.ndjson.gz", "logs.ndjson.gz"), ("../../etc/passwd", "passwd"), ("C:\\x\\y.csv", "y.csv"),
    (".hidden.json", "hidden.json"), ("로그 파일.json", "_.json"), ("", "upload-3"), ("...", "upload-3"),
])
def test_safe_filename(name: str, safe: str) -> None:
    assert access.safe_filename(name, 3) == safe


@pytest.mark.parametrize("viewer", [VIEWER, MANAGER])
def test_uploads_are_for_admins_only(tmp_path: Path, viewer: access.Viewer) -> None:
    db = tmp_path / "w.duckdb"
    with pytest.raises(PermissionError):
        access.ingest_uploads(db, Config(), viewer, [("a.json", b"[]")])
    assert not db.exists(), "nothing was written"


def test_admin_upload_ingests_into_the_warehouse(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    sample = Path(__file__).parent / "fixtures" / "probes" / "probes.ndjson"
    results = access.ingest_uploads(db, Config(), ADMIN, [("../probes.ndjson", sample.read_bytes()),
                                                          ("probes.ndjson", sample.read_bytes())])
    assert [r.path for r in results] == ["probes.ndjson", "1-probes.ndjson"]
    assert [r.status for r in results] == ["loaded", "skipped"]  # the same content twice: loaded once
    con = warehouse.open_reader(db)  # a snapshot was published for readers
    try:
        assert int(ledger.files(con)["loaded"].sum()) == results[0].loaded > 0
    finally:
        con.close()


def test_render_pdf_needs_a_manager(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(PermissionError):
        access.render_pdf(con, Config(), OCTOBER, "en", tmp_path / "r.pdf", VIEWER)
    assert not (tmp_path / "r.pdf").exists()
