"""The monthly PDF report: the same figures as `reports sla --json`, in Korean and English.

One small warehouse is built per session (two demo months at 5 % scale; the day files of the
two big kinds are concatenated so ingest stays quick) with a few planted rows: a route whose name
holds ``<script>`` and is very long. Both PDFs come from the real command line (`reports report`),
and are checked with poppler (pdftotext, pdftoppm, pdffonts).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from PIL import Image, ImageStat

from reports import periods, report, sla, warehouse
from reports.cli import cli
from reports.config import Config, load_config
from reports.demo import generate
from reports.i18n import fmt_month, fmt_value, objective_label, status_label
from reports.ingest import ingest
from reports.report import context, figures, text

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "reports.toml"
MONTH = "2026-10"
EVIL_ROUTE = ('GET /api/<script>alert("route")</script>/organisations/[organisationId]/projects/[projectId]'
              '/environments/[environmentId]/deployments/[deploymentId]/logs')


def _evil_transactions(path: Path) -> Path:
    """25 slow Sentry http.server transactions on a route whose name holds markup (slowest p95 of the month)."""
    start = datetime(2026, 10, 14, 3, 0, tzinfo=UTC).timestamp()
    lines = []
    for i in range(25):
        begin = start + i * 600
        lines.append(json.dumps({
            "event_id": f"{i:032x}", "type": "transaction", "platform": "node", "transaction": EVIL_ROUTE,
            "transaction_info": {"source": "route"}, "start_timestamp": begin, "timestamp": begin + 9.5 + i / 100,
            "environment": "production",
            "contexts": {"trace": {"trace_id": f"{i:032x}", "span_id": f"{i:016x}", "op": "http.server", "status": "ok",
                                   "client_sample_rate": 0.2, "data": {"http.response.status_code": 200}},
                         "response": {"status_code": 200}},
            "request": {"method": "GET", "url": "https://atcmp.example.com/api/x",
                        "headers": {"User-Agent": "<script>alert('ua')</script>"}},
            "spans": [],
        }))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# what the report reads; the other kinds (audit logs, traces, analytics, stats) are left out to keep ingest quick
KINDS = ("probes/", "sentry/errors/", "sentry/issues/", "vercel/deployments/", "vercel/speed-insights/")


@pytest.fixture(scope="session")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small warehouse file: two demo months (September, October 2026) at 5 % scale."""
    root = tmp_path_factory.mktemp("report")
    manifest = generate(root / "demo", months=2, end_month=MONTH, seed=7, scale=0.05)
    files = manifest.paths()
    merged = root / "merged"
    merged.mkdir()
    keep: list[Path] = []
    for kind, name in (("vercel/logs/", "logs.ndjson.gz"), ("sentry/transactions/", "transactions.ndjson.gz")):
        parts = sorted(p for p in files if kind in p.as_posix())
        with open(merged / name, "wb") as out:  # gzip members concatenate into one valid gzip file
            for part in parts:
                out.write(part.read_bytes())
        keep.append(merged / name)
    keep += [p for p in files if any(kind in p.as_posix() for kind in KINDS)]
    lighthouse = sorted(p for p in files if "/lighthouse/" in p.as_posix())
    last_day = max(p.parent for p in lighthouse)  # one day of Lighthouse runs is enough for the summary
    keep += [p for p in lighthouse if p.parent == last_day]
    keep.append(_evil_transactions(merged / "evil.ndjson"))
    path = root / "warehouse.duckdb"
    con = warehouse.connect(path)
    try:
        results = ingest(con, keep, load_config(CONFIG))
    finally:
        con.close()
    assert all(r.status == "loaded" for r in results), [(r.path, r.message) for r in results if r.status != "loaded"]
    return path


@pytest.fixture(scope="session")
def config() -> Config:
    return load_config(CONFIG)


