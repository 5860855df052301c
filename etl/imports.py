"""Imported real reports: the four kinds of data a province reports (budgets, đề án, staffing, collaborator
networks), read from a filled template or a plain CSV/XLSX, checked cell by cell, and applied to the warehouse —
once by `etl/load.py` when a user loads a file, and again on every rebuild from the archive in data/imports/.

Parsing is pure (bytes in, rows or located errors out) so that a load and a rebuild read a file identically.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd

from .common import FIRST_YEAR, FUNDS, DataError, Located, era_of, year_has_begun, year_has_ended
# reading single cells lives in cells.py; the short private names keep this module's row logic readable
from .cells import CellError as _Bad
from .cells import Uncalculated, key, number_convention, shown
from .cells import amount as _amount
from .cells import category as _category
from .cells import clean_text as _text
from .cells import count as _whole
from .cells import fund as _fund
from .cells import is_blank as _blank
from .cells import province as _province
from .cells import year as _year
from .names import fold, predecessors, resolver

MAX_BYTES = 10 * 1024 * 1024  # a province's yearly report is a few hundred KB; 10 MB leaves room, stops accidents
MAX_ROWS = 100_000  # per sheet: far above 63 provinces × 13 years × thousands of đề án
MAX_ERRORS = 50  # enough to fix a file in one go without burying the first message
HEADER_SEARCH_ROWS = 10  # real reports put a title above the table
PLAN_OVERRUN = Decimal("1.2")  # actual above 120 % of plan is worth a second look

# --------------------------------------------------------------------------- what a file may contain


@dataclass(frozen=True)
class Column:
    field: str  # the warehouse column it fills ('province' and 'year' become era, unit_code, year)
    header: str  # the template's header, with its unit
    type: str  # province | year | fund | category | money | count | text | code
    help_vi: str
    help_en: str
    aliases: tuple[str, ...] = ()  # other header spellings seen in reports (units stripped, compared folded)
    required: bool = True  # the column must be present
    blank_ok: bool = False  # a cell may be empty (stored as NULL)

    @property
    def name(self) -> str:
        """The header without its unit: 'Kế hoạch (triệu đồng)' → 'Kế hoạch'."""
        return _split_unit(self.header)[0]


@dataclass(frozen=True)
class Kind:
    table: str
    sheet: str  # the template's sheet name
    sheet_aliases: tuple[str, ...]
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # no two rows of one file may share it
    title_vi: str
    title_en: str


PROVINCE = Column("province", "Tỉnh/thành", "province",
                  "Tên tỉnh/thành: 63 tỉnh cũ đến năm 2024, 34 đơn vị mới từ năm 2025; mọi cách viết thông dụng",
                  "Province name: the 63 provinces until 2024, the 34 units from 2025; any common spelling",
                  ("tinh thanh pho", "tinh tp", "tinh", "thanh pho", "dia phuong", "don vi", "ten tinh", "province",
                   "unit", "unit code", "province code"))
YEAR = Column("year", "Năm", "year",
              f"Năm báo cáo, từ {FIRST_YEAR} đến năm sau năm hiện tại (kế hoạch lập trước một năm)",
              f"Reporting year, from {FIRST_YEAR} to next year (plans are made a year ahead)", ("nam bao cao", "year"))
FUND = Column("fund", "Nguồn (KCQG/KCĐP)", "fund", "KCQG (khuyến công quốc gia) hoặc KCĐP (khuyến công địa phương)",
              "KCQG (national funds) or KCĐP (local funds)", ("nguon kinh phi", "nguon von", "fund"))
PLANNED = Column("planned_mvnd", "Kế hoạch (triệu đồng)", "money", "Kinh phí kế hoạch", "Planned funds",
                 ("kinh phi ke hoach", "ke hoach kinh phi", "kh", "du toan", "planned", "planned mvnd"))
ACTUAL = Column("actual_mvnd", "Thực hiện (triệu đồng)", "money",
                "Kinh phí thực hiện (giải ngân); để trống cho năm chưa kết thúc nếu chưa có",
                "Funds actually spent; may be blank for a year that has not ended",
                ("kinh phi thuc hien", "thuc hien kinh phi", "th", "giai ngan", "quyet toan",
                                         "actual", "actual mvnd"))



def _count(field_: str, header: str, help_vi: str, help_en: str, *aliases: str) -> Column:
    """A head or place count. Any may be blank or absent: reports often give some and not others, and district
    counts end with the districts on 1/7/2025."""
    return Column(field_, header, "count", help_vi, help_en, aliases, required=False, blank_ok=True)


KINDS: dict[str, Kind] = {k.table: k for k in (
    Kind("budget", "Kinh phí", ("kinh phi", "ngan sach", "budget"), (PROVINCE, YEAR, FUND, PLANNED, ACTUAL),
         ("unit_code", "year", "fund"), "Kinh phí khuyến công theo tỉnh, năm và nguồn",
         "Khuyến công funds by province, year and fund"),
    Kind("project", "Đề án", ("de an", "project"), (
        Column("project_code", "Mã đề án", "code", "Mã đề án do tỉnh đặt (để trống được)",
               "The province's project code (may be blank)", ("ma", "ma so", "ma de an", "project code", "project id"),
               required=False, blank_ok=True),
        PROVINCE, YEAR, FUND,
        Column("category_id", "Nội dung", "category", "Một trong chín nội dung khuyến công (NĐ 45/2012, Điều 4)",
               "One of the nine activity types (Decree 45/2012, art. 4)",
               ("noi dung khuyen cong", "noi dung hoat dong", "linh vuc", "category")),
        Column("title_vi", "Tên đề án", "text", "Tên đề án", "Project title", ("ten", "ten de an", "title"),
               required=False, blank_ok=True),
        PLANNED, ACTUAL), ("project_id",), "Đề án khuyến công", "Khuyến công projects (đề án)"),
    Kind("staffing", "Nhân lực", ("nhan luc", "can bo", "staffing"), (
        PROVINCE, YEAR,
        _count("staff_total", "Tổng số cán bộ (người)", "Tổng số cán bộ làm công tác khuyến công",
               "Total khuyến công staff", "tong so can bo", "tong can bo"),
        _count("staff_grassroots", "Cán bộ làm việc đến cơ sở (người)", "Số cán bộ làm việc trực tiếp đến cơ sở",
               "Staff working directly with establishments", "can bo co so", "can bo lam viec tai co so")),
         ("unit_code", "year"), "Nhân lực khuyến công", "Khuyến công staffing"),
    Kind("collaborators", "Cộng tác viên", ("cong tac vien", "ctv", "collaborators"), (
        PROVINCE, YEAR,
        _count("districts_covered", "Số huyện có CTV", "Số huyện có cộng tác viên khuyến công",
               "Districts with collaborators", "so huyen co cong tac vien"),
        _count("collaborators_district", "CTV cấp huyện (người)", "Số cộng tác viên cấp huyện",
               "District-level collaborators", "cong tac vien cap huyen"),
        _count("communes_covered", "Số xã có CTV", "Số xã có cộng tác viên khuyến công",
               "Communes with collaborators", "so xa co cong tac vien"),
        _count("collaborators_commune", "CTV cấp xã (người)", "Số cộng tác viên cấp xã",
               "Commune-level collaborators", "cong tac vien cap xa"),
        _count("districts_total", "Tổng số huyện", "Tổng số huyện của tỉnh (để trống từ 2025)",
               "All districts of the province (blank from 2025)"),
        _count("communes_total", "Tổng số xã", "Tổng số xã của tỉnh", "All communes of the province")),
         ("unit_code", "year"), "Mạng lưới cộng tác viên khuyến công", "Collaborator networks"),
)}
TABLES = tuple(KINDS)
SKIPPED_SHEETS = ("readme", "huong dan", "lists", "danh muc")  # the template's own instruction and list sheets
COVERAGE_PAIRS = (("staff_grassroots", "staff_total"), ("districts_covered", "districts_total"),
                  ("communes_covered", "communes_total"))

# Units a money header may declare, in triệu đồng per unit.
UNIT_FACTORS = {
    "dong": Decimal("0.000001"), "vnd": Decimal("0.000001"),
    "nghin dong": Decimal("0.001"), "ngan dong": Decimal("0.001"), "1000 dong": Decimal("0.001"),
    "trieu dong": Decimal(1), "trieu": Decimal(1), "tr dong": Decimal(1), "tr d": Decimal(1), "trd": Decimal(1),
    "million vnd": Decimal(1), "mvnd": Decimal(1),
    "ty dong": Decimal(1000), "ty": Decimal(1000), "ti dong": Decimal(1000), "billion vnd": Decimal(1000),
}
TOTAL_ROWS = {"tong", "tong cong", "cong", "tong so", "ca nuoc", "total"}


def _split_unit(header: str) -> tuple[str, str | None]:
    """'Kế hoạch (tỷ đồng)' → ('Kế hoạch', 'tỷ đồng'); also 'Kế hoạch, tỷ đồng' and 'Kế hoạch [đơn vị: đồng]'."""
    h = unicodedata.normalize("NFC", str(header)).strip()
    m = re.fullmatch(r"(.*?)\s*[(\[]([^)\]]*)[)\]]\s*", h)
    if m:
        unit = re.sub(r"^\s*(đơn vị|đvt|dvt|unit)\s*[:.]?\s*", "", m.group(2), flags=re.I)
        return m.group(1).strip(), unit.strip()
    m = re.fullmatch(r"(.*?)\s*(?:,|\s-\s|\s–\s)\s*([^,]+)", h)
    if m and key(m.group(2)) in UNIT_FACTORS:
        return m.group(1).strip(), m.group(2).strip()
    return h, None


# --------------------------------------------------------------------------- parsed files


@dataclass
class DataWarning(Located):
    """Something worth a second look in a file that was loaded anyway; located like a DataError."""


@dataclass
class ParsedFile:
    name: str  # as the user named it; every message uses it
    sha256: str
    suffix: str  # '.xlsx' or '.csv': the format found in the bytes, not the name
    tables: dict[str, list[dict]] = field(default_factory=lambda: {t: [] for t in TABLES})
    headers: dict[tuple[str | None, str], str] = field(default_factory=dict)  # (sheet, field) → header as written
    warnings: list[DataWarning] = field(default_factory=list)
    errors: list[DataError] = field(default_factory=list)
    # text numbers whose separators tell the convention: (sheet, row, column, text, 'en' | 'ambiguous')
    conventions: list[tuple] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {t: len(rows) for t, rows in self.tables.items()}

    def error(self, vi: str, en: str, row=None, column=None, sheet=None) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(DataError(self.name, vi, en, row=row, column=column, sheet=sheet))

    def warn(self, vi: str, en: str, row=None, column=None, sheet=None) -> None:
        self.warnings.append(DataWarning(self.name, vi, en, row=row, column=column, sheet=sheet))


class _Fatal(Exception):
    """The file cannot be read at all; carries the one error to report."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def source_id(sha256: str) -> str:
    return f"import:{sha256[:12]}"


