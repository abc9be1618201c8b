"""Audit log, uptime probe (Kuma, generic, Upptime) and Lighthouse sources: values, rules, dedupe."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from reports import sources
from reports.config import AuditColumns, Config, Monitor, SourceSettings
from reports.detect import read_head
from tests.conftest import FIXTURES, load, rows

MY_KINDS = ("audit_logs", "kuma_heartbeats", "upptime_summary", "probes", "lighthouse_lhr", "lhci_manifest",
            "lhci_assertions")
AUDIT = FIXTURES / "audit_logs"
KUMA = FIXTURES / "kuma_heartbeats"
PROBES = FIXTURES / "probes"
UPPTIME = FIXTURES / "upptime_summary"
LHR = FIXTURES / "lighthouse_lhr"
MANIFEST = FIXTURES / "lhci_manifest"
ASSERT = FIXTURES / "lhci_assertions"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def quarantined(con, name: str) -> list[tuple]:
    return rows(con, "SELECT line, item, field, reason FROM quarantine WHERE path LIKE ? ORDER BY line, item",
                f"%{name}")


def one(result_list):
    (result,) = result_list
    assert result.status == "loaded", result.message
    return result


# --- detection -------------------------------------------------------------------------------

def _fixture_files(kind: str) -> list[Path]:
    return sorted(p for p in (FIXTURES / kind).iterdir() if p.name != "expected.toml")


@pytest.mark.parametrize("kind", MY_KINDS)
def test_detection_picks_the_kind_of_each_fixture(kind):
    files = _fixture_files(kind)
    assert files
    for path in files:
        assert sources.detect(read_head(path)) == kind, path.name


def test_my_sniffers_do_not_claim_other_kinds_files():
    for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for path in _fixture_files(folder.name):
            head = read_head(path)
            claims = [k for k in MY_KINDS if k != folder.name and sources.get(k).sniff(head)]
            assert claims == [], f"{folder.name}/{path.name} claimed by {claims}"


# --- audit logs ------------------------------------------------------------------------------

def test_audit_supabase_csv_values(con):
    one(load(con, AUDIT / "audit_logs_rows.csv"))
    got = {r[0]: r[1:] for r in rows(
        con, "SELECT id, created_at, user_id, status, user_agent, metadata::VARCHAR, line FROM audit_logs")}
    first = got["8d0f6c1e-2b7a-4f55-9c1e-3f4a1d2b9e01"]
    assert first[0] == utc(2026, 10, 3, 9, 14, 7, 123456)
    assert first[2] == "success"
    # a quoted cell with commas stays whole; doubled quotes are unescaped and the jsonb text parsed
    assert first[3] == ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
                        "(KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36")
    assert json.loads(first[4]) == {"method": "password", "mfa": True}
    assert first[5] == 2  # header is line 1
    failed = got["1f2e3d4c-5b6a-4789-8abc-def012345678"]
    assert failed[1] is None  # empty cell = NULL
    assert failed[2] == "failure"  # FAILURE lower-cased
    assert failed[0] == utc(2026, 10, 3, 9, 15, 10, 500000)
    deleted = got["2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d"]
    assert deleted[0] == utc(2026, 10, 3, 9, 20)  # 18:20 at +09
    assert json.loads(deleted[4]) == {"name": 'Old project, "draft"', "tags": ["a", "b"]}
    pending = got["3b4c5d6e-7f80-4192-a3b4-c5d6e7f80912"]
    assert pending[2] == "pending" and pending[3] is None and pending[4] is None


def test_audit_json_values_extra_and_double_encoded_metadata(con):
    one(load(con, AUDIT / "audit.ndjson"))
    one(load(con, AUDIT / "audit-array.json"))
    got = {r[0]: r[1:] for r in rows(
        con, "SELECT id, created_at, status, metadata::VARCHAR, extra::VARCHAR, line, item FROM audit_logs")}
    assert got["1001"][0] == utc(2026, 10, 3, 9, 14, 7, 123456)  # a bigint id is kept as text
    assert json.loads(got["1002"][3]) == {"request_id": "req_01HZX"}  # unmapped field kept
    assert got["1003"][0] == utc(2026, 10, 3, 9, 17)  # no offset: UTC
    assert got["1003"][1] == "success"  # "Success" lower-cased
    assert got["1003"][2] is None
    created = got["c0ffee00-0000-4000-8000-000000000001"]
    assert json.loads(created[2]) == {"name": "New", "plan": "pro"}  # JSON text in a string, parsed
    assert created[0] == utc(2026, 10, 5, 1, 2, 3, 1)
    assert (created[4], created[5]) == (None, 1)
    renamed = got["c0ffee00-0000-4000-8000-000000000002"]
    assert json.loads(renamed[2]) == "renamed by support"  # a plain jsonb string stays a string
    assert renamed[0] == utc(2026, 10, 4, 16, 5)


def test_audit_bad_records_are_quarantined_with_reasons(con):
    result = one(load(con, AUDIT / "audit-bad.ndjson"))
    assert (result.records, result.loaded, result.duplicates, result.rejected) == (6, 1, 1, 4)
    assert quarantined(con, "audit-bad.ndjson") == [
        (2, None, "action", 'missing required field "action"'),
        (3, None, "created_at", 'field "created_at" is not a valid time'),
        (4, None, "metadata", 'field "metadata" is not valid JSON: {"broken": '),
        (5, None, "id", 'missing required field "id"'),
    ]
    one(load(con, AUDIT / "audit-bad.csv"))
    assert quarantined(con, "audit-bad.csv") == [
        (3, None, "metadata", 'field "metadata" is not valid JSON: not json'),
        (4, None, "created_at", 'missing required field "created_at"'),
    ]


def test_audit_column_mapping_comes_from_the_config(con, tmp_path):
    path = tmp_path / "audit_events.csv"
    path.write_text(
        "event_id,inserted_at,actor,event,target_kind,target,outcome,ip,ua,payload,tenant\n"
        "e1,2026-10-03 00:00:00+09,u1,user.login,user,u1,Success,192.0.2.1,x,\"{\"\"a\"\": 1}\",t9\n"
        "e2,2026-10-03 00:05:00+09,u1,,user,u1,success,192.0.2.1,x,{},t9\n"
        "e3,2026-10-03 00:06:00+09,u1,user.logout,user,u1,success,192.0.2.1,x,{nope,t9\n",
        encoding="utf-8",
    )
    columns = AuditColumns(id="event_id", created_at="inserted_at", user_id="actor", action="event",
                           resource_type="target_kind", resource_id="target", status="outcome", ip_address="ip",
                           user_agent="ua", metadata="payload")
    config = Config(sources=SourceSettings(audit_columns=columns))
    result = one(load(con, path, config=config, source="audit_logs"))
    assert (result.loaded, result.rejected) == (1, 2)
    assert rows(con, "SELECT id, created_at, user_id, action, resource_type, resource_id, status, ip_address, "
                "user_agent, metadata::VARCHAR, extra::VARCHAR FROM audit_logs") == [
        ("e1", utc(2026, 10, 2, 15), "u1", "user.login", "user", "u1", "success", "192.0.2.1", "x", '{"a":1}',
         '{"tenant":"t9"}'),
    ]
    assert quarantined(con, "audit_events.csv") == [
        (3, None, "event", 'missing required field "event"'),
        (4, None, "payload", 'field "payload" is not valid JSON: {nope'),
    ]


def test_audit_overlapping_exports_do_not_double_count(con, tmp_path):
    one(load(con, AUDIT / "audit.ndjson"))
    overlap = tmp_path / "audit-next.ndjson"
    overlap.write_text(
        '{"id":1003,"created_at":"2026-10-03T09:17:00Z","action":"role.update","metadata":{}}\n'
        '{"id":1004,"created_at":"2026-10-03T09:18:00Z","action":"user.logout","metadata":{}}\n',
        encoding="utf-8",
    )
    result = one(load(con, overlap))
    assert (result.records, result.loaded, result.duplicates) == (2, 1, 1)
    assert rows(con, "SELECT count(*), count(DISTINCT id) FROM audit_logs") == [(4, 4)]


# --- Uptime Kuma -----------------------------------------------------------------------------

def test_kuma_state_mapping_time_and_default_names(con):
    one(load(con, KUMA / "heartbeat-sqlite.json"))
    assert rows(con, "SELECT monitor, ts, state, status_code, response_ms, message, origin, kuma_monitor_id, "
                "item FROM probe_results ORDER BY item") == [
        ("kuma-1", utc(2026, 10, 3, 9, 14, 7, 123000), "up", 200, 182.0, "200 - OK", "kuma", 1, 1),
        ("kuma-2", utc(2026, 10, 3, 9, 14, 9, 880000), "up", 200, 95.0, "200 - OK", "kuma", 2, 2),
        ("kuma-1", utc(2026, 10, 3, 9, 15, 7, 456000), "down", 503, None,
         "Request failed with status code 503", "kuma", 1, 3),
        ("kuma-1", utc(2026, 10, 3, 9, 16, 7, 1000), "down", None, None, "timeout of 48000ms exceeded", "kuma", 1, 4),
        ("kuma-1", utc(2026, 10, 3, 9, 17, 7), "maintenance", None, None, "Monitor under maintenance", "kuma", 1, 5),
    ]
    extra = json.loads(rows(con, "SELECT extra::VARCHAR FROM probe_results WHERE item = 3")[0][0])
    assert extra["important"] == 1 and extra["down_count"] == 1


def test_kuma_monitor_names_and_urls_come_from_the_config(con):
    config = Config(monitors={"app": Monitor(url="https://app.example.com/", kuma_monitor_id=1),
                              "api": Monitor(url="https://app.example.com/api/health", kuma_monitor_id=7)})
    one(load(con, KUMA / "heartbeat-sqlite.json", config=config))
    one(load(con, KUMA / "heartbeat.csv", config=config))
    assert rows(con, "SELECT monitor, kuma_monitor_id, url, count(*) FROM probe_results GROUP BY ALL ORDER BY 2") == [
        ("app", 1, "https://app.example.com/", 4),
        ("kuma-2", 2, None, 1),
        ("api", 7, "https://app.example.com/api/health", 4),
    ]


def test_kuma_csv_and_socket_shapes(con):
    one(load(con, KUMA / "heartbeat.csv"))
    assert rows(con, "SELECT ts, state, response_ms, message, line FROM probe_results ORDER BY ts") == [
        (utc(2026, 10, 3, 10, 0), "up", 210.0, "200 - OK", 2),
        (utc(2026, 10, 3, 10, 1), "up", 198.0, "200 - OK", 3),
        (utc(2026, 10, 3, 10, 2), "down", None, "getaddrinfo ENOTFOUND app.example.com, retrying", 4),
        (utc(2026, 10, 3, 10, 3), "up", 205.0, None, 5),
    ]
    one(load(con, KUMA / "heartbeat-socket.ndjson"))
    # monitorID spelling; localDateTime is Kuma's local rendering, `time` is the UTC instant
    assert rows(con, "SELECT monitor, ts, state, line FROM probe_results WHERE kuma_monitor_id = 2 ORDER BY ts") == [
        ("kuma-2", utc(2026, 10, 3, 11, 0, 0, 512000), "up", 1),
        ("kuma-2", utc(2026, 10, 3, 11, 1, 0, 511000), "down", 2),
        ("kuma-2", utc(2026, 10, 3, 11, 2, 0, 502000), "up", 4),
    ]


def test_kuma_bad_records_and_overlap(con):
    result = one(load(con, KUMA / "heartbeat-bad.ndjson"))
    assert (result.records, result.loaded, result.duplicates, result.rejected) == (8, 2, 1, 5)
    assert quarantined(con, "heartbeat-bad.ndjson") == [
        (2, None, "status", 'field "status" is 7, expected 0 (down), 1 (up), 2 (pending) or 3 (maintenance)'),
        (3, None, "monitor_id", 'missing required field "monitor_id"'),
        (4, None, "time", 'field "time" is not a valid time'),
        (5, None, "ping", 'field "ping" is "fast" (a string), expected a number'),
        (7, None, None, "not valid JSON"),
    ]
    one(load(con, KUMA / "heartbeat.csv"))
    again = one(load(con, KUMA / "heartbeat-copy.csv.gz"))  # same heartbeats, other bytes
    assert (again.loaded, again.duplicates) == (0, 4)


# --- generic probes --------------------------------------------------------------------------

def test_probe_state_rules_csv(con):
    one(load(con, PROBES / "probes.csv"))
    assert rows(con, "SELECT monitor, ts, state, status_code, response_ms, message, origin FROM probe_results "
                "ORDER BY line") == [
        ("health", utc(2026, 10, 3, 9, 14, 7), "up", 200, 182.5, None, "probe"),
        ("health", utc(2026, 10, 3, 9, 15, 7), "down", 503, 2011.0, None, "probe"),  # ok=false, 503
        ("health", utc(2026, 10, 3, 9, 16, 7), "down", None, 30000.0, "timeout after 30000 ms, giving up", "probe"),
        ("health", utc(2026, 10, 3, 9, 17, 7), "up", 301, 90.1, None, "probe"),  # 3xx is up
        ("home", utc(2026, 10, 3, 9, 17, 7), "down", 404, 120.0, None, "probe"),  # ok=1 but 404
    ]


def test_probe_state_column_wins_and_bom_crlf(con):
    one(load(con, PROBES / "probes-state-bom-crlf.csv"))
    assert rows(con, "SELECT ts, state, status_code, message FROM probe_results ORDER BY ts") == [
        (utc(2026, 10, 3, 9, 20), "degraded", 200, None),
        (utc(2026, 10, 3, 9, 21), "maintenance", None, None),
        (utc(2026, 10, 3, 9, 22), "down", 0, "ECONNRESET"),  # empty state: the rules apply
        (utc(2026, 10, 3, 9, 23), "up", 200, None),  # "UP" lower-cased
    ]


def test_probe_ndjson_rules_offsets_and_extra(con):
    one(load(con, PROBES / "probes.ndjson"))
    assert rows(con, "SELECT ts, state, status_code, message, extra::VARCHAR FROM probe_results ORDER BY line") == [
        (utc(2026, 10, 3, 9, 30, 0, 250000), "up", 200, None, None),
        (utc(2026, 10, 3, 9, 31, 0, 250000), "down", None, "getaddrinfo ENOTFOUND app.example.com", None),
        (utc(2026, 10, 3, 9, 32, 0, 250000), "down", 500, None, '{"region":"icn1"}'),  # ok=true but 500
        (utc(2026, 10, 3, 9, 33, 0, 250000), "up", 200, None, None),  # +09:00; empty error is no error
    ]


def test_probe_bad_records(con):
    result = one(load(con, PROBES / "probes-bad.ndjson"))
    assert (result.records, result.loaded, result.rejected) == (10, 3, 7)
    assert quarantined(con, "probes-bad.ndjson") == [
        (2, None, "ok", 'field "ok" is "perhaps" (a string), expected true or false; write true/false (or 1/0)'),
        (3, None, "ts", 'field "ts" is not a valid time'),
        (4, None, "monitor", 'missing required field "monitor"'),
        (5, None, "state", 'field "state" is "sideways", expected up, down, degraded or maintenance'),
        (6, None, "ok", 'missing required field "ok" (or a status_code, error or state telling how the probe went)'),
        (7, None, "status_code", 'field "status_code" is "two hundred" (a string), expected an integer'),
        (8, None, "ts", 'field "ts" is 1970-01-01 00:00:00 UTC, an impossible time '
         "(expected 2000..2099; seconds given where milliseconds are expected?)"),
    ]
    assert rows(con, "SELECT state, line, item FROM probe_results ORDER BY line, item") == [
        ("up", 1, None), ("up", 9, 1), ("down", 9, 2)]


def test_probes_and_kuma_share_the_table_and_its_key(con, tmp_path):
    one(load(con, PROBES / "probes.ndjson"))
    overlap = tmp_path / "probe-overlap.csv"
    overlap.write_text("ts,monitor,url,ok,status_code,response_ms,error\n"
                       "2026-10-03T18:30:00.250+09:00,health,https://app.example.com/api/health,true,200,75.2,\n"
                       "2026-10-03T09:34:00.250Z,health,https://app.example.com/api/health,true,200,60,\n")
    result = one(load(con, overlap))
    assert (result.loaded, result.duplicates) == (1, 1)
    config = Config(monitors={"health": Monitor(kuma_monitor_id=5)})
    beat = tmp_path / "beat.json"
    beat.write_text('[{"monitor_id":5,"status":1,"time":"2026-10-03 09:34:00.250","ping":61,"msg":""},'
                    '{"monitor_id":5,"status":0,"time":"2026-10-03 09:35:00.000","ping":null,"msg":"down"}]')
    kuma = one(load(con, beat, config=config))
    assert (kuma.loaded, kuma.duplicates) == (1, 1)
    assert rows(con, "SELECT origin, count(*) FROM probe_results GROUP BY 1 ORDER BY 1") == [
        ("kuma", 1), ("probe", 5)]


# --- Upptime ---------------------------------------------------------------------------------

def test_upptime_daily_rows_sites_and_note(con):
    result = one(load(con, UPPTIME / "summary.json"))
    assert result.message == "Upptime gives daily granularity only"
    assert (result.records, result.loaded) == (3, 4)
    assert rows(con, "SELECT slug, day, minutes_down, uptime_month, uptime_month_fraction, url, item "
                "FROM upptime_daily ORDER BY slug, day") == [
        ("atcmp-api-health", date(2026, 10, 1), 4.0, "99.99%", 0.9999, "https://app.example.com/api/health", 2),
        ("atcmp-app", date(2026, 9, 14), 32.0, "99.87%", 0.9987, "https://app.example.com", 1),
        ("atcmp-app", date(2026, 9, 28), 5.0, "99.87%", 0.9987, "https://app.example.com", 1),
        ("atcmp-app", date(2026, 10, 3), 21.0, "99.87%", 0.9987, "https://app.example.com", 1),
    ]
    # a site never down is still known
    assert rows(con, "SELECT slug, status, uptime_month_fraction, time_ms, extra::VARCHAR FROM upptime_sites "
                "WHERE slug = 'docs'") == [
        ("docs", "up", 1.0, 95.0, '{"icon":"https://favicons.githubusercontent.com/docs.example.com"}')]


def test_upptime_later_file_replaces_values(con):
    one(load(con, UPPTIME / "summary.json"))
    later = one(load(con, UPPTIME / "summary-later.json"))
    assert (later.loaded, later.duplicates) == (1, 3)
    assert rows(con, "SELECT day, minutes_down, uptime_month FROM upptime_daily WHERE slug = 'atcmp-app' "
                "ORDER BY day") == [
        (date(2026, 9, 14), 32.0, "99.80%"),
        (date(2026, 9, 28), 5.0, "99.80%"),
        (date(2026, 10, 3), 27.0, "99.80%"),  # 21 → 27: the later file wins
        (date(2026, 10, 4), 42.0, "99.80%"),
    ]
    assert rows(con, "SELECT slug, status FROM upptime_sites ORDER BY slug") == [
        ("atcmp-api-health", "degraded"), ("atcmp-app", "down"), ("docs", "up")]
    assert rows(con, "SELECT count(*) FROM upptime_daily") == [(5,)]


def test_upptime_bad_sites_and_days(con):
    result = one(load(con, UPPTIME / "summary-bad.json"))
    assert (result.records, result.loaded, result.rejected) == (4, 1, 6)
    assert sorted(quarantined(con, "summary-bad.json"), key=lambda r: (r[1], r[3])) == [
        (None, 1, "slug", 'missing required field "slug"'),
        (None, 2, "dailyMinutesDown", 'field "dailyMinutesDown" has the key "yesterday", expected a day YYYY-MM-DD'),
        (None, 2, "dailyMinutesDown", 'field "dailyMinutesDown" of 2026-10-03 is "lots", '
         "expected a number of minutes (0 or more)"),
        (None, 2, "dailyMinutesDown", 'field "dailyMinutesDown" of 2026-10-04 is -3, '
         "expected a number of minutes (0 or more)"),
        (None, 3, "dailyMinutesDown", 'field "dailyMinutesDown" is [["2026-10-02",5]] (a JSON array), '
         'expected an object of "YYYY-MM-DD": minutes down'),
        (None, 4, "time", 'field "time" is "fast" (a string), expected a number'),
    ]
    assert rows(con, "SELECT slug, day, minutes_down FROM upptime_daily") == [
        ("broken-days", date(2026, 10, 2), 60.0)]


# --- Lighthouse ------------------------------------------------------------------------------

RUN_COLUMNS = ("requested_url, final_url, fetch_time, lighthouse_version, form_factor, performance_score, lcp_ms, "
               "cls, tbt_ms, fcp_ms, speed_index_ms, tti_ms, runtime_error_code, is_representative, source_name")


def test_lhr_values(con):
    one(load(con, LHR / "lhr-1759482847123.json"))
    assert rows(con, f"SELECT {RUN_COLUMNS} FROM lighthouse_runs") == [
        ("https://app.example.com/", "https://app.example.com/", utc(2026, 10, 3, 9, 14, 7, 123000), "12.8.2",
         "mobile", 93.0, 2231.5, 0.0412, 151.0, 1180.2, 2011.7, 3402.9, None, None, "lhr-1759482847123.json"),
    ]
    expected_key = hashlib.md5(b"https://app.example.com/|2026-10-03T09:14:07.123000Z|mobile").hexdigest()
    assert rows(con, "SELECT run_key FROM lighthouse_runs") == [(expected_key,)]


def test_lhr_older_failed_pretty_and_gzip(con):
    for name in ("lhr-v5-old.json", "lhr-failed.json", "app.example.com-pricing.report.json",
                 "lhr-1759507200000.json.gz"):
        one(load(con, LHR / name))
    got = {r[-1]: r for r in rows(con, f"SELECT {RUN_COLUMNS} FROM lighthouse_runs")}
    old = got["lhr-v5-old.json"]
    # finalUrl, emulatedFormFactor; runtimeError NO_ERROR is no error
    assert old[1:6] == ("https://app.example.com/login", utc(2020, 2, 11, 3), "5.6.0", "mobile", 71.0)
    assert old[12] is None
    failed = got["lhr-failed.json"]
    assert failed[5:13] == (None, None, None, None, None, None, None, "NO_FCP")
    assert rows(con, "SELECT runtime_error_message LIKE 'The page did not paint any content.%' FROM lighthouse_runs "
                "WHERE source_name = 'lhr-failed.json'") == [(True,)]
    pretty = got["app.example.com-pricing.report.json"]
    assert pretty[1] == "https://app.example.com/pricing/" and pretty[4:7] == ("desktop", 99.0, 812.3)
    gz = got["lhr-1759507200000.json"]  # .gz dropped from the name a manifest would use
    assert gz[2] == utc(2026, 10, 3, 16) and gz[5] == 95.5  # +09:00; 0.955 x 100


def test_lhr_bad_time_is_quarantined(con):
    result = one(load(con, LHR / "lhr-bad-time.json"))
    assert (result.loaded, result.rejected) == (0, 1)
    assert quarantined(con, "lhr-bad-time.json") == [(1, None, "fetchTime", 'field "fetchTime" is not a valid time')]


def test_lhr_bigger_than_the_head_is_detected_and_loaded(con, tmp_path):
    doc = json.loads((LHR / "app.example.com-pricing.report.json").read_text())
    items = [{"url": f"https://app.example.com/_next/static/chunks/{i:05d}.js", "transferSize": 1000 + i}
             for i in range(12000)]
    doc["audits"]["network-requests"]["details"]["items"] = items
    big = tmp_path / "big.report.json"
    big.write_text(json.dumps(doc, indent=2))
    assert big.stat().st_size > 1_000_000
    head = read_head(big)
    assert head.first is None and sources.detect(head) == "lighthouse_lhr"
    one(load(con, big))
    compact = tmp_path / "lhr-compact.json"
    compact.write_text(json.dumps(doc))
    assert sources.detect(read_head(compact)) == "lighthouse_lhr"
    again = one(load(con, compact))  # the same run under another name
    assert (again.loaded, again.duplicates) == (0, 1)
    assert rows(con, "SELECT performance_score, lcp_ms, source_name FROM lighthouse_runs") == [
        (99.0, 812.3, "big.report.json")]


def test_manifest_after_runs_marks_representative(con):
    for name in ("lhr-1759482847123.json", "lhr-1759482870456.json", "app.example.com-pricing.report.json",
                 "lhr-failed.json"):
        one(load(con, LHR / name))
    one(load(con, MANIFEST / "manifest.json"))
    assert rows(con, "SELECT source_name, is_representative FROM lighthouse_runs ORDER BY source_name") == [
        ("app.example.com-pricing.report.json", True),
        ("lhr-1759482847123.json", True),
        ("lhr-1759482870456.json", False),
        ("lhr-failed.json", None),  # no manifest names it
    ]


def test_manifest_before_runs_and_windows_paths(con):
    one(load(con, MANIFEST / "manifest-windows-and-bad.json"))
    one(load(con, MANIFEST / "manifest.json"))
    one(load(con, LHR / "lhr-1759507200000.json.gz"))
    one(load(con, LHR / "lhr-1759482870456.json"))
    assert rows(con, "SELECT source_name, is_representative FROM lighthouse_runs ORDER BY source_name") == [
        ("lhr-1759482870456.json", False), ("lhr-1759507200000.json", True)]
    assert rows(con, "SELECT url, is_representative, json_path, summary->>'$.performance' FROM lhci_manifest "
                "WHERE url LIKE '%docs'") == [
        ("https://app.example.com/docs", True, "C:\\a\\lhci\\lhr-1759507200000.json", "0.955")]


def test_manifest_bad_entries(con):
    result = one(load(con, MANIFEST / "manifest-windows-and-bad.json"))
    assert (result.records, result.loaded, result.rejected) == (4, 1, 3)
    assert quarantined(con, "manifest-windows-and-bad.json") == [
        (None, 2, "isRepresentativeRun", 'field "isRepresentativeRun" is "yes please" (a string), '
         "expected true or false"),
        (None, 3, "jsonPath", 'missing required field "jsonPath"'),
        (None, 4, "summary", 'field "summary" is [0.5] (a JSON array), expected an object of category scores'),
    ]


def test_assertion_values(con):
    one(load(con, ASSERT / "assertion-results.json"))
    assert rows(con, "SELECT url, name, audit_id, audit_property, operator, expected, actual, actual_text, passed, "
                "level, \"values\"::VARCHAR, message, extra::VARCHAR FROM lhci_assertions ORDER BY item") == [
        ("https://app.example.com/", "minScore", "categories", "performance", ">=", 0.9, 0.87, None, False,
         "error", "[0.93,0.87,0.9]", None, None),
        ("https://app.example.com/", "maxNumericValue", "largest-contentful-paint", None, "<=", 2500.0, 2612.0,
         None, False, "warn", "[2231.5,2612]", None,
         '{"auditDocumentationLink":"https://developer.chrome.com/docs/lighthouse/performance/'
         'lighthouse-largest-contentful-paint/"}'),
        ("https://app.example.com/admin", "minScore", "largest-contentful-paint", None, ">=", 0.9, None, None, False,
         "error", "[null]", "Audit failed to produce a valid value. If this is reproducible, please file an issue "
         "on GitHub.", None),
        ("https://app.example.com/pricing/", "auditRan", "uses-http3", None, ">=", 1.0, 0.0, None, False, "warn",
         "[0]", '"uses-http3" is not a known audit.', None),
    ]


def test_assertions_dedupe_and_bad_records(con, tmp_path):
    one(load(con, ASSERT / "assertion-results.json"))
    reformatted = tmp_path / "assertion-results.json"
    reformatted.write_text(json.dumps(json.loads((ASSERT / "assertion-results.json").read_text()), indent=1))
    # other bytes, same results: without a run time in the file, another file is another LHCI run
    # (identical results on two days are both kept); the very same file is skipped by its hash
    again = one(load(con, reformatted))
    assert (again.records, again.loaded, again.duplicates) == (4, 4, 0)
    assert load(con, ASSERT / "assertion-results.json")[0].status == "skipped"
    bad = one(load(con, ASSERT / "assertion-results-compact-bad.json"))
    assert (bad.records, bad.loaded, bad.rejected) == (5, 2, 3)
    assert quarantined(con, "assertion-results-compact-bad.json") == [
        (1, 3, "passed", 'missing required field "passed"'),
        (1, 4, "name", 'missing required field "name"'),
        (1, 5, None, "array element is a string, expected a JSON object"),
    ]


def test_gzip_copy_of_a_manifest_loads_the_same(con, tmp_path):
    packed = tmp_path / "manifest.json.gz"
    with gzip.open(packed, "wb") as out:
        shutil.copyfileobj(open(MANIFEST / "manifest.json", "rb"), out)
    assert sources.detect(read_head(packed)) == "lhci_manifest"
    result = one(load(con, packed))
    assert (result.records, result.loaded) == (3, 3)
