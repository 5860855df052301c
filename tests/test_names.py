"""A report's names, years and amounts mean what the report meant: a province is one that existed in the report's
year, an amount is stored to the last digit written, a year is one a report can be for. Everything else is refused,
located, in Vietnamese and English, and the database stays byte for byte as it was."""
from __future__ import annotations

import csv
import datetime
import io
import shutil
from decimal import Decimal

import openpyxl
import pytest

from conftest import ROOT
from import_corpus import make_corpus as corpus
from test_imports import BUDGET, Warehouse, pristine, wh  # noqa: F401 — the shared warehouse fixtures

from etl import names, reference, vocabulary
from etl.reports import cells, load
from etl.errors import DataError

TODAY = datetime.date(2026, 11, 29)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """The import rules are judged by the date; fix it so that these tests mean the same next year."""
    monkeypatch.setattr(vocabulary, "today", lambda: TODAY)


def refused(w: Warehouse, path, *words) -> str:
    """Load `path`, expect a refusal that says every one of `words`, and nothing changed."""
    before = w.state()
    r = w.load(path)
    said = "\n".join(str(e) for e in r.errors)
    assert [f.outcome for f in r.files] == ["rejected"] and not r.db_changed, load.report(r)
    assert all(isinstance(e, DataError) for e in r.errors)
    for word in words:
        assert word in said, f"{word!r} not in:\n{said}"
    assert w.state() == before
    return said


# --------------------------------------------------------------------------- names valid in the report's year

def test_ha_tay_in_a_2024_report_is_refused_with_ha_noi_suggested_not_loaded_as_ha_noi(wh):
    ha_noi = wh.one(BUDGET, ["63", "01", 2024, "kcqg"])
    refused(wh, corpus.filled(wh.files / "ha-tay.xlsx", corpus.budget("Tỉnh Hà Tây", 2024, "KCQG", 500, 500)),
            "ha-tay.xlsx", "trang Kinh phí", "dòng 2", "cột «Tỉnh/thành»",
            "«Tỉnh Hà Tây» không còn tồn tại từ 2008 — có phải «Hà Nội»?",
            "«Tỉnh Hà Tây» ceased to exist in 2008 — did you mean «Hà Nội»?")
    assert wh.one(BUDGET, ["63", "01", 2024, "kcqg"]) == ha_noi


def test_a_former_province_after_the_reform_is_refused_with_its_successor(wh):
    said = refused(wh, corpus.filled(wh.files / "binh-dinh-2026.xlsx", {"Kinh phí": [
        ["Bình Định", 2026, "KCQG", 800, 700], ["Hà Tây", 2026, "KCĐP", 100, 90]]}),
        "dòng 2", "«Bình Định» không còn tồn tại từ 1/7/2025", "có phải «Gia Lai»?", "did you mean «Gia Lai»?",
        "dòng 3", "«Hà Tây» không còn tồn tại từ 2008 — có phải «Hà Nội»?")
    assert "Bình Định" not in said.split("dòng 2")[0]  # located on its own row, not merged into a neighbour
    assert wh.one("SELECT count(*) FROM budget WHERE year = 2026") == (0,)


