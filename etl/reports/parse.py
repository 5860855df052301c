"""Reading a report: bytes in, a ParsedFile out — every row of a filled template or plain CSV/XLSX, checked cell by
cell, or the located errors that reject the whole file. Pure (no database), so that a load and a rebuild read a
file identically; a workbook is inspected within bounds before openpyxl opens it.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl

from ..errors import DataError, DataWarning, short_message, shorten
from ..names import fold, predecessors, resolver
from ..vocabulary import FUNDS, era_of, year_has_begun, year_has_ended
# reading single cells lives in cells.py; the short private names keep this module's row logic readable
from .cells import CellError as _Bad
from .cells import Uncalculated, key, number_convention, shown
from .cells import amount as _amount
from .cells import category as _category
from .cells import clean_text as _text
from .cells import count as _whole
from .cells import fund as _fund
from .cells import is_blank as _blank
from .cells import number as _number
from .cells import province as _province
from .cells import year as _year
from .kinds import COVERAGE_PAIRS, KINDS, PROVINCE, TABLES, UNIT_FACTORS, Column, Kind, split_unit

MAX_BYTES = 10 * 1024 * 1024  # a province's yearly report is a few hundred KB; 10 MB leaves room, stops accidents
MAX_ROWS = 100_000  # per sheet: far above 63 provinces × 13 years × thousands of đề án
MAX_ERRORS = 50  # enough to fix a file in one go without burying the first message
HEADER_SEARCH_ROWS = 10  # real reports put a title above the table
PLAN_OVERRUN = Decimal("1.2")  # actual above 120 % of plan is worth a second look
SKIPPED_SHEETS = ("readme", "huong dan", "lists", "danh muc")  # the template's own instruction and list sheets
TOTAL_ROWS = {"tong", "tong cong", "cong", "tong so", "ca nuoc", "total"}


# --------------------------------------------------------------------------- parsed files


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
    encoding_note: tuple[str, str] | None = None  # a CSV read in a guessed encoding: said first if it is refused

    def counts(self) -> dict[str, int]:
        return {t: len(rows) for t, rows in self.tables.items()}

    def error(self, vi: str, en: str, row=None, column=None, sheet=None) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(DataError(self.name, short_message(vi), short_message(en), row=row,
                                         column=shorten(column), sheet=shorten(sheet)))

    def warn(self, vi: str, en: str, row=None, column=None, sheet=None) -> None:
        if len(self.warnings) < MAX_ERRORS:
            self.warnings.append(DataWarning(self.name, short_message(vi), short_message(en), row=row,
                                             column=shorten(column), sheet=shorten(sheet)))


_UNSAFE_NAME_CHARS = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}  # controls, bidi overrides, separators, unassigned


def safe_name(name) -> str:
    """A file name fit to store and show: no folder part (`../`), no control or bidi-override characters (U+202E
    turns «gpj.csv» into what looks like another name), at most 120 characters; never empty."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", str(name)))[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch) not in _UNSAFE_NAME_CHARS).strip()
    if base in ("", ".", ".."):
        return "tep-khong-ten"
    if len(base) > 120:
        stem, suffix = Path(base).stem, Path(base).suffix[:10]
        base = stem[:120 - len(suffix) - 1] + "…" + suffix
    return base


