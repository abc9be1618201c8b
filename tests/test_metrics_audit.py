"""Audit logs (METRICS.md): activity, summary, security entries, entries near instants, masking."""

from __future__ import annotations

import ipaddress
import math
from collections import Counter
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import periods, privacy
from reports.config import parse_config
from reports.metrics import audit
from reports.metrics.scope import Scope

T0 = datetime(2026, 10, 10, 3, 0, tzinfo=UTC)
H = 3600.0
SECURITY = ["user.login_failed", "permission.denied", "role.update", "user.delete", "project.delete"]


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def scope_for(period: periods.Period | None = None, **data) -> Scope:
    tz = data.setdefault("report", {}).setdefault("timezone", "Asia/Seoul")
    return Scope.of(parse_config(data), period or periods.month("2026-10", tz))


_ids = iter(range(1, 10**9))


def day_of(value) -> str:
    return pd.Timestamp(value).date().isoformat()


def add_entry(con, created: datetime, action: str = "user.login", *, user: str | None = "u1",
              status: str | None = "success", resource_type: str | None = "user", resource_id: str | None = "r1",
              ip: str | None = "203.0.113.7") -> str:
    entry_id = f"e{next(_ids)}"
    con.execute(
        "INSERT INTO audit_logs (id, created_at, user_id, action, resource_type, resource_id, status, ip_address, file_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
        [entry_id, created, user, action, resource_type, resource_id, status, ip],
    )
    return entry_id


# --- audit_activity --------------------------------------------------------------------------

def test_activity_per_local_day_action_and_resource(con):
    day1 = datetime(2026, 10, 5, 1, tzinfo=UTC)  # 10:00 KST, 5 October
    add_entry(con, day1, user="a")
    add_entry(con, day1 + timedelta(minutes=1), user="a", status="failure")
    add_entry(con, day1 + timedelta(minutes=2), user="b")
    add_entry(con, day1 + timedelta(minutes=3), user=None)                           # no actor
    add_entry(con, day1 + timedelta(minutes=4), "project.delete", user="a", resource_type="project")
    add_entry(con, datetime(2026, 10, 5, 14, 59, tzinfo=UTC), user="c")              # 23:59 KST: still 5 Oct
    add_entry(con, datetime(2026, 10, 5, 15, 0, tzinfo=UTC), user="c", status="failure")  # 00:00 KST 6 Oct
    rows = audit.activity(con, scope_for()).to_dict("records")
    got = {(day_of(r["day"]), r["action"], r["resource_type"]): (r["entries"], r["failures"], r["actors"]) for r in rows}
    assert got == {
        ("2026-10-05", "project.delete", "project"): (1, 0, 1),
        ("2026-10-05", "user.login", "user"): (5, 1, 3),
        ("2026-10-06", "user.login", "user"): (1, 1, 1),
    }
    share = {(day_of(r["day"]), r["action"]): r["failure_share"] for r in rows}
    assert share[("2026-10-05", "user.login")] == pytest.approx(1 / 5)


def test_activity_month_boundary_in_seoul(con):
    add_entry(con, datetime(2026, 10, 31, 15, 30, tzinfo=UTC))  # 1 November 00:30 KST
    assert audit.activity(con, scope_for()).empty
    (row,) = audit.activity(con, scope_for(periods.month("2026-11", "Asia/Seoul"))).to_dict("records")
    assert day_of(row["day"]) == "2026-11-01"


def test_activity_on_the_25_hour_day_in_new_york(con):
    tz = "America/New_York"
    add_entry(con, datetime(2026, 11, 1, 4, 30, tzinfo=UTC))   # 00:30 EDT, 1 Nov
    add_entry(con, datetime(2026, 11, 2, 4, 30, tzinfo=UTC))   # 23:30 EST, 1 Nov (25 h after local midnight - 1 h)
    add_entry(con, datetime(2026, 11, 2, 5, 0, tzinfo=UTC))    # 00:00 EST, 2 Nov
    add_entry(con, datetime(2026, 11, 1, 3, 59, tzinfo=UTC))   # 23:59 EDT, 31 Oct: another month
    rows = audit.activity(con, scope_for(periods.month("2026-11", tz), report={"timezone": tz})).to_dict("records")
    assert {day_of(r["day"]): r["entries"] for r in rows} == {"2026-11-01": 2, "2026-11-02": 1}


