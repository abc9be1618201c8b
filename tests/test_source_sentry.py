"""The Sentry sources: events, Discover rows, issues and org stats, checked value by value."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reports import sources
from reports.detect import read_head
from reports.sources import sentry_discover, sentry_events, sentry_issues, sentry_stats
from tests.conftest import FIXTURES, load, rows

EVENTS = FIXTURES / "sentry_events"
DISCOVER = FIXTURES / "sentry_discover"
ISSUES = FIXTURES / "sentry_issues"
STATS = FIXTURES / "sentry_stats"
SENTRY_KINDS = ("sentry_discover", "sentry_events", "sentry_issues", "sentry_stats")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def one(con, sql: str, *params):
    (row,) = rows(con, sql, *params)
    return row


def reasons(con) -> dict[tuple, str]:
    return {(line, item): reason for line, item, reason in rows(con, "SELECT line, item, reason FROM quarantine")}


def write_ndjson(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# --- detection ------------------------------------------------------------------------------

def _fixture_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name != "expected.toml")


@pytest.mark.parametrize("kind", SENTRY_KINDS)
def test_detection_picks_the_sentry_kind_for_each_fixture(kind):
    files = _fixture_files(FIXTURES / kind)
    assert files
    for path in files:
        assert sources.detect(read_head(path)) == kind, path.name


def test_sentry_sniffers_do_not_claim_other_kinds_fixtures():
    modules = [sentry_discover, sentry_events, sentry_issues, sentry_stats]
    for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.name not in SENTRY_KINDS):
        for path in _fixture_files(folder):
            head = read_head(path)
            claimed = [m.KIND for m in modules if m.sniff(head)]
            assert claimed == [], f"{folder.name}/{path.name} claimed by {claimed}"


def test_each_sentry_sniffer_claims_only_its_own_fixtures():
    modules = {m.KIND: m for m in (sentry_discover, sentry_events, sentry_issues, sentry_stats)}
    for kind in SENTRY_KINDS:
        for path in _fixture_files(FIXTURES / kind):
            head = read_head(path)
            assert [k for k, m in modules.items() if m.sniff(head)] == [kind], path.name


# --- events: transactions, spans --------------------------------------------------------------

def test_stored_transaction_payload_values(con):
    (result,) = load(con, EVENTS / "events-stored.ndjson")
    assert (result.records, result.loaded, result.rejected) == (3, 3, 0)
    row = one(con, """
        SELECT ts, start_ts, duration_ms, transaction, op, status, http_status, environment, release,
               platform, project, trace_id, sample_rate, source, file_id, line, item
        FROM sentry_transactions WHERE event_id = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'""")
    # 1791018000 s = 2026-10-03T09:00:00Z; the END time places the transaction
    assert row[0] == utc(2026, 10, 3, 9, 0, 0, 662500)
    assert row[1] == utc(2026, 10, 3, 9, 0, 0, 250000)
    assert row[2] == pytest.approx((1791018000.6625 - 1791018000.25) * 1000)  # 412.5 ms
    assert row[3:] == ("/api/users/[id]", "http.server", "ok", 200, "production", "web@1.4.2", "node",
                       "4501234", "4c79f60c11214eb38604f4ae0781bfb2", 0.25, "event", result_file_id(con), 1, None)


def result_file_id(con) -> int:
    return one(con, "SELECT max(file_id) FROM ingest_files")[0]


def test_event_id_is_lower_cased(con):
    load(con, EVENTS / "events-stored.ndjson")
    ids = {r[0] for r in rows(con, "SELECT event_id FROM sentry_transactions")}
    assert "a1b2c3d4e5f60718293a4b5c6d7e8f90" in ids  # sent as A1B2C3D4...
    assert all(i == i.lower() for i in ids)


def test_measurements_in_ms_with_second_unit_converted(con):
    load(con, EVENTS / "events-stored.ndjson")
    row = one(con, "SELECT lcp, fcp, cls, inp, ttfb, fid, duration_ms, op FROM sentry_transactions "
                   "WHERE event_id = '5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c'")
    # lcp 2.1 second -> 2100 ms; fcp ms as is; cls unitless; ttfb without unit = ms; no fid
    assert row == (pytest.approx(2100.0), 850.5, 0.07, 180.0, 120.0, None, 3500.0, "pageload")


def test_tags_first_value_of_a_repeated_key_wins_and_unmapped_fields_are_kept(con):
    load(con, EVENTS / "events-stored.ndjson")
    tags, extra = one(con, "SELECT tags, extra FROM sentry_transactions WHERE event_id = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'")
    assert json.loads(tags) == {"http.status_code": "200", "runtime": "node"}
    extra = json.loads(extra)
    assert extra["contexts"]["runtime"] == {"name": "node", "version": "20.11.0"}
    assert extra["sdk"]["name"] == "sentry.javascript.nextjs"
    assert "spans" not in extra and "tags" not in extra and "timestamp" not in extra