class _Fatal(Exception):
    """The file cannot be read at all; carries the one error to report."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse(name: str, data: bytes, max_bytes: int | None = MAX_BYTES, label: str | None = None) -> ParsedFile:
    """Every row of a filled template or plain CSV/XLSX, or the located errors that reject it (all of the file).
    `name` tells a CSV by its extension; messages call the file `label`, by default its name."""
    parsed = ParsedFile(label or name, sha256_of(data), ".csv")
    try:
        if max_bytes is not None and len(data) > max_bytes:
            raise _Fatal(*too_big(len(data), max_bytes))
        if not data:
            raise _Fatal("tệp trống (0 byte)", "the file is empty (0 bytes)")
        if data[:4] == b"PK\x03\x04":
            parsed.suffix = ".xlsx"
            sheets = _xlsx_sheets(parsed, data)
        elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise _Fatal("đây là tệp Excel 97–2003 (.xls); hãy mở bằng Excel và lưu thành .xlsx",
                         "this is an Excel 97–2003 file (.xls); open it in Excel and save it as .xlsx")
        elif Path(name).suffix.lower() in (".xlsx", ".xlsm"):
            raise _Fatal(*NOT_A_WORKBOOK)
        elif Path(name).suffix.lower() in (".csv", ".txt"):
            sheets = [(None, _csv_rows(parsed, data))]
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
    elif parsed.encoding_note:  # garbled names are the likely cause of the errors: say so before them
        parsed.errors.insert(0, DataError(parsed.name, *parsed.encoding_note))
    return parsed


def too_big(size: int, limit: int) -> tuple[str, str]:
    mb, lim = size / 1024 / 1024, limit / 1024 / 1024
    return (f"tệp quá lớn ({mb:.1f} MB; giới hạn {lim:g} MB)", f"file too large ({mb:.1f} MB; the limit is {lim:g} MB)")


NOT_A_WORKBOOK = ("tệp không phải là bảng tính Excel (.xlsx) hợp lệ hoặc đã bị hỏng; hãy mở bằng Excel và lưu lại",
                  "the file is not a valid Excel workbook (.xlsx) or is corrupt; open it in Excel and save it again")


# --------------------------------------------------------------------------- reading the bytes
#
# A workbook is a zip of XML parts, and a 10 MB zip can hold gigabytes. Everything that decides how much memory and
# time openpyxl will take is checked first, from the zip's own directory and by streaming the parts in small chunks:
# sizes, compression ratio, shared-string count, the declared and the real used range. Only then is it parsed.

MAX_PARTS = 500  # a workbook of a few sheets has ~15 parts
MAX_PART_BYTES = 64 * 1024 * 1024  # uncompressed, any one part: 100.000 rows of a wide sheet stay under it
MAX_UNZIPPED_BYTES = 160 * 1024 * 1024  # uncompressed, all parts together
MAX_RATIO = 200  # real sheets deflate 5–50×; a zip bomb ~1000×
RATIO_FLOOR = 1024 * 1024  # parts smaller than this may be as repetitive as they like
MAX_SHARED_STRINGS = 1_000_000
MAX_COLUMNS = 200  # column GR; a report has a dozen
CHUNK = 1024 * 1024

_PREFIXED_ROW = re.compile(rb"<\w+:row[\s/>]")  # <x:row …>, as some generators write it
_PREFIXED_SI = re.compile(rb"<\w+:si[\s/>]")
_WIDE_REF = re.compile(rb' r="([A-Z]{2,3})([0-9]{1,7})"')  # only a multi-letter column can pass MAX_COLUMNS
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})?([0-9]*):?([A-Z]{1,3})?([0-9]*)"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"')
_SST_COUNT = re.compile(rb'\b(?:uniqueCount|count)="([0-9]+)"')
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tab, newline and carriage return are text
_NAMESPACES = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
               "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
               "pr": "http://schemas.openxmlformats.org/package/2006/relationships"}


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


@dataclass
class SheetPart:
    title: str
    state: str  # visible | hidden | veryHidden
    path: str  # the part inside the zip
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (first row, first col, last row, last col)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def _inspect_xlsx(data: bytes) -> list[SheetPart]:
    """Check a workbook's zip before any XML is parsed; returns its sheets in order with their merged ranges.
    Raises _Fatal, naming the part or sheet, for anything that would make parsing unbounded."""
    import zipfile
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as e:
        raise _Fatal(*NOT_A_WORKBOOK) from e
    with zf:
        if len(infos) > MAX_PARTS:
            raise _Fatal(f"tệp nén chứa {len(infos)} phần (giới hạn {MAX_PARTS}); không phải một báo cáo",
                         f"the zip holds {len(infos)} parts (the limit is {MAX_PARTS}); not a report")
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > MAX_PART_BYTES or (
                    info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
                raise _Fatal(f"phần «{info.filename}» giải nén ra {_mb(info.file_size)} từ {info.compress_size} byte "
                             f"(giới hạn {_mb(MAX_PART_BYTES)}, tỉ lệ nén {MAX_RATIO}×); tệp bị từ chối để bảo vệ máy chủ",
                             f"part «{info.filename}» unpacks to {_mb(info.file_size)} from {info.compress_size} bytes "
                             f"(limits {_mb(MAX_PART_BYTES)}, ratio {MAX_RATIO}×); refused to protect the server")
        if total > MAX_UNZIPPED_BYTES:
            raise _Fatal(f"tệp giải nén ra {_mb(total)} (giới hạn {_mb(MAX_UNZIPPED_BYTES)})",
                         f"the workbook unpacks to {_mb(total)} (the limit is {_mb(MAX_UNZIPPED_BYTES)})")
        names = {i.filename for i in infos}
        for name in names:
            if name.endswith((".xml", ".rels")) and re.search(rb"<!(DOCTYPE|ENTITY)", _head(zf, name)):
                raise _Fatal(f"phần «{name}» khai báo DOCTYPE/ENTITY, điều Excel không bao giờ làm",
                             f"part «{name}» declares a DOCTYPE/ENTITY, which Excel never writes")
        if "xl/workbook.xml" not in names:
            raise _Fatal(*NOT_A_WORKBOOK)
        if "xl/sharedStrings.xml" in names:
            _check_shared_strings(zf)
        sheets = _sheet_parts(zf, names)
        for sheet in sheets:
            _scan_sheet(zf, sheet)
        return sheets


def _head(zf, name: str, n: int = 4096) -> bytes:
    with zf.open(name) as f:
        return f.read(n)


def _chunks(zf, name: str):
    """A part's bytes in chunks that overlap by a few hundred bytes, so that no tag is cut in two."""
    carry = b""
    with zf.open(name) as f:
        while True:
            block = f.read(CHUNK)
            if not block:
                if carry:
                    yield carry
                return
            buf = carry + block
            cut = buf.rfind(b"<")
            cut = cut if cut > len(buf) - 512 else len(buf)
            yield buf[:cut]
            carry = buf[cut:]


