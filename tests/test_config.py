"""The config file: defaults, validation, and messages that name file, key and expectation."""

from __future__ import annotations

from pathlib import Path

import pytest

from reports.config import Config, load_config, parse_config
from reports.errors import ConfigError

REPO = Path(__file__).parent.parent


def test_the_example_config_is_valid_and_complete():
    config = load_config(REPO / "reports.toml")
    assert config.report.timezone == "Asia/Seoul"
    assert set(config.objectives) >= {"uptime", "error_rate", "mean_response_ms", "lcp_p75_ms", "inp_p75_ms", "cls_p75"}
    assert config.kuma_monitor_names() == {7: "home"}
    assert config.monitors["health"].interval_s == 60


def test_defaults_hold_every_objective_of_the_metrics_contract():
    config = Config()
    assert {k: v.target for k, v in config.objectives.items()} == {
        "uptime": 0.995, "error_rate": 0.005, "mean_response_ms": 2000, "lcp_p75_ms": 2500,
        "inp_p75_ms": 200, "cls_p75": 0.1}


def test_a_partial_objectives_table_keeps_the_other_defaults():
    config = parse_config({"objectives": {"uptime": {"target": 0.999}}})
    assert config.objectives["uptime"].target == 0.999
    assert config.objectives["error_rate"].target == 0.005


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reprot": {}}, "reports.toml: key 'reprot' is not a known setting (check its spelling)"),
        ({"report": {"timezone": "Mars/Base"}},
         "reports.toml: key 'report.timezone': expected an IANA time zone name such as 'Asia/Seoul', got 'Mars/Base'"),
        ({"report": {"language": "fr"}}, "reports.toml: key 'report.language': Input should be 'ko' or 'en'"),
        ({"objectives": {"uptime": {"target": "high"}}},
         "reports.toml: key 'objectives.uptime.target': Input should be a valid number, unable to parse string as a number"),
        ({"maintenance": [{"start": "2026-10-10T03:00:00+09:00", "end": "2026-10-10T01:00:00+09:00"}]},
         "reports.toml: key 'maintenance.0': end (2026-10-10T01:00:00+09:00) must be after start (2026-10-10T03:00:00+09:00)"),
        ({"maintenance": [{"start": "2026-10-10T01:00:00", "end": "2026-10-10T03:00:00"}]},
         "reports.toml: key 'maintenance.0': start and end need a UTC offset, e.g. 2026-10-10T01:00:00+09:00"),
        ({"monitors": {"health": {"interval_s": -5}}},
         "reports.toml: key 'monitors.health.interval_s': Input should be greater than 0"),
    ],
    ids=["unknown-key", "zone", "language", "type", "end-before-start", "naive-time", "negative-interval"],
)
def test_config_errors_name_file_key_and_expectation(data, message):
    with pytest.raises(ConfigError) as caught:
        parse_config(data, "reports.toml")
    assert str(caught.value) == message
    assert caught.value.exit_code == 2


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(ConfigError, match=r"nope.toml: config file not found \(pass --config or set REPORTS_CONFIG\)"):
        load_config(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[report\ntimezone = 1\n")
    with pytest.raises(ConfigError, match=r"bad.toml: not valid TOML: "):
        load_config(bad)