def test_spans_of_a_transaction(con):
    load(con, EVENTS / "events-stored.ndjson")
    got = rows(con, "SELECT span_key, span_id, span_index, parent_span_id, op, description, start_ts, end_ts, "
                    "duration_ms, exclusive_time_ms, extra FROM sentry_spans ORDER BY span_index")
    assert [r[:6] for r in got] == [
        ("b000000000000001", "b000000000000001", 1, "a1b2c3d4e5f60718", "db.sql.query", "SELECT * FROM users WHERE id = $1"),
        ("b000000000000002", "b000000000000002", 2, None, "http.client", "GET https://api.example.com/profile"),
        ("#3", None, 3, None, "serialize", None),  # no span_id: keyed by position
    ]
    assert got[0][6] == utc(2026, 10, 3, 9, 0, 0, 300000)
    assert got[0][7] == utc(2026, 10, 3, 9, 0, 0, 345000)
    assert [r[8] for r in got] == [pytest.approx(45.0), pytest.approx(250.0), pytest.approx(10.0)]
    assert [r[9] for r in got] == [45.0, 250.0, 10.0]
    assert json.loads(got[0][10]) == {"data": {"db.system": "postgresql"}}


def test_api_transaction_event_entries_release_object_and_response_status(con):
    load(con, EVENTS / "event-api-transaction.json")
    row = one(con, "SELECT ts, duration_ms, transaction, op, status, http_status, environment, release, project "
                   "FROM sentry_transactions")
    assert row == (utc(2026, 10, 4, 9, 0, 2, 125000), 2125.0, "/api/orders", "http.server", "internal_error",
                   503, "production", "api@2.0.1", "4501234")
    spans = rows(con, "SELECT span_id, op, duration_ms, exclusive_time_ms, status FROM sentry_spans ORDER BY span_index")
    assert spans == [("aa00000000000001", "db", 1250.0, 1100.0, "ok"),
                     ("aa00000000000002", "template.render", pytest.approx(200.0), 200.0, None)]


def _tx_event(event_id: str, end: float, environment: str, spans: list[tuple]) -> dict:
    """A stored transaction payload; spans: (span_id or None, op, description)."""
    return {"event_id": event_id, "type": "transaction", "transaction": "/api/x", "start_timestamp": end - 1,
            "timestamp": end, "environment": environment, "contexts": {"trace": {"op": "http.server"}},
            "spans": [{**({"span_id": sid} if sid else {}), "op": op, "description": desc,
                       "start_timestamp": end - 0.5, "timestamp": end - 0.4} for sid, op, desc in spans]}


def test_spans_carry_the_stored_transaction_time_and_environment_and_the_first_db_mark(con, tmp_path):
    a, b, c = "a" * 32, "b" * 32, "c" * 32
    end = 1791018000.0  # 2026-10-03T09:00:00Z
    write_ndjson(tmp_path / "one.ndjson", [
        _tx_event(a, end, "production", [("s1", "db.sql.query", "Q1"), ("s2", "db.sql.query", "Q1"),
                                          ("s3", "db", "Q2"), ("s4", "http.client", "Q1"), (None, "db", None),
                                          (None, "db.redis", None)]),
        _tx_event(b, end + 60, "staging", []),
    ])
    write_ndjson(tmp_path / "two.ndjson", [
        # a again with one old and two new spans; b again, now claiming production (the stored row wins)
        _tx_event(a, end, "production", [("s2", "db.sql.query", "Q1"), ("s5", "db", "Q2"), ("s6", "db", "Q3")]),
        _tx_event(b, end + 60, "production", [("t1", "db", "Q1")]),
        # c twice in one file, the second copy with one more span of a description already seen
        _tx_event(c, end + 120, "production", [("u1", "db", "Q1")]),
        _tx_event(c, end + 120, "production", [("u1", "db", "Q1"), ("u2", "db", "Q1"), ("u3", "db", "Q4")]),
    ])
    load(con, tmp_path / "one.ndjson")
    load(con, tmp_path / "two.ndjson")
    got = {(e[0], k): (ts, env, first) for e, k, ts, env, first in rows(
        con, "SELECT event_id, span_key, tx_ts, tx_environment, db_first FROM sentry_spans")}
    t0 = utc(2026, 10, 3, 9, 0)
    assert got == {
        ("a", "s1"): (t0, "production", True), ("a", "s2"): (t0, "production", False),
        ("a", "s3"): (t0, "production", True), ("a", "s4"): (t0, "production", None),
        ("a", "#5"): (t0, "production", True), ("a", "#6"): (t0, "production", False),
        ("a", "s5"): (t0, "production", False), ("a", "s6"): (t0, "production", True),
        ("b", "t1"): (t0 + timedelta(minutes=1), "staging", True),
        ("c", "u1"): (t0 + timedelta(minutes=2), "production", True),
        ("c", "u2"): (t0 + timedelta(minutes=2), "production", False),
        ("c", "u3"): (t0 + timedelta(minutes=2), "production", True),
    }
    # the marks count distinct transactions per description, as a DISTINCT over the stored spans does
    marked = rows(con, "SELECT description, count(*) FILTER (WHERE db_first), count(DISTINCT event_id) "
                       "FROM sentry_spans WHERE starts_with(op, 'db') GROUP BY ALL")
    assert all(n == distinct for _, n, distinct in marked) and len(marked) == 5


