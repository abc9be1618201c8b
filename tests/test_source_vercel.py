"""The Vercel sources: log drain, runtime logs, deployments, Speed Insights, Web Analytics, traces.

Expected values are worked out by hand from the fixture files (epoch ms -> UTC, nanosecond
differences with Python integers, medians with ``statistics.median``).
"""

from __future__ import annotations

import copy
import gzip
import json
import statistics
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reports import sources
from reports.config import parse_config
from reports.detect import read_head
from tests.conftest import FIXTURES, load, rows

KINDS = ("vercel_logs", "vercel_runtime_logs", "vercel_deployments", "vercel_speed_insights",
         "vercel_analytics", "vercel_traces")
T = 1790986447123  # epoch ms of 2026-10-03 00:14:07.123 UTC
T_UTC = datetime(2026, 10, 3, 0, 14, 7, 123000, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def write_lines(path: Path, records: list) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def read_lines(kind: str, name: str) -> list[dict]:
    return [json.loads(line) for line in (FIXTURES / kind / name).read_text(encoding="utf-8").splitlines() if line]


def reasons(con, path: str | None = None) -> list[tuple]:
    """(line, item, field, reason) of quarantined records, in file order."""
    sql = "SELECT line, item, field, reason FROM quarantine"
    if path:
        sql += " WHERE path LIKE '%' || ?"
        return rows(con, sql + " ORDER BY line NULLS FIRST, item NULLS FIRST", path)
    return rows(con, sql + " ORDER BY line NULLS FIRST, item NULLS FIRST")


# --------------------------------------------------------------------------------------- detection

FIXTURE_FILES = [
    pytest.param(path, kind, id=f"{kind}/{path.name}")
    for kind in KINDS
    for path in sorted((FIXTURES / kind).iterdir())
    if path.name != "expected.toml"
]


@pytest.mark.parametrize(("path", "kind"), FIXTURE_FILES)
def test_detection_picks_the_kind_and_no_other_vercel_sniffer_claims_it(path: Path, kind: str):
    head = read_head(path)
    assert sources.detect(head) == kind
    claimed = [k for k in KINDS if k != kind and sources.get(k).sniff(head)]
    assert claimed == []


OTHER_FILES = [
    pytest.param(path, id=f"{path.parent.name}/{path.name}")
    for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.name not in KINDS)
    for path in sorted(folder.iterdir())
    if path.name != "expected.toml"
]


@pytest.mark.parametrize("path", OTHER_FILES)
def test_vercel_sniffers_leave_other_kinds_files_alone(path: Path):
    head = read_head(path)
    assert [k for k in KINDS if sources.get(k).sniff(head)] == []


# --------------------------------------------------------------------------------- vercel_logs


def test_logs_array_delivery_values(con):
    (result,) = load(con, FIXTURES / "vercel_logs" / "delivery-array.json")
    assert (result.records, result.loaded) == (3, 3)
    (rec,) = rows(con, "SELECT ts, source, host, status_code, request_id, path, region, has_proxy, line, item "
                       "FROM vercel_log_records WHERE id = '1790986447123000000000000001'")
    assert rec == (T_UTC, "lambda", "atcmp-web-abc123.vercel.app", 200, "643af4e3-975a-4cc7-9e7a-1eda11539d90",
                   "/api/users", "icn1", True, 1, 1)
    (req,) = rows(con, "SELECT ts, proxy_ts, method, host, path, route, status_code, function_status, crashed, "
                       "background, cache, user_agent FROM vercel_requests "
                       "WHERE request_id = '643af4e3-975a-4cc7-9e7a-1eda11539d90'")
    assert req == (T_UTC, T_UTC - timedelta(milliseconds=111), "GET", "atcmp.example.com", "/api/users?page=1",
                   "/api/users", 200, 200, False, False, "MISS",
                   "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15")
    # the build line has no proxy object: a log record, not a request
    assert rows(con, "SELECT count(*) FROM vercel_requests") == [(2,)]
    assert rows(con, "SELECT has_proxy, ts FROM vercel_log_records WHERE source = 'build'") == [
        (False, T_UTC - timedelta(minutes=10))]


def test_logs_static_request_route_is_the_path_without_query(con):
    load(con, FIXTURES / "vercel_logs" / "drain.ndjson")
    assert rows(con, "SELECT route, path, status_code FROM vercel_requests ORDER BY ts") == [
        ("/missing", "/missing?x=1", 404),
        ("/", "/", 308),
    ]


