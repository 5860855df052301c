"""The import template: one sheet per kind of data, Vietnamese headers with units, dropdown lists and a bilingual
README sheet. Sheets and headers come from kinds.KINDS, the same table the loader reads, so a filled
template always loads."""
from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from .. import vocabulary
from ..names import resolver
from ..vocabulary import CONTENT_CATEGORIES, FIRST_YEAR, FUNDS, REFORM_YEAR
from .kinds import KINDS
from .parse import MAX_BYTES

ROWS = 2000  # rows that carry dropdowns; more can be typed, they are simply not validated by Excel
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WIDTHS = {"province": 24, "year": 8, "fund": 14, "category": 44, "money": 20, "count": 16, "text": 40, "code": 14}


def template_bytes() -> bytes:
    """The template as .xlsx bytes, for a download button."""
    buf = io.BytesIO()
    _workbook().save(buf)
    return buf.getvalue()


def write_template(path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(template_bytes())
    return path


def _workbook() -> Workbook:
    wb = Workbook()
    readme = wb.active
    readme.title = "README"
    _readme(readme)
    _lists(wb)
    for kind in KINDS.values():
        ws = wb.create_sheet(kind.sheet)
        _data_sheet(ws, kind)
    return wb


def _lists(wb: Workbook) -> None:
    """Hidden sheet behind the dropdowns: a province list per era, years, funds, the nine categories."""
    ws = wb.create_sheet("lists")
    ws.sheet_state = "hidden"
    columns = {
        "tinh_63": ("Tỉnh/thành đến 2024 (63)", list(resolver("63").names.values())),
        "tinh_34": (f"Tỉnh/thành từ {REFORM_YEAR} (34)", list(resolver("34").names.values())),
        "nam": ("Năm", list(range(FIRST_YEAR, vocabulary.last_import_year() + 1))),
        "nguon": ("Nguồn", [f[0] for f in FUNDS.values()]),
        "noi_dung": ("Nội dung", [c[1] for c in CONTENT_CATEGORIES]),
    }
    for c, (name, (title, values)) in enumerate(columns.items(), start=1):
        ws.cell(1, c, title).font = Font(bold=True)
        for r, v in enumerate(values, start=2):
            ws.cell(r, c, v)
        letter = get_column_letter(c)
        wb.defined_names[name] = DefinedName(name, attr_text=f"lists!${letter}$2:${letter}${len(values) + 1}")


def _validation(ws, formula: str, cells: str, strict: bool, prompt: str, type_="list", **kw) -> None:
    # Strict only where the loader accepts nothing else (years); elsewhere a warning lets people type the other
    # spellings the loader understands (TP HCM, quốc gia, a shortened category name).
    dv = DataValidation(type=type_, formula1=formula, allow_blank=True, showErrorMessage=True,
                        errorStyle="stop" if strict else "warning", **kw)
    dv.error = prompt
    dv.errorTitle = "Kiểm tra / Check"
    ws.add_data_validation(dv)
    dv.add(cells)


def _data_sheet(ws, kind) -> None:
    letters = {c.field: get_column_letter(i) for i, c in enumerate(kind.columns, start=1)}
    for i, col in enumerate(kind.columns, start=1):
        cell = ws.cell(1, i, col.header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS[col.type]
        rng = f"{letters[col.field]}2:{letters[col.field]}{ROWS}"
        if col.type == "province":
            # The list follows the row's year: the 63 provinces until 2024, the 34 units from 2025.
            _validation(ws, f"IF(${letters['year']}2>={REFORM_YEAR},tinh_34,tinh_63)", rng, False,
                        "Tên không có trong danh sách; các cách viết khác (TP HCM, Hoà Bình…) vẫn được chấp nhận "
                        "khi nạp. / Not in the list; other spellings are still accepted when loading.")
        elif col.type == "year":
            _validation(ws, "nam", rng, True,
                        f"Năm phải từ {FIRST_YEAR} đến {vocabulary.last_import_year()}. / "
                        f"Year must be {FIRST_YEAR}–{vocabulary.last_import_year()}.")
        elif col.type == "fund":
            _validation(ws, "nguon", rng, False, "Chọn KCQG hoặc KCĐP. / Choose KCQG or KCĐP.")
        elif col.type == "category":
            _validation(ws, "noi_dung", rng, False,
                        "Chọn một trong chín nội dung. / Choose one of the nine categories.")
        elif col.type in ("money", "count"):
            _validation(ws, "0", rng, False, "Số không âm. / A non-negative number.",
                        type_="decimal" if col.type == "money" else "whole", operator="greaterThanOrEqual")
    ws.row_dimensions[1].height = 45
    ws.freeze_panes = "A2"


MB = MAX_BYTES // (1024 * 1024)
README_VI = [
    "Điền số liệu vào các trang Kinh phí, Đề án, Nhân lực, Cộng tác viên, Đào tạo, hỗ trợ (để trống trang không có "
    "số liệu), rồi nạp "
    "tệp bằng trang «Nạp số liệu» của ứng dụng hoặc lệnh: python -m etl load TỆP.xlsx",
    "• Mỗi dòng một tỉnh/thành và một năm (và một nguồn với Kinh phí). Năm đến 2024 dùng tên 63 tỉnh cũ; từ "
    f"{REFORM_YEAR} dùng tên 34 đơn vị mới. Mọi cách viết thông dụng đều được (Hoà Bình, Hòa Bình, Tỉnh Hòa Bình, "
    "TP HCM…). Dòng «Tổng cộng» được bỏ qua.",
    f"• Năm từ {FIRST_YEAR} đến năm sau năm hiện tại (kế hoạch năm sau được nạp trước; cột Thực hiện để trống cho "
    "năm chưa bắt đầu, và có thể để trống cho năm chưa kết thúc). Nguồn: KCQG (khuyến công quốc gia) hoặc KCĐP "
    "(khuyến công địa phương).",
    "• Số tiền tính bằng triệu đồng. Nếu số liệu tính bằng đơn vị khác, sửa đơn vị trong tiêu đề cột, ví dụ "
    "«Kế hoạch (tỷ đồng)», «Thực hiện (nghìn đồng)» hoặc «(đồng)»; số được đổi ra triệu đồng, giữ chính xác đến "
    "nghìn đồng (3 chữ số thập phân), không làm tròn; số lẻ hơn nghìn đồng bị từ chối.",
    "• Viết số kiểu Việt Nam (1.234.567 hoặc 1.234,5) hoặc nhập số trực tiếp vào ô. Không nhập số âm. Kinh phí và "
    "đề án cần đủ cả kế hoạch và thực hiện; nhân lực, cộng tác viên, người được đào tạo và cơ sở được hỗ trợ có thể "
    "để trống ô chưa có số liệu (cấp huyện để trống từ năm 2025). Xóa những dòng chỉ có tên tỉnh và năm mà không có số liệu.",
    "• Ô có công thức phải được Excel tính sẵn: mở tệp bằng Excel và lưu lại trước khi nạp.",
    f"• Tệp tối đa {MB} MB. Nếu có bất kỳ lỗi nào, cả tệp bị từ chối và cơ sở dữ liệu giữ nguyên; thông báo lỗi ghi "
    "rõ trang, dòng và cột. Nạp lại cùng một tệp không thay đổi gì. Tệp nạp sau thay số liệu nạp trước cho cùng "
    "tỉnh, năm (và nguồn); đề án nạp vào thay toàn bộ đề án minh họa của cùng tỉnh, năm và nguồn.",
]
README_EN = [
    "Fill the sheets Kinh phí (budgets), Đề án (projects), Nhân lực (staffing), Cộng tác viên (collaborator "
    "networks) and Đào tạo, hỗ trợ (people trained, establishments supported) — leave a sheet empty if you have no data for it — and load the file from the app's upload page or "
    "with: python -m etl load FILE.xlsx",
    "• One row per province and year (and fund, for budgets). Years up to 2024 use the 63 former provinces; from "
    f"{REFORM_YEAR} the 34 new units. Any common spelling of a name is accepted. «Tổng cộng» (total) rows are skipped.",
    f"• Years from {FIRST_YEAR} to next year (next year's plan may be loaded; leave Thực hiện blank for a year that "
    "has not begun, and it may be blank for a year that has not ended). Fund: KCQG (national) or KCĐP (local).",
    "• Amounts are in triệu đồng (million VND). If yours are in another unit, change the unit in the header, e.g. "
    "«Kế hoạch (tỷ đồng)», «Thực hiện (nghìn đồng)» or «(đồng)»; values are converted to triệu đồng exactly, to "
    "the nghìn đồng (3 decimals), never rounded; finer amounts are refused.",
    "• Write numbers the Vietnamese way (1.234.567 or 1.234,5) or as plain numbers in the cell. No negative numbers. "
    "Budgets and projects need both plan and actual; staffing, collaborator, people-trained and establishment cells "
    "may be left blank when unknown "
    "(district level is blank from 2025). Delete rows that have a province and year but no figures.",
    "• Formula cells must carry a value calculated by Excel: open the file in Excel and save it before loading.",
    f"• Up to {MB} MB. Any error rejects the whole file and leaves the database unchanged; messages name the sheet, "
    "row and column. Loading the same file twice changes nothing. A later file replaces an earlier one's figures for "
    "the same province, year (and fund); imported projects replace all demo projects of that province, year and fund.",
]


def _readme(ws) -> None:
    lines = ([("MẪU NHẬP SỐ LIỆU KHUYẾN CÔNG", "title")] + [(t, None) for t in README_VI] + [("", None)]
             + [("KHUYẾN CÔNG DATA IMPORT TEMPLATE", "title")] + [(t, None) for t in README_EN] + [("", None)]
             + [("Cột / Columns", "title")])
    for r, (text, style) in enumerate(lines, start=1):
        c = ws.cell(r, 1, text)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)
        ws.row_dimensions[r].height = 15 * (1 + len(text) // 150)  # Excel does not fit merged rows itself
        if style:
            c.font = Font(bold=True, size=13)
    r = len(lines) + 1
    for i, h in enumerate(("Trang / Sheet", "Cột / Column", "Ý nghĩa", "Meaning", "Bắt buộc / Required"), start=1):
        ws.cell(r, i, h).font = Font(bold=True)
    for kind in KINDS.values():
        for col in kind.columns:
            r += 1
            required = "có / yes" if not col.blank_ok else "không / no"
            for i, v in enumerate((kind.sheet, col.header, col.help_vi, col.help_en, required), start=1):
                ws.cell(r, i, v).alignment = Alignment(wrap_text=True, vertical="top")
    r += 2
    ws.cell(r, 1, "Nội dung khuyến công / Activity types").font = Font(bold=True)
    for i, (_, vi, en) in enumerate(CONTENT_CATEGORIES, start=1):
        ws.cell(r + i, 1, i)
        ws.cell(r + i, 2, vi)
        ws.cell(r + i, 3, en)
    for letter, width in zip("ABCDE", (16, 34, 50, 44, 16)):
        ws.column_dimensions[letter].width = width