def _count_tag(chunk: bytes, tag: bytes, prefixed: re.Pattern) -> int:
    """Elements named `tag` in a chunk of XML, counted at bytes.count speed."""
    n = sum(chunk.count(b"<" + tag + end) for end in (b" ", b">", b"/", b"\t", b"\r", b"\n"))
    return n + (len(prefixed.findall(chunk)) if b":" + tag in chunk else 0)


def _check_shared_strings(zf) -> None:
    declared = [int(x) for x in _SST_COUNT.findall(_head(zf, "xl/sharedStrings.xml", 1024))]
    if declared and max(declared) > MAX_SHARED_STRINGS:
        raise _Fatal(f"bảng chuỗi dùng chung khai báo {max(declared):,} chuỗi (giới hạn {MAX_SHARED_STRINGS:,})".replace(",", "."),
                     f"the shared-strings table declares {max(declared):,} strings (the limit is {MAX_SHARED_STRINGS:,})")
    n = 0
    for chunk in _chunks(zf, "xl/sharedStrings.xml"):
        n += _count_tag(chunk, b"si", _PREFIXED_SI)
        if n > MAX_SHARED_STRINGS:
            raise _Fatal(f"bảng chuỗi dùng chung có quá {MAX_SHARED_STRINGS:,} chuỗi".replace(",", "."),
                         f"the shared-strings table holds over {MAX_SHARED_STRINGS:,} strings")


def _sheet_parts(zf, names: set[str]) -> list[SheetPart]:
    import xml.etree.ElementTree as ET
    try:
        book = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels")) if "xl/_rels/workbook.xml.rels" in names else None
    except ET.ParseError as e:
        raise _Fatal(*NOT_A_WORKBOOK) from e
    targets = {}
    for rel in (rels if rels is not None else []):
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = re.sub(r"[^/]+/\.\./", "", target)
    out = []
    for s in book.iterfind("m:sheets/m:sheet", _NAMESPACES):
        path = targets.get(s.get(f"{{{_NAMESPACES['r']}}}id"))
        out.append(SheetPart(s.get("name", ""), s.get("state", "visible"), path if path in names else ""))
    return out