def test_a_span_id_repeated_in_a_payload_does_not_lose_the_first_db_mark(con, tmp_path):
    end = 1791018000.0
    # the repeated id keeps its first occurrence (Q2), so the Q1 span that stays is Q1's first
    write_ndjson(tmp_path / "dup.ndjson", [_tx_event("d" * 32, end, "production",
                                                     [("x", "db", "Q2"), ("x", "db", "Q1"), ("y", "db", "Q1")])])
    load(con, tmp_path / "dup.ndjson")
    got = rows(con, "SELECT span_key, description, db_first FROM sentry_spans ORDER BY span_key")
    assert got == [("x", "Q2", True), ("y", "Q1", True)]


# --- events: errors --------------------------------------------------------------------------

def test_error_uses_the_last_exception_and_any_unhandled_mechanism(con):
    load(con, EVENTS / "events-stored.ndjson")
    row = one(con, """
        SELECT ts, event_type, level, exc_type, exc_value, handled, mechanism, title, transaction,
               user_id, user_ip, trace_id, source FROM sentry_errors""")
    # 09:14:07.123+09:00 is 00:14:07.123 UTC; values[] is oldest-first, so the last is the outer error
    assert row == (utc(2026, 10, 3, 0, 14, 7, 123000), "error", "error", "DatabaseError", "could not load orders",
                   False, "onunhandledrejection", "DatabaseError: could not load orders", "/api/orders",
                   "u_42", "203.0.113.7", "9e1d6f3a0b1c4d2e8f7a6b5c4d3e2f10", "event")


def test_user_fields_other_than_id_and_ip_are_not_kept(con):
    load(con, EVENTS / "events-stored.ndjson")
    (extra,) = one(con, "SELECT extra FROM sentry_errors")
    assert "kim@example.com" not in extra and "user" not in json.loads(extra)


def test_handled_true_only_when_every_known_mechanism_is_handled(con):
    load(con, EVENTS / "events-bom.ndjson")
    got = dict(rows(con, "SELECT exc_type, handled FROM sentry_errors"))
    assert got == {"KeyError": False, "ValueError": True}


def test_issue_event_list_items_take_fields_from_tags_and_metadata(con):
    load(con, EVENTS / "issue-events.json")
    got = rows(con, """
        SELECT event_id, ts, event_type, level, environment, release, transaction, exc_type, handled,
               issue_id, title, message, user_id, user_ip, platform, item
        FROM sentry_errors ORDER BY ts""")
    assert got == [
        ("7d3b2e1f0a9c48d6b5e4f3a2c1d0e9f8", utc(2026, 10, 4, 23, 59, 58, 901000), "error", "error", "production",
         "web@1.4.2", "/dashboard", "TypeError", False, "5123456789",
         "TypeError: Cannot read properties of undefined (reading 'map')",
         "TypeError Cannot read properties of undefined (reading 'map')", "u_7", "198.51.100.23", "javascript", 1),
        ("8e4c3f2a1b0d49e7c6f5a4b3d2e1f0a9", utc(2026, 10, 5, 1, 2, 3), "default", "warning", "preview",
         None, None, None, None, "5123450000", "Payment provider returned 503", "Payment provider returned 503",
         None, None, "node", 2),
    ]


def test_missing_type_is_inferred_and_uuid_form_ids_are_normalised(con):
    (result,) = load(con, EVENTS / "events-array.json.gz")
    assert (result.loaded, result.duplicates) == (2, 1)
    err = one(con, "SELECT event_id, event_type, ts, exc_type, handled, tags FROM sentry_errors")
    assert err[:5] == ("c0ffee0012344abc8def0123456789ab", "error", utc(2026, 10, 7, 1, 4, 5, 500000),
                       "ChunkLoadError", None)
    assert json.loads(err[5]) == {"browser.name": "Safari"}
    tx = one(con, "SELECT event_id, duration_ms, op FROM sentry_transactions")
    assert tx == ("d00d00d00d00d00d00d00d00d00d00d0", 1250.0, "navigation")


@pytest.mark.parametrize("tags", [
    {"env": "prod", "http.status_code": "502"},
    [["env", "prod"], ["http.status_code", "502"]],
    [{"key": "env", "value": "prod"}, {"key": "http.status_code", "value": "502", "_meta": None}],
    [["env", "prod"], ["http.status_code", 502], ["env", "staging"], [None, "x"]],
])
def test_the_three_tag_shapes_normalise_to_one_map(con, tmp_path, tags):
    event = {"event_id": "ab" * 16, "type": "transaction", "start_timestamp": 1791018000.0,
             "timestamp": 1791018000.5, "platform": "node", "contexts": {"trace": {"op": "http.server"}},
             "tags": tags}
    load(con, write_ndjson(tmp_path / "e.ndjson", [event]))
    stored, http_status = one(con, "SELECT tags, http_status FROM sentry_transactions")
    assert json.loads(stored) == {"env": "prod", "http.status_code": "502"}
    assert http_status == 502


