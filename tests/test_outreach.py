"""People trained and establishments supported (issue 10): the published figure is what the warehouse holds for that
province and year, with its quote; an imported report overrides it value by value; a bad cell of the new report kind
is refused with its place in both languages and nothing changed; there is no demo, so elsewhere the pages show gaps."""
from __future__ import annotations

import hashlib

import pytest
import streamlit as st

from conftest import run_page, scalar
from import_corpus import make_corpus as corpus
from test_imports import Warehouse, pristine, quiet, wh  # noqa: F401 — fixtures used below

from dashboard import coverage

SHEET = "Đào tạo, hỗ trợ"
TRAINED = "Số người được đào tạo (người)"
VALUE = "SELECT value, origin, source_id FROM outreach_current WHERE era = ? AND unit_code = ? AND year = ? AND measure = ?"


def outreach_file(wh: Warehouse, name: str, *rows) -> object:
    return corpus.filled(wh.files / name, {SHEET: [list(r) for r in rows]})


# --------------------------------------------------------------------------- the published figure in the warehouse

def test_bac_ninh_2019_holds_the_240_people_trained_its_source_states_with_quote_and_link(con):
    row = con.execute("SELECT value, origin, quote, source_url, figure_id FROM mart_unit_outreach "
                      "WHERE era = '63' AND unit_code = '27' AND year = 2019 AND measure = 'people_trained'").fetchone()
    assert row is not None
    value, origin, quote, url, figure_id = row
    assert (value, origin, figure_id) == (240, "published", "pf250")
    assert "240 lao động" in quote and url.startswith("https://") and "bac-ninh" in url
    # the curated row agrees: the value is written in its quote
    assert scalar(con, "SELECT value FROM province_figure WHERE pf_id = 'pf250' AND use = 'fact'") == 240
    assert con.execute("SELECT ok, warehouse_value FROM calibration_check WHERE figure_id = 'pf250'").fetchone() == (
        True, 240.0)


def test_there_is_no_demo_outreach_so_a_province_without_a_source_has_a_gap(con):
    assert scalar(con, "SELECT count(*) FROM outreach WHERE origin = 'demo'") == 0
    assert scalar(con, "SELECT count(*) FROM outreach_current WHERE unit_code = '01'") == 0  # Hà Nội: nothing stated
    # period totals (Thái Bình 2012–2022, Nghệ An 2011–2015, …) are not split into years
    assert scalar(con, "SELECT count(*) FROM outreach_current WHERE unit_code IN ('34', '40')") == 0


# --------------------------------------------------------------------------- imports

def test_an_import_overrides_the_published_figure_and_a_blank_cell_keeps_it(wh):
    r = wh.load(outreach_file(wh, "dao-tao-bac-ninh.xlsx", ["Bắc Ninh", 2019, 315, 12]))
    assert r.ok and r.rows["outreach"] == 1
    assert wh.one(VALUE, ["63", "27", 2019, "people_trained"])[:2] == (315, "imported")
    assert wh.one(VALUE, ["63", "27", 2019, "establishments_supported"])[:2] == (12, "imported")
    assert r.calibration_failed == ["pf250"]  # the published 240 is now contradicted, and the load says so
    assert wh.one("SELECT rows_outreach FROM import_log")[0] == 1
    mart = wh.one("SELECT value, origin, quote FROM mart_unit_outreach WHERE unit_code = '27' AND year = 2019 "
                  "AND measure = 'people_trained'")
    assert mart == (315, "imported", None)  # the pages read the mart: refreshed by the load


def test_an_import_that_states_only_establishments_leaves_the_published_people_trained(wh):
    r = wh.load(outreach_file(wh, "co-so-bac-ninh.xlsx", ["Bắc Ninh", 2019, None, 7]))
    assert r.ok, [str(e) for e in r.errors]
    assert wh.one(VALUE, ["63", "27", 2019, "people_trained"])[:2] == (240, "published")
    assert wh.one(VALUE, ["63", "27", 2019, "establishments_supported"])[:2] == (7, "imported")
    assert r.calibration_failed == []


def test_units_follow_the_reform_63_provinces_until_2024_and_34_units_from_2025(wh):
    r = wh.load(outreach_file(wh, "dao-tao-2024-2025.xlsx", ["Bắc Giang", 2024, 410, 9], ["Bắc Ninh", 2025, 500, 20]))
    assert r.ok, [str(e) for e in r.errors]
    assert wh.one(VALUE, ["63", "24", 2024, "people_trained"])[:2] == (410, "imported")
    assert wh.one("SELECT era, value FROM outreach_current WHERE year = 2025 AND measure = 'people_trained'") == (
        "34", 500)


