"""The analyst notebooks (notebooks/*.ipynb) and the notebook API behind them (``reports.open``).

Every notebook is executed headless with papermill (kernel ``python3``, this interpreter) against
one small demo warehouse built once per session: a month of demo exports at half scale, the
daily log and transaction files bundled into one file each (ingest has a fixed cost per file),
and only the kinds the notebooks read. The monthly review's recorded figures must equal
``reports.sla.summary`` and ``reports sla --json``; the committed notebooks must carry no outputs
and agree with their jupytext ``.py`` pairs.
"""

from __future__ import annotations

import ast
import json
import math
import re
import string
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jupytext
import nbformat
import numpy as np
import pytest

import reports
from reports import ingest, ledger, periods, sla, warehouse
from reports.config import load_config
from reports.demo import DemoManifest, generate
from reports.errors import MetricError, UsageError, WarehouseError
from reports.i18n import fmt_ms
from reports.metrics import latency, requests
from reports.metrics.scope import Scope
from reports.notebook import resolve_config, resolve_db, target_line

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
CONFIG = REPO / "reports.toml"
NAMES = ["01_warehouse_tour", "02_latency_deep_dive", "03_error_analysis", "04_deploy_impact", "05_monthly_review"]
MONTH = "2026-10"
# the kinds of export the notebooks read; the rest (Lighthouse, traces, analytics, ...) would only cost time
SUBSET = ["vercel/deployments/*.json", "sentry/errors/*", "sentry/issues/*", "probes/*", "vercel/speed-insights/*",
          "audit/*"]
BUNDLED = ["vercel/logs", "sentry/transactions"]  # daily files, concatenated (gzip members) into one file each


# -- fixtures ---------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoManifest, Path]:
    """A month of demo data in a warehouse file (with its published snapshot): (manifest, db path)."""
    root = tmp_path_factory.mktemp("notebook-demo")
    manifest = generate(root / "exports", months=1, end_month=MONTH, seed=7, scale=0.5)
    bundle = root / "bundle"
    bundle.mkdir()
    files = []
    for family in BUNDLED:
        target = bundle / (family.replace("/", "-") + ".ndjson.gz")
        with open(target, "wb") as out:
            for part in sorted((manifest.out_dir / family).glob("*.ndjson.gz")):
                out.write(part.read_bytes())
        files.append(target)
    for pattern in SUBSET:
        files += sorted(manifest.out_dir.glob(pattern))
    db = root / "warehouse.duckdb"
    with warehouse.writing(db) as con:
        results = ingest.ingest(con, files, load_config(CONFIG))
    assert [r.status for r in results] == ["loaded"] * len(files)
    return manifest, db


@pytest.fixture(scope="session")
def db(demo: tuple[DemoManifest, Path]) -> Path:
    return demo[1]


@pytest.fixture
def wh(db: Path) -> Iterator[reports.notebook.Warehouse]:
    with reports.open(db, CONFIG) as handle:
        yield handle


@pytest.fixture(scope="session")
def expected_sla(db: Path) -> dict[str, Any]:
    """``reports.sla.summary`` of the month, computed once."""
    con = warehouse.open_reader(db)
    try:
        return sla.summary(con, load_config(CONFIG), periods.month(MONTH, "Asia/Seoul"))
    finally:
        con.close()