def _scan_sheet(zf, sheet: SheetPart) -> None:
    """The used range, declared and real: refuse a sheet past MAX_ROWS rows or MAX_COLUMNS columns before openpyxl
    would build it cell by cell; note merged ranges (read-only openpyxl does not report them)."""
    if not sheet.path:
        return
    first = True
    rows = 0
    for chunk in _chunks(zf, sheet.path):
        if first:
            first = False
            m = _DIMENSION.search(chunk)
            if m:
                last_col = column_number((m.group(3) or m.group(1) or b"A").decode())
                last_row = int(m.group(4) or m.group(2) or 0)
                if last_row > MAX_ROWS or last_col > MAX_COLUMNS:
                    ref = (m.group(0).split(b'"')[1]).decode()
                    raise _Fatal(f"trang khai báo vùng dữ liệu {ref}: quá {MAX_ROWS:,} dòng hoặc {MAX_COLUMNS} cột "
                                 f"(đến cột {column_letters(MAX_COLUMNS)}); hãy xoá các dòng/cột thừa".replace(",", "."),
                                 f"the sheet declares the used range {ref}: over {MAX_ROWS:,} rows or {MAX_COLUMNS} "
                                 f"columns (up to column {column_letters(MAX_COLUMNS)}); delete the extra rows/columns",
                                 None, None, sheet.title)
        rows += _count_tag(chunk, b"row", _PREFIXED_ROW)
        if rows > MAX_ROWS:
            raise _Fatal(f"trang có quá {MAX_ROWS:,} dòng".replace(",", "."), f"the sheet has over {MAX_ROWS:,} rows",
                         None, None, sheet.title)
        for m in _WIDE_REF.finditer(chunk):
            letters, row = m.groups()
            if column_number(letters.decode()) > MAX_COLUMNS:
                raise _Fatal(f"ô {letters.decode()}{row.decode()} nằm ngoài {MAX_COLUMNS} cột đầu (đến cột "
                             f"{column_letters(MAX_COLUMNS)}); hãy xoá các cột thừa",
                             f"cell {letters.decode()}{row.decode()} lies beyond the first {MAX_COLUMNS} columns (up to "
                             f"column {column_letters(MAX_COLUMNS)}); delete the extra columns",
                             int(row), letters.decode(), sheet.title)
        for c1, r1, c2, r2 in (_MERGE.findall(chunk) if b"mergeCell " in chunk else ()):
            if len(sheet.merges) < 10_000:
                sheet.merges.append((int(r1), column_number(c1.decode()), int(r2), column_number(c2.decode())))


def _xlsx_sheets(parsed: ParsedFile, data: bytes) -> list[tuple[str, list[tuple]]]:
    """(sheet name, rows) per sheet. Values come from the cached results Excel stores; formula cells without one
    become Uncalculated — openpyxl cannot evaluate formulas, and guessing would load wrong numbers."""
    parts = {p.title: p for p in _inspect_xlsx(data)}
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
                if n > MAX_ROWS:  # the scan counted <row> tags; this holds even for rows written without them
                    raise _Fatal(f"trang có quá {MAX_ROWS} dòng", f"the sheet has over {MAX_ROWS} rows",
                                 None, None, ws_v.title)
                if len(rv) > MAX_COLUMNS:
                    raise _Fatal(f"dòng có quá {MAX_COLUMNS} cột", f"the row has over {MAX_COLUMNS} columns",
                                 n, None, ws_v.title)
                rows.append(tuple(Uncalculated(str(getattr(f, "text", f))) if v is None and _is_formula(f) else v
                                  for v, f in zip(rv, rf)))
            part = parts.get(ws_v.title)
            if part:
                _fill_header_merges(rows, part.merges)
            state = ws_v.sheet_state
            if state != "visible" and any(not _blank(c) for r in rows for c in r):
                deep = state == "veryHidden"
                raise _Fatal(f"trang đang bị ẩn{' sâu (very hidden: chỉ hiện lại được bằng VBA)' if deep else ''}; "
                             "số liệu trên trang ẩn sẽ được nạp mà không ai nhìn thấy — hãy hiện trang (hoặc xoá nó) "
                             "rồi nạp lại",
                             f"the sheet is {'very hidden (only VBA can show it)' if deep else 'hidden'}; its figures "
                             "would load without anyone seeing them — unhide the sheet (or delete it) and load again",
                             None, None, ws_v.title)
            out.append((ws_v.title, rows))
    except _Fatal:
        raise
    except Exception as e:  # a sheet part that does not parse
        raise _Fatal(*NOT_A_WORKBOOK) from e
    finally:
        values.close()
        formulas.close()
    return out