def test_empty_tags_are_null(con, tmp_path):
    event = {"event_id": "cd" * 16, "type": "error", "timestamp": 1791018000.0, "message": "m", "tags": []}
    load(con, write_ndjson(tmp_path / "e.ndjson", [event]))
    assert one(con, "SELECT tags FROM sentry_errors") == (None,)


def test_bad_events_are_quarantined_with_reasons(con):
    (result,) = load(con, EVENTS / "events-bad.ndjson")
    assert (result.records, result.loaded, result.rejected) == (11, 1, 10)
    assert reasons(con) == {
        (2, None): 'missing required field "event_id"',
        (3, None): 'field "event_id" is "not-an-id", expected 32 hex digits',
        (4, None): 'field "timestamp" is "yesterday at noon", expected an RFC 3339 time or epoch seconds',
        (5, None): 'field "timestamp" is 58725-02-07 00:00:00 UTC, an impossible time (expected 2000..2099; '
                   "Sentry sends epoch seconds, not milliseconds)",
        (6, None): 'field "start_timestamp" is after "timestamp": a transaction cannot end before it starts',
        (7, None): 'field "tags" is "env:prod", expected a map, a list of [key, value] pairs or a list of {key, value}',
        (8, None): 'field "measurements.lcp.unit" is "byte", expected a duration unit (millisecond, second, ...)',
        (9, None): 'field "type" is missing and the event has neither exception/message nor spans/start_timestamp: '
                   "cannot tell an error from a transaction",
        (10, None): 'missing required field "timestamp"',
        (11, None): "not valid JSON",
    }
    fields = dict(rows(con, "SELECT line, field FROM quarantine WHERE line < 11"))
    assert fields[2] == "event_id" and fields[8] == "measurements.lcp.unit" and fields[9] == "type"


def test_overlapping_event_files_never_double_count(con, tmp_path):
    load(con, EVENTS / "events-stored.ndjson")
    lines = (EVENTS / "events-stored.ndjson").read_text().splitlines()
    new = {"event_id": "ef" * 16, "type": "error", "timestamp": 1791018000.0, "message": "new one"}
    overlap = tmp_path / "overlap.ndjson"
    overlap.write_text("\n".join([lines[0], lines[1], json.dumps(new)]) + "\n")
    before = rows(con, "SELECT count(*) FROM sentry_spans")
    (result,) = load(con, overlap)
    assert (result.records, result.loaded, result.duplicates) == (3, 1, 2)
    assert rows(con, "SELECT count(*) FROM sentry_transactions") == [(2,)]
    assert rows(con, "SELECT count(*) FROM sentry_errors") == [(2,)]
    assert rows(con, "SELECT count(*) FROM sentry_spans") == before


# --- Discover -------------------------------------------------------------------------------

def test_discover_page_values_and_units(con):
    (result,) = load(con, DISCOVER / "discover-page.json")
    got = rows(con, """
        SELECT event_id, ts, duration_ms, transaction, op, status, http_status, environment, release, project,
               lcp, start_ts, source, line, item FROM sentry_transactions ORDER BY item""")
    assert got == [
        ("e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1", utc(2026, 10, 3, 9), 412.0, "/api/users/[id]", "http.server", "ok",
         200, "production", "web@1.4.2", "atcmp-web", None, None, "discover", None, 1),
        # 18:30+09:00 -> 09:30Z
        ("e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2", utc(2026, 10, 3, 9, 30), 2.5, "/api/orders", "http.server",
         "internal_error", 500, "production", "web@1.4.2", "atcmp-web", None, None, "discover", None, 2),
        # meta.units says measurements.lcp is in seconds: 2.35 s -> 2350 ms
        ("e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3", utc(2026, 10, 3, 9, 45), 3100.0, "/checkout", "pageload", "ok",
         None, "production", "web@1.4.2", "atcmp-web", pytest.approx(2350.0), None, "discover", None, 3),
    ]
    assert result.records == 3


def test_discover_pages_overlap_first_copy_wins(con):
    (result,) = load(con, DISCOVER / "discover-pages.ndjson")
    assert (result.loaded, result.duplicates) == (3, 1)
    got = rows(con, "SELECT event_id, line, item, duration_ms, http_status FROM sentry_transactions ORDER BY event_id")
    assert got == [("f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1", 1, 1, 180.25, 200),
                   ("f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2", 1, 2, 950.0, 504),
                   ("f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3", 2, 2, 75.0, 200)]


def test_discover_csv_direct_download_strips_the_export_quote(con):
    load(con, DISCOVER / "discover-download.csv")
    got = rows(con, "SELECT event_id, duration_ms, transaction, http_status, environment, cls, line "
                    "FROM sentry_transactions ORDER BY line")
    assert got == [
        ("a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0", 230.5, "/api/users/[id]", 200, "production", None, 2),
        ("a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", 1800.0, "/checkout", None, "production", 0.12, 3),
        ("a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2", 95.0, "/api/items, bulk", 200, "-production", None, 4),
    ]


