"""Uptime (METRICS.md): hand-built cases and a brute-force per-second reference."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import periods, warehouse
from reports.config import parse_config
from reports.metrics import uptime
from reports.metrics.scope import Scope

T0 = datetime(2026, 10, 5, 0, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def add_probes(con, monitor: str, probes: list[tuple[float, str]], message: str | None = None) -> None:
    if not probes:
        return
    con.executemany(
        "INSERT INTO probe_results (monitor, ts, state, message, origin, file_id) VALUES (?, ?, ?, ?, 'probe', 1)",
        [(monitor, at(s), state, message if state == "down" else None) for s, state in probes],
    )


def scope_for(start: datetime, end: datetime, monitors: dict | None = None, maintenance: list | None = None,
              tz: str = "Asia/Seoul", uptime_monitors: list[str] | None = None) -> Scope:
    data: dict = {"report": {"timezone": tz}, "monitors": monitors or {}, "maintenance": maintenance or []}
    if uptime_monitors is not None:
        data["objectives"] = {"uptime": {"target": 0.995, "monitors": uptime_monitors}}
    config = parse_config(data)
    return Scope.of(config, periods.Period(start, end, tz, "test"))


def test_steady_probes_with_a_five_minute_outage(con):
    add_probes(con, "health", [(i * 60, "down" if 10 <= i < 15 else "up") for i in range(60)], "503 Service Unavailable")
    s = uptime.summary(con, scope_for(at(0), at(3600), {"health": {"interval_s": 60}}))
    assert (s["monitored_s"], s["down_s"], s["unmonitored_s"]) == (3600, 300, 0)
    assert s["uptime"] == pytest.approx(1 - 300 / 3600)
    assert (s["incidents"], s["mttr_s"], s["mtbf_s"]) == (1, 300, 3600)
    (incident,) = uptime.incidents(con, scope_for(at(0), at(3600), {"health": {"interval_s": 60}})).to_dict("records")
    assert (incident["start"], incident["end"], incident["duration_s"]) == (at(600), at(900), 300)
    assert list(incident["monitors"]) == ["health"]
    assert (incident["failed_probes"], incident["first_error"]) == (5, "503 Service Unavailable")
    assert not incident["clipped_start"] and not incident["clipped_end"]


def test_a_gap_longer_than_max_gap_is_unmonitored_not_down_or_up(con):
    # probes every 60 s, then silence from 600 s to 1800 s: the probe at 600 covers only 120 s
    add_probes(con, "health", [(i * 60, "up") for i in range(11)] + [(1800 + i * 60, "up") for i in range(30)])
    s = uptime.summary(con, scope_for(at(0), at(3600), {"health": {"interval_s": 60}}))
    assert s["monitored_s"] == 600 + 120 + 1800
    assert s["unmonitored_s"] == 3600 - (600 + 120 + 1800)
    assert s["monitored_fraction"] == pytest.approx((600 + 120 + 1800) / 3600)
    assert s["uptime"] == 1.0


def test_median_gap_is_used_when_no_interval_is_configured(con):
    add_probes(con, "home", [(0, "up"), (300, "up"), (600, "down"), (900, "up")])
    s = uptime.summary(con, scope_for(at(0), at(3600)))
    # median gap 300 s -> max_gap 600 s: the last probe covers [900, 1500)
    assert (s["monitored_s"], s["down_s"]) == (1500, 300)


def test_maintenance_overlapping_an_incident_is_excluded_and_splits_nothing_else(con):
    add_probes(con, "health", [(i * 60, "down" if 20 <= i < 40 else "up") for i in range(60)])
    window = {"start": at(1800).isoformat(), "end": at(2700).isoformat(), "reason": "db", "approved_by": "ops"}
    scope = scope_for(at(0), at(3600), {"health": {"interval_s": 60}}, [window])
    s = uptime.summary(con, scope)
    assert s["maintenance_s"] == 900
    assert s["monitored_s"] == 3600 - 900
    assert s["down_s"] == 600  # 1200..1800 only; 1800..2400 is inside the window
    (incident,) = uptime.incidents(con, scope).to_dict("records")
    assert (incident["start"], incident["end"]) == (at(1200), at(1800))


def test_maintenance_state_probes_act_as_a_maintenance_window_for_every_monitor(con):
    add_probes(con, "home", [(i * 60, "maintenance" if 10 <= i < 20 else "up") for i in range(60)])
    add_probes(con, "health", [(i * 60, "down" if 10 <= i < 20 else "up") for i in range(60)])
    s = uptime.summary(con, scope_for(at(0), at(3600), {"home": {"interval_s": 60}, "health": {"interval_s": 60}}))
    assert (s["maintenance_s"], s["down_s"], s["monitored_s"]) == (600, 0, 3000)


def test_downtime_is_the_union_over_monitors(con):
    add_probes(con, "a", [(i * 60, "down" if 10 <= i < 20 else "up") for i in range(60)])
    add_probes(con, "b", [(i * 60, "down" if 15 <= i < 25 else "up") for i in range(60)])
    scope = scope_for(at(0), at(3600), {"a": {"interval_s": 60}, "b": {"interval_s": 60}})
    s = uptime.summary(con, scope)
    assert (s["down_s"], s["incidents"]) == (900, 1)  # 600..1500 as one incident
    (incident,) = uptime.incidents(con, scope).to_dict("records")
    assert list(incident["monitors"]) == ["a", "b"] and incident["failed_probes"] == 20
    per = uptime.by_monitor(con, scope).set_index("monitor")
    assert per.loc["a", "down_s"] == 600 and per.loc["b", "down_s"] == 600


def test_the_objective_counts_only_its_monitors(con):
    add_probes(con, "a", [(i * 60, "up") for i in range(60)])
    add_probes(con, "b", [(i * 60, "down") for i in range(60)])
    s = uptime.summary(con, scope_for(at(0), at(3600), {"a": {"interval_s": 60}, "b": {"interval_s": 60}},
                                      uptime_monitors=["a"]))
    assert (s["uptime"], s["probes"]) == (1.0, 60)


def test_degraded_counts_as_up_and_is_reported(con):
    add_probes(con, "health", [(i * 60, "degraded" if i < 5 else "up") for i in range(60)])
    s = uptime.summary(con, scope_for(at(0), at(3600), {"health": {"interval_s": 60}}))
    assert (s["uptime"], s["degraded_s"]) == (1.0, 300)


def test_no_probes_is_no_data_not_full_uptime(con):
    s = uptime.summary(con, scope_for(at(0), at(3600)))
    assert s["uptime"] is None and s["monitored_s"] == 0 and s["incidents"] == 0


def test_a_single_probe_with_a_configured_interval_covers_two_intervals(con):
    add_probes(con, "health", [(100, "up")])
    s = uptime.summary(con, scope_for(at(0), at(3600), {"health": {"interval_s": 60}}))
    assert (s["monitored_s"], s["uptime"]) == (120, 1.0)
    con.execute("DELETE FROM probe_results")
    add_probes(con, "health", [(100, "up")])
    s = uptime.summary(con, scope_for(at(0), at(3600)))  # no interval: nothing to infer it from
    assert (s["monitored_s"], s["uptime"]) == (0, None)


def test_a_probe_before_the_period_reaches_into_it_and_incidents_are_clipped(con):
    add_probes(con, "health", [(-60, "down"), (0, "down"), (60, "up")] + [(i * 60, "up") for i in range(2, 60)])
    scope = scope_for(at(0), at(3600), {"health": {"interval_s": 60}})
    (incident,) = uptime.incidents(con, scope).to_dict("records")
    assert (incident["start"], incident["end"], incident["clipped_start"]) == (at(0), at(60), True)
    assert incident["failed_probes"] == 1  # probes inside the period only


def test_month_boundary_in_seoul(con):
    # 2026-10-31T15:30Z is 2026-11-01 00:30 in Seoul: November, not October
    nov_start = datetime(2026, 10, 31, 15, 0, tzinfo=UTC)
    con.executemany(
        "INSERT INTO probe_results (monitor, ts, state, origin, file_id) VALUES ('health', ?, ?, 'probe', 1)",
        [(nov_start + timedelta(minutes=m), "down" if m == 30 else "up") for m in range(-60, 60)],
    )
    config = parse_config({"monitors": {"health": {"interval_s": 60}}})
    october = uptime.summary(con, Scope.of(config, periods.month("2026-10", "Asia/Seoul")))
    november = uptime.summary(con, Scope.of(config, periods.month("2026-11", "Asia/Seoul")))
    assert october["down_s"] == 0 and november["down_s"] == 60
    # the last probe (15:59Z) covers max_gap = 120 s, so November is monitored 3600 + 60 s
    assert october["monitored_s"] == 3600 and november["monitored_s"] == 3660


def test_dst_month_in_new_york_has_721_hours_and_a_25_hour_day(con):
    config = parse_config({"report": {"timezone": "America/New_York"}, "monitors": {"health": {"interval_s": 3600}}})
    november = periods.month("2026-11", "America/New_York")
    assert november.seconds == 721 * 3600
    hours = int(november.seconds // 3600)
    con.executemany(
        "INSERT INTO probe_results (monitor, ts, state, origin, file_id) VALUES ('health', ?, 'up', 'probe', 1)",
        [(november.start + timedelta(hours=h),) for h in range(hours)],
    )
    scope = Scope.of(config, november)
    assert uptime.summary(con, scope)["monitored_s"] == 721 * 3600
    days = uptime.daily(con, scope)
    days = days.set_index(days["day"].astype(str))
    assert len(days) == 30
    assert days.loc["2026-11-01", "period_s"] == 25 * 3600
    assert days.loc["2026-11-02", "period_s"] == 24 * 3600
    assert days["period_s"].sum() == 721 * 3600


# ---- brute force: walk every second --------------------------------------------------------


def reference(probes: dict[str, list[tuple[int, str]]], intervals: dict[str, int | None],
              windows: list[tuple[int, int]], start: int, end: int) -> dict[str, int]:
    """Per-second walk of METRICS.md's uptime algorithm (integer seconds)."""
    covered: dict[int, set[str]] = {}
    maint = set()
    for a, b in windows:
        maint.update(range(max(a, start), min(b, end)))
    for monitor, seq in probes.items():
        seq = sorted(seq)
        # the median gap is taken over the period's probes and their two neighbours
        inside = [i for i, p in enumerate(seq) if start <= p[0] < end]
        lo = max(0, (inside[0] if inside else next((i for i, p in enumerate(seq) if p[0] >= end), len(seq))) - 1)
        hi = min(len(seq), (inside[-1] + 2) if inside else lo + 2)
        near = seq[lo:hi]
        gaps = [b[0] - a[0] for a, b in zip(near, near[1:], strict=False)]
        interval = intervals.get(monitor)
        if interval is None:
            if not gaps:
                continue
            gaps.sort()
            mid = len(gaps) // 2
            interval = gaps[mid] if len(gaps) % 2 else (gaps[mid - 1] + gaps[mid]) / 2
        for i, (ts, state) in enumerate(seq):
            stop = ts + 2 * interval
            if i + 1 < len(seq):
                stop = min(stop, seq[i + 1][0])
            for t in range(int(ts), int(stop)):
                if start <= t < end:
                    if state == "maintenance":
                        maint.add(t)
                    else:
                        covered.setdefault(t, set()).add(state)
    monitored = down = degraded = incidents = 0
    previous_down = False
    for t in range(start, end):
        states = covered.get(t, set()) if t not in maint else set()
        is_down = "down" in states
        monitored += bool(states)
        down += is_down
        degraded += "degraded" in states and not is_down
        incidents += is_down and not previous_down
        previous_down = is_down
    return {"monitored_s": monitored, "down_s": down, "degraded_s": degraded,
            "maintenance_s": len(maint), "incidents": incidents}


