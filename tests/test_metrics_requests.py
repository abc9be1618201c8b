"""Requests, error rate and request availability (METRICS.md): hand-built rows, a Python reference."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import periods
from reports.config import parse_config
from reports.errors import UsageError
from reports.metrics import requests
from reports.metrics import scope as scoped
from reports.metrics.scope import Scope

T0 = datetime(2026, 10, 5, 0, 0, tzinfo=UTC)
_ids = itertools.count()


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def req(ts: datetime, status: int | None = 200, route: str | None = "/home", *, crashed: bool = False,
        background: bool = False, environment: str | None = "production", path: str | None = None) -> dict[str, Any]:
    return {"ts": ts, "status": status, "route": route, "crashed": crashed, "background": background,
            "environment": environment, "path": path if path is not None else route}


def add_requests(con, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    con.executemany(
        "INSERT INTO vercel_requests (request_id, ts, environment, deployment_id, project_id, path, route, "
        "status_code, crashed, background, file_id) VALUES (?, ?, ?, 'dpl_1', 'prj_1', ?, ?, ?, ?, ?, 1)",
        [(f"req-{next(_ids)}", r["ts"], r["environment"], r["path"], r["route"], r["status"], r["crashed"],
          r["background"]) for r in rows],
    )


def add_transactions(con, rows: list[tuple]) -> None:
    """rows: (ts, transaction, http_status, status[, sample_rate[, environment[, op]]])."""
    full = []
    for r in rows:
        ts, name, http_status, status, rate, env, op = (*r, *(None, "production", "http.server")[len(r) - 4:])
        full.append((f"{next(_ids):032x}", ts, 100.0, name, op, status, http_status, env, rate))
    con.executemany(
        "INSERT INTO sentry_transactions (event_id, ts, duration_ms, transaction, op, status, http_status, "
        "environment, sample_rate, source, file_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'event', 1)", full)


def scope_for(start: datetime, end: datetime, tz: str = "Asia/Seoul", maintenance: list | None = None,
              route: str | None = None, **sources: Any) -> Scope:
    config = parse_config({"report": {"timezone": tz}, "maintenance": maintenance or [], "sources": sources})
    return Scope.of(config, periods.Period(start, end, tz, "test"), route=route)


def reference(rows: list[dict[str, Any]], start: datetime, end: datetime, env: str = "production",
              api_prefix: str = "/api/") -> dict[str, Any]:
    """What METRICS.md says, as a plain loop over the request rows."""
    user = [r for r in rows if start <= r["ts"] < end and not r["background"] and r["environment"] == env]
    errors = [r for r in user if r["crashed"] or (r["status"] is not None and r["status"] >= 500)]
    api = [r for r in user if (r["route"] or "").startswith(api_prefix) or (r["path"] or "").startswith(api_prefix)]
    api_errors = [r for r in api if r in errors]
    n = len(user)

    def in_class(r: dict[str, Any], lo: int) -> bool:
        return r["status"] is not None and lo <= r["status"] < lo + 100

    return {
        "requests": n, "errors": len(errors),
        "error_rate": len(errors) / n if n else None,
        "request_availability": 1 - len(errors) / n if n else None,
        "client_errors": sum(1 for r in user if in_class(r, 400) and r not in errors),
        "status_2xx": sum(in_class(r, 200) for r in user), "status_3xx": sum(in_class(r, 300) for r in user),
        "status_4xx": sum(in_class(r, 400) for r in user), "status_5xx": sum(in_class(r, 500) for r in user),
        "api_requests": len(api), "api_errors": len(api_errors),
        "api_error_rate": len(api_errors) / len(api) if api else None,
    }


def assert_matches(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    for key, value in expected.items():
        assert actual[key] == (pytest.approx(value) if isinstance(value, float) else value), key


MIXED = [
    req(at(0), 200), req(at(1), 201), req(at(2), 301), req(at(3), 404), req(at(4), 429, "/api/search"),
    req(at(5), 500, "/api/search"), req(at(6), 503), req(at(7), 200, "/api/users", crashed=True),
    req(at(8), -1, "/api/users", background=True),  # revalidation: not a user request
    req(at(9), 500, environment="preview"),  # not production
    req(at(10), None, "/about"),  # proxy without a status: a request, not an error
    req(at(11), -1, "/api/pay", crashed=True),  # runtime logs: crash reported as -1
    req(at(12), 200, "/[slug]", path="/api/legacy?x=1"),  # API by its raw path
    req(at(13), 404, "/api/users", crashed=True),  # a crashed 4xx is an error, not a client error
]


def assert_same_error_rate(lean: dict[str, Any], summary: dict[str, Any]) -> None:
    """requests_error_rate's columns equal requests_summary's; scaled sums up to float rounding."""
    for key, value in lean.items():
        if key.startswith("scaled_"):
            assert value == pytest.approx(summary[key], rel=1e-12), key
        else:
            assert value == summary[key], key


def test_summary_counts_errors_crashes_classes_and_api_by_the_definition(con):
    add_requests(con, MIXED)
    s = requests.summary(con, scope_for(at(0), at(60)))
    assert s["source"] == "vercel_logs"
    assert_matches(s, reference(MIXED, at(0), at(60)))
    # by hand: 12 user requests; errors = 500, 503, crashed 200, crashed -1, crashed 404
    assert (s["requests"], s["errors"], s["client_errors"], s["crashed"]) == (12, 5, 2, 3)
    assert s["error_rate"] == pytest.approx(5 / 12)
    assert s["status_other"] == 2  # NULL and -1
    assert s["status_2xx"] + s["status_3xx"] + s["status_4xx"] + s["status_5xx"] + s["status_other"] == 12
    assert (s["api_requests"], s["api_errors"]) == (6, 4)
    assert (s["scaled_requests"], s["sampled"]) == (12, False)


def test_no_requests_anywhere_is_no_data_not_zero_errors(con):
    s = requests.summary(con, scope_for(at(0), at(60)))
    assert s["source"] is None
    assert (s["requests"], s["errors"], s["scaled_requests"]) == (0, 0, 0)
    assert s["error_rate"] is None and s["request_availability"] is None and s["api_error_rate"] is None
    assert requests.by_route(con, scope_for(at(0), at(60))).empty
    assert requests.status_classes(con, scope_for(at(0), at(60))).empty


def test_one_request(con):
    add_requests(con, [req(at(5), 502)])
    s = requests.summary(con, scope_for(at(0), at(60)))
    assert (s["requests"], s["errors"], s["error_rate"], s["request_availability"]) == (1, 1, 1.0, 0.0)


def test_sampled_drain_scales_counts_but_not_ratios(con):
    rows = [req(at(i), 500 if i % 4 == 0 else 200) for i in range(40)]
    add_requests(con, rows)
    s = requests.summary(con, scope_for(at(0), at(60), vercel_log_sample_rate=0.25))
    assert (s["requests"], s["errors"]) == (40, 10)
    assert (s["scaled_requests"], s["scaled_errors"], s["sampled"]) == (160, 40, True)
    assert s["error_rate"] == pytest.approx(0.25)


def test_seoul_month_boundary_places_a_late_october_utc_request_in_november(con):
    add_requests(con, [req(datetime(2026, 10, 31, 14, 59, 59, tzinfo=UTC), 500),
                       req(datetime(2026, 10, 31, 15, 30, tzinfo=UTC), 200)])
    october = requests.summary(con, Scope.of(parse_config({}), periods.month("2026-10", "Asia/Seoul")))
    november = requests.summary(con, Scope.of(parse_config({}), periods.month("2026-11", "Asia/Seoul")))
    assert (october["requests"], october["errors"]) == (1, 1)
    assert (november["requests"], november["errors"]) == (1, 0)


def test_maintenance_windows_exclude_requests_half_open(con):
    rows = [req(at(i * 60), 500 if 10 <= i < 20 else 200) for i in range(60)]
    add_requests(con, rows)
    window = {"start": at(600).isoformat(), "end": at(1200).isoformat(), "reason": "db", "approved_by": "ops"}
    s = requests.summary(con, scope_for(at(0), at(3600), maintenance=[window]))
    # [600, 1200) holds the 10 failing requests; the one at 1200 is outside the window
    assert (s["requests"], s["errors"]) == (50, 0)
    assert s["request_availability"] == 1.0


def test_sentry_fallback_when_no_vercel_request_in_the_period(con):
    add_requests(con, [req(at(0), 200, environment="preview")])  # preview traffic does not count
    add_transactions(con, [
        (at(1), "GET /api/a", 200, "ok"), (at(2), "GET /api/a", 502, "ok"),  # http status wins
        (at(3), "GET /home", None, "internal_error"), (at(4), "GET /home", None, "cancelled"),
        (at(5), "GET /home", None, "unknown"), (at(6), "GET /home", None, "ok"),
        (at(7), "GET /home", 404, "not_found", 0.5), (at(8), "GET /home", None, "deadline_exceeded", 0.5),
        (at(9), "GET /home", 500, "internal_error", None, "preview"),
        (at(10), "/home", 500, "internal_error", None, "production", "pageload"),
    ])
    s = requests.summary(con, scope_for(at(0), at(60), sentry_sample_rate=0.1))
    assert s["source"] == "sentry_transactions"
    assert (s["requests"], s["errors"], s["client_errors"]) == (8, 3, 1)
    assert s["error_rate"] == pytest.approx(3 / 8)
    assert s["scaled_requests"] == pytest.approx(6 * 10 + 2 * 2)  # row rate 0.5, else the configured 0.1
    assert (s["api_requests"], s["api_errors"]) == (2, 1)  # 'GET /api/a' is an API route
    lean = requests.error_rate(con, scope_for(at(0), at(60), sentry_sample_rate=0.1))
    assert set(lean) == {"source", "requests", "errors", "error_rate", "request_availability",
                         "scaled_requests", "scaled_errors", "sampled"}
    assert_same_error_rate(lean, s)
    routed = requests.summary(con, scope_for(at(0), at(60), route="/api/a"))
    assert (routed["requests"], routed["errors"]) == (2, 1)


def test_vercel_logs_win_over_sentry_whenever_present(con):
    add_requests(con, [req(at(0), 200, "/home")])
    add_transactions(con, [(at(1), "GET /home", 500, "internal_error")])
    s = requests.summary(con, scope_for(at(0), at(60)))
    assert (s["source"], s["requests"], s["errors"]) == ("vercel_logs", 1, 0)
    # the source is chosen per period, not per route: a route without Vercel requests gets none
    other = requests.summary(con, scope_for(at(0), at(60), route="/api/x"))
    assert (other["source"], other["requests"]) == (None, 0)


def test_by_route_orders_by_errors_and_gives_shares(con):
    rows = ([req(at(i), 500 if i < 3 else 200, "/api/a") for i in range(10)]
            + [req(at(20 + i), 503 if i < 5 else 404, "/b") for i in range(8)]
            + [req(at(40 + i), 200, "/c") for i in range(2)])
    add_requests(con, rows)
    frame = requests.by_route(con, scope_for(at(0), at(60)))
    got = frame.to_dict("records")
    assert [r["route"] for r in got] == ["/b", "/api/a", "/c"]
    b, a, c = got
    assert (b["requests"], b["errors"], b["client_errors"], b["status_4xx"], b["status_5xx"]) == (8, 5, 3, 3, 5)
    assert b["error_rate"] == pytest.approx(5 / 8) and a["error_rate"] == pytest.approx(3 / 10)
    assert [r["share"] for r in got] == pytest.approx([8 / 20, 10 / 20, 2 / 20])
    assert (a["is_api"], b["is_api"]) == (True, False)
    assert c["errors"] == 0 and c["error_rate"] == 0


def test_status_classes_per_code_and_class(con):
    add_requests(con, MIXED)
    frame = requests.status_classes(con, scope_for(at(0), at(60)))
    got = {(r["status_class"], None if r["status_code"] is None else int(r["status_code"])): r
           for r in frame.astype(object).where(frame.notna(), None).to_dict("records")}
    user = [r for r in MIXED if not r["background"] and r["environment"] == "production"]
    expected: dict[tuple, int] = {}
    for r in user:
        code = r["status"]
        cls = "unknown" if code is None else (f"{code // 100}xx" if 100 <= code <= 599 else "other")
        expected[(cls, code)] = expected.get((cls, code), 0) + 1
    assert {k: v["requests"] for k, v in got.items()} == expected
    assert (got[("2xx", 200)]["requests"], got[("2xx", 200)]["crashed"]) == (3, 1)
    assert got[("2xx", 201)]["class_requests"] == 4  # 200, 201, the crashed 200, the /[slug] 200
    assert sum(v["share"] for v in got.values()) == pytest.approx(1.0)
    assert got[("4xx", 404)]["class_share"] == pytest.approx(3 / 12)


def test_daily_trend_in_new_york_dst_month(con):
    ny = "America/New_York"
    nov = periods.month("2026-11", ny)
    assert nov.seconds == 721 * 3600
    rows = [
        req(datetime(2026, 11, 1, 4, 30, tzinfo=UTC), 500),  # local Nov 1 00:30 EDT
        req(datetime(2026, 11, 2, 4, 30, tzinfo=UTC), 200),  # local Nov 1 23:30 EST: the 25 h day
        req(datetime(2026, 11, 2, 5, 30, tzinfo=UTC), 200),  # local Nov 2 00:30
        req(datetime(2026, 11, 1, 3, 59, tzinfo=UTC), 500),  # local Oct 31: outside the month
    ]
    add_requests(con, rows)
    scope = Scope.of(parse_config({"report": {"timezone": ny}}), nov)
    daily = requests.trend(con, scope, "day")
    assert len(daily) == 30
    first, second = daily.iloc[0], daily.iloc[1]
    assert (first["requests"], first["errors"], first["error_rate"]) == (2, 1, 0.5)
    assert (second["requests"], second["errors"]) == (1, 0)
    assert (daily.iloc[1]["bucket_start"] - daily.iloc[0]["bucket_start"]) == timedelta(hours=25)
    assert daily["requests"].sum() == requests.summary(con, scope)["requests"] == 3
    assert daily.iloc[5]["error_rate"] != daily.iloc[5]["error_rate"]  # NaN: no requests that day


def test_hourly_trend_has_721_hours_and_two_local_1am_hours_in_new_york_november(con):
    ny = "America/New_York"
    add_requests(con, [req(datetime(2026, 11, 1, 5, 10, tzinfo=UTC), 200),   # 01:10 EDT
                       req(datetime(2026, 11, 1, 6, 10, tzinfo=UTC), 503)])  # 01:10 EST
    scope = Scope.of(parse_config({"report": {"timezone": ny}}), periods.month("2026-11", ny))
    hourly = requests.trend(con, scope, "hour")
    assert len(hourly) == 721
    busy = hourly[hourly["requests"] > 0]
    assert list(busy["local_start"].astype(str)) == ["2026-11-01 01:00:00", "2026-11-01 01:00:00"]
    assert list(busy["errors"]) == [0, 1]
    assert list(busy["bucket_start"].dt.hour) == [5, 6]


def test_hourly_trend_in_a_half_hour_zone_cuts_local_hours(con):
    add_requests(con, [req(datetime(2026, 10, 5, 3, 40, tzinfo=UTC), 200)])  # 09:10 in Kolkata (+05:30)
    start = datetime(2026, 10, 5, 0, 0, tzinfo=UTC)
    hourly = requests.trend(con, scope_for(start, start + timedelta(hours=6), tz="Asia/Kolkata"), "hour")
    assert len(hourly) == 7  # the period starts at 05:30 local: [05:00, 06:00) ... [11:00, 12:00)
    (hit,) = hourly[hourly["requests"] > 0].to_dict("records")
    assert str(hit["local_start"]) == "2026-10-05 09:00:00"
    assert hit["bucket_start"] == datetime(2026, 10, 5, 3, 30, tzinfo=UTC)


def _trend_file(con, scope: Scope, grain: str):
    """requests_trend itself (requests.trend(shared=True) reads the day grain from the grouped pass)."""
    return scoped.run(con, "requests_trend", scope, grain=grain)


def test_the_daily_trend_from_the_shared_pass_equals_the_trend_file(con):
    ny = "America/New_York"
    nov = periods.month("2026-11", ny)
    base = datetime(2026, 11, 1, 4, 0, tzinfo=UTC)
    rows = [req(base + timedelta(minutes=47 * i), [200, 500, 404, 200, -1, 503, None][i % 7], f"/r{i % 3}",
                crashed=i % 11 == 0, environment="preview" if i % 13 == 0 else "production") for i in range(400)]
    add_requests(con, rows)
    window = [{"start": "2026-11-03T10:00:00Z", "end": "2026-11-03T14:00:00Z"}]
    mid_day = periods.Period(datetime(2026, 11, 4, 17, tzinfo=UTC), datetime(2026, 11, 9, 9, tzinfo=UTC), ny, "x")
    scopes = [Scope.of(parse_config({"report": {"timezone": ny}}), nov),
              Scope.of(parse_config({"report": {"timezone": ny}, "maintenance": window,
                                     "sources": {"vercel_log_sample_rate": 0.25}}), nov, route="/r1"),
              Scope.of(parse_config({"report": {"timezone": ny}}), mid_day),
              scope_for(at(0), at(3 * 86400)),  # Seoul, no requests: every day empty
              # local midnights at :30 and :45 past the UTC hour
              Scope.of(parse_config({"report": {"timezone": "Asia/Kolkata"}}), periods.month("2026-11", "Asia/Kolkata")),
              Scope.of(parse_config({"report": {"timezone": "Asia/Kathmandu"}}), mid_day)]
    for scope in scopes:
        daily = requests.trend(con, scope, "day", shared=True)
        pd.testing.assert_frame_equal(daily, _trend_file(con, scope, "day"))
    assert requests.trend(con, scopes[0], "day", shared=True).iloc[0]["bucket_start"] == base  # the 25 h day first
    assert requests.trend(con, scopes[0], "day", shared=True)["requests"].sum() == sum(r["environment"] == "production" for r in rows)
    con.execute("DELETE FROM vercel_requests")  # the Sentry fallback, with its own sample rates
    add_transactions(con, [(base + timedelta(hours=5 * i), f"GET /t{i % 2}", [200, 500, None][i % 3],
                            ["ok", "internal_error", "unknown_error"][i % 3], [0.5, None, 0.1][i % 3])
                           for i in range(100)])
    for scope in scopes:
        daily = requests.trend(con, scope, "day", shared=True)
        pd.testing.assert_frame_equal(daily, _trend_file(con, scope, "day"))
    assert set(requests.trend(con, scopes[0], "day", shared=True)["source"]) == {"sentry_transactions"}


def test_trend_rejects_an_unknown_grain(con):
    with pytest.raises(UsageError, match="hour"):
        requests.trend(con, scope_for(at(0), at(60)), "week")  # type: ignore[arg-type]


def test_windowed_error_ratio_is_unscaled_and_can_pin_the_source(con):
    add_requests(con, [req(at(i * 60), 500 if i in (3, 4) else 200) for i in range(10)])
    add_transactions(con, [(at(3000), "GET /x", 500, "internal_error")])
    scope = scope_for(at(0), at(60), vercel_log_sample_rate=0.1)
    assert requests.windowed_error_ratio(con, scope, at(0), at(600)) == (2, 10)
    assert requests.windowed_error_ratio(con, scope, at(200), at(360)) == (1, 2)  # 240 s: 500, 300 s: 200
    # a window without Vercel requests: auto falls back to Sentry, a pinned source does not
    assert requests.windowed_error_ratio(con, scope, at(2900), at(3100)) == (1, 1)
    assert requests.windowed_error_ratio(con, scope, at(2900), at(3100), "vercel_logs") == (0, 0)
    with pytest.raises(UsageError):
        requests.windowed_error_ratio(con, scope, at(0), at(60), "probes")


statuses = st.sampled_from([200, 200, 200, 204, 301, 304, 400, 404, 429, 500, 502, 503, -1, None])
request_rows = st.lists(st.tuples(st.integers(0, 7 * 86400 - 1), statuses, st.booleans(), st.booleans(),
                                  st.sampled_from(["/api/a", "/b", "/api/c/[id]"]),
                                  st.sampled_from(["production", "production", "preview"])),
                        max_size=60)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=request_rows, cut=st.integers(1, 7 * 86400 - 1))
def test_random_requests_match_the_reference_and_split_periods_add_up(con, data, cut):
    con.execute("DELETE FROM vercel_requests")  # one warehouse for all examples
    rows = [req(at(s), code, route, crashed=crashed and code != -1, background=bg and code == -1,
                environment=env) for s, code, crashed, bg, route, env in data]
    add_requests(con, rows)
    whole = requests.summary(con, scope_for(at(0), at(7 * 86400)))
    assert_matches(whole, reference(rows, at(0), at(7 * 86400)))
    lean = requests.error_rate(con, scope_for(at(0), at(7 * 86400)))
    assert_same_error_rate(lean, whole)
    left = requests.summary(con, scope_for(at(0), at(cut)))
    right = requests.summary(con, scope_for(at(cut), at(7 * 86400)))
    for key in ("requests", "errors", "client_errors", "api_requests", "api_errors", "status_5xx"):
        assert left[key] + right[key] == whole[key], key
    daily = requests.trend(con, scope_for(at(0), at(7 * 86400)), "day", shared=True)
    assert (daily["requests"].sum(), daily["errors"].sum()) == (whole["requests"], whole["errors"])
    pd.testing.assert_frame_equal(daily, _trend_file(con, scope_for(at(0), at(7 * 86400)), "day"))
    routes = requests.by_route(con, scope_for(at(0), at(7 * 86400)))
    assert routes["requests"].sum() == whole["requests"]


def test_routes_seen_lists_request_routes_by_traffic_then_latency_only_routes(con):
    from reports.metrics import latency
    from tests.test_metrics_latency import add_transactions as add_timed

    add_requests(con, [req(at(i), 200, "/b") for i in range(3)] + [req(at(5), 500, "/a"), req(at(6), 200, None),
                                                                     req(at(7), 200, "/z", environment="preview")])
    add_timed(con, [(at(1), 10.0, "GET /c"), (at(2), 20.0, "GET /c"), (at(3), 30.0, "GET /d"),
                    (at(4), 40.0, None)])
    add_timed(con, [(at(5), 50.0, "GET /e")], environment="preview")
    scope = scope_for(at(0), at(60))
    seen = requests.routes_seen(con, scope)
    assert seen == ["/b", "/a", "GET /c", "GET /d"]
    # the same routes as the two per-route metrics it stands in for
    both = set(requests.by_route(con, scope)["route"].dropna()) | set(latency.by_route(con, scope)["route"].dropna())
    assert set(seen) == both
    # a maintenance window hides its requests, as everywhere
    hidden = scope_for(at(0), at(60), maintenance=[{"start": at(5).isoformat(), "end": at(6).isoformat()}])
    assert requests.routes_seen(con, hidden) == ["/b", "GET /c", "GET /d"]
    assert requests.routes_seen(con, scope_for(at(100), at(200))) == []
