"""Origins per value, every stated province amount as a published row, disagreements on amounts kept and listed,
per-capita in the 34 units only where honest, and the report's trend marked from what it draws."""
from __future__ import annotations

import csv
import shutil

import duckdb
import pandas as pd
import pytest
import streamlit as st
from conftest import ROOT, run_page

from etl import build, published
from etl.vocabulary import FIRST_YEAR, era_of

PUB = ROOT / "data" / "published"


def _rows(name: str) -> list[dict]:
    with open(PUB / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture()
def session_db(db_path, monkeypatch):
    monkeypatch.setenv("KHUYENCONG_DB", str(db_path))
    st.cache_data.clear()
    return db_path


# ----------------------------------------------------------------------- 1. collaborators and staffing per value

def test_real_only_keeps_ninh_binhs_published_district_collaborators_and_hides_the_demo_commune_count(session_db):
    """«… tại 8 huyện, thành phố …, mỗi huyện bố trí 1 cộng tác viên» (pf063): the district count is published, the
    commune count beside it is the demo's. With real figures only the first is shown, the second is a gap."""
    from dashboard import queries, realonly
    df = queries._unit_year(2016, "63")
    row = df.set_index("unit_code").loc["37"]
    assert (row.collaborators_district, row.collaborators_district_origin) == (8, "published")
    assert row.collaborators_commune_origin == "demo" and row.collaborators_origin == "demo+published"
    shown = realonly.unit_rows(df, queries.amount_origins("63")).set_index("unit_code")
    assert shown.loc["37", "collaborators_district"] == 8
    assert pd.isna(shown.loc["37", "collaborators_commune"]) and pd.isna(shown.loc["37", "collaborators_total"])
    assert pd.isna(shown.loc["37", "communes_covered"]) and pd.isna(shown.loc["37", "commune_coverage_pct"])
    assert shown.loc["37", "collaborators_district_origin"] == "published"
    # every other province's district count is the demo's: hidden
    assert shown.drop(index="37")["collaborators_district"].isna().all()


def test_the_collaborators_page_shows_the_published_district_count_under_real_only(session_db):
    at = run_page("pages/cong_tac_vien.py", year="2016", view="63", real="1")
    assert not at.exception, [e.value for e in at.exception]
    value = next(m.value for m in at.metric if m.label.startswith("CTV cấp huyện"))
    assert value == "8"  # Ninh Bình's published eight, the only real district count of 2016


def test_a_published_staff_count_stays_beside_a_demo_grassroots_count():
    """Staffing is judged per value as collaborators are: a total a source states survives the switch; the
    grassroots count and the share computed from both do not."""
    from dashboard import realonly
    df = pd.DataFrame({"unit_code": ["01"], "year": [2020], "staff_total": [12], "staff_grassroots": [5],
                       "grassroots_share_pct": [41.7], "size_band": ["10–19"], "staffing_origin": ["demo+published"],
                       "staff_total_origin": ["published"], "staff_grassroots_origin": ["demo"]})
    amounts = pd.DataFrame(columns=["unit_code", "year", "kcqg_planned_origin", "kcqg_actual_origin",
                                    "kcdp_planned_origin", "kcdp_actual_origin"])
    out = realonly.unit_rows(df, amounts).iloc[0]
    assert out.staff_total == 12 and out.size_band == "10–19"
    assert pd.isna(out.staff_grassroots) and pd.isna(out.grassroots_share_pct)
    assert out.staffing_origin == "published"


# ----------------------------------------------------------------------- 2. every stated province amount is published

FUNDS = {f"budget.{f}.{s}" for f in ("kcqg", "kcdp") for s in ("planned", "actual")}
with open(ROOT / "data" / "reference" / "reform_2025.csv", encoding="utf-8", newline="") as _fh:
    _ref = {r["province_code"]: r["unit_code"] for r in csv.DictReader(_fh)}


def _stated_amounts() -> list[tuple[str, str, int, str, float]]:
    """(figure id, province, year, measure, value): a province's KCQG or KCĐP plan or actual in one year, written
    exactly, in figures.csv or the curated CSV (use 'fact')."""
    out = []
    for r in _rows("figures.csv"):
        if (r["scope"] == "province" and r["period"] == "year" and r["year"] and r["year"] == r["year_to"]
                and r["measure"] in FUNDS and r["qualifier"] == "exact" and r["calibrate"] != "no"
                and int(r["year"]) >= FIRST_YEAR):
            out.append((r["figure_id"], r["scope_key"], int(r["year"]), r["measure"], float(r["value"])))
    for r in _rows("province_figures.csv"):
        if r["use"] == "fact" and r["measure"] in FUNDS and r["scope"] == "province" and r["year"] == r["year_to"]:
            if era_of(int(r["year"])) == "34" and list(_ref.values()).count(r["scope_key"]) != 1:
                continue  # a merged province's 2025 figure is a part of its unit's
            out.append((r["pf_id"], r["scope_key"], int(r["year"]), r["measure"], float(r["value"])))
    return out


@pytest.mark.parametrize("figure_id,code,year,measure,value", _stated_amounts(), ids=lambda x: str(x))
def test_every_stated_province_amount_is_a_published_row_with_its_quote(con, figure_id, code, year, measure, value):
    _, fund, status = measure.split(".")
    era = era_of(year)
    shown, origin = con.execute(
        f"SELECT {status}_mvnd, {status}_origin FROM budget_current WHERE era = ? AND unit_code = ? AND year = ? "
        "AND fund = ?", [era, code, year, fund]).fetchone()
    assert (float(shown), origin) == (value, "published")
    quote, url = con.execute("SELECT quote, source_url FROM v_published_value WHERE era = ? AND unit_code = ? "
                             "AND year = ? AND metric = ?", [era, code, year, f"{fund}_{status}_mvnd"]).fetchone()
    assert quote and url.startswith("http")


# ----------------------------------------------------------------------- 3. two sources, two amounts: both kept

def _second_tq17_source(stated: pd.DataFrame) -> pd.DataFrame:
    other = stated[stated.figure_id == "tq17_kcqg_plan"].assign(
        figure_id="tq17_kcqg_plan_other", source_id="facts-hoa-binh", value=1500.0,
        quote="Made-up second source: kinh phí khuyến công quốc gia 1,5 tỷ đồng")
    return pd.concat([stated, other], ignore_index=True)


def test_two_sources_stating_different_amounts_are_both_listed_and_neither_chosen():
    curated, _, _ = published.load_province()
    stated, _ = published.load()
    assert published.budget_disagreements(curated, stated).empty  # none in today's sources
    both = _second_tq17_source(stated)
    found = published.budget_disagreements(curated, both)
    assert set(zip(found.figure_id, found.formula, found.stated, found.recomputed)) == {
        ("tq17_kcqg_plan", "tq17_kcqg_plan_other", 1400.0, 1500.0),
        ("tq17_kcqg_plan_other", "tq17_kcqg_plan", 1500.0, 1400.0)}
    assert (found.status == "discrepancy").all()
    ref = {"reform_2025": pd.DataFrame(columns=["province_code", "unit_code"]),
           "unit_2025": pd.DataFrame(columns=["unit_code"])}
    facts = published.published_facts(curated, ref, both)
    tq = facts[(facts.unit_code == "08") & (facts.year == 2017) & (facts.fund == "kcqg")]
    assert tq.empty or tq.planned_mvnd.isna().all()  # never one of them, never their mean


def test_the_build_keeps_both_amounts_and_the_discrepancies_page_lists_them(tmp_path, monkeypatch):
    data = tmp_path / "data"
    for part in ("reference", "published"):
        shutil.copytree(ROOT / "data" / part, data / part)
    path = data / "published" / "figures.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    extra = dict(next(r for r in rows if r["figure_id"] == "tq17_kcqg_plan"))
    extra.update(figure_id="tq17_kcqg_plan_other", source_id="facts-hoa-binh", value="1500",
                 quote="Made-up second source: kinh phí khuyến công quốc gia 1,5 tỷ đồng")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows([*rows, extra])
    db = tmp_path / "kc.duckdb"
    build.build(db, data, log=lambda *_: None)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT figure_id, value FROM published_figure WHERE figure_id LIKE 'tq17_kcqg_plan%' "
                           "ORDER BY 1").fetchall() == [("tq17_kcqg_plan", 1400), ("tq17_kcqg_plan_other", 1500)]
        assert con.execute("SELECT planned_origin FROM budget_current WHERE era = '63' AND unit_code = '08' "
                           "AND year = 2017 AND fund = 'kcqg'").fetchone()[0] == "demo"
    finally:
        con.close()
    monkeypatch.setenv("KHUYENCONG_DB", str(db))
    st.cache_data.clear()
    from dashboard import queries
    checks = queries.source_checks()
    listed = checks[checks.status == "discrepancy"].set_index("figure_id")
    assert listed.loc["tq17_kcqg_plan", "formula"] == "tq17_kcqg_plan_other"
    assert listed.loc["tq17_kcqg_plan_other", "formula"] == "tq17_kcqg_plan"
    at = run_page("pages/mau_thuan.py")
    assert not at.exception, [e.value for e in at.exception]
    assert any("tq17_kcqg_plan_other" in str(m.value) for m in at.markdown)
    st.cache_data.clear()