def test_activity_without_entries_is_empty(con):
    frame = audit.activity(con, scope_for())
    assert frame.empty and {"day", "entries", "failures", "actors"} <= set(frame.columns)


# --- audit_summary ---------------------------------------------------------------------------

def test_summary_totals_security_and_top_actions(con):
    plan = ([("user.login", "success", "a")] * 5 + [("user.login_failed", "failure", "b")] * 3
            + [("role.update", "success", "a")] * 2 + [("project.delete", "failure", None)]
            + [("report.view", "success", "c")] * 2)
    for i, (action, status, user) in enumerate(plan):
        add_entry(con, at(i * 60), action, status=status, user=user)
    add_entry(con, datetime(2026, 9, 30, 14, 0, tzinfo=UTC), "user.delete")  # 23:00 KST 30 Sep: outside
    s = audit.summary(con, scope_for())
    failures = sum(1 for _, status, _ in plan if status == "failure")
    assert (s["entries"], s["failures"]) == (len(plan), failures)
    assert s["failure_share"] == pytest.approx(failures / len(plan))
    assert s["actors"] == len({u for _, _, u in plan if u is not None})
    assert s["security_entries"] == sum(1 for a, _, _ in plan if a in SECURITY)
    assert s["security_failures"] == sum(1 for a, st_, _ in plan if a in SECURITY and st_ == "failure")
    counts = Counter(a for a, _, _ in plan)
    expected = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    assert [(t["action"], t["entries"]) for t in s["top_actions"]] == expected


def test_summary_uses_the_configured_security_actions(con):
    add_entry(con, at(0), "api_key.create")
    add_entry(con, at(1), "user.login_failed")
    s = audit.summary(con, scope_for(audit={"security_actions": ["api_key.create"]}))
    assert s["security_entries"] == 1


def test_summary_without_entries_is_zero_with_no_share(con):
    s = audit.summary(con, scope_for())
    assert (s["entries"], s["actors"], s["security_entries"], s["top_actions"]) == (0, 0, 0, [])
    assert s["failure_share"] is None


def test_summary_keeps_ten_top_actions(con):
    for i in range(12):
        for _ in range(i + 1):
            add_entry(con, at(i), f"a.{i:02d}")
    top = audit.summary(con, scope_for())["top_actions"]
    assert [t["action"] for t in top] == [f"a.{i:02d}" for i in range(11, 1, -1)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 20 * 86400), st.sampled_from(["user.login", "role.update", "x"]),
                          st.sampled_from(["success", "failure", None])), max_size=40),
       st.integers(1, 20 * 86400))
def test_splitting_the_period_keeps_the_totals(con, entries, cut):
    con.execute("DELETE FROM audit_logs")  # the fixture's warehouse is shared by the examples
    start = datetime(2026, 10, 1, tzinfo=UTC)
    for offset, action, status in entries:
        add_entry(con, start + timedelta(seconds=offset), action, status=status)
    end, mid = start + timedelta(days=21), start + timedelta(seconds=cut)

    def summary(s: datetime, e: datetime) -> dict:
        return audit.summary(con, scope_for(periods.Period(s, e, "UTC", "t"), report={"timezone": "UTC"}))

    whole, first, second = summary(start, end), summary(start, mid), summary(mid, end)
    for key in ("entries", "failures", "security_entries"):
        assert whole[key] == first[key] + second[key]
    assert whole["entries"] == len(entries)
    assert whole["failures"] == sum(1 for e in entries if e[2] == "failure")
    day_counts = audit.activity(con, scope_for(periods.Period(start, end, "UTC", "t"), report={"timezone": "UTC"}))
    assert int(day_counts["entries"].sum()) == len(entries)


