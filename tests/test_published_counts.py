"""A province's own đề án count and district collaborators for a year, as a source writes them, are what the
warehouse and the dashboard show for that province and year, with origin `published`, the quote and URL one join
away; an imported report replaces them; the demo beneath agrees with them and with every national figure."""
from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest
import streamlit as st

from conftest import ROOT, scalar
from import_corpus import make_corpus as corpus

from dashboard import coverage, queries
from etl.reports import load


def use(db, monkeypatch):
    monkeypatch.setenv("KHUYENCONG_DB", str(db))
    st.cache_data.clear()


@pytest.fixture()
def session_db(db_path, monkeypatch):
    use(db_path, monkeypatch)
    return db_path


def _curated(pf_id: str) -> dict:
    rows = pd.read_csv(ROOT / "data/published/province_figures.csv", dtype=str, keep_default_na=False)
    return rows.set_index("pf_id").loc[pf_id].to_dict()


# Real rows of PROVINCE_FIGURES.csv: (pf_id, province code, year, what the dashboard shows, its origin)
CASES = [
    ("pf092", "52", 2021, 33, "published"),  # Bình Định 2021: 33 đề án in all (25 of them KCĐP, pf093)
    ("pf113", "22", 2017, 14, "published"),  # Quảng Ninh 2017: 12 KCĐP (pf113) + 2 KCQG (pf114) đề án
    ("pf046", "24", 2016, None, "demo+published"),  # Bắc Giang 2016: 3 KCQG đề án; its KCĐP count is not stated
]


@pytest.mark.parametrize("pf_id, code, year, shown, origin", CASES)
def test_a_published_count_is_what_the_warehouse_holds_with_origin_published(con, pf_id, code, year, shown, origin):
    row = _curated(pf_id)
    assert row["use"] == "fact" and row["value_text"] in row["quote"]
    projects, project_origin = con.execute("SELECT projects, project_origin FROM v_unit_year WHERE era = '63' "
                                           "AND unit_code = ? AND year = ?", [code, year]).fetchone()
    assert project_origin == origin
    if shown is not None:
        assert projects == shown
    # the figure behind the count leads to its quote and URL
    fig_ids, = con.execute("SELECT figure_id FROM project_count_current WHERE era = '63' AND unit_code = ? "
                           "AND year = ?", [code, year]).fetchone()
    assert pf_id in fig_ids.split()
    quote, url = con.execute("SELECT quote, url FROM province_figure WHERE pf_id = ?", [pf_id]).fetchone()
    assert quote == row["quote"] and url == row["url"] and url.startswith("http")
    stated = con.execute("SELECT projects FROM project_count WHERE figure_id = ?", [pf_id]).fetchone()[0]
    assert stated == float(row["value"])


def test_ninh_binh_2016_district_collaborators_are_the_published_eight(con):
    """«mạng lưới cộng tác viên khuyến công … tại 8 huyện, thành phố …, mỗi huyện bố trí 1 cộng tác viên»."""
    assert _curated("pf063")["use"] == "fact"
    n, col_origin, origin = con.execute(
        "SELECT collaborators_district, collaborators_district_origin, origin FROM collaborators_current "
        "WHERE era = '63' AND unit_code = '37' AND year = 2016").fetchone()
    assert (n, col_origin, origin) == (8, "published", "demo+published")
    # a network a source saw does not vanish from the demo the next year
    assert scalar(con, "SELECT collaborators_district FROM collaborators_current WHERE era = '63' "
                       "AND unit_code = '37' AND year = 2017") >= 8


def test_tables_grid_and_profile_show_the_published_count(session_db):
    table = queries.unit_year(2021, "63").set_index("unit_code")
    assert table.loc["52", "projects"] == 33 and table.loc["52", "project_origin"] == "published"
    grid = coverage.coverage_grid("projects", "63")
    cell = grid[(grid.unit_code == "52") & (grid.year == 2021)].origin.item()
    assert cell == "published"
    own = coverage.published_figures_for("52", "63").set_index("figure_id")
    assert own.loc["pf092", "value"] == 33 and own.loc["pf092", "source_url"] == _curated("pf092")["url"]
    assert bool(own.loc["pf092", "agrees"])


