"""Population with its source: every stored count is found as written in its quote, and every quote in the snapshot
kept in the repository; the 34 units of 1/7/2025 get KCĐP per 1.000 people where Nghị quyết 202/2025/QH15's figure
is confirmed, a gap elsewhere; sources that disagree are both kept and shown."""
from __future__ import annotations

import shutil

import pytest

from conftest import ROOT, run_page, scalar

from etl import reference
from etl.errors import DataError


@pytest.fixture()
def warehouse(db_path, monkeypatch):
    monkeypatch.setenv("KHUYENCONG_DB", str(db_path))
    return db_path


def test_each_stored_population_is_in_its_quote_as_written(con):
    rows = con.execute("SELECT pf_id, population, value_text, qualifier, quote FROM population").fetchall()
    assert len(rows) > 60
    assert [r[0] for r in rows if r[2] not in r[4]] == []
    # the rows found beyond the research CSV: the number read the Vietnamese way is the count stored
    ours = {r[0]: r for r in rows if r[0].startswith("pop")}
    assert ours["pop01"][1:3] == (1865270, "1.865.270")
    assert ours["pop18"][1:3] == (1506331, "1506331")
    for pid, people, text, qualifier, _ in ours.values():
        assert round(reference.vn_count(text)) == people, pid


def test_each_quote_is_in_the_snapshot_kept_in_the_repository():
    """A clean clone holds the source text: no quote depends on ../shared or on the web."""
    rows = reference.sourced_populations(ROOT / "data/published")
    assert {r["source_id"] for r in rows} >= {"pop-nld-2025-06-12", "pop-binhdinh-nien-giam-2023-p94"}
    for r in rows:
        text = " ".join((ROOT / r["snapshot"]).read_text(encoding="utf-8").split())
        assert " ".join(r["quote"].split()) in text, r["pf_id"]
        assert r["url"].startswith("http"), r["pf_id"]
    origin = (ROOT / "data/published/snapshot/ORIGIN.md").read_text(encoding="utf-8")
    assert "snapshot/population" in origin or "population/" in origin


def test_per_capita_of_a_2025_unit_is_its_kcdp_over_the_resolutions_population(con):
    """Tuyên Quang (34 units): Nghị quyết 202/2025/QH15 gives 1.865.270 people; KCĐP per 1.000 = KCĐP ÷ people × 1000."""
    kcdp, people, per = con.execute("SELECT kcdp_actual_mvnd, population, kcdp_actual_per_1000 FROM v_unit_year "
                                    "WHERE era = '34' AND unit_code = '08' AND year = 2025").fetchone()
    assert people == 1865270
    assert per == pytest.approx(float(kcdp) / 1865270 * 1000)
    # Gia Lai: two unconfirmed figures that disagree, so a gap, not an estimate or an average
    assert con.execute("SELECT population, kcdp_actual_per_1000 FROM v_unit_year WHERE era = '34' "
                       "AND unit_code = '52' AND year = 2025").fetchone() == (None, None)


def test_sources_that_disagree_are_both_kept(con):
    rows = con.execute("SELECT era, unit_code, year, population_a, population_b FROM v_population_disagreement "
                       "ORDER BY era, unit_code").fetchall()
    assert ("34", "52", 2025, 3583693, 3153300) in rows  # Gia Lai: 2025 data set against the Đề án of April 2025
    assert ("63", "52", 2019, 1486918, 1487817) in rows  # Bình Định: 2019 census against the yearbook's average
    # the confirmed yearbook figure is the one used for Bình Định's per-capita
    assert scalar(con, "SELECT population FROM v_unit_year WHERE era = '63' AND unit_code = '52' AND year = 2019") \
        == 1487817


def test_the_discrepancies_page_lists_the_population_disagreements(warehouse):
    at = run_page("pages/mau_thuan.py")
    assert not at.exception, [e.value for e in at.exception]
    md = " ".join(e.value for e in at.markdown)
    assert "Dân số: các nguồn ghi khác nhau" in [s.value for s in at.subheader]
    assert "**3.583.693**" in md and "**3.153.300**" in md


def test_the_2025_profile_names_the_population_source(warehouse):
    at = run_page("pages/ho_so_tinh.py", unit="08", year="2025", era="34")
    assert not at.exception, [e.value for e in at.exception]
    captions = " ".join(c.value for c in at.caption)
    assert "1.865.270 người (năm 2025)" in captions


@pytest.mark.parametrize("column, value, needle", [
    ("value_text", "1,865,270", "1,865,270"),          # English-style thousands: never read as 1,865
    ("quote", "quy mô dân số là 1.865.270 người (bịa)", "snapshot"),  # a quote the snapshot does not hold
])
def test_a_bad_population_row_is_rejected_with_its_place(tmp_path, column, value, needle):
    import csv
    pub = tmp_path / "published"
    shutil.copytree(ROOT / "data/published", pub)
    shutil.copytree(ROOT / "data/reference", tmp_path / "reference")
    path = pub / "population.csv"
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[0][column] = value
    if column == "value_text":
        rows[0]["quote"] = rows[0]["quote"].replace("1.865.270", value)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with pytest.raises(DataError) as e:
        reference.sourced_populations(pub)
    err = e.value
    assert (err.row, err.column) == (2, column) and err.file.endswith("population.csv")
    assert needle in str(err) and "row 2" in str(err) and "dòng 2" in str(err)


def test_the_budgets_page_counts_the_2025_units_with_a_sourced_population(warehouse, db_path):
    import duckdb
    con = duckdb.connect(str(db_path), read_only=True)
    n = con.execute("SELECT count(*) FROM v_unit_year WHERE era = '34' AND year = 2025 "
                    "AND kcdp_actual_per_1000 IS NOT NULL").fetchone()[0]
    con.close()
    # Tuyên Quang, Lào Cai, Thái Nguyên, Hồ Chí Minh (the Resolution's figure, confirmed) and six of the 11 units the
    # reform left alone, whose province has a confirmed count (Hà Nội, Điện Biên, Lai Châu, Thanh Hóa, Nghệ An, Huế)
    assert n == 10
    at = run_page("pages/kinh_phi.py", year="2025", measure="per_1000", view="34")
    assert not at.exception, [e.value for e in at.exception]
    assert any("Dân số có nguồn cho 10/34 đơn vị" in c.value for c in at.caption)


def test_a_unit_the_reform_left_alone_keeps_its_provinces_confirmed_count(con):
    """Điện Biên was not rearranged in 2025: its statistics office's 2023 average population (646.182) counts the unit;
    the office's mid-2024 estimate for 2024 (656.717) is kept but, being an estimate, never used."""
    assert con.execute("SELECT population FROM v_unit_year WHERE era = '34' AND unit_code = '11' AND year = 2025"
                       ).fetchone() == (646182,)
    assert con.execute("SELECT confirmed FROM population WHERE era = '63' AND province_code = '11' AND year = 2024"
                       ).fetchone() == (False,)
    # a merged unit never borrows a member province's count: Bắc Ninh (Bắc Giang + Bắc Ninh) has none confirmed
    assert con.execute("SELECT population FROM v_unit_year WHERE era = '34' AND unit_code = '24' AND year = 2025"
                       ).fetchone() == (None,)