# --- security entries and masking ------------------------------------------------------------

def test_security_events_are_masked_for_non_admins(con):
    add_entry(con, at(0), "user.login_failed", user="user-42", status="failure", ip="198.51.100.23")
    add_entry(con, at(60), "role.update", user="user-7", ip="2001:db8:85a3::8a2e:370:7334")
    add_entry(con, at(120), "user.login", user="user-42")                          # not security-relevant
    add_entry(con, at(180), "project.delete", user=None, ip=None)
    raw = audit.security_events(con, scope_for(), viewer_is_admin=True)
    assert list(raw["action"]) == ["user.login_failed", "role.update", "project.delete"]
    assert list(raw["ip_address"])[:2] == ["198.51.100.23", "2001:db8:85a3::8a2e:370:7334"]
    masked = audit.security_events(con, scope_for(), viewer_is_admin=False)
    assert list(masked["ip_address"])[:2] == ["198.51.x.x", "2001:db8:x:x:x:x:x:x"]
    users = list(masked["user_id"])
    assert users[0] == privacy.mask_user_id("user-42") and users[1] == privacy.mask_user_id("user-7")
    assert users[0] != users[1] and users[2] is None and masked["ip_address"].iloc[2] is None
    text = masked.astype(str).to_string()
    assert "user-42" not in text and "198.51.100.23" not in text and "8a2e" not in text


@pytest.mark.parametrize(("value", "expected"), [
    ("203.0.113.7", "203.0.x.x"),
    ("10.1.2.3:8080", "10.1.x.x"),
    ("203.0.113.7/32", "203.0.x.x"),
    ("2001:db8::1", "2001:db8:x:x:x:x:x:x"),
    ("2001:0DB8:0000:0000:0000:ff00:0042:8329", "2001:db8:x:x:x:x:x:x"),
    ("[2001:db8:aa::1]:443", "2001:db8:x:x:x:x:x:x"),
    ("fe80::1%eth0", "fe80:0:x:x:x:x:x:x"),
    ("::ffff:198.51.100.9", "198.51.x.x"),
    ("198.51.100.9, 10.0.0.1", "198.51.x.x, 10.0.x.x"),
    ("unknown", "x.x.x.x"),
    ("1.2.3", "x.x.x.x"),
    (None, None),
])
def test_mask_ip(value, expected):
    assert privacy.mask_ip(value) == expected


@settings(max_examples=200)
@given(st.ip_addresses())
def test_masked_ips_keep_only_the_network_prefix(address):
    masked = privacy.mask_ip(str(address))
    if isinstance(address, ipaddress.IPv4Address) or address.ipv4_mapped is not None:
        v4 = address if isinstance(address, ipaddress.IPv4Address) else address.ipv4_mapped
        octets = str(v4).split(".")
        assert masked == f"{octets[0]}.{octets[1]}.x.x"
    else:
        groups = address.exploded.split(":")
        assert masked == f"{int(groups[0], 16):x}:{int(groups[1], 16):x}:x:x:x:x:x:x"


def test_mask_user_id_is_short_stable_and_keyed():
    a = privacy.mask_user_id("8f14e45f-ceea-467f-a8f0-1a2b3c4d5e6f")
    assert a == privacy.mask_user_id("8f14e45f-ceea-467f-a8f0-1a2b3c4d5e6f")
    assert a.startswith("u…") and len(a) == 8 and "8f14" not in a
    assert privacy.mask_user_id(42) == privacy.mask_user_id("42")
    assert privacy.mask_user_id("42") != privacy.mask_user_id("43")
    assert privacy.mask_user_id("42", key=b"site-secret") != privacy.mask_user_id("42")
    assert privacy.mask_user_id(None) is None and privacy.mask_user_id(float("nan")) is None


