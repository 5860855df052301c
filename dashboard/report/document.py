"""The report's layout with python-docx, as Nghị định 30/2020/NĐ-CP (Phụ lục I, Phần I) prescribes for an
administrative document: page, margins, font, the header block, title, body, page numbers, recipients, signature,
appendices. Sizes below quote the decree's ranges; where it allows a range the choice is named."""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK  # noqa: F401 — compose uses WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from . import sentences as S
from .facts import Facts

# Phụ lục I, Phần I, Mục II.1–4: A4 (210 × 297 mm), portrait; margins top and bottom 20–25 mm, left 30–35 mm,
# right 15–20 mm; Times New Roman (Unicode, TCVN 6909:2001), black.
PAGE_W, PAGE_H = Mm(210), Mm(297)
MARGIN_TOP = MARGIN_BOTTOM = Mm(20)
MARGIN_LEFT, MARGIN_RIGHT = Mm(30), Mm(15)
FONT = "Times New Roman"
BODY_PT = 14  # Mục III.6: nội dung 13–14, canh đều hai lề, lùi đầu dòng 1 cm hoặc 1,27 cm, cách đoạn ≥ 6 pt
INDENT = Cm(1)
TEXT_W_MM = 210 - 30 - 15
TABLE_PT = 11
FONT_FILES = {False: "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
              True: "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf"}  # Times New Roman's metrics


@dataclass
class Layout:
    """What was laid out: table names in order (each table carries its name as w:tblCaption), charts drawn/missing."""
    tables: list[str] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)
    missing_charts: list[str] = field(default_factory=list)
    demo: bool = False


def text_width_pt(text: str, size: float, bold: bool) -> float:
    """The printed width of a line, measured with Liberation Serif (metric-compatible with Times New Roman)."""
    try:
        from PIL import ImageFont
        font = ImageFont.truetype(FONT_FILES[bold], 200)
        return font.getlength(text) * size / 200
    except Exception:  # no font file or no Pillow: an average glyph is about half an em
        return len(text) * size * (0.56 if bold else 0.5)


# ------------------------------------------------------------------------------------------------ primitives

def _fonts(run, size: float | None = None, bold=None, italic=None) -> None:
    run.font.name = FONT
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    if italic is not None:
        run.font.italic = italic


def para(container, text: str = "", size: float = BODY_PT, bold=False, italic=False, align=None, indent=None,
         before: float = 0, after: float = 0, line: float | None = None, keep_next: bool = False):
    p = container.add_paragraph()
    pf = p.paragraph_format
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    if line:
        pf.line_spacing = line
    if align is not None:
        p.alignment = align
    if indent is not None:
        pf.first_line_indent = indent
    if keep_next:
        pf.keep_with_next = True
    if text:
        _fonts(p.add_run(text), size, bold, italic)
    return p


def body(doc, text: str):
    """Mục III.6: justified, first line indented, 6 pt between paragraphs, line spacing between single and 1.5."""
    return para(doc, text, BODY_PT, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=INDENT, after=6, line=1.15)


def heading(doc, text: str, level: int = 1):
    p = para(doc, text, BODY_PT, bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=INDENT, before=6, after=6,
             keep_next=True)
    return p


