"""Two real processes: readers never block the writer; a killed ingest leaves nothing half-written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from reports import warehouse
from tests.conftest import write_drain

ROOT = Path(__file__).parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def cli(*args: str, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "reports", *args], cwd=cwd, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def count(db: Path, table: str = "vercel_log_records") -> int:
    con = warehouse.open_reader(db)
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
    finally:
        con.close()


READER = textwrap.dedent(
    """
    import sys
    from reports import warehouse
    con = warehouse.open_reader(sys.argv[1])
    print(con.execute("SELECT count(*) FROM vercel_log_records").fetchall()[0][0], flush=True)
    sys.stdin.readline()          # hold the connection open until told to go on
    print(con.execute("SELECT count(*) FROM vercel_log_records").fetchall()[0][0], flush=True)
    con.close()
    con = warehouse.open_reader(sys.argv[1])
    print(con.execute("SELECT count(*) FROM vercel_log_records").fetchall()[0][0], flush=True)
    """
)


def test_an_open_reader_in_another_process_does_not_block_an_ingest(tmp_path):
    db = tmp_path / "w.duckdb"
    first = write_drain(tmp_path / "a.ndjson", 1000)
    second = write_drain(tmp_path / "b.ndjson", 500, start=1000)
    assert cli("--db", str(db), "ingest", str(first), cwd=tmp_path).wait(60) == 0
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db)], env=ENV, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout is not None and reader.stdin is not None
        assert reader.stdout.readline().strip() == "1000"
        writer = cli("--db", str(db), "ingest", str(second), cwd=tmp_path)
        out, err = writer.communicate(timeout=60)  # would hang on the lock if the reader blocked it
        assert writer.returncode == 0, err
        reader.stdin.write("go\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "1000"  # its open connection: the old snapshot
        assert reader.stdout.readline().strip() == "1500"  # a new connection: the new data
    finally:
        reader.kill()
        reader.wait()


def test_readers_keep_answering_while_an_ingest_runs(tmp_path):
    db = tmp_path / "w.duckdb"
    small = write_drain(tmp_path / "a.ndjson", 100)
    assert cli("--db", str(db), "ingest", str(small), cwd=tmp_path).wait(60) == 0
    big = write_drain(tmp_path / "big.ndjson", 300_000, start=100)
    writer = cli("--db", str(db), "ingest", str(big), cwd=tmp_path)
    answers_during = []
    while writer.poll() is None:
        answers_during.append(count(db))
        time.sleep(0.2)
    assert writer.returncode == 0
    assert answers_during, "the ingest finished before any read: make the file bigger"
    # the old data until the new snapshot is published (just before the writer exits)
    assert answers_during[0] == 100 and set(answers_during) <= {100, 300_100}
    assert count(db) == 300_100


def test_killing_an_ingest_mid_file_leaves_whole_files_only_and_a_rerun_is_exact(tmp_path):
    db = tmp_path / "w.duckdb"
    exports = tmp_path / "exports"
    exports.mkdir()
    write_drain(exports / "1-small.ndjson", 2_000)
    write_drain(exports / "2-big.ndjson", 600_000, start=2_000)
    write_drain(exports / "3-small.ndjson", 3_000, start=602_000)
    overlap = write_drain(exports / "4-overlap.ndjson", 1_000, start=601_500)  # overlaps big and 3-small
    writer = cli("--db", str(db), "ingest", str(exports), cwd=tmp_path)
    time.sleep(3.0)
    assert writer.poll() is None, "the ingest finished before the kill: make the big file bigger"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()

    con = warehouse.connect(db)  # recovery: the uncommitted transaction is rolled back
    try:
        loaded = con.execute("SELECT count(*) FROM vercel_log_records").fetchall()[0][0]
        statuses = con.execute("SELECT status, count(*) FROM ingest_files GROUP BY 1").fetchall()
        requests = con.execute("SELECT count(*) FROM vercel_requests").fetchall()[0][0]
    finally:
        con.close()
    assert loaded in (0, 2_000, 602_000), loaded  # whole files only
    assert requests == loaded
    assert all(status == "loaded" for status, _ in statuses)

    rerun = cli("--db", str(db), "ingest", str(exports), cwd=tmp_path)
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert count(db) == 605_000
    assert count(db, "vercel_requests") == 605_000
    assert overlap.exists()