def test_discover_csv_alias_header_maps_to_the_same_columns(con):
    load(con, DISCOVER / "discover-emailed.csv")
    got = rows(con, "SELECT ts, duration_ms, transaction, op, status, http_status, lcp, line FROM sentry_transactions "
                    "ORDER BY line")
    assert got == [
        (utc(2026, 10, 6, 1), 120.0, "/api/search", "http.server", "ok", 200, None, 2),
        (utc(2026, 10, 6, 1), 120.0, "/api/search", "http.server", "ok", 200, None, 3),
        (utc(2026, 10, 6, 1, 0, 7), 2400.0, "/", "pageload", "ok", None, 1950.5, 4),
    ]


def test_discover_gzip_crlf_bom_csv(con):
    load(con, DISCOVER / "discover-crlf-bom.csv.gz")
    got = rows(con, "SELECT event_id, duration_ms, op, http_status, lcp, inp FROM sentry_transactions ORDER BY event_id")
    assert got == [("d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0", 2200.5, "pageload", None, 2100.0, 150.0),
                   ("d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1", 4100.0, "http.server", 503, None, None)]


def test_discover_rows_without_id_get_a_content_key(con, tmp_path):
    (first,) = load(con, DISCOVER / "discover-emailed.csv")
    keys = [r[0] for r in rows(con, "SELECT event_id FROM sentry_transactions")]
    assert first.loaded == 3 and len(set(keys)) == 3 and all(k.startswith("h:") for k in keys)
    # the same rows re-exported as JSON (another format, another file) are duplicates
    again = [{"timestamp": "2026-10-06T01:00:00Z", "transaction": "/api/search", "transaction.duration": 120,
              "transaction.op": "http.server", "transaction.status": "ok", "http.status_code": "200",
              "environment": "production"}] * 2
    again.append({**again[0], "timestamp": "2026-10-06T01:00:01Z"})  # a new event
    (second,) = load(con, write_ndjson(tmp_path / "again.ndjson", again))
    assert (second.records, second.loaded, second.duplicates) == (3, 1, 2)
    assert rows(con, "SELECT count(*) FROM sentry_transactions") == [(4,)]


def test_discover_and_event_payloads_share_the_event_id_key(con, tmp_path):
    load(con, EVENTS / "events-stored.ndjson")
    page = {"data": [{"id": "a1b2c3d4e5f60718293a4b5c6d7e8f90", "timestamp": "2026-10-03T09:00:00Z",
                      "transaction": "/api/users/[id]", "transaction.duration": 412}],
            "meta": {"fields": {"id": "string"}, "units": {"transaction.duration": "millisecond"}}}
    (result,) = load(con, write_ndjson(tmp_path / "page.ndjson", [page]))
    assert (result.loaded, result.duplicates) == (0, 1)
    assert one(con, "SELECT source, duration_ms FROM sentry_transactions "
                    "WHERE event_id = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'") == ("event", 412.5)


def test_discover_aggregates_are_not_transactions(con):
    (result,) = load(con, DISCOVER / "discover-aggregates.json")
    assert result.loaded == 2
    assert rows(con, "SELECT count(*) FROM sentry_transactions") == [(0,)]
    got = rows(con, "SELECT fields, row, units, item FROM sentry_discover_aggregates ORDER BY item")
    assert json.loads(got[0][0]) == ["transaction", "count()", "p95(transaction.duration)", "failure_rate()"]
    assert json.loads(got[0][1]) == {"transaction": "/api/search", "count()": 1520,
                                     "p95(transaction.duration)": 812.4, "failure_rate()": 0.0125}
    assert json.loads(got[1][2])["p95(transaction.duration)"] == "millisecond"


def test_discover_aggregates_from_the_emailed_csv(con):
    load(con, DISCOVER / "discover-aggregates-emailed.csv")
    got = [json.loads(r[0]) for r in rows(con, "SELECT row FROM sentry_discover_aggregates ORDER BY line")]
    assert got == [
        {"transaction": "/api/search", "count": "1520", "p95_transaction_duration": "812.4",
         "failure_rate": "0.0125", "equation[0]": "=1520*2"},
        {"transaction": "/api/orders", "count": "310", "p95_transaction_duration": "1290",
         "failure_rate": "0.0032", "equation[0]": "-4"},
    ]
    assert rows(con, "SELECT count(*) FROM sentry_transactions") == [(0,)]


def test_discover_error_rows_go_to_sentry_errors(con):
    load(con, DISCOVER / "discover-errors.json")
    row = one(con, "SELECT event_id, ts, event_type, level, exc_type, exc_value, handled, issue_id, title, "
                   "environment, transaction, source FROM sentry_errors")
    assert row == ("c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0", utc(2026, 10, 8, 5, 6, 7), "error", "error", "DatabaseError",
                   "could not load orders", False, "5123456700", "DatabaseError: could not load orders",
                   "production", "/api/orders", "discover")
    assert rows(con, "SELECT count(*) FROM sentry_transactions") == [(0,)]