def parse(name: str, data: bytes, max_bytes: int | None = MAX_BYTES, label: str | None = None) -> ParsedFile:
    """Every row of a filled template or plain CSV/XLSX, or the located errors that reject it (all of the file).
    `name` tells a CSV by its extension; messages call the file `label`, by default its name."""
    parsed = ParsedFile(label or name, sha256_of(data), ".csv")
    try:
        if max_bytes is not None and len(data) > max_bytes:
            raise _Fatal(*too_big(len(data), max_bytes))
        if data[:4] == b"PK\x03\x04":
            parsed.suffix = ".xlsx"
            sheets = _xlsx_sheets(data)
        elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise _Fatal("đây là tệp Excel 97–2003 (.xls); hãy mở bằng Excel và lưu thành .xlsx",
                         "this is an Excel 97–2003 file (.xls); open it in Excel and save it as .xlsx")
        elif Path(name).suffix.lower() in (".xlsx", ".xlsm"):
            raise _Fatal(*NOT_A_WORKBOOK)
        elif Path(name).suffix.lower() in (".csv", ".txt"):
            sheets = [(None, _csv_rows(data))]
        else:
            raise _Fatal(f"không nhận dạng tệp «{Path(name).suffix or name}»; chỉ nhận .xlsx hoặc .csv",
                         f"unsupported file type «{Path(name).suffix or name}»; only .xlsx and .csv are accepted")
    except _Fatal as e:
        parsed.error(*e.args)
        return parsed
    dup_seen: dict[tuple, int] = {}
    for sheet, rows in sheets:
        _parse_sheet(parsed, sheet, rows, dup_seen)
    _check_number_conventions(parsed)
    _check_names_across_the_reform(parsed)
    if not parsed.errors and not any(parsed.tables.values()):
        parsed.error("không có dòng số liệu nào (tệp trống hoặc không nhận ra trang/cột nào)",
                     "no data rows found (the file is empty or no sheet/columns were recognised)")
    if not parsed.errors:
        _check_projects_match_budgets(parsed)
    return parsed