# ----------------------------------------------------------------------- 4. per-capita in the 34 units

def test_34_unit_population_before_2025_only_where_every_old_province_is_sourced(con):
    rows = con.execute("""
        SELECT r.unit_code, v.year, count(*) AS provinces, count(v.population) AS sourced,
               sum(v.population) AS summed, any_value(w.population) AS shown, any_value(w.kcdp_actual_per_1000),
               any_value(w.kcdp_actual_mvnd)
        FROM reform_2025 r
        JOIN v_unit_year v ON v.era = '63' AND v.unit_code = r.province_code
        JOIN v_unit34_year w ON w.unit_code = r.unit_code AND w.year = v.year
        GROUP BY ALL""").fetchall()
    assert rows
    for unit, year, provinces, sourced, summed, shown, per_1000, kcdp in rows:
        if sourced == provinces:
            assert shown == summed and per_1000 == pytest.approx(float(kcdp) * 1000 / summed), (unit, year)
        else:
            assert shown is None and per_1000 is None, (unit, year)
    # Hải Phòng 2020 = Hải Dương + Hải Phòng, both sourced; Hồ Chí Minh 2020 is a gap though its 2025 count exists
    by = {(u, y): s for u, y, _, _, _, s, _, _ in rows}
    assert by[("31", 2020)] is not None and by[("79", 2020)] is None
    assert con.execute("SELECT population FROM v_unit34_year WHERE unit_code = '79' AND year = 2025").fetchone()[0]