@pytest.fixture(scope="session")
def sla_json(db_path: Path) -> dict[str, Any]:
    """What `reports sla --month 2026-10 --json` prints."""
    result = CliRunner().invoke(cli, ["--db", str(db_path), "--config", str(CONFIG), "sla", "--month", MONTH, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


@pytest.fixture(scope="module")
def kaleido_server() -> Iterator[None]:
    """One kaleido (Chromium) server for every chart of this module."""
    with figures.export_session():
        yield


@pytest.fixture(scope="session")
def reader(db_path: Path) -> Iterator[Any]:
    con = warehouse.open_reader(db_path)
    yield con
    con.close()


@pytest.fixture(scope="session")
def ctx(reader: Any, config: Config) -> dict[str, Any]:
    """The report's figures, gathered once for both languages."""
    return report.gather(reader, config, periods.month(MONTH, config.report.timezone))


@pytest.fixture(scope="module")
def pdfs(ctx: dict[str, Any], tmp_path_factory: pytest.TempPathFactory, kaleido_server: None) -> dict[str, Path]:
    """Both languages' PDFs, with charts."""
    out = tmp_path_factory.mktemp("pdf")
    return {lang: report.pdf_from(report.html_from(ctx, lang), out / f"sla-{lang}.pdf") for lang in ("ko", "en")}


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", "-layout", *args, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]


def squeeze(value: str) -> str:
    return "".join(value.split())


# -- the numbers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ko", "en"])
def test_key_figures_equal_the_sla_json(pdfs: dict[str, Path], sla_json: dict[str, Any], lang: str) -> None:
    body = pdftotext(pdfs[lang])
    flat = squeeze(body)
    assert len(sla_json["objectives"]) == 6
    for o in sla_json["objectives"]:
        assert o["actual"] is not None, o  # the fixture has data for every objective
        assert squeeze(fmt_value(o["id"], o["actual"], lang)) in flat, (o["id"], fmt_value(o["id"], o["actual"], lang))
        assert squeeze(fmt_value(o["id"], o["target"], lang)) in flat
        assert objective_label(o["id"], lang) in body
        if o.get("budget_remaining") is not None:
            assert f"{o['budget_remaining'] * 100:.1f}%" in body
    assert status_label("met", lang) in body
    assert fmt_month(MONTH, lang) in body
    assert sla_json["incidents"]
    for incident in sla_json["incidents"]:  # incident starts, in the report time zone
        start = datetime.fromisoformat(incident["start"].replace("Z", "+00:00"))
        assert start.astimezone(ZoneInfo(sla_json["timezone"])).strftime("%Y-%m-%d %H:%M") in body
    coverage = sla_json["coverage"]["monitored_fraction"]
    assert f"{coverage * 100:.2f}%" in body


def test_the_pdf_and_the_gathered_figures_come_from_the_same_summary(ctx: dict[str, Any],
                                                                     sla_json: dict[str, Any]) -> None:
    assert json.loads(json.dumps(ctx["summary"], default=str)) == sla_json


def test_the_korean_report_is_in_korean(pdfs: dict[str, Path]) -> None:
    body = pdftotext(pdfs["ko"])
    assert len(re.findall(r"[가-힣]", body)) > 1000
    for phrase in ("월간 SLA 보고서", "요약", "가용성", "오류 예산", "장애", "응답 시간", "부록: 방법론", "2026년 10월"):
        assert phrase in body
    fonts = subprocess.run(["pdffonts", str(pdfs["ko"])], check=True, capture_output=True, text=True).stdout
    assert "NanumGothic" in fonts
    assert not re.search(r"[가-힣]", pdftotext(pdfs["en"]).replace("나눔", ""))


def test_every_page_renders_and_is_not_blank(pdfs: dict[str, Path], tmp_path: Path) -> None:
    for lang, pdf in pdfs.items():
        count = pages(pdf)
        assert 6 <= count <= 25, (lang, count)
        subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / lang)], check=True)
        images = sorted(tmp_path.glob(f"{lang}-*.png"))
        assert len(images) == count
        for image in images:
            stat = ImageStat.Stat(Image.open(image).convert("L"))
            assert stat.var[0] > 50, (image.name, stat.var[0])  # a blank page has (near) zero variance