def test_bad_discover_rows_are_quarantined_with_reasons(con):
    (result,) = load(con, DISCOVER / "discover-bad.ndjson")
    assert (result.records, result.loaded, result.rejected) == (9, 1, 8)
    got = rows(con, "SELECT line, item, field, reason FROM quarantine ORDER BY line, item, reason")
    assert got == [
        (1, 2, "timestamp", 'missing required field "timestamp"; add field=timestamp to the Discover query so '
                            "each row can be placed in time"),
        (1, 3, "id", 'field "id" is "b2", expected a 32-hex event id'),
        (1, 4, "transaction.duration", 'field "transaction.duration" is "slow" (a string), expected a number; '
                                       "Discover sends milliseconds"),
        (1, 5, None, "data[5] is a JSON varchar, expected an object"),
        (1, 6, "timestamp", 'field "timestamp" is "07/10/2026", expected an RFC 3339 time or epoch seconds'),
        (1, 7, "transaction.duration", 'field "transaction.duration" is negative'),
        (2, None, "data", 'field "data" is "oops", expected an array of rows'),
        (3, 1, "transaction.duration", 'field "transaction.duration" has unit "furlong" in meta.units, '
                                       "expected a duration unit"),
    ]


# --- issues ---------------------------------------------------------------------------------

def test_issue_values(con):
    load(con, ISSUES / "issues-page.json")
    row = one(con, """
        SELECT short_id, title, culprit, level, status, substatus, count, user_count, first_seen, last_seen,
               type, issue_category, issue_type, is_unhandled, priority, platform, project_id, project_slug,
               permalink, metadata, stats, extra FROM sentry_issues WHERE id = '5123456789'""")
    assert row[:19] == ("ATCMP-WEB-1A", "TypeError: Cannot read properties of undefined (reading 'map')",
                        "app/dashboard/page", "error", "unresolved", "escalating", 1523, 311,
                        utc(2026, 9, 28, 2, 11, 45, 123000), utc(2026, 10, 5, 8), "error", "error", "error", True,
                        "high", "javascript", "4501234", "atcmp-web", "https://acme.sentry.io/issues/5123456789/")
    assert json.loads(row[19])["filename"] == "app/dashboard/page.tsx"
    assert json.loads(row[20]) == {"24h": [[1791072000, 12], [1791075600, 0], [1791079200, 40]]}
    assert json.loads(row[21])["numComments"] == 0 and "count" not in json.loads(row[21])
    # +09:00 offset converted to UTC
    assert one(con, "SELECT first_seen FROM sentry_issues WHERE id = '5123450000'") == (utc(2026, 9, 30, 15),)


def test_issue_latest_state_wins_within_a_file(con):
    (result,) = load(con, ISSUES / "issues-pages.ndjson")
    assert (result.records, result.loaded, result.duplicates) == (4, 2, 2)
    # line 2 has the latest lastSeen; line 3 comes later in the file but is older
    assert one(con, "SELECT status, count, user_count, last_seen, line FROM sentry_issues WHERE id = '6000000001'") == (
        "resolved", 25, 19, utc(2026, 10, 4, 6), 2)


def _issue(last_seen: str, count: str, status: str) -> dict:
    return {"id": "9000000001", "shortId": "ATCMP-X-1", "title": "t", "count": count, "userCount": 1,
            "status": status, "firstSeen": "2026-10-01T00:00:00Z", "lastSeen": last_seen}


def test_issue_latest_state_wins_across_files_ties_go_to_the_later_file(con, tmp_path):
    load(con, write_ndjson(tmp_path / "a.ndjson", [_issue("2026-10-05T00:00:00Z", "50", "unresolved")]))
    (older,) = load(con, write_ndjson(tmp_path / "b.ndjson", [_issue("2026-10-04T00:00:00Z", "40", "resolved")]))
    assert (older.loaded, older.duplicates) == (0, 1)
    assert one(con, "SELECT count, status FROM sentry_issues") == (50, "unresolved")
    (tie,) = load(con, write_ndjson(tmp_path / "c.ndjson", [_issue("2026-10-05T00:00:00Z", "51", "ignored")]))
    assert (tie.loaded, tie.duplicates) == (0, 1)
    assert one(con, "SELECT count, status, file_id FROM sentry_issues") == (51, "ignored", tie_file_id(con))
    (newer,) = load(con, write_ndjson(tmp_path / "d.ndjson", [_issue("2026-10-06T00:00:00Z", "60", "resolved")]))
    assert (newer.loaded, newer.duplicates) == (0, 1)
    assert one(con, "SELECT count, status, last_seen FROM sentry_issues") == (60, "resolved", utc(2026, 10, 6))
    assert rows(con, "SELECT count(*) FROM sentry_issues") == [(1,)]


def tie_file_id(con) -> int:
    return one(con, "SELECT max(file_id) FROM ingest_files WHERE path LIKE '%c.ndjson'")[0]


