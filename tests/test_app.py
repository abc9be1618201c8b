"""The Streamlit app, headless (``streamlit.testing.v1.AppTest``), on a small fixture warehouse.

The warehouse is one demo month (2026-10, scale 0.05) with a subset of its files (every source,
a few days of request logs and transactions, the days of the planted regressions), built once per
session. Every page and every filter runs without an exception; the overview tiles show exactly
what :func:`reports.sla.objectives` computes on the same warehouse; empty and missing warehouses
say so; roles restrict what a viewer can reach. The CSV/Excel export helper is tested here too.
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import bcrypt
import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from reports import access, demo, ingest, periods, sla, warehouse
from reports.config import load_config
from reports.i18n import fmt_value, objective_label
from reports.metrics.scope import Scope
from reports.ui import data, exports
from reports.ui.labels import LABELS, t

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
CONFIG = ROOT / "reports.toml"
MONTH = "2026-10"
TZ = "Asia/Seoul"
PAGES = ["overview", "uptime", "latency", "errors", "vitals", "deployments", "audit", "reports", "data"]
PAGE_TITLES = {"overview": "page_overview", "uptime": "page_uptime", "latency": "page_latency",
               "errors": "page_errors", "vitals": "page_vitals", "deployments": "page_deployments",
               "audit": "page_audit", "reports": "page_reports", "data": "page_data"}
PASSWORDS = {"vera": ("viewer", "vera-pw"), "max": ("manager", "max-pw"), "ada": ("admin", "ada-pw")}
FIXTURE_DAYS = {"2026-10-01", "2026-10-02", "2026-10-03", "2026-10-17", "2026-10-26"}


# -- the fixture warehouse (shared with test_app_browser.py) -----------------------------------

def _wanted(rel: str, days: set[str]) -> bool:
    if rel.startswith("probes/health-"):
        return False  # 44k probes a month: the Kuma heartbeats of "home" are enough and 5x quicker
    if rel.startswith("lighthouse/"):
        return rel.startswith("lighthouse/2026-10-29/")
    if rel.startswith(("sentry/transactions/", "vercel/logs/")):
        return Path(rel).name[:10] in days
    return True


def build_warehouse(root: Path) -> Path:
    """Build (once per folder) the fixture warehouse: a demo month with a subset of its files."""
    db = root / "w.duckdb"
    marker = root / "ready"
    if marker.exists():
        return db
    root.mkdir(parents=True, exist_ok=True)
    manifest = demo.generate(root / "exports", months=1, end_month=MONTH, scale=0.05)
    days = set(FIXTURE_DAYS)
    for regression in (manifest.error_regression, manifest.latency_regression):
        days.add(regression.ready.astimezone(UTC).date().isoformat())
    files = [root / "exports" / rel for rel in manifest.files if _wanted(rel, days)]
    with warehouse.writing(db) as con:
        results = ingest.ingest(con, files, load_config(CONFIG))
    assert all(r.status != "failed" for r in results), [r for r in results if r.status == "failed"]
    marker.write_text("ok", encoding="utf-8")
    return db


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.getbasetemp() / "app-warehouse")


@pytest.fixture(scope="session")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("empty") / "empty.duckdb"
    with warehouse.writing(db):
        pass
    return db


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, fixture_db: Path) -> Path:
    monkeypatch.setenv("REPORTS_DB", str(fixture_db))
    monkeypatch.setenv("REPORTS_CONFIG", str(CONFIG))
    monkeypatch.chdir(ROOT)
    return fixture_db


def secrets() -> dict[str, object]:
    users = {name: {"password_hash": bcrypt.hashpw(pw.encode(), bcrypt.gensalt(rounds=4)).decode(), "role": role}
             for name, (role, pw) in PASSWORDS.items()}
    return {"auth": {"users": users}}


def new_app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({"month": MONTH, "lang": "en", **query})
    return at


def open_page(at: AppTest, slug: str) -> AppTest:
    if slug != "overview":
        at.switch_page(f"reports/ui/pages/{slug}_page.py")
    return at.run()


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def login(at: AppTest, name: str) -> AppTest:
    at.secrets = secrets()
    at.run()
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(PASSWORDS[name][1])
    at.button[0].click()
    return at.run()


def expected_objectives(db: Path, period: periods.Period, **scope: str | None) -> list[dict[str, object]]:
    config = load_config(CONFIG)
    con = warehouse.open_reader(db)
    try:
        return sla.objectives(con, Scope.of(config, period, **scope))
    finally:
        con.close()


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


# -- pages --------------------------------------------------------------------------------------

@pytest.mark.parametrize("slug", PAGES)
def test_every_page_renders_without_errors(app_env: Path, slug: str) -> None:
    at = open_page(new_app().run(), slug)
    assert_clean(at)
    assert at.title[0].value == t(PAGE_TITLES[slug], "en")
    assert "October 2026" in at.caption[0].value


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_overview_tiles_show_the_sla_numbers(app_env: Path, lang: str) -> None:
    at = new_app(lang=lang).run()
    assert_clean(at)
    shown = tiles(at)
    expected = expected_objectives(app_env, periods.month(MONTH, TZ))
    assert len(expected) == 6
    assert any(e["status"] != "no_data" for e in expected)
    for entry in expected:
        label = objective_label(str(entry["id"]), lang)
        assert shown[label] == fmt_value(str(entry["id"]), entry["actual"], lang)
    # the status of each objective is written on its tile
    markdown = " ".join(m.value for m in at.markdown)
    assert ("met" if lang == "en" else "달성") in markdown


def test_overview_marks_ongoing_incidents_and_the_last_deployment(app_env: Path) -> None:
    at = new_app().run()
    text = " ".join(m.value for m in at.markdown)
    assert "Incidents" in text and "Last production deployment" in text
    summary = data.compute("sla.summary", _key(app_env, periods.month(MONTH, TZ)))
    assert f"{len(summary['incidents'])} incidents" in text
    con = warehouse.open_reader(app_env)
    try:
        from reports.metrics import deployments
        impact = deployments.impact(con, Scope.of(load_config(CONFIG), periods.month(MONTH, TZ)))
    finally:
        con.close()
    last = impact.sort_values("ready_at").iloc[-1]
    assert last["uid"] in text


def _key(db: Path, period: periods.Period) -> data.Key:
    return data.Key(str(db), str(CONFIG), data._stamp(CONFIG), data.snapshot_id(db)).with_period(period)


def test_month_filter_changes_the_tiles(app_env: Path) -> None:
    at = new_app().run()
    october = tiles(at)
    at.selectbox(key="f_month").set_value("2026-09").run()
    assert_clean(at)
    september = tiles(at)
    assert october != september
    for entry in expected_objectives(app_env, periods.month("2026-09", TZ)):
        assert september[objective_label(str(entry["id"]), "en")] == fmt_value(str(entry["id"]), entry["actual"], "en")
    assert at.query_params["month"] == "2026-09"


def test_date_range_filter(app_env: Path) -> None:
    at = new_app(**{"from": "2026-10-01", "to": "2026-10-02"}).run()  # a link to a range opens in range mode
    assert at.segmented_control(key="f_mode").value == "range"
    first, last = date(2026, 10, 1), date(2026, 10, 3)
    at.date_input(key="f_range").set_value((first, last)).run()
    assert_clean(at)
    shown = tiles(at)
    for entry in expected_objectives(app_env, periods.days(first, last, TZ)):
        assert shown[objective_label(str(entry["id"]), "en")] == fmt_value(str(entry["id"]), entry["actual"], "en")
    assert at.query_params["from"] == "2026-10-01" and at.query_params["to"] == "2026-10-03"
    assert "month" not in at.query_params
    assert "2026-10-01 – 2026-10-03" in at.caption[0].value
    at.segmented_control(key="f_mode").set_value("month").run()
    assert at.query_params["month"] == MONTH and "from" not in at.query_params


def test_environment_filter(app_env: Path) -> None:
    at = new_app().run()
    options = at.selectbox(key="f_env").options
    assert "preview" in options
    at.selectbox(key="f_env").set_value("preview").run()
    assert_clean(at)
    shown = tiles(at)
    for entry in expected_objectives(app_env, periods.month(MONTH, TZ), environment="preview"):
        if entry["id"] in ("error_rate", "mean_response_ms"):
            assert shown[objective_label(str(entry["id"]), "en")] == fmt_value(str(entry["id"]), entry["actual"], "en")
    assert any("Filtered view" in i.value for i in at.info)
    assert at.query_params["env"] == "preview"


def test_route_filter(app_env: Path) -> None:
    at = new_app().run()
    routes = [r for r in at.selectbox(key="f_route").options if r.startswith("/api/")]
    assert routes
    at.selectbox(key="f_route").set_value(routes[0]).run()
    assert_clean(at)
    shown = tiles(at)
    entry = next(e for e in expected_objectives(app_env, periods.month(MONTH, TZ), route=routes[0])
                 if e["id"] == "error_rate")
    assert shown[objective_label("error_rate", "en")] == fmt_value("error_rate", entry["actual"], "en")
    assert at.query_params["route"] == routes[0]
    page = open_page(at, "latency")
    assert_clean(page)
    assert f"Route: {routes[0]}" in page.caption[0].value


def test_vitals_worst_pages_need_all_routes(app_env: Path) -> None:
    at = open_page(new_app().run(), "vitals")
    assert_clean(at)
    hint = t("worst_pages_need_all_routes", "en")
    assert hint not in [c.value for c in at.caption]
    tables = len(at.dataframe)
    routes = [r for r in at.selectbox(key="f_route").options if r.startswith("/") and not r.startswith("/api/")]
    at.selectbox(key="f_route").set_value(routes[0]).run()
    assert_clean(at)
    assert hint in [c.value for c in at.caption]
    assert len(at.dataframe) == tables - 1  # the ranking is gone, the p75 table stays


def test_language_switch(app_env: Path) -> None:
    at = new_app().run()
    assert at.title[0].value == "Overview"
    at.segmented_control(key="lang").set_value("ko").run()
    assert_clean(at)
    assert at.title[0].value == "개요"
    assert at.query_params["lang"] == "ko"


def test_a_link_reproduces_the_view(app_env: Path) -> None:
    at = open_page(new_app(month="2026-09", env="staging", lang="ko").run(), "latency")
    assert_clean(at)
    assert at.selectbox(key="f_month").value == "2026-09"
    assert at.selectbox(key="f_env").value == "staging"
    assert at.title[0].value == t("page_latency", "ko")


def test_a_bad_link_falls_back_with_a_warning(app_env: Path) -> None:
    at = new_app(month="2026-13").run()
    assert_clean(at)
    assert any("2026-13" in w.value for w in at.warning)
    assert at.selectbox(key="f_month").value == MONTH


def test_page_widgets(app_env: Path) -> None:
    at = open_page(new_app().run(), "errors")
    at.segmented_control(key="error_grain").set_value("hour").run()
    assert_clean(at)
    at = open_page(new_app().run(), "latency")
    at.text_input(key="latency_search").input("/api/").run()
    at.toggle(key="latency_breaches").set_value(True).run()
    assert_clean(at)
    at = open_page(new_app().run(), "vitals")
    at.segmented_control(key="vitals_metric").set_value("CLS").run()
    at.segmented_control(key="lab_metric").set_value("lcp_ms").run()
    assert_clean(at)
    at = open_page(new_app().run(), "deployments")
    options = at.selectbox(key="deploy_pick").options
    at.selectbox(key="deploy_pick").set_value(options[-1]).run()
    assert_clean(at)


def test_metric_rows_keep_order_border_and_help(app_env: Path) -> None:
    at = open_page(new_app().run(), "latency")
    row = [(m.label, m.proto.show_border, m.proto.help) for m in at.metric]
    assert [label for label, _, _ in row] == ["Mean", "p50", "p95", "p99", "Apdex", "Samples"]
    assert all(border for _, border, _ in row)
    assert row[1][2] == "", "a metric without a help text has none"
    assert row[5][2].startswith("Source: ")


def test_column_config_builds_table_columns_by_kind() -> None:
    from reports.ui import layout

    class English:  # the builder only needs the page's translation
        def t(self, key: str) -> str:
            return t(key, "en")

    config = layout.column_config(English(), text=["route", "uid"], count={"count": "samples"}, percent=["share"],
                                  whole_ms={"lcp_ms": "LCP"}, time={"placed_at": "time"}, extra={"route": "URL"})
    assert config["route"] == "URL", "extra wins"
    assert config["uid"] == "uid"
    shown = {column: (c["label"], c["type_config"]["format"]) for column, c in config.items() if isinstance(c, dict)}
    assert shown == {"count": ("Samples", "localized"), "share": ("Share", "percent"), "lcp_ms": ("LCP", "%,.0f ms"),
                     "placed_at": ("Time", "YYYY-MM-DD HH:mm")}
    with pytest.raises(TypeError, match="unknown column kind 'percnt'"):
        layout.column_config(English(), percnt=["share"])


# -- empty, missing and changing warehouses ---------------------------------------------------

@pytest.mark.parametrize("slug", PAGES)
def test_empty_warehouse_says_what_to_load(monkeypatch: pytest.MonkeyPatch, empty_db: Path, slug: str) -> None:
    monkeypatch.setenv("REPORTS_DB", str(empty_db))
    monkeypatch.setenv("REPORTS_CONFIG", str(CONFIG))
    at = open_page(new_app().run(), slug)
    assert_clean(at)
    if slug not in ("reports",):
        assert at.info, "an empty page says so"
        text = " ".join(i.value for i in at.info)
        assert "reports ingest" in text or "load" in text.lower() or "empty" in text.lower()


def test_missing_warehouse_shows_an_error_and_a_retry_button(monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path) -> None:
    monkeypatch.setenv("REPORTS_DB", str(tmp_path / "nothing-here.duckdb"))
    monkeypatch.setenv("REPORTS_CONFIG", str(CONFIG))
    at = new_app().run()
    assert not at.exception
    assert at.error and "no warehouse here yet" in at.error[0].value
    assert any(b.label == "Retry" for b in at.button)
    at = open_page(new_app().run(), "data")
    assert not at.exception
    assert at.error and at.file_uploader, "admins can still upload into a missing warehouse"


def test_a_bad_config_is_an_error_not_a_traceback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                  fixture_db: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[report]\ntimezone = 'Mars/Olympus'\n", encoding="utf-8")
    monkeypatch.setenv("REPORTS_DB", str(fixture_db))
    monkeypatch.setenv("REPORTS_CONFIG", str(bad))
    at = new_app().run()
    assert not at.exception
    assert at.error and "bad.toml" in at.error[0].value and "timezone" in at.error[0].value


def test_an_upload_is_ingested_and_shows_up(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fixture_db: Path) -> None:
    db = tmp_path / "copy.duckdb"
    db.write_bytes(fixture_db.read_bytes())
    monkeypatch.setenv("REPORTS_DB", str(db))
    monkeypatch.setenv("REPORTS_CONFIG", str(CONFIG))
    at = open_page(new_app().run(), "data")
    before = at.metric[0].value
    sample = next((ROOT / "tests" / "fixtures" / "probes").glob("*.ndjson"))
    at.file_uploader(key="upload_files").upload(sample.name, sample.read_bytes())
    next(b for b in at.button if b.label == "Ingest").click()
    at.run()
    assert_clean(at)
    assert any("1 files" in s.value or "1 files" in w.value for s in at.success for w in [*at.warning, s])
    assert at.metric[0].value != before, "the new file is in the ledger (a new snapshot invalidates the cache)"
    con = warehouse.open_reader(db)
    try:
        from reports import ledger
        assert sample.name in set(ledger.files(con)["path"].map(lambda p: Path(p).name))
    finally:
        con.close()


# -- roles --------------------------------------------------------------------------------------

def test_without_auth_the_app_is_a_local_admin(app_env: Path) -> None:
    at = new_app().run()
    assert any("Local single-user mode" in m.value for m in at.sidebar.markdown)


def test_login_is_required_when_users_are_configured(app_env: Path) -> None:
    at = new_app()
    at.secrets = secrets()
    at.run()
    assert not at.metric, "nothing is shown before logging in"
    at.text_input(key="login_name").input("ada")
    at.text_input(key="login_password").input("wrong")
    at.button[0].click()
    at.run()
    assert at.error and "not correct" in at.error[0].value
    assert not at.metric


@pytest.mark.parametrize("name", ["vera", "max", "ada"])
def test_roles_after_login(app_env: Path, name: str) -> None:
    role = PASSWORDS[name][0]
    at = login(new_app(), name)
    assert_clean(at)
    assert any(f"**{name}**" in m.value for m in at.sidebar.markdown)
    assert tiles(at), "every role sees the aggregates"

    audit = open_page(at, "audit")
    assert_clean(audit)
    expanders = [e.label for e in audit.expander]
    raw_shown = any("Raw security entries" in label for label in expanders)
    assert raw_shown == (role == "admin")

    reports = open_page(at, "reports")
    assert_clean(reports)
    prepare = [b for b in reports.button if b.key == "prepare_downloads"]
    assert bool(prepare) == (role in ("manager", "admin"))
    assert bool(reports.info and "managers" in reports.info[0].value) == (role == "viewer")
    assert not any(b.proto.label.startswith("Excel") for b in reports.get("download_button"))
    if role == "admin":  # (the manager gets the same tables minus the raw audit entries)
        prepare[0].click()
        reports.run()
        assert_clean(reports)
        labels = [b.proto.label for b in reports.get("download_button")]
        assert "Excel workbook (every table)" in labels
        assert any(label.startswith("audit_security_raw.csv") for label in labels) == (role == "admin")

    page = open_page(at, "data")
    assert_clean(page)
    assert bool(page.file_uploader) == (role == "admin")


def test_viewer_cannot_read_raw_entries_through_the_data_layer(app_env: Path) -> None:
    key = _key(app_env, periods.month(MONTH, TZ))
    viewer = ("vera", "viewer", True)
    with pytest.raises(PermissionError):
        data.read("access.security_events", key, viewer=viewer)
    with pytest.raises(PermissionError):
        data.read("access.entries_near_incidents", key, viewer=viewer)
    counts = data.read("access.security_counts", key, viewer=viewer)
    assert "user_id" not in counts.columns and "ip_address" not in counts.columns
    with pytest.raises(PermissionError):
        data.ingest_uploads(key, [("x.json", b"{}")], access.Viewer("max", "manager"))
    with pytest.raises(PermissionError):
        data.render_pdf(key, "en", "/tmp/never.pdf", access.Viewer("vera", "viewer"))


# -- the reports page ---------------------------------------------------------------------------

def test_reports_page_without_the_pdf_module(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "reports.report", None)  # an import of it now fails
    at = open_page(new_app().run(), "reports")
    assert_clean(at)
    assert any("unavailable" in w.value for w in at.warning)
    table = at.dataframe[0].value
    assert list(table["objective"])[:2] == ["Uptime", "Error rate"]
    assert any(b.key == "prepare_downloads" for b in at.button), "the table downloads are still there"


def test_reports_page_generates_a_pdf(app_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The page's wiring: it calls ``reports.report.render_pdf(con, config, period, lang, path)`` and
    offers the file. The PDF itself is the report module's business (its own tests); here a stand-in
    module records the call so this test stays quick."""
    import types

    calls: list[tuple[object, ...]] = []

    def render_pdf(con: object, config: object, period: periods.Period, lang: str, path: str | Path) -> Path:
        calls.append((period.label, lang, con.execute("SELECT 42").fetchall()[0][0]))
        Path(path).write_bytes(b"%PDF-1.7 stand-in")
        return Path(path)

    monkeypatch.setitem(sys.modules, "reports.report", types.SimpleNamespace(render_pdf=render_pdf))
    at = open_page(new_app().run(), "reports")
    at.segmented_control(key="report_lang").set_value("en").run()
    next(b for b in at.button if b.key == "generate_pdf").click()
    at.run()
    assert_clean(at)
    assert calls == [(MONTH, "en", 42)]
    assert any(b.proto.label == f"Download PDF (sla-{MONTH}-en.pdf)" for b in at.get("download_button"))


