"""The monthly SLA summary, error budgets and burn rates, and `reports sla`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reports import metrics, periods, sla, warehouse
from reports.config import Config, parse_config
from reports.errors import ConfigError
from reports.metrics import budget, requests
from reports.metrics.scope import Scope

OCT = periods.month("2026-10", "Asia/Seoul")
SEP = periods.month("2026-09", "Asia/Seoul")


def add_requests(con, start: datetime, n: int, errors: int, step_s: float = 30.0, prefix: str = "r") -> None:
    rows = [(f"{prefix}{i}", start + timedelta(seconds=i * step_s), 500 if i < errors else 200) for i in range(n)]
    con.executemany(
        "INSERT INTO vercel_requests (request_id, ts, environment, deployment_id, project_id, route, status_code, "
        "crashed, background, file_id) VALUES (?, ?, 'production', 'dpl', 'prj', '/api/x', ?, false, false, 1)",
        rows,
    )


def add_probes(con, start: datetime, minutes: int, down: range = range(0)) -> None:
    con.executemany(
        "INSERT INTO probe_results (monitor, ts, state, origin, file_id) VALUES ('health', ?, ?, 'probe', 1)",
        [(start + timedelta(minutes=m), "down" if m in down else "up") for m in range(minutes)],
    )


def add_transactions(con, start: datetime, durations: list[float]) -> None:
    con.executemany(
        "INSERT INTO sentry_transactions (event_id, ts, start_ts, duration_ms, transaction, op, status, environment, "
        "source, file_id) VALUES (?, ?, ?, ?, '/api/x', 'http.server', 'ok', 'production', 'event', 1)",
        [(f"{i:032x}", start + timedelta(seconds=i), start + timedelta(seconds=i) - timedelta(milliseconds=d), d)
         for i, d in enumerate(durations)],
    )


def config() -> Config:
    return parse_config({"monitors": {"health": {"interval_s": 60}}})


def test_budget_arithmetic():
    b = budget.compute("uptime", 0.995, bad=540, total=2_592_000)
    assert b.allowed == pytest.approx(0.005 * 2_592_000)
    assert b.remaining == pytest.approx(1 - 540 / 12_960)
    e = budget.compute("error_rate", 0.005, bad=30, total=4000)
    assert (e.allowed, e.consumed, e.remaining) == (pytest.approx(20), pytest.approx(1.5), pytest.approx(-0.5))
    assert budget.compute("error_rate", 0.005, bad=0, total=0).remaining is None


def test_summary_shape_and_numbers(con):
    start = OCT.start + timedelta(days=3)
    add_requests(con, start, 2000, errors=6)
    add_probes(con, start, 600, down=range(100, 103))
    rng = np.random.default_rng(1)
    durations = list(rng.lognormal(5.5, 0.6, size=500))
    add_transactions(con, start, durations)
    add_requests(con, SEP.start + timedelta(days=2), 1000, errors=1, prefix="s")
    result = sla.summary(con, config(), OCT)
    assert result["month"] == "2026-10" and result["timezone"] == "Asia/Seoul"
    assert result["period"] == {"start": "2026-09-30T15:00:00Z", "end": "2026-10-31T15:00:00Z"}
    by_id = {o["id"]: o for o in result["objectives"]}
    assert [o["id"] for o in result["objectives"]] == ["uptime", "error_rate", "mean_response_ms", "lcp_p75_ms",
                                                        "inp_p75_ms", "cls_p75"]
    up = by_id["uptime"]
    # 600 probes a minute apart; the last covers 120 s: monitored 36 060 s, down 180 s
    assert up["actual"] == pytest.approx(1 - 180 / 36_060)
    assert (up["comparison"], up["status"], up["source"], up["samples"]) == (">=", "met", "probes", 600)
    assert up["budget_remaining"] == pytest.approx(1 - 180 / (0.005 * 36_060))
    err = by_id["error_rate"]
    assert (err["actual"], err["status"], err["source"], err["samples"]) == (0.003, "met", "vercel_logs", 2000)
    assert err["budget_remaining"] == pytest.approx(1 - 6 / (0.005 * 2000))
    lat = by_id["mean_response_ms"]
    assert lat["actual"] == pytest.approx(np.mean(durations))
    for q in (50, 90, 95, 99):
        assert lat[f"p{q}"] == pytest.approx(np.percentile(durations, q, method="linear"))
    assert lat["status"] == "met" and lat["samples"] == 500
    for vital in ("lcp_p75_ms", "inp_p75_ms", "cls_p75"):
        assert by_id[vital]["status"] == "no_data" and by_id[vital]["actual"] is None
    assert len(result["incidents"]) == 1
    assert result["incidents"][0]["duration_s"] == 180 and result["incidents"][0]["monitors"] == ["health"]
    assert result["coverage"]["monitored_fraction"] == pytest.approx(36_060 / OCT.seconds)
    assert result["previous_month"]["error_rate"] == pytest.approx(0.001)
    assert result["previous_month"]["uptime"] is None
    json.dumps(result)  # plain JSON values only


def test_an_empty_month_is_no_data_everywhere(con):
    result = sla.summary(con, config(), OCT)
    assert {o["status"] for o in result["objectives"]} == {"no_data"}
    assert all(o["actual"] is None for o in result["objectives"])
    assert result["incidents"] == []


def test_missed_objectives(con):
    start = OCT.start + timedelta(days=1)
    add_requests(con, start, 100, errors=1)  # 1 % >= 0.5 %
    add_transactions(con, start, [2500.0, 2600.0])
    by_id = {o["id"]: o for o in sla.summary(con, config(), OCT)["objectives"]}
    assert by_id["error_rate"]["status"] == "missed" and by_id["error_rate"]["budget_remaining"] == pytest.approx(-1)
    assert by_id["mean_response_ms"]["status"] == "missed"


def test_status_edges():
    assert sla.status(0.995, 0.995, ">=") == "met"
    assert sla.status(0.005, 0.005, "<") == "missed"
    assert sla.status(2500.0, 2500, "<=") == "met"
    assert sla.status(None, 1, "<") == "no_data"
    assert sla.status(float("nan"), 1, "<") == "no_data"


def test_unknown_objective_is_a_config_error():
    with pytest.raises(ConfigError, match=r"key 'objectives.apdex' is not a known objective"):
        sla.check_objectives(parse_config({"objectives": {"apdex": {"target": 0.9}}}))


def test_a_pinned_source_is_used_even_when_the_first_choice_has_data(con):
    start = OCT.start + timedelta(days=3)
    add_requests(con, start, 400, errors=1)  # Vercel: 1 error in 400
    durations = [100.0, 200.0, 300.0, 400.0]
    add_transactions(con, start, durations)  # Sentry: http.server transactions, status ok
    con.execute("UPDATE sentry_transactions SET http_status = 500 WHERE duration_ms = 100")
    con.execute(
        "INSERT INTO trace_spans (trace_id, span_id, name, kind, start_ts, end_ts, duration_ms, environment, file_id) "
        "VALUES ('t', 's', 'GET /api/x', 'SERVER', ?, ?, 1000, 'production', 1)",
        [start, start + timedelta(seconds=1)],
    )
    auto = {o["id"]: o for o in sla.objectives(con, Scope.of(config(), OCT))}
    assert (auto["error_rate"]["source"], auto["error_rate"]["samples"]) == ("vercel_logs", 400)
    assert (auto["mean_response_ms"]["source"], auto["mean_response_ms"]["actual"]) == ("sentry_transactions", 250.0)
    pinned = parse_config({"monitors": {"health": {"interval_s": 60}},
                           "objectives": {"error_rate": {"target": 0.005, "source": "sentry_transactions"},
                                          "mean_response_ms": {"target": 2000, "source": "trace_spans"}}})
    by_id = {o["id"]: o for o in sla.objectives(con, Scope.of(pinned, OCT))}
    assert (by_id["error_rate"]["source"], by_id["error_rate"]["samples"]) == ("sentry_transactions", 4)
    assert by_id["error_rate"]["actual"] == pytest.approx(1 / 4)
    assert (by_id["mean_response_ms"]["source"], by_id["mean_response_ms"]["actual"]) == ("trace_spans", 1000.0)
    # burn-rate windows follow the pinned source too
    window = (start, start + timedelta(hours=1))
    assert requests.windowed_error_ratio(con, Scope.of(config(), OCT), *window) == (1, 120)
    assert requests.windowed_error_ratio(con, Scope.of(pinned, OCT), *window) == (1, 4)


@pytest.mark.parametrize("objectives, message", [
    ({"error_rate": {"target": 0.005, "source": "probes"}}, "objectives.error_rate.source must be one of"),
    ({"lcp_p75_ms": {"target": 2500, "source": "speed_insights"},
      "cls_p75": {"target": 0.1, "source": "sentry_pageloads"}}, "must name the same source"),
])
def test_a_source_an_objective_cannot_use_is_a_config_error(objectives, message):
    with pytest.raises(ConfigError, match=message):
        parse_config({"objectives": objectives})


def test_burn_rates_and_multiwindow_rules(con):
    now = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
    # steady 0.1 % errors for 3 days, then 10 % errors in the last hour
    add_requests(con, now - timedelta(days=3), 8640, errors=0, step_s=30, prefix="a")
    con.execute("UPDATE vercel_requests SET status_code = 500 WHERE CAST(substr(request_id, 2) AS INTEGER) % 1000 = 0")
    add_requests(con, now - timedelta(hours=1), 600, errors=0, step_s=6, prefix="b")
    con.execute("UPDATE vercel_requests SET status_code = 500 WHERE request_id LIKE 'b%' "
                "AND CAST(substr(request_id, 2) AS INTEGER) % 10 = 0")  # every 10th: 10 % throughout the hour
    scope = Scope.of(Config(), OCT)
    bad, total = budget.bad_ratio(con, scope, "error_rate", now - timedelta(hours=1), now)
    assert (bad, total) == (60 + 0, 600 + 120)  # the steady stream also has 120 requests in that hour
    rate_1h = budget.burn_rate(con, scope, "error_rate", "1h", now)
    assert rate_1h == pytest.approx((60 / 720) / 0.005)
    rules = {(r["objective"], r["long_window"]): r for r in budget.evaluate(con, Config(), now)}
    assert rules[("error_rate", "1h")]["fires"] is True  # 16.7 > 14.4 and the 5 m rate is higher still
    assert rules[("error_rate", "3d")]["severity"] == "ticket"
    assert rules[("uptime", "1h")]["fires"] is False  # no probes: no data, never fires


def test_burn_down_ends_at_the_month_budget(con):
    add_requests(con, OCT.start + timedelta(days=2), 1000, errors=2, prefix="x")
    add_requests(con, OCT.start + timedelta(days=9), 1000, errors=1, prefix="y")
    frame = budget.burn_down(con, Scope.of(Config(), OCT), "error_rate")
    assert len(frame) == 31
    assert frame["remaining"].iloc[-1] == pytest.approx(1 - 3 / (0.005 * 2000))
    assert frame["remaining"].iloc[0] == 1.0
    # from the grouped request pass (the PDF, which reads the summary too): the same days
    pd.testing.assert_frame_equal(budget.burn_down(con, Scope.of(Config(), OCT), "error_rate", shared=True), frame)


def test_cli_sla_json_matches_the_library(tmp_path):
    db = tmp_path / "w.duckdb"
    with warehouse.writing(db) as con:
        add_requests(con, OCT.start + timedelta(days=3), 500, errors=1)
    (tmp_path / "reports.toml").write_text('[monitors.health]\ninterval_s = 60\n')
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    done = subprocess.run([sys.executable, "-m", "reports", "--db", str(db), "sla", "--month", "2026-10", "--json"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    reader = warehouse.open_reader(db)
    try:
        assert printed == json.loads(json.dumps(sla.summary(reader, config(), OCT)))
    finally:
        reader.close()
    table = subprocess.run([sys.executable, "-m", "reports", "--db", str(db), "sla", "--month", "2026-10"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert table.returncode == 0 and "error_rate" in table.stdout and "0.200 %" in table.stdout
    bad = subprocess.run([sys.executable, "-m", "reports", "--db", str(db), "sla", "--month", "2026-13"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr.strip() == "Error: month must look like 2026-10 (YYYY-MM), got '2026-13'"


# -- months before any data: the trends answer them without a query --------------------------

TREND_KEYS = ("id", "target", "comparison", "actual", "status")


def _projected(entries: list[dict]) -> list[dict]:
    return [{k: e[k] for k in TREND_KEYS} for e in entries]


def test_months_before_the_first_sample_are_no_data_exactly_as_computed(tmp_path):
    db = tmp_path / "w.duckdb"
    start = OCT.start + timedelta(days=2)
    with warehouse.writing(db) as writer:
        add_requests(writer, start, 100, 3)
        add_probes(writer, start, 120, down=range(10, 12))
        add_transactions(writer, start, [100.0, 200.0, 300.0])
        writer.execute("INSERT INTO speed_insights (ts, metric, value_raw, value, environment, sample_key, file_id) "
                       "VALUES (?, 'LCP', 2000, 2000, 'production', 'k', 1)", [start])
    reader = warehouse.open_reader(db)
    try:
        cfg = parse_config({"monitors": {"health": {"interval_s": 60}},
                            "objectives": {"lcp_p75_ms": {"target": 2500}}})
        for month in periods.months_back(OCT, 6):
            scope = Scope.of(cfg, month)
            computed = _projected(sla.objectives(reader, scope))
            assert _projected(sla.trend_entries(reader, scope)) == computed, month.label
            assert sla.before_any_data(reader, month) == (month.label != "2026-10"), month.label
        october = sla.trend_entries(reader, Scope.of(cfg, OCT))
        assert {e["id"]: e["status"] for e in october}["error_rate"] == "missed"  # 3 % errors: computed
        assert all(e["status"] == "no_data" for e in sla.trend_entries(reader, Scope.of(cfg, SEP)))
        skipped = sla.trend_entries(reader, Scope.of(cfg, SEP))
        assert [e["id"] for e in skipped] == [e["id"] for e in october] and "lcp_p75_ms" in cfg.objectives
    finally:
        reader.close()


def test_a_latency_fallback_sample_counts_as_data_and_an_empty_warehouse_has_none():
    con = warehouse.connect()
    assert sla.before_any_data(con, OCT)
    con.execute("INSERT INTO trace_spans (trace_id, span_id, name, kind, start_ts, end_ts, duration_ms, environment, "
                "file_id) VALUES ('t', 's', '/x', 'SERVER', ?, ?, 5, 'production', 1)",
                [SEP.end - timedelta(seconds=1), SEP.end - timedelta(seconds=1)])
    assert not sla.before_any_data(con, SEP)  # its last second holds a span
    assert sla.before_any_data(con, periods.month("2026-08", "Asia/Seoul"))
    assert not sla.before_any_data(con, OCT)
    con.close()


def test_the_trend_runs_each_month_oldest_first_and_takes_known_months_as_given(tmp_path):
    db = tmp_path / "w.duckdb"
    start = OCT.start + timedelta(days=2)
    with warehouse.writing(db) as writer:
        add_requests(writer, start, 100, 3)
        add_requests(writer, SEP.start + timedelta(days=1), 50, 0, prefix="s")
        add_probes(writer, start, 120, down=range(10, 12))
    reader = warehouse.open_reader(db)
    try:
        cfg = parse_config({"monitors": {"health": {"interval_s": 60}}})
        # a custom range whose last day is in October: the trend ends with October
        custom = periods.Period(OCT.start + timedelta(days=3), OCT.start + timedelta(days=15), "Asia/Seoul", "custom")
        rows = sla.trend(reader, Scope.of(cfg, custom), 3)
        assert list(dict.fromkeys(r["month"] for r in rows)) == ["2026-08", "2026-09", "2026-10"]
        for label in ("2026-08", "2026-09", "2026-10"):
            month = Scope.of(cfg, periods.month(label, "Asia/Seoul"))
            assert [{k: r[k] for k in TREND_KEYS} for r in rows if r["month"] == label] == _projected(
                sla.trend_entries(reader, month)), label
        by_month = {(r["month"], r["id"]): r["actual"] for r in rows}
        assert by_month[("2026-09", "error_rate")] == 0.0 and by_month[("2026-10", "error_rate")] == pytest.approx(0.03)
        given = [{"id": "uptime", "actual": 0.5, "status": "missed", "target": 0.995, "comparison": ">=", "x": 1}]
        before = metrics.memo_stats(reader)
        assert sla.trend(reader, Scope.of(cfg, OCT), 1, known={"2026-10": given}) == [
            {"month": "2026-10", "id": "uptime", "actual": 0.5, "status": "missed", "target": 0.995, "comparison": ">="}]
        assert metrics.memo_stats(reader) == before  # a known month runs no query
    finally:
        reader.close()
