"""Core Web Vitals (METRICS.md): p75 per metric, ratings, daily trend, worst pages, the CWV verdict.

Expected values come from numpy's linear percentile and plain Python loops over the rows inserted.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import metrics, periods, warehouse
from reports.config import parse_config
from reports.errors import MetricError, UsageError
from reports.metrics import vitals
from reports.metrics.scope import Scope

T0 = datetime(2026, 10, 5, 3, 0, tzinfo=UTC)
OCT = (datetime(2026, 9, 30, 15, tzinfo=UTC), datetime(2026, 10, 31, 15, tzinfo=UTC))  # 2026-10 in Seoul
_ids = itertools.count()

LIMITS = {"LCP": (2500, 4000), "INP": (200, 500), "CLS": (0.1, 0.25), "FCP": (1800, 3000),
          "TTFB": (800, 1800), "FID": (100, 300)}


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def add_si(con, rows: list[tuple]) -> None:
    """rows: (ts, metric, value[, device_type[, route[, environment]]])."""
    full = []
    for r in rows:
        ts, metric, value, device, route, env = (*r, *("mobile", "/home", "production")[len(r) - 3:])
        full.append((ts, metric, value, value, device, route, env, f"k{next(_ids)}"))
    con.executemany(
        "INSERT INTO speed_insights (ts, metric, value_raw, value, device_type, route, environment, sample_key, "
        "file_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)", full)


def add_pageload(con, ts: datetime, *, route: str = "/home", env: str | None = "production",
                 sample_rate: float | None = None, tags: dict | None = None, op: str = "pageload",
                 **vital: float) -> None:
    con.execute(
        "INSERT INTO sentry_transactions (event_id, ts, transaction, op, environment, lcp, fcp, cls, inp, ttfb, fid, "
        "sample_rate, tags, source, file_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'event', 1)",
        [f"{next(_ids):032x}", ts, route, op, env, *(vital.get(v) for v in ("lcp", "fcp", "cls", "inp", "ttfb", "fid")),
         sample_rate, json.dumps(tags) if tags is not None else None])


def scope_for(start: datetime = OCT[0], end: datetime = OCT[1], tz: str = "Asia/Seoul",
              maintenance: list | None = None, route: str | None = None, **sources: Any) -> Scope:
    config = parse_config({"report": {"timezone": tz}, "maintenance": maintenance or [], "sources": sources})
    return Scope.of(config, periods.Period(start, end, tz, "test"), route=route)


def p75_ref(values: list[float]) -> float:
    return float(np.percentile(np.array(values, dtype=float), 75, method="linear"))


def rating_ref(metric: str, value: float) -> str:
    good, ni = LIMITS[metric]
    if value <= good:
        return "good"
    return "needs_improvement" if value <= ni else "poor"


def by_metric(frame) -> dict[str, dict[str, Any]]:
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return {r["metric"]: r for r in records}


# --- p75 and ratings ---------------------------------------------------------------------------

@pytest.mark.parametrize("shared", [False, True])
def test_p75_rating_and_shares_match_a_python_reference(con, shared):
    lcp = [900.0, 2400.0, 2500.0, 2600.0, 3900.0, 4000.0, 4100.0, 7000.0, 1200.0, 1800.0, 2000.0]
    cls = [0.0, 0.05, 0.1, 0.1, 0.11, 0.3]
    add_si(con, [(at(i), "LCP", v) for i, v in enumerate(lcp)] + [(at(i), "CLS", v) for i, v in enumerate(cls)])
    rows = by_metric(vitals.p75(con, scope_for(), shared=shared))
    assert list(rows) == ["LCP", "INP", "CLS", "FCP", "TTFB", "FID"]
    for metric, values in (("LCP", lcp), ("CLS", cls)):
        row = rows[metric]
        assert row["samples"] == len(values)
        assert row["p75"] == pytest.approx(p75_ref(values))
        assert row["rating"] == rating_ref(metric, p75_ref(values))
        good, ni = LIMITS[metric]
        assert row["share_good"] == pytest.approx(sum(v <= good for v in values) / len(values))
        assert row["share_ni"] == pytest.approx(sum(good < v <= ni for v in values) / len(values))
        assert row["share_poor"] == pytest.approx(sum(v > ni for v in values) / len(values))
        assert row["source"] == "speed_insights"
    assert rows["LCP"]["rating"] == "needs_improvement"  # p75 = 3950
    assert rows["INP"]["samples"] == 0 and rows["INP"]["p75"] is None and rows["INP"]["rating"] == "no_data"


@pytest.mark.parametrize(("metric", "value", "expected"), [
    ("LCP", 2500.0, "good"), ("LCP", 2500.5, "needs_improvement"), ("LCP", 4000.0, "needs_improvement"),
    ("LCP", 4000.1, "poor"), ("CLS", 0.1, "good"), ("CLS", 0.25, "needs_improvement"), ("CLS", 0.2501, "poor"),
    ("INP", 200.0, "good"), ("INP", 500.0, "needs_improvement"), ("FCP", 1800.0, "good"),
    ("TTFB", 1800.0, "needs_improvement"), ("TTFB", 1801.0, "poor"), ("FID", 100.0, "good"), ("FID", 301.0, "poor"),
])
def test_thresholds_are_inclusive_upper_bounds(con, metric, value, expected):
    add_si(con, [(at(0), metric, value)])  # one sample: p75 is the sample itself
    row = by_metric(vitals.p75(con, scope_for()))[metric]
    assert (row["samples"], row["p75"], row["rating"]) == (1, value, expected)
    assert vitals.rate(metric, value) == expected


@pytest.mark.parametrize("shared", [False, True])
def test_no_samples_is_no_data_not_good(con, shared):
    rows = by_metric(vitals.p75(con, scope_for(), shared=shared))
    assert all(r["samples"] == 0 and r["p75"] is None and r["rating"] == "no_data" for r in rows.values())
    assert all(r["source"] is None for r in rows.values())
    assert vitals.cwv_status(con, scope_for(), shared=shared)["status"] == "no_data"
    assert vitals.daily(con, scope_for()).empty
    assert vitals.worst_pages(con, scope_for(), min_samples=1).empty
    assert vitals.p75(con, scope_for(), by="device").empty


@pytest.mark.parametrize("shared", [False, True])
def test_month_boundary_in_seoul(con, shared):
    # 2026-10-31T15:30Z is 2026-11-01 00:30 in Seoul: November, not October
    add_si(con, [(datetime(2026, 10, 31, 14, 59, 59, tzinfo=UTC), "LCP", 1000.0),
                 (datetime(2026, 10, 31, 15, 30, tzinfo=UTC), "LCP", 9000.0),
                 (datetime(2026, 9, 30, 15, 0, tzinfo=UTC), "LCP", 2000.0)])
    oct_ = periods.month("2026-10", "Asia/Seoul")
    nov = periods.month("2026-11", "Asia/Seoul")
    assert by_metric(vitals.p75(con, scope_for(oct_.start, oct_.end), shared=shared))["LCP"]["p75"] == pytest.approx(
        p75_ref([1000.0, 2000.0]))
    nov_row = by_metric(vitals.p75(con, scope_for(nov.start, nov.end), shared=shared))["LCP"]
    assert (nov_row["samples"], nov_row["p75"]) == (1, 9000.0)


def test_daily_p75_per_local_day_across_a_dst_change(con):
    ny = periods.month("2026-11", "America/New_York")
    assert ny.seconds == 721 * 3600
    # 2026-11-01 in New York runs 04:00Z .. 05:00Z next day (25 h)
    nov1 = [(datetime(2026, 11, 1, 4, 0, tzinfo=UTC), 100.0), (datetime(2026, 11, 2, 4, 59, tzinfo=UTC), 300.0),
            (datetime(2026, 11, 1, 20, 0, tzinfo=UTC), 250.0)]
    nov2 = [(datetime(2026, 11, 2, 5, 0, tzinfo=UTC), 700.0), (datetime(2026, 11, 2, 12, 0, tzinfo=UTC), 100.0)]
    add_si(con, [(ts, "INP", v) for ts, v in nov1 + nov2])
    add_si(con, [(datetime(2026, 11, 1, 3, 59, tzinfo=UTC), "INP", 9999.0)])  # still October locally
    frame = vitals.daily(con, scope_for(ny.start, ny.end, tz="America/New_York"))
    got = {(str(r.day)[:10], r.metric): (r.samples, r.p75) for r in frame.itertuples()}
    assert got == {
        ("2026-11-01", "INP"): (3, pytest.approx(p75_ref([v for _, v in nov1]))),
        ("2026-11-02", "INP"): (2, pytest.approx(p75_ref([v for _, v in nov2]))),
    }
    period = by_metric(vitals.p75(con, scope_for(ny.start, ny.end, tz="America/New_York")))["INP"]
    # the period's p75 is over all samples, not a mean of the daily p75s
    assert period["p75"] == pytest.approx(p75_ref([v for _, v in nov1 + nov2]))
    assert period["p75"] != pytest.approx((got[("2026-11-01", "INP")][1] + got[("2026-11-02", "INP")][1]) / 2)


@pytest.mark.parametrize("shared", [False, True])
def test_maintenance_windows_exclude_samples(con, shared):
    add_si(con, [(at(0), "LCP", 1000.0), (at(10), "LCP", 8000.0), (at(19.99), "LCP", 9000.0), (at(20), "LCP", 2000.0)])
    window = [{"start": at(10).isoformat(), "end": at(20).isoformat()}]
    row = by_metric(vitals.p75(con, scope_for(maintenance=window), shared=shared))["LCP"]
    assert (row["samples"], row["p75"]) == (2, pytest.approx(p75_ref([1000.0, 2000.0])))
    assert vitals.daily(con, scope_for(maintenance=window)).samples.tolist() == [2]


@pytest.mark.parametrize("shared", [False, True])
def test_environment_filter_and_source_choice(con, shared):
    add_si(con, [(at(0), "LCP", 5000.0, "mobile", "/a", "preview")])
    add_pageload(con, at(1), lcp=1000.0, cls=0.01, inp=50.0)
    add_pageload(con, at(2), lcp=3000.0, cls=0.2, inp=150.0, sample_rate=0.25)
    add_pageload(con, at(3), lcp=99999.0, env="preview")
    add_pageload(con, at(4), lcp=99999.0, op="navigation")
    rows = by_metric(vitals.p75(con, scope_for(), shared=shared))
    # production has no Speed Insights sample: Sentry pageloads of production only
    assert rows["LCP"]["source"] == "sentry_pageloads"
    assert rows["LCP"]["samples"] == 2 and rows["LCP"]["p75"] == pytest.approx(p75_ref([1000.0, 3000.0]))
    assert rows["CLS"]["p75"] == pytest.approx(p75_ref([0.01, 0.2]))
    assert rows["FID"]["samples"] == 0
    assert bool(rows["LCP"]["sampled"]) is True
    add_si(con, [(at(5), "LCP", 4200.0, "desktop", "/b", "production")])
    rows = by_metric(vitals.p75(con, scope_for(), shared=shared))
    assert (rows["LCP"]["source"], rows["LCP"]["samples"], rows["LCP"]["p75"]) == ("speed_insights", 1, 4200.0)
    assert rows["CLS"]["samples"] == 0  # never mixed with Sentry's CLS
    assert bool(rows["LCP"]["sampled"]) is False


def test_sentry_sample_rate_setting_marks_unlabelled_pageloads_as_sampled(con):
    add_pageload(con, at(1), lcp=1000.0)
    assert bool(by_metric(vitals.p75(con, scope_for(sentry_sample_rate=1.0)))["LCP"]["sampled"]) is False
    assert bool(by_metric(vitals.p75(con, scope_for(sentry_sample_rate=0.1)))["LCP"]["sampled"]) is True


def test_split_by_device_and_route(con):
    data = [(at(i), "LCP", float(100 * (i + 1)), "mobile" if i % 3 else "desktop", f"/r{i % 2}") for i in range(12)]
    add_si(con, data)
    add_si(con, [(at(20), "LCP", 50.0, None, None)])
    by_device = {r.device_type: (r.samples, r.p75) for r in vitals.p75(con, scope_for(), by="device").itertuples()}
    expected = {}
    for dev in ("mobile", "desktop"):
        vals = [v for _, _, v, d, _ in data if d == dev]
        expected[dev] = (len(vals), pytest.approx(p75_ref(vals)))
    expected["unknown"] = (1, 50.0)
    assert by_device == expected
    by_route = vitals.p75(con, scope_for(), by="route")
    got = {r.route: (r.samples, r.p75) for r in by_route.itertuples() if r.route is not None}
    for route in ("/r0", "/r1"):
        vals = [v for _, _, v, _, rt in data if rt == route]
        assert got[route] == (len(vals), pytest.approx(p75_ref(vals)))
    assert set(by_route.metric) == {"LCP"}  # only groups with samples
    one_route = by_metric(vitals.p75(con, scope_for(route="/r1")))["LCP"]
    assert one_route["p75"] == pytest.approx(p75_ref([v for _, _, v, _, rt in data if rt == "/r1"]))
    with pytest.raises(UsageError, match="device or route"):
        vitals.p75(con, scope_for(), by="country")  # type: ignore[arg-type]


def test_sentry_device_type_from_tags(con):
    add_pageload(con, at(0), lcp=100.0, tags={"device": "Mobile"})
    add_pageload(con, at(1), lcp=200.0, tags={"os.name": "Android"})
    add_pageload(con, at(2), lcp=300.0, tags={"os.name": "Windows", "device": "iPhone"})
    add_pageload(con, at(3), lcp=400.0)
    got = {r.device_type: r.samples for r in vitals.p75(con, scope_for(), by="device").itertuples()}
    assert got == {"mobile": 2, "desktop": 1, "unknown": 1}


def test_worst_pages_ranks_routes_over_min_samples(con):
    rng = np.random.default_rng(7)
    data = []
    for route, n, scale in (("/slow", 6, 5000), ("/mid", 6, 3000), ("/fast", 6, 1000), ("/rare", 2, 90000)):
        data += [(at(len(data)), "LCP", float(v), "mobile", route) for v in rng.uniform(0, scale, n)]
    data += [(at(100 + i), "FCP", 99999.0, "mobile", "/slow") for i in range(5)]  # not a ranked metric
    add_si(con, data)
    frame = vitals.worst_pages(con, scope_for(), min_samples=3, limit=2)
    assert frame.metric.tolist() == ["LCP", "LCP"]
    ref = sorted(((p75_ref([d[2] for d in data if d[4] == r and d[1] == "LCP"]), r)
                  for r in ("/slow", "/mid", "/fast")), reverse=True)[:2]  # /rare has too few samples
    assert frame.route.tolist() == [r for _, r in ref]
    assert frame.p75.tolist() == pytest.approx([p for p, _ in ref])
    assert frame["rank"].tolist() == [1, 2]
    with pytest.raises(UsageError):
        vitals.worst_pages(con, scope_for(), min_samples=0)


# --- the Core Web Vitals verdict -----------------------------------------------------------------

def _rows(**p75s: tuple[int, float | None]) -> list[dict[str, Any]]:
    return [{"metric": m.upper(), "samples": n, "p75": v} for m, (n, v) in p75s.items()]


def test_assess_pass_fail_and_no_data():
    ok = vitals.assess(_rows(lcp=(10, 2500.0), inp=(10, 200.0), cls=(10, 0.1)))
    assert (ok["status"], ok["passes"], ok["inp_substituted_by_fid"], ok["failing"]) == ("pass", True, False, [])
    bad = vitals.assess(_rows(lcp=(10, 2600.0), inp=(10, 150.0), cls=(10, 0.3)))
    assert (bad["status"], bad["passes"], bad["failing"]) == ("fail", False, ["LCP", "CLS"])
    assert vitals.assess(_rows(lcp=(0, None), inp=(5, 100.0), cls=(5, 0.0)))["status"] == "no_data"
    assert vitals.assess(_rows(lcp=(5, 100.0), inp=(0, None), cls=(5, 0.0), fid=(0, None)))["missing"] == ["INP"]
    none = vitals.assess(_rows(lcp=(5, 100.0), inp=(5, 100.0)))
    assert (none["status"], none["passes"], none["missing"]) == ("no_data", None, ["CLS"])


def test_fid_stands_in_for_inp_only_without_inp_samples():
    sub = vitals.assess(_rows(lcp=(5, 1000.0), inp=(0, None), cls=(5, 0.05), fid=(5, 90.0)))
    assert (sub["status"], sub["inp_substituted_by_fid"]) == ("pass", True)
    assert sub["metrics"]["INP"] == {"metric": "FID", "samples": 5, "p75": 90.0, "rating": "good"}
    poor_fid = vitals.assess(_rows(lcp=(5, 1000.0), inp=(0, None), cls=(5, 0.05), fid=(5, 150.0)))
    assert (poor_fid["status"], poor_fid["failing"]) == ("fail", ["INP"])
    # INP present: FID is ignored even when it would pass
    real = vitals.assess(_rows(lcp=(5, 1000.0), inp=(5, 250.0), cls=(5, 0.05), fid=(5, 10.0)))
    assert (real["status"], real["inp_substituted_by_fid"]) == ("fail", False)


def test_cwv_status_from_the_warehouse(con):
    add_pageload(con, at(0), lcp=1000.0, cls=0.01, fid=20.0)
    add_pageload(con, at(1), lcp=2000.0, cls=0.02, fid=40.0)
    status = vitals.cwv_status(con, scope_for())
    assert status["status"] == "pass" and status["inp_substituted_by_fid"] is True
    assert status["source"] == "sentry_pageloads"
    assert status["metrics"]["LCP"]["p75"] == pytest.approx(p75_ref([1000.0, 2000.0]))
    add_pageload(con, at(2), lcp=2000.0, cls=0.02, inp=900.0)
    status = vitals.cwv_status(con, scope_for())
    assert (status["status"], status["inp_substituted_by_fid"], status["failing"]) == ("fail", False, ["INP"])


def test_cwv_status_by_device_decides_fid_per_group(con):
    add_si(con, [(at(0), m, v, "mobile") for m, v in (("LCP", 1000.0), ("CLS", 0.01), ("FID", 10.0))])
    add_si(con, [(at(0), m, v, "desktop") for m, v in (("LCP", 1000.0), ("CLS", 0.01), ("INP", 600.0), ("FID", 5.0))])
    add_si(con, [(at(0), "LCP", 1000.0, "tablet")])
    got = {r["device_type"]: (r["status"], r["inp_substituted_by_fid"]) for r in vitals.cwv_status_by(con, scope_for(), "device")}
    assert got == {"mobile": ("pass", True), "desktop": ("fail", False), "tablet": ("no_data", False)}


# --- properties --------------------------------------------------------------------------------

_values = st.lists(st.floats(min_value=0, max_value=60000, allow_nan=False, allow_infinity=False), min_size=1, max_size=60)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=_values, split=st.integers(min_value=0, max_value=60))
def test_p75_equals_numpy_linear_on_random_samples(con, values, split):
    con.execute("DELETE FROM speed_insights")
    add_si(con, [(at(i), "TTFB", v, "mobile" if i < split else "desktop") for i, v in enumerate(values)])
    row = by_metric(vitals.p75(con, scope_for()))["TTFB"]
    assert row["samples"] == len(values)
    assert row["p75"] == pytest.approx(p75_ref(values), rel=1e-12, abs=1e-9)
    assert row["rating"] == rating_ref("TTFB", row["p75"])
    # the device split partitions the samples: counts add up, each group's p75 is its own
    groups = vitals.p75(con, scope_for(), by="device")
    assert int(groups.samples.sum()) == len(values)
    for r in groups.itertuples():
        mine = [v for i, v in enumerate(values) if (i < split) == (r.device_type == "mobile")]
        assert r.p75 == pytest.approx(p75_ref(mine), rel=1e-12, abs=1e-9)
    # the grouped pass the page reads gives the lean pass's rows exactly
    pd.testing.assert_frame_equal(vitals.p75(con, scope_for(), shared=True), vitals.p75(con, scope_for()))


@pytest.mark.parametrize("shared", [False, True])
def test_a_pinned_source_wins_over_the_first_available(con, shared):
    add_si(con, [(at(1), "LCP", 1000.0), (at(2), "LCP", 1200.0)])
    for i, lcp in enumerate([3000.0, 3400.0, 5000.0]):
        add_pageload(con, at(10 + i), lcp=lcp, sample_rate=0.5)
    scope = scope_for()
    auto = vitals.p75(con, scope, shared=shared).set_index("metric").loc["LCP"]
    assert (auto["source"], auto["samples"], auto["p75"]) == ("speed_insights", 2, p75_ref([1000.0, 1200.0]))
    assert not auto["sampled"]
    pinned_config = parse_config({"report": {"timezone": "Asia/Seoul"},
                                  "objectives": {"lcp_p75_ms": {"target": 2500, "source": "sentry_pageloads"}}})
    pinned = Scope.of(pinned_config, scope.period)
    row = vitals.p75(con, pinned, shared=shared).set_index("metric").loc["LCP"]
    assert (row["source"], row["samples"], row["p75"]) == ("sentry_pageloads", 3, p75_ref([3000.0, 3400.0, 5000.0]))
    assert row["sampled"]
    assert vitals.daily(con, pinned)["samples"].sum() >= 3
    # pinned to a source without samples: no data, never the other source
    si_config = parse_config({"objectives": {"cls_p75": {"target": 0.1, "source": "speed_insights"}}})
    con.execute("DELETE FROM speed_insights")
    empty = vitals.p75(con, Scope.of(si_config, scope.period), shared=shared).set_index("metric").loc["LCP"]
    assert empty["samples"] == 0 and empty["rating"] == "no_data"


def test_the_grouped_pass_partitions_the_samples_every_way(con):
    rng = np.random.default_rng(11)
    rows = [(OCT[0] + timedelta(hours=float(h)), str(m), float(v), str(d), r)
            for h, m, v, d, r in zip(rng.uniform(0, 31 * 24, 300), rng.choice(["LCP", "INP", "CLS"], 300),
                                     rng.uniform(0, 5000, 300), rng.choice(["mobile", "desktop"], 300),
                                     rng.choice(["/a", "/b", "/c", None], 300), strict=True)]
    add_si(con, rows)
    scope = scope_for()
    params = {k: v for k, v in scope.params().items() if k in metrics.load("vitals_rollup").params}
    rollup = metrics.run(con, "vitals_rollup", **params)
    assert set(rollup.grain) == {"none", "device", "route", "day"}
    totals = rollup.groupby("grain").samples.sum()
    assert (totals == len(rows)).all()  # each grain splits the same samples
    for r in rollup[rollup.grain == "none"].itertuples():
        metric = ["LCP", "INP", "CLS"][r.ord - 1]
        mine = [x[2] for x in rows if x[1] == metric]
        good, ni = LIMITS[metric]
        assert (r.samples, r.n_good, r.n_good_or_ni) == (len(mine), sum(v <= good for v in mine), sum(v <= ni for v in mine))
        assert r.p75 == pytest.approx(p75_ref(mine))
    assert str(rollup.n_good.dtype) == "int64"
    for grain, key in (("device", 3), ("route", 4)):
        for (ord_, group), part in rollup[rollup.grain == grain].groupby(["ord", "device_type" if key == 3 else "route"],
                                                                         dropna=False):
            metric = ["LCP", "INP", "CLS"][ord_ - 1]
            mine = [r[2] for r in rows if r[1] == metric and (r[key] == group or (r[key] is None and pd.isna(group)))]
            assert part.samples.item() == len(mine) and part.p75.item() == pytest.approx(p75_ref(mine))
    # each day's p75 is over that Seoul day's samples
    daily = vitals.daily(con, scope)
    for r in daily.itertuples():
        mine = [x[2] for x in rows if x[1] == r.metric and (x[0] + timedelta(hours=9)).date() == r.day.date()]
        assert r.samples == len(mine) and r.p75 == pytest.approx(p75_ref(mine))


def test_worst_pages_rank_the_routes_of_the_scope(con):
    add_si(con, [(at(i), "LCP", float(1000 * (i % 3 + 1)), "mobile", f"/r{i % 3}") for i in range(12)])
    everything = vitals.worst_pages(con, scope_for(), min_samples=1)
    assert everything.route.tolist() == ["/r2", "/r1", "/r0"]
    one = vitals.worst_pages(con, scope_for(route="/r0"), min_samples=1)
    assert (one.route.tolist(), one["rank"].tolist(), one.p75.tolist()) == (["/r0"], [1], [1000.0])


def test_a_bad_split_is_refused_even_without_samples(con):
    params = {k: v for k, v in scope_for().params().items() if k in metrics.load("vitals_p75_by").params}
    for bad in ("country", None):
        with pytest.raises(MetricError, match="group_by must be none, device or route"):
            metrics.run(con, "vitals_p75_by", **dict(params, group_by=bad))


def test_a_reader_builds_the_grouped_pass_once_for_the_page(tmp_path):
    db = tmp_path / "w.duckdb"
    scope = scope_for()
    with warehouse.writing(db) as writer:
        add_si(writer, [(at(i), m, float(100 + i), "mobile" if i % 2 else "desktop", f"/r{i % 4}")
                        for i in range(40) for m in ("LCP", "INP", "CLS")])
        expected = [vitals.p75(writer, scope, shared=True), vitals.p75(writer, scope, by="device"),
                    vitals.p75(writer, scope, by="route"), vitals.daily(writer, scope),
                    vitals.worst_pages(writer, scope, min_samples=1)]
    reader = warehouse.open_reader(db)
    try:
        got = [vitals.p75(reader, scope, shared=True), vitals.p75(reader, scope, by="device"),
               vitals.p75(reader, scope, by="route"), vitals.daily(reader, scope),
               vitals.worst_pages(reader, scope, min_samples=1)]
        assert metrics.inputs_built(reader) == 1
        for mine, theirs in zip(got, expected, strict=True):
            pd.testing.assert_frame_equal(mine, theirs)
        vitals.p75(reader, scope)  # the lean overall pass reads no input
        assert metrics.inputs_built(reader) == 1
    finally:
        reader.close()
