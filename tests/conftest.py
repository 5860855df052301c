"""Shared fixtures: one warehouse built once per test session from the repository's data/."""
from __future__ import annotations

import ast
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, so that etl and dashboard import

from etl.paths import ROOT  # noqa: E402

SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def db_path(tmp_path_factory) -> Path:
    from etl import build
    path = tmp_path_factory.mktemp("wh") / "khuyencong.duckdb"
    build.build(path, log=lambda *_: None)
    return path


@pytest.fixture()
def con(db_path):
    c = duckdb.connect(str(db_path), read_only=True)
    yield c
    c.close()


def scalar(con, sql: str, params=None):
    return con.execute(sql, params or []).fetchone()[0]


def app_pages() -> list[tuple[str, str, str, str]]:
    """Every page app.py declares — (file, title key, icon, url path) — read from its PAGES without running it."""
    for node in ast.parse((ROOT / "app.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PAGES" for t in node.targets):
            return [page for pages in ast.literal_eval(node.value).values() for page in pages]
    raise AssertionError("app.py has no PAGES")


def run_page(page: str, timeout: int = 180, **params):
    """The app opened on `page` with the given URL query, as Streamlit's AppTest after one run (app.py's navigation
    and chrome included)."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(page)
    at.run()
    return at


# The browser tests: Debian's Chromium driven by Playwright, against the app served on 127.0.0.1.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(script: str = "app.py", cwd: Path = ROOT, db_path: Path | None = None, *options: str):
    """`script` served on a free port of 127.0.0.1 the way `make run` serves app.py (python -m dashboard.serve);
    yields its base URL and stops it afterwards."""
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is required for the browser tests (apt-get install chromium)")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # dashboard.serve from any cwd
    if db_path is not None:
        env["KHUYENCONG_DB"] = str(db_path)
    proc = subprocess.Popen([sys.executable, "-m", "dashboard.serve", "run", script, "--server.address", "127.0.0.1",
                             "--server.port", str(port), "--server.headless", "true",
                             "--browser.gatherUsageStats", "false", *options], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
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
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def server(db_path):
    """The app on the session's warehouse, one server per test module."""
    with streamlit_server(db_path=db_path) as base:
        yield base


@pytest.fixture(scope="module")  # not session: Playwright's sync API holds an event loop that would make any later
def browser():                   # test's asyncio.run() fail (test_deploy's load client)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