probe_seq = st.lists(st.tuples(st.integers(0, 2400), st.sampled_from(["up", "up", "down", "degraded", "maintenance"])),
                     min_size=0, max_size=25, unique_by=lambda p: p[0])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=probe_seq, b=probe_seq, ia=st.sampled_from([None, 30, 60, 120]), ib=st.sampled_from([None, 45, 90]),
       windows=st.lists(st.tuples(st.integers(0, 2400), st.integers(1, 600)), max_size=2),
       start=st.integers(0, 600), length=st.integers(1, 2400))
def test_uptime_equals_a_per_second_walk(a, b, ia, ib, windows, start, length):
    con = warehouse.connect()
    try:
        add_probes(con, "a", a)
        add_probes(con, "b", b)
        end = start + length
        wins = [(s, s + d) for s, d in windows]
        monitors = {name: {"interval_s": iv} for name, iv in (("a", ia), ("b", ib)) if iv is not None}
        maintenance = [{"start": at(s).isoformat(), "end": at(e).isoformat()} for s, e in wins]
        got = uptime.summary(con, scope_for(at(start), at(end), monitors, maintenance))
        want = reference({"a": a, "b": b}, {"a": ia, "b": ib}, wins, start, end)
        assert {k: got[k] for k in want} == pytest.approx(want)
        assert got["period_s"] == length
        assert got["unmonitored_s"] == pytest.approx(length - want["maintenance_s"] - want["monitored_s"])
    finally:
        con.close()
