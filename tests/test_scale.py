"""The benchmark's scaled warehouses (`python -m etl build --scale N`): every scale factor builds and agrees with every
published figure, and the build figures docs/performance.md quotes are what the current code builds."""
from __future__ import annotations

import re

import duckdb
import pytest

from conftest import ROOT

PERFORMANCE_MD = ROOT / "docs" / "performance.md"


@pytest.fixture(scope="module")
def inputs():
    from etl import published, reference
    from etl.paths import DATA
    figures, _ = published.load(DATA / "published")
    return reference.load(DATA / "reference"), figures


def test_scaled_build_passes_calibration(tmp_path):
    """A 5× warehouse over 20 years (as `make bench` builds its large size, smaller): the build succeeds, every
    published figure holds in it, and it has about five times the đề án of the embedded one."""
    from etl import build, demo
    path = tmp_path / "scale5.duckdb"
    summary = build.build(path, demo_opts=demo.DemoOptions(project_scale=5, first_year=2006), log=lambda *_: None)
    assert summary["calibration_failed"] == 0
    con = duckdb.connect(str(path), read_only=True)
    try:
        failed = con.execute("SELECT figure_id FROM calibration_check WHERE NOT ok").fetchall()
        assert failed == []
        # "230 industry promotion projects" (KCQG, 2016) holds exactly, whatever the scale
        assert con.execute("SELECT count(*) FROM project WHERE fund = 'kcqg' AND year = 2016").fetchone()[0] == 230
        assert con.execute("SELECT min(year), max(year) FROM budget").fetchone() == (2006, 2025)
        per_year = con.execute("SELECT count(*) / count(DISTINCT year) FROM project").fetchone()[0]
    finally:
        con.close()
    assert per_year > 4 * 16_000 / 13  # five times the embedded build's ~1.250 đề án a year, give or take


@pytest.mark.parametrize("scale", [2, 10])  # 100×: below, with the docs' figures
def test_published_counts_hold_at_every_scale(inputs, scale):
    """The counts a source publishes (230 KCQG đề án in 2016, Quảng Ninh's 16 in 2018, Tuyên Quang's 4 + 8 in 2017)
    are met exactly by the generator at any scale; every funded unit keeps at least one đề án."""
    from etl import demo
    ref, figures = inputs
    projects = demo.generate(ref, figures, demo.DemoOptions(project_scale=scale, first_year=2006))["project"]
    count = projects.groupby(["unit_code", "year", "fund"], observed=True).size()
    assert int(count.xs((2016, "kcqg"), level=("year", "fund")).sum()) == 230
    assert int(count.xs(("22", 2018), level=("unit_code", "year")).sum()) == 16
    assert int(count[("08", 2017, "kcqg")]) == 4 and int(count[("08", 2017, "kcdp")]) == 8
    assert len(projects) > 0.8 * scale * 16_000 * 20 / 13


def _build_table() -> dict[str, dict[str, str]]:
    """The 'ETL build' table of docs/performance.md: size → column → cell."""
    text = PERFORMANCE_MD.read_text(encoding="utf-8")
    section = text.split("## ETL build", 1)[1].split("\n## ", 1)[0]
    lines = [ln for ln in section.splitlines() if ln.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    return {cells[0]: dict(zip(header, cells)) for cells in
            ([c.strip() for c in ln.strip("|").split("|")] for ln in lines[2:])}


def _int(cell: str) -> int:
    return int(re.sub(r"[^\d]", "", cell))


def test_docs_quote_the_current_embedded_build(con):
    """docs/performance.md's row counts for the embedded build are what a clean build gives today."""
    row = _build_table()["embedded"]
    assert _int(row["đề án rows"]) == con.execute("SELECT count(*) FROM project").fetchone()[0]
    assert _int(row["budget rows"]) == con.execute("SELECT count(*) FROM budget").fetchone()[0]
    assert row["years"] == "–".join(map(str, con.execute("SELECT min(year), max(year) FROM budget").fetchone()))


def test_docs_quote_the_current_100x_build():
    """…and for the 100× build the benchmark makes (`--scale 100 --first-year 2006`): the rows the build would store
    (demo and published), gathered as the build does, without writing a warehouse."""
    from etl import build, demo
    from etl.paths import DATA
    facts = build.gather(DATA, demo.DemoOptions(project_scale=100, first_year=2006))["facts"]
    row = _build_table()["100×"]
    assert int((facts["project"].query("year == 2016 and fund == 'kcqg'")).shape[0]) == 230
    assert _int(row["đề án rows"]) == len(facts["project"])
    assert _int(row["budget rows"]) == len(facts["budget"])
    assert row["years"] == f"{facts['budget'].year.min()}–{facts['budget'].year.max()}"
