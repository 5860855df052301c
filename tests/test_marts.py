"""The marts: the views the pages read, stored by every build and every load (etl/marts.py). A page that reads a
mart must show what the view would: after a build, and after a load changed the facts underneath."""
from __future__ import annotations

import io
import re
import shutil
import tokenize

import duckdb
import pytest

from conftest import ROOT
from import_corpus import make_corpus as corpus

from dashboard import queries
from etl.marts import MARTS
from etl.reports import load

HOA_BINH = "17"  # province_code of Hòa Bình (63 provinces), the unit tests/import_corpus's good template reports


def differences(con, mart: str, view: str) -> tuple[int, int, int]:
    """(rows in the mart, rows only in the mart, rows only in the view), duplicates counted."""
    n = con.execute(f"SELECT count(*) FROM {mart}").fetchone()[0]  # noqa: S608 — fixed names
    only_mart = con.execute(f"SELECT count(*) FROM (FROM {mart} EXCEPT ALL FROM {view})").fetchone()[0]  # noqa: S608
    only_view = con.execute(f"SELECT count(*) FROM (FROM {view} EXCEPT ALL FROM {mart})").fetchone()[0]  # noqa: S608
    return n, only_mart, only_view


def columns(con, name: str) -> list[tuple]:
    return con.execute("SELECT column_name, data_type, comment FROM duckdb_columns() WHERE table_name = ? "
                       "AND schema_name = 'main' ORDER BY column_index", [name]).fetchall()


@pytest.mark.parametrize("mart,view", MARTS.items())
def test_after_a_build_each_mart_holds_exactly_its_views_rows_columns_and_comments(con, mart, view):
    n, only_mart, only_view = differences(con, mart, view)
    assert n > 0 and (only_mart, only_view) == (0, 0)
    # the data dictionary page lists the mart with the same words as its view: one definition, written once
    assert columns(con, mart) == columns(con, view)
    assert all(comment for _, _, comment in columns(con, mart))
    table_comment = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = ?", [mart]).fetchone()[0]
    assert view in table_comment and "etl/marts.py" in table_comment


def test_a_load_refills_the_marts_so_the_pages_show_the_loaded_report(tmp_path, db_path):
    data = tmp_path / "data"
    for part in ("reference", "published"):
        shutil.copytree(ROOT / "data" / part, data / part)
    db = tmp_path / "kc.duckdb"
    shutil.copy(db_path, db)
    files = tmp_path / "files"
    files.mkdir()
    before = duckdb.connect(str(db), read_only=True)
    try:
        old = before.execute(queries.UNIT_SERIES, ["63", HOA_BINH]).df().set_index("year").loc[2023]
    finally:
        before.close()
    assert old.staffing_origin != "imported"  # otherwise the load below would prove nothing
    result = load.load_files([corpus.good_template(files)], db, "kiem-thu", data)
    assert result.ok and result.db_changed, load.report(result)
    con = duckdb.connect(str(db), read_only=True)
    try:
        for mart, view in MARTS.items():
            assert differences(con, mart, view)[1:] == (0, 0), mart
        # what the Province profile reads for Hòa Bình in 2023: the imported KCQG plan and spending (1,25 tỷ and
        # 1.180.000 nghìn đồng in the file = 1.250 and 1.180 triệu đồng) and the imported staffing (14, 6)
        row = con.execute(queries.UNIT_SERIES, ["63", HOA_BINH]).df().set_index("year").loc[2023]
        assert row[["kcqg_planned_mvnd", "kcqg_actual_mvnd", "staff_total", "staff_grassroots"]].tolist() == \
            [1250, 1180, 14, 6]
        assert (row.budget_origin, row.staffing_origin) == ("demo+imported", "imported")
        # the year's map and table (every unit of the year) and the Compare page's peer series carry it too
        year = con.execute(queries.UNIT_YEAR_SAME_ERA, [2023, "63"]).df().set_index("unit_code")
        assert year.loc[HOA_BINH, "kcqg_planned_mvnd"] == 1250
        peer = con.execute(queries.PEER_SERIES["63"], ["vung", [HOA_BINH]]).df()
        assert peer.query("year == 2023 and metric == 'kcqg_planned_mvnd'").value.tolist() == [1250]
        # the profile's "where these figures come from" and the data page's rows in use count the imported rows
        facts = con.execute(queries.FACT_SOURCES, ["63", HOA_BINH]).df()
        assert set(facts.query("origin == 'imported'").fact) >= {"budget", "staffing"}
        in_use = con.execute(queries.ORIGIN_IN_USE).df().set_index(["table_name", "origin"])["rows"]
        assert in_use.loc[("staffing", "imported")] == 1
        # the programme page's years and period totals are those of the loaded warehouse, today's date applied
        assert con.execute(queries.YEAR_STATUS_VIEW).df().equals(con.execute("FROM year_status ORDER BY year").df())
    finally:
        con.close()


def _sql_literals(source: str) -> list[str]:
    """Every string literal of a module (f-strings included), none of its comments."""
    out, parts = [], []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.STRING:
            out.append(tok.string)
        elif tok.type == getattr(tokenize, "FSTRING_MIDDLE", -1):  # Python ≥ 3.12 splits f-strings
            parts.append(tok.string)
    return out + parts


def test_page_sql_reads_the_marts_not_the_views_recomputed_on_every_call():
    """A page query over v_unit_year & co. recomputes their joins and unpivots on every call; a mart is a filtered
    read. Views that are not materialised (v_unit_metric, the other *_current views, …) may stay."""
    source = (ROOT / "dashboard" / "queries.py").read_text(encoding="utf-8")
    slow = re.compile(r"\b(" + "|".join(MARTS.values()) + r")\b")
    offenders = sorted({m.group(1) for s in _sql_literals(source) for m in slow.finditer(s)})
    assert offenders == []
    assert all(re.search(rf"\b{mart}\b", source) for mart in MARTS)  # and it does read every mart