def _fill_header_merges(rows: list[tuple], merges: list[tuple[int, int, int, int]]) -> None:
    """A merged header cell holds its text in its first cell only; give every cell of the merge that text, so that
    a two-row header («Kinh phí (tỷ đồng)» over «Kế hoạch» and «Thực hiện») reads as Excel shows it. Only the rows
    the header is looked for in: a merged amount copied into data rows would be counted twice."""
    top = HEADER_SEARCH_ROWS + 1
    for r1, c1, r2, c2 in merges:
        if r1 > top or r1 > len(rows):
            continue
        first = rows[r1 - 1]
        value = first[c1 - 1] if c1 - 1 < len(first) else None
        if _blank(value):
            continue
        for r in range(r1, min(r2, top, len(rows)) + 1):
            cells = list(rows[r - 1])
            if len(cells) < min(c2, MAX_COLUMNS):
                cells += [None] * (min(c2, MAX_COLUMNS) - len(cells))
            for c in range(c1, min(c2, MAX_COLUMNS) + 1):
                if _blank(cells[c - 1]):
                    cells[c - 1] = value
            rows[r - 1] = tuple(cells)


def _is_formula(v) -> bool:
    return (isinstance(v, str) and v.startswith("=")) or type(v).__name__ in ("ArrayFormula", "DataTableFormula")


NOT_UTF8 = ("tệp CSV không phải mã UTF-8, UTF-16 hay Windows-1258 (byte lỗi ở vị trí {at}); hãy lưu bằng Excel với "
            "kiểu «CSV UTF-8»",
            "the CSV is not UTF-8, UTF-16 or Windows-1258 (bad byte at offset {at}); save it from Excel as «CSV UTF-8»")


