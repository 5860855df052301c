"""The warehouse: published figures traced and honoured, demo data labelled and calibrated, builds atomic."""
from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import unicodedata

import duckdb
import pytest

from conftest import ROOT, scalar

MTTN = "SELECT member_code FROM grouping_member WHERE grouping_id='kc_area' AND group_id='mien-trung-tay-nguyen' AND era=?"


def test_every_published_figure_agrees_with_the_warehouse(con):
    rows = con.execute("SELECT figure_id, warehouse_value, low, high, ok FROM calibration_check").fetchall()
    targets = scalar(con, "SELECT count(*) FROM published_figure WHERE calibrate IN ('target', 'check')")
    assert len(rows) == targets > 50
    assert [r for r in rows if not r[4]] == []


def test_mttn_2017_kcqg_actual_by_independent_sql(con):
    """The 15 provinces of Miền Trung – Tây Nguyên spent 27.708 triệu đồng of KCQG in 2017 (seed 001)."""
    v = scalar(con, f"SELECT sum(actual_mvnd) FROM budget_current WHERE fund='kcqg' AND year=2017 AND unit_code IN ({MTTN})", ["63"])
    assert v == 27708
    assert scalar(con, f"SELECT count(*) FROM ({MTTN})", ["63"]) == 15
    assert scalar(con, "SELECT sum(actual_mvnd) FROM budget_current WHERE fund='kcqg' AND year=2017") == 104314
    assert scalar(con, "SELECT sum(actual_mvnd) FROM budget_current WHERE fund='kcdp' AND year=2017") == 134588


def test_no_kcqg_in_mien_trung_tay_nguyen_in_2024(con):
    rows = con.execute(f"SELECT planned_mvnd, actual_mvnd FROM budget_current WHERE fund='kcqg' AND year=2024 AND unit_code IN ({MTTN})", ["63"]).fetchall()
    assert len(rows) == 15 and all(p == 0 and a == 0 for p, a in rows)
    assert scalar(con, "SELECT sum(planned_mvnd) FROM budget_current WHERE fund='kcqg' AND year=2024") > 0  # only that region


def test_2025_is_reported_by_the_34_units(con):
    assert scalar(con, "SELECT count(DISTINCT unit_code) FROM budget_current WHERE year=2025") == 34
    assert scalar(con, "SELECT count(*) FROM budget_current WHERE year=2025 AND era<>'34'") == 0
    assert scalar(con, "SELECT count(DISTINCT unit_code) FROM budget_current WHERE year=2024 AND era='63'") == 63
    v = scalar(con, f"SELECT sum(planned_mvnd) FROM budget_current WHERE year=2025 AND fund='kcdp' AND unit_code IN ({MTTN})", ["34"])
    assert v == 49465


def test_across_the_reform_the_63_aggregate_into_the_34(con):
    for y in (2017, 2024):
        nation = scalar(con, "SELECT total_planned_mvnd FROM v_nation_year WHERE year=?", [y])
        assert scalar(con, "SELECT sum(total_planned_mvnd) FROM v_unit34_year WHERE year=?", [y]) == nation
        assert scalar(con, "SELECT count(*) FROM v_unit34_year WHERE year=?", [y]) == 34
    # Hà Nội kept its borders; TP. Hồ Chí Minh absorbed Bình Dương and Bà Rịa – Vũng Tàu
    hcm = scalar(con, "SELECT total_planned_mvnd FROM v_unit34_year WHERE year=2020 AND unit_code='79'")
    parts = scalar(con, "SELECT sum(planned_mvnd) FROM budget_current WHERE year=2020 AND unit_code IN ('74','77','79')")
    assert hcm == parts


def test_source_discrepancies_are_recorded_not_fixed(con):
    found = dict(con.execute("SELECT figure_id, status FROM source_check").fetchall())
    assert found["mt17_kcdp_share_nation_pct"] == "discrepancy"  # 12,0% stated; 16.602 / 134.588 = 12,34%
    assert found["mt17_kcqg_exec_pct"] == "discrepancy"  # 93,93% stated; 27.708 / 29.409 = 94,22%
    assert found["mt17_total_plan_stated"] == "discrepancy"  # 37.116 vs 29.409 + 17.492
    assert found["mt17_kcqg_share_nation_pct"] == "consistent"  # 26,56%
    assert scalar(con, "SELECT value FROM published_figure WHERE figure_id='mt17_kcdp_share_nation_pct'") == 12.0