# -- formula-safe exports ---------------------------------------------------------------------

@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\r=1", "=HYPERLINK(\"http://x\")"])
def test_neutralize_prefixes_formula_cells(text: str) -> None:
    assert exports.neutralize(text) == "'" + text


@pytest.mark.parametrize("value", ["ok", "a=b", "", " =1", 5, -3, 2.5, None])
def test_neutralize_leaves_other_values(value: object) -> None:
    assert exports.neutralize(value) == value


def test_csv_is_formula_safe_and_keeps_numbers() -> None:
    frame = pd.DataFrame({"action": ["=cmd|' /C calc'!A0", "user.login"], "count": [-5, 3],
                          "monitors": [["health", "home"], ["-x"]],
                          "at": pd.to_datetime(["2026-10-01T00:00:00Z", "2026-10-02T12:30:00Z"], utc=True)})
    text = exports.to_csv(frame, TZ).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text))
    assert back["action"].tolist() == ["'=cmd|' /C calc'!A0", "user.login"]
    assert back["count"].tolist() == [-5, 3]
    assert back["monitors"].tolist() == ["health, home", "'-x"]
    assert back["at"].tolist() == ["2026-10-01 09:00:00", "2026-10-02 21:30:00"]


def test_excel_holds_no_formulas() -> None:
    tables = {"audit/log": pd.DataFrame({"action": ["=1+1", "ok"], "n": [1, -2]}),
              "x" * 40: pd.DataFrame({"a": [1]}), "X" * 40: pd.DataFrame({"b": ["@x"]})}
    book = openpyxl.load_workbook(io.BytesIO(exports.to_excel(tables, TZ)))
    assert book.sheetnames == ["audit_log", "x" * 31, "X" * 27 + " (2)"]
    sheet = book["audit_log"]
    assert sheet["A2"].value == "'=1+1" and sheet["A2"].data_type == "s"
    assert sheet["B3"].value == -2
    assert book.worksheets[2]["A2"].value == "'@x"