def test_period_totals_and_partial_years_are_never_one_years_figure():
    rows = pd.read_csv(ROOT / "data/published/province_figures.csv", dtype=str, keep_default_na=False)
    counts = rows[rows.measure.str.startswith("projects.count") | (rows.measure == "collab.district_people")]
    spans = counts[counts.period != "year"]
    assert len(spans) > 20 and (spans.use != "fact").all()
    assert spans["flags"].str.contains("period_total").all()  # the curated row says so
    # Đồng Nai's 20 collaborators of phase 1 (2020–2021) is a headcount, not a sum over two years
    assert _curated("pf303")["use"] == "no"


def test_the_demo_beneath_agrees_and_national_sums_hold(con):
    """The published counts replace the demo's only where they are equal: each year's national đề án is the same
    whether summed over what the dashboard shows or over the demo's đề án, and every national figure still holds."""
    shown = dict(con.execute("SELECT year, sum(projects) FROM v_unit_year GROUP BY year").fetchall())
    held = dict(con.execute("SELECT year, count(*) FROM project_current GROUP BY year").fetchall())
    assert shown == held
    checks = con.execute("SELECT figure_id, warehouse_value, ok FROM calibration_check WHERE figure_id IN "
                         "('n16_kcqg_projects', 'n24_kcqg_projects', 'n22_ctv_districts', 'pf092', 'pf063')").fetchall()
    assert {f: ok for f, _, ok in checks} == dict.fromkeys(
        ["n16_kcqg_projects", "n24_kcqg_projects", "n22_ctv_districts", "pf092", "pf063"], True)
    assert dict((f, v) for f, v, _ in checks)["n16_kcqg_projects"] == 230
    from etl import calibration
    assert calibration.demo_contradictions(con).empty


def test_an_import_overrides_the_published_count(db_path, tmp_path, monkeypatch):
    data = tmp_path / "data"
    for part in ("reference", "published"):
        shutil.copytree(ROOT / "data" / part, data / part)
    db = tmp_path / "kc.duckdb"
    shutil.copy(db_path, db)
    report = corpus.filled(tmp_path / "quang-ninh-2017.xlsx", {
        "Đề án": [["QN-1", "Quảng Ninh", 2017, "KCQG", "Đào tạo nghề", "Đào tạo nghề", 300, 280],
                  ["QN-2", "Quảng Ninh", 2017, "KCĐP", "Đào tạo nghề", "Tập huấn", 100, 90]],
        "Cộng tác viên": [["Ninh Bình", 2016, 8, 9, 0, 0, None, None]]})
    result = load.load_files([report], db, "kiem-thu", data)
    assert result.ok, load.report(result)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT projects, project_origin FROM v_unit_year WHERE era = '63' AND unit_code = '22' "
                           "AND year = 2017").fetchone() == (2, "imported")
        assert con.execute("SELECT collaborators_district, collaborators_district_origin FROM collaborators_current "
                           "WHERE era = '63' AND unit_code = '37' AND year = 2016").fetchone() == (9, "imported")
        # the published figures stay where they were, beside the import that replaced them on screen
        assert scalar(con, "SELECT count(*) FROM project_count WHERE figure_id IN ('pf113', 'pf114')") == 2
        # another province's published count is untouched
        assert con.execute("SELECT projects, project_origin FROM v_unit_year WHERE era = '63' AND unit_code = '52' "
                           "AND year = 2021").fetchone() == (33, "published")
    finally:
        con.close()


def test_two_sources_disagreeing_on_a_count_are_both_kept_and_listed():
    from etl import published
    curated, _, _ = published.load_province()
    stated, _ = published.load()
    assert published.count_disagreements(curated, stated).empty  # none in today's sources
    other = curated[curated.pf_id == "pf092"].assign(pf_id="pfX92", value=35.0, url="https://example.org/x",
                                                     source_id="pf-other")
    both = pd.concat([curated, other], ignore_index=True)
    found = published.count_disagreements(both, stated)
    assert set(zip(found.figure_id, found.formula, found.stated, found.recomputed)) == {
        ("pf092", "pfX92", 33.0, 35.0), ("pfX92", "pf092", 35.0, 33.0)}
    assert (found.status == "discrepancy").all()
    ref = {"reform_2025": pd.DataFrame(columns=["province_code", "unit_code"]),
           "unit_2025": pd.DataFrame(columns=["unit_code"])}
    counts, _ = published.published_counts(both, stated, ref)
    assert not ((counts.unit_code == "52") & (counts.year == 2021) & (counts.fund == "all")).any()  # never averaged