def test_logs_crash_marks_the_request_whichever_record_comes_first(con):
    load(con, FIXTURES / "vercel_logs" / "crash.ndjson")
    got = rows(con, "SELECT request_id, status_code, crashed FROM vercel_requests ORDER BY request_id")
    assert got == [
        ("e5e5e5e5-6666-4000-cccc-000000000001", 502, True),  # crash line before the proxy record
        ("e5e5e5e5-6666-4000-cccc-000000000002", 200, True),  # crash line after it: still an error
        ("e5e5e5e5-6666-4000-cccc-000000000003", 200, False),
    ]


def test_logs_crash_arriving_in_a_later_file(con, tmp_path):
    records = read_lines("vercel_logs", "crash.ndjson")
    proxy_only = [r for r in records if "proxy" in r]
    crashes = [r for r in records if r.get("statusCode") == -1]
    load(con, write_lines(tmp_path / "a.ndjson", proxy_only))
    assert rows(con, "SELECT count(*) FROM vercel_requests WHERE crashed") == [(0,)]
    load(con, write_lines(tmp_path / "b.ndjson", crashes))
    assert rows(con, "SELECT count(*) FROM vercel_requests WHERE crashed") == [(2,)]


def test_logs_background_revalidation_is_flagged(con):
    load(con, FIXTURES / "vercel_logs" / "background.ndjson")
    assert rows(con, "SELECT status_code, background, cache FROM vercel_requests ORDER BY ts") == [
        (-1, True, "REVALIDATED"),
        (200, False, "STALE"),
    ]


def test_logs_dotted_trace_keys(con):
    load(con, FIXTURES / "vercel_logs" / "dotted-keys.ndjson")
    assert rows(con, "SELECT trace_id, span_id FROM vercel_log_records ORDER BY id") == [
        ("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"),
        ("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b8"),
    ]


def test_logs_unknown_field_kept_in_extra(con):
    load(con, FIXTURES / "vercel_logs" / "drain.ndjson.gz")
    (extra,) = rows(con, "SELECT extra FROM vercel_log_records WHERE id = '1790986600000000000000000001'")[0]
    assert json.loads(extra) == {"ja3Digest": "e7d705a3286e19ea42f587b344ee6865"}


def test_logs_overlapping_files_do_not_double_count(con, tmp_path):
    records = read_lines("vercel_logs", "drain.ndjson")
    load(con, write_lines(tmp_path / "a.ndjson", records[:2]))
    (second,) = load(con, write_lines(tmp_path / "b.ndjson", records))
    assert (second.records, second.loaded, second.duplicates) == (3, 1, 2)
    assert rows(con, "SELECT count(*) FROM vercel_log_records") == [(3,)]
    assert rows(con, "SELECT count(*) FROM vercel_requests") == [(2,)]


def test_logs_bad_records_are_quarantined_with_reasons(con):
    (result,) = load(con, FIXTURES / "vercel_logs" / "bad-records.ndjson")
    assert (result.records, result.loaded, result.rejected) == (5, 1, 4)
    assert reasons(con) == [
        (2, None, "host", 'missing required field "host"'),
        (3, None, "timestamp", 'field "timestamp" is 1970-01-21 17:29:46 UTC, an impossible time '
                               "(expected 2000..2099; seconds given where milliseconds are expected?)"),
        (4, None, "statusCode", 'field "statusCode" is "abc" (a string), expected an integer'),
        (5, None, None, "not valid JSON"),
    ]


def test_logs_proxy_that_is_not_an_object_is_quarantined(con, tmp_path):
    (good,) = read_lines("vercel_logs", "drain.ndjson")[:1]
    bad = dict(good, id="x1", requestId="x1", proxy="GET /")
    (result,) = load(con, write_lines(tmp_path / "bad.ndjson", [good, bad]))
    assert result.rejected == 1


# -------------------------------------------------------------------------------- runtime logs

RT = FIXTURES / "vercel_runtime_logs"
REQ_A = "iad1::icn1::7xk2p-1790986447123-3f9a0c1d2e4b"


def test_runtime_lines_go_to_log_records_with_the_request_id_stripped(con):
    (result,) = load(con, RT / "cli.jsonl")
    assert (result.records, result.loaded, result.rejected) == (5, 5, 0)
    got = rows(con, "SELECT id, ts, request_id, host, status_code, path, has_proxy, source FROM vercel_log_records "
                    "WHERE request_id = ? ORDER BY id", REQ_A)
    assert got == [
        (REQ_A, T_UTC, REQ_A, "atcmp-web.vercel.app", 200, "/api/users", False, "serverless"),
        (REQ_A + "_1", T_UTC + timedelta(milliseconds=333), REQ_A, "atcmp-web.vercel.app", 200, "/api/users", False,
         "serverless"),
    ]
    (extra,) = rows(con, "SELECT extra FROM vercel_log_records WHERE id = ?", REQ_A)[0]
    assert json.loads(extra) == {"requestMethod": "GET", "requestPath": "/api/users?page=2", "cache": "MISS"}