def test_bad_issues_are_quarantined_with_reasons(con):
    (result,) = load(con, ISSUES / "issues-bad.json")
    assert (result.records, result.loaded, result.rejected) == (6, 1, 5)
    assert reasons(con) == {
        (None, 2): 'missing required field "id"',
        (None, 3): 'field "count" is "lots" (a string), expected an integer; the Issues API sends the event '
                   "count as a string of digits",
        (None, 4): 'field "lastSeen" is "last tuesday", expected an RFC 3339 time or epoch seconds',
        (None, 5): 'missing required field "lastSeen"',
        (None, 6): 'field "userCount" is "many" (a string), expected an integer',
    }


# --- org stats ------------------------------------------------------------------------------

def test_stats_rows_per_group_and_interval(con):
    (result,) = load(con, STATS / "stats-outcome.json")
    assert (result.records, result.loaded) == (9, 9)
    assert "category unknown" in result.message
    got = rows(con, "SELECT interval_start, interval_end, interval_s, category, outcome, reason, quantity, item "
                    "FROM sentry_org_stats WHERE outcome = 'rate_limited' ORDER BY interval_start")
    assert got == [
        (utc(2026, 10, 1), utc(2026, 10, 2), 86400, "unknown", "rate_limited", None, 0, 2),
        (utc(2026, 10, 2), utc(2026, 10, 3), 86400, "unknown", "rate_limited", None, 40, 2),
        (utc(2026, 10, 3), utc(2026, 10, 4), 86400, "unknown", "rate_limited", None, 5, 2),
    ]
    assert one(con, "SELECT sum(quantity) FROM sentry_org_stats WHERE outcome = 'accepted'") == (3300,)


def test_stats_grouped_by_category_and_reason_and_the_later_line_wins(con):
    (result,) = load(con, STATS / "stats-by-category.ndjson")
    assert (result.records, result.loaded, result.duplicates) == (12, 9, 3)
    got = rows(con, "SELECT interval_start, interval_end, quantity, line FROM sentry_org_stats "
                    "WHERE category = 'transaction' ORDER BY interval_start")
    # line 2 re-pulled the hours: 02:00 went from 250 to 360 and its end from 02:30 to 03:00
    assert got == [(utc(2026, 10, 5, 0), utc(2026, 10, 5, 1), 300, 2),
                   (utc(2026, 10, 5, 1), utc(2026, 10, 5, 2), 350, 2),
                   (utc(2026, 10, 5, 2), utc(2026, 10, 5, 3), 360, 2)]
    assert one(con, "SELECT quantity FROM sentry_org_stats WHERE reason = 'too_large' AND "
                    "interval_start = TIMESTAMPTZ '2026-10-05 01:00:00+00'") == (1,)


def _stats(intervals: list[str], end: str, groups: list[dict], **top) -> dict:
    return {"start": intervals[0], "end": end, "intervals": intervals, "groups": groups, **top}


def test_stats_a_later_file_replaces_the_value_but_not_other_granularities(con, tmp_path):
    load(con, STATS / "stats-by-category.ndjson")
    hourly = _stats(["2026-10-05T01:00:00Z", "2026-10-05T02:00:00Z"], "2026-10-05T03:00:00Z",
                    [{"by": {"category": "error", "outcome": "accepted"}, "series": {"sum(quantity)": [9, 2]}}])
    (result,) = load(con, write_ndjson(tmp_path / "repull.ndjson", [hourly]))
    assert (result.records, result.loaded, result.duplicates) == (2, 0, 2)
    assert one(con, "SELECT quantity FROM sentry_org_stats WHERE category = 'error' AND outcome = 'accepted' AND "
                    "reason IS NULL AND interval_start = TIMESTAMPTZ '2026-10-05 01:00:00+00'") == (9,)
    daily = _stats(["2026-10-05T00:00:00Z"], "2026-10-06T00:00:00Z",
                   [{"by": {"category": "error", "outcome": "accepted"}, "series": {"sum(quantity)": [40]}}])
    (result,) = load(con, write_ndjson(tmp_path / "daily.ndjson", [daily]))
    assert (result.loaded, result.duplicates) == (1, 0)
    assert rows(con, "SELECT interval_s, quantity FROM sentry_org_stats WHERE category = 'error' AND "
                     "outcome = 'accepted' AND interval_start = TIMESTAMPTZ '2026-10-05 00:00:00+00' "
                     "ORDER BY interval_s") == [(3600, 4), (86400, 40)]
    assert rows(con, "SELECT count(*) FROM sentry_org_stats") == [(10,)]


def test_stats_category_from_the_file_name_or_a_top_level_field(con, tmp_path):
    (by_name,) = load(con, STATS / "stats_v2-transaction-2026-10-06.json.gz")
    assert "taken from the file name" in by_name.message
    assert one(con, "SELECT category, quantity, times_seen, interval_end FROM sentry_org_stats") == (
        "transaction", 77, 70, utc(2026, 10, 7))
    doc = _stats(["2026-10-08T00:00:00Z"], "2026-10-09T00:00:00Z",
                 [{"by": {"outcome": "accepted"}, "series": {"sum(quantity)": [3]}}], category="replay")
    load(con, write_ndjson(tmp_path / "stats-error.ndjson", [doc]))  # the field beats the file name
    assert one(con, "SELECT category FROM sentry_org_stats WHERE quantity = 3") == ("replay",)