def test_charts_are_embedded_as_images(pdfs: dict[str, Path]) -> None:
    listing = subprocess.run(["pdfimages", "-list", str(pdfs["en"])], check=True, capture_output=True, text=True).stdout
    rows = [line for line in listing.splitlines()[2:] if line.strip()]
    assert len(rows) >= 8  # availability, 2 burn-downs, incidents, latency, errors, vitals, deployments, trends
    assert all(int(line.split()[3]) >= 1000 for line in rows if line.split()[2] == "image")  # 2x PNGs
    assert "Chart unavailable" not in pdftotext(pdfs["en"]) and "차트를 만들 수 없습니다" not in pdftotext(pdfs["ko"])


def test_nothing_runs_off_the_right_edge(pdfs: dict[str, Path]) -> None:
    for pdf in pdfs.values():
        html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        page_width = float(re.search(r'<page width="([\d.]+)"', html).group(1))  # type: ignore[union-attr]
        right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', html))
        assert right <= page_width - 36, right  # inside the 15 mm right margin (42.5 pt), with slack


def test_header_names_config_version_sources_and_sampling(pdfs: dict[str, Path]) -> None:
    body = pdftotext(pdfs["en"])
    assert hashlib.sha256(CONFIG.read_bytes()).hexdigest()[:12] in body
    assert "Asia/Seoul" in body
    for name in ("Uptime probes", "Vercel request logs", "Sentry server transactions", "Vercel Speed Insights"):
        assert name in body
    assert "sampled (counts scaled by 1/rate)" in body  # sentry_sample_rate = 0.2 in reports.toml


def test_fingerprint_is_the_sha256_of_the_loaded_files_hashes(reader: Any, pdfs: dict[str, Path]) -> None:
    hashes = sorted(r[0] for r in reader.execute("SELECT sha256 FROM ingest_files WHERE status = 'loaded'").fetchall())
    expected = hashlib.sha256("\n".join(hashes).encode()).hexdigest()
    assert context.fingerprint(reader)["sha256"] == expected
    assert expected in squeeze(pdftotext(pdfs["en"]))


def test_markup_in_data_prints_as_text(ctx: dict[str, Any], pdfs: dict[str, Path]) -> None:
    assert ctx["latency"]["routes"][0]["route"] == EVIL_ROUTE  # the slowest route is shown first
    html = report.html_from(ctx, "en", charts=False)
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#34;route&#34;)&lt;/script&gt;" in html
    assert '<script>alert("route")</script>' in squeeze(pdftotext(pdfs["en"]))


def test_markup_in_the_config_is_escaped(ctx: dict[str, Any], config: Config) -> None:
    evil = config.model_copy(update={"report": config.report.model_copy(update={"service": "<script>x()</script>"})})
    changed = {**ctx, "meta": {**ctx["meta"], "service": evil.report.service}}
    html = report.html_from(changed, "ko", charts=False)
    assert "<script" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html


# -- missing data ----------------------------------------------------------------------------------