def test_runtime_one_request_per_base_id(con):
    load(con, RT / "cli.jsonl")
    got = rows(con, "SELECT request_id, ts, method, path, route, status_code, crashed, background, cache, line "
                    "FROM vercel_requests ORDER BY ts")
    assert got == [
        (REQ_A, T_UTC, "GET", "/api/users?page=2", "/api/users", 200, False, False, "MISS", 1),
        ("iad1::icn1::9mz4q-1790986500000-a1b2c3d4e5f6", utc(2026, 10, 3, 0, 15), "POST", "/api/orders",
         "/api/orders", 500, False, False, "MISS", 3),
        ("icn1::m8c7r-1790986590250-00ff00ff00ff", utc(2026, 10, 3, 0, 16, 30, 250000), "GET",
         "/_next/static/chunks/main.js", "/_next/static/chunks/main.js", 304, False, False, "HIT", 5),
    ]


def _line(rid: str, ts: int, status: int | None, path: str = "/api/x", **kw) -> dict:
    rec = {"id": rid, "timestamp": ts, "deploymentId": "dpl_1", "projectId": "prj_1", "level": "info",
           "message": "m", "source": "serverless", "domain": "a.vercel.app"}
    if status is not None:
        rec.update(requestMethod="GET", requestPath=path, responseStatusCode=status)
    rec.update(kw)
    return rec


def test_runtime_first_line_of_the_request_wins_even_when_listed_later(con, tmp_path):
    path = write_lines(tmp_path / "r.jsonl", [
        _line("req9_2", T + 20, 200, "/late2"),
        _line("req9_1", T + 10, 200, "/late1"),
        _line("req9", T, 200, "/first"),
        _line("req8_1", T, None),  # a line without request fields makes no request
    ])
    load(con, path)
    assert rows(con, "SELECT request_id, path, ts, line FROM vercel_requests") == [("req9", "/first", T_UTC, 3)]


def test_runtime_minus_one_status_marks_a_crash_in_this_or_a_later_file(con, tmp_path):
    load(con, write_lines(tmp_path / "a.jsonl", [_line("r1", T, 200), _line("r1_1", T + 1, -1),
                                                 _line("r2", T, 500, level="error")]))
    assert rows(con, "SELECT request_id, status_code, crashed FROM vercel_requests ORDER BY request_id") == [
        ("r1", 200, True), ("r2", 500, False)]  # a plain 500 is an error, not a crash
    load(con, write_lines(tmp_path / "b.jsonl", [_line("r2_1", T + 2, -1)]))
    assert rows(con, "SELECT crashed FROM vercel_requests WHERE request_id = 'r2'") == [(True,)]


def test_runtime_timestamp_in_ms_and_bom(con):
    load(con, RT / "bom-crlf.jsonl")
    assert rows(con, "SELECT id, ts, request_id FROM vercel_log_records") == [
        ("sfo1::k3j4h-1790986447456-1234abcd5678", T_UTC + timedelta(milliseconds=333),
         "sfo1::k3j4h-1790986447456-1234abcd5678")]


def test_runtime_api_lines_use_row_id_and_make_no_request(con):
    load(con, RT / "api-stream-with-ids.jsonl")
    assert rows(con, "SELECT id, request_id, status_code, path FROM vercel_log_records ORDER BY id") == [
        ("row_1790986447123_01", None, 200, "/api/search"),
        ("row_1790986447456_02", None, 500, "/api/search"),
    ]
    assert rows(con, "SELECT count(*) FROM vercel_requests") == [(0,)]


def test_runtime_api_lines_without_project_are_quarantined_with_the_fix(con):
    (result,) = load(con, RT / "api-stream-raw.jsonl")
    assert (result.records, result.loaded, result.rejected) == (2, 0, 2)
    reason = ('missing required field "projectId"; the runtime-logs API leaves it out of its lines: add projectId '
              'and deploymentId to each line (e.g. jq -c \'. + {projectId: "prj_...", deploymentId: "dpl_..."}\') '
              "and load the file again")
    assert reasons(con) == [(1, None, "projectId", reason), (2, None, "projectId", reason)]


def test_runtime_bad_records(con):
    (result,) = load(con, RT / "bad-records.jsonl")
    assert (result.records, result.loaded, result.rejected) == (6, 1, 5)
    assert reasons(con) == [
        (2, None, "timestamp", 'missing required field "timestamp" (or "timestampInMs")'),
        (3, None, "timestamp", 'field "timestamp" is "2026-10-03T00:14:07.123Z" (a string), expected a number; '
                               "vercel logs --json writes epoch milliseconds"),
        (4, None, "timestamp", 'field "timestamp" is 1970-01-21 17:29:46 UTC, an impossible time '
                               "(expected 2000..2099; seconds given where milliseconds are expected?)"),
        (5, None, "level", 'missing required field "level"'),
        (6, None, None, "not valid JSON"),
    ]


