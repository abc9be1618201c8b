"""The app in a real browser: ``streamlit run app.py`` on a free port, Debian's Chromium via Playwright.

The server runs against the fixture warehouse of ``test_app.py`` with logins configured through a
temporary ``secrets.toml`` (``--secrets.files``, so a developer's own secrets are never read) and a
temporary ``HOME``. The tests log in, visit every page through the sidebar navigation, check that
no page shows an exception or an error, and save a screenshot of each page under the test's temp
folder (set ``APP_SHOTS_DIR`` to keep full-length copies elsewhere). The server is stopped at the end.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import bcrypt
import pytest

from tests.test_app import CONFIG, PAGE_TITLES, PAGES, PASSWORDS, ROOT, build_warehouse

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
EN_TITLES = {"overview": "Overview", "uptime": "Uptime & incidents", "latency": "Latency", "errors": "Errors",
             "vitals": "Web Vitals", "deployments": "Deployments", "audit": "Audit log", "reports": "Reports",
             "data": "Data"}

playwright_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's Chromium is not installed (apt-get install chromium)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_secrets(path: Path) -> None:
    lines = []
    for name, (role, password) in PASSWORDS.items():
        hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()
        lines += [f"[auth.users.{name}]", f'password_hash = "{hashed}"', f'role = "{role}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = build_warehouse(tmp_path_factory.getbasetemp() / "app-warehouse")
    work = tmp_path_factory.mktemp("browser")
    secrets = work / "secrets.toml"
    write_secrets(secrets)
    (work / "home").mkdir()
    port = free_port()
    env = {**os.environ, "HOME": str(work / "home"), "REPORTS_DB": str(db), "REPORTS_CONFIG": str(CONFIG)}
    log = (work / "server.log").open("wb")
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", "--secrets.files", str(secrets)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start: {(work / 'server.log').read_text()[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()
    assert process.returncode is not None


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("shots")
    yield folder
    keep = os.environ.get("APP_SHOTS_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for png in folder.glob("*.png"):
            shutil.copy(png, Path(keep) / png.name)


def run_number(page: object) -> int:
    """The number of the last finished script run (the app draws a marker with it last)."""
    value = page.evaluate(
        "() => { const m = document.querySelector('span.reports-run-done'); return m ? Number(m.dataset.run) : 0; }")
    return int(value or 0)


def wait_for_run(page: object, after: int, timeout_s: float = 120) -> None:
    """Wait until a run later than ``after`` has finished and every plotly chart is drawn."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if run_number(page) > after and page.evaluate(
                "() => Array.from(document.querySelectorAll('[data-testid=\"stPlotlyChart\"]'))"
                ".every(c => c.querySelector('.main-svg'))"):
            return
        time.sleep(0.2)
    raise AssertionError(f"no script run after #{after} finished within {timeout_s:.0f} s")


def assert_no_errors(page: object, where: str) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, f"{where}: {exceptions.all_inner_texts()}"
    errors = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    assert not errors, f"{where}: {errors}"


def screenshot(page: object, path: Path) -> None:
    """The viewport; with ``APP_SHOTS_DIR`` set, the whole scrolling main area (slower: it grows the viewport)."""
    if not os.environ.get("APP_SHOTS_DIR"):
        page.screenshot(path=str(path))
        return
    height = page.evaluate(
        "() => Math.max(...Array.from(document.querySelectorAll('[data-testid=\"stMain\"] *')).map(e => e.scrollHeight))")
    page.set_viewport_size({"width": 1440, "height": min(max(int(height), 900), 8000)})
    time.sleep(0.3)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1440, "height": 900})


def log_in(page: object, name: str, password: str) -> None:
    page.get_by_label("User name", exact=True).fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


@contextlib.contextmanager
def logged_in(browser: object, server: str, name: str, path: str = "/?month=2026-10&lang=en",
              title: str = "Overview") -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{server}{path}")
        log_in(page, name, PASSWORDS[name][1])
        wait_for_run(page, 0)
        page.get_by_role("heading", name=title, level=1).wait_for(timeout=10_000)
        yield page
    finally:
        context.close()


def go_to(page: object, slug: str) -> None:
    before = run_number(page)
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=EN_TITLES[slug], exact=True).click()
    wait_for_run(page, before)
    page.get_by_role("heading", name=EN_TITLES[slug], level=1).wait_for(timeout=10_000)


def test_admin_logs_in_and_every_page_renders(server: str, browser: object, shots: Path) -> None:
    assert set(PAGES) == set(PAGE_TITLES) == set(EN_TITLES)
    with logged_in(browser, server, "ada") as page:
        assert "month=2026-10" in page.url and "lang=en" in page.url
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        assert "Signed in as ada" in sidebar and "admin" in sidebar
        for slug in PAGES:
            if slug != "overview":
                go_to(page, slug)
            assert_no_errors(page, slug)
            assert f"/{'' if slug == 'overview' else slug}" in page.url
            assert "month=2026-10" in page.url, "the view stays in the URL across pages"
            screenshot(page, shots / f"admin-{slug}.png")
        uploader = page.locator('[data-testid="stFileUploader"]')
        uploader.first.wait_for(timeout=10_000)  # the browser may draw it after the run's marker
        assert uploader.count() == 1
    assert len(list(shots.glob("admin-*.png"))) == len(PAGES)


def test_viewer_sees_aggregates_only(server: str, browser: object, shots: Path) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{server}/audit?month=2026-10&lang=en")  # a deep link, before logging in
        log_in(page, "vera", "not-her-password")
        page.get_by_text("The user name or password is not correct.").wait_for(timeout=60_000)
        assert page.locator('[data-testid="stMetric"]').count() == 0
        log_in(page, "vera", PASSWORDS["vera"][1])
        wait_for_run(page, 0)
        page.get_by_role("heading", name="Audit log", level=1).wait_for(timeout=10_000)
        assert_no_errors(page, "audit")
        assert "month=2026-10" in page.url
        text = page.locator('[data-testid="stMain"]').inner_text()
        assert "Security events" in text and "Raw security entries" not in text
        assert "Raw entries and IP addresses are for admins only." in text
        go_to(page, "data")
        assert_no_errors(page, "data")
        assert page.locator('[data-testid="stFileUploader"]').count() == 0
        assert "Only admins can upload files." in page.locator('[data-testid="stMain"]').inner_text()
        go_to(page, "reports")
        assert "for managers and admins" in page.locator('[data-testid="stMain"]').inner_text()
        screenshot(page, shots / "viewer-reports.png")
    finally:
        context.close()