def too_big(size: int, limit: int) -> tuple[str, str]:
    mb, lim = size / 1024 / 1024, limit / 1024 / 1024
    return (f"tệp quá lớn ({mb:.1f} MB; giới hạn {lim:g} MB)", f"file too large ({mb:.1f} MB; the limit is {lim:g} MB)")


NOT_A_WORKBOOK = ("tệp không phải là bảng tính Excel (.xlsx) hợp lệ hoặc đã bị hỏng; hãy mở bằng Excel và lưu lại",
                  "the file is not a valid Excel workbook (.xlsx) or is corrupt; open it in Excel and save it again")


# --------------------------------------------------------------------------- reading the bytes

def _xlsx_sheets(data: bytes) -> list[tuple[str, list[tuple]]]:
    """(sheet name, rows) per sheet. Values come from the cached results Excel stores; formula cells without one
    become Uncalculated — openpyxl cannot evaluate formulas, and guessing would load wrong numbers."""
    try:
        values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as e:  # zipfile, XML and openpyxl's own errors all mean the same to a user: unreadable
        raise _Fatal(*NOT_A_WORKBOOK) from e
    out = []
    try:
        for ws_v, ws_f in zip(values.worksheets, formulas.worksheets):
            if key(ws_v.title) in SKIPPED_SHEETS:
                continue
            ws_v.reset_dimensions()  # files from some generators declare a wrong size; read to the real end
            ws_f.reset_dimensions()
            rows = []
            pairs = zip(ws_v.iter_rows(values_only=True), ws_f.iter_rows(values_only=True))
            for n, (rv, rf) in enumerate(pairs, start=1):
                if n > MAX_ROWS:
                    raise _Fatal(f"trang «{ws_v.title}» có quá {MAX_ROWS} dòng",
                                 f"sheet «{ws_v.title}» has over {MAX_ROWS} rows")
                rows.append(tuple(Uncalculated(str(getattr(f, "text", f))) if v is None and _is_formula(f) else v
                                  for v, f in zip(rv, rf)))
            out.append((ws_v.title, rows))
    except _Fatal:
        raise
    except Exception as e:  # a sheet part that does not parse
        raise _Fatal(*NOT_A_WORKBOOK) from e
    finally:
        values.close()
        formulas.close()
    return out


