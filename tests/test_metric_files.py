"""Every metric SQL file: a complete header, declared parameters, and a clean answer on no data."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from reports import metrics, periods
from reports.config import Config
from reports.errors import MetricError
from reports.metrics.scope import Scope

# values for the parameters that are not part of a Scope
EXTRA = {"grain": "day", "group_by": "none", "limit": 10, "min_samples": 20, "window_s": 3600.0,
         "instants": [datetime(2026, 10, 5, tzinfo=UTC)], "source": None,
         "uid": None, "uid_ready": None}


def test_there_are_metric_files():
    assert len(metrics.names()) >= 30


@pytest.mark.parametrize("name", metrics.names())
def test_header_is_complete(name):
    metric = metrics.load(name)
    for key in metrics.REQUIRED_KEYS:
        assert metric.header[key].strip(), f"{name}: empty {key}"
    assert metric.header["name"] == name


@pytest.mark.parametrize("name", metrics.names())
def test_runs_on_an_empty_warehouse(con, name):
    scope = Scope.of(Config(), periods.month("2026-10", "Asia/Seoul"))
    declared = metrics.load(name).params
    standard = scope.params()
    unknown = set(declared) - set(standard) - set(EXTRA)
    assert not unknown, f"{name}: give a test value for {unknown} in EXTRA"
    values = {k: standard[k] if k in standard else EXTRA[k] for k in declared}
    frame = metrics.run(con, name, **values)
    assert frame is not None


def test_parameters_must_match_exactly(con):
    with pytest.raises(MetricError, match=r"metric uptime_summary: missing \$end, \$intervals"):
        metrics.run(con, "uptime_summary", start=datetime(2026, 10, 1, tzinfo=UTC), tz="UTC", monitors=[],
                    maintenance=[], bogus=1)
    with pytest.raises(MetricError, match=r"unknown metric 'nope'"):
        metrics.run(con, "nope")
    with pytest.raises(MetricError, match=r"unknown metric '../etc'"):
        metrics.load("../etc")


def test_header_parser_checks_params_against_the_body():
    text = ("-- name: x\n-- meaning: m\n-- formula: f\n-- unit: u\n-- grain: g\n-- time: t\n-- source: s\n"
            "-- params: $a INTEGER\nSELECT $a + $b")
    with pytest.raises(MetricError, match=r"declared params \['a'\] differ from those used \['a', 'b'\]"):
        metrics._parse("x", text)


def test_an_input_supplies_params_and_must_name_another_flat_metric():
    head = "-- name: x\n-- meaning: m\n-- formula: f\n-- unit: u\n-- grain: g\n-- time: t\n-- source: s\n"
    rollup = metrics.load("requests_rollup")
    declared = ", ".join(f"${k} {v}" for k, v in rollup.params.items())
    ok = metrics._parse("x", head + f"-- params: {declared}\n-- input: requests_rollup (why)\nSELECT sum(n) FROM requests_rollup")
    assert ok.inputs == ("requests_rollup",) and ok.used == frozenset()
    with pytest.raises(MetricError, match=r"differ from those used .* its inputs requests_rollup"):
        metrics._parse("x", head + "-- params: $start TIMESTAMPTZ\n-- input: requests_rollup\nSELECT 1")
    with pytest.raises(MetricError, match="is not another metric's name"):
        metrics._parse("x", head + "-- params: none\n-- input: x\nSELECT 1")
    with pytest.raises(MetricError, match="has inputs of its own"):
        metrics._parse("x", head + f"-- params: {declared}\n-- input: requests_summary\nSELECT 1")


# -- remembered results on read-only connections -------------------------------------------

def _requests_params(day: int) -> dict:
    scope = Scope.of(Config(), periods.Period(datetime(2026, 10, day, tzinfo=UTC), datetime(2026, 10, day + 1, tzinfo=UTC),
                                              "UTC", "test"))
    wanted = metrics.load("requests_summary").params
    return {k: v for k, v in scope.params().items() if k in wanted}


def _add_request(con, ts: datetime, status: int) -> None:
    con.execute("INSERT INTO vercel_requests (request_id, ts, environment, deployment_id, project_id, route, path, "
                "status_code, crashed, background, file_id) "
                "VALUES (?, ?, 'production', 'dpl_1', 'prj_1', '/a', '/a', ?, false, false, 1)",
                [f"r{ts.isoformat()}{status}", ts, status])


def test_a_writer_never_remembers_results(con):
    params = _requests_params(5)
    assert metrics.run(con, "requests_summary", **params)["requests"][0] == 0
    _add_request(con, datetime(2026, 10, 5, 1, tzinfo=UTC), 500)
    again = metrics.run(con, "requests_summary", **params)
    assert (again["requests"][0], again["errors"][0]) == (1, 1)
    assert metrics.memo_stats(con) is None


def test_a_reader_runs_a_repeated_metric_once_and_hands_out_copies(tmp_path):
    from reports import warehouse

    db = tmp_path / "w.duckdb"
    with warehouse.writing(db) as writer:
        _add_request(writer, datetime(2026, 10, 5, 1, tzinfo=UTC), 500)
        _add_request(writer, datetime(2026, 10, 6, 1, tzinfo=UTC), 200)
    reader = warehouse.open_reader(db)
    try:
        first = metrics.run(reader, "requests_summary", **_requests_params(5))
        assert metrics.memo_stats(reader) == (0, 1)
        first.loc[0, "requests"] = 999  # the caller's copy: the remembered result is untouched
        second = metrics.run(reader, "requests_summary", **_requests_params(5))
        assert metrics.memo_stats(reader) == (1, 1)
        assert (second["requests"][0], second["errors"][0]) == (1, 1)
        other_day = metrics.run(reader, "requests_summary", **_requests_params(6))  # other parameters: run
        assert (other_day["requests"][0], other_day["errors"][0]) == (1, 0)
        other_metric = metrics.run(reader, "requests_status_classes", **_requests_params(5))
        assert metrics.memo_stats(reader) == (1, 3) and list(other_metric["status_code"]) == [500]
    finally:
        reader.close()
    fresh = warehouse.open_reader(db)  # a new connection starts empty
    try:
        metrics.run(fresh, "requests_summary", **_requests_params(5))
        assert metrics.memo_stats(fresh) == (0, 1)
    finally:
        fresh.close()


def test_the_memo_keeps_the_most_recent_entries(tmp_path, monkeypatch):
    from reports import warehouse

    monkeypatch.setattr(metrics, "MEMO_ENTRIES", 2)
    db = tmp_path / "w.duckdb"
    with warehouse.writing(db):
        pass
    reader = warehouse.open_reader(db)
    try:
        for day in (1, 2, 3, 1):  # day 1 was evicted by day 3: run again
            metrics.run(reader, "requests_summary", **_requests_params(day))
        assert metrics.memo_stats(reader) == (0, 4)
        metrics.run(reader, "requests_summary", **_requests_params(3))
        assert metrics.memo_stats(reader) == (1, 4)
    finally:
        reader.close()


def _mixed_requests(con) -> None:
    rows = [(1, 200, False, "/api/a"), (2, 500, False, "/api/a"), (3, 404, False, "/b"), (4, 502, True, "/b"),
            (5, 200, True, "/b"), (6, 301, False, "/c")]
    con.executemany("INSERT INTO vercel_requests (request_id, ts, environment, deployment_id, project_id, route, path, "
                    "status_code, crashed, background, file_id) VALUES (?, ?, 'production', 'dpl_1', 'prj_1', ?, ?, ?, ?, "
                    "false, 1)",
                    [(f"m{h}", datetime(2026, 10, 5, h, tzinfo=UTC), route, route, code, crashed)
                     for h, code, crashed, route in rows])


SHARED = ("requests_summary", "requests_by_route", "requests_status_classes")


def test_metrics_with_an_input_share_one_pass_on_a_reader_and_match_a_writer(tmp_path):
    from reports import warehouse

    db = tmp_path / "w.duckdb"
    with warehouse.writing(db) as writer:
        _mixed_requests(writer)
        expected = {name: metrics.run(writer, name, **_requests_params(5)) for name in SHARED}
        leftovers = writer.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '_input_%'").fetchall()
        views = writer.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'requests_rollup'").fetchall()
        assert (leftovers, views) == ([(0,)], [(0,)])  # a writer's input lives for one query
        assert metrics.inputs_built(writer) is None
    assert expected["requests_summary"].loc[0, "requests"] == 6 and expected["requests_summary"].loc[0, "errors"] == 3  # 500, 502 and a crashed 200
    reader = warehouse.open_reader(db)
    try:
        for name in SHARED:
            pd.testing.assert_frame_equal(metrics.run(reader, name, **_requests_params(5)), expected[name],
                                          check_dtype=False)
        assert metrics.inputs_built(reader) == 1  # one grouped pass for the three
        metrics.run(reader, "requests_summary", **_requests_params(6))  # other parameters: another pass
        assert metrics.inputs_built(reader) == 2
    finally:
        reader.close()


def test_a_reader_keeps_few_input_tables(tmp_path, monkeypatch):
    from reports import warehouse

    monkeypatch.setattr(metrics, "MEMO_TABLES", 1)
    db = tmp_path / "w.duckdb"
    with warehouse.writing(db) as writer:
        _mixed_requests(writer)
    reader = warehouse.open_reader(db)
    try:
        first = metrics.run(reader, "requests_by_route", **_requests_params(5))
        metrics.run(reader, "requests_by_route", **_requests_params(6))
        tables = reader.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '_input_%'").fetchall()
        assert tables == [(1,)]
        # the evicted input is built again when its parameters come back, with the same answer
        again = metrics.run(reader, "requests_status_classes", **_requests_params(5))
        assert metrics.inputs_built(reader) == 3 and again["requests"].sum() == first["requests"].sum() == 6
    finally:
        reader.close()
