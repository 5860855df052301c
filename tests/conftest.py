"""Shared fixtures: one warehouse built once per test session from the repository's data/."""
from __future__ import annotations

import ast
import sys
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
