"""Conference deck: a 16:9 PowerPoint (and its PDF) of one region's or conference area's khuyến công figures for
one year, built from the warehouse so a presenter can show it unchanged.

    python -m dashboard.deck --area mien-trung-tay-nguyen --year 2017 -o deck.pptx --pdf deck.pdf
    python -m dashboard.deck --area vung/tay-nguyen --year 2025 -o tn.pptx --lang en
    python -m dashboard.deck --list

Slides: title; the nation; the area against the nation; provinces ranked; map; staffing; collaborators; changes
since the previous year; sources (which figures are demo, imported or published). Numbers in slide text use
dashboard/fmt.py, charts are static images (kaleido), text uses Noto Sans (fonts/, OFL). The PDF is the PPTX
converted by LibreOffice headless. Files are written to a temporary name and renamed when complete.
"""
from __future__ import annotations

import argparse
import datetime as dt
import difflib
import io
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import numpy as np
import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Inches, Pt

if __name__ == "__main__":  # the CLI: cached queries outside `streamlit run` warn once per function; expected here
    from streamlit.logger import set_log_level
    set_log_level("error")

from . import charts, fmt, metrics, queries  # noqa: E402
from .db import ROOT  # noqa: E402
from .tools import ToolError  # noqa: E402
from .i18n import LANGS, t  # noqa: E402

FONT_NAME = "Noto Sans"
FONT_DIR = ROOT / "fonts"
SLIDE_W, SLIDE_H = 13.333, 7.5
LEFT, CONTENT_W = 0.5, 12.33
TOP = 1.72  # content starts under the title, subtitle and accent line
BOTTOM = 6.85  # footer below
BADGE_W = 2.75
GROUPINGS = ("kc_area", "vung")
DEFAULT_AREA = "kc_area/mien-trung-tay-nguyen"

INK = RGBColor(0x1F, 0x2D, 0x3D)
GREY = RGBColor(0x55, 0x5F, 0x6B)
LIGHT = RGBColor(0xF2, 0xF5, 0xF8)
RULE = RGBColor(0xD5, 0xDB, 0xE1)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
BADGE_FILL, BADGE_LINE, BADGE_INK = RGBColor(0xFF, 0xE8, 0xC2), RGBColor(0xE6, 0x95, 0x00), RGBColor(0x8A, 0x4B, 0x00)

SUM_COLS = ("kcqg_planned_mvnd", "kcqg_actual_mvnd", "kcdp_planned_mvnd", "kcdp_actual_mvnd", "total_planned_mvnd",
            "total_actual_mvnd", "projects", "staff_total", "staff_grassroots", "collaborators_district",
            "collaborators_commune", "districts_covered", "districts_total", "communes_covered", "communes_total")
FUND_ROWS = (("kcqg", "planned"), ("kcqg", "actual"), ("kcdp", "planned"), ("kcdp", "actual"),
             ("total", "planned"), ("total", "actual"))


class DeckError(ValueError):
    """A request that cannot give a deck; the message says why in Vietnamese and in English."""

    def __init__(self, key: str, **kw):
        self.vi, self.en = t(key, "vi", **kw), t(key, "en", **kw)
        super().__init__(f"{self.vi}\n{self.en}")


@dataclass(frozen=True)
class Area:
    grouping: str
    group_id: str
    name_vi: str
    name_en: str
    era: str
    members: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.grouping}/{self.group_id}"

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_vi

    def kind(self, lang: str) -> str:
        return t(f"deck_kind_{self.grouping}", lang)


@dataclass
class DeckInfo:
    area: Area
    year: int
    lang: str
    titles: list[str] = field(default_factory=list)
    demo: bool = False


# ---------------------------------------------------------------------------------------------------- request

def area_choices() -> list[str]:
    """Every area a deck can be built for, as 'grouping/group' (conference areas first)."""
    g = queries.deck_groups()
    keys = [f"{r.grouping_id}/{r.group_id}" for r in g.itertuples()]
    return sorted(dict.fromkeys(keys), key=lambda k: (GROUPINGS.index(k.split("/")[0]), keys.index(k)))


def area_label(key: str, lang: str) -> str:
    grouping, group_id = key.split("/", 1)
    g = queries.deck_groups()
    row = g[(g.grouping_id == grouping) & (g.group_id == group_id)].iloc[0]
    return f"{row['name_en' if lang == 'en' else 'name_vi']} ({t(f'deck_grouping_{grouping}', lang).lower()})"


def resolve(area: str, year: int) -> Area:
    """The area named by 'group' (unique across groupings) or 'grouping/group', with its members in the year's era."""
    years = queries.years()
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise DeckError("deck_err_year", year=year, years=_years_text(years)) from None
    if year not in years:
        raise DeckError("deck_err_year", year=year, years=_years_text(years))
    text = str(area or "").strip().lower()
    choices = area_choices()
    matches = _matches(text, choices)
    if not matches:
        near = difflib.get_close_matches(text, choices + [k.split("/", 1)[1] for k in choices], n=3, cutoff=0.5)
        raise DeckError("deck_err_area", area=area, options=", ".join(near or [k.split("/", 1)[1] for k in choices]))
    if len(matches) > 1:
        raise DeckError("deck_err_area_ambiguous", area=area, options=", ".join(matches))
    grouping, group_id = matches[0].split("/", 1)
    era = queries.era_of(year)
    g = queries.deck_groups()
    row = g[(g.grouping_id == grouping) & (g.group_id == group_id) & (g.era == era)]
    if row.empty or not len(row.iloc[0]["members"]):
        raise DeckError("deck_err_members", area=matches[0], year=year)
    r = row.iloc[0]
    return Area(grouping, group_id, r["name_vi"], r["name_en"], era, tuple(str(m) for m in r["members"]))


def _matches(text: str, choices: list[str]) -> list[str]:
    return [k for k in choices if k == text] or [k for k in choices if k.split("/", 1)[1] == text]