def test_an_empty_warehouse_gives_a_report_that_says_data_is_missing(tmp_path: Path, config: Config,
                                                                     kaleido_server: None) -> None:
    """`reports report` on a warehouse without data: a PDF that says what is missing, exit 0."""
    empty = tmp_path / "empty.duckdb"
    warehouse.connect(empty).close()
    target = tmp_path / "empty.pdf"
    result = CliRunner().invoke(cli, ["--db", str(empty), "--config", str(CONFIG), "report", "--month", MONTH,
                                      "--lang", "en", "-o", str(target)])
    assert result.exit_code == 0, result.output
    body = pdftotext(target)
    assert pages(target) >= 3
    assert "cannot be assessed: no objective has any data" in body
    assert "Sources with no data in this period" in body
    assert body.count("no data") >= 10
    assert "error budget remains" not in body
    assert "Chart unavailable" not in body  # charts over no data are left out, not drawn empty
    con = warehouse.open_reader(empty)
    try:
        ko_html = report.html_from(report.gather(con, config, periods.month(MONTH, config.report.timezone)), "ko",
                                   charts=False)
    finally:
        con.close()
    assert "어떤 목표에도 데이터가 없습니다" in ko_html and "이 기간에 데이터가 없는 소스" in ko_html


def test_a_partial_month_names_the_sources_it_lacks(tmp_path: Path, config: Config, db_path: Path) -> None:
    """Only probes loaded: uptime is assessed, every other objective says no data and the sources are named."""
    con = warehouse.connect()
    try:
        probes = sorted((Path(db_path).parent / "demo" / "probes").glob("kuma-heartbeats-2026-10.json"))
        ingest(con, probes, config)
        ctx = report.gather(con, config, periods.month(MONTH, config.report.timezone))
        html = report.html_from(ctx, "en", charts=False)
    finally:
        con.close()
    statuses = {o["id"]: o["status"] for o in ctx["summary"]["objectives"]}
    assert statuses["uptime"] in ("met", "missed")
    assert {s for k, s in statuses.items() if k != "uptime"} == {"no_data"}
    assert "Not assessed for lack of data" in html
    assert set(ctx["exclusions"]["empty_sources"]) >= {"vercel_logs", "sentry_transactions", "speed_insights"}
    assert "probes" not in ctx["exclusions"]["empty_sources"]
    gaps = html.split("Sources with no data in this period")[1].split("</p>")[0]
    assert "Vercel request logs" in gaps and "Uptime probes" not in gaps


# -- credits ---------------------------------------------------------------------------------------

class _CreditConfig(Config):
    """The config with credit tiers, as a future `[[credits]]` key would give them."""

    credits: list[dict[str, float]] = []


def test_credits_follow_the_config_tiers(reader: Any, config: Config, ctx: dict[str, Any]) -> None:
    uptime_actual = next(o["actual"] for o in ctx["summary"]["objectives"] if o["id"] == "uptime")
    tiers = [{"uptime_below": 0.9999, "credit_percent": 10.0}, {"uptime_below": uptime_actual - 0.001, "credit_percent": 50.0},
             {"uptime_below": 0.99995, "credit_percent": 5.0}]
    with_tiers = _CreditConfig(**config.model_dump(exclude={"path"}), credits=tiers)
    result = context._credit(with_tiers, uptime_actual)
    assert result is not None
    assert result["credit_percent"] == max(t["credit_percent"] for t in tiers if uptime_actual < t["uptime_below"]) == 10.0
    html = report.html_from({**ctx, "credits": result}, "en", charts=False)
    assert "SLA credits" in html and "Credit for this month&#39;s uptime" in html and "10%" in html
    assert context._credit(with_tiers, None)["credit_percent"] is None  # type: ignore[index]
    assert context._credit(config, uptime_actual) is None
    assert "SLA credits" not in report.html_from(ctx, "en", charts=False)


# -- the verdict -----------------------------------------------------------------------------------

def _verdict_ctx(objectives: list[dict[str, Any]], changes: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"summary": {"month": MONTH, "objectives": objectives}, "meta": {"service": "ATCMP", "partial": False},
            "uptime": {"incidents": [{}, {}], "summary": {"down_s": 3900}}, "objective_changes": changes or []}