def test_the_build_fails_when_a_demo_value_contradicts_a_published_one(tmp_path, monkeypatch):
    """The demo's own value beneath a published one must agree, although the screen shows the published value."""
    from etl import build, demo
    from etl.errors import BuildError
    real = demo.generate

    def wrong(*args, **kwargs):
        facts = real(*args, **kwargs)
        c = facts["collaborators"]
        c.loc[(c.unit_code == "37") & (c.year == 2016), "collaborators_district"] = 5
        return facts

    monkeypatch.setattr(demo, "generate", wrong)
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.duckdb", "imports", "geo"))
    with pytest.raises(BuildError) as err:
        build.build(tmp_path / "kc.duckdb", data_dir=data, log=lambda *_: None)
    assert "pf063" in str(err.value) and "collab.district_people" in str(err.value)
    assert not (tmp_path / "kc.duckdb").exists()


def test_every_fact_row_is_shown_with_its_quote_and_link(con):
    """Every curated 'fact' row the dashboard shows as a value has one row in v_published_value with its quote and
    URL; the few that are not shown are a fund's count under a published total of both funds."""
    facts = dict(con.execute("SELECT pf_id, measure FROM province_figure WHERE use = 'fact' AND year < 2025").fetchall())
    shown = dict(con.execute("SELECT figure_id, quote FROM v_published_value").fetchall())
    hidden = {f for f in facts if f not in shown}
    under_total = {f for f, in con.execute("""
        SELECT c.figure_id FROM project_count c JOIN project_count a ON a.fund = 'all'
            AND (a.era, a.unit_code, a.year) = (c.era, c.unit_code, c.year) WHERE c.fund <> 'all'""").fetchall()}
    assert hidden == under_total and hidden == {"pf093"}  # Bình Định's 25 KCĐP of its 33 đề án in 2021
    url = scalar(con, "SELECT source_url FROM v_published_value WHERE figure_id = 'pf063'")
    assert url == _curated("pf063")["url"]


def test_the_profile_table_links_each_published_value_to_its_source(session_db):
    from conftest import run_page
    from dashboard import profile
    series = queries.unit_series("52", "63")
    table, numbers, raw = profile.series_table(series, "vi")
    links = dict(zip(table["year"], table["Nguồn (liên kết)"]))
    assert "(pf092)" in links[2021] and _curated("pf092")["url"] in links[2021] and "Số đề án: 33" in links[2021]
    assert "project_origin" in raw and table.loc[table.year == 2021, "project_origin"].item() == "published"
    at = run_page("pages/ho_so_tinh.py", unit="52", era="63")
    assert not at.exception


def test_a_period_total_of_đề_án_is_a_calibration_target_not_a_years_figure(con):
    """Quảng Bình ran 152 KCĐP and 17 KCQG đề án in 2016–2020: the demo's đề án of those years add up to exactly
    that, and no year of the span shows the total as its own published figure."""
    for pf_id, fund, stated in (("pf170", "kcdp", 152), ("pf171", "kcqg", 17)):
        row = _curated(pf_id)
        assert row["use"] == "target" and "period_total" in row["flags"]
        assert scalar(con, "SELECT count(*) FROM project_current WHERE era = '63' AND unit_code = '44' "
                           "AND year BETWEEN 2016 AND 2020 AND fund = ?", [fund]) == stated
        assert scalar(con, "SELECT ok FROM calibration_check WHERE figure_id = ?", [pf_id]) is True
    origins = {o for o, in con.execute("SELECT project_origin FROM v_unit_year WHERE era = '63' AND unit_code = '44' "
                                       "AND year BETWEEN 2016 AND 2020").fetchall()}
    assert origins == {"demo"}
