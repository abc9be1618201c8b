"""Latency (METRICS.md): percentiles against numpy's linear method, Apdex and targets by hand."""

from __future__ import annotations

import bisect
import itertools
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import periods
from reports.config import parse_config
from reports.errors import UsageError
from reports.metrics import latency
from reports.metrics.scope import Scope

T0 = datetime(2026, 10, 5, 0, 0, tzinfo=UTC)
_ids = itertools.count()
QUANTILES = {"p50_ms": 50, "p90_ms": 90, "p95_ms": 95, "p99_ms": 99}


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def add_transactions(con, rows: list[tuple], environment: str = "production", op: str = "http.server",
                     sample_rate: float | None = None) -> list[str]:
    """rows: (end ts, duration_ms, transaction); returns the event ids."""
    ids = [f"{next(_ids):032x}" for _ in rows]
    if rows:
        con.executemany(
            "INSERT INTO sentry_transactions (event_id, ts, start_ts, duration_ms, transaction, op, status, "
            "environment, sample_rate, source, file_id) VALUES (?, ?, ?, ?, ?, ?, 'ok', ?, ?, 'event', 1)",
            [(i, ts, ts - timedelta(milliseconds=d), d, name, op, environment, sample_rate)
             for i, (ts, d, name) in zip(ids, rows, strict=True)])
    return ids


def add_server_spans(con, rows: list[tuple], kind: str = "SERVER", environment: str = "production") -> None:
    """rows: (end ts, duration_ms, name, http_route)."""
    con.executemany(
        "INSERT INTO trace_spans (trace_id, span_id, name, kind, start_ts, end_ts, duration_ms, http_route, "
        "environment, file_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        [(f"t{next(_ids)}", f"s{next(_ids)}", name, kind, ts - timedelta(milliseconds=d), ts, d, route, environment)
         for ts, d, name, route in rows])


def add_db_spans(con, event_id: str, spans: list[tuple]) -> None:
    """spans: (op, description, duration_ms, exclusive_time_ms), as ingest stores them: with the
    transaction's time and environment and the first DB span per description marked."""
    ts, environment = con.execute("SELECT ts, environment FROM sentry_transactions WHERE event_id = ?",
                                  [event_id]).fetchone()
    seen: set = set()
    rows = []
    for i, (op, desc, d, x) in enumerate(spans, start=1):
        first = None
        if op.startswith("db"):
            first = desc not in seen
            seen.add(desc)
        rows.append((event_id, f"#{i}", i, op, desc, d, x, ts, environment, first))
    con.executemany(
        "INSERT INTO sentry_spans (event_id, span_key, span_index, op, description, duration_ms, exclusive_time_ms, "
        "tx_ts, tx_environment, db_first, file_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", rows)


def scope_for(start: datetime, end: datetime, tz: str = "Asia/Seoul", maintenance: list | None = None,
              route: str | None = None, routes: list | None = None, **sources: Any) -> Scope:
    config = parse_config({"report": {"timezone": tz}, "maintenance": maintenance or [], "routes": routes or [],
                           "sources": sources})
    return Scope.of(config, periods.Period(start, end, tz, "test"), route=route)


def expected_stats(durations: list[float], target: float = 2000.0, t: float = 300.0) -> dict[str, Any]:
    values = np.array(durations, dtype=float)
    out: dict[str, Any] = {k: float(np.percentile(values, q, method="linear")) for k, q in QUANTILES.items()}
    satisfied = sum(1 for d in durations if d <= t)
    tolerating = sum(1 for d in durations if t < d <= 4 * t)
    out.update(count=len(durations), mean_ms=sum(durations) / len(durations), max_ms=max(durations),
               share_under_target=sum(1 for d in durations if d < target) / len(durations),
               apdex=(satisfied + tolerating / 2) / len(durations))
    return out