def test_runtime_overlapping_files(con, tmp_path):
    lines = read_lines("vercel_runtime_logs", "cli.jsonl")
    load(con, write_lines(tmp_path / "a.jsonl", lines[:3]))
    (second,) = load(con, write_lines(tmp_path / "b.jsonl", lines[2:]))
    assert (second.records, second.loaded, second.duplicates) == (3, 2, 1)
    assert rows(con, "SELECT count(*) FROM vercel_log_records") == [(5,)]
    assert rows(con, "SELECT count(*) FROM vercel_requests") == [(3,)]


# --------------------------------------------------------------------------------- deployments

DEP = FIXTURES / "vercel_deployments"
D1, D2, D3 = "dpl_2euZBFqxYdDMDG1jTrHFnNZ2eUVa", "dpl_8GtY3rWq1ZxPmK5nVbC7dE9fH2jL", "dpl_4HjK6lM8nP0qR2sT4uV6wX8yZ0aB"


def test_deployment_columns(con):
    (result,) = load(con, DEP / "page-v6.json")
    assert (result.records, result.loaded) == (3, 3)  # deployments, not pages
    got = rows(con, "SELECT name, project_id, created_at, building_at, ready_at, state, ready_substate, target, "
                    "environment, source, creator_uid, creator_username, creator_email, creator_github_login, "
                    "inspector_url, is_rollback_candidate, commit_sha, commit_ref, commit_message, commit_author, "
                    "pr_id, line, item FROM vercel_deployments WHERE uid = ?", D1)
    assert got == [("atcmp-web", "prj_ATCMPweb0001", T_UTC, T_UTC + timedelta(milliseconds=2877),
                    T_UTC + timedelta(milliseconds=95877), "READY", "PROMOTED", "production", "production", "git",
                    "usr_9Kq2mX7pL4", "jiwoo", "jiwoo@example.com", "jiwoo-k",
                    "https://vercel.com/acme/atcmp-web/2euZBFqxYdDMDG1jTrHFnNZ2eUVa", True,
                    "4f1c2a9e8b7d6c5b4a3928171615141312111009", "main", "fix: retry on 503", "jiwoo-k", None,
                    None, 1)]
    assert rows(con, "SELECT state, target, environment, error_code, error_message, commit_ref, pr_id, item "
                     "FROM vercel_deployments WHERE uid = ?", D2) == [
        ("ERROR", None, "preview", "BUILD_FAILED", 'Command "npm run build" exited with 1', "feat/search", "42", 2)]
    meta, extra = rows(con, "SELECT meta, extra FROM vercel_deployments WHERE uid = ?", D1)[0]
    assert json.loads(meta)["githubCommitOrg"] == "acme"
    assert json.loads(extra) == {"type": "LAMBDAS", "aliasError": None, "aliasAssigned": T + 97000}


def test_deployment_later_terminal_state_replaces_and_keeps_building_at(con):
    load(con, DEP / "page-v6.json")
    assert rows(con, "SELECT state, ready_at FROM vercel_deployments WHERE uid = ?", D3) == [("BUILDING", None)]
    (result,) = load(con, DEP / "pages.ndjson")
    # D3 twice (BUILDING again, then READY) and one new CANCELED deployment
    assert (result.records, result.loaded, result.duplicates) == (3, 1, 2)
    t3 = T_UTC + timedelta(minutes=10)
    assert rows(con, "SELECT state, created_at, building_at, ready_at, line, item FROM vercel_deployments "
                     "WHERE uid = ?", D3) == [
        ("READY", t3, t3 + timedelta(milliseconds=1500), t3 + timedelta(milliseconds=100000), 2, 1)]
    assert rows(con, "SELECT count(*) FROM vercel_deployments") == [(4,)]


def _dep(uid: str, state: str, **kw) -> dict:
    rec = {"uid": uid, "name": "web", "url": "web.vercel.app", "created": T, "state": state, "readyState": state,
           "target": "production"}
    rec.update(kw)
    return rec


def test_deployment_terminal_state_is_not_replaced_by_a_non_terminal_one(con, tmp_path):
    load(con, write_lines(tmp_path / "a.ndjson", [_dep("d1", "READY", buildingAt=T + 1000, ready=T + 9000)]))
    (result,) = load(con, write_lines(tmp_path / "b.ndjson", [_dep("d1", "BUILDING", buildingAt=T + 1000)]))
    assert (result.loaded, result.duplicates) == (0, 1)
    assert rows(con, "SELECT state, ready_at FROM vercel_deployments") == [
        ("READY", T_UTC + timedelta(milliseconds=9000))]


