"""Lighthouse lab data (METRICS.md): representative runs, the daily trend, LHCI assertion results.

The representative run is checked against a plain Python reference of the rule.
"""

from __future__ import annotations

import itertools
import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import periods
from reports.config import parse_config
from reports.metrics import lighthouse
from reports.metrics.scope import Scope
from tests.conftest import FIXTURES, load

T0 = datetime(2026, 10, 5, 1, 0, tzinfo=UTC)  # 10:00 in Seoul
OCT = (datetime(2026, 9, 30, 15, tzinfo=UTC), datetime(2026, 10, 31, 15, tzinfo=UTC))
URL = "https://app.example.com/"
_ids = itertools.count()


@dataclass
class Run:
    fetch: datetime
    score: float | None
    url: str = URL
    form: str | None = "mobile"
    error: str | None = None
    rep: bool | None = None
    key: str = ""

    def __post_init__(self) -> None:
        self.key = self.key or f"run-{next(_ids):06d}"


def add_runs(con, runs: list[Run]) -> None:
    if not runs:
        return
    con.executemany(
        "INSERT INTO lighthouse_runs (run_key, requested_url, final_url, fetch_time, lighthouse_version, form_factor, "
        "performance_score, lcp_ms, cls, tbt_ms, fcp_ms, speed_index_ms, runtime_error_code, is_representative, "
        "source_name, file_id) VALUES (?, ?, ?, ?, '12.8.2', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        [(r.key, r.url, r.url, r.fetch, r.form, None if r.error else r.score,
          *((None,) * 5 if r.error or r.score is None else (3000 - 10 * r.score, r.score / 1000, 600 - r.score,
                                                             2000 - r.score, 4000 - r.score)),
          r.error, r.rep, f"lhr-{r.key}.json") for r in runs])


def scope_for(start: datetime = OCT[0], end: datetime = OCT[1], tz: str = "Asia/Seoul") -> Scope:
    config = parse_config({"report": {"timezone": tz}})
    return Scope.of(config, periods.Period(start, end, tz, "test"))


def pick(runs: list[Run]) -> Run | None:
    """The rule, in Python: manifest's representative run, else the run closest to the median score."""
    good = [r for r in runs if r.error is None]
    if not good:
        return None
    scores = [r.score for r in good if r.score is not None]
    med = float(np.percentile(scores, 50, method="linear")) if scores else None
    candidates = [r for r in good if r.rep] or good
    return min(candidates, key=lambda r: (r.score is None or med is None,
                                          abs(r.score - med) if r.score is not None and med is not None else 0,
                                          r.fetch, r.key))


def reference(runs: list[Run], start: datetime, end: datetime, tz: str) -> dict[tuple, dict[str, Any]]:
    groups: dict[tuple, list[Run]] = {}
    for r in runs:
        if start <= r.fetch < end:
            groups.setdefault((r.url, r.form, r.fetch.astimezone(ZoneInfo(tz)).date().isoformat()), []).append(r)
    out = {}
    for key, rs in groups.items():
        chosen = pick(rs)
        out[key] = {"runs": len(rs), "failed": sum(r.error is not None for r in rs),
                    "key": chosen.key if chosen else None}
    return out


def as_dict(frame) -> dict[tuple, dict[str, Any]]:
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return {(r["url"], r["form_factor"], str(r["day"])[:10]): r for r in records}


# --- representative runs -------------------------------------------------------------------------

def test_manifest_representative_run_wins(con):
    runs = [Run(T0, 95.0), Run(T0 + timedelta(minutes=1), 60.0, rep=True), Run(T0 + timedelta(minutes=2), 80.0)]
    add_runs(con, runs)
    (row,) = as_dict(lighthouse.representative_runs(con, scope_for())).values()
    assert (row["run_key"], row["selected_by"], row["performance_score"]) == (runs[1].key, "manifest", 60.0)
    assert (row["lcp_ms"], row["cls"], row["tbt_ms"]) == (3000 - 600.0, 0.06, 540.0)
    assert (row["runs"], row["failed_runs"]) == (3, 0)


def test_median_run_odd_and_even_with_ties_to_the_earliest(con):
    odd = [Run(T0 + timedelta(minutes=i), s) for i, s in enumerate([90.0, 70.0, 80.0])]
    even = [Run(T0 + timedelta(days=1, minutes=i), s) for i, s in enumerate([100.0, 90.0, 70.0, 80.0])]
    tied = [Run(T0 + timedelta(days=2, minutes=i), s) for i, s in enumerate([85.0, 85.0, 85.0])]
    add_runs(con, odd + even + tied)
    got = as_dict(lighthouse.representative_runs(con, scope_for()))
    assert got[(URL, "mobile", "2026-10-05")]["run_key"] == odd[2].key           # median 80
    assert got[(URL, "mobile", "2026-10-06")]["run_key"] == even[1].key  # median 85: 90 (minute 1) and 80 (minute 3) tie
    assert got[(URL, "mobile", "2026-10-07")]["run_key"] == tied[0].key
    assert {r["selected_by"] for r in got.values()} == {"median"}