@pytest.mark.parametrize(("name", "category"), [
    ("stats_v2-transactions.json", "transaction"),
    ("org-stats_error_2026-10.json.gz", "error"),
    ("category=span.json", "span"),
    ("stats-profile_duration.json", "profile_duration"),
    ("stats-error-and-transaction.json", None),
    ("stats.json", None),
    ("errors-terror.json", "error"),
])
def test_category_from_file_name(name, category):
    assert sentry_stats.category_from_name(name) == category


def test_bad_stats_are_quarantined_with_reasons(con):
    (result,) = load(con, STATS / "stats-bad.ndjson")
    assert (result.records, result.loaded, result.rejected) == (6, 1, 5)
    assert reasons(con) == {
        (2, None): 'field "groups" has a series whose length differs from the number of intervals',
        (3, None): 'field "intervals" holds Oct 8, not an ISO time',
        (4, None): 'field "end" is needed after a single interval to know its length',
        (5, None): 'missing required field "intervals"',
        (6, None): 'field "groups" has a group without a "sum(quantity)" or "sum(times_seen)" series',
    }


# --- idempotency ----------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    EVENTS / "events-stored.ndjson", DISCOVER / "discover-page.json", DISCOVER / "discover-emailed.csv",
    DISCOVER / "discover-aggregates-emailed.csv", ISSUES / "issues-pages.ndjson", STATS / "stats-by-category.ndjson",
])
def test_loading_the_same_content_again_from_another_file_changes_nothing(con, tmp_path, path):
    tables = ("sentry_transactions", "sentry_spans", "sentry_errors", "sentry_issues", "sentry_org_stats",
              "sentry_discover_aggregates")

    def snapshot():
        return {t: sorted(map(str, rows(con, f"SELECT * EXCLUDE (file_id) FROM {t}"))) for t in tables}

    (first,) = load(con, path)
    before = snapshot()
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes() + b"\n")  # another file (another sha256), same records
    (second,) = load(con, copy)
    assert second.status == "loaded"
    assert second.loaded == 0
    assert second.duplicates == first.loaded + first.duplicates
    assert snapshot() == before


def test_gzip_and_plain_copies_read_the_same(con, tmp_path):
    gz = tmp_path / "events.ndjson.gz"
    gz.write_bytes(gzip.compress((EVENTS / "events-stored.ndjson").read_bytes()))
    (result,) = load(con, gz)
    assert (result.kind, result.records, result.loaded) == ("sentry_events", 3, 3)
    assert one(con, "SELECT max(ts) - min(ts) FROM sentry_transactions") == (timedelta(seconds=102, microseconds=837500),)


def test_discover_routing_by_dataset_and_event_type(con, tmp_path):
    rows_ = [{"id": "1" * 32, "timestamp": "2026-10-10T00:00:00Z", "title": "/api/a", "transaction": "/api/a"}]
    pages = [
        {"data": rows_, "meta": {"fields": {"id": "string"}, "dataset": "transactions"}},
        {"data": [{**rows_[0], "id": "2" * 32}], "meta": {"fields": {"id": "string"}, "dataset": "discover"}},
        {"data": [{**rows_[0], "id": "3" * 32, "event.type": "transaction"}], "meta": {"dataset": "discover"}},
        {"data": [{**rows_[0], "id": "4" * 32, "event.type": "default"}], "meta": {"dataset": "discover"}},
    ]
    load(con, write_ndjson(tmp_path / "pages.ndjson", pages))
    assert rows(con, "SELECT event_id FROM sentry_transactions ORDER BY 1") == [("1" * 32,), ("3" * 32,)]
    # without a dataset or event.type saying otherwise, a title without a duration is an error row
    assert rows(con, "SELECT event_id, event_type FROM sentry_errors ORDER BY 1") == [
        ("2" * 32, "error"), ("4" * 32, "default")]


def test_a_large_pretty_api_event_is_detected_and_loaded(con, tmp_path):
    event = json.loads((EVENTS / "event-api-transaction.json").read_text())
    crumbs = [{"type": "default", "message": "x" * 200, "timestamp": "2026-10-04T09:00:00Z"}] * 2000
    event["entries"].insert(0, {"type": "breadcrumbs", "data": {"values": crumbs}})
    path = tmp_path / "big-event.json"
    path.write_text(json.dumps(event, indent=2, sort_keys=True))  # the API sorts keys: eventID after entries
    head = read_head(path)
    assert path.stat().st_size > 400_000 and head.first is None
    (result,) = load(con, path)
    assert (result.kind, result.loaded, result.rejected) == ("sentry_events", 1, 0)
    assert one(con, "SELECT duration_ms FROM sentry_transactions") == (2125.0,)
    assert rows(con, "SELECT count(*) FROM sentry_spans") == [(2,)]
