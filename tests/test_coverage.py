"""What is known: the origin grid and counts say what the warehouse holds, an imported report turns its cell
'imported', origins other than today's two are shown in their place, the real-only switch leaves gaps where values
are demo, and a province's published figures come with their quotes."""
from __future__ import annotations

import csv
import shutil

import duckdb
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from conftest import ROOT, scalar
from import_corpus import make_corpus as corpus

from dashboard import coverage, queries
from etl.reports import load

PAGE = "pages/muc_do_day_du.py"
VIEWS = {"budget": "budget_current", "projects": "project_count_current", "staffing": "staffing_current",
         "collaborators": "collaborators_current", "training": "training_current",
         "establishments": "establishments_current"}


def use(db, monkeypatch):
    """Point the dashboard at a warehouse; cached answers describe the previous one."""
    monkeypatch.setenv("KHUYENCONG_DB", str(db))
    st.cache_data.clear()


@pytest.fixture()
def session_db(db_path, monkeypatch):
    use(db_path, monkeypatch)
    return db_path


@pytest.fixture()
def copy_of(db_path, tmp_path):
    """A private copy of the session warehouse and of data/ (a load archives files and recalibrates from it)."""
    data = tmp_path / "data"
    for part in ("reference", "published"):
        shutil.copytree(ROOT / "data" / part, data / part)
    db = tmp_path / "kc.duckdb"
    shutil.copy(db_path, db)
    return db, data


def counts(topic: str, year: int) -> dict[str, int]:
    c = coverage.coverage_counts(topic, year)
    return dict(zip(c["origin"], c["units"]))


def cell(grid: pd.DataFrame, code: str, year: int) -> str:
    return grid[(grid.unit_code == code) & (grid.year == year)]["origin"].item()


# --------------------------------------------------------------------------- the page

@pytest.mark.parametrize("lang,title,demo", [("vi", "Mức độ đầy đủ số liệu", "Minh họa"), ("en", "What is known", "Demo")])
def test_the_page_renders_in_both_languages_with_counts_map_and_grids(session_db, lang, title, demo):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["lang"] = lang
    at.query_params["year"] = "2017"
    at.query_params["coverage_topic"] = "staffing"
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert [x.value for x in at.title] == [title]
    assert len(at.get("plotly_chart")) == 1 and len(at.dataframe) == 3  # the map; the key, the 63- and 34-unit grids
    cards = {m.label: m.value for m in at.metric}
    assert cards[demo] == "63" and len(cards) == 4  # 2017: every province's staffing is demo, none real or missing


def test_the_page_is_in_the_navigation():
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    assert f'("{PAGE}", "page_coverage", ":material/grid_on:", "muc-do-day-du")' in app


# --------------------------------------------------------------------------- grid and counts = the warehouse

@pytest.mark.parametrize("topic", list(VIEWS))
@pytest.mark.parametrize("era", ["63", "34"])
def test_the_grid_counts_what_the_warehouse_holds(session_db, con, topic, era):
    view = VIEWS[topic]
    grid = coverage.coverage_grid(topic, era)
    units = scalar(con, "SELECT count(*) FROM unit WHERE era = ?", [era])
    years = {r[0] for r in con.execute(f"SELECT year FROM year_status WHERE era = ? UNION "
                                       f"SELECT year FROM {view} WHERE era = ?", [era, era]).fetchall()}
    assert len(grid) == units * len(years) and set(grid.year) == years
    demo, held, rows = con.execute(
        f"SELECT count(DISTINCT (unit_code, year)) FILTER (origin LIKE '%demo%'), count(DISTINCT (unit_code, year)), "
        f"count(*) FROM {view} WHERE era = ?", [era]).fetchone()
    assert int(grid.origin.str.contains("demo").sum()) == demo
    assert int((grid.origin != coverage.NONE).sum()) == held
    assert int(grid.rows.sum()) == rows
    for year in sorted(years):  # the map's counts for a year are the grid's column for that year
        in_year = grid[grid.year == year].origin.value_counts()
        assert {k: v for k, v in counts(topic, year).items() if v} == in_year.to_dict()


def test_published_provincial_figures_show_as_published_and_the_years_ahead_are_empty(session_db, con):
    grid63 = coverage.coverage_grid("budget", "63")
    assert set(grid63.year) == set(range(2013, 2025)) and grid63.unit_code.nunique() == 63
    published = {(u, y) for u, y in con.execute("SELECT DISTINCT unit_code, year FROM budget_current "
                                                "WHERE era = '63' AND origin LIKE '%published%'").fetchall()}
    assert published  # provinces whose own figures a source states
    marked = grid63[grid63.origin.str.contains("published")]
    assert set(zip(marked.unit_code, marked.year)) == published
    assert set(grid63.origin) <= {"demo", "published+demo", "published"}
    grid34 = coverage.coverage_grid("collaborators", "34")
    assert set(grid34[grid34.year == 2025].origin) == {"demo"} and grid34.unit_code.nunique() == 34
    ahead = scalar(con, "SELECT max(year) FROM year_status")  # plans are made a year ahead: nothing is held yet
    assert set(grid34[grid34.year == ahead].origin) == {coverage.NONE}
    in_2017 = counts("budget", 2017)
    assert in_2017["imported"] == 0 and in_2017["none"] == 0 and sum(in_2017.values()) == 63


# --------------------------------------------------------------------------- an import moves a cell