def test_a_kept_name_before_the_reform_means_the_old_province_unless_the_file_also_uses_it_for_the_new_unit(wh):
    # Gia Lai (52 from 2025) = old Gia Lai (64) + Bình Định (52). A 2024 row alone is the old province.
    r = wh.load(corpus.filled(wh.files / "gia-lai-2024.xlsx", corpus.budget("Gia Lai", 2024, "KCQG", 900, 850)))
    assert r.ok, load.report(r)
    assert wh.one(BUDGET, ["63", "64", 2024, "kcqg"]) == (900, 850, "imported")
    # The same name for 2024 and 2026 in one file: the 2024 row may hold the new unit's combined figures.
    refused(wh, corpus.filled(wh.files / "gia-lai-chuoi.xlsx", {"Kinh phí": [
        ["Gia Lai", 2024, "KCQG", 1900, 1800], ["Gia Lai", 2026, "KCQG", 2000, 1000]]}),
        "gia-lai-chuoi.xlsx", "dòng 2", "cột «Tỉnh/thành»", "«Gia Lai» năm 2024", "Bình Định, Gia Lai",
        "report each former province")
    # Naming Bình Định for 2024 as well shows the file reports by old province: loaded, each where it belongs.
    r = wh.load(corpus.filled(wh.files / "gia-lai-tach.xlsx", {"Kinh phí": [
        ["Gia Lai", 2024, "KCĐP", 300, 280], ["Bình Định", 2024, "KCĐP", 400, 390],
        ["Gia Lai", 2026, "KCĐP", 700, None]]}))
    assert r.ok, load.report(r)
    assert wh.one(BUDGET, ["63", "64", 2024, "kcdp"])[:2] == (300, 280)
    assert wh.one(BUDGET, ["63", "52", 2024, "kcdp"])[:2] == (400, 390)
    assert wh.one(BUDGET, ["34", "52", 2026, "kcdp"]) == (700, None, "imported")


def test_aliases_carry_the_years_they_are_valid():
    assert names.resolve("Hà Nội", 2013) == "01" and names.resolve("TP HCM", 2026) == "79"
    with pytest.raises(names.NotInYear) as e:
        names.resolve("Hà Tây", 2013)
    assert e.value.suggestions == ["Hà Nội"]
    assert names.resolver("63").code("Hà Tây") == "01"  # map files carry no year: the old spelling still places it
    rows = list(csv.DictReader(open(ROOT / "data/reference/province_aliases.csv", encoding="utf-8")))
    assert [(r["alias"], r["valid_to"]) for r in rows if r["valid_to"]] == [("Hà Tây", "2007")]


def test_an_alias_with_a_bad_validity_year_stops_the_reference_step(tmp_path):
    ref = tmp_path / "reference"
    shutil.copytree(ROOT / "data/reference", ref)
    path = ref / "province_aliases.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("63,Hà Tây,01,,2007,", "63,Hà Tây,01,,2026,"),
                    encoding="utf-8")
    with pytest.raises(DataError) as e:
        reference.load(ref)
    assert (e.value.row, e.value.column) == (18, "valid_to") and "2000–2024" in str(e.value)


def test_the_warehouse_keeps_the_aliases_with_their_years(con):
    assert con.execute("SELECT code, valid_from, valid_to FROM province_alias WHERE alias = 'Hà Tây'").fetchall() == [
        ("01", None, 2007)]


# --------------------------------------------------------------------------- exact amounts

EXACT = [("Hòa Bình", 2023, "KCQG", "1.234,5", "1.234,567"), ("Hòa Bình", 2023, "KCĐP", "12.345.678,125", "0,001"),
         ("Sơn La", 2022, "KCQG", 1234.567, "987.654.321.012,5")]
STORED = {("17", "kcqg"): (Decimal("1234.5"), Decimal("1234.567")),
          ("17", "kcdp"): (Decimal("12345678.125"), Decimal("0.001")),
          ("14", "kcqg"): (Decimal("1234.567"), Decimal("987654321012.5"))}


def test_decimal_amounts_come_back_exactly_from_the_table_the_csv_and_the_xlsx_download(wh, monkeypatch):
    r = wh.load(corpus.filled(wh.files / "so-le.xlsx", {"Kinh phí": [list(x) for x in EXACT]}))
    assert r.ok, load.report(r)
    table = {(u, f): (p, a) for u, f, p, a in wh.all(
        "SELECT unit_code, fund, planned_mvnd, actual_mvnd FROM budget WHERE origin = 'imported'")}
    assert table == STORED
    assert not [w for w in r.warnings if "rounded" in w.message_en]

    monkeypatch.setenv("KHUYENCONG_DB", str(wh.db))
    from dashboard import exports, queries
    df = queries.export_table("budget")
    imported = df[df.origin == "imported"]

    rows = list(csv.DictReader(io.StringIO(exports.csv_bytes(imported, False).decode("utf-8-sig"))))
    exported = {(r["unit_code"], r["fund"]): (Decimal(r["planned_mvnd"]), Decimal(r["actual_mvnd"])) for r in rows}
    assert exported == STORED
    assert {r["planned_mvnd"] for r in rows} == {"1234.5", "12345678.125", "1234.567"}  # the stored digits, as text

    ws = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes(imported, False))).active
    header = [c.value for c in ws[1]]
    got = {(row[header.index("unit_code")], row[header.index("fund")]):
           (Decimal(str(row[header.index("planned_mvnd")])), Decimal(str(row[header.index("actual_mvnd")])))
           for row in ws.iter_rows(min_row=2, values_only=True)}
    assert got == STORED
    assert isinstance(ws.cell(2, header.index("planned_mvnd") + 1).value, float)  # still a number Excel can sum