def rule(cell, width_pt: float, box_w_mm: float, after: float = 0):
    """A short solid line centred in its column: an empty paragraph whose top border is as long as asked."""
    p = cell.add_paragraph()
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(k), v)
    bdr.append(top)
    ppr.append(bdr)  # before spacing/ind/jc, which python-docx inserts after it in schema order
    side = max(0.0, (box_w_mm * 72 / 25.4 - width_pt) / 2)
    pf = p.paragraph_format
    pf.left_indent = pf.right_indent = Pt(side)
    pf.space_before, pf.space_after = Pt(0), Pt(after)
    pf.line_spacing = Pt(2)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def widths(table, widths_mm: list[float]) -> None:
    """Column widths where both Word (cell widths) and LibreOffice (the table grid) read them."""
    for col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_mm):
        col.set(qn("w:w"), str(int(Mm(w).twips)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm):
            cell.width = Mm(w)


def _no_borders(table) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{edge}")
        e.set(qn("w:val"), "nil")
        borders.append(e)
    tblpr.append(borders)


def _caption(table, name: str) -> None:
    """The table's name as its accessibility caption (w:tblCaption): how tests and screen readers find it."""
    cap = OxmlElement("w:tblCaption")
    cap.set(qn("w:val"), name)
    table._tbl.tblPr.append(cap)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    h = OxmlElement("w:tblHeader")
    h.set(qn("w:val"), "true")
    trpr.append(h)


def _cell(cell, text: str, size: float = TABLE_PT, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.LEFT):
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(1)
    for k, line in enumerate(str(text).split("\n")):
        if k:
            p = cell.add_paragraph()
            p.alignment = align
        _fonts(p.add_run(line), size, bold, italic)


def _page_field(paragraph) -> None:
    """A PAGE field: Word and LibreOffice print the page's number."""
    def fld(kind):
        r = paragraph.add_run()
        _fonts(r, BODY_PT)
        e = OxmlElement("w:fldChar")
        e.set(qn("w:fldCharType"), kind)
        r._r.append(e)
        return r
    fld("begin")
    r = paragraph.add_run()
    _fonts(r, BODY_PT)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    r._r.append(instr)
    fld("separate")
    _fonts(paragraph.add_run("2"), BODY_PT)
    fld("end")


def grid(doc, name: str, header: list[str], rows: list[list[str]], widths_mm: list[float], layout: Layout,
         numeric_from: int = 1, bold_rows: set[int] | None = None, size: float = TABLE_PT):
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for j, h in enumerate(header):
        _cell(table.rows[0].cells[j], h, size, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _repeat_header(table.rows[0])
    for i, row in enumerate(rows, start=1):
        bold = bool(bold_rows and (i - 1) in bold_rows)
        for j, value in enumerate(row):
            align = WD_ALIGN_PARAGRAPH.RIGHT if j >= numeric_from else (
                WD_ALIGN_PARAGRAPH.CENTER if header[j] == "STT" else WD_ALIGN_PARAGRAPH.LEFT)
            _cell(table.rows[i].cells[j], value, size, bold=bold, align=align)
    widths(table, widths_mm)
    _caption(table, name)
    layout.tables.append(name)
    if any(S.DEMO_MARK in c for row in rows for c in row):
        para(doc, S.DEMO_NOTE, 11, italic=True, after=6)
    else:
        para(doc, "", 6, after=4)
    return table


def table_title(doc, text: str, unit: str | None = "Đơn vị tính: triệu đồng"):
    para(doc, text, 13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, keep_next=True)
    if unit:
        para(doc, unit, 12, italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT, keep_next=True)


def picture(doc, png: bytes | None, title: str, reason: str | None, layout: Layout, key: str):
    para(doc, title, 13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, keep_next=True)
    if png:
        p = para(doc, "", align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
        p.add_run().add_picture(io.BytesIO(png), width=Mm(TEXT_W_MM - 5))
        layout.charts.append(key)
    else:
        para(doc, f"[Biểu đồ chưa tạo được{': ' + reason if reason else ''}. Số liệu của biểu đồ có trong các bảng.]",
             12, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
        layout.missing_charts.append(key)


# ------------------------------------------------------------------------------------------------ the parts

def issuer(f: Facts) -> tuple[str | None, str, str, str]:
    """(superior body, issuing body, document symbol, place): a province's Sở Công Thương under its UBND, otherwise
    the Ministry of Industry and Trade (Bộ Công Thương) in Hà Nội."""
    s = f.scope
    if s.kind == "unit":
        kind = "THÀNH PHỐ" if str(s.unit_type).startswith("thành phố") else "TỈNH"
        return f"UBND {kind} {s.unit_name.upper()}", "SỞ CÔNG THƯƠNG", "BC-SCT", s.unit_name
    return None, "BỘ CÔNG THƯƠNG", "BC-BCT", "Hà Nội"


def header_block(doc, f: Facts, layout: Layout) -> None:
    """Mục III.1–4 and Mẫu 1.x: the issuing body left, the national name and motto right, each with its rule; then
    the number and symbol (left) and the place and date (right, italic)."""
    superior, body_name, symbol, place = issuer(f)
    t = doc.add_table(rows=2, cols=2)
    t.autofit = False
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(t)
    left, right = t.rows[0].cells
    widths(t, [62, TEXT_W_MM - 62])
    left_w, right_w = 62 - 3.8, TEXT_W_MM - 62 - 3.8  # cell margins (0,08" each side)
    first = left.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if superior:  # Mục III.2: the superior body in capitals, 12–13, upright, not bold
        _fonts(first.add_run(superior), 13, False)
        p = left.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fonts(p.add_run(body_name), 13, True)
    else:
        _fonts(first.add_run(body_name), 13, True)  # the issuing body: capitals, 12–13, bold
    # its rule: 1/3 to 1/2 of the line above it, centred
    rule(left, text_width_pt(body_name, 13, True) * 0.5, left_w)
    q = right.paragraphs[0]
    q.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(q.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), 12, True)  # Quốc hiệu: capitals, 12–13, bold
    m = right.add_paragraph()
    m.alignment = WD_ALIGN_PARAGRAPH.CENTER
    motto = "Độc lập - Tự do - Hạnh phúc"
    _fonts(m.add_run(motto), 13, True)  # Tiêu ngữ: 13–14, bold; rule below as long as the line
    rule(right, text_width_pt(motto, 13, True), right_w)
    num_cell, date_cell = t.rows[1].cells
    _cell(num_cell, f"Số:       /{symbol}", 13, align=WD_ALIGN_PARAGRAPH.CENTER)  # Mục III.3: 13, upright
    # Mục III.4: place and date, 13–14, italic; day and month left to fill on signing
    _cell(date_cell, f"{place}, ngày      tháng      năm {dt.date.today().year}", 14, italic=True,
          align=WD_ALIGN_PARAGRAPH.CENTER)
    for c in (num_cell, date_cell):
        c.paragraphs[0].paragraph_format.space_before = Pt(6)
    _caption(t, "header-block")
    layout.tables.append("header-block")


def title(doc, f: Facts, half: bool) -> None:
    # Mục III.5: the kind of document in capitals 13–14 bold; its summary 13–14 bold, with a rule below it
    para(doc, "BÁO CÁO", 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=18)
    summary = S.period_title(f.year, half)
    s = f.scope
    if s.kind == "unit":
        summary += f" trên địa bàn {s.name_vi}"
    elif s.kind == "group":
        summary += f" {s.name_vi[0].lower() + s.name_vi[1:]}"
    para(doc, summary, 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    width = min(text_width_pt(summary, 14, True), 160 * 72 / 25.4) * 0.4
    p = para(doc, "", 2, align=WD_ALIGN_PARAGRAPH.CENTER, before=4, after=12)
    bdr = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(k), v)
    bdr.append(top)
    p._p.get_or_add_pPr().insert(0, bdr)
    side = (TEXT_W_MM * 72 / 25.4 - width) / 2
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = Pt(side)


def page_setup(doc) -> None:
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = PAGE_W, PAGE_H
    sec.top_margin, sec.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    sec.left_margin, sec.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    sec.header_distance = Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    normal.element.get_or_add_rPr().append(lang)
    # Mục II.7: page numbers from 1 in Arabic figures, 13–14, upright, centred in the top margin; none on page 1
    sec.different_first_page_header_footer = True
    sec.first_page_header.is_linked_to_previous = False
    hp = sec.header.paragraphs[0]
    hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(hp)


def origin_note(doc, f: Facts, counts: dict[str, tuple[int, int, int, int]], demo: bool) -> None:
    """First page: per topic how many units' figures are imported from reports, published by a source or demo (a
    unit with a published plan and a demo actual counts as both), and the legend of the demo mark."""
    parts = []
    names = {"budget": "kinh phí", "projects": "đề án", "staffing": "nhân lực", "collaborators": "cộng tác viên"}
    for what, (n, imported, demo_n, published_n) in counts.items():
        if not n:
            continue
        kinds = [f"{imported} đơn vị nhập từ báo cáo" if imported else "",
                 f"{published_n} đơn vị có số liệu đã công bố" if published_n else "",
                 f"{demo_n} đơn vị có số liệu minh họa" if demo_n else ""]
        parts.append(f"{names[what]}: " + ", ".join(k for k in kinds if k))
    text = "Nguồn số liệu: cơ sở dữ liệu khuyến công — " + "; ".join(parts) + "."
    if demo:
        text += (" Số liệu minh họa được tạo để thử nghiệm, hiệu chỉnh khớp với số liệu đã công bố, không phải số liệu "
                 "báo cáo thực; mỗi số liệu minh họa được đánh dấu * ngay sau số đó trong văn bản và các bảng (một kế "
                 "hoạch đã công bố bên cạnh số thực hiện minh họa: chỉ số thực hiện và tỷ lệ tính từ nó mang dấu *); "
                 "số không có dấu * là số nhập từ báo cáo hoặc đã được công bố.")
    n_pub = len(f.published)
    text += (f" Số liệu đã công bố về phạm vi và năm báo cáo: {n_pub} số liệu (Phụ lục III)." if n_pub else
             " Không có số liệu đã công bố về phạm vi và năm báo cáo trong cơ sở dữ liệu.")
    para(doc, text, 12, italic=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=INDENT, after=6)


def signature(doc, f: Facts, layout: Layout) -> None:
    """Mục III.7 and III.9: recipients (12 bold italic; list 11) left, the signer's title and name right — left as
    fields to fill."""
    t = doc.add_table(rows=1, cols=2)
    t.autofit = False
    _no_borders(t)
    left, right = t.rows[0].cells
    widths(t, [80, TEXT_W_MM - 80])
    p = left.paragraphs[0]
    _fonts(p.add_run("Nơi nhận:"), 12, True, True)
    recipients = ["- Bộ Công Thương (Cục ĐMST, CĐX và KC);" if f.scope.kind == "unit" else "- ……………;",
                  "- ……………;", "- Lưu: VT, ……."]
    for line in recipients:
        q = left.add_paragraph()
        q.paragraph_format.space_after = Pt(0)
        _fonts(q.add_run(line), 11)
    r0 = right.paragraphs[0]
    r0.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(r0.add_run("(CHỨC VỤ NGƯỜI KÝ)"), 14, True)
    r1 = right.add_paragraph()
    r1.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(r1.add_run("(Chữ ký, dấu)"), 14, False, True)
    for _ in range(3):
        right.add_paragraph()
    r2 = right.add_paragraph()
    r2.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(r2.add_run("(Họ và tên)"), 14, True)
    _caption(t, "signature")
    layout.tables.append("signature")


def appendix_head(doc, numeral: str, name: str, f: Facts) -> None:
    # Mục IV.1: the word "Phụ lục" and its Roman numeral 14 bold; the appendix title in capitals 13–14 bold
    p = para(doc, "", align=WD_ALIGN_PARAGRAPH.CENTER)
    p.add_run().add_break(WD_BREAK.PAGE)
    _fonts(p.add_run(f"Phụ lục {numeral}"), 14, True)
    para(doc, name.upper(), 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _, body_name, symbol, _ = issuer(f)
    para(doc, f"(Kèm theo Báo cáo số      /{symbol} ngày      tháng      năm {dt.date.today().year} của "
              f"{body_name.title() if body_name == 'BỘ CÔNG THƯƠNG' else 'Sở Công Thương ' + f.scope.unit_name})",
         13, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)


def new_document() -> Document:
    doc = Document()
    page_setup(doc)
    doc.core_properties.language = "vi-VN"
    doc.core_properties.author = "Khuyến công"
    return doc


def to_bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()

