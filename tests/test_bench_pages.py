"""bench/metrics_bench.py records, from the real app, the reads behind each page and replays them.

On the fixture warehouse of test_app.py: every page the bench times records reads (a page with
none would time nothing), the drift the bench once had is gone (the overview's deploy card,
previous month and trend; the errors page's Sentry summary), every recorded read replays on a
fresh read-only connection, and a page that fails in the app fails the recording with its name.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import metrics_bench as bench
from reports.errors import ReportsError
from reports.ui import data
from tests.test_app import CONFIG, MONTH, fixture_db  # noqa: F401 (the session fixture)


def test_every_page_records_reads_that_replay(fixture_db: Path) -> None:  # noqa: F811
    recording = bench.record_pages(fixture_db, CONFIG, MONTH)
    assert list(recording.pages) == bench.PAGE_SLUGS
    names = {slug: [r.name for r in reads] for slug, reads in recording.pages.items()}
    for slug, called in names.items():
        assert called, f"page {slug}: no reads recorded"
    assert {r.name for r in recording.frame} == {"ledger.tables", "deployments.environments", "requests.routes"}
    assert all(r.in_page for reads in recording.pages.values() for r in reads)
    overview = recording.pages["overview"]
    assert {"deployments.last_production", "sla.trend"} <= set(names["overview"])
    assert [r.key.label for r in overview if r.name == "sla.objectives"] == [MONTH, "2026-09"]
    assert "errors.summary" in names["errors"]
    assert {"deployments.change_failure_rate", "deployments.time_to_restore",
            "access.who_did_what_near_deployments"} <= set(names["deployments"])
    assert names["reports"] == ["sla.summary"]
    for slug, reads in recording.pages.items():
        opened, seconds = bench.replay(fixture_db, reads)
        assert opened >= 0 and len(seconds) == len(reads), slug


def test_a_failing_page_fails_the_recording_with_its_name(fixture_db: Path,  # noqa: F811
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(con: object, scope: object) -> None:
        raise ReportsError("planted failure")

    monkeypatch.setitem(data.READERS, "audit.summary", broken)
    with pytest.raises(RuntimeError, match=r"page 'audit'.*audit\.summary"):
        bench.record_pages(fixture_db, CONFIG, MONTH, slugs=["audit"])
