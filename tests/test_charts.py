"""The plotly figure builders shared by the app and the PDF: titles, axes with units, target
lines, consistent colours, both languages, empty inputs, and no Streamlit inside."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from reports import charts

START = datetime(2026, 9, 30, 15, tzinfo=UTC)
END = datetime(2026, 10, 31, 15, tzinfo=UTC)
DAYS = pd.date_range("2026-10-01", "2026-10-31", freq="D")


def title(fig: go.Figure) -> str:
    return str(fig.layout.title.text or "")


def hlines(fig: go.Figure) -> list[float]:
    return [s.y0 for s in fig.layout.shapes if s.type == "line" and s.y0 == s.y1 and s.yref != "paper"]


def no_data(fig: go.Figure) -> bool:
    return any(a.text in ("No data", "데이터 없음") for a in fig.layout.annotations)


def test_charts_do_not_import_streamlit() -> None:
    code = "import sys, reports.charts; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_objective_trends_one_panel_per_objective_with_targets() -> None:
    rows = []
    for month, up, err in (("2026-08", None, None), ("2026-09", 0.9991, 0.006), ("2026-10", 0.9978, 0.0031)):
        rows.append({"month": month, "id": "uptime", "actual": up, "status": "no_data" if up is None else "met",
                     "comparison": ">="})
        rows.append({"month": month, "id": "error_rate", "actual": err,
                     "status": "no_data" if err is None else ("missed" if err >= 0.005 else "met"), "comparison": "<"})
    fig = charts.objective_trends(pd.DataFrame(rows), {"uptime": 0.995, "error_rate": 0.005}, "en")
    assert title(fig) == "Last 3 months"
    panels = [a.text for a in fig.layout.annotations]
    assert panels[0].startswith("Uptime") and "≥ 99.50%" in panels[0]
    assert panels[1].startswith("Error rate") and "< 0.500%" in panels[1]
    actual, target = fig.data[2], fig.data[3]  # the error-rate panel
    assert list(actual.x) == ["Aug 2026", "Sep 2026", "Oct 2026"]
    assert list(actual.marker.color) == [charts.STATUS_COLORS[s] for s in ("no_data", "missed", "met")]
    assert set(target.y) == {0.005}
    assert actual.y[0] is None  # no data is a gap, not a zero


def test_objective_trend_in_korean() -> None:
    frame = pd.DataFrame([{"month": "2026-10", "actual": 412.7, "status": "met"}])
    fig = charts.objective_trend(frame, "mean_response_ms", 2000, "ko")
    assert title(fig) == "평균 응답 시간"
    assert list(fig.data[0].x) == ["26년 10월"]
    assert hlines(fig) == [2000]
    assert "목표" in fig.layout.annotations[0].text


def test_uptime_calendar_colours_days_by_target() -> None:
    daily = pd.DataFrame({"day": [date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 3), date(2026, 10, 5)],
                          "uptime": [1.0, 0.9978, 0.98, None], "down_s": [0, 190, 1728, 0],
                          "monitored_s": [86400] * 3 + [0], "maintenance_s": [0] * 4})
    fig = charts.uptime_calendar(daily, 0.995, "en")
    heat = fig.data[0]
    assert list(heat.x) == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert list(heat.y) == ["2026-09-28", "2026-10-05"]  # weeks start on Monday
    z = heat.z
    assert (z[0][3], z[0][4], z[0][5], z[1][0]) == (3.0, 2.0, 1.0, 0.0)  # perfect, met, missed, no data
    assert z[0][0] is None  # before the period
    assert "98.00%" in heat.text[0][5]
    assert title(fig) == "Daily uptime"


def test_incident_timeline_marks_ongoing_incidents_deployments_and_maintenance() -> None:
    incidents = pd.DataFrame({
        "start": pd.to_datetime(["2026-10-02T01:00:00Z", "2026-10-31T14:00:00Z"], utc=True),
        "end": pd.to_datetime(["2026-10-02T01:25:00Z", "2026-10-31T15:00:00Z"], utc=True),
        "duration_s": [1500.0, 3600.0], "monitors": [np.array(["health", "home"]), np.array(["health"])],
        "first_error": ["HTTP 503", "timeout"], "clipped_end": [False, True]})
    deployments = pd.DataFrame({"uid": ["dpl_1"], "ready_at": pd.to_datetime(["2026-10-02T00:40:00Z"], utc=True)})
    maintenance = [{"start": datetime(2026, 10, 9, 16, tzinfo=UTC), "end": datetime(2026, 10, 9, 18, tzinfo=UTC),
                    "reason": "db upgrade"}]
    fig = charts.incident_timeline(incidents, START, END, "en", "Asia/Seoul", deployments, maintenance)
    lines = [d for d in fig.data if d.mode == "lines"]
    assert len(lines) == 3  # two monitors for the first incident, one for the second
    assert lines[-1].line.color != charts.STATUS_COLORS["missed"]  # ongoing has its own colour
    assert "ongoing" in lines[-1].hovertext
    assert lines[0].x[0] == datetime(2026, 10, 2, 10, 0)  # shown in Asia/Seoul
    assert any(d.y[0] == "Deployments" for d in fig.data if d.mode == "markers")
    assert any(s.type == "rect" for s in fig.layout.shapes)
    assert fig.layout.xaxis.title.text == "Time (Asia/Seoul)"


def test_burn_down_overspent_is_red() -> None:
    frame = pd.DataFrame({"day": DAYS[:3], "remaining": [0.8, 0.1, -0.4]})
    fig = charts.burn_down(frame, "error_rate", "en")
    assert title(fig) == "Error budget burn-down: Error rate"
    assert fig.data[1].line.color == charts.STATUS_COLORS["missed"]
    assert fig.layout.yaxis.range[0] < -0.4
    assert hlines(fig) == [0]


def test_latency_daily_has_percentiles_and_the_target() -> None:
    daily = pd.DataFrame({"day": DAYS[:2], "count": [10, 0], "mean_ms": [200.0, None], "p50_ms": [150.0, None],
                          "p95_ms": [600.0, None], "p99_ms": [900.0, None]})
    fig = charts.latency_daily(daily, 2000, "en")
    assert [d.name for d in fig.data] == ["p99", "p95", "p50", "Mean"]
    assert hlines(fig) == [2000]
    assert fig.layout.yaxis.title.text == "Milliseconds (ms)"


def test_latency_histogram_bins_over_the_target_are_red() -> None:
    edges = [100.0, 150.0, 200.0, 300.0, 500.0, 700.0, 1000.0, 1500.0, 2000.0, 3000.0]
    hist = pd.DataFrame({"bin_start_ms": edges[:-1], "bin_end_ms": edges[1:], "count": [0, 5, 9, 3, 1, 0, 0, 2, 1],
                         "share": [0, .24, .43, .14, .05, 0, 0, .1, .05]})
    fig = charts.latency_histogram(hist, 2000, "en", apdex_t_ms=300)
    bars = fig.data[0]
    assert list(bars.x) == ["150", "200", "300", "500", "700", "1k", "1.5k", "2k"]  # empty edges trimmed
    assert bars.marker.color[-1] == charts.STATUS_COLORS["missed"]
    assert bars.marker.color[0] != charts.STATUS_COLORS["missed"]
    assert sorted(a.text for a in fig.layout.annotations) == ["Apdex T 300 ms", "Target 2,000 ms"]


def test_error_rate_trend_hour_and_day() -> None:
    trend = pd.DataFrame({"local_start": DAYS[:3], "requests": [100, 200, 0], "errors": [1, 3, 0],
                          "error_rate": [0.01, 0.015, None]})
    day = charts.error_rate_trend(trend, 0.005, "en")
    assert title(day) == "Error rate trend (per day)"
    assert [d.name for d in day.data] == ["Requests", "Error rate", "Target 0.50%"]
    assert set(day.data[2].y) == {0.005}
    assert charts.error_rate_trend(trend, 0.005, "ko", grain="hour").layout.xaxis.title.text == "시각"


def test_status_classes_are_not_stacked_on_a_log_axis() -> None:
    frame = pd.DataFrame({"status_class": ["2xx", "4xx", "5xx"], "status_code": [200, 404, 503],
                          "requests": [9000, 80, 20], "share": [0.989, 0.0088, 0.0022]})
    fig = charts.status_classes(frame, "en")
    assert fig.layout.yaxis.type == "log" and fig.layout.barmode != "stack"
    assert list(fig.data[0].marker.color) == [charts.STATUS_CLASS_COLORS[c] for c in ("2xx", "4xx", "5xx")]


def test_worst_routes_flags_routes_over_the_target() -> None:
    frame = pd.DataFrame({"route": ["/a", "/b", "/c"], "requests": [100, 100, 100], "errors": [1, 9, 0],
                          "error_rate": [0.01, 0.09, 0.0]})
    fig = charts.worst_routes(frame, "en", target=0.05)
    assert list(fig.data[0].y) == ["/a", "/b"]  # most errors on top (plotly draws bottom-up)
    assert fig.data[0].marker.color[1] == charts.STATUS_COLORS["missed"]


def _p75_frame() -> pd.DataFrame:
    return pd.DataFrame({"metric": ["LCP", "INP", "CLS"], "samples": [100, 80, 0], "p75": [2700.0, 150.0, None],
                         "rating": ["needs_improvement", "good", "no_data"], "share_good": [0.6, 0.9, 0.0],
                         "share_ni": [0.3, 0.08, 0.0], "share_poor": [0.1, 0.02, 0.0],
                         "good_max": [2500.0, 200.0, 0.1], "ni_max": [4000.0, 500.0, 0.25]})


def test_vitals_p75_bands_use_the_rating_colours() -> None:
    fig = charts.vitals_p75(_p75_frame(), "en", metrics=("LCP", "INP", "CLS"))
    bands = [d for d in fig.data if d.type == "bar"]
    assert {d.marker.color for d in bands} == {charts.RATING_COLORS[k] for k in ("good", "needs_improvement", "poor")}
    markers = [d for d in fig.data if d.type == "scatter"]
    assert [m.marker.color for m in markers] == [charts.RATING_COLORS["needs_improvement"], charts.RATING_COLORS["good"]]
    assert markers[0].y[0].startswith("<b>LCP</b>")
    assert title(fig) == "Core Web Vitals (p75, field data)"


def test_vitals_ratings_and_groups() -> None:
    frame = _p75_frame()
    ratings = charts.vitals_ratings(frame, "ko")
    assert [d.name for d in ratings.data] == ["좋음", "개선 필요", "나쁨"]
    assert list(ratings.data[0].y) == ["LCP", "INP"]  # metrics without samples are left out
    devices = frame.assign(device_type=["mobile", "mobile", "mobile"])
    fig = charts.vitals_by_group(devices, "LCP", "device_type", "en")
    assert title(fig) == "LCP p75 by device"
    assert len([s for s in fig.layout.shapes if s.type == "line"]) == 2  # good and NI thresholds


def test_vitals_daily_and_lighthouse_are_separate_figures() -> None:
    daily = pd.DataFrame({"day": DAYS[:2], "metric": ["LCP", "LCP"], "p75": [2400.0, 2600.0], "samples": [50, 60]})
    fig = charts.vitals_daily(daily, "LCP", "en")
    assert hlines(fig) == [2500.0]
    lab = pd.DataFrame({"day": DAYS[:2], "url": ["https://x/", "https://x/"], "form_factor": ["mobile"] * 2,
                        "performance_score": [91.0, 88.0]})
    fig = charts.lighthouse_trend(lab, "en")
    assert "lab data" in title(fig) and fig.data[0].name == "x/ (mobile)"
    assert tuple(fig.layout.yaxis.range) == (0, 100)


def test_deployment_timeline_rings_regressions() -> None:
    timeline = pd.DataFrame({"uid": ["d1", "d2", "d3"], "environment": ["production", "production", None],
                             "state": ["READY", "READY", "ERROR"],
                             "placed_at": pd.to_datetime(["2026-10-01T01:00Z", "2026-10-02T01:00Z", "2026-10-02T02:00Z"],
                                                         utc=True),
                             "commit_message": ["fix: a\nbody", None, "feat: b"]})
    impact = pd.DataFrame({"uid": ["d1", "d2"], "verdict": ["ok", "regression"]})
    fig = charts.deployment_timeline(timeline, "en", "Asia/Seoul", impact=impact)
    production, preview = fig.data
    assert preview.y[0] == "preview" and preview.marker.symbol[0] == "x"
    assert list(production.marker.line.color) == ["white", charts.STATUS_COLORS["missed"]]


def test_deploy_before_after_with_missing_sides() -> None:
    row = {"uid": "d1", "error_rate_before": 0.0, "error_rate_after": 0.0, "p95_before_ms": 500.0,
           "p95_after_ms": 900.0, "lcp_p75_before_ms": None, "lcp_p75_after_ms": float("nan"),
           "error_verdict": "ok", "latency_verdict": "regression"}
    fig = charts.deploy_before_after(row, "en")
    error, p95, lcp = fig.data
    assert fig.layout.yaxis.range[1] > 0  # all-zero error rates still get an axis
    assert p95.marker.color[1] == charts.STATUS_COLORS["missed"]
    assert list(lcp.text) == ["—", "—"]


def test_audit_activity_groups_small_actions_as_other() -> None:
    activity = pd.DataFrame({"day": [DAYS[0]] * 3 + [DAYS[1]], "action": ["a", "b", "c", "a"],
                             "entries": [5, 3, 1, 2], "failures": [0, 1, 0, 0]})
    fig = charts.audit_activity(activity, "en", top=2)
    assert [d.name for d in fig.data] == ["a", "b", "other", "Failures"]


def test_coverage_bar_shows_up_down_maintenance_and_unmonitored() -> None:
    fig = charts.coverage_bar({"monitored_s": 7200.0, "down_s": 600.0, "maintenance_s": 3600.0,
                               "unmonitored_s": 1800.0}, "en")
    assert [(d.name, d.x[0]) for d in fig.data] == [("Up", 6600 / 3600), ("Down", 600 / 3600),
                                                    ("Maintenance", 1.0), ("Unmonitored", 0.5)]


@pytest.mark.parametrize("builder", [
    lambda lang: charts.objective_trends(pd.DataFrame(), {"uptime": 0.995}, lang),
    lambda lang: charts.uptime_calendar(pd.DataFrame(), 0.995, lang),
    lambda lang: charts.incident_timeline(pd.DataFrame(), START, END, lang, "UTC"),
    lambda lang: charts.burn_down(pd.DataFrame({"day": [], "remaining": []}), "uptime", lang),
    lambda lang: charts.latency_daily(pd.DataFrame({"count": []}), 2000, lang),
    lambda lang: charts.latency_histogram(pd.DataFrame({"count": []}), 2000, lang),
    lambda lang: charts.error_rate_trend(pd.DataFrame({"requests": []}), 0.005, lang),
    lambda lang: charts.status_classes(pd.DataFrame({"requests": []}), lang),
    lambda lang: charts.worst_routes(pd.DataFrame({"errors": []}), lang),
    lambda lang: charts.vitals_p75(pd.DataFrame(), lang),
    lambda lang: charts.vitals_ratings(pd.DataFrame({"samples": []}), lang),
    lambda lang: charts.vitals_daily(pd.DataFrame(), "LCP", lang),
    lambda lang: charts.lighthouse_trend(pd.DataFrame({"performance_score": []}), lang),
    lambda lang: charts.deployment_timeline(pd.DataFrame(), lang, "UTC"),
    lambda lang: charts.audit_activity(pd.DataFrame(), lang),
    lambda lang: charts.coverage_bar({}, lang),
    lambda lang: charts.rate_daily([], "x", lang),
])
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_empty_inputs_give_a_titled_no_data_figure(builder, lang: str) -> None:
    fig = builder(lang)
    assert isinstance(fig, go.Figure)
    assert title(fig)
    assert no_data(fig)


def test_every_figure_uses_the_shared_font_and_white_template() -> None:
    fig = charts.burn_down(pd.DataFrame({"day": DAYS[:2], "remaining": [1.0, 0.5]}), "uptime", "en")
    assert fig.layout.font.family == charts.FONT
    assert fig.layout.separators == ".,"
    assert fig.layout.template.layout.plot_bgcolor == "white"
