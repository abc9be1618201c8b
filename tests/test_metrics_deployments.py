"""Deployments (METRICS.md): statistics, timeline, deploy impact with its tests, change failure, MTTR."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from reports import metrics, periods
from reports.config import parse_config
from reports.errors import MetricError, UsageError
from reports.metrics import deployments
from reports.metrics.scope import Scope

T0 = datetime(2026, 10, 10, 3, 0, tzinfo=UTC)
H = 3600.0


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def scope_for(period: periods.Period | None = None, **data) -> Scope:
    tz = data.setdefault("report", {}).setdefault("timezone", "Asia/Seoul")
    config = parse_config(data)
    return Scope.of(config, period or periods.month("2026-10", tz))


# --- factories -------------------------------------------------------------------------------

def add_deployment(con, uid: str, *, env: str | None = "production", state: str = "READY",
                   created: datetime | None = None, building: datetime | None = None, ready: datetime | None = None,
                   substate: str | None = None, sha: str | None = None, username: str | None = "alice",
                   email: str | None = "alice@example.com") -> None:
    if created is None:
        created = (ready or T0) - timedelta(minutes=3)
    con.execute(
        """INSERT INTO vercel_deployments (uid, created_at, building_at, ready_at, state, ready_substate, target,
               environment, creator_username, creator_email, commit_sha, commit_ref, commit_message, file_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'main', 'fix things', 1)""",
        [uid, created, building, ready, state, substate, env, env or "preview", username, email, sha],
    )


def add_requests(con, times, errors=None, *, env: str = "production", background=None, crashed=None,
                 status=None) -> None:
    n = len(times)
    if status is None:
        status = [500 if e else 200 for e in (errors if errors is not None else [False] * n)]
    start = con.execute("SELECT count(*) FROM vercel_requests").fetchall()[0][0]
    frame = pd.DataFrame({
        "request_id": [f"req-{start + i}" for i in range(n)],
        "ts": pd.to_datetime(list(times), utc=True),
        "environment": env,
        "deployment_id": "dpl",
        "project_id": "prj",
        "status_code": pd.array(status, dtype="Int64"),
        "crashed": list(crashed) if crashed is not None else [False] * n,
        "background": list(background) if background is not None else [False] * n,
        "file_id": 1,
    })
    con.register("_req", frame)
    con.execute("INSERT INTO vercel_requests BY NAME SELECT * FROM _req")
    con.unregister("_req")


def add_transactions(con, times, durations, *, op: str = "http.server", env: str = "production",
                     lcp=None) -> None:
    start = con.execute("SELECT count(*) FROM sentry_transactions").fetchall()[0][0]
    frame = pd.DataFrame({
        "event_id": [f"{start + i:032x}" for i in range(len(times))],
        "ts": pd.to_datetime(list(times), utc=True),
        "duration_ms": np.asarray(durations, dtype=float),
        "op": op, "environment": env, "source": "event", "file_id": 1,
        "lcp": np.asarray(lcp if lcp is not None else [np.nan] * len(times), dtype=float),
    })
    con.register("_tx", frame)
    con.execute("INSERT INTO sentry_transactions BY NAME SELECT * FROM _tx")
    con.unregister("_tx")


def add_spans(con, ends, durations, env: str = "production") -> None:
    con.executemany(
        "INSERT INTO trace_spans (trace_id, span_id, name, kind, start_ts, end_ts, duration_ms, environment, file_id) "
        "VALUES ('t', ?, '/api', 'SERVER', ?, ?, ?, ?, 1)",
        [(f"s{i}", e - timedelta(milliseconds=d), e, float(d), env) for i, (e, d) in enumerate(zip(ends, durations, strict=True))],
    )


def add_lcp(con, times, values, env: str = "production") -> None:
    con.executemany(
        "INSERT INTO speed_insights (ts, metric, value_raw, value, environment, sample_key, file_id) "
        "VALUES (?, 'LCP', ?, ?, ?, ?, 1)",
        [(t, float(v), float(v), env, f"k{i}-{t.isoformat()}") for i, (t, v) in enumerate(zip(times, values, strict=True))],
    )


def spread(start: float, end: float, n: int) -> list[datetime]:
    """``n`` instants evenly inside [start, end) seconds from T0."""
    if n == 0:
        return []
    step = (end - start) / n
    return [at(start + step * (i + 0.5)) for i in range(n)]


def z_test_p(e1: int, n1: int, e2: int, n2: int) -> float:
    """Independent one-sided two-proportion z-test p-value (after = 2 > before = 1), via erfc."""
    p1, p2, pooled = e1 / n1, e2 / n2, (e1 + e2) / (n1 + n2)
    z = (p2 - p1) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return 0.5 * math.erfc(z / math.sqrt(2))


def only(frame: pd.DataFrame, uid: str) -> dict:
    (row,) = frame[frame["uid"] == uid].to_dict("records")
    return row


# --- deploy_stats ----------------------------------------------------------------------------

def test_stats_counts_rates_durations_and_frequency(con):
    build_s = [60, 90, 150, 400]
    for i, b in enumerate(build_s):  # READY production with build time b and queue 10*(i+1) s
        ready = at(i * H)
        add_deployment(con, f"r{i}", ready=ready, building=ready - timedelta(seconds=b),
                       created=ready - timedelta(seconds=b + 10 * (i + 1)))
    add_deployment(con, "e1", state="ERROR", ready=at(10 * H), building=at(10 * H - 30), created=at(10 * H - 40))
    add_deployment(con, "c1", state="CANCELED", created=at(11 * H))          # placed by created_at
    add_deployment(con, "q1", state="QUEUED", created=at(12 * H))
    add_deployment(con, "p1", env=None, ready=at(13 * H), building=at(13 * H - 20), created=at(13 * H - 25))
    add_deployment(con, "s1", env="staging", state="ERROR", created=at(14 * H))
    out = {r["environment"]: r for r in deployments.stats(con, scope_for()).to_dict("records")}
    assert list(out) == ["production", "preview", "staging"]
    prod = out["production"]
    assert (prod["deployments"], prod["ready"], prod["error"], prod["canceled"], prod["other"]) == (7, 4, 1, 1, 1)
    assert dict(prod["states"]) == {"READY": 4, "ERROR": 1, "CANCELED": 1, "QUEUED": 1}
    assert prod["build_failure_rate"] == pytest.approx(1 / 5)
    ms = np.array(build_s) * 1000.0
    assert prod["build_samples"] == 4
    assert prod["build_p50_ms"] == pytest.approx(np.percentile(ms, 50, method="linear"))
    assert prod["build_p95_ms"] == pytest.approx(np.percentile(ms, 95, method="linear"))
    queue = np.array([10, 20, 30, 40, 10]) * 1000.0  # the four READY and the ERROR have buildingAt
    assert prod["queue_samples"] == 5
    assert prod["queue_p95_ms"] == pytest.approx(np.percentile(queue, 95, method="linear"))
    assert prod["deploys_per_week"] == pytest.approx(4 / (31 * 86400 / 604800))
    assert out["preview"]["ready"] == 1 and out["preview"]["build_p50_ms"] == pytest.approx(20_000)
    assert out["staging"]["build_failure_rate"] == 1.0 and math.isnan(out["staging"]["build_p50_ms"])


def test_stats_without_deployments_is_a_production_row_of_zeros(con):
    (row,) = deployments.stats(con, scope_for()).to_dict("records")
    assert (row["environment"], row["deployments"], row["ready"], row["deploys_per_week"]) == ("production", 0, 0, 0)
    assert math.isnan(row["build_failure_rate"]) and math.isnan(row["build_p95_ms"])


def test_stats_failure_rate_is_null_with_only_canceled_builds(con):
    add_deployment(con, "c1", state="CANCELED", created=at(0))
    (row,) = deployments.stats(con, scope_for()).to_dict("records")
    assert row["canceled"] == 1 and math.isnan(row["build_failure_rate"])


def test_stats_month_boundary_in_seoul_uses_ready_else_created(con):
    # created in October (local) but ready 2026-10-31T15:30Z = 1 November 00:30 KST: November's
    add_deployment(con, "late", created=datetime(2026, 10, 31, 14, 50, tzinfo=UTC),
                   ready=datetime(2026, 10, 31, 15, 30, tzinfo=UTC))
    add_deployment(con, "oct", state="CANCELED", created=datetime(2026, 10, 31, 14, 59, tzinfo=UTC))
    october = deployments.stats(con, scope_for()).to_dict("records")[0]
    november = deployments.stats(con, scope_for(periods.month("2026-11", "Asia/Seoul"))).to_dict("records")[0]
    assert (october["ready"], october["canceled"]) == (0, 1)
    assert (november["ready"], november["canceled"]) == (1, 0)
    assert november["deploys_per_week"] == pytest.approx(1 / (30 * 86400 / 604800))


def test_stats_deploy_frequency_in_a_dst_month_uses_its_721_hours(con):
    tz = "America/New_York"
    november = periods.month("2026-11", tz)
    assert november.seconds == 721 * 3600
    for i in range(3):
        add_deployment(con, f"d{i}", ready=datetime(2026, 11, 1, 5 + i, tzinfo=UTC))  # 1 Nov, a 25 h day
    add_deployment(con, "before", ready=datetime(2026, 11, 1, 3, 59, tzinfo=UTC))  # 31 Oct 23:59 EDT
    row = deployments.stats(con, scope_for(november, report={"timezone": tz})).to_dict("records")[0]
    assert row["ready"] == 3
    assert row["deploys_per_week"] == pytest.approx(3 / (721 * 3600 / 604800))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 30 * 86400 - 1), st.sampled_from(["READY", "ERROR", "CANCELED"]),
                          st.sampled_from(["production", None, "staging"])), max_size=30),
       st.integers(1, 30 * 86400 - 1))
def test_stats_split_period_counts_add_up(con, entries, cut):
    con.execute("DELETE FROM vercel_deployments")  # the fixture's warehouse is shared by the examples
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for i, (offset, state, env) in enumerate(entries):
        add_deployment(con, f"d{i}", env=env, state=state, ready=start + timedelta(seconds=offset))
    mid, end = start + timedelta(seconds=cut), start + timedelta(days=30)
    def totals(s, e):
        frame = deployments.stats(con, scope_for(periods.Period(s, e, "UTC", "t"), report={"timezone": "UTC"}))
        return frame.set_index("environment")[["deployments", "ready", "error", "canceled"]]
    whole = totals(start, end)
    parts = totals(start, mid).add(totals(mid, end), fill_value=0)
    assert whole.sort_index().astype(int).equals(parts.sort_index().astype(int))
    assert int(whole["deployments"].sum()) == len(entries)


# --- deploy_timeline -------------------------------------------------------------------------

def test_timeline_lists_every_environment_with_durations_and_no_email(con):
    add_deployment(con, "b", env=None, ready=at(2 * H), building=at(2 * H - 45.5), created=at(2 * H - 50),
                   sha="abc123", username=None)
    add_deployment(con, "a", ready=at(H), building=at(H - 100), created=at(H - 160), sha="def456")
    add_deployment(con, "c", state="ERROR", created=at(3 * H))
    frame = deployments.timeline(con, scope_for())
    assert list(frame["uid"]) == ["a", "b", "c"]
    assert not any("email" in c for c in frame.columns)
    assert "alice@example.com" not in frame.astype(str).to_string()
    a, b, c = frame.to_dict("records")
    assert (a["environment"], a["build_ms"], a["queue_ms"], a["creator"], a["commit_sha"]) == \
        ("production", 100_000, 60_000, "alice", "def456")
    assert (b["environment"], b["build_ms"], b["queue_ms"]) == ("preview", 45_500, 4_500)
    assert pd.isna(b["creator"])
    assert c["placed_at"] == at(3 * H) and math.isnan(c["build_ms"])


# --- deploy impact ---------------------------------------------------------------------------

def plant(con, t: float, before: tuple[int, int], after: tuple[int, int], lat_before, lat_after,
          window: float = H) -> None:
    """Requests (n, errors) and latency samples evenly in [t - window, t) and [t, t + window)."""
    for (lo, hi), (n, e) in (((t - window, t), before), ((t, t + window), after)):
        add_requests(con, spread(lo, hi, n), [i < e for i in range(n)])
    add_transactions(con, spread(t - window, t, len(lat_before)), lat_before)
    add_transactions(con, spread(t, t + window, len(lat_after)), lat_after)


def test_planted_regression_is_found_with_independent_p_values(con):
    rng = np.random.default_rng(7)
    before_ms = rng.normal(200, 20, 300)
    after_ms = rng.normal(300, 30, 300)
    add_deployment(con, "dpl", ready=at(0), sha="cafe")
    plant(con, 0, (2000, 10), (2000, 60), before_ms, after_ms)
    row = only(deployments.impact(con, scope_for()), "dpl")
    assert (row["requests_before"], row["errors_before"], row["requests_after"], row["errors_after"]) == \
        (2000, 10, 2000, 60)
    assert row["error_rate_after"] == pytest.approx(60 / 2000)
    assert row["error_p_value"] == pytest.approx(z_test_p(10, 2000, 60, 2000), rel=1e-9)
    assert row["error_p_value"] < 0.01 and row["error_verdict"] == "regression"
    p95_b, p95_a = (np.percentile(x, 95, method="linear") for x in (before_ms, after_ms))
    assert (row["p95_before_ms"], row["p95_after_ms"]) == (pytest.approx(p95_b), pytest.approx(p95_a))
    assert row["p95_change"] == pytest.approx(p95_a / p95_b - 1)
    expected_u = sps.mannwhitneyu(after_ms, before_ms, alternative="greater").pvalue
    assert row["latency_p_value"] == pytest.approx(expected_u, rel=1e-9)
    assert row["latency_p_value"] < 0.01 and row["latency_verdict"] == "regression"
    assert row["verdict"] == "regression" and row["commit_sha"] == "cafe"
    assert row["latency_source"] == "sentry_transactions"
    assert (row["before_s"], row["after_s"], row["before_cut"], row["after_cut"]) == (H, H, False, False)


def test_clear_non_regression_is_ok(con):
    rng = np.random.default_rng(11)
    base = rng.lognormal(5, 0.4, 200)
    add_deployment(con, "dpl", ready=at(0))
    plant(con, 0, (1000, 5), (1000, 5), base, rng.permutation(base))
    row = only(deployments.impact(con, scope_for()), "dpl")
    assert row["error_p_value"] == pytest.approx(0.5)
    assert row["p95_change"] == pytest.approx(0.0)
    assert (row["error_verdict"], row["latency_verdict"], row["verdict"]) == ("ok", "ok", "ok")


def test_latency_needs_both_a_20_percent_rise_and_significance(con):
    # a tiny but very significant shift (+5 %): not a regression
    rng = np.random.default_rng(3)
    before_ms = rng.normal(1000, 10, 500)
    add_deployment(con, "dpl", ready=at(0))
    plant(con, 0, (500, 0), (500, 0), before_ms, before_ms * 1.05)
    row = only(deployments.impact(con, scope_for()), "dpl")
    assert row["latency_p_value"] < 1e-6 and row["p95_change"] == pytest.approx(0.05)
    assert row["latency_verdict"] == "ok"
    assert row["error_p_value"] == 1.0 and row["error_verdict"] == "ok"  # no errors on either side


def test_too_few_samples_is_insufficient_data_never_ok(con):
    # 99 requests a side with a huge error rise, 19 latency samples a side with a huge slowdown
    add_deployment(con, "dpl", ready=at(0))
    plant(con, 0, (99, 0), (99, 50), [100.0] * 19, [5000.0] * 19)
    row = only(deployments.impact(con, scope_for()), "dpl")
    assert (row["error_verdict"], row["latency_verdict"], row["verdict"]) == ("insufficient_data",) * 3
    assert row["error_p_value"] is None or math.isnan(row["error_p_value"])
    # one side short is enough to be insufficient; the other test still decides the overall verdict
    add_deployment(con, "dpl2", ready=at(10 * H))
    plant(con, 10 * H, (100, 0), (100, 40), [100.0], [5000.0] * 50)
    row = only(deployments.impact(con, scope_for()), "dpl2")
    assert (row["error_verdict"], row["latency_verdict"], row["verdict"]) == \
        ("regression", "insufficient_data", "regression")
    assert (row["latency_samples_before"], row["p95_before_ms"]) == (1, 100.0)  # one sample: p95 = it


def test_a_deployment_without_any_traffic_is_insufficient(con):
    add_deployment(con, "quiet", ready=at(0))
    row = only(deployments.impact(con, scope_for()), "quiet")
    assert (row["requests_before"], row["latency_samples_after"]) == (0, 0)
    assert math.isnan(row["error_rate_before"]) and math.isnan(row["p95_after_ms"])
    assert row["verdict"] == "insufficient_data"


def test_after_window_is_cut_short_by_the_next_production_deployment(con):
    add_deployment(con, "first", ready=at(0))
    add_deployment(con, "second", ready=at(1200))                    # 20 min later
    add_deployment(con, "staged", ready=at(600), substate="STAGED")   # never served traffic: cuts nothing
    add_deployment(con, "preview", env=None, ready=at(900))           # another environment: cuts nothing
    add_requests(con, [at(-1800), at(300), at(1199), at(1200), at(1800), at(4000)],
                 [False, True, False, False, True, False])
    frame = deployments.impact(con, scope_for())
    assert list(frame["uid"]) == ["first", "second"]
    first, second = only(frame, "first"), only(frame, "second")
    assert (first["after_end"], first["after_s"], first["after_cut"], first["next_uid"]) == (at(1200), 1200, True, "second")
    assert (first["requests_before"], first["requests_after"], first["errors_after"]) == (1, 2, 1)
    # the before-window of the second is cut by the first: [0, 1200) holds only the first's traffic
    assert (second["before_start"], second["before_s"], second["before_cut"]) == (at(0), 1200, True)
    assert (second["requests_before"], second["requests_after"], second["errors_after"]) == (2, 3, 1)
    assert (second["after_end"], second["after_cut"]) == (at(1200 + H), False)


def test_a_next_deployment_after_the_period_still_cuts_the_window(con):
    end = periods.month("2026-10", "Asia/Seoul").end
    add_deployment(con, "last", ready=end - timedelta(minutes=10))
    add_deployment(con, "next_month", ready=end + timedelta(minutes=5))
    frame = deployments.impact(con, scope_for())
    assert list(frame["uid"]) == ["last"]
    assert frame.loc[0, "after_s"] == 900


def test_windows_reaching_outside_the_period_count_samples_there_and_no_further(con):
    month = periods.month("2026-10", "Asia/Seoul")
    first, last = month.start + timedelta(minutes=10), month.end - timedelta(minutes=10)
    add_deployment(con, "first", ready=first)
    add_deployment(con, "last", ready=last)
    # inside the windows but outside the month (September / November), and just beyond the windows
    inside = [first - timedelta(minutes=30), last + timedelta(minutes=30), first - timedelta(seconds=H - 1),
              last + timedelta(seconds=H - 1)]
    beyond = [first - timedelta(seconds=H + 1), last + timedelta(seconds=H + 1), month.start - timedelta(hours=3),
              month.end + timedelta(hours=3)]
    add_requests(con, inside + beyond)
    add_transactions(con, inside + beyond, [100.0] * 8)
    add_lcp(con, inside + beyond, [1000.0] * 8)
    frame = deployments.impact(con, scope_for())
    a, b = only(frame, "first"), only(frame, "last")
    for row in (a, b):
        assert (row["requests_before"] + row["requests_after"]) == 2
        assert (row["latency_samples_before"] + row["latency_samples_after"]) == 2
        assert (row["lcp_samples_before"] + row["lcp_samples_after"]) == 2
    assert (a["requests_before"], b["requests_after"]) == (2, 2)


def test_impact_excludes_maintenance_background_and_counts_crashes(con):
    window = {"start": at(-600).isoformat(), "end": at(0).isoformat(), "reason": "db", "approved_by": "ops"}
    add_deployment(con, "dpl", ready=at(0))
    add_requests(con, [at(-1200), at(-300), at(-299), at(100), at(200), at(300), at(400)],
                 status=[200, 500, 200, 404, 200, 503, -1],
                 crashed=[False, False, False, False, True, False, False],
                 background=[False, False, False, False, False, False, True])
    add_transactions(con, [at(-1200), at(-300), at(100)], [10.0, 99999.0, 20.0])
    row = only(deployments.impact(con, scope_for(maintenance=[window])), "dpl")
    assert (row["requests_before"], row["errors_before"]) == (1, 0)        # two in maintenance
    assert (row["requests_after"], row["errors_after"]) == (3, 2)          # 404 is no error; crash is; background out
    assert (row["latency_samples_before"], row["p95_before_ms"]) == (1, 10.0)


def test_sampled_drain_scales_displayed_counts_only(con):
    add_deployment(con, "dpl", ready=at(0))
    plant(con, 0, (150, 3), (150, 3), [], [])
    row = only(deployments.impact(con, scope_for(sources={"vercel_log_sample_rate": 0.25})), "dpl")
    assert (row["requests_before"], row["est_requests_before"], row["est_requests_after"]) == (150, 600, 600)
    assert row["error_rate_before"] == pytest.approx(3 / 150)
    assert row["error_p_value"] == pytest.approx(0.5)


def test_latency_falls_back_to_trace_spans_and_lcp_needs_enough_samples(con):
    rng = np.random.default_rng(5)
    spans_b, spans_a = rng.normal(100, 5, 40), rng.normal(100, 5, 40)
    add_deployment(con, "dpl", ready=at(0))
    add_spans(con, spread(-H, 0, 40), spans_b)
    add_spans(con, spread(0, H, 40), spans_a)
    add_transactions(con, [at(-100)], [50.0], op="pageload", lcp=[9999.0])  # not a server sample
    lcp_b = rng.uniform(1000, 3000, 25)
    add_lcp(con, spread(-H, 0, 25), lcp_b)
    add_lcp(con, spread(0, H, 19), rng.uniform(1000, 3000, 19))
    row = only(deployments.impact(con, scope_for()), "dpl")
    assert row["latency_source"] == "trace_spans"
    assert row["p95_after_ms"] == pytest.approx(np.percentile(spans_a, 95, method="linear"))
    assert row["latency_verdict"] in ("ok", "regression")
    assert row["lcp_source"] == "speed_insights" and (row["lcp_samples_before"], row["lcp_samples_after"]) == (25, 19)
    assert row["lcp_p75_before_ms"] == pytest.approx(np.percentile(lcp_b, 75, method="linear"))
    assert math.isnan(row["lcp_p75_after_ms"])  # 19 < 20 samples


def test_samples_come_from_one_query_for_all_deployments(con):
    add_deployment(con, "a", ready=at(0))
    add_deployment(con, "b", ready=at(5 * H))
    add_transactions(con, [at(-10), at(10), at(20), at(5 * H - 5), at(5 * H + 1)], [1.0, 3.0, 2.0, 4.0, 5.0])
    scope = scope_for()
    params = {"start": scope.period.start, "end": scope.period.end, "environment": "production", "window_s": H,
              "maintenance": []}
    frame = metrics.run(con, "deploy_impact_samples", **params, uid=None, uid_ready=None)
    got = {r["uid"]: (list(r["before_ms"]), list(r["after_ms"])) for r in frame.to_dict("records")}
    assert got == {"a": ([1.0], [2.0, 3.0]), "b": ([4.0], [5.0])}
    one = metrics.run(con, "deploy_impact_samples", **params, uid="b", uid_ready=at(5 * H))
    assert [(r["uid"], list(r["before_ms"]), list(r["after_ms"])) for r in one.to_dict("records")] == [("b", [4.0], [5.0])]
    with pytest.raises(MetricError, match="uid_ready must be the ready time"):
        metrics.run(con, "deploy_impact_samples", **params, uid="b", uid_ready=at(0))


def test_the_last_production_deployment_alone_equals_its_row_of_the_whole_month(con):
    add_deployment(con, "a", ready=at(0))
    add_deployment(con, "b", ready=at(3 * H))
    add_deployment(con, "c", ready=at(6 * H))
    add_deployment(con, "c_preview", env=None, ready=at(7 * H))  # not production: not the last
    # the drain covers a's windows only; Sentry has transactions around c: the month's request source
    # is the drain (chosen over all windows), so c is judged on zero drain requests, focused or not
    add_requests(con, spread(-H, 2 * H, 400), [i % 50 == 0 for i in range(400)])
    add_transactions(con, spread(-H, 7 * H, 300), [100.0 + i % 37 for i in range(300)])
    add_lcp(con, spread(5 * H, 7 * H, 60), [2000.0 + i for i in range(60)])
    scope = scope_for()
    whole = deployments.impact(con, scope)
    last = deployments.last_production(con, scope)
    assert last is not None and last["uid"] == "c"
    expected = {k: (None if (not isinstance(v, list | dict | np.ndarray) and pd.isna(v)) else v)
                for k, v in only(whole, "c").items()}
    assert last == expected
    # no drain request near c, and no fallback to its Sentry transactions (they are its latency samples)
    assert (last["requests_before"], last["requests_after"]) == (0, 0)
    assert last["latency_samples_before"] > 0 and last["latency_samples_after"] > 0
    assert last["lcp_samples_before"] + last["lcp_samples_after"] == 60


def test_no_production_deployment_means_no_last_one(con):
    add_deployment(con, "p", env=None, ready=at(0))
    assert deployments.last_production(con, scope_for()) is None


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 400), st.integers(100, 2000), st.integers(0, 400), st.integers(100, 2000))
def test_error_rate_test_matches_the_textbook_formula(e1, n1, e2, n2):
    e1, e2 = min(e1, n1), min(e2, n2)
    verdict, p = deployments.error_rate_test(e1, n1, e2, n2)
    pooled = (e1 + e2) / (n1 + n2)
    if pooled in (0, 1):
        assert (verdict, p) == ("ok", 1.0)
        return
    expected = z_test_p(e1, n1, e2, n2)
    assert p == pytest.approx(expected, rel=1e-9, abs=1e-300)
    assert verdict == ("regression" if expected < 0.01 else "ok")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.floats(1, 10_000, allow_nan=False), min_size=1, max_size=60),
       st.lists(st.floats(1, 10_000, allow_nan=False), min_size=1, max_size=60))
def test_sql_p95_equals_numpy_on_random_samples(con, before, after):
    for table in ("vercel_deployments", "sentry_transactions"):  # shared by the examples
        con.execute(f"DELETE FROM {table}")
    add_deployment(con, "dpl", ready=at(0))
    add_transactions(con, spread(-H, 0, len(before)), before)
    add_transactions(con, spread(0, H, len(after)), after)
    row = only(deployments.impact(con, scope_for()), "dpl")
    assert row["p95_before_ms"] == pytest.approx(np.percentile(before, 95, method="linear"))
    assert row["p95_after_ms"] == pytest.approx(np.percentile(after, 95, method="linear"))


# --- change failure rate and time to restore -------------------------------------------------

def test_change_failure_rate_counts_assessed_deployments_only(con):
    rng = np.random.default_rng(1)
    add_deployment(con, "bad", ready=at(0))
    plant(con, 0, (500, 1), (500, 40), [], [])
    add_deployment(con, "good", ready=at(10 * H))
    same = rng.normal(100, 10, 50)
    plant(con, 10 * H, (500, 2), (500, 2), same, same)
    add_deployment(con, "quiet", ready=at(20 * H))
    cfr = deployments.change_failure_rate(con, scope_for())
    assert cfr == {"deployments": 3, "assessed": 2, "regressions": 1, "insufficient": 1, "rate": 0.5}


def test_change_failure_rate_without_assessable_deployments_is_none(con):
    add_deployment(con, "quiet", ready=at(0))
    assert deployments.change_failure_rate(con, scope_for())["rate"] is None


def test_time_to_restore_is_mttr_of_incidents_starting_within_w_after_a_deployment(con):
    def probes(start_s: float, states: list[str]) -> None:
        con.executemany("INSERT INTO probe_results (monitor, ts, state, origin, file_id) VALUES ('health', ?, ?, 'probe', 1)",
                        [(at(start_s + 60 * i), s) for i, s in enumerate(states)])
    add_deployment(con, "dpl", ready=at(0))
    add_deployment(con, "dpl2", ready=at(10 * H))
    probes(-600, ["up"] * 20 + ["down"] * 5 + ["up"] * 10)               # down [600, 900): 300 s, 10 min after dpl
    probes(2 * H, ["up"] * 3 + ["down"] * 2 + ["up"] * 3)                # 2 h after: not counted
    probes(10 * H + 3000, ["up", "down", "down", "down", "up"])          # 50 min after dpl2: 180 s
    scope = scope_for(monitors={"health": {"interval_s": 60}})
    out = deployments.time_to_restore(con, scope)
    assert out["incidents"] == 2
    assert out["mttr_s"] == pytest.approx((300 + 180) / 2)
    assert list(out["rows"]["deployment_uid"]) == ["dpl", "dpl2"]
    assert list(out["rows"]["after_s"]) == [600, 3060]


def test_time_to_restore_without_incidents_is_none(con):
    add_deployment(con, "dpl", ready=at(0))
    assert deployments.time_to_restore(con, scope_for())["mttr_s"] is None


def test_requests_fall_back_to_sentry_transactions_with_their_sample_rate(con):
    add_deployment(con, "dpl", ready=at(0))
    n = 120
    add_transactions(con, spread(-H, 0, n), [100.0] * n)
    add_transactions(con, spread(0, H, n), [100.0] * n)
    # after the deployment: 30 errors, by HTTP status or, without one, by a failed trace status
    con.execute("UPDATE sentry_transactions SET http_status = 502 WHERE ts >= ? AND ts < ?", [at(0), at(600)])
    con.execute("UPDATE sentry_transactions SET status = 'internal_error' WHERE ts >= ? AND ts < ?", [at(600), at(900)])
    con.execute("UPDATE sentry_transactions SET http_status = 200, status = 'internal_error' WHERE ts >= ? AND ts < ?",
                [at(900), at(1200)])
    con.execute("UPDATE sentry_transactions SET sample_rate = 0.5 WHERE ts < ?", [at(0)])
    row = only(deployments.impact(con, scope_for(sources={"sentry_sample_rate": 0.1})), "dpl")
    assert row["request_source"] == "sentry_transactions"
    assert (row["requests_before"], row["requests_after"], row["errors_before"], row["errors_after"]) == (n, n, 0, 30)
    assert (row["est_requests_before"], row["est_requests_after"]) == (pytest.approx(2 * n), pytest.approx(10 * n))
    assert row["error_p_value"] == pytest.approx(z_test_p(0, n, 30, n))
    assert row["error_verdict"] == "regression"
    # as soon as a Vercel request lies in a window, the drain is the source
    add_requests(con, [at(10)])
    row = only(deployments.impact(con, scope_for()), "dpl")
    assert (row["request_source"], row["requests_before"], row["requests_after"]) == ("vercel_logs", 0, 1)


def test_window_must_be_positive(con):
    with pytest.raises(UsageError, match="positive"):
        deployments.impact(con, scope_for(), window_s=0)
