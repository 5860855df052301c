"""`make run` on a fresh machine: it says what it is doing, its port is documented, and the build's count of the
sources' own contradictions does not read like an error."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from conftest import ROOT


@pytest.fixture()
def make_n(tmp_path):
    """`make -n run` in a copy of the Makefile beside an empty .venv: what a first `make run` would do."""
    if not shutil.which("make"):
        pytest.fail("make is required (apt-get install make)")
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    shutil.copy(ROOT / "requirements.txt", tmp_path / "requirements.txt")
    return lambda *args: subprocess.run(["make", "-n", "run", *args], cwd=tmp_path, capture_output=True,
                                        text=True, check=True).stdout


def test_a_first_make_run_announces_each_step_in_order(make_n):
    out = make_n()
    steps = ["Creating the Python environment", "Installing Python packages, a few minutes the first time",
             "Building the warehouse", "python -m dashboard.tools", "Starting the app at http://127.0.0.1:8501"]
    where = [out.find(s) for s in steps]
    assert -1 not in where and where == sorted(where), out
    assert "Tạo môi trường Python" in out and "Cài các gói Python" in out and "Dựng kho dữ liệu" in out


def test_port_is_honoured_and_documented(make_n):
    out = make_n("PORT=8633")
    assert "--server.port 8633" in out and "http://127.0.0.1:8633" in out
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"make run PORT=\d+", readme)


def test_the_build_calls_source_discrepancies_what_they_are(tmp_path):
    from etl import build
    lines: list[str] = []
    build.build(tmp_path / "kc.duckdb", log=lines.append)
    text = "\n".join(lines)
    assert "discrepancies:" not in text
    assert re.search(r"\d+ mâu thuẫn giữa các nguồn đã ghi nhận / \d+ disagreements between sources recorded", text)
    assert "python -m etl check" in text