def test_staffing_2022_matches_the_ministry_report(con):
    assert scalar(con, "SELECT sum(staff_grassroots) FROM staffing WHERE year=2022") == 516
    bands = con.execute("""SELECT count(*) FILTER (staff_total >= 30), count(*) FILTER (staff_total BETWEEN 20 AND 29),
        count(*) FILTER (staff_total BETWEEN 10 AND 19), count(*) FILTER (staff_total < 10)
        FROM staffing WHERE year=2022""").fetchone()
    assert bands == (10, 17, 31, 5)
    big = {r[0] for r in con.execute("SELECT unit_code FROM staffing WHERE year=2022 AND staff_total >= 30").fetchall()}
    assert big == {"01", "27", "48", "93", "10", "80", "37", "25", "79", "26"}
    share = scalar(con, "SELECT sum(staff_grassroots) / sum(staff_total) FROM staffing WHERE year=2022")
    assert 0.38 <= share <= 0.42  # "chiếm khoảng 40%"


def test_collaborator_networks_2022(con):
    d, c = con.execute("SELECT sum(districts_covered), sum(communes_covered) FROM collaborators WHERE year=2022").fetchone()
    assert (d, c) == (133, 189)
    top = [r[0] for r in con.execute("""SELECT unit_code FROM collaborators WHERE year=2022
        ORDER BY districts_covered / districts_total DESC, unit_code LIMIT 5""").fetchall()]
    assert {"77", "74", "45"} <= set(top)
    assert scalar(con, "SELECT collaborators_district + collaborators_commune FROM collaborators WHERE year=2023 AND unit_code='74'") == 25


def test_projects_add_up_to_each_budget(con):
    bad = con.execute("""
        SELECT b.unit_code, b.year, b.fund FROM budget_current b
        LEFT JOIN (SELECT era, unit_code, year, fund, sum(planned_mvnd) p, sum(actual_mvnd) a FROM project GROUP BY ALL) s
          USING (era, unit_code, year, fund)
        WHERE coalesce(s.p, 0) <> b.planned_mvnd OR coalesce(s.a, 0) <> b.actual_mvnd""").fetchall()
    assert bad == []
    assert scalar(con, "SELECT count(DISTINCT category_id) FROM project") == 9
    assert scalar(con, "SELECT count(*) FROM project WHERE fund='kcqg' AND year=2016") == 230


def test_every_fact_row_says_its_origin_and_source(con):
    for t in ("budget", "project", "staffing", "collaborators"):
        assert scalar(con, f"SELECT count(*) FROM {t} WHERE origin NOT IN ('demo','imported','published') OR source_id IS NULL") == 0
        assert scalar(con, f"SELECT count(*) FROM {t} WHERE origin='demo'") > 0
    # a published budget row names a source whose page is on record
    assert scalar(con, "SELECT count(*) FROM budget b JOIN source s USING (source_id) WHERE b.origin='published' "
                       "AND s.location LIKE 'http%'") == scalar(con, "SELECT count(*) FROM budget WHERE origin='published'") > 30


def test_groupings_place_every_unit_exactly_once(con):
    rows = con.execute("""SELECT grouping_id, era, count(*), count(DISTINCT member_code) FROM grouping_member
                          GROUP BY ALL ORDER BY ALL""").fetchall()
    assert rows == [("kc_area", "34", 34, 34), ("kc_area", "63", 63, 63), ("vung", "34", 34, 34), ("vung", "63", 63, 63)]
    sizes = dict(con.execute("SELECT group_id, count(*) FROM grouping_member WHERE era='63' GROUP BY ALL").fetchall())
    assert sizes["mien-trung-tay-nguyen"] == 15 and sizes["phia-nam"] == 20 and sizes["phia-bac"] == 28
    assert (sizes["tdmnpb"], sizes["dbsh"], sizes["btb-dhmt"], sizes["tay-nguyen"], sizes["dong-nam-bo"], sizes["dbscl"]) == (14, 11, 14, 5, 6, 13)


def test_the_34_units_match_the_vietnam_provinces_package(con):
    vp = pytest.importorskip("vietnam_provinces")
    from etl.names import fold
    theirs = {f"{p.code.value:02d}": fold(p.name) for p in vp.Province.iter_all()}
    ours = {c: fold(n) for c, n in con.execute("SELECT unit_code, name_vi FROM unit_2025").fetchall()}
    assert set(theirs) == set(ours)
    assert {c for c in ours if ours[c] != theirs[c]} == set()


def _digest(path) -> str:
    c = duckdb.connect(str(path), read_only=True)
    h = hashlib.sha256()
    for t in ("budget", "project", "staffing", "collaborators", "published_figure", "calibration_check"):
        for row in c.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall():
            h.update(repr(row).encode())
    c.close()
    return h.hexdigest()


