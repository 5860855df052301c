"""The house layout of a slide, on python-pptx: title, subtitle, accent rule, demo badge, footer with source and page
number, and the boxes slides are made of (text, table, tile, caption, picture)."""
from __future__ import annotations

import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Inches, Pt

from ..i18n import LOCALES, t
from .pdf import FONT_NAME

SLIDE_W, SLIDE_H = 13.333, 7.5
LEFT, CONTENT_W = 0.5, 12.33
TOP = 1.72  # content starts under the title, subtitle and accent line
BOTTOM = 6.85  # footer below
BADGE_W = 2.75

INK = RGBColor(0x1F, 0x2D, 0x3D)
GREY = RGBColor(0x55, 0x5F, 0x6B)
LIGHT = RGBColor(0xF2, 0xF5, 0xF8)
RULE = RGBColor(0xD5, 0xDB, 0xE1)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
BADGE_FILL, BADGE_LINE, BADGE_INK = RGBColor(0xFF, 0xE8, 0xC2), RGBColor(0xE6, 0x95, 0x00), RGBColor(0x8A, 0x4B, 0x00)


class Slides:
    """python-pptx with the house layout: title, subtitle, accent rule, demo badge, footer with source and page."""

    def __init__(self, lang: str, accent: str):
        self.lang = lang
        self.accent = RGBColor.from_string(accent.lstrip("#").upper())
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
        self.layout = self.prs.slide_layouts[5]  # "Title Only": a real title, seen by the outline and screen readers
        self.footers: list = []

    # -- primitives
    def new(self, title: str, subtitle: str | None, demo: bool, footer: str | None, cover: bool = False):
        s = self.prs.slides.add_slide(self.layout)
        ph = s.shapes.title
        if cover:
            ph.left, ph.top, ph.width, ph.height = Inches(0.9), Inches(1.95), Inches(11.6), Inches(1.5)
        else:
            ph.left, ph.top, ph.width, ph.height = Inches(LEFT), Inches(0.28), Inches(CONTENT_W), Inches(0.8)
        tf = ph.text_frame
        tf.word_wrap, tf.auto_size = True, MSO_AUTO_SIZE.NONE
        tf.vertical_anchor = MSO_ANCHOR.TOP if cover else MSO_ANCHOR.MIDDLE
        tf.margin_left = tf.margin_right = Inches(0)
        self._fill(tf, [(title, 44 if cover else 30, True, INK)], PP_ALIGN.LEFT)
        if not cover:
            if subtitle:
                self.text(s, LEFT, 1.06, CONTENT_W - (BADGE_W + 0.2 if demo else 0), 0.42,
                          [(subtitle, 18, False, GREY)])
            bar = s.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(LEFT), Inches(1.52), Inches(CONTENT_W), Inches(0.05))
            self._solid(bar, self.accent)
        else:
            bar = s.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, Inches(0.35), Inches(SLIDE_H))
            self._solid(bar, self.accent)
        if demo:
            self.badge(s, LEFT + CONTENT_W - BADGE_W, 1.0 if not cover else 0.5)
        if footer:
            self.text(s, LEFT, 6.98, 10.9, 0.38, [(footer, 12, False, GREY)], name="footer")
        self.footers.append(s)
        return s

    def badge(self, s, x: float, y: float) -> None:
        b = s.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, Inches(x), Inches(y), Inches(BADGE_W), Inches(0.46))
        b.name = "demo-badge"
        self._solid(b, BADGE_FILL)
        b.line.color.rgb, b.line.width = BADGE_LINE, Pt(1.5)
        tf = b.text_frame
        tf.margin_left = tf.margin_right = Inches(0.05)
        tf.vertical_anchor = MSO_ANCHOR.MIDDLE
        self._fill(tf, [("⚠ " + t("demo_badge", self.lang).upper(), 14, True, BADGE_INK)], PP_ALIGN.CENTER)

    def text(self, s, x, y, w, h, paragraphs, align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP, name: str | None = None):
        box = s.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
        if name:
            box.name = name
        tf = box.text_frame
        tf.word_wrap, tf.auto_size, tf.vertical_anchor = True, MSO_AUTO_SIZE.NONE, anchor
        tf.margin_left = tf.margin_right = Inches(0.02)
        tf.margin_top = tf.margin_bottom = Inches(0.02)
        self._fill(tf, paragraphs, align)
        return box

    def image(self, s, png: bytes, x, y, w, h, name: str = "chart"):
        pic = s.shapes.add_picture(io.BytesIO(png), Inches(x), Inches(y), Inches(w), Inches(h))
        pic.name = name
        return pic

    def table(self, s, x, y, widths: list[float], rows: list[list[str]], size: int = 17, row_h: float = 0.44,
              align: list | None = None, name: str = "table", emphasis: set[int] | None = None):
        frame = s.shapes.add_table(len(rows), len(widths), Inches(x), Inches(y), Inches(sum(widths)),
                                   Inches(row_h * len(rows)))
        frame.name = name
        tbl = frame.table
        tbl.first_row, tbl.horz_banding = True, False
        for j, w in enumerate(widths):
            tbl.columns[j].width = Inches(w)
        for i, row in enumerate(rows):
            tbl.rows[i].height = Inches(row_h)
            for j, value in enumerate(row):
                cell = tbl.cell(i, j)
                cell.margin_left = cell.margin_right = Inches(0.08)
                cell.margin_top = cell.margin_bottom = Inches(0.02)
                cell.vertical_anchor = MSO_ANCHOR.MIDDLE
                header = i == 0
                cell.fill.solid()
                cell.fill.fore_color.rgb = INK if header else (LIGHT if i % 2 == 0 else WHITE)
                a = PP_ALIGN.LEFT if j == 0 or align is None else align[j]
                bold = header or (emphasis is not None and i in emphasis)
                self._fill(cell.text_frame, [(str(value), size, bold, WHITE if header else INK)], a)
                cell.text_frame.word_wrap = True
        return tbl

    def tile(self, s, x, y, w, h, label: str, value: str, note: str | None = None, value_size: int = 28):
        box = s.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(x), Inches(y), Inches(w), Inches(h))
        box.name = "tile"
        self._solid(box, LIGHT)
        box.line.fill.background()
        tf = box.text_frame
        tf.word_wrap, tf.auto_size, tf.vertical_anchor = True, MSO_AUTO_SIZE.NONE, MSO_ANCHOR.MIDDLE
        tf.margin_left = tf.margin_right = Inches(0.14)
        tf.margin_top = tf.margin_bottom = Inches(0.04)
        paras = [(label, 13, False, GREY), (value, value_size, True, INK)]
        if note:
            paras.append((note, 13, False, GREY))
        self._fill(tf, paras, PP_ALIGN.LEFT)
        return box

    def caption(self, s, x, y, w, text: str) -> float:
        """A bold line over a chart; returns the height it takes (one or two lines)."""
        lines = 1 if len(text) * 16 * 0.6 / 72 < w - 0.1 else 2
        h = 0.38 * lines
        self.text(s, x, y, w, h, [(text, 16, True, GREY)], name="caption")
        return h + 0.05

    def side_tiles(self, s, items: list[tuple[str, str, str | None]]) -> None:
        """A column of tiles at the right of a chart, filling the content height."""
        x, w, gap = 8.95, 3.88, 0.13
        h = (BOTTOM - TOP - gap * (len(items) - 1)) / len(items)
        for i, (label, value, note) in enumerate(items):
            size = 28 if len(value) < 12 else 18
            self.tile(s, x, TOP + i * (h + gap), w, h, label, value, note, value_size=size)

    def number_pages(self) -> None:
        n = len(self.footers)
        for i, s in enumerate(self.footers, start=1):
            if i > 1:
                self.text(s, 11.5, 6.98, 1.33, 0.38, [(f"{i}/{n}", 12, False, GREY)], align=PP_ALIGN.RIGHT,
                          name="page-number")

    def save(self) -> bytes:
        buf = io.BytesIO()
        self.prs.save(buf)
        return buf.getvalue()

    # -- helpers
    def _fill(self, tf, paragraphs, align) -> None:
        tf.clear()
        for k, (text, size, bold, color) in enumerate(paragraphs):
            p = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
            p.alignment = align
            run = p.add_run()
            run.text = text
            f = run.font
            f.name, f.size, f.bold = FONT_NAME, Pt(size), bold
            f.color.rgb = color
            f._rPr.set("lang", LOCALES[self.lang])

    @staticmethod
    def _solid(shape, color: RGBColor) -> None:
        shape.fill.solid()
        shape.fill.fore_color.rgb = color
        shape.line.fill.background()
        shape.shadow.inherit = False