def test_an_amount_finer_than_a_thousand_dong_is_refused_rather_than_rounded(wh):
    refused(wh, corpus.filled(wh.files / "bon-so-le.xlsx", corpus.budget("Hòa Bình", 2023, "KCQG", "1.234,5678", 90)),
            "bon-so-le.xlsx", "dòng 2", "cột «Kế hoạch (triệu đồng)»", "nhiều hơn 3 chữ số thập phân",
            "more than 3 decimals")
    refused(wh, corpus.plain_workbook(wh.files / "dong-le.xlsx", [
        ["Tỉnh", "Năm", "Nguồn", "Kế hoạch (đồng)", "Thực hiện (đồng)"], ["Lào Cai", 2021, "KCDP", 1_500_000_123, 0]]),
        "dòng 2", "cột «Kế hoạch (đồng)»", "1500.000123", "more than 3 decimals")


# --------------------------------------------------------------------------- numbers as people and programs write them

def test_a_computed_cell_is_read_to_excels_15_digits_not_its_binary_tail():
    assert cells.amount(0.1 + 0.2) == Decimal("0.3")  # 0.30000000000000004 is how a double spells Excel's 0,3


@pytest.mark.parametrize("written,says", [
    ("12,5%", "percentage"), ("99999999999999999999", "too large"),
    (1e308, "too large"), (99999999999999999999, "too large"), (datetime.datetime(2024, 1, 1), "date"),
])
def test_numbers_that_cannot_be_stored_exactly_are_refused(written, says):
    with pytest.raises(cells.CellError) as e:
        cells.amount(written)
    assert says in e.value.args[1] and len(e.value.args[0]) < 200


@pytest.mark.parametrize("cell,column", [("99999999999999999999", "Kế hoạch (triệu đồng)"),
                                         (1e308, "Thực hiện (triệu đồng)")])
def test_an_amount_past_the_column_is_a_located_refusal_not_a_database_traceback(wh, cell, column):
    line = ["Hòa Bình", 2023, "KCQG", cell, 90] if column.startswith("Kế") else ["Hòa Bình", 2023, "KCQG", 90, cell]
    refused(wh, corpus.filled(wh.files / "qua-lon.xlsx", corpus.budget(*line)),
            "qua-lon.xlsx", "trang Kinh phí", "dòng 2", f"cột «{column}»", "quá lớn", "too large")


def test_a_head_count_past_the_column_is_a_located_refusal(wh):
    refused(wh, corpus.filled(wh.files / "can-bo.xlsx", {"Nhân lực": [["Hòa Bình", 2023, "99999999999999999999", 5]]}),
            "dòng 2", "cột «Tổng số cán bộ (người)»", "too large")


def test_a_file_writing_numbers_both_ways_has_its_ambiguous_numbers_refused(wh):
    # '12.5' is English; then '1.234' may be 1234 (Vietnamese) or 1.234 (English): refuse, do not guess.
    text = corpus.text_file(wh.files / "hai-kieu.csv", "Tỉnh/thành;Năm;Nguồn;Kế hoạch (triệu đồng);Thực hiện (triệu "
                            "đồng)\nHòa Bình;2023;KCQG;12.5;10\nSơn La;2023;KCQG;1.234;1.000\n")
    refused(wh, text,
            "hai-kieu.csv", "dòng 3", "cột «Kế hoạch (triệu đồng)»", "«1.234»", "«12.5» ở dòng 2", "may be 1234")
    # the same '1.234' in a file written the Vietnamese way throughout is 1234
    text.write_text(text.read_text(encoding="utf-8").replace("12.5", "12,5"), encoding="utf-8")
    r = wh.load(text)
    assert r.ok, load.report(r)
    assert wh.one(BUDGET, ["63", "14", 2023, "kcqg"])[:2] == (1234, 1000)