def test_build_is_deterministic(tmp_path, db_path):
    from etl import build
    other = tmp_path / "again.duckdb"
    build.build(other, log=lambda *_: None)
    assert _digest(other) == _digest(db_path)


def _copy_data(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.duckdb", "imports"))
    return data


@pytest.mark.parametrize("file,edit,expect", [
    ("reference/provinces.csv", lambda s: s.replace("\n46,Thừa Thiên Huế", "\n4X,Thừa Thiên Huế"), ["provinces.csv", "dòng 32", "row 32", "province_code", "4X"]),
    ("reference/group_members.csv", lambda s: s.replace("kc_area,63,phia-nam,96", "kc_area,63,phia-nam,99"), ["group_members.csv", "member_code", "99"]),
    ("reference/provinces.csv", lambda s: s.replace("21.0285,105.8542", "abc,105.8542"), ["capital_lat", "dòng 2", "row 2"]),
    ("published/figures.csv", lambda s: s.replace(",seed-004-staffing-2022,staffing,staffing.grassroots", ",no-such-source,staffing,staffing.grassroots"), ["figures.csv", "source_id", "no-such-source"]),
])
def test_bad_input_fails_clearly_and_keeps_the_old_database(tmp_path, file, edit, expect):
    data = _copy_data(tmp_path)
    db = tmp_path / "kc.duckdb"
    from etl import build
    build.build(db, data_dir=data, log=lambda *_: None)
    before = db.read_bytes()
    p = data / file
    p.write_text(edit(p.read_text(encoding="utf-8")), encoding="utf-8")
    from etl.errors import DataError
    with pytest.raises(DataError) as err:
        build.build(db, data_dir=data, log=lambda *_: None)
    for word in expect:
        assert word in str(err.value)
    assert db.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_cli_build_failure_exits_non_zero_and_says_why(tmp_path):
    data = _copy_data(tmp_path)
    (data / "reference/provinces.csv").write_text("province_code,name_vi\n01,Hà Nội\n", encoding="utf-8")
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from etl import build; build.build(__import__('pathlib').Path({str(tmp_path / 'x.duckdb')!r}), data_dir=__import__('pathlib').Path({str(data)!r}))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode != 0 and "unit_type" in r.stderr
    r = subprocess.run([sys.executable, "-m", "etl", "build", "--db", str(tmp_path / "y.duckdb")], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_names_resolve_every_spelling_users_write():
    from etl.names import UnknownProvince, province_code
    assert province_code("Tỉnh Hoà Bình") == province_code("Hòa Bình") == province_code("hoa binh") == "17"
    assert province_code(unicodedata.normalize("NFD", "Khánh Hòa")) == "56"
    assert province_code("TP HCM") == province_code("Thành phố Hồ Chí Minh") == "79"
    assert province_code("Thừa Thiên - Huế") == "46" and province_code("Bà Rịa-Vũng Tàu") == "77"
    assert province_code("Đăk Lăk") == province_code("Đắc Lắc") == "66"
    assert province_code("Huế", era="34") == "46"
    with pytest.raises(UnknownProvince) as e:
        province_code("Quang Nom")
    assert "Quảng Nam" in e.value.candidates


def test_the_data_dictionary_describes_every_column_with_its_unit(con):
    rows = con.execute("""SELECT table_name, column_name, comment FROM duckdb_columns()
                          WHERE schema_name = 'main' AND NOT internal""").fetchall()
    assert rows
    missing = [f"{t}.{c}" for t, c, comment in rows if not comment]
    assert missing == []
    assert all("triệu đồng" in comment for t, c, comment in rows if c.endswith("_mvnd"))


def test_check_reports_discrepancies_and_fails_on_a_calibration_error(tmp_path, db_path):
    from etl import check
    lines: list[str] = []
    assert check.report(db_path, out=lines.append) == 0
    text = "\n".join(lines)
    assert "[discrepancy] mt17_kcdp_share_nation_pct" in text
    assert re.search(r"(\d+) / \1 published figures agree", text)  # all of them
    # a warehouse whose data no longer agrees with a published figure is an error
    broken = tmp_path / "broken.duckdb"
    shutil.copy(db_path, broken)
    c = duckdb.connect(str(broken))
    c.execute("UPDATE calibration_check SET ok = false WHERE figure_id = 'n17_kcqg_actual'")
    c.close()
    lines.clear()
    assert check.report(broken, out=lines.append) == 1
    assert any("FAIL n17_kcqg_actual" in line for line in lines)
    assert check.report(tmp_path / "missing.duckdb", out=lines.append) == 1