def area_key(text: str | None) -> str | None:
    """'grouping/group' for a name a URL or a user gave ('phia-nam' or 'kc_area/phia-nam'), or None."""
    found = _matches(str(text or "").strip().lower(), area_choices())
    return found[0] if len(found) == 1 else None


def _years_text(years: list[int]) -> str:
    return f"{years[0]}–{years[-1]}" if years and years == list(range(years[0], years[-1] + 1)) else ", ".join(map(str, years))


# ---------------------------------------------------------------------------------------------------- figures

@dataclass
class Facts:
    """Everything the slides show, from the query functions; region figures are sums over the area's units."""
    area: Area
    year: int
    units: pd.DataFrame  # the area's units in the year, largest total actual first
    nation_units: pd.DataFrame
    region: pd.Series
    nation: pd.Series
    nation_trend: pd.DataFrame
    prev_units: pd.DataFrame | None  # the same units the year before (in the year's units, across the reform)
    prev_region: pd.Series | None
    prev_nation: pd.Series | None
    origins: pd.DataFrame
    prev_origins: pd.DataFrame | None
    published: pd.DataFrame


def _totals(df: pd.DataFrame) -> pd.Series:
    s = pd.Series({c: pd.to_numeric(df[c], errors="coerce").astype("float64").sum(min_count=1) if c in df else np.nan
                   for c in SUM_COLS}, dtype=float)
    s["units"] = len(df)
    for fund in metrics.FUNDS:
        s[f"{fund}_execution_pct"] = _ratio(s[f"{fund}_actual_mvnd"], s[f"{fund}_planned_mvnd"])
    s["collaborators_total"] = (np.nan if np.isnan(s["collaborators_district"]) and np.isnan(s["collaborators_commune"])
                                else np.nansum([s["collaborators_district"], s["collaborators_commune"]]))
    return s


def _ratio(a, b) -> float:
    a, b = float(a), float(b)
    return 100.0 * a / b if b == b and b != 0 and a == a else np.nan


def gather(area: Area, year: int) -> Facts:
    era = area.era
    all_units = queries.unit_year(year, era)
    units = all_units[all_units.unit_code.isin(area.members)]
    units = units.sort_values(["total_actual_mvnd", "name_vi"], ascending=[False, True]).reset_index(drop=True)
    prev_units = prev_region = prev_nation = prev_origins = None
    if year - 1 in queries.years():
        before = queries.unit_year(year - 1, era)  # across the reform: 2024 summed into the 34 units
        prev_units = before[before.unit_code.isin(area.members)].reset_index(drop=True)
        prev_region, prev_nation = _totals(prev_units), _totals(before)
        prev_origins = queries.deck_origins(year - 1, _prev_codes(area, year - 1))
    nation_trend = queries.nation_series()
    return Facts(area=area, year=year, units=units, nation_units=all_units, region=_totals(units),
                 nation=_totals(all_units), nation_trend=nation_trend[nation_trend.year <= year],
                 prev_units=prev_units, prev_region=prev_region, prev_nation=prev_nation,
                 origins=queries.deck_origins(year, area.members), prev_origins=prev_origins,
                 published=queries.deck_published(year, area.key, area.members))


def _prev_codes(area: Area, prev_year: int) -> tuple[str, ...]:
    """The units that reported in the previous year: across the reform, the provinces merged into the area's units."""
    if queries.era_of(prev_year) == area.era:
        return area.members
    return tuple(queries.deck_merged_from(area.members))


PREVIEW_COLS = ("kcqg_planned_mvnd", "kcqg_actual_mvnd", "kcdp_planned_mvnd", "kcdp_actual_mvnd", "total_actual_mvnd",
                "total_execution_pct", "staff_total", "staff_grassroots", "collaborators_total")


def preview(area: Area, year: int, lang: str) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    """The area's units as the deck will show them (largest spending first): the rows, the same with labelled
    columns for a table, and whether any value is demo."""
    all_units = queries.unit_year(int(year), area.era)
    u = all_units[all_units.unit_code.isin(area.members)]
    u = u.sort_values(["total_actual_mvnd", "name_vi"], ascending=[False, True])
    out = u[["unit_code", "name_vi", *PREVIEW_COLS, "budget_origin"]].copy()
    out["budget_origin"] = out["budget_origin"].map(lambda o: t(f"origin_{o}", lang) if "+" not in str(o) and
                                                    o in ("demo", "imported") else o)
    labels = {"unit_code": t("deck_code", lang), "name_vi": t("province", lang), "budget_origin": t("origin", lang),
              "total_execution_pct": t("execution_pct", lang) + " (%)"}
    labels.update({c: t(c, lang) + (f" ({t('unit_mvnd', lang)})" if c.endswith("_mvnd") else "")
                   for c in PREVIEW_COLS if c not in labels})
    demo = bool(u[["budget_origin", "staffing_origin", "collaborators_origin"]].fillna("").astype(str)
                .agg("+".join, axis=1).str.contains("demo").any())
    return u, out.rename(columns=labels), demo


def origin_of(df: pd.DataFrame, *cols: str) -> tuple[int, int]:
    """(units with demo values, units with imported values) among the given origin columns."""
    if df is None or df.empty:
        return 0, 0
    joined = df[[c for c in cols if c in df]].fillna("").astype(str).agg("+".join, axis=1)
    return int(joined.str.contains("demo").sum()), int(joined.str.contains("imported").sum())


def origin_text(counts: tuple[int, int], lang: str) -> str:
    demo, imported = counts
    if demo and imported:
        return t("deck_origin_mixed", lang, demo=demo, imported=imported)
    if demo:
        return t("deck_origin_demo", lang)
    if imported:
        return t("deck_origin_imported", lang, n=imported)
    return t("deck_origin_none", lang)