@pytest.fixture(scope="session")
def kernel() -> str:
    """The ``python3`` kernelspec, made to run this interpreter (installed into the venv if missing)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        subprocess.run([sys.executable, "-m", "ipykernel", "install", "--sys-prefix"], check=True,
                       capture_output=True)
        spec = KernelSpecManager().get_kernel_spec("python3")
    exe = spec.argv[0]
    # jupyter_client runs sys.executable for a spec that says plain "python" / "python3"
    generic = {"python", f"python{sys.version_info[0]}", f"python{sys.version_info[0]}.{sys.version_info[1]}"}
    if exe not in generic and Path(exe).resolve() != Path(sys.executable).resolve():
        pytest.fail(f"the python3 kernelspec runs {exe}, not {sys.executable}; remove it "
                    f"(jupyter kernelspec remove python3) or run `{sys.executable} -m ipykernel install --sys-prefix`")
    return "python3"


JOBS: dict[str, tuple[str, dict[str, Any]]] = {name: (name, {}) for name in NAMES}


def _execute(key: str, db: Path, out_dir: Path, kernel: str) -> tuple[Path, BaseException | None]:
    import papermill as pm

    name, extra = JOBS[key]
    output = out_dir / f"{key.replace(':', '-')}.ipynb"
    parameters: dict[str, Any] = {"month": MONTH, "db": str(db), "config": str(CONFIG), **extra}
    if name == "05_monthly_review":
        parameters["out_json"] = str(output.with_suffix(".json"))
    try:
        pm.execute_notebook(str(NOTEBOOKS / f"{name}.ipynb"), str(output), parameters=parameters,
                            kernel_name=kernel, cwd=str(NOTEBOOKS), progress_bar=False, log_output=False)
    except BaseException as exc:  # reported by the test of that notebook
        return output, exc
    return output, None


@pytest.fixture(scope="session")
def executed(db: Path, kernel: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, BaseException | None]]:
    """Every notebook executed once (a few at a time: most of a run is kernel start and imports)."""
    out_dir = tmp_path_factory.mktemp("executed")
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {key: pool.submit(_execute, key, db, out_dir, kernel) for key in JOBS}
        return {key: future.result() for key, future in futures.items()}


def _run(executed: dict[str, tuple[Path, BaseException | None]], name: str) -> nbformat.NotebookNode:
    path, error = executed[name]
    if error is not None:
        raise AssertionError(f"{name} failed to execute: {error}") from error
    return nbformat.read(path, as_version=4)


def _outputs(nb: nbformat.NotebookNode) -> list[dict[str, Any]]:
    return [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]


def _text(nb: nbformat.NotebookNode) -> str:
    """Every text an executed notebook shows (streams, plain text, markdown, HTML tables)."""
    parts = []
    for o in _outputs(nb):
        if o["output_type"] == "stream":
            parts.append(o["text"])
        for kind in ("text/plain", "text/markdown", "text/html"):
            if kind in o.get("data", {}):
                parts.append(o["data"][kind])
    return "\n".join(parts)


def _figures(nb: nbformat.NotebookNode) -> list[dict[str, Any]]:
    return [o["data"]["application/vnd.plotly.v1+json"] for o in _outputs(nb)
            if "application/vnd.plotly.v1+json" in o.get("data", {})]


# -- the notebooks, executed ------------------------------------------------------------------

MIN_FIGURES = {"01_warehouse_tour": 2, "02_latency_deep_dive": 6, "03_error_analysis": 6, "04_deploy_impact": 5,
               "05_monthly_review": 3}


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_headless_with_readable_charts(executed: dict, name: str) -> None:
    nb = _run(executed, name)
    outputs = _outputs(nb)
    assert not [o for o in outputs if o["output_type"] == "error"]
    noise = [o["text"] for o in outputs if o["output_type"] == "stream" and o["name"] == "stderr"]
    assert not noise, f"{name} wrote to stderr (warnings?): {noise[:3]}"
    figures = _figures(nb)
    assert len(figures) >= MIN_FIGURES[name]
    for figure in figures:
        layout = figure["layout"]
        title = (layout.get("title") or {}).get("text")
        assert title, f"{name}: a chart without a title"
        axes = {k: v for k, v in layout.items() if re.fullmatch(r"[xy]axis\d*", k)}
        grid = "xaxis2" in axes  # subplots: each panel is titled and has a y unit; categories need no x title
        for key, axis in axes.items():
            if grid and key.startswith("x"):
                continue
            assert (axis.get("title") or {}).get("text"), f"{name}: chart {title!r} has no title on {key}"


def test_tour_shows_tables_quarantine_and_a_query(executed: dict, db: Path) -> None:
    text = _text(_run(executed, "01_warehouse_tour"))
    con = warehouse.open_reader(db)
    try:
        quarantined = ledger.quarantine_count(con)
        tables = ledger.tables(con)
    finally:
        con.close()
    assert quarantined > 0  # the demo plants bad records
    assert f"{quarantined:,} quarantined record(s)" in text
    for table in tables["table"]:
        assert table in text
    assert "refused: query failed" in text and "read-only" in text  # the write attempt was refused
    assert re.search(r"\d+\.\d+\.x\.x", text)  # client IPs come back masked


def test_latency_notebook_states_the_library_figures(executed: dict, wh: Any) -> None:
    text = _text(_run(executed, "02_latency_deep_dive"))
    summary = latency.summary(wh.con, wh.scope(MONTH))
    assert summary["count"] > 0
    for key in ("mean_ms", "p95_ms", "p99_ms"):
        assert fmt_ms(summary[key]) in text


def test_error_notebook_finds_bursts_and_their_causes(executed: dict) -> None:
    text = _text(_run(executed, "03_error_analysis"))
    found = re.search(r"(\d+) burst hour\(s\)", text)
    assert found and int(found.group(1)) >= 1
    # the demo's outages make error bursts, and the table names the incident as their cause
    assert re.search(r"\((health|home)(, (health|home))?\)", text)


def test_deploy_notebook_flags_the_planted_regression(executed: dict, demo: tuple[DemoManifest, Path], wh: Any) -> None:
    text = _text(_run(executed, "04_deploy_impact"))
    from reports.metrics import deployments

    judged = deployments.production_deployments(wh.con, wh.scope(MONTH))
    found = re.search(r"(\d+) regression\(s\) among (\d+) production deployment\(s\): (.*)", text)
    assert found and int(found.group(2)) == len(judged)
    flagged = found.group(3).split(", ")
    assert int(found.group(1)) == len(flagged) and demo[0].error_regression.uid in flagged


def _close(a: Any, b: Any) -> bool:
    """Equal, floats to 1e-9 relative (DuckDB's parallel sums may differ in the last bits between runs)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def test_monthly_review_figures_equal_the_sla_summary(executed: dict, db: Path, expected_sla: dict) -> None:
    path, _ = executed["05_monthly_review"]
    _run(executed, "05_monthly_review")
    figures = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    expected = expected_sla
    assert figures["month"] == MONTH and figures["period"] == expected["period"]
    assert list(figures["objectives"]) == [o["id"] for o in expected["objectives"]]
    for objective in expected["objectives"]:
        got = figures["objectives"][objective["id"]]
        for key, value in got.items():
            assert _close(value, objective.get(key)), (objective["id"], key, value, objective.get(key))
    assert any(o["actual"] is not None for o in figures["objectives"].values())
    assert figures["incidents"] == len(expected["incidents"])
    assert _close(figures["downtime_s"], float(sum(i["duration_s"] for i in expected["incidents"])))
    assert _close(figures["coverage"], expected["coverage"])
    assert _close(figures["previous_month"], expected["previous_month"])
    # and what the command line prints
    from click.testing import CliRunner

    from reports.cli import cli

    done = CliRunner().invoke(cli, ["--db", str(db), "--config", str(CONFIG), "sla", "--month", MONTH, "--json"])
    assert done.exit_code == 0, done.output
    printed = json.loads(done.output)
    for objective in printed["objectives"]:
        assert _close(figures["objectives"][objective["id"]]["actual"], objective["actual"])
        assert figures["objectives"][objective["id"]]["status"] == objective["status"]


def _words() -> dict[str, dict[str, str]]:
    """The review's sentence templates (the literal ``WORDS = {...}`` in 05_monthly_review.py)."""
    tree = ast.parse((NOTEBOOKS / "05_monthly_review.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["WORDS"]:
            words: dict[str, dict[str, str]] = ast.literal_eval(node.value)
            return words
    raise AssertionError("05_monthly_review.py defines no WORDS")


def test_monthly_review_speaks_english_and_korean_alike() -> None:
    words = _words()
    assert set(words) == {"en", "ko"}
    assert words["en"].keys() == words["ko"].keys()
    fields = string.Formatter()
    for key, english in words["en"].items():
        korean = words["ko"][key]
        assert {f for _, f, _, _ in fields.parse(english) if f} == {f for _, f, _, _ in fields.parse(korean) if f}, key
        assert re.search("[가-힣]", korean), f"{key} is not translated"


# -- the committed notebooks ------------------------------------------------------------------

def test_every_notebook_is_listed_and_paired() -> None:
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == NAMES
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.py")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_is_clean_and_agrees_with_its_pair(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata["jupytext"]["formats"] == "ipynb,py:percent"
    assert "papermill" not in nb.metadata
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{name}: a cell carries outputs"
        assert "papermill" not in cell.metadata and "execution" not in cell.metadata
    notebook = jupytext.read(NOTEBOOKS / f"{name}.ipynb")
    script = jupytext.read(NOTEBOOKS / f"{name}.py")
    pairs = [(c.cell_type, c.source) for c in notebook.cells]
    assert pairs == [(c.cell_type, c.source) for c in script.cells], f"{name}.ipynb and {name}.py differ: run jupytext --sync"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_parameterised_and_calls_the_library(name: str) -> None:
    import papermill as pm

    params = pm.inspect_notebook(str(NOTEBOOKS / f"{name}.ipynb"))
    for key in ("month", "db", "config"):
        assert params[key]["default"] == "None", f"{name}: parameter {key} should default to None"
    if name == "05_monthly_review":
        assert {"out_json", "lang"} <= set(params)
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "reports.open(db, config)" in code
    # no second way into the warehouse, and no percentile maths of its own
    for forbidden in ("import duckdb", "duckdb.connect", "quantile", "percentile(", "read_only"):
        assert forbidden not in code, f"{name} uses {forbidden!r}: call reports.* instead"


# -- the API ----------------------------------------------------------------------------------

def test_import_reports_stays_light() -> None:
    probe = "import sys, reports; print(sorted(m for m in ('pandas', 'duckdb', 'plotly') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO)
    assert done.stdout.strip() == "[]"
    assert callable(reports.open)


def test_open_resolves_paths_like_the_cli(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORTS_DB", str(db))
    monkeypatch.setenv("REPORTS_CONFIG", str(CONFIG))
    with reports.open() as handle:
        assert handle.db == db and handle.config.path == str(CONFIG)
    other = db.parent / "elsewhere.duckdb"
    assert resolve_db(other) == other  # an argument beats the environment
    monkeypatch.delenv("REPORTS_DB")
    monkeypatch.delenv("REPORTS_CONFIG")
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    (project / "data").mkdir()
    (project / "reports.toml").write_text("", encoding="utf-8")
    (project / "data" / "warehouse.duckdb").write_bytes(b"")
    monkeypatch.chdir(project / "notebooks")  # where a notebook's kernel runs: defaults are found in the parent
    assert resolve_config() == project / "reports.toml"
    assert resolve_config("reports.toml") == project / "reports.toml"
    assert resolve_db() == project / "data" / "warehouse.duckdb"
    assert resolve_db("no/such.duckdb") == Path("no/such.duckdb")
    monkeypatch.chdir(tmp_path)
    assert resolve_config() is None  # no config anywhere: the built-in defaults


def test_open_reports_a_missing_warehouse(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="no warehouse here yet"):
        reports.open(tmp_path / "none.duckdb", CONFIG)


def test_sql_binds_values_and_refuses_writes(wh: Any) -> None:
    month = wh.scope(MONTH)
    total = wh.sql("SELECT count(*) AS n FROM vercel_requests WHERE ts >= $start AND ts < $end", scope=month)
    errors = wh.sql("SELECT count(*) AS n FROM vercel_requests WHERE ts >= $start AND ts < $end AND status_code >= $code",
                    scope=month, code=500)
    assert 0 < int(errors["n"][0]) < int(total["n"][0])
    hostile = wh.sql("SELECT count(*) AS n FROM vercel_requests WHERE route = $route", route="x' OR '1'='1")
    assert int(hostile["n"][0]) == 0
    before = wh.tables()
    for statement in ("CREATE TABLE t AS SELECT 1", "DELETE FROM quarantine", "DROP TABLE vercel_requests"):
        with pytest.raises(UsageError, match="read-only"):
            wh.sql(statement)
    assert wh.tables().equals(before)
    with pytest.raises(UsageError, match="query failed"):
        wh.sql("SELECT * FROM no_such_table")


def test_sql_masks_personal_data_unless_admin(wh: Any, db: Path) -> None:
    query = "SELECT client_ip FROM vercel_requests WHERE contains(client_ip, '.') ORDER BY ts LIMIT 5"
    masked = wh.sql(query)["client_ip"].tolist()
    with reports.open(db, CONFIG, admin=True) as admin:
        clear = admin.sql(query)["client_ip"].tolist()
    assert len(masked) == 5 and all(m.endswith(".x.x") for m in masked)
    assert all(not c.endswith(".x.x") for c in clear)
    assert [c.rsplit(".", 2)[0] for c in clear] == [m.rsplit(".", 2)[0] for m in masked]


def test_periods_and_scopes(wh: Any) -> None:
    october = wh.period(MONTH)
    assert (october.start, october.end) == (datetime(2026, 9, 30, 15, tzinfo=UTC), datetime(2026, 10, 31, 15, tzinfo=UTC))
    week = wh.period(start="2026-10-01", end="2026-10-08")
    assert (week.start, week.end) == (datetime(2026, 9, 30, 15, tzinfo=UTC), datetime(2026, 10, 7, 15, tzinfo=UTC))
    naive = wh.period(start=datetime(2026, 10, 1, 9), end=datetime(2026, 10, 1, 10))
    assert naive.start == datetime(2026, 10, 1, 0, tzinfo=UTC)  # 09:00 in Seoul
    assert wh.period() == periods.last_complete_month(wh.timezone)
    scope = wh.scope(MONTH, route="/api/search")
    assert isinstance(scope, Scope) and scope.params()["route"] == "/api/search"
    with pytest.raises(UsageError, match="either a month or start/end"):
        wh.period(MONTH, start="2026-10-01", end="2026-10-02")
    with pytest.raises(UsageError, match="both start and end"):
        wh.period(start="2026-10-01")
    with pytest.raises(UsageError, match="YYYY-MM"):
        wh.period("October")


def test_metric_runs_any_metric_file(wh: Any) -> None:
    scope = wh.scope(MONTH)
    row = wh.metric("latency_summary", MONTH).iloc[0].to_dict()
    expected = latency.summary(wh.con, scope)
    assert row["count"] == expected["count"] > 0 and row["mean_ms"] == pytest.approx(expected["mean_ms"])
    hours = wh.metric("requests_trend", MONTH, grain="hour")
    assert len(hours) == 31 * 24  # Seoul has no daylight saving time
    week = wh.metric("requests_summary", start="2026-10-01", end="2026-10-08").iloc[0]
    days = requests.trend(wh.con, scope, "day")
    first_week = days[days["day"].astype(str) < "2026-10-08"]
    assert len(first_week) == 7 and int(week["requests"]) == int(first_week["requests"].sum())
    search = wh.metric("latency_summary", MONTH, route="/api/search").iloc[0]
    assert 0 < search["count"] < row["count"]
    with pytest.raises(MetricError, match="unknown metric"):
        wh.metric("no_such_metric", MONTH)
    with pytest.raises(MetricError, match=r"unknown \$bogus"):
        wh.metric("latency_summary", MONTH, bogus=1)
    catalogue = wh.metrics()
    assert {"latency_summary", "requests_trend", "deploy_impact"} <= set(catalogue["name"])
    assert catalogue["meaning"].str.len().min() > 0


def test_sla_tables_and_coverage(wh: Any, expected_sla: dict) -> None:
    assert _close(wh.sla(MONTH), expected_sla)
    assert wh.tables().equals(ledger.tables(wh.con))
    coverage = wh.coverage(MONTH)
    per_table = coverage.groupby("table")["day"].count()
    assert set(per_table) == {31}
    scope = wh.scope(MONTH)
    counted = wh.sql("SELECT count(*) AS n FROM vercel_requests WHERE ts >= $start AND ts < $end", scope=scope)
    assert int(coverage.loc[coverage["table"] == "vercel_requests", "rows"].sum()) == int(counted["n"][0])
    assert coverage.loc[coverage["table"] == "lighthouse_runs", "rows"].sum() == 0  # not loaded here


def test_latency_samples_are_the_metric_samples(wh: Any) -> None:
    samples = wh.latency_samples(MONTH)
    summary = latency.summary(wh.con, wh.scope(MONTH))
    assert len(samples) == summary["count"]
    values = samples["duration_ms"].to_numpy()
    assert float(values.mean()) == pytest.approx(summary["mean_ms"])
    assert float(np.percentile(values, 95, method="linear")) == pytest.approx(summary["p95_ms"])
    one = wh.latency_samples(MONTH, route="/api/search")
    assert 0 < len(one) < len(samples) and set(one["route"]) == {"GET /api/search"}


def test_handle_closes(db: Path) -> None:
    with reports.open(db, CONFIG) as handle:
        assert "read-only" in repr(handle)
    assert "closed" in repr(handle)
    with pytest.raises(UsageError, match="closed"):
        handle.sql("SELECT 1")
    handle.close()  # twice is fine


def test_target_line_labels_log_axes() -> None:
    import plotly.graph_objects as go

    fig = go.Figure(go.Scatter(x=[1, 2], y=[10, 1000]))
    fig.update_layout(yaxis_type="log")
    target_line(fig, 100, "target 100 ms")
    assert fig.layout.annotations[0].y == pytest.approx(2.0)
    assert fig.layout.shapes[0].y0 == 100
    linear = target_line(go.Figure(), 0.5, "half")
    assert linear.layout.annotations[0].y == 0.5

