"""Every metric SQL file: a complete header, declared parameters, and a clean answer on no data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reports import metrics, periods
from reports.config import Config
from reports.errors import MetricError
from reports.metrics.scope import Scope

# values for the parameters that are not part of a Scope
EXTRA = {"grain": "day", "group_by": "none", "limit": 10, "min_samples": 20, "window_s": 3600.0,
         "instants": [datetime(2026, 10, 5, tzinfo=UTC)], "source": None}


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