def assert_stats(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    for key, value in expected.items():
        assert actual[key] == pytest.approx(value, rel=1e-12, abs=1e-9), key


DURATIONS = [12.0, 80.0, 150.0, 300.0, 301.0, 450.0, 900.0, 1200.0, 1200.5, 1999.9, 2000.0, 4500.0]


def test_summary_statistics_apdex_and_share_under_target(con):
    add_transactions(con, [(at(i), d, "GET /api/search") for i, d in enumerate(DURATIONS)])
    s = latency.summary(con, scope_for(at(0), at(60)))
    assert s["source"] == "sentry_transactions"
    assert_stats(s, expected_stats(DURATIONS))
    # by hand: satisfied 12, 80, 150, 300; tolerating 301 .. 1200 (4 x 300); frustrated 1200.5 and up
    assert (s["satisfied"], s["tolerating"], s["frustrated"]) == (4, 4, 4)
    assert s["apdex"] == pytest.approx((4 + 4 / 2) / 12)
    assert s["share_under_target"] == pytest.approx(10 / 12)  # 2000.0 is not under 2000
    assert (s["target_ms"], s["apdex_t_ms"]) == (2000.0, 300.0)


def test_no_samples_is_no_data(con):
    s = latency.summary(con, scope_for(at(0), at(60)))
    assert (s["source"], s["count"], s["scaled_count"]) == (None, 0, 0)
    assert all(s[k] is None for k in ("mean_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms", "apdex",
                                      "share_under_target"))
    assert latency.by_route(con, scope_for(at(0), at(60))).empty
    assert latency.histogram(con, scope_for(at(0), at(60)))["count"].sum() == 0
    assert latency.db_spans(con, scope_for(at(0), at(60))).empty


def test_one_sample(con):
    add_transactions(con, [(at(1), 420.0, "GET /")])
    s = latency.summary(con, scope_for(at(0), at(60)))
    assert (s["count"], s["mean_ms"], s["p50_ms"], s["p99_ms"], s["max_ms"]) == (1, 420.0, 420.0, 420.0, 420.0)
    assert s["apdex"] == 0.5


def test_only_production_http_server_transactions_count_and_sampled_counts_scale(con):
    add_transactions(con, [(at(1), 100.0, "GET /")], sample_rate=0.25)
    add_transactions(con, [(at(2), 200.0, "GET /")])  # no rate carried: the configured one
    add_transactions(con, [(at(3), 9000.0, "GET /")], environment="preview")
    add_transactions(con, [(at(4), 9000.0, "/")], op="pageload")
    s = latency.summary(con, scope_for(at(0), at(60), sentry_sample_rate=0.5))
    assert (s["count"], s["mean_ms"], s["max_ms"]) == (2, 150.0, 200.0)
    assert (s["scaled_count"], s["sampled"]) == (4 + 2, True)


def test_trace_spans_are_the_fallback_and_sentry_wins_when_present(con):
    add_server_spans(con, [(at(1), 100.0, "GET /api/a", "/api/a"), (at(2), 300.0, "GET /b", None),
                           (at(3), 700.0, "GET /b", None)])
    add_server_spans(con, [(at(4), 5000.0, "fetch", None)], kind="CLIENT")
    add_server_spans(con, [(at(5), 5000.0, "GET /b", None)], environment="preview")
    s = latency.summary(con, scope_for(at(0), at(60)))
    assert s["source"] == "trace_spans"
    assert_stats(s, expected_stats([100.0, 300.0, 700.0]))
    routes = latency.by_route(con, scope_for(at(0), at(60))).to_dict("records")
    assert [(r["route"], r["count"]) for r in routes] == [("GET /b", 2), ("/api/a", 1)]
    add_transactions(con, [(at(30), 50.0, "GET /x")])
    s = latency.summary(con, scope_for(at(0), at(60)))
    assert (s["source"], s["count"], s["mean_ms"]) == ("sentry_transactions", 1, 50.0)


def test_seoul_month_boundary_uses_the_transaction_end(con):
    end_in_november = datetime(2026, 10, 31, 15, 0, 0, 500000, tzinfo=UTC)  # started in October, ended in Nov
    add_transactions(con, [(end_in_november, 1000.0, "GET /"), (datetime(2026, 10, 31, 14, 59, tzinfo=UTC), 10.0, "GET /"),
                           (datetime(2026, 10, 31, 15, 30, tzinfo=UTC), 30.0, "GET /")])
    config = parse_config({})
    october = latency.summary(con, Scope.of(config, periods.month("2026-10", "Asia/Seoul")))
    november = latency.summary(con, Scope.of(config, periods.month("2026-11", "Asia/Seoul")))
    assert (october["count"], october["mean_ms"]) == (1, 10.0)
    assert (november["count"], november["mean_ms"]) == (2, 515.0)


def test_maintenance_excludes_samples_by_their_end_time(con):
    window = {"start": at(100).isoformat(), "end": at(200).isoformat(), "reason": "deploy", "approved_by": "ops"}
    add_transactions(con, [(at(50), 10.0, "GET /"),
                           (at(150), 60_000.0, "GET /"),   # started before the window, ended inside: excluded
                           (at(199.999), 5000.0, "GET /"),  # inside
                           (at(200), 30.0, "GET /"),        # the window is half-open: counted
                           (at(250), 140_000.0, "GET /")])  # started inside, ended after: counted
    s = latency.summary(con, scope_for(at(0), at(300), maintenance=[window]))
    assert_stats(s, expected_stats([10.0, 30.0, 140_000.0]))


def test_by_route_targets_exact_prefix_and_precedence(con):
    rows = ([(at(i), float(100 + 10 * i), "GET /api/search") for i in range(20)]
            + [(at(30 + i), float(50 * (i + 1)), "GET /api/users/[id]") for i in range(10)]
            + [(at(50 + i), 3000.0, "/home") for i in range(3)])
    add_transactions(con, rows)
    routes = [{"pattern": "/api/*", "p95_ms": 400, "mean_ms": 2000},
              {"pattern": "/api/search", "p95_ms": 250, "p99_ms": 400},
              {"pattern": "/api/users/*", "p99_ms": 600}]
    frame = latency.by_route(con, scope_for(at(0), at(60), routes=routes))
    got = {r["route"]: r for r in frame.astype(object).where(frame.notna(), None).to_dict("records")}
    assert list(got) == ["GET /api/search", "GET /api/users/[id]", "/home"]  # most samples first
    search = got["GET /api/search"]
    assert_stats(search, expected_stats([float(100 + 10 * i) for i in range(20)]))
    # exact match beats the prefixes
    assert (search["target_pattern"], search["target_p95_ms"], search["target_p99_ms"]) == ("/api/search", 250, 400)
    assert search["target_mean_ms"] is None and search["mean_breach"] is None
    assert search["p95_breach"] is True  # p95 = 280.5 > 250
    assert search["p99_breach"] is False and search["breach"] is True
    users = got["GET /api/users/[id]"]
    assert users["target_pattern"] == "/api/users/*"  # the longer prefix wins
    p99 = float(np.percentile([50.0 * (i + 1) for i in range(10)], 99, method="linear"))
    assert users["p99_ms"] == pytest.approx(p99) and users["p99_breach"] is (p99 > 600)
    home = got["/home"]
    assert home["target_pattern"] is None and home["breach"] is False and home["p95_breach"] is None
    assert home["share_under_target"] == 0.0 and home["apdex"] == 0.0


def test_route_filter_matches_a_method_less_path(con):
    add_transactions(con, [(at(1), 100.0, "GET /api/search"), (at(2), 900.0, "GET /home")])
    s = latency.summary(con, scope_for(at(0), at(60), route="/api/search"))
    assert (s["count"], s["mean_ms"]) == (1, 100.0)


def test_daily_percentiles_are_each_days_own_in_new_york_dst_month(con):
    ny = "America/New_York"
    first_day = [datetime(2026, 11, 1, 4, 30, tzinfo=UTC) + timedelta(hours=h) for h in range(25)]  # local Nov 1
    rng = np.random.default_rng(7)
    day1 = [float(x) for x in rng.lognormal(5, 1, len(first_day))]
    day2 = [float(x) for x in rng.lognormal(6, 0.5, 10)]
    add_transactions(con, [(ts, d, "GET /") for ts, d in zip(first_day, day1, strict=True)])
    # 00:00 local Nov 2 = 05:00Z (EST)
    add_transactions(con, [(datetime(2026, 11, 2, 5, 0, tzinfo=UTC) + timedelta(minutes=m), d, "GET /")
                           for m, d in enumerate(day2)])
    scope = Scope.of(parse_config({"report": {"timezone": ny}}), periods.month("2026-11", ny))
    daily = latency.daily(con, scope).astype(object)
    assert len(daily) == 30
    one, two = daily.iloc[0].to_dict(), daily.iloc[1].to_dict()
    assert str(one["day"])[:10] == "2026-11-01" and one["count"] == 25  # the 25 h day holds all 25 samples
    assert_stats(one, {k: v for k, v in expected_stats(day1).items() if k not in ("apdex", "share_under_target")})
    assert_stats(two, {k: v for k, v in expected_stats(day2).items() if k not in ("apdex", "share_under_target")})
    assert daily.iloc[2]["count"] == 0 and daily.iloc[2]["p95_ms"] != daily.iloc[2]["p95_ms"]  # NaN
    period = latency.summary(con, scope)
    assert period["p95_ms"] == pytest.approx(float(np.percentile(day1 + day2, 95, method="linear")))


EDGES = [0.0] + [m * 10.0 ** k for k in range(5) for m in (1, 1.5, 2, 3, 5, 7)] + [100_000.0]


def test_histogram_bins_match_a_bisect_reference(con):
    durations = [0.2, -3.0, 1.0, 1.49, 299.9, 300.0, 1999.0, 2000.0, 99_999.0, 100_000.0, 250_000.0, 450.0, 450.0]
    add_transactions(con, [(at(i), d, "GET /") for i, d in enumerate(durations)])
    frame = latency.histogram(con, scope_for(at(0), at(60)))
    assert len(frame) == len(EDGES) == 32
    assert list(frame["bin_start_ms"]) == EDGES
    expected = [0] * len(EDGES)
    for d in durations:
        expected[bisect.bisect_right(EDGES, max(d, 0.0)) - 1] += 1
    assert list(frame["count"]) == expected
    assert frame["bin_end_ms"].iloc[-1] != frame["bin_end_ms"].iloc[-1]  # open last bin
    assert frame["cumulative_share"].iloc[-1] == pytest.approx(1.0)
    assert frame["share"].sum() == pytest.approx(1.0)


def test_histogram_is_exact_next_to_every_edge(con):
    # the SQL counts half-millisecond groups: values a hair either side of each edge must still land
    # in the bin bisect puts them in
    rng = random.Random(7)
    durations = [e + d for e in EDGES for d in (-1e-9, 0.0, 1e-9, -0.25, 0.26)]
    durations += [rng.uniform(0, 120_000) for _ in range(300)] + [rng.lognormvariate(5, 1.5) for _ in range(300)]
    add_transactions(con, [(at(i % 3000), d, "GET /") for i, d in enumerate(durations)])
    frame = latency.histogram(con, scope_for(at(0), at(3600)))
    expected = [0] * len(EDGES)
    for d in durations:
        expected[bisect.bisect_right(EDGES, max(d, 0.0)) - 1] += 1
    assert list(frame["count"]) == expected


def test_db_spans_per_description_top_n_by_total_exclusive_time(con):
    (t1,) = add_transactions(con, [(at(1), 500.0, "GET /api/a")])
    (t2,) = add_transactions(con, [(at(2), 500.0, "GET /api/b")], op="task")  # any transaction op
    (t3,) = add_transactions(con, [(at(3), 500.0, "GET /api/a")], environment="preview")
    (t4,) = add_transactions(con, [(at(90), 500.0, "GET /api/a")])  # outside the period
    select_user = "SELECT * FROM users WHERE id = %s"
    add_db_spans(con, t1, [("db.sql.query", select_user, 10.0, 9.0), ("db.sql.query", select_user, 30.0, 28.0),
                           ("db", "BEGIN", 1.0, 1.0), ("http.client", "GET https://x", 400.0, 400.0)])
    add_db_spans(con, t2, [("db.sql.query", select_user, 50.0, 45.0), ("db.redis", "GET key", 5.0, None)])
    add_db_spans(con, t3, [("db.sql.query", select_user, 999.0, 999.0)])
    add_db_spans(con, t4, [("db.sql.query", select_user, 999.0, 999.0)])
    frame = latency.db_spans(con, scope_for(at(0), at(60)), limit=2)
    got = frame.to_dict("records")
    assert [r["description"] for r in got] == [select_user, "GET key"]
    top = got[0]
    durations = [10.0, 30.0, 50.0]
    assert (top["count"], top["transactions"], top["ops"]) == (3, 2, "db.sql.query")
    assert top["total_exclusive_ms"] == pytest.approx(9.0 + 28.0 + 45.0)
    assert top["p50_ms"] == pytest.approx(np.percentile(durations, 50, method="linear"))
    assert top["p95_ms"] == pytest.approx(np.percentile(durations, 95, method="linear"))
    assert top["mean_ms"] == pytest.approx(30.0)
    assert top["share_of_db_time"] == pytest.approx(82.0 / (82.0 + 5.0 + 1.0))
    assert got[1]["total_exclusive_ms"] == 5.0  # no exclusive_time: its duration
    with pytest.raises(UsageError):
        latency.db_spans(con, scope_for(at(0), at(60)), limit=0)


durations_st = st.lists(st.floats(min_value=0.0, max_value=120_000.0, allow_nan=False, allow_infinity=False),
                        min_size=1, max_size=80)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(durations=durations_st, cut=st.integers(1, 599))
def test_percentiles_equal_numpy_linear_on_random_samples(con, durations, cut):
    con.execute("DELETE FROM sentry_transactions")
    add_transactions(con, [(at(i * 600 / len(durations)), d, "GET /") for i, d in enumerate(durations)])
    s = latency.summary(con, scope_for(at(0), at(600)))
    assert_stats(s, expected_stats(durations))
    left = latency.summary(con, scope_for(at(0), at(cut)))
    right = latency.summary(con, scope_for(at(cut), at(600)))
    assert left["count"] + right["count"] == len(durations)
    assert latency.histogram(con, scope_for(at(0), at(600)))["count"].sum() == len(durations)