# Each page query that used to recompute a view on every call, and the mart it reads now.
PAGE_MARTS = {
    "PEER_SERIES": ["mart_unit_peer"], "PERIOD_PROGRESS": ["mart_period_progress"],
    "AGENCY_YEARS": ["mart_agency_year", "mart_year_budget"], "YEAR_STATUS_VIEW": ["mart_year_budget"],
    "PERIOD_TOTALS": ["mart_period_totals"], "CATEGORY_SHARES": ["mart_project_mix"], "PROJECT_MIX": ["mart_project_mix"],
    "FACT_SOURCES": ["mart_fact_rows"], "ORIGIN_IN_USE": ["mart_fact_rows"], "DECK_ORIGINS": ["mart_fact_rows"],
    "AMOUNT_ORIGINS": ["mart_budget_current"], "AMOUNT_ORIGINS_AS_34": ["mart_amount_origin34"],
    "DECK_AREA_TOTALS": ["mart_group_year"], "DECK_NATION_TOTALS": ["mart_nation_year"],
}


@pytest.mark.parametrize("name,marts", PAGE_MARTS.items())
def test_the_compare_programme_and_origin_queries_are_filtered_reads_of_marts(name, marts):
    sql = getattr(queries, name)
    for text in (sql.values() if isinstance(sql, dict) else [sql]):
        assert all(re.search(rf"\b{m}\b", text) for m in marts)
        slow = (r"\b(v_unit_year|v_unit34_year|v_period_\w+|v_agency_year|year_status"
                r"|(budget|project|staffing|collaborators)_current)\b")
        assert not re.search(slow, text.replace("year_status_from", "")), name


def test_the_peer_mart_ranks_every_unit_among_all_units_of_its_view(con):
    """What the Compare page shows for Hòa Bình in 2020: its rank among the 63 on KCQG planned funds, and its vùng's
    figure per unit, recomputed here from the unit table without the mart's SQL."""
    # one stored table for every choice the page offers: both sets of units, both groupings
    assert sorted(con.execute("SELECT DISTINCT peer_view, grouping_id FROM mart_unit_peer").fetchall()) == [
        ("34", "kc_area"), ("34", "vung"), ("63", "kc_area"), ("63", "vung")]
    units = con.execute("SELECT unit_code, vung_id, kc_area_id, kcqg_planned_mvnd::DOUBLE AS v FROM mart_unit_year "
                        "WHERE era = '63' AND year = 2020 AND kcqg_planned_mvnd IS NOT NULL").df()
    mine = units.set_index("unit_code").loc[HOA_BINH]
    for grouping in ("vung", "kc_area"):
        row = con.execute(queries.PEER_SERIES["63"], [grouping, [HOA_BINH]]).df().query(
            "year == 2020 and metric == 'kcqg_planned_mvnd'").iloc[0]
        region = units[units[f"{grouping}_id"] == mine[f"{grouping}_id"]]
        assert row.rank_nation == 1 + (units.v > mine.v).sum() and row.units_nation == len(units) == 63
        assert row.rank_region == 1 + (region.v > mine.v).sum() and row.units_region == len(region)
        assert row.region_value == pytest.approx(region.v.mean()) and row.nation_value == pytest.approx(units.v.mean())
    # the 34 units in a pre-reform year: their member provinces summed, ranked among the 34
    peer34 = con.execute(queries.PEER_SERIES["34"], ["vung", ["01"]]).df().query("year == 2020")
    assert set(peer34.units_nation) == {34}


def test_programme_years_over_the_mart_still_turn_with_todays_date(con):
    """year_status says whether a year has ended by the date of the query; the stored copy holds only what does not
    change with the date, and the page's query is the view's own definition applied to it."""
    stored = {c for c, _, _ in columns(con, "mart_year_budget")}
    assert "year_ended" not in stored and "status" not in stored
    page = con.execute(queries.YEAR_STATUS_VIEW).df()
    assert page.equals(con.execute("FROM year_status ORDER BY year").df())
    assert page.year.max() >= con.execute("SELECT year(current_date) + 1").fetchone()[0]


def test_the_deck_area_is_its_group_in_v_group_year_with_districts_and_communes(con):
    """The deck's area table reads the group row (no second list of sums): district and commune totals included."""
    members = con.execute("SELECT list(member_code) FROM grouping_member WHERE grouping_id = 'vung' AND era = '63' "
                          "AND group_id = 'dbscl'").fetchone()[0]
    area = con.execute(queries.DECK_AREA_TOTALS, ["vung", "dbscl", 2020]).df().iloc[0]
    units = con.execute("SELECT count(*), sum(districts_total), sum(communes_total), sum(total_actual_mvnd) "
                        "FROM mart_unit_year WHERE era = '63' AND year = 2020 AND list_contains(?, unit_code)",
                        [members]).fetchone()
    assert (area.units, area.districts_total, area.communes_total, area.total_actual_mvnd) == tuple(units)
    assert units[0] == 13 and units[1] > 0  # the Mekong delta's 13 provinces, with their districts
    nation = con.execute(queries.DECK_NATION_TOTALS, [2020]).df().iloc[0]
    assert nation.communes_total == con.execute("SELECT sum(communes_total) FROM mart_unit_year WHERE year = 2020"
                                                ).fetchone()[0]
