"""The warehouse file: migrations, version checks, snapshots for readers; and periods."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest

from reports import periods, warehouse
from reports.errors import UsageError, WarehouseError


def test_migrations_are_versioned_and_applied_once(tmp_path):
    db = tmp_path / "w.duckdb"
    con = warehouse.connect(db)
    versions = con.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
    con.close()
    assert versions == [(v,) for v, _ in warehouse.migrations()]
    assert versions[-1] == (warehouse.schema_version(),) and warehouse.schema_version() >= 2
    con = warehouse.connect(db)  # again: nothing re-applied
    assert con.execute("SELECT count(*) FROM schema_version").fetchall() == [(len(versions),)]
    con.close()


def test_migration_2_gives_existing_spans_their_transaction_time_environment_and_first_db_mark(tmp_path):
    db = tmp_path / "w.duckdb"
    raw = duckdb.connect(str(db))
    (version, sql), *_ = warehouse.migrations()
    assert version == 1
    raw.execute(sql)
    raw.execute("INSERT INTO schema_version VALUES (1, now())")
    t1, t2 = datetime(2026, 10, 3, 9, 0, tzinfo=UTC), datetime(2026, 10, 4, 9, 0, tzinfo=UTC)
    raw.executemany("INSERT INTO sentry_transactions (event_id, ts, environment, source, file_id) "
                    "VALUES (?, ?, ?, 'event', 1)", [("a" * 32, t1, "production"), ("b" * 32, t2, "preview")])
    spans = [  # event, key, index, op, description, file, line
        ("a" * 32, "s1", 1, "db.sql.query", "SELECT 1", 1, 1), ("a" * 32, "s2", 2, "db.sql.query", "SELECT 1", 1, 1),
        ("a" * 32, "s3", 3, "db", None, 1, 1), ("a" * 32, "s4", 4, "db.redis", None, 1, 1),
        ("a" * 32, "s5", 5, "http.client", "SELECT 1", 1, 1),
        ("a" * 32, "s0", 9, "db", "SELECT 1", 0, 7),  # an earlier file's span of the same transaction
        ("b" * 32, "s1", 1, "db", "SELECT 1", 1, 2),
    ]
    raw.executemany("INSERT INTO sentry_spans (event_id, span_key, span_index, op, description, file_id, line) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", spans)
    raw.close()
    con = warehouse.connect(db)
    got = {(e[0], k): rest for e, k, *rest in con.execute(
        "SELECT event_id, span_key, tx_ts, tx_environment, db_first FROM sentry_spans").fetchall()}
    con.close()
    assert got == {
        ("a", "s0"): [t1, "production", True],  # first by (file, line, item, index)
        ("a", "s1"): [t1, "production", False], ("a", "s2"): [t1, "production", False],
        ("a", "s3"): [t1, "production", True], ("a", "s4"): [t1, "production", False],  # NULL = one description
        ("a", "s5"): [t1, "production", None],  # not a DB span
        ("b", "s1"): [t2, "preview", True],
    }


def test_a_warehouse_from_a_newer_version_is_refused(tmp_path):
    db = tmp_path / "w.duckdb"
    warehouse.connect(db).close()
    raw = duckdb.connect(str(db))
    raw.execute("INSERT INTO schema_version VALUES (999, now())")
    raw.close()
    with pytest.raises(WarehouseError) as caught:
        warehouse.connect(db)
    assert str(caught.value) == (
        f"{db}: the warehouse has schema version 999, newer than this version of reports understands "
        f"({warehouse.schema_version()}); upgrade reports (pip install -U atcmp-reports)")
    with pytest.raises(WarehouseError, match="schema version 999, newer than"):
        warehouse.open_reader(db)


def test_a_file_that_is_not_a_database_is_reported(tmp_path):
    db = tmp_path / "w.duckdb"
    db.write_text("not a database")
    with pytest.raises(WarehouseError, match=r"cannot open the warehouse"):
        warehouse.connect(db)


def test_a_second_writer_waits_for_the_lock_then_gives_up(tmp_path):
    import subprocess
    import sys
    import textwrap

    db = tmp_path / "w.duckdb"
    warehouse.connect(db).close()
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(db)!r})
        print("holding", flush=True)
        time.sleep(30)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with pytest.raises(WarehouseError, match="another process is writing to the warehouse"):
            warehouse.open_writer(db, timeout_s=0.5)
    finally:
        holder.kill()
        holder.wait()


def test_old_snapshots_are_pruned(tmp_path):
    db = tmp_path / "w.duckdb"
    for _ in range(4):
        with warehouse.writing(db):
            pass
    assert len(list(warehouse.snapshot_dir(db).glob("*.duckdb"))) == 2


@pytest.mark.parametrize(
    ("label", "zone", "start", "end", "hours"),
    [
        ("2026-10", "Asia/Seoul", "2026-09-30T15:00:00+00:00", "2026-10-31T15:00:00+00:00", 744),
        ("2026-11", "America/New_York", "2026-11-01T04:00:00+00:00", "2026-12-01T05:00:00+00:00", 721),
        ("2026-03", "America/New_York", "2026-03-01T05:00:00+00:00", "2026-04-01T04:00:00+00:00", 743),
        ("2026-12", "UTC", "2026-12-01T00:00:00+00:00", "2027-01-01T00:00:00+00:00", 744),
        ("2028-02", "Asia/Seoul", "2028-01-31T15:00:00+00:00", "2028-02-29T15:00:00+00:00", 696),
    ],
)
def test_months_are_cut_in_the_report_zone(label, zone, start, end, hours):
    p = periods.month(label, zone)
    assert (p.start.isoformat(), p.end.isoformat(), p.seconds / 3600) == (start, end, hours)


def test_previous_month_last_complete_month_and_days():
    oct_ = periods.month("2026-10", "Asia/Seoul")
    assert oct_.previous_month().label == "2026-09"
    assert periods.month("2026-01", "Asia/Seoul").previous_month().label == "2025-12"
    now = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)  # already November 1st in Seoul
    assert periods.last_complete_month("Asia/Seoul", now).label == "2026-10"
    assert periods.last_complete_month("UTC", now).label == "2026-09"
    assert len(oct_.days()) == 31
    assert oct_.last_day == date(2026, 10, 31) == oct_.days()[-1]  # the end instant is November's
    one_instant = periods.Period(oct_.start, oct_.start + timedelta(microseconds=1), "Asia/Seoul", "x")
    assert one_instant.last_day == date(2026, 10, 1) and one_instant.days() == [date(2026, 10, 1)]
    six = periods.months_back(oct_, 6)
    assert [p.label for p in six] == ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]


@pytest.mark.parametrize("bad", ["2026-13", "26-10", "2026/10", "", "2026-00"])
def test_bad_month_labels(bad):
    with pytest.raises(UsageError, match=r"month must look like 2026-10 \(YYYY-MM\)"):
        periods.month(bad, "UTC")


def test_rolling_windows_and_ranges():
    now = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
    assert periods.rolling("1h", "UTC", now).seconds == 3600
    with pytest.raises(UsageError, match="window must be one of"):
        periods.rolling("2h", "UTC", now)
    r = periods.days(datetime(2026, 11, 1).date(), datetime(2026, 11, 1).date(), "America/New_York")
    assert r.seconds == 25 * 3600