@pytest.mark.parametrize("cell", [datetime.datetime(2024, 1, 1), "2024-01-01", "01/01/2024"])
def test_a_year_written_as_a_date_is_refused_saying_so(wh, cell):
    refused(wh, corpus.filled(wh.files / "nam-ngay.xlsx", corpus.budget("Hòa Bình", cell, "KCQG", 100, 90)),
            "dòng 2", "cột «Năm»", "là ngày, không phải năm", "is a date, not a year")


def test_a_huge_cell_is_not_echoed_whole(wh):
    said = refused(wh, corpus.filled(wh.files / "dai.xlsx", corpus.budget("Hà" * 50_000, 2023, "KCQG", 100, 90)),
                   "dòng 2", "cột «Tỉnh/thành»", "unknown province")
    assert len(said) < 1000


# --------------------------------------------------------------------------- the years a report can be for

def test_a_2026_budget_for_a_34_unit_loads_with_spending_to_date(wh):
    r = wh.load(corpus.filled(wh.files / "gia-lai-2026.xlsx", corpus.budget("Gia Lai", 2026, "KCQG", "2.500,5", 1800)))
    assert r.ok, load.report(r)
    assert wh.one(BUDGET, ["34", "52", 2026, "kcqg"]) == (Decimal("2500.5"), 1800, "imported")
    assert any("has not ended" in w.message_en for w in r.warnings)


def test_next_years_plan_loads_without_actuals(wh):
    r = wh.load(corpus.filled(wh.files / "ke-hoach-2027.xlsx", {
        "Kinh phí": [["Huế", 2027, "KCQG", 1500, None]],
        "Đề án": [["H-1", "Huế", 2027, "KCQG", "Đào tạo nghề", "Đào tạo nghề mộc", 1500, None]]}))
    assert r.ok, load.report(r)
    assert wh.one(BUDGET, ["34", "46", 2027, "kcqg"]) == (1500, None, "imported")
    assert wh.one("SELECT total_planned_mvnd, kcqg_planned_mvnd, kcqg_actual_mvnd FROM v_unit_year "
                  "WHERE unit_code = '46' AND year = 2027") == (None, 1500, None)


def test_the_year_after_next_is_refused(wh):
    refused(wh, corpus.filled(wh.files / "ke-hoach-2028.xlsx", corpus.budget("Huế", 2028, "KCQG", 1500, None)),
            "ke-hoach-2028.xlsx", "dòng 2", "cột «Năm»", "năm 2028", "2013–2027", "năm nay 2026",
            "plans are made at most one year ahead")


def test_actual_spending_for_a_year_that_has_not_begun_is_refused_and_an_ended_year_needs_it(wh):
    refused(wh, corpus.filled(wh.files / "thuc-hien-2027.xlsx", corpus.budget("Huế", 2027, "KCQG", 1500, 10)),
            "dòng 2", "cột «Thực hiện (triệu đồng)»", "2027 chưa bắt đầu", "has not begun", "load the plan only")
    refused(wh, corpus.filled(wh.files / "thieu-2025.xlsx", corpus.budget("Huế", 2025, "KCQG", 1500, None)),
            "dòng 2", "cột «Thực hiện (triệu đồng)»", "ô trống")


def test_the_window_follows_the_clock(wh, monkeypatch):
    monkeypatch.setattr(vocabulary, "today", lambda: datetime.date(2027, 3, 1))
    r = wh.load(corpus.filled(wh.files / "ke-hoach-2028.xlsx", corpus.budget("Huế", 2028, "KCQG", 1500, None)))
    assert r.ok, load.report(r)
