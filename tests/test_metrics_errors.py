"""Sentry errors and issues (METRICS.md): daily counts, summary, top/new issues, frontend error rate.

Expected values are counted by plain Python loops over the rows inserted.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import periods
from reports.config import parse_config
from reports.errors import UsageError
from reports.metrics import errors
from reports.metrics.scope import Scope
from tests.conftest import load

T0 = datetime(2026, 10, 5, 3, 0, tzinfo=UTC)
OCT = (datetime(2026, 9, 30, 15, tzinfo=UTC), datetime(2026, 10, 31, 15, tzinfo=UTC))  # 2026-10 in Seoul
_ids = itertools.count()


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def err(ts: datetime, *, exc_type: str | None = "TypeError", level: str | None = "error",
        handled: bool | None = False, issue: str | None = "1", user: str | None = None,
        platform: str | None = "node", env: str | None = "production", event_type: str = "error",
        tags: dict | None = None, sdk: str | None = None) -> dict[str, Any]:
    return {"ts": ts, "exc_type": exc_type, "level": level, "handled": handled, "issue": issue, "user": user,
            "platform": platform, "env": env, "event_type": event_type, "tags": tags, "sdk": sdk}


def add_errors(con, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    con.executemany(
        "INSERT INTO sentry_errors (event_id, ts, event_type, level, platform, environment, exc_type, handled, "
        "issue_id, title, user_id, tags, extra, source, file_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "'event', 1)",
        [(f"{next(_ids):032x}", r["ts"], r["event_type"], r["level"], r["platform"], r["env"], r["exc_type"],
          r["handled"], r["issue"], f"{r['exc_type']}: boom", r["user"],
          json.dumps(r["tags"]) if r["tags"] is not None else None,
          json.dumps({"sdk": {"name": r["sdk"]}}) if r["sdk"] else None) for r in rows])


def add_issue(con, issue_id: str, first_seen: datetime | None, last_seen: datetime, *, count: int = 0,
              users: int = 0, title: str | None = None, status: str = "unresolved") -> None:
    con.execute(
        "INSERT INTO sentry_issues (id, short_id, title, culprit, level, status, count, user_count, first_seen, "
        "last_seen, permalink, file_id) VALUES (?, ?, ?, 'app/x', 'error', ?, ?, ?, ?, ?, ?, 1)",
        [issue_id, f"ATCMP-{issue_id}", title or f"Issue {issue_id}", status, count, users, first_seen, last_seen,
         f"https://sentry.io/issues/{issue_id}/"])


def add_pageloads(con, rows: list[tuple]) -> None:
    """rows: (ts[, sample_rate[, environment]])."""
    full = []
    for r in rows:
        ts, rate, env = (*r, *(None, "production")[len(r) - 1:])
        full.append((f"{next(_ids):032x}", ts, rate, env))
    con.executemany(
        "INSERT INTO sentry_transactions (event_id, ts, transaction, op, environment, sample_rate, source, file_id) "
        "VALUES (?, ?, '/home', 'pageload', ?, ?, 'event', 1)", [(i, ts, env, rate) for i, ts, rate, env in full])


def scope_for(start: datetime = OCT[0], end: datetime = OCT[1], tz: str = "Asia/Seoul",
              maintenance: list | None = None, **sources: Any) -> Scope:
    config = parse_config({"report": {"timezone": tz}, "maintenance": maintenance or [], "sources": sources})
    return Scope.of(config, periods.Period(start, end, tz, "test"))


def counted(rows: list[dict[str, Any]], start: datetime = OCT[0], end: datetime = OCT[1]) -> list[dict[str, Any]]:
    """The reference selection: production, in [start, end), not a security report."""
    return [r for r in rows if start <= r["ts"] < end and r["env"] == "production"
            and r["event_type"] not in ("csp", "hpkp", "expectct", "expectstaple", "nel")]


# --- summary and daily ---------------------------------------------------------------------------

def test_summary_counts_match_a_python_reference(con):
    rows = [err(at(i), handled=[True, False, None][i % 3], issue=str(i % 4) if i % 5 else None,
                user=f"u{i % 6}" if i % 2 else None) for i in range(30)]
    rows += [err(at(40), env="preview", user="zz"), err(at(41), event_type="csp", issue="9", user="zz"),
             err(OCT[1], user="late"), err(OCT[0] - timedelta(seconds=1), user="early")]
    add_errors(con, rows)
    got = errors.summary(con, scope_for())
    ref = counted(rows)
    assert got["events"] == len(ref) == 30
    assert got["handled"] == sum(r["handled"] is True for r in ref)
    assert got["unhandled"] == sum(r["handled"] is False for r in ref)
    assert got["handled_unknown"] == sum(r["handled"] is None for r in ref)
    assert got["issues"] == len({r["issue"] for r in ref if r["issue"] is not None})
    assert got["users_affected"] == len({r["user"] for r in ref if r["user"] is not None})
    assert got["events_without_issue"] == sum(r["issue"] is None for r in ref)
    assert all(not isinstance(v, str) or "u" not in v for v in got.values())  # no user id leaves


def test_summary_without_events_is_zero_counts(con):
    got = errors.summary(con, scope_for())
    assert {k: got[k] for k in ("events", "handled", "unhandled", "issues", "users_affected")} == dict.fromkeys(
        ("events", "handled", "unhandled", "issues", "users_affected"), 0)
    assert got["first_event"] is None
    assert errors.daily(con, scope_for()).empty
    assert errors.top_issues(con, scope_for()).empty
    assert errors.new_issues(con, scope_for()).empty
    fe = errors.frontend_rate(con, scope_for())
    assert (fe["browser_errors"], fe["pageloads"], fe["rate"], fe["daily"]) == (0, 0.0, None, [])


def test_daily_by_type_and_level_with_the_seoul_month_boundary(con):
    rows = [err(datetime(2026, 10, 31, 14, 59, tzinfo=UTC), exc_type="TypeError", handled=True),   # Oct 31 23:59
            err(datetime(2026, 10, 31, 15, 30, tzinfo=UTC), exc_type="TypeError"),                # Nov 1 00:30
            err(datetime(2026, 10, 30, 16, 0, tzinfo=UTC), exc_type="RangeError", level="fatal"),  # Oct 31 01:00
            err(datetime(2026, 10, 30, 14, 0, tzinfo=UTC), exc_type="TypeError", handled=None)]    # Oct 30 23:00
    add_errors(con, rows)
    frame = errors.daily(con, scope_for())
    got = {(str(r.day)[:10], r.exc_type, r.level): (r.events, r.handled, r.unhandled, r.handled_unknown)
           for r in frame.itertuples()}
    assert got == {("2026-10-31", "TypeError", "error"): (1, 1, 0, 0),
                   ("2026-10-31", "RangeError", "fatal"): (1, 0, 1, 0),
                   ("2026-10-30", "TypeError", "error"): (1, 0, 0, 1)}
    nov = periods.month("2026-11", "Asia/Seoul")
    assert errors.summary(con, scope_for(nov.start, nov.end))["events"] == 1


def test_daily_on_a_25_hour_dst_day(con):
    ny = periods.month("2026-11", "America/New_York")
    assert ny.seconds == 721 * 3600
    stamps = [datetime(2026, 11, 1, 4, 0, tzinfo=UTC), datetime(2026, 11, 2, 4, 59, tzinfo=UTC),  # Nov 1 (25 h)
              datetime(2026, 11, 2, 5, 0, tzinfo=UTC), datetime(2026, 11, 1, 3, 59, tzinfo=UTC)]  # Nov 2; Oct 31
    add_errors(con, [err(ts) for ts in stamps])
    frame = errors.daily(con, scope_for(ny.start, ny.end, tz="America/New_York"))
    assert {str(r.day)[:10]: r.events for r in frame.itertuples()} == {"2026-11-01": 2, "2026-11-02": 1}


def test_maintenance_excludes_events(con):
    add_errors(con, [err(at(0)), err(at(10)), err(at(19.99)), err(at(20))])
    window = [{"start": at(10).isoformat(), "end": at(20).isoformat()}]
    assert errors.summary(con, scope_for(maintenance=window))["events"] == 2
    assert errors.daily(con, scope_for(maintenance=window)).events.sum() == 2


def test_ingested_events_are_counted_once(con, tmp_path: Path):
    # a real event file with a repeated event, loaded twice: each event counts once
    def event(i: int, handled: bool) -> dict[str, Any]:
        return {"event_id": f"{i:032x}", "timestamp": (at(i)).timestamp(), "platform": "javascript", "level": "error",
                "environment": "production", "type": "error", "user": {"id": f"user-{i % 2}"},
                "exception": {"values": [{"type": "TypeError", "value": "x", "mechanism": {"handled": handled}}]}}
    events = [event(i, i % 3 == 0) for i in range(5)]
    path = tmp_path / "events.ndjson"
    path.write_text("".join(json.dumps(e) + "\n" for e in [*events, events[1]]), encoding="utf-8")
    load(con, path)
    load(con, path)
    got = errors.summary(con, scope_for())
    assert (got["events"], got["handled"], got["unhandled"], got["users_affected"]) == (5, 2, 3, 2)


# --- issues --------------------------------------------------------------------------------------

def test_top_issues_rank_by_period_events(con):
    add_issue(con, "10", at(-99999), at(5), count=5000, users=400, title="Old but quiet")
    add_issue(con, "20", at(-10), at(50), count=30, users=3, title="Busy")
    rows = ([err(at(i), issue="20", user=f"u{i % 2}") for i in range(4)]
            + [err(at(i), issue="10", user="u9") for i in range(2)]
            + [err(at(i), issue="30", handled=True) for i in range(3)]    # not in the issues data
            + [err(at(i), issue="10", env="preview") for i in range(9)])  # other environment
    add_errors(con, rows)
    frame = errors.top_issues(con, scope_for(), limit=2)
    got = [(r.issue_id, r.events, r.users, r.counts_basis) for r in frame.itertuples()]
    assert got == [("20", 4, 2, "period_events"), ("30", 3, 0, "period_events")]
    full = errors.top_issues(con, scope_for(), limit=10).set_index("issue_id")
    assert full.loc["10", "events"] == 2 and full.loc["10", "title"] == "Old but quiet"
    assert full.loc["30", "title"] == "TypeError: boom" and full.loc["30", "unhandled"] == 0
    assert full.loc["20", "permalink"] == "https://sentry.io/issues/20/"
    with pytest.raises(UsageError):
        errors.top_issues(con, scope_for(), limit=0)


def test_top_issues_fall_back_to_issue_totals_only_without_events(con):
    add_issue(con, "1", at(-100), at(10), count=7, users=2)
    add_issue(con, "2", at(-100), at(20), count=90, users=1)
    add_issue(con, "3", at(-100), OCT[0] - timedelta(days=1), count=999, users=9)  # not active in October
    frame = errors.top_issues(con, scope_for())
    assert [(r.issue_id, r.events, r.users, r.counts_basis) for r in frame.itertuples()] == [
        ("2", 90, 1, "issue_totals"), ("1", 7, 2, "issue_totals")]
    # once events of the period are loaded (even of another environment), totals are not used
    add_errors(con, [err(at(0), issue="1", env="preview")])
    assert errors.top_issues(con, scope_for()).empty


def test_new_issues_are_those_first_seen_in_the_period(con):
    add_issue(con, "1", OCT[0], at(10))                                  # first instant of October: new
    add_issue(con, "2", OCT[1], OCT[1] + timedelta(hours=1))             # November in Seoul
    add_issue(con, "3", OCT[0] - timedelta(seconds=1), at(10))           # September
    add_issue(con, "4", at(1), at(2))                                    # new, events in preview only
    add_issue(con, "5", at(3), at(4))                                    # new, no events loaded
    frame = errors.new_issues(con, scope_for())
    assert frame.issue_id.tolist() == ["1", "4", "5"]  # without events, environments are unknown
    assert frame.events_in_period.isna().all()  # no event of the period loaded at all
    add_errors(con, [err(at(1), issue="4", env="preview"), err(at(2), issue="1", user="a"),
                     err(at(3), issue="1", user="b"), err(at(4), issue="1", user="a")])
    frame = errors.new_issues(con, scope_for()).set_index("issue_id")
    assert frame.index.tolist() == ["1", "5"]
    assert (frame.loc["1", "events_in_period"], frame.loc["1", "users_in_period"]) == (3, 2)
    assert frame.loc["5", "events_in_period"] == 0


# --- frontend error rate -------------------------------------------------------------------------

def test_frontend_rate_counts_browser_errors_per_estimated_pageload(con):
    rows = [err(at(0), platform="javascript"),
            err(at(1), platform="javascript", tags={"runtime": "Chrome"}),
            err(at(2), platform="javascript", tags={"runtime": "node"}),         # @sentry/nextjs server
            err(at(3), platform="javascript", tags={"runtime.name": "vercel-edge"}),
            err(at(4), platform=None, sdk="sentry.javascript.react"),
            err(at(5), platform=None, sdk="sentry.javascript.node"),
            err(at(6), platform="node"),
            err(at(7), platform="javascript", env="preview"),
            err(at(8), platform="javascript", event_type="csp")]
    add_errors(con, rows)
    add_pageloads(con, [(at(i), 0.2) for i in range(4)] + [(at(9), None), (at(9), 0.5, "preview")])
    got = errors.frontend_rate(con, scope_for(sentry_sample_rate=0.5))
    browser = 3  # rows 0, 1 and 4
    pageloads = 4 / 0.2 + 1 / 0.5
    assert (got["browser_errors"], got["pageloads_sampled"]) == (browser, 5)
    assert got["pageloads"] == pytest.approx(pageloads)
    assert got["rate"] == pytest.approx(browser / pageloads)
    assert got["sampled"] is True
    assert len(got["daily"]) == 1 and got["daily"][0]["rate"] == pytest.approx(browser / pageloads)


def test_frontend_rate_per_local_day_and_without_pageloads(con):
    day1, day2 = datetime(2026, 10, 31, 14, 0, tzinfo=UTC), datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
    add_errors(con, [err(day1, platform="javascript"), err(day2, platform="javascript")])
    add_pageloads(con, [(day1, 1.0), (day1, 1.0)])
    nov = periods.month("2026-11", "Asia/Seoul")
    wide = scope_for(OCT[0], nov.end)
    got = errors.frontend_rate(con, wide)
    daily = {str(r["day"])[:10]: (r["browser_errors"], r["pageloads"], r["rate"]) for r in got["daily"]}
    assert daily == {"2026-10-31": (1, 2.0, 0.5), "2026-11-01": (1, 0.0, None)}
    assert got["rate"] == pytest.approx(2 / 2) and got["sampled"] is False


# --- properties --------------------------------------------------------------------------------

_events = st.lists(st.tuples(st.integers(min_value=0, max_value=40 * 24 * 60 - 1), st.sampled_from([True, False, None]),
                             st.sampled_from(["javascript", "node"]), st.sampled_from(["production", "preview"])),
                   max_size=40)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=_events, cut=st.integers(min_value=1, max_value=40 * 24 * 60 - 1))
def test_splitting_a_period_in_two_keeps_the_totals(con, events, cut):
    con.execute("DELETE FROM sentry_errors")
    start = datetime(2026, 10, 1, tzinfo=UTC)
    end, middle = start + timedelta(days=40), start + timedelta(minutes=cut)
    add_errors(con, [err(start + timedelta(minutes=m), handled=h, platform=p, env=e) for m, h, p, e in events])
    whole = errors.summary(con, scope_for(start, end))
    first, second = errors.summary(con, scope_for(start, middle)), errors.summary(con, scope_for(middle, end))
    for key in ("events", "handled", "unhandled", "handled_unknown"):
        assert whole[key] == first[key] + second[key]
    ref = Counter(h for _, h, _, e in events if e == "production")
    assert (whole["events"], whole["handled"], whole["unhandled"]) == (sum(ref.values()), ref[True], ref[False])
    fe = [errors.frontend_rate(con, scope_for(a, b))["browser_errors"] for a, b in ((start, middle), (middle, end))]
    assert sum(fe) == errors.frontend_rate(con, scope_for(start, end))["browser_errors"] == sum(
        1 for _, _, p, e in events if p == "javascript" and e == "production")