@pytest.mark.parametrize("cell,vi,en", [
    ("nhiều", "không phải", "not"),
    (-5, "âm", "negative"),
    (12.5, "nguyên", "whole"),
])
def test_a_bad_cell_is_refused_with_file_sheet_row_and_column_in_both_languages(wh, cell, vi, en):
    path = outreach_file(wh, "dao-tao-loi.xlsx", ["Bắc Ninh", 2019, 100, 3], ["Hà Nội", 2019, cell, 4])
    before = wh.state()
    digest = hashlib.sha256(wh.db.read_bytes()).hexdigest()
    r = wh.load(path)
    assert [f.outcome for f in r.files] == ["rejected"]
    said = "\n".join(str(e) for e in r.errors)
    for words in (f"tệp dao-tao-loi.xlsx, trang {SHEET}, dòng 3, cột «{TRAINED}»",
                  f"file dao-tao-loi.xlsx, sheet {SHEET}, row 3, column «{TRAINED}»", vi, en):
        assert words in said, said
    # atomic: the good row above it is not loaded either, and the published figure stands
    assert wh.state() == before and hashlib.sha256(wh.db.read_bytes()).hexdigest() == digest
    assert wh.one(VALUE, ["63", "27", 2019, "people_trained"])[:2] == (240, "published")


def test_a_csv_is_told_apart_by_its_headers():
    from etl.reports.parse import parse
    data = "Tỉnh/thành,Năm,Số lao động được đào tạo,Số cơ sở CNNT được hỗ trợ\nĐiện Biên,2016,1.230,15\n".encode()
    parsed = parse("dao-tao.csv", data)
    assert not parsed.errors, [str(e) for e in parsed.errors]
    row = parsed.tables["outreach"][0]
    assert (row["unit_code"], row["year"], row["people_trained"], row["establishments_supported"]) == ("11", 2016,
                                                                                                      1230, 15)


# --------------------------------------------------------------------------- pages

@pytest.fixture()
def session_db(db_path, monkeypatch):
    monkeypatch.setenv("KHUYENCONG_DB", str(db_path))
    st.cache_data.clear()
    return db_path


def test_the_coverage_grid_has_people_trained_as_a_topic_published_only_where_a_source_states_it(session_db):
    grid = coverage.coverage_grid("training", "63")
    held = grid[grid.origin != coverage.NONE]
    assert list(zip(held.unit_code, held.year, held.origin)) == [("27", 2019, "published")]
    c = coverage.coverage_counts("establishments", 2019).set_index("origin").units
    assert c["none"] == 63 and c["demo"] == 0


def test_the_profile_shows_the_figure_with_its_origin_and_quote(session_db):
    at = run_page("pages/ho_so_tinh.py", unit="27")
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Trích dẫn" in d.value.columns and "Chỉ tiêu" in d.value.columns)
    row = table[table["Chỉ tiêu"] == "Người được đào tạo (người)"].iloc[0]
    assert (row["Năm"], row["Giá trị"], row["Nguồn gốc số liệu"]) == ("2019", "240", "công bố")
    assert "cho 240 lao động" in row["Trích dẫn"] and row["Nguồn (liên kết)"].startswith("https://")


def test_the_profile_of_a_province_without_figures_says_so_rather_than_showing_zero(session_db):
    at = run_page("pages/ho_so_tinh.py", unit="01")
    assert not at.exception
    assert any("Chưa có báo cáo hay nguồn công bố nào nêu số người được đào tạo" in i.value for i in at.info)


def test_the_new_bac_ninh_of_2025_lists_the_figure_of_the_old_province_it_absorbed(session_db):
    from dashboard import queries
    rows = queries.outreach("24", "34")  # the 34-unit Bắc Ninh (code 24) = Bắc Giang + Bắc Ninh
    assert list(zip(rows.era, rows.unit_code, rows.year, rows.value, rows.origin)) == [
        ("63", "27", 2019, 240, "published")]
    assert queries.outreach("24", "63").empty  # the old Bắc Giang: no figure for any one year


def test_the_sources_page_offers_training_figures_among_its_topics(session_db):
    at = run_page("pages/nguon_du_lieu.py")
    assert not at.exception
    options = [[o.content for o in p.proto.options] for p in at.get("button_group")]
    topics = next(o for o in options if "Kinh phí" in o)
    assert "Đào tạo" in topics  # Bắc Ninh 2019's 240 trained and the FACTS training figures can be filtered to