def test_verdict_names_missed_and_unassessed_objectives() -> None:
    objectives = [
        {"id": "uptime", "target": 0.995, "comparison": ">=", "actual": 0.9921, "status": "missed", "budget_remaining": -0.58},
        {"id": "error_rate", "target": 0.005, "comparison": "<", "actual": 0.0012, "status": "met", "budget_remaining": 0.76},
        {"id": "lcp_p75_ms", "target": 2500, "comparison": "<=", "actual": None, "status": "no_data"},
    ]
    changes = [{"id": "uptime", "direction": "worse", "notable": True},
               {"id": "error_rate", "direction": "better", "notable": False}]
    en = text.verdict(_verdict_ctx(objectives, changes), "en")
    assert en.startswith("In October 2026, ATCMP met 1 of 3 objectives.")
    assert "Missed: Uptime 99.21% (target ≥ 99.50%)" in en
    assert "overspent by 58.0%" in en and "2 incident(s)" in en and "1 h 05 m" in en
    assert "The error rate was 0.120%; 76.0% of its error budget remains." in en
    assert "Compared with the previous month, uptime got worse." in en and "improved" not in en
    assert "Not assessed for lack of data: LCP (p75)" in en
    ko = text.verdict(_verdict_ctx(objectives, changes), "ko")
    assert "3개 목표 중 1개를 달성" in ko and "미달한 목표: 가동률 99.21% (목표 ≥ 99.50%)" in ko
    assert "58.0% 초과" in ko and "1시간 5분" in ko and "가동률 악화" in ko
    assert "오류율은 0.120%이며 오류율 오류 예산은 76.0% 남았습니다." in ko
    assert "데이터가 없어 평가하지 못한 목표: LCP (p75)" in ko


def test_verdict_when_everything_was_met_and_when_nothing_has_data() -> None:
    met = [{"id": "error_rate", "target": 0.005, "comparison": "<", "actual": 0.001, "status": "met",
            "budget_remaining": 0.8}]
    assert text.verdict(_verdict_ctx(met), "en").startswith("In October 2026, ATCMP met all 1 objectives.")
    none = [{"id": "uptime", "target": 0.995, "comparison": ">=", "actual": None, "status": "no_data"}]
    assert "cannot be assessed" in text.verdict(_verdict_ctx(none), "en")
    assert "평가할 수 없습니다" in text.verdict(_verdict_ctx(none), "ko")


def test_unknown_language_is_a_usage_error(ctx: dict[str, Any]) -> None:
    from reports.errors import UsageError

    with pytest.raises(UsageError, match="ko, en"):
        report.html_from(ctx, "fr", charts=False)


def test_status_of_previous_month_matches_sla(ctx: dict[str, Any]) -> None:
    previous = periods.month(MONTH, "Asia/Seoul").previous_month().label
    for row in (r for r in ctx["trends"]["rows"] if r["month"] == previous):
        assert row["status"] == sla.status(row["actual"], row["target"], row["comparison"])
    assert [m for m in ctx["trends"]["months"]][-1] == MONTH and len(ctx["trends"]["months"]) == 7


@pytest.fixture(autouse=True, scope="session")
def _poppler() -> None:
    for tool in ("pdftotext", "pdftoppm", "pdffonts", "pdfimages", "pdfinfo"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} (poppler-utils) is needed: run `make system`")


def test_related_deployments_are_those_from_an_hour_before_an_incident_to_its_end() -> None:
    import pandas as pd

    def at(hour: int, minute: int = 0) -> pd.Timestamp:
        return pd.Timestamp(2026, 10, 5, hour, minute, tz="UTC")

    incidents = pd.DataFrame({"start": [at(10), at(20)], "end": [at(10, 30), at(20, 5)]})
    production = pd.DataFrame({"uid": ["early", "before", "during", "after", "other"],
                               "ready_at": [at(8, 59), at(9, 1), at(10, 15), at(10, 31), at(19, 30)]})
    assert context._related_deployments(incidents, production) == [["before", "during"], ["other"]]
    assert context._related_deployments(incidents, production.iloc[0:0]) == [[], []]
