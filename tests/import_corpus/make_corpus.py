"""Good and bad import files, written from code so that every case can be read here rather than opened in Excel.

Each BAD case names the words its rejection must contain (file, sheet, row, column, the reason in both languages);
each GOOD case is checked number by number in tests/test_imports.py. Run it to look at the files yourself:

    .venv/bin/python tests/import_corpus/make_corpus.py /tmp/corpus
"""
from __future__ import annotations

import io
import re
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import openpyxl

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from etl.reports.template import template_bytes  # noqa: E402


# --------------------------------------------------------------------------- writers

def template() -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(template_bytes()))


def save(wb: openpyxl.Workbook, path: Path, cached: dict[str, object] | None = None) -> Path:
    """Save; `cached` gives formula cells the value Excel would have stored on saving (openpyxl writes none)."""
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    if cached:
        data = _with_cached_values(data, cached)
    path.write_bytes(data)
    return path


def _with_cached_values(xlsx: bytes, cached: dict[str, object]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                text = data.decode("utf-8")
                for formula, value in cached.items():
                    text = text.replace(f"<f>{formula.lstrip('=')}</f><v></v>", f"<f>{formula.lstrip('=')}</f><v>{value}</v>")
                data = text.encode("utf-8")
            dst.writestr(info, data)
    return out.getvalue()


def filled(path: Path, rows: dict[str, list[list]], headers: dict[str, dict[str, str]] | None = None,
           cached: dict[str, object] | None = None) -> Path:
    """The template with `rows` appended to the named sheets and some headers rewritten (e.g. another unit)."""
    wb = template()
    for sheet, new in (headers or {}).items():
        for cell, text in new.items():
            wb[sheet][cell] = text
    for sheet, lines in rows.items():
        for line in lines:
            wb[sheet].append(line)
    return save(wb, path, cached)


def plain_workbook(path: Path, rows: list[list], title: str = "Sheet1") -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = title
    for line in rows:
        wb.active.append(line)
    return save(wb, path)


def text_file(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def budget(*line) -> dict[str, list[list]]:
    return {"Kinh phí": [list(line)]}


# --------------------------------------------------------------------------- good files

KHANH_HOA_NFD = unicodedata.normalize("NFD", "Khánh Hòa") + "   "


def good_template(d: Path) -> Path:
    """The template as a province fills it: one unit per header changed, an NFD name with trailing spaces, a blank
    row, a formula Excel has calculated, đề án by category name and by number, 2025 collaborators by new unit."""
    return filled(d / "bao-cao-hoa-binh-2023.xlsx", {
        "Kinh phí": [
            ["Tỉnh Hoà Bình", 2023, "KCQG", "1,25", "1.180.000"],  # 1,25 tỷ = 1250; 1.180.000 nghìn = 1180 triệu
            [None, None, None, None, None],
            [KHANH_HOA_NFD, 2023, "KCĐP", 2, "=1800*1000"],  # 2 tỷ = 2000; 1.800.000 nghìn = 1800 triệu
        ],
        "Đề án": [
            ["HB-01", "Hòa Bình", 2023, "KCQG", "Đào tạo nghề", "Đào tạo nghề dệt thổ cẩm", 750, 700],
            ["HB-02", "hoa binh", 2023, "kcqg", 3, "Mô hình máy sấy nông sản", "500", "480"],
        ],
        "Nhân lực": [["Hòa Bình", 2023, 14, 6]],
        "Cộng tác viên": [["Huế", 2025, None, None, 40, 45, None, 120]],
    }, headers={"Kinh phí": {"D1": "Kế hoạch (tỷ đồng)", "E1": "Thực hiện (nghìn đồng)"}},
        cached={"=1800*1000": 1800000})


def good_csv_semicolon(d: Path) -> Path:
    """What Excel in a Vietnamese locale saves as «CSV UTF-8»: BOM, ';', a title line, numbered columns, a total."""
    return text_file(d / "kinh-phi-2022.csv", "\ufeff" + "\n".join([
        "BÁO CÁO KINH PHÍ KHUYẾN CÔNG NĂM 2022;;;;;;",
        "STT;Tỉnh, thành phố;Năm;Nguồn kinh phí;Kinh phí kế hoạch (triệu đồng);Kinh phí thực hiện (triệu đồng);Ghi chú",
        "(1);(2);(3);(4);(5);(6);(7)",
        "1;TP HCM;2022;quốc gia;1.234,5;1.100;",
        "2;Thừa Thiên - Huế;2022;địa phương;2.345;2.000;đã quyết toán",
        ";;;;;;",
        ";Tổng cộng;2022;;3.579,5;3.100;",
    ]) + "\n")


def good_staffing_csv(d: Path) -> Path:
    """A plain comma CSV whose kind is told by its headers (staffing), units left out."""
    return text_file(d / "nhan-luc.csv", "Tỉnh/thành,Năm,Tổng số cán bộ,Cán bộ làm việc đến cơ sở\nĐắc Lắc,2022,20,8\n")


def good_plain_workbook_in_dong(d: Path) -> Path:
    """A workbook not made from the template: sheet 'Sheet1', amounts in đồng, as numbers and as text."""
    return plain_workbook(d / "lao-cai-dong.xlsx", [
        ["Tỉnh", "Năm", "Nguồn", "Kế hoạch (đồng)", "Thực hiện (đồng)"],
        ["Lào Cai", 2021, "KCDP", 1_500_000_000, "1.450.000.000"],
    ])


# --------------------------------------------------------------------------- bad files

@dataclass
class Bad:
    name: str
    make: Callable[[Path], Path]
    expect: list[str]  # every one must appear in the rejection
    kwargs: dict = field(default_factory=dict)


def _corrupt(d: Path) -> Path:
    whole = good_template(d)
    data = whole.read_bytes()
    whole.unlink()
    return text_file_bytes(d / "bi-hong.xlsx", data[: len(data) // 2])


def text_file_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _missing_column_xlsx(d: Path) -> Path:
    wb = template()
    wb["Kinh phí"].delete_cols(5)
    wb["Kinh phí"].append(["Hòa Bình", 2023, "KCQG", 100])
    return save(wb, d / "thieu-cot.xlsx")


BAD = [
    Bad("unknown province", lambda d: filled(d / "tinh-sai.xlsx", budget("Quang Nom", 2023, "KCQG", 100, 90)),
        ["tinh-sai.xlsx", "trang Kinh phí", "dòng 2", "row 2", "cột «Tỉnh/thành»", "«Quang Nom»", "Quảng Nam",
         "không nhận ra tỉnh/thành", "unknown province"]),
    Bad("former province in 2025", lambda d: filled(d / "tinh-cu-2025.xlsx", budget("Hà Giang", 2025, "KCQG", 100, 90)),
        ["tinh-cu-2025.xlsx", "dòng 2", "«Hà Giang»", "34 đơn vị mới", "Tuyên Quang", "former province"]),
    Bad("duplicate key", lambda d: filled(d / "trung.xlsx", {"Kinh phí": [
        ["Hoà Bình", 2023, "KCQG", 100, 90], ["Hà Nội", 2023, "KCQG", 100, 90], ["Tỉnh Hòa Bình", 2023, "kcqg", 5, 5]]}),
        ["trung.xlsx", "trang Kinh phí", "dòng 4", "row 4", "cột «Tỉnh/thành»", "trùng khóa", "duplicate key",
         "Hòa Bình, 2023, KCQG", "row 2"]),
    Bad("duplicate đề án code", lambda d: filled(d / "trung-ma.xlsx", {"Đề án": [
        ["DA-1", "Hòa Bình", 2023, "KCQG", 1, "a", 10, 9], ["DA-1", "Hòa Bình", 2023, "KCQG", 2, "b", 10, 9]]}),
        ["trang Đề án", "dòng 3", "cột «Mã đề án»", "DA-1", "duplicate key"]),
    Bad("negative amount", lambda d: filled(d / "so-am.xlsx", budget("Hòa Bình", 2023, "KCQG", "-5", 90)),
        ["so-am.xlsx", "dòng 2", "cột «Kế hoạch (triệu đồng)»", "«-5» là số âm", "is negative"]),
    Bad("negative number cell", lambda d: filled(d / "so-am-2.xlsx", budget("Hòa Bình", 2023, "KCQG", 100, -1)),
        ["cột «Thực hiện (triệu đồng)»", "số âm", "negative"]),
    Bad("non-numeric amount", lambda d: filled(d / "chu.xlsx", budget("Hòa Bình", 2023, "KCQG", 100, "khoảng 500")),
        ["chu.xlsx", "dòng 2", "cột «Thực hiện (triệu đồng)»", "«khoảng 500» không phải là số", "is not a number"]),
    Bad("empty amount", lambda d: filled(d / "o-trong.xlsx", budget("Hòa Bình", 2023, "KCQG", 100, None)),
        ["dòng 2", "cột «Thực hiện (triệu đồng)»", "ô trống", "empty"]),
    Bad("year out of range", lambda d: filled(d / "nam-2012.xlsx", budget("Hòa Bình", 2012, "KCQG", 100, 90)),
        ["nam-2012.xlsx", "dòng 2", "cột «Năm»", "năm 2012", "khoảng được hỗ trợ 2013–", "outside the supported range"]),
    Bad("year not a year", lambda d: filled(d / "nam-chu.xlsx", budget("Hòa Bình", "năm ngoái", "KCQG", 100, 90)),
        ["cột «Năm»", "«năm ngoái» không phải là năm", "is not a year"]),
    Bad("unknown fund", lambda d: filled(d / "nguon.xlsx", budget("Hòa Bình", 2023, "KCTW", 100, 90)),
        ["dòng 2", "cột «Nguồn (KCQG/KCĐP)»", "«KCTW»", "KCQG hoặc KCĐP", "not valid"]),
    Bad("unknown category", lambda d: filled(d / "noi-dung.xlsx", {"Đề án": [
        ["DA-1", "Hòa Bình", 2023, "KCQG", "Du lịch cộng đồng", "x", 10, 9]]}),
        ["trang Đề án", "dòng 2", "cột «Nội dung»", "chín nội dung", "nine activity types"]),
    Bad("missing column (csv)", lambda d: text_file(d / "thieu-cot.csv",
                                                    "Tỉnh/thành,Năm,Nguồn,Kế hoạch (triệu đồng)\nHòa Bình,2023,KCQG,100\n"),
        ["thieu-cot.csv", "dòng 1", "row 1", "cột «Thực hiện (triệu đồng)»", "thiếu cột bắt buộc", "required column"]),
    Bad("missing column (sheet)", _missing_column_xlsx,
        ["thieu-cot.xlsx", "trang Kinh phí", "dòng 1", "«Thực hiện (triệu đồng)»", "required column"]),
    Bad("duplicated column", lambda d: plain_workbook(d / "cot-lap.xlsx", [
        ["Tỉnh", "Năm", "Nguồn", "Kế hoạch", "Thực hiện", "Kế hoạch (tỷ đồng)"], ["Hòa Bình", 2023, "KCQG", 1, 1, 1]]),
        ["dòng 1", "cột «Kế hoạch (tỷ đồng)»", "hai lần", "appears twice"]),
    Bad("unknown unit", lambda d: filled(d / "usd.xlsx", budget("Hòa Bình", 2023, "KCQG", 100, 90),
                                         headers={"Kinh phí": {"D1": "Kế hoạch (USD)"}}),
        ["trang Kinh phí", "dòng 1", "cột «Kế hoạch (USD)»", "«USD»", "not supported"]),
    Bad("uncalculated formula", lambda d: filled(d / "cong-thuc.xlsx", budget("Hòa Bình", 2023, "KCQG", "=100*2", 90)),
        ["cong-thuc.xlsx", "trang Kinh phí", "dòng 2", "cột «Kế hoạch (triệu đồng)»", "=100*2", "công thức",
         "no calculated value", "save it"]),
    Bad("grassroots above total", lambda d: filled(d / "can-bo.xlsx", {"Nhân lực": [["Hòa Bình", 2023, 10, 12]]}),
        ["trang Nhân lực", "dòng 2", "cột «Cán bộ làm việc đến cơ sở (người)»", "12", "exceeds"]),
    Bad("fractional head count", lambda d: text_file(d / "nua-nguoi.csv",
                                                     "Tỉnh/thành;Năm;Tổng số cán bộ (người)\nHòa Bình;2023;12,5\n"),
        ["nua-nguoi.csv", "dòng 2", "cột «Tổng số cán bộ (người)»", "«12,5»", "whole number"]),
    Bad("bad row on a second sheet", lambda d: filled(d / "trang-hai.xlsx", {
        "Kinh phí": [["Hòa Bình", 2023, "KCQG", 100, 90]], "Nhân lực": [["Hòa Bình", 2023, "mười", 5]]}),
        ["trang Nhân lực", "dòng 2", "«mười»", "not a number"]),
    Bad("empty template", lambda d: save(template(), d / "mau-trong.xlsx"),
        ["mau-trong.xlsx", "không có dòng số liệu", "no data rows"]),
    Bad("unrecognised csv", lambda d: text_file(d / "la.csv", "a,b,c\n1,2,3\n"),
        ["la.csv", "dòng 1", "cannot tell the kind of data"]),
    Bad("not a workbook", lambda d: text_file(d / "khong-phai.xlsx", "đây là văn bản, không phải bảng tính"),
        ["khong-phai.xlsx", "không phải là bảng tính Excel", "not a valid Excel workbook"]),
    Bad("corrupt workbook", _corrupt, ["bi-hong.xlsx", "bị hỏng", "corrupt"]),
    Bad("old .xls", lambda d: text_file_bytes(d / "cu.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512),
        ["cu.xls", "Excel 97–2003", "save it as .xlsx"]),
    Bad("unsupported type", lambda d: text_file(d / "bao-cao.pdf", "%PDF-1.4"), ["bao-cao.pdf", "unsupported file type"]),
    Bad("csv in western code page", lambda d: text_file(d / "windows.csv",
                                                        "Tinh,Nam,Nguon,Ke hoach,Thuc hien\nHòa Bình,2023,KCQG,1,1\n",
                                                        "cp1252"),
        ["windows.csv", "không phải UTF-8", "Windows-1258", "CSV UTF-8", "dòng 2", "cột «Tinh»"]),
    Bad("csv in no known encoding", lambda d: text_file_bytes(d / "ma-la.csv", (
        "Tỉnh/thành,Năm,Tổng số cán bộ\nĐắk Lắk,2023,12\n".encode("utf-8") + b"\x81\x8d,2023,1\n")),
        ["ma-la.csv", "không phải mã UTF-8, UTF-16 hay Windows-1258", "byte", "CSV UTF-8"]),
    Bad("oversize file", lambda d: text_file(d / "qua-lon.csv", "Tỉnh/thành,Năm\n" + "\n" * (10 * 1024 * 1024 + 1)),
        ["qua-lon.csv", "tệp quá lớn", "file too large", "10 MB"]),
    Bad("over a configured limit", lambda d: good_staffing_csv(d), ["nhan-luc.csv", "too large", "the limit is"],
        kwargs={"max_bytes": 20}),
]


def write_all(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    made = [good_template(out), good_csv_semicolon(out), good_staffing_csv(out), good_plain_workbook_in_dong(out)]
    for case in BAD:
        sub = out / "bad" / re.sub(r"[^a-z0-9]+", "-", case.name)
        sub.mkdir(parents=True, exist_ok=True)
        made.append(case.make(sub))
    return made


if __name__ == "__main__":
    for p in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")):
        print(p)