def test_mask_frame_leaves_admin_views_and_other_columns_alone():
    frame = pd.DataFrame({"user_id": ["u-1", None], "client_ip": ["203.0.113.9", None], "action": ["x", "y"]})
    assert privacy.mask_frame(frame, viewer_is_admin=True) is frame
    masked = privacy.mask_frame(frame, viewer_is_admin=False)
    assert list(masked["action"]) == ["x", "y"] and frame["user_id"].iloc[0] == "u-1"  # input untouched
    assert masked["client_ip"].iloc[0] == "203.0.x.x" and masked["user_id"].iloc[1] is None


# --- audit entries near incidents and deployments --------------------------------------------

def test_entries_near_instants_are_within_one_hour_both_ends_inclusive(con):
    inside = [add_entry(con, at(s)) for s in (-H, -10, 0, 1800, H)]
    add_entry(con, at(-H - 1))
    add_entry(con, at(H + 1))
    frame = audit.entries_near(con, [at(0)], viewer_is_admin=True)
    assert list(frame["id"]) == inside
    assert list(frame["offset_s"]) == [-H, -10, 0, 1800, H]
    assert audit.entries_near(con, []).empty


def test_entry_near_two_instants_appears_for_each(con):
    add_entry(con, at(1800), ip="198.51.100.23")
    frame = audit.entries_near(con, [at(0), at(H)])
    assert list(frame["instant"]) == [at(0), at(H)] and list(frame["offset_s"]) == [1800, -1800]
    assert set(frame["ip_address"]) == {"198.51.x.x"}  # masked by default


def test_entries_near_deployments_name_the_deployment(con):
    con.execute(
        "INSERT INTO vercel_deployments (uid, created_at, ready_at, state, environment, file_id) VALUES "
        "('dpl_a', ?, ?, 'READY', 'production', 1), ('dpl_b', ?, ?, 'READY', 'preview', 1), "
        "('dpl_c', ?, NULL, 'ERROR', 'production', 1)",
        [at(-300), at(0), at(5 * H), at(5 * H), at(7 * H)],
    )
    add_entry(con, at(600), "role.update", user="user-9")
    add_entry(con, at(5 * H), "user.delete")
    add_entry(con, at(7 * H))
    frame = audit.entries_near_deployments(con, scope_for())
    assert list(frame["deployment_uid"]) == ["dpl_a"]
    assert list(frame["action"]) == ["role.update"]
    assert frame["user_id"].iloc[0] == privacy.mask_user_id("user-9")
    admin = audit.entries_near_deployments(con, scope_for(), viewer_is_admin=True)
    assert admin["user_id"].iloc[0] == "user-9"


def test_entries_near_incidents_use_the_incident_starts(con):
    con.executemany(
        "INSERT INTO probe_results (monitor, ts, state, origin, file_id) VALUES ('health', ?, ?, 'probe', 1)",
        [(at(60 * i), "down" if 10 <= i < 15 else "up") for i in range(60)],
    )
    add_entry(con, at(600 - 3000), "permission.denied")  # 50 min before the start at 600 s
    add_entry(con, at(600 + 3700))                        # more than an hour after
    frame = audit.entries_near_incidents(con, scope_for(monitors={"health": {"interval_s": 60}}))
    assert list(frame["action"]) == ["permission.denied"]
    assert list(frame["instant"]) == [at(600)] and frame["offset_s"].iloc[0] == -3000
    given_incidents = pd.DataFrame({"start": [at(600 + 3700)]})
    frame = audit.entries_near_incidents(con, scope_for(), incidents=given_incidents)
    assert list(frame["offset_s"]) == [0]


def test_entries_near_nothing_is_empty(con):
    frame = audit.entries_near_incidents(con, scope_for())
    assert frame.empty and "ip_address" in frame.columns
    assert math.isclose(audit.NEAR_WINDOW_S, 3600)