def test_deployment_later_terminal_wins_over_earlier_terminal(con, tmp_path):
    load(con, write_lines(tmp_path / "a.ndjson", [_dep("d1", "READY", ready=T + 9000)]))
    load(con, write_lines(tmp_path / "b.ndjson", [_dep("d1", "DELETED")]))
    # DELETED replaces READY, but the known ready time is not replaced by NULL
    assert rows(con, "SELECT state, ready_at FROM vercel_deployments") == [
        ("DELETED", T_UTC + timedelta(milliseconds=9000))]


def test_deployment_states_within_one_file(con, tmp_path):
    (result,) = load(con, write_lines(tmp_path / "a.ndjson", [
        _dep("d1", "READY", ready=T + 5000), _dep("d1", "BUILDING"),  # terminal first: it stays
        _dep("d2", "BUILDING", buildingAt=T + 100), _dep("d2", "QUEUED"),  # both non-terminal: later wins
        _dep("d3", "QUEUED"), _dep("d3", "ERROR", errorCode="BUILD_FAILED"),
    ]))
    assert (result.records, result.loaded, result.duplicates) == (6, 3, 3)
    assert rows(con, "SELECT uid, state, building_at, ready_at, error_code, line FROM vercel_deployments "
                     "ORDER BY uid") == [
        ("d1", "READY", None, T_UTC + timedelta(milliseconds=5000), None, 1),
        ("d2", "QUEUED", T_UTC + timedelta(milliseconds=100), None, None, 4),
        ("d3", "ERROR", None, None, "BUILD_FAILED", 6),
    ]


def test_deployment_unknown_state_kept_and_null_target_is_preview(con):
    load(con, DEP / "deployments-bom.ndjson")
    assert rows(con, "SELECT state, target, environment, created_at, line, item FROM vercel_deployments "
                     "ORDER BY created_at") == [
        ("DELETED", "production", "production", T_UTC - timedelta(days=1), 2, None),
        ("FROZEN", None, "preview", T_UTC + timedelta(milliseconds=1000000), 1, None),
    ]


def test_deployment_same_content_reformatted_changes_nothing(con, tmp_path):
    load(con, DEP / "page-v6.json")
    before = rows(con, "SELECT * EXCLUDE (file_id) FROM vercel_deployments ORDER BY uid")
    page = json.loads((DEP / "page-v6.json").read_text())
    (again,) = load(con, write_lines(tmp_path / "page.ndjson", [page]))
    assert (again.records, again.loaded, again.duplicates) == (3, 0, 3)
    # the new file's records win (later, same states) but every value stays the same
    after = rows(con, "SELECT * EXCLUDE (file_id) FROM vercel_deployments ORDER BY uid")
    assert [r[:-2] for r in after] == [r[:-2] for r in before]
    assert [r[-2:] for r in after] == [(1, 1), (1, 3), (1, 2)]  # now line 1 of the NDJSON file


def test_deployment_bad_records(con):
    (result,) = load(con, DEP / "page-bad-records.json")
    assert (result.records, result.loaded, result.rejected) == (8, 1, 7)
    assert reasons(con) == [
        (None, 2, "uid", 'missing required field "uid"'),
        (None, 3, "created", 'field "created" is "2026-10-03T00:14:07.123Z" (a string), expected a number; '
                             "the deployments API sends epoch milliseconds"),
        (None, 4, None, "deployment is a JSON string, expected an object"),
        (None, 5, "readyState", 'missing required field "readyState" (or "state")'),
        (None, 6, "ready", 'field "ready" is 1970-01-21 17:29:46 UTC, an impossible time '
                           "(expected 2000..2099; seconds given where milliseconds are expected?)"),
        (None, 7, "meta", 'field "meta" is ["not","a","map"], expected an object of strings'),
        (None, 8, "creator", 'field "creator" is "jiwoo" (a string), expected an object'),
    ]


def test_deployment_page_whose_deployments_is_not_a_list(con, tmp_path):
    path = write_lines(tmp_path / "p.ndjson", [{"deployments": [_dep("d1", "READY")]},
                                               {"deployments": {"uid": "d2"}, "pagination": {}}])
    (result,) = load(con, path)
    assert (result.records, result.loaded, result.rejected) == (2, 1, 1)
    assert reasons(con) == [(2, None, "deployments", 'field "deployments" is {"uid":"d2"} (a JSON object), '
                                                     "expected an array of deployments")]


# ---------------------------------------------------------------------------- Speed Insights

SI = FIXTURES / "vercel_speed_insights"


def _notes(con) -> list[str]:
    return [r[0] for r in rows(con, "SELECT message FROM ingest_files ORDER BY file_id")]