def test_failed_runs_are_counted_but_never_trend_points(con):
    runs = [Run(T0, None, error="NO_FCP"), Run(T0 + timedelta(minutes=1), 50.0),
            Run(T0 + timedelta(minutes=2), None, error="NO_FCP", rep=True),
            Run(T0 + timedelta(days=1), None, error="PAGE_HUNG"), Run(T0 + timedelta(days=1, minutes=1), None,
                                                                      error="NO_FCP")]
    add_runs(con, runs)
    got = as_dict(lighthouse.representative_runs(con, scope_for()))
    day1, day2 = got[(URL, "mobile", "2026-10-05")], got[(URL, "mobile", "2026-10-06")]
    assert (day1["runs"], day1["failed_runs"], day1["run_key"]) == (3, 2, runs[1].key)
    assert list(day1["runtime_errors"]) == ["NO_FCP"]
    assert (day2["runs"], day2["failed_runs"], day2["run_key"], day2["performance_score"]) == (2, 2, None, None)
    assert sorted(day2["runtime_errors"]) == ["NO_FCP", "PAGE_HUNG"]
    trend = lighthouse.trend(con, scope_for())
    assert [(str(r.day)[:10], r.performance_score, r.good_runs) for r in trend.itertuples()] == [
        ("2026-10-05", 50.0, 1)]


def test_form_factors_are_separate_series_and_scoreless_runs_are_last_resort(con):
    runs = [Run(T0, 40.0, form="desktop"), Run(T0 + timedelta(minutes=1), 90.0, form="mobile"),
            Run(T0 + timedelta(minutes=2), None, form="mobile"), Run(T0 + timedelta(minutes=3), None, form=None)]
    add_runs(con, runs)
    got = as_dict(lighthouse.representative_runs(con, scope_for()))
    assert got[(URL, "desktop", "2026-10-05")]["run_key"] == runs[0].key
    assert got[(URL, "mobile", "2026-10-05")]["run_key"] == runs[1].key
    assert got[(URL, None, "2026-10-05")]["run_key"] == runs[3].key


def test_days_are_local_in_seoul_and_across_a_dst_change(con):
    runs = [Run(datetime(2026, 10, 31, 14, 59, tzinfo=UTC), 10.0),   # Oct 31 23:59 Seoul
            Run(datetime(2026, 10, 31, 15, 30, tzinfo=UTC), 20.0),   # Nov 1 00:30 Seoul; Oct 31 11:30 New York
            Run(datetime(2026, 11, 2, 4, 59, tzinfo=UTC), 30.0),     # Nov 1 23:59 EST (the 25 h day)
            Run(datetime(2026, 11, 2, 5, 0, tzinfo=UTC), 40.0)]      # Nov 2 00:00 EST
    add_runs(con, runs)
    oct_trend = lighthouse.trend(con, scope_for())
    assert [(str(r.day)[:10], r.performance_score) for r in oct_trend.itertuples()] == [("2026-10-31", 10.0)]
    ny = periods.month("2026-11", "America/New_York")
    assert ny.seconds == 721 * 3600
    ny_trend = lighthouse.trend(con, scope_for(ny.start, ny.end, "America/New_York"))
    assert [(str(r.day)[:10], r.performance_score) for r in ny_trend.itertuples()] == [
        ("2026-11-01", 30.0), ("2026-11-02", 40.0)]


def test_no_runs_gives_empty_frames(con):
    assert lighthouse.representative_runs(con, scope_for()).empty
    assert lighthouse.trend(con, scope_for()).empty
    assert lighthouse.assertions(con).empty


def test_real_lhr_files_and_manifest(con, tmp_path: Path):
    folder = FIXTURES / "lighthouse_lhr"
    names = ["lhr-1759482847123.json", "lhr-1759482870456.json"]
    for name in names:
        shutil.copy(folder / name, tmp_path / name)
    load(con, *(tmp_path / n for n in names), FIXTURES / "lhci_manifest" / "manifest.json")
    docs = {n: json.loads((folder / n).read_text(encoding="utf-8")) for n in names}
    manifest = json.loads((FIXTURES / "lhci_manifest" / "manifest.json").read_text(encoding="utf-8"))
    rep = next(Path(m["jsonPath"]).name for m in manifest if m["isRepresentativeRun"] and Path(m["jsonPath"]).name in docs)
    fetch = datetime.fromisoformat(docs[rep]["fetchTime"].replace("Z", "+00:00"))
    period = periods.month_of(fetch.astimezone(ZoneInfo("Asia/Seoul")).date(), "Asia/Seoul")
    frame = lighthouse.representative_runs(con, scope_for(period.start, period.end))
    row = frame[frame.url == docs[rep]["requestedUrl"]].iloc[0]
    assert row.selected_by == "manifest"
    assert row.performance_score == pytest.approx(docs[rep]["categories"]["performance"]["score"] * 100)
    assert row.lcp_ms == pytest.approx(docs[rep]["audits"]["largest-contentful-paint"]["numericValue"])


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(st.tuples(st.integers(min_value=0, max_value=4 * 24 * 60),
                                st.one_of(st.none(), st.sampled_from([40.0, 55.0, 70.0, 85.0, 100.0])),
                                st.booleans(), st.sampled_from([None, False, True]),
                                st.sampled_from(["mobile", "desktop"])), max_size=25))
