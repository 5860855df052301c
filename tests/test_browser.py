"""A real browser: Debian's Chromium, driven by Playwright, against `streamlit run` on 127.0.0.1.

Every page loads, its plotly charts render, no Streamlit error box appears; a screenshot per page is saved in
tests/artifacts/ for a human to look at.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
PAGES = ["", "kinh-phi", "nhan-luc", "cong-tac-vien", "so-sanh", "ho-so-tinh?unit=48", "nguon-du-lieu"]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(db_path):
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is required for the browser test (apt-get install chromium)")
    port = _free_port()
    env = {**os.environ, "KHUYENCONG_DB": str(db_path)}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
                             "--server.port", str(port), "--server.headless", "true"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("streamlit did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])
    yield base
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _settle(page) -> None:
    page.wait_for_selector("[data-testid=stAppViewContainer]", timeout=60_000)
    page.wait_for_selector("h1", timeout=60_000)
    for _ in range(120):  # Streamlit shows a running indicator until the script finishes
        if page.locator("[data-testid=stStatusWidget]").count() == 0:
            break
        time.sleep(0.5)
    time.sleep(1.5)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_page_renders_in_chromium(server, browser, path, lang):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    try:
        sep = "&" if "?" in path else "?"
        page.goto(f"{server}/{path}{sep}lang={lang}" if lang == "en" else f"{server}/{path}")
        _settle(page)
        if path.startswith("nguon-du-lieu"):  # the sources page is tables, not charts
            page.wait_for_selector("[data-testid=stDataFrame]", timeout=60_000)
        else:
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
            assert page.locator(".js-plotly-plot").count() >= 1
        assert page.locator("[data-testid=stException]").count() == 0
        assert page.locator("text=Page not found").count() == 0
        title = page.locator("h1").first.inner_text()
        assert title.strip()
        name = (path.split("?")[0] or "tong-quan") + f"-{lang}"
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    finally:
        page.close()


def test_map_draws_provinces_and_archipelagos(server, browser):
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    try:
        page.goto(f"{server}/kinh-phi?year=2024&view=63")
        _settle(page)
        page.wait_for_selector(".js-plotly-plot .choroplethlayer path", timeout=60_000)
        # 63 provinces + Hoàng Sa + Trường Sa, each a path of the choropleth layer
        assert page.locator(".js-plotly-plot .choroplethlayer .choroplethlocation").count() >= 65
        assert page.locator("text=Hoàng Sa").count() >= 1 and page.locator("text=Trường Sa").count() >= 1
    finally:
        page.close()