def test_speed_insights_auto_reads_seconds(con):
    load(con, SI / "drain-seconds.json")
    records = json.loads((SI / "drain-seconds.json").read_text())
    timed = [r["value"] for r in records if r["metricType"] != "CLS"]
    median = statistics.median(timed)
    assert median == 1.2
    assert _notes(con) == ["Speed Insights values read as seconds (auto: median LCP/FCP/TTFB/INP/FID 1.2 < 100)"]
    got = rows(con, "SELECT metric, value_raw, value, ts, device_id, device_type FROM speed_insights ORDER BY item")
    assert got == [
        ("LCP", 1.9, 1900.0, T_UTC, "12345", "mobile"),
        ("FCP", 1.2, 1200.0, T_UTC, "12345", "mobile"),
        ("TTFB", 0.42, 420.0, T_UTC, "12345", "mobile"),
        ("CLS", 0.05, 0.05, utc(2026, 10, 3, 0, 14, 9, 500000), "12345", "mobile"),  # unitless: unchanged
        ("INP", 0.18, 180.0, utc(2026, 10, 3, 0, 15), "67890", "desktop"),
        ("LCP", 2.8, 2800.0, utc(2026, 10, 3, 0, 15), "67890", "desktop"),  # 09:15+09:00
    ]


def test_speed_insights_auto_reads_milliseconds_and_dedupes(con):
    (result,) = load(con, SI / "drain-ms.ndjson")
    assert (result.records, result.loaded, result.duplicates) == (5, 4, 1)
    records = read_lines("vercel_speed_insights", "drain-ms.ndjson")
    median = statistics.median(r["value"] for r in records if r["metricType"].upper() != "CLS")
    assert median == 1135
    assert _notes(con) == ["Speed Insights values read as milliseconds (auto: median LCP/FCP/TTFB/INP/FID 1135 >= 100)"]
    assert rows(con, "SELECT metric, value FROM speed_insights ORDER BY line") == [
        ("LCP", 1850.0), ("TTFB", 420.0), ("INP", 120.0), ("CLS", 0.31)]  # 'cls' upper-cased


@pytest.mark.parametrize(("unit", "name", "lcp"), [("s", "drain-ms.ndjson", 1850000.0),
                                                   ("ms", "drain-seconds.json", 1.9)])
def test_speed_insights_unit_setting_overrides_auto(con, unit, name, lcp):
    config = parse_config({"sources": {"speed_insights_unit": unit}})
    load(con, SI / name, config=config)
    word = {"s": "seconds", "ms": "milliseconds"}[unit]
    assert _notes(con) == [f"Speed Insights values read as {word} (setting speed_insights_unit = '{unit}')"]
    assert rows(con, "SELECT value FROM speed_insights WHERE metric = 'LCP' ORDER BY line, item LIMIT 1") == [(lcp,)]
    assert rows(con, "SELECT count(*) FROM speed_insights WHERE metric = 'CLS' AND value <> value_raw") == [(0,)]


def test_speed_insights_same_sample_in_two_files_with_another_time_notation(con, tmp_path):
    first = read_lines("vercel_speed_insights", "drain-ms.ndjson")[0]
    again = dict(first, timestamp="2026-10-03T10:00:00+09:00")  # the same instant
    other = dict(first, deviceId=99)
    load(con, write_lines(tmp_path / "a.ndjson", [first]))
    (result,) = load(con, write_lines(tmp_path / "b.ndjson", [again, other]))
    assert (result.loaded, result.duplicates) == (1, 1)


def test_speed_insights_extra_keeps_unknown_fields(con):
    load(con, SI / "bom-pretty.json")
    (extra,) = rows(con, "SELECT extra FROM speed_insights LIMIT 1")[0]
    assert json.loads(extra)["osVersion"] == "14"
    assert "metricType" not in json.loads(extra)
    assert _notes(con) == [None]  # only CLS: no unit to decide


def test_speed_insights_bad_records(con):
    (result,) = load(con, SI / "bad-records.ndjson")
    assert (result.records, result.loaded, result.rejected) == (8, 1, 7)
    assert reasons(con) == [
        (2, None, "metricType", 'field "metricType" is "FOO", expected one of CLS, LCP, FID, FCP, TTFB, INP'),
        (3, None, "timestamp", 'field "timestamp" is 1790986447123, expected an ISO 8601 time string such as '
                               '"2026-10-03T09:14:07.123Z"'),
        (4, None, "value", 'missing required field "value"'),
        (5, None, "value", 'field "value" is -3.0, a negative measurement'),
        (6, None, "value", 'field "value" is "fast" (a string), expected a number'),
        (7, None, "schema", 'field "schema" is "vercel.analytics.v1", expected "vercel.speed_insights.v1" '
                            "(is this another drain's file?)"),
        (8, None, "timestamp", 'field "timestamp" is "yesterday", expected an ISO 8601 time string such as '
                               '"2026-10-03T09:14:07.123Z"'),
    ]


