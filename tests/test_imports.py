"""Importing real reports: the template, what loads (and to which numbers), what is rejected (and how clearly),
and the promises around it — all-or-nothing, never a half-written database, idempotent, kept across rebuilds."""
from __future__ import annotations

import datetime
import errno
import hashlib
import io
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest

from conftest import ROOT
from import_corpus import make_corpus as corpus

from etl import build, warehouse
from etl.reports import archive, cells, kinds, load
from etl.errors import DataError
from etl.reports.template import template_bytes


def quiet(*_):
    pass


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """One freshly built warehouse per module, from a copy of data/ (so data/imports is never touched)."""
    base = tmp_path_factory.mktemp("pristine")
    data = base / "data"
    for part in ("reference", "published"):
        shutil.copytree(ROOT / "data" / part, data / part)
    db = base / "kc.duckdb"
    build.build(db, data_dir=data, log=quiet)
    return data, db


@dataclass
class Warehouse:
    data: Path
    db: Path
    files: Path

    @property
    def archive(self) -> Path:
        return self.data / "imports"

    def load(self, *paths, **kw) -> load.LoadResult:
        return load.load_files(list(paths), self.db, "kiem-thu", self.data, **kw)

    def one(self, sql: str, params=None):
        con = duckdb.connect(str(self.db), read_only=True)
        try:
            return con.execute(sql, params or []).fetchone()
        finally:
            con.close()

    def all(self, sql: str, params=None):
        con = duckdb.connect(str(self.db), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def state(self) -> tuple:
        """Everything a load may change: the database's bytes, the files beside it, the archive."""
        archived = sorted(p.name for p in self.archive.iterdir() if p.name != ".lock") if self.archive.exists() else []
        return self.db.read_bytes(), sorted(p.name for p in self.db.parent.iterdir()), archived


@pytest.fixture()
def wh(tmp_path, pristine) -> Warehouse:
    data, db = pristine
    w = Warehouse(tmp_path / "data", tmp_path / "db" / "kc.duckdb", tmp_path / "files")
    shutil.copytree(data, w.data)
    w.db.parent.mkdir()
    shutil.copy(db, w.db)
    w.files.mkdir()
    return w


BUDGET = "SELECT planned_mvnd, actual_mvnd, origin FROM budget_current WHERE era=? AND unit_code=? AND year=? AND fund=?"


# --------------------------------------------------------------------------- the template

def test_template_has_a_sheet_per_kind_with_dropdowns_and_instructions(tmp_path):
    out = tmp_path / "mau.xlsx"
    r = subprocess.run([sys.executable, "-m", "etl", "template", "-o", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["README", "lists", "Kinh phí", "Đề án", "Nhân lực", "Cộng tác viên", "Đào tạo, hỗ trợ"]
    assert [c.value for c in wb["Kinh phí"][1]] == ["Tỉnh/thành", "Năm", "Nguồn (KCQG/KCĐP)", "Kế hoạch (triệu đồng)",
                                                   "Thực hiện (triệu đồng)"]
    assert [c.value for c in wb["Đề án"][1]] == ["Mã đề án", "Tỉnh/thành", "Năm", "Nguồn (KCQG/KCĐP)", "Nội dung",
                                                "Tên đề án", "Kế hoạch (triệu đồng)", "Thực hiện (triệu đồng)"]
    assert [c.value for c in wb["Cộng tác viên"][1]][0:3] == ["Tỉnh/thành", "Năm", "Số huyện có CTV"]
    lists = wb["lists"]
    assert lists.sheet_state == "hidden"
    column = {c[0].value: [x.value for x in c[1:] if x.value is not None] for c in lists.iter_cols()}
    assert len(column["Tỉnh/thành đến 2024 (63)"]) == 63 and "Hòa Bình" in column["Tỉnh/thành đến 2024 (63)"]
    assert len(column["Tỉnh/thành từ 2025 (34)"]) == 34 and "Huế" in column["Tỉnh/thành từ 2025 (34)"]
    assert column["Năm"] == list(range(2013, datetime.date.today().year + 2))  # next year's plan is accepted
    assert column["Nguồn"] == ["KCQG", "KCĐP"] and len(column["Nội dung"]) == 9
    rules = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in wb["Kinh phí"].data_validations.dataValidation}
    assert rules["A2"] == "IF($B2>=2025,tinh_34,tinh_63)"  # the province list follows the row's year
    assert rules["B2"] == "nam" and rules["C2"] == "nguon"
    assert {str(dv.sqref).split(":")[0]: dv.formula1 for dv in wb["Đề án"].data_validations.dataValidation}["E2"] == "noi_dung"
    readme = " ".join(str(c.value) for row in wb["README"].iter_rows() for c in row if c.value)
    assert "triệu đồng" in readme and "million VND" in readme and "tỷ đồng" in readme


def test_template_bytes_is_the_same_workbook():
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    assert wb.sheetnames[2:] == ["Kinh phí", "Đề án", "Nhân lực", "Cộng tác viên", "Đào tạo, hỗ trợ"]


def test_an_empty_template_is_rejected_not_loaded(wh):
    before = wh.state()
    r = wh.load(corpus.save(corpus.template(), wh.files / "mau-trong.xlsx"))
    assert r.files[0].outcome == "rejected" and "no data rows" in str(r.errors[0])
    assert wh.state() == before


# --------------------------------------------------------------------------- good files land with the right numbers

def test_a_filled_template_lands_with_converted_units_and_takes_precedence_over_demo(wh):
    path = corpus.good_template(wh.files)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    r = wh.load(path)
    assert r.ok and r.db_changed and r.files[0].outcome == "loaded", load.report(r)
    assert r.rows == {"budget": 2, "project": 2, "staffing": 1, "collaborators": 1, "outreach": 0}
    sid = f"import:{sha[:12]}"
    # 'Tỉnh Hoà Bình', 2023, KCQG: plan 1,25 tỷ đồng = 1250 triệu; actual 1.180.000 nghìn đồng = 1180 triệu
    assert wh.one(BUDGET, ["63", "17", 2023, "kcqg"]) == (1250, 1180, "imported")
    assert wh.one("SELECT source_id FROM budget_current WHERE unit_code='17' AND year=2023 AND fund='kcqg'") == (sid,)
    # its neighbours stay demo: the other fund, the previous year, another province
    assert wh.one(BUDGET, ["63", "17", 2023, "kcdp"])[2] == "demo"
    assert wh.one(BUDGET, ["63", "17", 2022, "kcqg"])[2] == "demo"
    # NFD 'Khánh Hòa' with trailing spaces; 2 tỷ as a number; actual from a formula Excel had calculated
    assert wh.one(BUDGET, ["63", "56", 2023, "kcdp"]) == (2000, 1800, "imported")
    v = wh.one("SELECT kcqg_planned_mvnd, kcqg_actual_mvnd, budget_origin, staff_total, staff_grassroots, "
               "staffing_origin FROM v_unit_year WHERE era='63' AND unit_code='17' AND year=2023")
    assert v == (1250, 1180, "demo+imported", 14, 6, "imported")
    # imported đề án replace the demo ones of the same unit, year and fund — and only those
    projects = wh.all("SELECT category_id, planned_mvnd, actual_mvnd, origin, title_vi FROM project_current "
                      "WHERE unit_code='17' AND year=2023 AND fund='kcqg' ORDER BY project_id")
    assert projects == [("dao-tao-nghe", 750, 700, "imported", "Đào tạo nghề dệt thổ cẩm"),
                        ("mo-hinh-trinh-dien", 500, 480, "imported", "Mô hình máy sấy nông sản")]
    assert wh.one("SELECT count(*), min(origin) FROM project_current WHERE unit_code='17' AND year=2023 AND fund='kcdp'")[1] == "demo"
    # 2025 is keyed by the 34 units; district columns left blank stay unknown
    assert wh.one("SELECT districts_covered, communes_covered, collaborators_commune, communes_total, origin "
                  "FROM collaborators_current WHERE era='34' AND unit_code='46' AND year=2025") == (None, 40, 45, 120, "imported")
    # recorded, sourced, archived
    log = wh.one("SELECT import_id, file_name, file_sha256, imported_by, rows_budget, rows_project, rows_staffing, "
                 "rows_collaborators, outcome, archive_path FROM import_log")
    assert log == (sid, path.name, sha, "kiem-thu", 2, 2, 1, 1, "loaded", f"imports/{sha}.xlsx")
    assert wh.one("SELECT kind, title FROM source WHERE source_id=?", [sid]) == ("import", path.name)
    assert (wh.archive / f"{sha}.xlsx").read_bytes() == path.read_bytes()
    manifest = json.loads((wh.archive / f"{sha}.json").read_text(encoding="utf-8"))
    assert manifest["imported_by"] == "kiem-thu" and manifest["original_name"] == path.name
    assert manifest["imported_at"].endswith("Z") and manifest["rows"]["budget"] == 2


def test_a_vietnamese_excel_csv_with_title_numbering_and_total_rows_loads(wh):
    r = wh.load(corpus.good_csv_semicolon(wh.files))
    assert r.ok, load.report(r)
    assert wh.one(BUDGET, ["63", "79", 2022, "kcqg"]) == (Decimal("1234.5"), 1100, "imported")  # exact, not 1235
    assert wh.one(BUDGET, ["63", "46", 2022, "kcdp"]) == (2345, 2000, "imported")  # 'Thừa Thiên - Huế', 'địa phương'
    said = "\n".join(str(w) for w in r.warnings)
    assert "STT, Ghi chú" in said and "total row, skipped" in said and "rounded" not in said


def test_a_plain_csv_is_recognised_by_its_headers(wh):
    r = wh.load(corpus.good_staffing_csv(wh.files))
    assert r.ok and r.rows["staffing"] == 1
    assert wh.one("SELECT staff_total, staff_grassroots, origin FROM staffing_current WHERE unit_code='66' AND year=2022") == (20, 8, "imported")


def test_a_plain_workbook_in_dong_is_converted_to_trieu_dong(wh):
    r = wh.load(corpus.good_plain_workbook_in_dong(wh.files))
    assert r.ok, load.report(r)
    assert wh.one(BUDGET, ["63", "10", 2021, "kcdp"]) == (1500, 1450, "imported")


@pytest.mark.parametrize("written,expected", [
    ("1.234.567", 1234567), ("1.234,5", 1234.5), ("1234,5", 1234.5), ("12.5", 12.5), ("1 234 567", 1234567),
    ("1,234,567", 1234567), ("1,234.5", 1234.5), (1234.5, 1234.5), (7, 7), ("0", 0),
    ("1\u00a0234\u00a0567", 1234567), ("1\u202f234\u202f567", 1234567), ("-0", 0), ("1.234", 1234), ("1,234", 1.234),
    (1234.567, 1234.567),
])
def test_numbers_are_read_as_vietnamese_reports_write_them(written, expected):
    assert float(cells.number(written)) == pytest.approx(expected)


@pytest.mark.parametrize("written", ["1.2.3", "12,34,5", "abc", "1e5", "--", "1e308", "NaN", "∞", float("nan"),
                                     float("inf")])
def test_numbers_that_are_not_numbers_are_refused(written):
    with pytest.raises(cells.CellError):
        cells.number(written)


@pytest.mark.parametrize("header,factor", [
    ("Kế hoạch (tỷ đồng)", 1000), ("Kế hoạch (triệu đồng)", 1), ("Thực hiện (nghìn đồng)", 0.001),
    ("Thực hiện (đồng)", 0.000001), ("Kế hoạch (đơn vị: tỷ đồng)", 1000), ("Kế hoạch, tỷ đồng", 1000),
    ("Kế hoạch (Tr.đ)", 1), ("Kế hoạch [ngàn đồng]", 0.001),
])
def test_units_declared_in_headers(header, factor):
    name, unit = kinds.split_unit(header)
    assert cells.key(name) in ("ke hoach", "thuc hien")
    assert float(kinds.UNIT_FACTORS[cells.key(unit)]) == pytest.approx(factor)


@pytest.mark.parametrize("written,fund", [("KCQG", "kcqg"), ("KCĐP", "kcdp"), ("KCDP", "kcdp"), ("kcđp", "kcdp"),
                                          ("quốc gia", "kcqg"), ("Địa phương", "kcdp"), ("Khuyến công quốc gia", "kcqg")])
def test_fund_spellings(written, fund):
    assert cells.fund(written) == fund


# --------------------------------------------------------------------------- warnings: loaded, but shown

def test_actual_far_above_plan_loads_with_a_warning(wh):
    r = wh.load(corpus.filled(wh.files / "vuot.xlsx", corpus.budget("Hòa Bình", 2023, "KCQG", 1000, 1500)))
    assert r.ok and r.files[0].outcome == "loaded"
    [w] = [w for w in r.warnings if "plan" in w.message_en]
    assert (w.sheet, w.row, w.column) == ("Kinh phí", 2, "Thực hiện (triệu đồng)")
    assert "150%" in str(w) and "vượt xa kế hoạch" in str(w)
    assert wh.one(BUDGET, ["63", "17", 2023, "kcqg"]) == (1000, 1500, "imported")


def test_a_tenfold_jump_from_the_previous_year_loads_with_a_warning(wh):
    planned_2022 = wh.one(BUDGET, ["63", "17", 2022, "kcqg"])[0]
    r = wh.load(corpus.filled(wh.files / "tang-vot.xlsx",
                              corpus.budget("Hòa Bình", 2023, "KCQG", planned_2022 * 10, planned_2022 * 10)))
    assert r.ok
    jumps = [w for w in r.warnings if "in 2022" in w.message_en]
    assert {w.column for w in jumps} == {"Kế hoạch (triệu đồng)", "Thực hiện (triệu đồng)"}
    assert all(w.row == 2 and w.sheet == "Kinh phí" for w in jumps)
    assert f"{planned_2022} triệu đồng năm 2022" in str(jumps[0])


# --------------------------------------------------------------------------- bad files: rejected, clearly, and nothing changes

@pytest.mark.parametrize("case", corpus.BAD, ids=lambda c: c.name)
def test_a_bad_file_is_rejected_with_a_located_message_and_changes_nothing(wh, case):
    path = case.make(wh.files)
    before = wh.state()
    r = wh.load(path, **case.kwargs)
    assert [f.outcome for f in r.files] == ["rejected"] and not r.ok and not r.db_changed
    said = "\n".join(str(e) for e in r.errors)
    for word in case.expect:
        assert word in said, f"{word!r} not in:\n{said}"
    assert all(isinstance(e, DataError) for e in r.errors)
    assert wh.state() == before
    assert wh.one("SELECT count(*) FROM import_log") == (0,)


def test_errors_are_data_errors_with_file_sheet_row_and_column(wh):
    r = wh.load(corpus.filled(wh.files / "tinh-sai.xlsx", corpus.budget("Quang Nom", 2023, "KCQG", 100, 90)))
    [e] = r.errors
    assert (e.file, e.sheet, e.row, e.column) == ("tinh-sai.xlsx", "Kinh phí", 2, "Tỉnh/thành")
    assert "Quảng Nam" in e.message_vi and "Quảng Nam" in e.message_en


def test_one_bad_row_rejects_the_whole_file_and_every_error_is_listed(wh):
    path = corpus.filled(wh.files / "nhieu-loi.xlsx", {"Kinh phí": [
        ["Hòa Bình", 2023, "KCQG", 100, 90], ["Quang Nom", 2023, "KCQG", 1, 1], ["Hà Nội", 2031, "KCQG", 1, 1]]})
    before = wh.state()
    r = wh.load(path)
    assert [(e.row, e.column) for e in r.errors] == [(3, "Tỉnh/thành"), (4, "Năm")]
    assert wh.state() == before


def test_good_and_bad_files_in_one_load_are_decided_separately(wh):
    good = corpus.good_staffing_csv(wh.files)
    bad = corpus.filled(wh.files / "so-am.xlsx", corpus.budget("Hòa Bình", 2023, "KCQG", "-5", 90))
    r = wh.load(bad, good)
    assert [f.outcome for f in r.files] == ["rejected", "loaded"] and not r.ok
    assert wh.one("SELECT count(*) FROM import_log") == (1,)
    assert wh.one("SELECT count(*) FROM budget WHERE origin='imported'") == (0,)


# --------------------------------------------------------------------------- idempotent, ordered, kept across rebuilds

def test_loading_the_same_file_twice_changes_nothing_the_second_time(wh):
    path = corpus.good_template(wh.files)
    assert wh.load(path).files[0].outcome == "loaded"
    before = wh.state()
    again = shutil.copy(path, wh.files / "ban-sao-cung-noi-dung.xlsx")  # a new name does not make it a new file
    r = wh.load(path, Path(again))
    assert [f.outcome for f in r.files] == ["already loaded", "already loaded"] and r.ok and not r.db_changed
    assert wh.state() == before


def test_a_later_file_replaces_an_earlier_one_for_the_same_keys(wh):
    wh.load(corpus.filled(wh.files / "lan-1.xlsx", corpus.budget("Hòa Bình", 2023, "KCQG", 1200, 1100)))
    wh.load(corpus.filled(wh.files / "lan-2.xlsx", corpus.budget("Hoà Bình", 2023, "quốc gia", 1300, 1250)))
    rows = wh.all("SELECT origin, planned_mvnd FROM budget WHERE unit_code='17' AND year=2023 AND fund='kcqg' ORDER BY origin")
    assert [r[0] for r in rows] == ["demo", "imported"] and rows[1][1] == 1300  # one imported row, the latest
    build.build(wh.db, data_dir=wh.data, log=quiet)
    assert wh.one(BUDGET, ["63", "17", 2023, "kcqg"]) == (1300, 1250, "imported")


def _tables(db: Path) -> dict[str, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()  # noqa: S608 — fixed names
                for t in ("budget", "project", "staffing", "collaborators", "import_log", "source",
                          "calibration_check", "build_info")}
    finally:
        con.close()


def test_a_rebuild_replays_the_archive_into_the_same_database(wh):
    wh.load(corpus.good_template(wh.files))
    wh.load(corpus.good_csv_semicolon(wh.files), corpus.good_staffing_csv(wh.files))
    loaded = _tables(wh.db)
    build.build(wh.db, data_dir=wh.data, log=quiet)
    assert _tables(wh.db) == loaded
    assert wh.one(BUDGET, ["63", "17", 2023, "kcqg"]) == (1250, 1180, "imported")
    assert wh.one("SELECT count(*) FROM import_log WHERE outcome='loaded'") == (3,)


def test_an_altered_archive_stops_the_rebuild_and_keeps_the_database(wh):
    path = corpus.good_staffing_csv(wh.files)
    wh.load(path)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    (wh.archive / f"{sha}.csv").write_text("Tỉnh/thành,Năm,Tổng số cán bộ\nĐắc Lắc,2022,2000\n", encoding="utf-8")
    before = wh.db.read_bytes()
    with pytest.raises(DataError) as err:
        build.build(wh.db, data_dir=wh.data, log=quiet)
    assert "altered" in str(err.value) and "nhan-luc.csv" in str(err.value)
    assert wh.db.read_bytes() == before


def test_deleting_an_archived_import_and_rebuilding_undoes_it(wh):
    path = corpus.good_staffing_csv(wh.files)
    wh.load(path)
    for p in wh.archive.glob(hashlib.sha256(path.read_bytes()).hexdigest() + ".*"):
        p.unlink()
    build.build(wh.db, data_dir=wh.data, log=quiet)
    assert wh.one("SELECT origin FROM staffing_current WHERE unit_code='66' AND year=2022") == ("demo",)


# --------------------------------------------------------------------------- crashes leave everything as it was

def test_a_crash_after_inserting_leaves_the_database_unchanged(wh, monkeypatch):
    real_apply = archive.apply

    def apply_then_crash(con, parsed, manifest):
        real_apply(con, parsed, manifest)
        raise RuntimeError("simulated crash after inserting")

    monkeypatch.setattr(archive, "apply", apply_then_crash)
    before = wh.state()
    r = wh.load(corpus.good_template(wh.files))  # the file is rejected, not the run: others would still load
    assert [f.outcome for f in r.files] == ["rejected"] and "simulated crash" in str(r.errors[0])
    assert wh.state() == before


def test_a_crash_while_replacing_the_database_rolls_back_the_archive(wh, monkeypatch):
    def fail(tmp, db):
        raise OSError(errno.ENOSPC, "simulated: disk full")

    monkeypatch.setattr(warehouse, "commit", fail)
    before = wh.state()
    with pytest.raises(warehouse.StorageError, match="ổ đĩa đã đầy.*the disk is full"):
        wh.load(corpus.good_template(wh.files))
    assert wh.state() == before


def test_a_dry_run_checks_and_warns_but_changes_nothing(wh):
    before = wh.state()
    r = wh.load(corpus.filled(wh.files / "thu.xlsx", corpus.budget("Hòa Bình", 2023, "KCQG", 1000, 1500)), dry_run=True)
    assert r.files[0].outcome == "valid" and r.warnings and not r.db_changed
    assert wh.state() == before


def test_an_upload_given_as_name_and_bytes_keeps_its_name(wh):
    data = corpus.good_staffing_csv(wh.files).read_bytes()
    r = wh.load(("nhan-luc-tai-len.csv", data))
    assert r.ok and wh.one("SELECT file_name FROM import_log") == ("nhan-luc-tai-len.csv",)


# --------------------------------------------------------------------------- the command line

def test_cli_load_reports_and_exits_non_zero_on_a_rejection(wh):
    good = corpus.good_staffing_csv(wh.files)
    bad = corpus.filled(wh.files / "tinh-sai.xlsx", corpus.budget("Quang Nom", 2023, "KCQG", 100, 90))
    cmd = [sys.executable, "-m", "etl", "load", "--db", str(wh.db), "--data-dir", str(wh.data), "--by", "cli"]
    r = subprocess.run(cmd + [str(good)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "loaded: nhan-luc.csv" in r.stdout and "staffing 1" in r.stdout
    r = subprocess.run(cmd + [str(good), str(bad)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2
    assert "already loaded: nhan-luc.csv" in r.stdout and "rejected: tinh-sai.xlsx" in r.stdout
    assert "dòng 2" in r.stdout and "Quảng Nam" in r.stdout
    assert wh.one("SELECT imported_by FROM import_log") == ("cli",)