def test_the_34_unit_views_carry_the_honest_per_capita(session_db):
    from dashboard import queries
    year = queries._unit_year(2020, "34").set_index("unit_code")
    assert year.loc["31", "kcdp_actual_per_1000"] == pytest.approx(
        year.loc["31", "kcdp_actual_mvnd"] * 1000 / year.loc["31", "population"])
    assert pd.isna(year.loc["79", "kcdp_actual_per_1000"])
    series = queries._unit_series("31", "34").set_index("year")
    assert series["kcdp_actual_per_1000"].notna().loc[2020]
    hcm = queries._unit_series("79", "34").set_index("year")
    assert pd.isna(hcm.loc[2020, "kcdp_actual_per_1000"]) and hcm["kcdp_actual_per_1000"].notna().loc[2025]


# ----------------------------------------------------------------------- 5. the report's trend chart

def test_the_report_trend_is_marked_from_the_actuals_it_draws(con):
    """Ninh Thuận 2022: both actuals are published, both plans demo. The chart draws actuals only: no mark."""
    from dashboard.report import facts
    assert con.execute("SELECT string_agg(planned_origin || '/' || actual_origin, ' ' ORDER BY fund) FROM "
                       "budget_current WHERE era = '63' AND unit_code = '58' AND year = 2022").fetchone()[0] \
        == "demo/published demo/published"
    trend = con.execute(facts.TREND["63"], [["58"], 2022]).df().set_index("year")
    assert not trend.loc[2022, "demo"] and trend.loc[2021, "demo"]


def test_the_per_capita_note_of_the_34_units_names_the_old_provinces_counts_summed(session_db):
    """A pre-2025 year in the 34 units: the sources listed under the per-capita figures are those of the old
    provinces summed, all of them for each unit with a figure, none for a unit left as a gap."""
    from dashboard import queries
    used = queries.population_used(2020, "34", as_34=True)
    assert {"30", "31"} <= set(used.unit_code)  # Hải Phòng = Hải Dương + Hải Phòng
    assert "79" not in set(used.unit_code)  # Hồ Chí Minh 2020 is a gap: its count is not listed alone
    assert used.source_title.notna().all() and (used.population > 0).all()


def test_the_indicator_marks_each_collaborator_measure_with_its_own_origin(session_db):
    """Map, ranking and table of one measure carry that measure's origin: Ninh Bình 2016's district count is
    published, its commune count demo, the total of both rests on both."""
    from dashboard import queries

    def origin_of(col):
        panel = queries.indicator_panel(col, "63", "collaborators_origin")
        return panel[(panel.unit_code == "37") & (panel.year == 2016)].origin.item()
    assert origin_of("collaborators_district") == "published"
    assert origin_of("collaborators_commune") == "demo"
    assert origin_of("collaborators_total") == "demo+published"