# ------------------------------------------------------------------------------- Web Analytics

WA = FIXTURES / "vercel_analytics"


def test_analytics_columns(con):
    load(con, WA / "drain-array.json")
    got = rows(con, "SELECT ts, event_type, event_name, event_data, session_id, device_id, path, route, "
                    "environment, deployment_id FROM web_analytics ORDER BY item")
    assert got == [
        (T_UTC, "pageview", None, None, "12345", "67890", "/dashboard", "/dashboard", "production", D1),
        (T_UTC + timedelta(seconds=5), "event", "Signup", '{"button":"signup","plan":"pro"}', "12345", "67890",
         "/dashboard", "/dashboard", "production", D1),
        (T_UTC + timedelta(seconds=9), "pageview", None, None, "12345", "67890", "/search", "/search",
         "production", D1),
    ]
    assert rows(con, "SELECT DISTINCT referrer, country, device_type FROM web_analytics") == [
        ("https://www.google.com/", "KR", "mobile")]
    (extra,) = rows(con, "SELECT extra FROM web_analytics LIMIT 1")[0]
    assert json.loads(extra)["queryParams"] == "utm_source=google&utm_medium=cpc"
    assert "deployment" not in json.loads(extra)


def test_analytics_event_data_sent_as_an_object(con):
    load(con, WA / "bom-pretty.json")
    assert rows(con, "SELECT event_name, event_data->>'seats' FROM web_analytics WHERE event_type = 'event'") == [
        ("Purchase", "5")]


def test_analytics_dedupe_within_and_across_files(con, tmp_path):
    (result,) = load(con, WA / "drain.ndjson")
    assert (result.records, result.loaded, result.duplicates) == (3, 2, 1)
    records = read_lines("vercel_analytics", "drain.ndjson")
    changed = dict(records[1], eventData='{"q":"sla","results":13}')  # other data: another event
    (second,) = load(con, write_lines(tmp_path / "b.ndjson", [records[1], changed]))
    assert (second.loaded, second.duplicates) == (1, 1)


def test_analytics_bad_records(con):
    (result,) = load(con, WA / "bad-records.ndjson")
    assert (result.records, result.loaded, result.rejected) == (6, 1, 5)
    assert reasons(con) == [
        (2, None, "eventData", 'field "eventData" is "{button: signup", expected JSON text such as '
                               '"{"button": "signup"}"'),
        (3, None, "timestamp", 'field "timestamp" is "2026-10-03T00:14:07.123Z" (a string), expected a number; '
                               "the Web Analytics drain sends epoch milliseconds"),
        (4, None, "timestamp", 'field "timestamp" is 1970-01-21 17:29:46 UTC, an impossible time '
                               "(expected 2000..2099; seconds given where milliseconds are expected?)"),
        (5, None, "eventType", 'missing required field "eventType"'),
        (6, None, "schema", 'field "schema" is "vercel.speed_insights.v1", expected "vercel.analytics.v1" '
                            "(is this another drain's file?)"),
    ]


# ---------------------------------------------------------------------------------------- traces

TR = FIXTURES / "vercel_traces"


def test_trace_server_span_values(con):
    (result,) = load(con, TR / "drain-pretty.json")
    assert (result.records, result.loaded) == (4, 4)  # spans, not documents
    got = rows(con, "SELECT trace_id, parent_span_id, name, kind, start_ts, end_ts, duration_ms, status_code, "
                    "http_status, http_route, http_method, project_id, deployment_id, environment, line, item "
                    "FROM trace_spans WHERE span_id = 'eee19b7ec3c1b174'")
    duration_ns = 1790986447365250001 - 1790986447123000000
    assert got == [("5b8efff798038103d269b633813fc60c", None, "GET /api/users", "SERVER", T_UTC,
                    utc(2026, 10, 3, 0, 14, 7, 365250), duration_ns / 1e6, "UNSET", 200, "/api/users", "GET",
                    "prj_ATCMPweb0001", D1, "production", None, 1)]
    assert duration_ns / 1e6 == 242.250001


def test_trace_error_span_with_new_semantic_conventions(con):
    load(con, TR / "drain-pretty.json")
    got = rows(con, "SELECT kind, duration_ms, status_code, status_message, http_status, http_method, "
                    "deployment_id, environment, item, extra->>'traceState' FROM trace_spans "
                    "WHERE span_id = 'b7ad6b7169203331'")
    assert got == [("SERVER", 1250.0, "ERROR", "connect ECONNREFUSED", 500, "POST", D2, "preview", 4, "vendor=1")]


