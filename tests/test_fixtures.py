"""Every real-format sample under tests/fixtures/<kind>/ loads with the expected counts.

Each folder has an ``expected.toml`` with one table per file name::

    ["drain-array.json"]
    kind = "vercel_logs"      # detected kind (defaults to the folder name)
    records = 3               # records read
    loaded = 3                # new rows in the kind's main table
    rejected = 0              # records quarantined
    duplicates = 0            # optional

A new odd export is a new file and a new table here; nothing else changes.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, load

CASES = []
for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
    expected_file = folder / "expected.toml"
    if not expected_file.exists():
        continue
    expected = tomllib.loads(expected_file.read_text(encoding="utf-8"))
    for name, want in sorted(expected.items()):
        CASES.append(pytest.param(folder / name, want, id=f"{folder.name}/{name}"))


def test_every_fixture_file_has_an_expectation():
    listed = set()
    for folder in FIXTURES.iterdir():
        if (folder / "expected.toml").exists():
            listed |= {folder / n for n in tomllib.loads((folder / "expected.toml").read_text()).keys()}
    files = {p for p in FIXTURES.rglob("*") if p.is_file() and p.name != "expected.toml"
             and p.parent.parent == FIXTURES}
    assert files - listed == set(), "fixture files without an entry in expected.toml"


@pytest.mark.parametrize(("path", "want"), CASES)
def test_fixture_loads_with_expected_counts(con, path: Path, want: dict):
    assert path.exists(), f"{path} is listed in expected.toml but missing"
    (result,) = load(con, path)
    assert result.status == "loaded", result.message
    assert result.kind == want.get("kind", path.parent.name)
    got = {k: getattr(result, k) for k in ("records", "loaded", "rejected", "duplicates") if k in want}
    assert got == {k: want[k] for k in got}
    # the same file again changes nothing
    (again,) = load(con, path)
    assert again.status == "skipped"


@pytest.mark.parametrize(("path", "want"), CASES)
def test_fixture_forced_kind_matches_detection(con, path: Path, want: dict):
    (result,) = load(con, path, source=want.get("kind", path.parent.name))
    assert result.status == "loaded", result.message
    assert result.loaded == want.get("loaded", result.loaded)