def test_labels_exist_in_both_languages() -> None:
    for key, (ko, en) in LABELS.items():
        assert ko and en, key
        assert set(_placeholders(ko)) == set(_placeholders(en)), key


def _placeholders(text: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


def test_month_options_cover_the_data_newest_first() -> None:
    from reports.ui.state import month_options

    assert month_options((date(2026, 8, 3), date(2026, 10, 31)), TZ) == ["2026-10", "2026-09", "2026-08"]
    empty = month_options(None, TZ, now=datetime(2026, 11, 26, tzinfo=UTC))
    assert empty[0] == "2026-10" and len(empty) == 12


def test_authenticate_checks_bcrypt_hashes_and_roles() -> None:
    from reports.ui import auth

    good = bcrypt.hashpw(b"s3cret", bcrypt.gensalt(rounds=4)).decode()
    users = {"ada": {"password_hash": good, "role": "admin"}, "bob": {"password_hash": good, "role": "owner"},
             "eve": {"password_hash": "s3cret", "role": "admin"}, "kim": {"password_hash": good}}
    assert auth.authenticate("ada", "s3cret", users) == access.Viewer("ada", "admin")
    assert auth.authenticate(" ada ", "s3cret", users) == access.Viewer("ada", "admin")
    assert auth.authenticate("ada", "S3cret", users) is None
    assert auth.authenticate("nobody", "s3cret", users) is None
    assert auth.authenticate("bob", "s3cret", users) is None, "an unknown role never logs in"
    assert auth.authenticate("eve", "s3cret", users) is None, "a plain-text 'hash' never matches"
    assert auth.authenticate("kim", "s3cret", users) == access.Viewer("kim", "viewer"), "no role: the least"