def test_trace_attributes_become_a_typed_map(con):
    load(con, TR / "drain-pretty.json")
    (attrs, resource) = rows(con, "SELECT attributes, resource FROM trace_spans WHERE span_id = 'eee19b7ec3c1b175'")[0]
    assert json.loads(attrs) == {"http.method": "GET", "http.url": "https://db.internal/users", "net.peer.port": 443,
                                 "retry": False, "ratio": 0.25}
    assert json.loads(resource)["service.name"] == "atcmp-web"
    (tags,) = rows(con, "SELECT attributes->'tags' FROM trace_spans WHERE span_id = 'b7ad6b7169203331'")[0]
    assert json.loads(tags) == {"arrayValue": {"values": [{"stringValue": "checkout"}, {"stringValue": "eu"}]}}


def test_trace_duration_is_exact_to_the_nanosecond(con):
    load(con, TR / "drain.json.gz")
    # as doubles both times would be the same number (1790986447123000001.0 == ...002.0) and give 0
    assert float(1790986447123000002) - float(1790986447123000001) == 0.0
    assert rows(con, "SELECT duration_ms, start_ts FROM trace_spans") == [(1e-6, T_UTC)]


def test_trace_kind_and_status_names(con):
    for name in ("drain-pretty.json", "drain.ndjson", "bom-array.json"):
        load(con, TR / name)
    assert dict(rows(con, "SELECT span_id, kind FROM trace_spans")) == {
        "eee19b7ec3c1b174": "SERVER",  # 2
        "eee19b7ec3c1b175": "CLIENT",  # SPAN_KIND_CLIENT
        "eee19b7ec3c1b176": "INTERNAL",  # 1
        "b7ad6b7169203331": "SERVER",  # SPAN_KIND_SERVER
        "00f067aa0ba902b7": "SERVER",
        "00f067aa0ba902b8": "UNSPECIFIED",  # omitted (proto3 default)
        "1111111111111111": "SERVER",  # SERVER
        "2222222222222222": "CLIENT",  # "3"
    }
    assert rows(con, "SELECT status_code FROM trace_spans WHERE span_id = '00f067aa0ba902b8'") == [("OK",)]


def test_trace_environment_from_deployment_environment(con, tmp_path):
    doc = json.loads((TR / "drain-pretty.json").read_text())
    resource = doc["resourceSpans"][0]["resource"]
    resource["attributes"] = [a for a in resource["attributes"] if a["key"] != "vercel.env"]
    resource["attributes"].append({"key": "deployment.environment", "value": {"stringValue": "staging"}})
    load(con, write_lines(tmp_path / "t.ndjson", [doc]))
    assert rows(con, "SELECT DISTINCT environment FROM trace_spans WHERE deployment_id = ?", D1) == [("staging",)]


def test_trace_spans_dedupe_within_and_across_files(con, tmp_path):
    (result,) = load(con, TR / "drain.ndjson")
    assert (result.records, result.loaded, result.duplicates) == (3, 2, 1)
    assert rows(con, "SELECT span_id, line, item FROM trace_spans ORDER BY span_id") == [
        ("00f067aa0ba902b7", 1, 1), ("00f067aa0ba902b8", 2, 2)]
    doc = json.loads((TR / "drain.ndjson").read_text().splitlines()[1])
    extra_span = copy.deepcopy(doc["resourceSpans"][0]["scopeSpans"][0]["spans"][1])
    extra_span["spanId"] = "00f067aa0ba902b9"
    doc["resourceSpans"][0]["scopeSpans"][0]["spans"].append(extra_span)
    path = tmp_path / "t.json.gz"
    path.write_bytes(gzip.compress(json.dumps(doc, indent=2).encode()))
    (second,) = load(con, path)
    assert (second.records, second.loaded, second.duplicates) == (3, 1, 2)


def test_trace_bad_records(con):
    (result,) = load(con, TR / "bad-records.ndjson")
    assert (result.records, result.loaded, result.rejected) == (8, 1, 7)
    assert reasons(con) == [
        (1, 2, "traceId", 'missing required field "traceId"'),
        (1, 3, "startTimeUnixNano", 'field "startTimeUnixNano" is "2026-10-03T00:14:07Z", expected nanoseconds '
                                    "since the epoch as an integer string"),
        (1, 4, None, "span is a JSON string, expected an object"),
        (1, 5, "startTimeUnixNano", 'field "startTimeUnixNano" is 1970-01-01 00:29:50 UTC, an impossible time '
                                    "(expected 2000..2099; OTLP times are nanoseconds since the epoch)"),
        (1, 6, "endTimeUnixNano", 'field "endTimeUnixNano" is before "startTimeUnixNano" (10000000 ns)'),
        (1, 7, "status", 'field "status" is "ERROR" (a string), expected an object'),
        (2, None, "resourceSpans", 'missing required field "resourceSpans" (not an OTLP traces document)'),
    ]