def _decode_csv(data: bytes) -> tuple[str, str | None]:
    """The text of a CSV and, when it was not UTF-8, the encoding it was read in. Excel writes «CSV UTF-8» with a
    BOM, «Unicode Text» as UTF-16 with a BOM, and plain «CSV» in the Windows code page — Windows-1258 on a Vietnamese
    system."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as e:
            raise _Fatal(NOT_UTF8[0].format(at=e.start), NOT_UTF8[1].format(at=e.start)) from e
    head = data[:4096]
    if head.count(b"\x00") > len(head) // 8:  # every other byte NUL: UTF-16 without its BOM, or not text at all
        raise _Fatal("tệp CSV không đọc được (có thể là UTF-16 không có BOM); hãy lưu bằng Excel với kiểu «CSV UTF-8»",
                     "the CSV cannot be read (perhaps UTF-16 without a BOM); save it from Excel as «CSV UTF-8»")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as e:
        first_bad = e.start
    try:
        return data.decode("cp1258"), "Windows-1258"
    except UnicodeDecodeError:
        raise _Fatal(NOT_UTF8[0].format(at=first_bad), NOT_UTF8[1].format(at=first_bad)) from None


def _csv_rows(parsed: ParsedFile, data: bytes) -> list[tuple]:
    text, encoding = _decode_csv(data)
    if encoding and encoding != "UTF-16":
        parsed.encoding_note = (
            f"tệp không phải UTF-8; đã đọc theo bảng mã {encoding} (tiếng Việt). Nếu chữ có dấu bị sai, hãy lưu lại "
            "bằng Excel với kiểu «CSV UTF-8»",
            f"the file is not UTF-8; it was read as {encoding} (Vietnamese). If accented letters look wrong, save it "
            "from Excel as «CSV UTF-8»")
        parsed.warn(*parsed.encoding_note)
    # Excel in a Vietnamese locale separates with ';' because ',' is the decimal mark. The header is the line with
    # the most separators, wherever a title line puts it.
    top = text.splitlines()[:HEADER_SEARCH_ROWS]
    delimiter = max((",", ";", "\t"), key=lambda d: max((line.count(d) for line in top), default=0))
    rows = []
    try:
        for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(rows) >= MAX_ROWS:
                raise _Fatal(f"tệp có quá {MAX_ROWS} dòng", f"the file has over {MAX_ROWS} rows")
            if len(r) > MAX_COLUMNS:
                raise _Fatal(f"dòng có quá {MAX_COLUMNS} cột", f"the row has over {MAX_COLUMNS} columns", len(rows) + 1)
            rows.append(tuple(r))
    except csv.Error as e:
        raise _Fatal(f"tệp CSV không đọc được ({e})", f"the CSV cannot be read ({e})", len(rows) + 1) from e
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
        name = key(split_unit(str(cell))[0])
        for col in kind.columns:
            if name in _column_keys(col) and col not in found.values():
                found[i] = col
                break
    return found


def _find_header(rows: list[tuple], kinds: list[Kind], named: bool
                 ) -> tuple[int, Kind, dict[int, Column], tuple] | None:
    """The first of the top rows that looks like a header, the kind it best fits (a tie goes to the kind with
    fewer columns: a budget table is not a đề án table missing three columns), its column map and its cells. On a
    sheet named after its kind two known headers suffice, so that a missing column is reported as missing; elsewhere
    a province column and two more are needed before a row counts as a header. A header over two rows (a merged
    «Kinh phí (tỷ đồng)» over «Kế hoạch» and «Thực hiện») is read as one when that recognises more columns."""
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
            _, kind, m = best
            if n < len(rows):
                stacked = _stacked(cells, rows[n])
                m2 = _match_header(stacked, kind)
                if len(m2) > len(m):
                    return n + 1, kind, m2, stacked
            return n, kind, m, cells
    return None


def _stacked(parent: tuple, child: tuple) -> tuple:
    """Two header rows read as one: the lower cell names the column and inherits the unit of the cell above it; a
    blank upper cell belongs to the group started on its left when that group has sub-columns (a merge)."""
    out = []
    group = None
    for i in range(max(len(parent), len(child))):
        up = parent[i] if i < len(parent) else None
        low = child[i] if i < len(child) else None
        if not _blank(up):
            group = up if not _blank(low) else None
        elif group is not None and not _blank(low):
            up = group
        else:
            group = None
        if _blank(low):
            out.append(up)
            continue
        name, unit = split_unit(str(low))
        parent_unit = split_unit(str(up))[1] if not _blank(up) else None
        out.append(f"{name} ({parent_unit})" if unit is None and parent_unit else low)
    return tuple(out)


def _parse_sheet(parsed: ParsedFile, sheet: str | None, rows: list[tuple], dup_seen: dict) -> None:
    header = _read_header(parsed, sheet, rows)
    if header is None:
        return
    header_row, kind, cols, factors = header
    to_date: list[int] = []  # rows with actual spending for the current, unfinished year
    prov_i = next(i for i, c in cols.items() if c is PROVINCE)
    totals = _Totals(parsed, sheet, cols, factors)
    for n in range(header_row + 1, len(rows) + 1):
        cells = rows[n - 1]
        if all(_blank(c) for c in cells) or _is_column_numbering(cells):
            continue
        if _is_total_row(cells, prov_i):
            totals.check(cells, n)
            continue
        if not _text_is_clean(parsed, cols, cells, sheet, n):
            totals.incomplete = True
            continue
        row = _parse_row(parsed, kind, cols, factors, cells, sheet, n, to_date)
        if row is None:
            totals.incomplete = True
            continue
        totals.add(cells)
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


def _is_total_row(cells: tuple, prov_i: int) -> bool:
    """«Tổng cộng», «Cộng», «Tổng»… in the province column or in a column left of it (STT), with no province."""
    labels = [key(_text(c) or "") for c in cells[:prov_i + 1] if isinstance(c, str) and not _blank(c)]
    return any(label in TOTAL_ROWS for label in labels)


def _text_is_clean(parsed: ParsedFile, cols: dict, cells: tuple, sheet, n: int) -> bool:
    """A control character (NUL, escape, …) in a cell that would be stored is refused, never stored: it breaks
    exports and hides text. Tab and line breaks are ordinary text."""
    ok = True
    for i, col in cols.items():
        raw = cells[i] if i < len(cells) else None
        m = _CONTROL.search(raw) if isinstance(raw, str) else None
        if m:
            ok = False
            code = f"U+{ord(m.group()):04X}"
            parsed.error(f"ô chứa ký tự điều khiển {code} ở vị trí {m.start() + 1}; hãy xoá ký tự đó rồi nạp lại",
                         f"the cell holds the control character {code} at position {m.start() + 1}; delete it and "
                         "load again", row=n, column=parsed.headers[(sheet, col.field)], sheet=sheet)
    return ok


class _Totals:
    """A total row is recognised, never loaded as a province, and must equal the rows above it: those since the
    previous total (a subtotal, «Cộng») or all of them (the grand total, «Tổng cộng»). A total that disagrees
    rejects the file: one of the two is wrong, and only the person who filled it in knows which."""

    def __init__(self, parsed: ParsedFile, sheet, cols: dict, factors: dict):
        self.parsed, self.sheet, self.factors = parsed, sheet, factors
        self.cols = {i: c for i, c in cols.items() if c.type in ("money", "count")}
        self.since = dict.fromkeys(self.cols, Decimal(0))
        self.grand = dict.fromkeys(self.cols, Decimal(0))
        self.incomplete = False  # a row above failed: its sum means nothing, and the row's own error says why

    def _value(self, raw, i) -> Decimal | None:
        if _blank(raw) or isinstance(raw, Uncalculated):
            return None
        return _number(raw) * self.factors.get(i, Decimal(1))

    def add(self, cells: tuple) -> None:
        for i in self.cols:
            v = self._value(cells[i] if i < len(cells) else None, i)
            if v is not None:
                self.since[i] += v
                self.grand[i] += v

    def check(self, cells: tuple, n: int) -> None:
        if not self.incomplete:
            for i, col in self.cols.items():
                label = self.parsed.headers[(self.sheet, col.field)]
                raw = cells[i] if i < len(cells) else None
                try:
                    total = self._value(raw, i)
                except _Bad:
                    self.parsed.error(f"dòng tổng cộng: «{_text(raw)}» không phải là số",
                                      f"total row: «{_text(raw)}» is not a number", row=n, column=label,
                                      sheet=self.sheet)
                    continue
                if total is None:
                    continue
                # A total written with fewer decimals than the rows (or a float sum's last bit) is not a mismatch.
                exp = Decimal(str(total / self.factors.get(i, Decimal(1)))).normalize().as_tuple().exponent
                slack = max(Decimal(1).scaleb(min(exp, 0)) / 2 * self.factors.get(i, Decimal(1)),
                            abs(total) * Decimal("1e-9"))
                if all(abs(total - s[i]) > slack for s in (self.since, self.grand)):
                    above = _plain(self.since[i])
                    self.parsed.error(f"dòng tổng cộng ghi {_plain(total)} nhưng các dòng phía trên cộng lại được "
                                      f"{above}; hãy sửa dòng sai rồi nạp lại",
                                      f"the total row says {_plain(total)} but the rows above add up to {above}; "
                                      "correct whichever is wrong and load again", row=n, column=label,
                                      sheet=self.sheet)
        self.parsed.warn("dòng tổng cộng, bỏ qua (đã đối chiếu với các dòng trên)",
                         "total row, skipped (checked against the rows above)", row=n,
                         sheet=self.sheet)
        self.since = dict.fromkeys(self.cols, Decimal(0))


def _plain(d: Decimal) -> str:
    """1234.5 → «1.234,5» as a Vietnamese report writes it."""
    q = d.normalize()
    whole, _, frac = f"{q:f}".partition(".")
    whole = f"{int(whole):,}".replace(",", ".")
    return whole + ("," + frac if frac else "")


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
    header_row, kind, cols, headers = found
    errors_before = len(parsed.errors)
    for col in kind.columns:
        if col.required and col not in cols.values():
            parsed.error(f"thiếu cột bắt buộc «{col.header}»", f"required column «{col.header}» is missing",
                         row=header_row, column=col.header, sheet=sheet)
        elif col.type == "count" and col not in cols.values() and kind.table == "outreach":
            # Outreach values stand one by one (etl/schema.sql outreach_current): a published figure stays.
            parsed.warn(f"không có cột «{col.header}»; giữ số liệu đã có (nếu có) cho số liệu này",
                        f"no column «{col.header}»; the figure already held (if any) is kept", row=header_row,
                        sheet=sheet)
        elif col.type == "count" and col not in cols.values():
            # An imported row replaces the demo row whole: a figure it lacks is stored as unknown, not kept.
            parsed.warn(f"không có cột «{col.header}»; số liệu này sẽ để trống",
                        f"no column «{col.header}»; that figure will be stored as unknown", row=header_row, sheet=sheet)
    # A second 'Kế hoạch' column would leave it unclear which one to read.
    twins = {j: col for i, col in cols.items() for j, c in enumerate(headers)
             if j != i and not _blank(c) and key(split_unit(str(c))[0]) in _column_keys(col)}
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
            name, unit = split_unit(label)
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