# ---------------------------------------------------------------------------------------------------- slides

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
            f._rPr.set("lang", "vi-VN" if self.lang == "vi" else "en-GB")

    @staticmethod
    def _solid(shape, color: RGBColor) -> None:
        shape.fill.solid()
        shape.fill.fore_color.rgb = color
        shape.line.fill.background()
        shape.shadow.inherit = False


# ---------------------------------------------------------------------------------------------------- deck

def render(facts: Facts, lang: str) -> tuple[bytes, DeckInfo]:
    """The PPTX bytes of the deck, and what it holds."""
    a, year, L = facts.area, facts.year, lang
    info = DeckInfo(area=a, year=year, lang=lang)
    kind = a.kind(L)
    n_units = len(facts.units)
    units_text = t("deck_units_n", L, n=n_units)
    unit_line = t("deck_unit_line", L, scope=a.name(L), units=units_text)
    num = lambda x, d=0: fmt.number(x, d, L)  # noqa: E731
    pct = lambda x: fmt.pct(x, 1, L)  # noqa: E731

    budget_origin = origin_of(facts.units, "budget_origin")
    staff_origin = origin_of(facts.units, "staffing_origin")
    collab_origin = origin_of(facts.units, "collaborators_origin")
    nation_origin = origin_of(facts.nation_units, "budget_origin", "staffing_origin", "collaborators_origin")
    prev_origin = origin_of(facts.prev_units, "budget_origin", "staffing_origin", "collaborators_origin")
    all_origin = origin_of(facts.units, "budget_origin", "staffing_origin", "collaborators_origin")
    footer = lambda counts: t("deck_footer", L, origin=origin_text(counts, L))  # noqa: E731

    figs: dict[str, object] = {}
    S = Slides(L, charts.REGION_COLORS.get(a.group_id, "#34495e"))
    pending: list[tuple] = []  # (slide, figure key, x, y, w, h): images are rendered together, then placed

    # 1. title
    demo_any = bool(nation_origin[0] or all_origin[0] or prev_origin[0])
    s = S.new(a.name(L), None, demo_any, None, cover=True)
    S.text(s, 0.9, 1.3, 11.5, 0.6, [(t("deck_cover_kicker", L, year=year), 24, True, GREY)])
    S.text(s, 0.9, 3.5, 11.6, 0.9, [(t("deck_cover_scope", L, n=n_units), 22, False, INK)])
    names = ", ".join(sorted(facts.units["name_vi"], key=_vi_sort_key))
    cover_lines = [(names, 16, False, GREY)]
    if a.era == "34":
        cover_lines.append((t("deck_cover_34", L, year=year), 16, False, GREY))
    S.text(s, 0.9, 4.4, 11.6, 1.45, cover_lines)
    if demo_any:
        S.text(s, 0.9, 5.9, 11.6, 0.5, [(t("demo_help", L), 15, False, BADGE_INK)], name="demo-note")
    today = dt.date.today()
    S.text(s, 0.9, 6.55, 11.6, 0.45, [(t("deck_cover_made", L, date=today.strftime("%d/%m/%Y" if L == "vi" else
                                                                                  "%d %B %Y")), 14, False, GREY)])
    info.titles.append(a.name(L))

    # 2. the nation
    n, nprev = facts.nation, facts.prev_nation
    title = t("deck_nation_title", L, year=year)
    s = S.new(title, t("deck_unit_line", L, scope=t("nation", L), units=t("deck_units_n", L, n=int(n["units"]))),
              bool(nation_origin[0]), footer(nation_origin))
    tiles = [
        (f"{t('kcqg_planned_mvnd', L)} ({t('unit_mvnd', L)})", num(n.kcqg_planned_mvnd), None),
        (f"{t('kcqg_actual_mvnd', L)} ({t('unit_mvnd', L)})", num(n.kcqg_actual_mvnd),
         t("deck_of_plan", L, pct=pct(n.kcqg_execution_pct))),
        (f"{t('kcdp_planned_mvnd', L)} ({t('unit_mvnd', L)})", num(n.kcdp_planned_mvnd), None),
        (f"{t('kcdp_actual_mvnd', L)} ({t('unit_mvnd', L)})", num(n.kcdp_actual_mvnd),
         t("deck_of_plan", L, pct=pct(n.kcdp_execution_pct))),
        (t("deck_exec_all", L), pct(n.total_execution_pct),
         f"{t('total_actual_mvnd', L)}: {num(n.total_actual_mvnd)}"),
        (t("projects", L), num(n.projects), None),
        (f"{t('staff_total', L)} ({t('unit_people', L)})", num(n.staff_total),
         f"{t('staff_grassroots', L)}: {num(n.staff_grassroots)}"),
        (f"{t('collaborators_total', L)} ({t('unit_people', L)})", num(n.collaborators_total),
         _collab_split(n, L)),
    ]
    w, h, gap = 3.05, 1.2, 0.12
    for i, (label, value, note) in enumerate(tiles):
        S.tile(s, LEFT + (i % 2) * (w + gap), TOP + (i // 2) * (h + gap), w, h, label, value, note)
    trend = facts.nation_trend
    y0 = int(trend.year.min())
    cx, cw = LEFT + 2 * w + gap + 0.25, SLIDE_W - 0.5 - (LEFT + 2 * w + gap + 0.25)
    ch_ = S.caption(s, cx, TOP, cw, t("deck_nation_trend", L, y0=y0, y1=year))
    fig = charts.trend(trend, "year", {c: t(c, L) for c in ("kcqg_planned_mvnd", "kcqg_actual_mvnd",
                                                           "kcdp_planned_mvnd", "kcdp_actual_mvnd")}, "mvnd", L,
                       colors={"kcqg_planned_mvnd": "#e8a39b", "kcqg_actual_mvnd": charts.FUND_COLORS["kcqg"],
                               "kcdp_planned_mvnd": "#9ecae1", "kcdp_actual_mvnd": charts.FUND_COLORS["kcdp"]})
    charts.deck_layout(fig, L, cw, BOTTOM - TOP - ch_)
    fig.update_xaxes(dtick=2 if year - y0 > 7 else 1, tickfont=dict(size=20), automargin=True)
    fig.update_yaxes(tickformat=",.0f", tickfont=dict(size=20), rangemode="tozero", automargin=True)
    fig.update_layout(legend=dict(font=dict(size=18)), margin=dict(t=80, l=10, b=10))
    fig.add_vline(x=year, line=dict(color="#999", dash="dot", width=2))
    figs["nation"] = fig
    pending.append((s, "nation", cx, TOP + ch_, cw, BOTTOM - TOP - ch_))
    info.titles.append(title)

    # 3. the area against the nation
    r = facts.region
    title = t("deck_region_title", L, Kind=kind.capitalize(), kind=kind, year=year)
    s = S.new(title, unit_line, bool(budget_origin[0] or nation_origin[0]), footer(budget_origin))
    rows = [[t("deck_col_measure", L), kind.capitalize(), t("nation", L), t("deck_col_share", L)]]
    for fund in ("kcqg", "kcdp", "total"):
        for status in metrics.STATUSES:
            col = metrics.amount_col(fund, status)
            rows.append([t(col, L), num(r[col]), num(n[col]), pct(_ratio(r[col], n[col]))])
        label = t("deck_exec_all", L) if fund == "total" else t("deck_exec_of", L, fund=t(f"fund_{fund}", L).split(" ")[0])
        rows.append([label, pct(r[f"{fund}_execution_pct"]), pct(n[f"{fund}_execution_pct"]), ""])
    rows.append([t("projects", L), num(r.projects), num(n.projects), pct(_ratio(r.projects, n.projects))])
    S.table(s, LEFT, TOP + 0.05, [3.35, 1.55, 1.55, 1.25], rows, size=16, row_h=0.44,
            align=[None, PP_ALIGN.RIGHT, PP_ALIGN.RIGHT, PP_ALIGN.RIGHT], name="region-table", emphasis={9})
    ch_ = S.caption(s, 8.45, TOP, 4.38, t("deck_share_chart", L, kind=kind))
    labels = [t(metrics.amount_col(f, st_), L) for f, st_ in FUND_ROWS]
    shares = [_ratio(r[metrics.amount_col(f, st_)], n[metrics.amount_col(f, st_)]) for f, st_ in FUND_ROWS]
    colors = [("#e8a39b", charts.FUND_COLORS["kcqg"]), ("#9ecae1", charts.FUND_COLORS["kcdp"]),
              ("#a9b4bf", charts.FUND_COLORS["total"])]
    fig = charts.deck_bars(labels, [dict(values=shares, name="", color=[colors[i // 2][i % 2] for i in range(6)])],
                           [pct(v) for v in shares], L, 4.38, BOTTOM - TOP - ch_)
    charts.deck_layout(fig, L, 4.38, BOTTOM - TOP - ch_, legend=False)
    figs["share"] = fig
    pending.append((s, "share", 8.45, TOP + ch_, 4.38, BOTTOM - TOP - ch_))
    info.titles.append(title)

    # 4. provinces ranked
    u = facts.units
    rank_names = [f"{i}. {name}" for i, name in enumerate(u["name_vi"], start=1)]
    title = t("deck_rank_title", L, kind=kind, year=year)
    s = S.new(title, unit_line, bool(budget_origin[0]), footer(budget_origin))
    ch_ = S.caption(s, LEFT, TOP, CONTENT_W, t("deck_rank_chart", L))
    cols = 2 if n_units > 16 else 1
    fig = charts.deck_bars(
        rank_names, [dict(values=u.kcqg_actual_mvnd.tolist(), name=t("kcqg_actual_mvnd", L), color=charts.FUND_COLORS["kcqg"]),
                     dict(values=u.kcdp_actual_mvnd.tolist(), name=t("kcdp_actual_mvnd", L), color=charts.FUND_COLORS["kcdp"])],
        [f"{num(v)} ({pct(e)})" for v, e in zip(u.total_actual_mvnd, u.total_execution_pct)], L, CONTENT_W,
        BOTTOM - TOP - ch_, columns=cols)
    charts.deck_layout(fig, L, CONTENT_W, BOTTOM - TOP - ch_)
    if n_units > 16:
        fig.update_yaxes(tickfont=dict(size=charts.DECK_FONT_PX - 4))
        fig.update_traces(textfont=dict(size=charts.DECK_FONT_PX - 4))
    figs["rank"] = fig
    pending.append((s, "rank", LEFT, TOP + ch_, CONTENT_W, BOTTOM - TOP - ch_))
    info.titles.append(title)

    # 5. map
    title = t("deck_map_title", L, kind=kind, year=year)
    s = S.new(title, unit_line, bool(budget_origin[0]), footer(budget_origin))
    ranks = {c: i for i, c in enumerate(u["unit_code"], start=1)}
    big = n_units > 16
    map_w = 5.9 if big else 7.6
    fig = charts.deck_region_map(u, "total_actual_mvnd", a.era, ranks, L, map_w, BOTTOM - TOP, t("unit_mvnd", L))
    figs["map"] = fig
    pending.append((s, "map", LEFT, TOP, map_w, BOTTOM - TOP))
    header = ["#", t("province", L), f"{t('status_actual', L)}"]
    listing = [[str(i), name, num(v)] for i, (name, v) in enumerate(zip(u["name_vi"], u["total_actual_mvnd"]), 1)]
    x = LEFT + map_w + 0.25
    head_h = 0.55
    if big:
        per = -(-n_units // 2)
        row_h = min(0.4, (BOTTOM - 0.1 - TOP - head_h) / (per + 1))
        for k in range(2):
            part = listing[k * per:(k + 1) * per]
            S.table(s, x + k * 3.08, TOP + head_h, [0.42, 1.6, 0.98], [header] + part, size=12, row_h=row_h,
                    align=[None, PP_ALIGN.LEFT, PP_ALIGN.RIGHT], name="map-list")
    else:
        row_h = min(0.42, (BOTTOM - 0.1 - TOP - head_h) / (n_units + 1))
        S.table(s, x, TOP + head_h, [0.55, 2.55, 1.45], [header] + listing, size=15 if n_units <= 12 else 13,
                row_h=row_h, align=[None, PP_ALIGN.LEFT, PP_ALIGN.RIGHT], name="map-list")
    S.text(s, x, TOP - 0.05, SLIDE_W - x - 0.5, head_h,
           [(t("deck_map_list", L, value=f"{t('total_actual_mvnd', L)} ({t('unit_mvnd', L)})"), 13, False, GREY)])
    info.titles.append(title)

    # 6. staffing
    title = t("deck_staff_title", L, year=year)
    people_line = t("deck_people_line", L, scope=a.name(L), units=units_text)
    s = S.new(title, people_line, bool(staff_origin[0]), footer(staff_origin))
    us = u.sort_values(["staff_total", "name_vi"], ascending=[False, True])
    ch_ = S.caption(s, LEFT, TOP, 8.2, t("deck_staff_chart", L))
    fig = charts.deck_bars(us["name_vi"].tolist(),
                           [dict(values=us.staff_total.tolist(), name=t("staff_total", L), color="#9fb6cd"),
                            dict(values=us.staff_grassroots.tolist(), name=t("deck_staff_inside", L), color="#2c5d8a")],
                           [num(v) for v in us.staff_total], L, 8.2, BOTTOM - TOP - ch_, mode="overlay",
                           columns=2 if n_units > 16 else 1)
    charts.deck_layout(fig, L, 8.2, BOTTOM - TOP - ch_)
    _small_if_many(fig, n_units)
    figs["staff"] = fig
    pending.append((s, "staff", LEFT, TOP + ch_, 8.2, BOTTOM - TOP - ch_))
    bands = us["size_band"].value_counts()
    band_text = "  ".join(f"{BAND_SHORT[k]}: {int(bands.get(k, 0))}" for k, *_ in metrics.BANDS)
    per_centre = r.staff_total / n_units if n_units else np.nan
    nation_per = n.staff_total / n["units"] if n["units"] else np.nan
    side = [
        (f"{t('staff_total', L)} ({t('unit_people', L)})", num(r.staff_total),
         t("deck_of_nation", L, pct=pct(_ratio(r.staff_total, n.staff_total)), nation=num(n.staff_total))),
        (f"{t('staff_grassroots', L)} ({t('unit_people', L)})", num(r.staff_grassroots),
         t("deck_of_staff", L, pct=pct(_ratio(r.staff_grassroots, r.staff_total)))),
        (t("staff_per_centre", L), num(per_centre, 1), t("deck_nation_avg", L, value=num(nation_per, 1))),
        (t("deck_band_count", L), band_text, None),
    ]
    _side_tiles(S, s, side)
    info.titles.append(title)

    # 7. collaborators
    title = t("deck_collab_title", L, year=year)
    s = S.new(title, people_line, bool(collab_origin[0]), footer(collab_origin))
    uc = u.assign(collab=u.collaborators_district.fillna(0) + u.collaborators_commune.fillna(0))
    uc = uc.sort_values(["collab", "name_vi"], ascending=[False, True])
    no_districts = bool(uc.collaborators_district.isna().all())
    parts = [] if no_districts else [dict(values=uc.collaborators_district.fillna(0).tolist(),
                                          name=t("collaborators_district", L), color="#8c6bb1")]
    parts.append(dict(values=uc.collaborators_commune.fillna(0).tolist(), name=t("collaborators_commune", L),
                      color="#41ae76"))
    ch_ = S.caption(s, LEFT, TOP, 8.2, t("deck_collab_chart", L))
    fig = charts.deck_bars(uc["name_vi"].tolist(), parts, [num(v) for v in uc.collab], L, 8.2, BOTTOM - TOP - ch_,
                           columns=2 if n_units > 16 else 1)
    charts.deck_layout(fig, L, 8.2, BOTTOM - TOP - ch_)
    _small_if_many(fig, n_units)
    figs["collab"] = fig
    pending.append((s, "collab", LEFT, TOP + ch_, 8.2, BOTTOM - TOP - ch_))
    side = [(f"{t('collaborators_total', L)} ({t('unit_people', L)})", num(r.collaborators_total),
             t("deck_of_nation", L, pct=pct(_ratio(r.collaborators_total, n.collaborators_total)),
               nation=num(n.collaborators_total)))]
    if no_districts:
        side.append((t("collaborators_district", L), "–", t("deck_no_districts", L)))
    else:
        side.append((t("collaborators_district", L), num(r.collaborators_district),
                     t("deck_coverage", L, pct=pct(_ratio(r.districts_covered, r.districts_total)),
                       covered=num(r.districts_covered), total=num(r.districts_total))))
    side.append((t("collaborators_commune", L), num(r.collaborators_commune),
                 t("deck_coverage", L, pct=pct(_ratio(r.communes_covered, r.communes_total)),
                   covered=num(r.communes_covered), total=num(r.communes_total))
                 if r.communes_total == r.communes_total else f"{t('communes_covered', L)}: {num(r.communes_covered)}"))
    _side_tiles(S, s, side)
    info.titles.append(title)

    # 8. changes since the previous year
    prev = year - 1
    title = t("deck_change_title", L, prev=prev)
    pr = facts.prev_region
    s = S.new(title, unit_line, bool(budget_origin[0] or prev_origin[0]),
              footer((max(budget_origin[0], prev_origin[0]), max(budget_origin[1], prev_origin[1]))))
    if pr is None:
        S.text(s, LEFT, 3.2, CONTENT_W, 1.0, [(t("deck_change_none", L, prev=prev), 26, False, GREY)],
               align=PP_ALIGN.CENTER)
    else:
        rows = [[t("deck_col_measure", L), str(prev), str(year), t("deck_col_change", L)]]
        for col in [metrics.amount_col(f, st_) for f, st_ in FUND_ROWS] + ["projects", "staff_total",
                                                                            "collaborators_total"]:
            label = t(col, L) + (f" ({t('unit_people', L)})" if col in ("staff_total", "collaborators_total") else "")
            rows.append([label, num(pr[col]), num(r[col]), fmt.signed_pct(_change(r[col], pr[col]), 1, L)])
        S.table(s, LEFT, TOP + 0.05, [3.5, 1.45, 1.45, 1.3], rows, size=16, row_h=0.44,
                align=[None, PP_ALIGN.RIGHT, PP_ALIGN.RIGHT, PP_ALIGN.RIGHT], name="change-table")
        if queries.era_of(prev) != a.era:
            S.text(s, LEFT, TOP + 0.1 + 0.44 * len(rows), 7.7, 0.6, [(t("deck_change_reform", L, prev=prev), 13,
                                                                     False, GREY)])
        ch = u.assign(change=metrics.with_change(u, facts.prev_units, "total_planned_mvnd")).dropna(subset=["change"])
        ch = ch.sort_values("change", ascending=False)
        if len(ch) > 16:
            ch = pd.concat([ch.head(8), ch.tail(8)])
            cap = t("deck_change_chart_top", L, year=year, prev=prev)
        else:
            cap = t("deck_change_chart", L, year=year, prev=prev)
        cap_h = S.caption(s, 8.45, TOP, 4.38, cap)
        fig = charts.deck_bars(ch["name_vi"].tolist(),
                               [dict(values=ch.change.tolist(), name="",
                                     color=["#2166ac" if v >= 0 else "#b2182b" for v in ch.change])],
                               [fmt.signed_pct(v, 1, L) for v in ch.change], L, 4.38, BOTTOM - TOP - cap_h)
        charts.deck_layout(fig, L, 4.38, BOTTOM - TOP - cap_h, legend=False)
        if len(ch) > 12:
            fig.update_yaxes(tickfont=dict(size=charts.DECK_FONT_PX - 6))
            fig.update_traces(textfont=dict(size=charts.DECK_FONT_PX - 6))
        figs["change"] = fig
        pending.append((s, "change", 8.45, TOP + cap_h, 4.38, BOTTOM - TOP - cap_h))
    info.titles.append(title)

    # 9. sources
    title = t("deck_sources_title", L)
    s = S.new(title, unit_line.rsplit(" · ", 1)[0], demo_any, footer(all_origin))
    S.text(s, LEFT, TOP, 7.2, 0.4, [(t("deck_sources_rows", L), 17, True, INK)])
    rows = [[t("deck_col_data", L), t("deck_col_year", L, year=year)]
            + ([t("deck_col_year", L, year=prev)] if facts.prev_origins is not None else [])]
    for what in ("budget", "projects", "staffing", "collaborators"):
        row = [t(f"deck_what_{what}", L), _rows_cell(facts.origins, what, L)]
        if facts.prev_origins is not None:
            row.append(_rows_cell(facts.prev_origins, what, L))
        rows.append(row)
    widths = [2.1, 2.55, 2.55][:len(rows[0])]
    S.table(s, LEFT, TOP + 0.45, widths, rows, size=14, row_h=0.36, name="origin-table")
    note = t("demo_help", L) if demo_any else t("deck_imported_note", L)
    box = S.text(s, 8.1, TOP + 0.45, 4.73, 1.8, [(note, 15, False, BADGE_INK if demo_any else INK)],
                 anchor=MSO_ANCHOR.MIDDLE, name="origin-note")
    box.line.color.rgb = BADGE_LINE if demo_any else RULE
    box.text_frame.margin_left = box.text_frame.margin_right = Inches(0.15)
    pub = facts.published
    y = TOP + 0.45 + 0.36 * len(rows) + 0.25
    S.text(s, LEFT, y, CONTENT_W, 0.4, [(t("deck_published", L, year=year), 17, True, INK)])
    if pub.empty:
        S.text(s, LEFT, y + 0.45, CONTENT_W, 0.5, [(t("deck_published_none", L, area=a.name(L), year=year), 15,
                                                    False, GREY)])
    else:
        room = int((BOTTOM - 0.35 - (y + 0.45)) / 0.36) - 1
        shown = pub.head(max(1, room))
        rows = [[t("deck_col_scope", L), t("measure", L), t("deck_col_published", L), t("deck_col_database", L),
                 t("deck_col_source", L)]]
        for f in shown.itertuples():
            rows.append([_scope_text(f, a, L), _measure_text(f.measure, L), _value_text(f.value, f.unit, f.qualifier, L),
                         _check_text(f.warehouse_value, f.agrees, f.unit, L), _source_text(f, L)])
        S.table(s, LEFT, y + 0.45, [1.3, 2.3, 2.1, 2.75, 3.88], rows, size=12, row_h=0.36, name="published-table",
                align=[None, PP_ALIGN.LEFT, PP_ALIGN.RIGHT, PP_ALIGN.RIGHT, PP_ALIGN.LEFT])
        if len(pub) > len(shown):
            S.text(s, LEFT, BOTTOM - 0.27, CONTENT_W, 0.3,
                   [(t("deck_published_more", L, n=len(pub) - len(shown)), 12, False, GREY)])
    info.titles.append(title)

    # charts: one browser for all images, then place them
    _fonts_for_children()
    keys = [p[1] for p in pending]
    pngs = dict(zip(keys, charts.deck_pngs([figs[k] for k in keys])))
    for slide, key, x, y, w, h in pending:
        S.image(slide, pngs[key], x, y, w, h, name=f"chart-{key}")
    S.number_pages()
    S.prs.core_properties.title = f"{a.name(L)} — {year}"
    S.prs.core_properties.subject = t("deck_cover_kicker", L, year=year)
    S.prs.core_properties.author = "Khuyến công"
    S.prs.core_properties.language = "vi-VN" if L == "vi" else "en-GB"
    info.demo = demo_any
    return S.save(), info


def _collab_split(row: pd.Series, lang: str) -> str:
    commune = fmt.number(row.collaborators_commune, 0, lang)
    if row.collaborators_district != row.collaborators_district:
        return t("deck_collab_commune_only", lang, commune=commune)
    return t("deck_collab_split", lang, district=fmt.number(row.collaborators_district, 0, lang), commune=commune)


def _side_tiles(S: Slides, s, items: list[tuple[str, str, str | None]]) -> None:
    x, w, gap = 8.95, 3.88, 0.13
    h = (BOTTOM - TOP - gap * (len(items) - 1)) / len(items)
    for i, (label, value, note) in enumerate(items):
        size = 28 if len(value) < 12 else 18
        S.tile(s, x, TOP + i * (h + gap), w, h, label, value, note, value_size=size)


def _small_if_many(fig, n_units: int) -> None:
    if n_units > 16:
        fig.update_yaxes(tickfont=dict(size=charts.DECK_FONT_PX - 6))
        fig.update_traces(textfont=dict(size=charts.DECK_FONT_PX - 6))


def _change(now, before) -> float:
    now, before = float(now), float(before)
    return 100.0 * (now - before) / before if before == before and before != 0 and now == now else np.nan


def _rows_cell(origins: pd.DataFrame, what: str, lang: str) -> str:
    part = origins[origins.what == what]
    demo = int(part.loc[part.origin == "demo", "rows"].sum())
    imported = int(part.loc[part.origin == "imported", "rows"].sum())
    return t("deck_rows_cell", lang, demo=fmt.number(demo, 0, lang), imported=fmt.number(imported, 0, lang))


def _scope_text(f, area: Area, lang: str) -> str:
    if f.scope == "nation":
        return t("nation", lang)
    if f.scope == "group":
        return area.kind(lang).capitalize()
    names = queries.units("63" if area.era == "63" else "34")
    row = names[names.unit_code == f.scope_key]
    return row.iloc[0]["name_vi"] if len(row) else str(f.scope_key)


MEASURE_LABELS = {"staffing.total": "staff_total", "staffing.grassroots": "staff_grassroots",
                  "collab.district_people": "collaborators_district", "collab.total_people": "collaborators_total",
                  "collab.communes_covered": "communes_covered", "collab.districts_covered": "districts_covered",
                  "projects.count.all": "projects", "collab.communes_total": "deck_m_communes_total",
                  "collab.developed": "deck_m_developed", "projects.max_kcqg_demo_model": "deck_m_model_ceiling"}


def _measure_text(measure: str, lang: str) -> str:
    parts = str(measure).split(".")
    if len(parts) == 3 and parts[0] == "budget":
        return t(f"{parts[1]}_{parts[2]}_mvnd", lang)
    key = MEASURE_LABELS.get(measure)
    if key:
        return t(key, lang)
    if measure.startswith("staffing.units_"):
        return t("deck_m_centres", lang, band=t("band_" + measure.removeprefix("staffing.units_"), lang))
    if measure.startswith("projects.count."):
        kind = measure.split(".", 2)[2]
        return f"{t('projects', lang)} ({kind.upper() if kind in ('kcqg', 'kcdp') else t('deck_m_models', lang)})"
    return measure


BAND_SHORT = {"band_ge30": "≥30", "band_20_29": "20–29", "band_10_19": "10–19", "band_lt10": "<10"}
UNIT_KEYS = {"người": "unit_people", "đề án": "deck_u_projects", "huyện": "deck_u_districts", "xã": "deck_u_communes",
             "tỉnh": "deck_u_provinces", "đơn vị": "deck_u_centres"}
QUALIFIERS = ("about", "nearly", "over", "atleast", "atmost")


def _value_text(value, unit: str, qualifier: str | None, lang: str) -> str:
    if unit == "triệu đồng":
        text = fmt.mvnd(value, lang)
    elif unit == "%":
        text = fmt.pct(value, 2, lang)
    else:
        shown_unit = t(UNIT_KEYS[unit], lang) if unit in UNIT_KEYS else unit
        text = f"{fmt.number(value, 0 if float(value).is_integer() else 1, lang)} {shown_unit}"
    q = qualifier if qualifier and qualifier != "exact" else None
    return f"{t(f'deck_q_{q}', lang)} {text}" if q in QUALIFIERS else text


def _check_text(value, agrees, unit: str, lang: str) -> str:
    if value is None or value != value:
        return "–"
    text = _value_text(value, unit, None, lang)
    if agrees is None or agrees is pd.NA:
        return text
    return f"{text} ({t('deck_agrees' if bool(agrees) else 'deck_differs', lang)})"


def _source_text(f, lang: str) -> str:
    who = str(f.publisher or f.source_title or "").split(" (")[0]
    when = str(f.published or "")[:4]
    who = who if len(who) <= 32 else who[:31] + "…"
    return f"{who}, {when}" if when else who


def _vi_sort_key(name: str):
    import unicodedata
    base = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in base if not unicodedata.combining(c)).lower()


# ---------------------------------------------------------------------------------------------------- fonts, PDF

def font_config() -> Path | None:
    """A fontconfig file that adds the shipped fonts/ (Noto Sans, OFL) to the system's, for Chromium and LibreOffice."""
    if not FONT_DIR.is_dir():
        return None
    path = Path(tempfile.gettempdir()) / f"khuyencong-fonts-{os.getuid() if hasattr(os, 'getuid') else 0}.conf"
    text = ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
            '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
            f"  <dir>{xml_escape(str(FONT_DIR))}</dir>\n</fontconfig>\n")
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return path


def _fonts_for_children() -> dict:
    """The environment for the browser and LibreOffice: the shipped fonts visible, unless the user chose a config."""
    conf = font_config()
    if conf and "FONTCONFIG_FILE" not in os.environ:
        os.environ["FONTCONFIG_FILE"] = str(conf)  # kaleido's Chromium inherits the environment
    return dict(os.environ)


def soffice() -> str | None:
    """LibreOffice's command, when it is installed with the parts that convert (tools.missing_tools decides)."""
    from . import tools
    return None if tools.missing_tools("soffice") else (shutil.which("soffice") or shutil.which("libreoffice"))


def to_pdf(pptx: Path, pdf: Path, timeout: int = 300) -> None:
    """Convert with LibreOffice headless (own throwaway profile, so parallel runs don't collide); atomic."""
    exe = soffice()
    if not exe:
        raise DeckError("deck_err_no_soffice")
    with tempfile.TemporaryDirectory(prefix="deck-pdf-") as tmp:
        src = Path(tmp) / "deck.pptx"
        shutil.copyfile(pptx, src)
        cmd = [exe, f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", "pdf", "--outdir", tmp, str(src)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=_fonts_for_children(),
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise DeckError("deck_err_pdf", reason=f"soffice > {timeout} s") from None
        out = Path(tmp) / "deck.pdf"
        if done.returncode != 0 or not out.exists() or out.stat().st_size < 1000:
            reason = (done.stderr or done.stdout or f"exit {done.returncode}").strip().splitlines()[-1:] or ["?"]
            raise DeckError("deck_err_pdf", reason=reason[0][:200])
        _atomic_write(pdf, out.read_bytes())


def _atomic_write(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------------- entry points

def build(area: str, year: int, out: Path | str, pdf: Path | str | None = None, lang: str = "vi") -> DeckInfo:
    """Write the deck to `out` (and its PDF to `pdf`). Every check happens before anything is written."""
    if lang not in LANGS:
        raise DeckError("deck_err_lang", lang=lang)
    if pdf and not soffice():
        raise DeckError("deck_err_no_soffice")
    a = resolve(area, year)
    data, info = render(gather(a, int(year)), lang)
    _atomic_write(Path(out), data)
    if pdf:
        to_pdf(Path(out), Path(pdf))
    return info


def build_bytes(area: str, year: int, lang: str = "vi", pdf: bool = True) -> tuple[bytes, bytes | None, DeckInfo]:
    """The deck as bytes (PPTX, and PDF when LibreOffice is installed), for the Present page's downloads."""
    if lang not in LANGS:
        raise DeckError("deck_err_lang", lang=lang)
    a = resolve(area, year)
    data, info = render(gather(a, int(year)), lang)
    pdf_bytes = None
    if pdf and soffice():
        with tempfile.TemporaryDirectory(prefix="deck-") as tmp:
            src, dst = Path(tmp) / "deck.pptx", Path(tmp) / "deck.pdf"
            src.write_bytes(data)
            to_pdf(src, dst)
            pdf_bytes = dst.read_bytes()
    return data, pdf_bytes, info


def file_stem(info: DeckInfo) -> str:
    stem = f"khuyen-cong_{info.area.group_id}_{info.year}_{info.lang}"
    return stem + ("_DU-LIEU-MINH-HOA_demo-data" if info.demo else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard.deck",
        description="Build a 16:9 conference deck (PowerPoint, optionally PDF) of one region's or conference area's "
                    "khuyến công figures for one year. / Tạo bản trình chiếu 16:9 cho một vùng hoặc khu vực.",
        epilog="Areas: kc_area/phia-bac, kc_area/mien-trung-tay-nguyen, kc_area/phia-nam, vung/tdmnpb, vung/dbsh, "
               "vung/btb-dhmt, vung/tay-nguyen, vung/dong-nam-bo, vung/dbscl (the part after / alone is enough). "
               "Years up to 2024 use the 63 provinces, 2025 the 34 units. The database is data/khuyencong.duckdb "
               "or $KHUYENCONG_DB. The PDF needs LibreOffice (apt-get install libreoffice-impress-nogui).")
    parser.add_argument("--area", help="group id, e.g. mien-trung-tay-nguyen, or grouping/group, e.g. vung/dbscl")
    parser.add_argument("--year", type=int, help="e.g. 2017")
    parser.add_argument("-o", "--output", type=Path, help="the .pptx to write")
    parser.add_argument("--pdf", type=Path, help="also write this PDF (LibreOffice headless)")
    parser.add_argument("--lang", default="vi", choices=LANGS, help="language of the slides (default vi)")
    parser.add_argument("--list", action="store_true", help="list the areas and years and exit")
    args = parser.parse_args(argv)
    try:
        if args.list:
            for key in area_choices():
                print(f"{key:34s} {area_label(key, 'vi')} / {area_label(key, 'en')}")
            print("years:", _years_text(queries.years()))
            return 0
        if not (args.area and args.year and args.output):
            parser.error("--area, --year and -o/--output are required")
        info = build(args.area, args.year, args.output, args.pdf, args.lang)
    except DeckError as e:
        print(str(e), file=sys.stderr)
        return 2
    except ToolError as e:  # Chromium missing or failing: what to install, not a traceback
        print(str(e).replace("**", "").replace("`", ""), file=sys.stderr)
        return 3
    print(f"{args.output}: {len(info.titles)} slides — {info.area.name(args.lang)}, {info.year}"
          + (" (demo data)" if info.demo else ""))
    if args.pdf:
        print(f"{args.pdf}: PDF")
    return 0


if __name__ == "__main__":
    sys.exit(main())