def test_selection_matches_the_python_rule(con, specs):
    con.execute("DELETE FROM lighthouse_runs")
    runs = [Run(T0 + timedelta(minutes=m), s, error="ERR" if failed else None, rep=rep, form=form)
            for m, s, failed, rep, form in specs]
    add_runs(con, runs)
    got = as_dict(lighthouse.representative_runs(con, scope_for()))
    ref = reference(runs, *OCT, "Asia/Seoul")
    assert {k: (v["runs"], v["failed_runs"], v["run_key"]) for k, v in got.items()} == {
        k: (v["runs"], v["failed"], v["key"]) for k, v in ref.items()}
    trend = as_dict(lighthouse.trend(con, scope_for()))
    by_key = {r.key: r for r in runs}
    assert {k: v["performance_score"] for k, v in trend.items()} == {
        k: by_key[v["key"]].score for k, v in ref.items() if v["key"] is not None}


# --- assertions ----------------------------------------------------------------------------------

def add_file(con, file_id: int, path: str, duplicates: int = 0) -> None:
    con.execute(
        "INSERT INTO ingest_files (file_id, path, size_bytes, sha256, kind, started_at, finished_at, duplicates, status) "
        "VALUES (?, ?, 1, 'x', 'lhci_assertions', ?, ?, ?, 'loaded')",
        [file_id, path, T0 + timedelta(hours=file_id), T0 + timedelta(hours=file_id), duplicates])


def add_assertion(con, file_id: int, url: str, audit: str, passed: bool, level: str = "error",
                  actual: float = 1.0, name: str = "minScore") -> None:
    con.execute(
        "INSERT INTO lhci_assertions (assertion_key, url, name, audit_id, operator, expected, actual, passed, level, "
        "file_id, line) VALUES (?, ?, ?, ?, '>=', 0.9, ?, ?, ?, ?, 1)",
        [f"a{next(_ids)}", url, name, audit, actual, passed, level, file_id])


def test_assertions_take_the_latest_file_per_url(con):
    add_file(con, 1, "run1/assertion-results.json")
    add_file(con, 2, "run2/assertion-results.json")
    add_assertion(con, 1, URL, "categories", False, actual=0.5)
    add_assertion(con, 1, URL, "dropped-audit", False)
    add_assertion(con, 1, "https://app.example.com/pricing", "categories", False, level="warn", actual=0.8)
    add_assertion(con, 2, URL, "categories", True, actual=0.95)
    add_assertion(con, 2, URL, "largest-contentful-paint", False, level="warn", actual=2600, name="maxNumericValue")
    frame = lighthouse.assertions(con).set_index("url")
    home = frame.loc[URL]
    assert (home.assertions, home.passed, home.failed, home.failed_errors, home.failed_warnings, home.status) == (
        2, 1, 1, 0, 1, "warn")
    assert [f["audit_id"] for f in home.failing] == ["largest-contentful-paint"]
    assert home.file_path == "run2/assertion-results.json"
    pricing = frame.loc["https://app.example.com/pricing"]
    assert (pricing.assertions, pricing.failed, pricing.status) == (1, 1, "warn")


def test_assertions_fill_in_results_the_latest_file_repeated_verbatim(con):
    add_file(con, 1, "run1/assertion-results.json")
    add_file(con, 2, "run2/assertion-results.json", duplicates=1)  # one result identical to run 1's
    add_assertion(con, 1, URL, "categories", True, actual=1.0)
    add_assertion(con, 1, URL, "unused-javascript", True)
    add_assertion(con, 2, URL, "unused-javascript", False, actual=0.2)
    home = lighthouse.assertions(con).set_index("url").loc[URL]
    assert (home.assertions, home.passed, home.failed, home.status) == (2, 1, 1, "fail")
    assert home.failing[0]["actual"] == 0.2


def test_real_assertion_results_file(con):
    path = FIXTURES / "lhci_assertions" / "assertion-results.json"
    load(con, path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    frame = lighthouse.assertions(con).set_index("url")
    for url in {d["url"] for d in doc}:
        mine = [d for d in doc if d["url"] == url]
        row = frame.loc[url]
        assert (row.assertions, row.passed, row.failed) == (
            len(mine), sum(d["passed"] for d in mine), sum(not d["passed"] for d in mine))
        errors = sum(not d["passed"] and d.get("level") == "error" for d in mine)
        assert row.status == ("fail" if errors else "warn" if row.failed else "pass")