def _is_formula(v) -> bool:
    return (isinstance(v, str) and v.startswith("=")) or type(v).__name__ in ("ArrayFormula", "DataTableFormula")


def _csv_rows(data: bytes) -> list[tuple]:
    if b"\x00" in data[:4096]:
        raise _Fatal("tệp CSV không đọc được (có thể là UTF-16); hãy lưu bằng Excel với kiểu «CSV UTF-8»",
                     "the CSV cannot be read (perhaps UTF-16); save it from Excel as «CSV UTF-8»")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise _Fatal(f"tệp CSV không phải mã UTF-8 (byte lỗi ở vị trí {e.start}); "
                     "hãy lưu bằng Excel với kiểu «CSV UTF-8»",
                     f"the CSV is not UTF-8 (bad byte at offset {e.start}); save it from Excel as «CSV UTF-8»") from e
    # Excel in a Vietnamese locale separates with ';' because ',' is the decimal mark. The header is the line with
    # the most separators, wherever a title line puts it.
    top = text.splitlines()[:HEADER_SEARCH_ROWS]
    delimiter = max((",", ";", "\t"), key=lambda d: max((line.count(d) for line in top), default=0))
    try:
        rows = [tuple(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as e:
        raise _Fatal(f"tệp CSV không đọc được ({e})", f"the CSV cannot be read ({e})") from e
    if len(rows) > MAX_ROWS:
        raise _Fatal(f"tệp có quá {MAX_ROWS} dòng", f"the file has over {MAX_ROWS} rows")
    return rows


# --------------------------------------------------------------------------- sheets → rows

def _sheet_kind(sheet: str | None) -> Kind | None:
    if sheet is None:
        return None
    k = key(sheet)
    for kind in KINDS.values():
        if any(k == a or k.startswith(a + " ") for a in kind.sheet_aliases):
            return kind
    return None


def _column_keys(col: Column) -> set[str]:
    return {key(col.name), key(col.field), *col.aliases}


def _match_header(cells: tuple, kind: Kind) -> dict[int, Column]:
    """Which cell of a header row holds which column of `kind`."""
    found: dict[int, Column] = {}
    for i, cell in enumerate(cells):
        if _blank(cell):
            continue
        name = key(_split_unit(str(cell))[0])
        for col in kind.columns:
            if name in _column_keys(col) and col not in found.values():
                found[i] = col
                break
    return found


def _find_header(rows: list[tuple], kinds: list[Kind], named: bool) -> tuple[int, Kind, dict[int, Column]] | None:
    """The first of the top rows that looks like a header, and the kind it best fits (a tie goes to the kind with
    fewer columns: a budget table is not a đề án table missing three columns). On a sheet named after its kind two
    known headers suffice, so that a missing column is reported as missing; elsewhere a province column and two
    more are needed before a row counts as a header."""
    for n, cells in enumerate(rows[:HEADER_SEARCH_ROWS], start=1):
        best = None
        for kind in kinds:
            m = _match_header(cells, kind)
            if len(m) < 2 if named else (PROVINCE not in m.values() or len(m) < 3):
                continue
            rank = (len(m), -len(kind.columns))
            if best is None or rank > best[0]:
                best = (rank, kind, m)
        if best:
            return n, best[1], best[2]
    return None


def _parse_sheet(parsed: ParsedFile, sheet: str | None, rows: list[tuple], dup_seen: dict) -> None:
    header = _read_header(parsed, sheet, rows)
    if header is None:
        return
    header_row, kind, cols, factors = header
    to_date: list[int] = []  # rows with actual spending for the current, unfinished year
    prov_i = next(i for i, c in cols.items() if c is PROVINCE)
    for n in range(header_row + 1, len(rows) + 1):
        cells = rows[n - 1]
        if all(_blank(c) for c in cells) or _is_column_numbering(cells):
            continue
        if prov_i < len(cells) and key(_text(cells[prov_i]) or "") in TOTAL_ROWS:
            parsed.warn("dòng tổng cộng, bỏ qua", "total row, skipped", row=n, sheet=sheet)
            continue
        row = _parse_row(parsed, kind, cols, factors, cells, sheet, n, to_date)
        if row is None:
            continue
        dup = (kind.table, *(row[k] for k in kind.key))
        if dup in dup_seen:
            first_sheet, first_row = dup_seen[dup]
            other_vi = f" trang {first_sheet}" if first_sheet != sheet else ""
            other_en = f" on sheet {first_sheet}" if first_sheet != sheet else ""
            column = parsed.headers.get((sheet, "province" if kind.key[0] == "unit_code" else "project_code"))
            parsed.error(f"trùng khóa ({_describe(kind, row)}) với dòng {first_row}{other_vi}",
                         f"duplicate key ({_describe(kind, row)}) of row {first_row}{other_en}",
                         row=n, column=column, sheet=sheet)
            continue
        dup_seen[dup] = (sheet, n)
        parsed.tables[kind.table].append(row)
    if to_date:
        label = parsed.headers[(sheet, "actual_mvnd")]
        parsed.warn(f"{len(to_date)} dòng có số thực hiện của năm chưa kết thúc: đó là số lũy kế đến nay "
                    f"(dòng {', '.join(map(str, to_date[:5]))}{'…' if len(to_date) > 5 else ''})",
                    f"{len(to_date)} rows give actual spending for a year that has not ended: spending to date "
                    f"(rows {', '.join(map(str, to_date[:5]))}{'…' if len(to_date) > 5 else ''})",
                    column=label, sheet=sheet)


def _read_header(parsed: ParsedFile, sheet: str | None, rows: list[tuple]):
    """(header row, kind, {cell index: column}, {cell index: unit factor}) of a sheet, or None when it has no table
    to read (the reason, if any, is recorded on `parsed`)."""
    named = _sheet_kind(sheet)
    found = _find_header(rows, [named] if named else list(KINDS.values()), named is not None)
    if found is None:
        if named:
            expected = ", ".join(c.header for c in named.columns if c.required)
            parsed.error(f"không tìm thấy dòng tiêu đề (cần các cột {expected})",
                         f"no header row found (expected the columns {expected})", row=1, sheet=sheet)
        elif sheet is None:
            parsed.error("không nhận ra loại số liệu từ dòng tiêu đề; hãy dùng tiêu đề cột như trong tệp mẫu",
                         "cannot tell the kind of data from the header row; use the column headers of the template",
                         row=1)
        elif any(not _blank(c) for r in rows for c in r):
            parsed.warn("trang không nhận ra, bỏ qua", "sheet not recognised, ignored", sheet=sheet)
        return None
    header_row, kind, cols = found
    headers = rows[header_row - 1]
    errors_before = len(parsed.errors)
    for col in kind.columns:
        if col.required and col not in cols.values():
            parsed.error(f"thiếu cột bắt buộc «{col.header}»", f"required column «{col.header}» is missing",
                         row=header_row, column=col.header, sheet=sheet)
        elif col.type == "count" and col not in cols.values():
            # An imported row replaces the demo row whole: a figure it lacks is stored as unknown, not kept.
            parsed.warn(f"không có cột «{col.header}»; số liệu này sẽ để trống",
                        f"no column «{col.header}»; that figure will be stored as unknown", row=header_row, sheet=sheet)
    # A second 'Kế hoạch' column would leave it unclear which one to read.
    twins = {j: col for i, col in cols.items() for j, c in enumerate(headers)
             if j != i and not _blank(c) and key(_split_unit(str(c))[0]) in _column_keys(col)}
    for j, col in twins.items():
        parsed.error(f"cột «{col.name}» xuất hiện hai lần", f"column «{col.name}» appears twice",
                     row=header_row, column=str(headers[j]).strip(), sheet=sheet)
    ignored = [str(headers[i]).strip() for i in range(len(headers))
               if i not in cols and i not in twins and not _blank(headers[i])]
    if ignored:
        parsed.warn(f"bỏ qua các cột không dùng: {', '.join(ignored)}", f"unused columns ignored: {', '.join(ignored)}",
                    row=header_row, sheet=sheet)
    factors: dict[int, Decimal] = {}
    for i, col in cols.items():
        label = str(headers[i]).strip()
        parsed.headers[(sheet, col.field)] = label
        if col.type == "money":
            name, unit = _split_unit(label)
            if key(name) == key(col.field):  # 'planned_mvnd': the unit is in the name
                unit = "mvnd"
            if unit is None:
                parsed.warn("tiêu đề không ghi đơn vị; hiểu là triệu đồng", "no unit in the header; read as triệu đồng",
                            row=header_row, column=label, sheet=sheet)
                factors[i] = Decimal(1)
            elif key(unit) in UNIT_FACTORS:
                factors[i] = UNIT_FACTORS[key(unit)]
            else:
                parsed.error(f"đơn vị «{unit}» không được hỗ trợ; dùng đồng, nghìn đồng, triệu đồng hoặc tỷ đồng",
                             f"unit «{unit}» is not supported; use đồng, nghìn đồng, triệu đồng or tỷ đồng",
                             row=header_row, column=label, sheet=sheet)
    if len(parsed.errors) > errors_before:
        return None
    return header_row, kind, cols, factors


def _describe(kind: Kind, row: dict) -> str:
    if kind.table == "project":
        return row["project_id"].split(":", 1)[-1]
    parts = [resolver(row["era"]).names[row["unit_code"]], str(row["year"])]
    if "fund" in kind.key:
        parts.append(FUNDS[row["fund"]][0])
    return ", ".join(parts)


def _is_column_numbering(cells: tuple) -> bool:
    """Vietnamese tables often number their columns under the header: (1) (2) (3) … — not data."""
    vals = [c for c in cells if not _blank(c)]
    nums = []
    for v in vals:
        m = re.fullmatch(r"\(?(\d{1,2})\)?", str(v).strip())
        if not m:
            return False
        nums.append(int(m.group(1)))
    return len(nums) >= 3 and nums == list(range(nums[0], nums[0] + len(nums)))


def _parse_row(parsed, kind, cols, factors, cells, sheet, n, to_date) -> dict | None:
    values: dict[str, object] = {}
    ok = True
    by_field = {c.field: i for i, c in cols.items()}

    def cell(i):
        return cells[i] if i < len(cells) else None

    def fail(col_i, vi, en):
        nonlocal ok
        ok = False
        parsed.error(vi, en, row=n, column=str(parsed.headers[(sheet, cols[col_i].field)]), sheet=sheet)

    # The year decides the era, and the era which province names are valid, so it is read first.
    year = None
    try:
        year = _year(cell(by_field["year"]))
    except _Bad as e:
        fail(by_field["year"], *e.args)
    for i, col in cols.items():
        raw = cell(i)
        if col.type == "year":
            continue
        try:
            if isinstance(raw, Uncalculated):
                raise _Bad(f"ô chứa công thức «{raw.formula}» nhưng chưa có giá trị tính sẵn; hãy mở tệp bằng Excel, "
                           "lưu lại rồi nạp lại",
                           f"the cell holds the formula «{raw.formula}» but no calculated value; open the file in "
                           "Excel, save it and load it again")
            if _blank(raw) and col.field == "actual_mvnd" and year is not None and not year_has_ended(year):
                values[col.field] = None  # a plan for this year or next: nothing spent yet, or not yet known
            elif _blank(raw):
                if not col.blank_ok:
                    raise _Bad("ô trống; cần có giá trị", "the cell is empty; a value is required")
                values[col.field] = None
            elif col.type == "province":
                if year is not None:
                    values["era"] = era_of(year)
                    values["unit_code"] = _province(_text(raw), year)
                    values["_province"] = _text(raw)
            elif col.type == "fund":
                values["fund"] = _fund(_text(raw))
            elif col.type == "category":
                values["category_id"] = _category(raw)
            elif col.type == "money":
                values[col.field] = _amount(raw, factors[i])
                convention = number_convention(raw)
                if convention in ("en", "ambiguous"):
                    parsed.conventions.append((sheet, n, parsed.headers[(sheet, col.field)], shown(raw), convention))
                if col.field == "actual_mvnd" and year is not None and not year_has_begun(year):
                    raise _Bad(f"năm {year} chưa bắt đầu nên chưa có số thực hiện; để trống cột này (chỉ nạp kế "
                               "hoạch)", f"{year} has not begun, so nothing can have been spent yet; leave this "
                               "column blank (load the plan only)")
                if col.field == "actual_mvnd" and year is not None and not year_has_ended(year):
                    to_date.append(n)
            elif col.type == "count":
                values[col.field] = _whole(raw)
            else:  # code, text
                values[col.field] = _text(raw)
        except _Bad as e:
            fail(i, *e.args)
    if not ok:
        return None
    values["year"] = year
    for part, whole in COVERAGE_PAIRS:
        if values.get(part) is not None and values.get(whole) is not None and values[part] > values[whole]:
            fail(by_field[part], f"{values[part]} lớn hơn «{parsed.headers[(sheet, whole)]}» ({values[whole]})",
                 f"{values[part]} exceeds «{parsed.headers[(sheet, whole)]}» ({values[whole]})")
            return None
    counts = [c.field for c in kind.columns if c.type == "count"]
    if counts and all(values.get(f) is None for f in counts):
        fail(by_field["province"], "dòng không có số liệu nào", "the row has no figures")
        return None
    if kind.table == "project":
        code = values.pop("project_code", None)
        # Ids are unique per file: the province's code when given, else where the row stands.
        prefix = f"IMP-{parsed.sha256[:12]}"
        values["project_id"] = f"{prefix}:{code}" if code else f"{prefix}#{sheet or ''}!{n}"
    if "planned_mvnd" in values:
        _check_overrun(parsed, values, sheet, n)
    values["_sheet"], values["_row"] = sheet, n
    return values


def en(amount) -> str:
    """An exact amount for a message, without trailing zeros: 1,234.5 (English)."""
    if amount is None:
        return "–"
    text = f"{amount:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def vi(amount) -> str:
    """The same in Vietnamese style: 1.234,5."""
    return en(amount).replace(",", "\0").replace(".", ",").replace("\0", ".")


def _check_overrun(parsed, v, sheet, n) -> None:
    planned, actual = v["planned_mvnd"], v["actual_mvnd"]
    if actual is None:
        return
    label = parsed.headers[(sheet, "actual_mvnd")]
    if planned == 0 and actual > 0:
        parsed.warn(f"thực hiện {vi(actual)} triệu đồng khi kế hoạch bằng 0",
                    f"actual {en(actual)} triệu đồng against a plan of 0", row=n, column=label, sheet=sheet)
    elif planned > 0 and actual > planned * PLAN_OVERRUN:
        pct = round(100 * actual / planned)
        parsed.warn(f"thực hiện {vi(actual)} triệu đồng vượt xa kế hoạch {vi(planned)} triệu đồng ({pct}%)",
                    f"actual {en(actual)} triệu đồng far above the plan of {en(planned)} triệu đồng ({pct}%)",
                    row=n, column=label, sheet=sheet)


def _check_number_conventions(parsed: ParsedFile) -> None:
    """'1.234' and '1,234' are read the Vietnamese way (1234 and 1,234) — unless the same file also writes numbers
    the English way (12.5, 1,234.5): then it is anybody's guess, and each such cell is refused."""
    english = next((c for c in parsed.conventions if c[4] == "en"), None)
    if english is None:
        return
    e_sheet, e_row, e_col, e_text, _ = english
    for sheet, n, column, text, convention in parsed.conventions:
        if convention == "ambiguous":
            parsed.error(f"«{text}» có thể là {text.replace(',', '').replace('.', '')} hoặc một số thập phân: tệp "
                         f"viết số cả kiểu Việt Nam lẫn kiểu tiếng Anh (ví dụ «{e_text}» ở dòng {e_row}, cột "
                         f"«{e_col}»); hãy bỏ dấu phân cách nghìn hoặc nhập số trực tiếp vào ô",
                         f"«{text}» may be {text.replace(',', '').replace('.', '')} or a decimal: the file writes "
                         f"numbers both the Vietnamese and the English way (e.g. «{e_text}» in row {e_row}, column "
                         f"«{e_col}»); drop the thousands separator or enter the number as a number",
                         row=n, column=column, sheet=sheet)


def _check_names_across_the_reform(parsed: ParsedFile) -> None:
    """A unit formed on 1/7/2025 from several provinces mostly kept one of their names (Gia Lai = Gia Lai + Bình
    Định). Before 2025 the name means the old province, the only unit of that name that then existed — unless the
    file also uses it for 2025 on, keyed by the new unit: then a pre-2025 row may hold the new unit's combined
    figures, and is refused with the old provinces to report instead. Naming another of those old provinces in the
    same year shows the file reports by old province, and settles it."""
    for table, rows in parsed.tables.items():
        new_names = {(fold(r["_province"]), r["unit_code"]) for r in rows if r["era"] == "34" and "_province" in r}
        old_named = {(r["year"], r["unit_code"]) for r in rows if r["era"] == "63"}
        for r in rows:
            if r["era"] != "63" or "_province" not in r:
                continue
            unit = next((u for k, u in new_names if k == fold(r["_province"])), None)
            if unit is None:
                continue
            olds = predecessors(unit)
            old_codes = {c for c, name in resolver("63").names.items() if name in olds}
            if len(olds) < 2 or any((r["year"], c) in old_named for c in old_codes - {r["unit_code"]}):
                continue
            name = shown(r["_province"])
            parsed.error(f"«{name}» năm {r['year']} có thể là tỉnh {name} cũ hoặc đơn vị {name} mới (gồm "
                         f"{', '.join(olds)}), vì tệp dùng tên này cho cả năm từ 2025; với năm trước 2025 hãy ghi "
                         f"riêng từng tỉnh cũ: {', '.join(olds)}",
                         f"«{name}» in {r['year']} may be the former province {name} or the new unit {name} (formed "
                         f"from {', '.join(olds)}), since the file also uses the name from 2025 on; before 2025 "
                         f"report each former province: {', '.join(olds)}",
                         row=r["_row"], column=parsed.headers.get((r["_sheet"], "province")), sheet=r["_sheet"])


def _check_projects_match_budgets(parsed: ParsedFile) -> None:
    """A file with both a budget row and đề án for the same province, year and fund should add up."""
    sums: dict[tuple, list] = {}
    for p in parsed.tables["project"]:
        s = sums.setdefault((p["era"], p["unit_code"], p["year"], p["fund"]), [Decimal(0), Decimal(0)])
        s[0] += p["planned_mvnd"]
        s[1] = None if s[1] is None or p["actual_mvnd"] is None else s[1] + p["actual_mvnd"]
    for b in parsed.tables["budget"]:
        s = sums.get((b["era"], b["unit_code"], b["year"], b["fund"]))
        if s and (s[0] != b["planned_mvnd"] or (None not in (s[1], b["actual_mvnd"]) and s[1] != b["actual_mvnd"])):
            parsed.warn(f"tổng các đề án ({vi(s[0])} / {vi(s[1])} triệu đồng) khác kinh phí ({vi(b['planned_mvnd'])} "
                        f"/ {vi(b['actual_mvnd'])} triệu đồng)",
                        f"the đề án add up to {en(s[0])} / {en(s[1])} triệu đồng, the budget row says "
                        f"{en(b['planned_mvnd'])} / {en(b['actual_mvnd'])}", row=b["_row"], sheet=b["_sheet"])


# --------------------------------------------------------------------------- into the warehouse

@dataclass
class Manifest:
    """What the archive keeps beside a loaded file: enough to replay it exactly, in the same order."""

    sha256: str
    original_name: str
    imported_by: str
    imported_at: str  # UTC, ISO 8601
    sequence: int  # load order; a later file overrides an earlier one for the same keys
    archive: str  # file name inside data/imports/
    rows: dict[str, int]
    format: int = 1

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


@dataclass
class Replayed:
    parsed: ParsedFile
    manifest: Manifest


def apply(con, parsed: ParsedFile, manifest: Manifest) -> None:
    """Insert a parsed file's rows as origin 'imported', replacing earlier imported rows for the same keys (and,
    for đề án, earlier imported đề án of the same unit, year and fund), and record the import."""
    sid = source_id(parsed.sha256)
    con.execute("INSERT INTO source VALUES (?, 'import', ?, ?, ?, ?, ?)", [
        sid, manifest.original_name, manifest.imported_by, manifest.imported_at[:10], f"imports/{manifest.archive}",
        "imported report; takes precedence over demo rows"])
    keys = {"budget": ("era", "unit_code", "year", "fund"), "project": ("era", "unit_code", "year", "fund"),
            "staffing": ("era", "unit_code", "year"), "collaborators": ("era", "unit_code", "year")}
    for table, cols in keys.items():
        rows = parsed.tables[table]
        if not rows:
            continue
        names = [c[0] for c in con.execute(f"SELECT * FROM {table} LIMIT 0").description]  # noqa: S608 — fixed names
        frame = pd.DataFrame(rows, dtype=object).assign(origin="imported", source_id=sid).reindex(columns=names)
        con.register("import_rows", frame)
        try:
            match = " AND ".join(f"t.{c} = f.{c}" for c in cols)
            con.execute(f"DELETE FROM {table} t USING (SELECT DISTINCT {', '.join(cols)} FROM import_rows) f "
                        f"WHERE t.origin = 'imported' AND {match}")  # noqa: S608 — fixed names
            con.execute(f"INSERT INTO {table} SELECT * FROM import_rows")  # noqa: S608 — fixed names
        finally:
            con.unregister("import_rows")
    n = parsed.counts()
    con.execute("INSERT INTO import_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'loaded', ?)", [
        sid, manifest.original_name, parsed.sha256, manifest.imported_at, manifest.imported_by,
        n["budget"], n["project"], n["staffing"], n["collaborators"], f"imports/{manifest.archive}"])


def read_manifests(imports_dir: Path) -> list[Manifest]:
    """The archive's manifests in load order. A data file without a manifest is an interrupted load: ignored."""
    out = []
    for p in sorted(Path(imports_dir).glob("*.json")):
        try:
            m = Manifest(**json.loads(p.read_text(encoding="utf-8")))
        except (ValueError, TypeError) as e:
            raise DataError(f"imports/{p.name}", f"tệp mô tả lưu trữ hỏng ({e})",
                            f"archive manifest is damaged ({e})") from e
        out.append(m)
    return sorted(out, key=lambda m: (m.sequence, m.imported_at, m.sha256))


def replay(imports_dir: Path, ref=None) -> list[Replayed]:
    """Every archived import, parsed again, in load order, so that a rebuild keeps what users loaded. An archived
    file that no longer parses stops the build (the previous database stays) rather than silently vanishing."""
    imports_dir = Path(imports_dir)
    if not imports_dir.exists():
        return []
    out = []
    for m in read_manifests(imports_dir):
        path = imports_dir / m.archive
        label = f"imports/{m.archive} ({m.original_name})"
        if not path.exists():
            raise DataError(label, "thiếu tệp lưu trữ", "the archived file is missing")
        data = path.read_bytes()
        if sha256_of(data) != m.sha256:
            raise DataError(label, "tệp lưu trữ đã bị sửa (mã băm khác)",
                            "the archived file was altered (hash differs)")
        parsed = parse(m.archive, data, max_bytes=None, label=label)
        if parsed.errors:
            raise parsed.errors[0]
        out.append(Replayed(parsed, m))
    return out


def insert_replayed(con, imported: list[Replayed]) -> None:
    for r in imported:
        apply(con, r.parsed, r.manifest)