def test_an_imported_budget_turns_its_cell_imported_and_moves_the_counts(session_db, copy_of, monkeypatch, tmp_path):
    before = counts("budget", 2023)
    assert before["imported"] == 0 and sum(before.values()) == 63
    db, data = copy_of
    report = corpus.filled(tmp_path / "kinh-phi-2023.xlsx", {"Kinh phí": [
        ["Hòa Bình", 2023, "KCQG", 1000, 900], ["Hòa Bình", 2023, "KCĐP", 2000, 1900],  # both funds: wholly real
        ["Tuyên Quang", 2023, "KCQG", 1400, 1300]]})  # one fund: KCĐP stays demo
    result = load.load_files([report], db, "kiem-thu", data)
    assert result.ok, load.report(result)
    use(db, monkeypatch)
    grid = coverage.coverage_grid("budget", "63")
    assert cell(grid, "17", 2023) == "imported"
    assert cell(grid, "08", 2023) == "imported+demo"
    assert cell(grid, "17", 2022) == "demo"  # the year before is untouched
    after = counts("budget", 2023)
    assert after["imported"] == before["imported"] + 1 and after["imported+demo"] == 1
    assert after["demo"] == before["demo"] - 2 and sum(after.values()) == 63
    in_projects = counts("projects", 2023)  # a budget sheet does not make the đề án real
    assert in_projects["imported"] == 0 and in_projects["demo"] == 62
    assert in_projects["published+demo"] == 1  # Quảng Bình's 3 KCQG đề án of 2023 are published, its KCĐP demo

    # the real-only switch: Hòa Bình's budget stays, the partly demo Tuyên Quang and every demo value become gaps
    shown = coverage.hide_demo(queries.unit_year(2023, "63")).set_index("unit_code")
    assert (shown.loc["17", "kcqg_actual_mvnd"], shown.loc["17", "kcdp_planned_mvnd"]) == (900, 2000)
    assert shown.loc["17", "total_execution_pct"] == pytest.approx(100 * 2800 / 3000)
    assert pd.isna(shown.loc["08", "kcqg_actual_mvnd"]) and pd.isna(shown.loc["01", "kcqg_actual_mvnd"])
    assert shown["staff_total"].isna().all() and shown["collaborators_commune"].isna().all()
    assert shown["total_planned_mvnd_share_nation_pct"].isna().all()  # a share of a partly demo total is not real
    assert not shown["budget_demo"].any() and not shown["any_demo"].any()
    note = coverage.real_only_note("budget", 2023, "vi")
    assert "1/63 đơn vị có số liệu" in note and "62 đơn vị để trống" in note
    assert "1 of 63 units" in coverage.real_only_note("budget", 2023, "en")


# --------------------------------------------------------------------------- any origin, in its place

def test_origins_beyond_today_keep_their_order_colour_and_count(copy_of, monkeypatch):
    db, _ = copy_of
    con = duckdb.connect(str(db))
    try:  # what the warehouse will hold once published figures become fact rows, and an origin nobody knows yet
        con.execute("UPDATE staffing SET origin = 'published' WHERE era = '63' AND year = 2022 AND unit_code = '74'")
        con.execute("UPDATE staffing SET origin = 'demo+published' WHERE era = '63' AND year = 2022 AND unit_code = '75'")
        con.execute("UPDATE staffing SET origin = 'survey' WHERE era = '63' AND year = 2022 AND unit_code = '77'")
    finally:
        con.close()
    use(db, monkeypatch)
    grid = coverage.coverage_grid("staffing", "63")
    assert [cell(grid, c, 2022) for c in ("74", "75", "77")] == ["published", "published+demo", "survey"]
    c = coverage.coverage_counts("staffing", 2022)
    assert c["origin"].tolist() == ["imported", "published", "published+demo", "demo", "survey", "none"]
    assert c["units"].tolist() == [0, 1, 1, 60, 1, 0]
    assert coverage.label("published+demo", "vi") == "công bố + minh họa"
    assert coverage.short("published+demo", "vi") == "CB+MH" and coverage.short("survey", "en") == "survey"
    assert coverage.color("survey") == coverage.OTHER_COLOR
    assert coverage.color("published+demo") not in (coverage.COLORS["published"], coverage.COLORS["demo"])
    assert [coverage.is_real(o) for o in ("imported", "published", "imported+published", "published+demo", "demo",
                                           None, "none")] == [True, True, True, False, False, False, False]


# --------------------------------------------------------------------------- a province's published figures

def _csv_province_rows(code: str) -> dict[str, dict]:
    with open(ROOT / "data" / "published" / "figures.csv", encoding="utf-8") as f:
        return {r["figure_id"]: r for r in csv.DictReader(f) if r["scope"] == "province" and r["scope_key"] == code}


def test_a_provinces_published_figures_come_with_quote_and_source(session_db):
    expected = _csv_province_rows("08")  # Tuyên Quang, 2017: đề án and plans by fund, from ven.vn
    assert "tq17_kcqg_plan" in expected
    figs = coverage.published_figures_for("08", "63").set_index("figure_id")
    assert set(figs.index) == set(expected)
    row = figs.loc["tq17_kcqg_plan"]
    assert row.quote == expected["tq17_kcqg_plan"]["quote"] and row.value_text in row.quote
    assert row.value == 1400 and row.year == 2017 and row.province_name == "Tuyên Quang"
    assert row.source_url.startswith("http://ven.vn/") and row.source_location == row.source_url


def test_a_unit_of_the_34_lists_the_figures_of_every_province_merged_into_it(session_db):
    binh_duong = set(_csv_province_rows("74"))
    assert "bd23_ctv" in binh_duong
    assert binh_duong <= set(coverage.published_figures_for("79", "34").figure_id)  # Bình Dương is now in TP. HCM
    assert set(coverage.published_figures_for("74", "63").figure_id) == binh_duong
    # a figure about a named set of provinces is not about Hà Nội alone
    assert coverage.published_figures_for("01", "63").empty
