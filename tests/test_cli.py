"""The command line: exit codes, messages, global options, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reports import warehouse
from tests.test_ingest import ndjson, record, write_lines


def run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent), **(env or {})}
    full_env.pop("REPORTS_DB", None) if env is None or "REPORTS_DB" not in env else None
    return subprocess.run([sys.executable, "-m", "reports", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=120)


def test_ingest_prints_a_summary_and_exits_0_when_every_file_was_read(tmp_path):
    good = ndjson(tmp_path / "good.ndjson", [record(1), record(2)])
    mixed = write_lines(tmp_path / "mixed.ndjson", [json.dumps(record(3)), "{broken"])
    done = run("--db", "w.duckdb", "ingest", str(good), str(mixed), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Ingest summary" in done.stdout
    assert "3 new rows from 2 file(s); 1 record(s) quarantined" in done.stdout
    assert "See the reasons with `reports quarantine`." in done.stdout
    assert "Traceback" not in done.stderr


def test_ingest_exits_1_when_a_file_could_not_be_read(tmp_path):
    good = ndjson(tmp_path / "good.ndjson", [record(1)])
    done = run("--db", "w.duckdb", "ingest", str(good), str(tmp_path / "missing.ndjson"), cwd=tmp_path)
    assert done.returncode == 1
    assert f"Error: {tmp_path / 'missing.ndjson'}: no such file or folder" in done.stderr
    reader = warehouse.open_reader(tmp_path / "w.duckdb")
    try:
        assert reader.execute("SELECT count(*) FROM vercel_requests").fetchall() == [(1,)]
    finally:
        reader.close()


def test_unknown_source_kind_is_a_usage_error(tmp_path):
    done = run("--db", "w.duckdb", "ingest", "--source", "nope", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("Error: unknown source kind 'nope'; known kinds: ")
    assert "vercel_logs" in done.stderr


def test_config_error_exits_2_naming_file_and_key(tmp_path):
    (tmp_path / "reports.toml").write_text('[report]\ntimezone = "Nowhere/City"\n')
    good = ndjson(tmp_path / "good.ndjson", [record(1)])
    done = run("--db", "w.duckdb", "ingest", str(good), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "Error: reports.toml: key 'report.timezone': expected an IANA time zone name such as "
        "'Asia/Seoul', got 'Nowhere/City'")
    assert not (tmp_path / "w.duckdb").exists()


def test_db_and_config_come_from_the_environment(tmp_path):
    cfg = tmp_path / "elsewhere.toml"
    cfg.write_text('[report]\ntimezone = "UTC"\n')
    good = ndjson(tmp_path / "good.ndjson", [record(1)])
    done = run("ingest", str(good), cwd=tmp_path, env={"REPORTS_DB": str(tmp_path / "env.duckdb"),
                                                      "REPORTS_CONFIG": str(cfg)})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "env.duckdb").exists()


def test_quarantine_and_status_commands(tmp_path):
    mixed = write_lines(tmp_path / "mixed.ndjson", [json.dumps(record(3)), "{broken"])
    assert run("--db", "w.duckdb", "ingest", str(mixed), cwd=tmp_path).returncode == 0
    shown = run("--db", "w.duckdb", "quarantine", cwd=tmp_path)
    assert shown.returncode == 0
    assert "Quarantine (1 records)" in shown.stdout and "not valid JSON" in shown.stdout
    status = run("--db", "w.duckdb", "status", cwd=tmp_path)
    assert status.returncode == 0
    assert "vercel_requests" in status.stdout and "1 file(s) loaded, 0 failed; 1 record(s) in quarantine" in status.stdout


def test_reading_a_warehouse_that_does_not_exist_says_what_to_do(tmp_path):
    done = run("--db", "none.duckdb", "status", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "Error: none.duckdb: no warehouse here yet; load data with `reports ingest PATH` or `reports demo`")


@pytest.mark.parametrize("args", [["--help"], ["ingest", "--help"], ["--version"]])
def test_help_and_version(tmp_path, args):
    done = run(*args, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout
