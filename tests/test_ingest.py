"""The ingest pipeline: bad input, idempotency, line numbers, detection, the ledger."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from reports import ingest, ledger, warehouse
from tests.conftest import load, rows

BASE_MS = 1_791_000_000_000  # 2026-10-03T04:00:00Z


def record(i: int, **overrides: object) -> dict:
    """A valid Vercel log drain request record."""
    rec: dict = {
        "id": f"rec-{i}", "deploymentId": "dpl_1", "source": "lambda", "host": "app.vercel.app",
        "timestamp": BASE_MS + i * 1000, "projectId": "prj_1", "level": "info", "requestId": f"req-{i}",
        "statusCode": 200, "path": "/api/items", "environment": "production",
        "proxy": {"timestamp": BASE_MS + i * 1000 - 5, "method": "GET", "host": "app.example.com",
                  "path": f"/api/items?page={i}", "userAgent": ["Mozilla/5.0"], "statusCode": 200,
                  "clientIp": "203.0.113.7", "vercelCache": "MISS"},
    }
    rec.update(overrides)
    return rec


def write_lines(path: Path, lines: list[str | bytes], gz: bool = False) -> Path:
    data = b"".join((ln if isinstance(ln, bytes) else ln.encode()) + b"\n" for ln in lines)
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def ndjson(path: Path, records: list[dict], gz: bool = False) -> Path:
    return write_lines(path, [json.dumps(r) for r in records], gz)


def quarantine_rows(con) -> list[tuple]:
    return rows(con, "SELECT line, item, field, reason FROM quarantine ORDER BY line, item")


def test_good_records_load_and_each_bad_one_is_quarantined_with_its_reason(con, tmp_path):
    bad_time = record(3, timestamp="2026-10-03 09:14")
    seconds = record(5, timestamp=1_791_000_005)
    no_deployment = record(6)
    del no_deployment["deploymentId"]
    lines = [json.dumps(record(1)), "", json.dumps(bad_time), "{not json", json.dumps(seconds),
             json.dumps(no_deployment), json.dumps(record(7, statusCode="abc")), "42", json.dumps(record(9))]
    (result,) = load(con, write_lines(tmp_path / "logs.ndjson", lines))
    assert (result.status, result.records, result.loaded, result.rejected) == ("loaded", 8, 2, 6)
    assert quarantine_rows(con) == [
        (3, None, "timestamp", 'field "timestamp" is "2026-10-03 09:14" (a string), expected a number; '
                               "the Vercel log drain sends epoch milliseconds"),
        (4, None, None, "not valid JSON"),
        (5, None, "timestamp", 'field "timestamp" is 1970-01-21 17:30:00 UTC, an impossible time '
                               "(expected 2000..2099; seconds given where milliseconds are expected?)"),
        (6, None, "deploymentId", 'missing required field "deploymentId"'),
        (7, None, "statusCode", 'field "statusCode" is "abc" (a string), expected an integer'),
        (8, None, None, "an integer, expected a JSON object"),
    ]
    assert rows(con, "SELECT id FROM vercel_log_records ORDER BY id") == [("rec-1",), ("rec-9",)]


def test_invalid_utf8_line_is_quarantined_and_later_line_numbers_stay_exact(con, tmp_path):
    lines: list[str | bytes] = [json.dumps(record(1)), b"\xff\xfe\x00garbage", json.dumps(record(3)), "oops"]
    (result,) = load(con, write_lines(tmp_path / "mixed.ndjson", lines))
    assert (result.loaded, result.rejected) == (2, 2)
    got = quarantine_rows(con)
    assert [(line, reason.split(":")[0]) for line, _, _, reason in got] == [
        (2, "unreadable line"), (4, "not valid JSON")]
    assert rows(con, "SELECT id, line FROM vercel_log_records ORDER BY line") == [("rec-1", 1), ("rec-3", 3)]


def test_truncated_gzip_keeps_every_complete_record_before_the_damage(con, tmp_path):
    full = gzip.compress("".join(json.dumps(record(i)) + "\n" for i in range(2000)).encode())
    path = tmp_path / "cut.ndjson.gz"
    path.write_bytes(full[: len(full) // 2])
    (result,) = load(con, path)
    assert result.status == "loaded"
    loaded = rows(con, "SELECT count(*), max(line) FROM vercel_log_records")[0]
    assert 0 < loaded[0] < 2000 and loaded[0] == loaded[1]  # a prefix, nothing skipped
    reasons = [r[3] for r in quarantine_rows(con)]
    assert "the gzip stream is truncated; records after the cut are lost" in reasons
    assert "truncated" in result.message


def test_a_50_mb_line_does_not_stop_its_neighbours(con, tmp_path):
    huge = json.dumps(record(2, message="x" * (50 * 1024 * 1024)))
    (result,) = load(con, write_lines(tmp_path / "huge.ndjson", [json.dumps(record(1)), huge, json.dumps(record(3))]))
    assert result.loaded == 3
    assert rows(con, "SELECT strlen(message) FROM vercel_log_records WHERE id = 'rec-2'") == [(50 * 1024 * 1024,)]


def test_quarantined_raw_text_is_bounded(con, tmp_path):
    (result,) = load(con, write_lines(tmp_path / "b.ndjson", [json.dumps(record(1)), "{" + "y" * 100_000]))
    assert result.rejected == 1
    assert rows(con, "SELECT strlen(raw), raw_bytes FROM quarantine") == [(4096, 100_001)]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty file: nothing to load"),
     (b"\x00\x01\x02\x03" * 500, "binary content, not an export this tool reads"),
     (b"hello world\nthis is prose\n", "not a recognised export (force the kind with --source KIND)")],
    ids=["empty", "binary", "prose"],
)
def test_unrecognised_files_are_skipped_and_the_others_still_load(con, tmp_path, content, message):
    odd = tmp_path / "a-odd.bin"
    odd.write_bytes(content)
    good = ndjson(tmp_path / "b-good.ndjson", [record(1)])
    results = ingest.ingest(con, [tmp_path], config=__import__("reports.config").config.Config())
    assert [(Path(r.path).name, r.status, r.message) for r in results] == [
        ("a-odd.bin", "skipped", message), ("b-good.ndjson", "loaded", "")]
    assert rows(con, "SELECT count(*) FROM vercel_log_records") == [(1,)]
    assert good.exists()


def test_detection_reads_content_not_the_file_name(con, tmp_path):
    path = tmp_path / "export.txt"
    path.write_bytes(gzip.compress((json.dumps(record(1)) + "\n").encode()))
    (result,) = load(con, path)
    assert (result.kind, result.loaded) == ("vercel_logs", 1)


def test_bom_json_array_and_array_per_line_deliveries(con, tmp_path):
    array = tmp_path / "delivery.json"
    array.write_text("\ufeff" + json.dumps([record(1), record(2)]), encoding="utf-8")
    per_line = write_lines(tmp_path / "deliveries.ndjson", [json.dumps([record(3), record(4)]),
                                                            json.dumps([record(5)])])
    results = load(con, array, per_line)
    assert [(r.records, r.loaded) for r in results] == [(2, 2), (3, 3)]
    assert rows(con, "SELECT id, line, item FROM vercel_log_records WHERE file_id = 2 ORDER BY id") == [
        ("rec-3", 1, 1), ("rec-4", 1, 2), ("rec-5", 2, 1)]


def test_pretty_printed_array_with_a_malformed_tail_loads_the_good_head(con, tmp_path):
    text = json.dumps([record(1), record(2)], indent=2)
    path = tmp_path / "pretty.json"
    path.write_text(text[:-1] + ', {"id": "rec-3", "broken": ', encoding="utf-8")
    (result,) = load(con, path)
    assert (result.loaded, result.rejected) == (2, 1)
    (reason,) = [r[3] for r in quarantine_rows(con)]
    assert reason.startswith("malformed JSON at byte") and "could not be read" in reason


def test_same_file_twice_changes_nothing(con, tmp_path):
    path = ndjson(tmp_path / "a.ndjson", [record(i) for i in range(5)] + [record(9, level=None)])
    first = load(con, path)[0]
    snapshot = rows(con, "SELECT * FROM vercel_log_records ORDER BY id"), rows(con, "SELECT count(*) FROM quarantine")
    second = load(con, path)[0]
    assert (first.loaded, first.rejected) == (5, 1)
    assert (second.status, second.loaded, second.message) == ("skipped", 0, f"already loaded (same content as {path})")
    assert (rows(con, "SELECT * FROM vercel_log_records ORDER BY id"), rows(con, "SELECT count(*) FROM quarantine")) == snapshot
    assert rows(con, "SELECT count(*) FROM ingest_files") == [(1,)]


def test_overlapping_exports_never_double_count(con, tmp_path):
    a = ndjson(tmp_path / "a.ndjson", [record(i) for i in range(0, 6)])
    b = ndjson(tmp_path / "b.ndjson", [record(i) for i in range(4, 10)] + [record(5)])  # 5 twice in b
    results = load(con, a, b)
    assert [(r.loaded, r.duplicates) for r in results] == [(6, 0), (4, 3)]
    assert rows(con, "SELECT count(*), count(DISTINCT id) FROM vercel_log_records") == [(10, 10)]
    assert rows(con, "SELECT count(*) FROM vercel_requests") == [(10,)]


def test_request_deduplication_and_crash_marking(con, tmp_path):
    proxy = record(1)
    crash = record(2, requestId="req-1", statusCode=-1, level="error")
    del crash["proxy"]
    revalidation = record(3)
    revalidation["proxy"]["statusCode"] = -1
    no_request_id = record(4)
    del no_request_id["requestId"]
    load(con, ndjson(tmp_path / "a.ndjson", [proxy, revalidation, no_request_id]))
    load(con, ndjson(tmp_path / "b.ndjson", [crash]))  # the crash arrives in a later file
    assert rows(con, "SELECT request_id, status_code, crashed, background, route FROM vercel_requests ORDER BY 1") == [
        ("rec-4", 200, False, False, "/api/items"),
        ("req-1", 200, True, False, "/api/items"),
        ("req-3", -1, False, True, "/api/items"),
    ]


def test_hostile_strings_are_stored_verbatim(con, tmp_path):
    nasty = "'); DROP TABLE vercel_requests; -- <script>alert(1)</script> =cmd|' /C calc'!A0 \u202e"
    path = tmp_path / "it's a \"file\".ndjson"
    ndjson(path, [record(1, message=nasty, path=nasty)])
    (result,) = load(con, path)
    assert result.loaded == 1
    assert rows(con, "SELECT message, route FROM vercel_log_records JOIN vercel_requests USING (request_id)") == [
        (nasty, nasty)]
    assert rows(con, "SELECT path FROM ingest_files") == [(str(path),)]


def test_unknown_fields_are_kept_as_json(con, tmp_path):
    load(con, ndjson(tmp_path / "a.ndjson", [record(1, newThing={"a": [1, 2]}, other="x")]))
    (extra,) = rows(con, "SELECT extra FROM vercel_log_records")[0]
    assert json.loads(extra) == {"newThing": {"a": [1, 2]}, "other": "x"}


def test_forced_kind_on_the_wrong_content_quarantines_instead_of_crashing(con, tmp_path):
    path = write_lines(tmp_path / "x.ndjson", ['{"hello": "world"}'])
    (result,) = load(con, path, source="vercel_logs")
    assert (result.status, result.loaded, result.rejected) == ("loaded", 0, 1)
    assert quarantine_rows(con)[0][3] == 'missing required field "id"'


def test_ledger_records_hash_size_kind_and_counts(con, tmp_path):
    path = ndjson(tmp_path / "a.ndjson", [record(1), record(2, level=None)])
    load(con, path)
    frame = ledger.files(con)
    row = frame.iloc[0]
    import hashlib

    assert row.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (row.size_bytes, row.kind, row.status, row.records, row.loaded, row.rejected) == (
        path.stat().st_size, "vercel_logs", "loaded", 2, 1, 1)
    assert row.finished_at >= row.started_at


def test_a_file_that_vanishes_is_reported_failed(con, tmp_path):
    (result,) = load(con, tmp_path / "missing.ndjson")
    assert (result.status, result.message) == ("failed", "no such file or folder")


def test_folders_are_walked_recursively_in_order_skipping_hidden_files(tmp_path):
    for name in ("b/2.json", "a/1.json", ".hidden/x.json", "a/.dot.json", "c.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    found = [p.relative_to(tmp_path).as_posix() for p in ingest.expand([tmp_path])]
    assert found == ["a/1.json", "b/2.json", "c.json"]


def test_warehouse_file_round_trip_and_snapshot(tmp_path):
    db = tmp_path / "w.duckdb"
    with warehouse.writing(db) as con:
        load(con, ndjson(tmp_path / "a.ndjson", [record(1)]))
    reader = warehouse.open_reader(db)
    try:
        assert reader.execute("SELECT count(*) FROM vercel_log_records").fetchall() == [(1,)]
    finally:
        reader.close()
    assert (warehouse.snapshot_dir(db) / "CURRENT").exists()
