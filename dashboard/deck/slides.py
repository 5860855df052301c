"""The nine slides, one function each, in the order the deck shows them; each slide's figure is drawn beside it.

Figures are collected while the slides are laid out and rendered together at the end (one browser for all images),
then placed where each slide left room for them."""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Inches

from .. import charts, fmt, metrics, queries
from ..i18n import LOCALES, t
from . import figures
from .areas import Area
from .facts import Facts, origin_of, origin_text
from .layout import BADGE_INK, BADGE_LINE, BOTTOM, CONTENT_W, GREY, INK, LEFT, RULE, SLIDE_W, TOP, Slides
from .pdf import fonts_for_children

FUND_ROWS = (("kcqg", "planned"), ("kcqg", "actual"), ("kcdp", "planned"), ("kcdp", "actual"),
             ("total", "planned"), ("total", "actual"))
PLANNED_COLORS = {"kcqg": "#e8a39b", "kcdp": "#9ecae1", "total": "#a9b4bf"}  # lighter shade of each fund's colour


@dataclass
class DeckInfo:
    area: Area
    year: int
    lang: str
    titles: list[str] = field(default_factory=list)
    demo: bool = False


@dataclass
class Origins:
    """(units with demo values, units with imported values) for each part of the deck."""
    budget: tuple[int, int]
    staffing: tuple[int, int]
    collaborators: tuple[int, int]
    nation: tuple[int, int]
    previous: tuple[int, int]
    area: tuple[int, int]

    @classmethod
    def of(cls, facts: Facts) -> Origins:
        every = ("budget_origin", "staffing_origin", "collaborators_origin")
        return cls(budget=origin_of(facts.units, "budget_origin"),
                   staffing=origin_of(facts.units, "staffing_origin"),
                   collaborators=origin_of(facts.units, "collaborators_origin"),
                   nation=origin_of(facts.nation_units, *every), previous=origin_of(facts.prev_units, *every),
                   area=origin_of(facts.units, *every))

    @property
    def any_demo(self) -> bool:
        return bool(self.nation[0] or self.area[0] or self.previous[0])


@dataclass
class Draft:
    """A deck being laid out: the facts, the slides so far, and the figures waiting to be rendered."""
    facts: Facts
    lang: str
    slides: Slides
    origins: Origins
    info: DeckInfo
    figures: list[tuple] = field(default_factory=list)  # (slide, key, figure, x, y, w, h)

    @property
    def kind(self) -> str:
        return self.facts.area.kind(self.lang)

    @property
    def n_units(self) -> int:
        return len(self.facts.units)

    @property
    def units_text(self) -> str:
        return t("deck_units_n", self.lang, n=self.n_units)

    @property
    def unit_line(self) -> str:
        return t("deck_unit_line", self.lang, scope=self.facts.area.name(self.lang), units=self.units_text)

    @property
    def people_line(self) -> str:
        return t("deck_people_line", self.lang, scope=self.facts.area.name(self.lang), units=self.units_text)

    def num(self, x, decimals: int = 0) -> str:
        return fmt.number(x, decimals, self.lang)

    def pct(self, x) -> str:
        return fmt.pct(x, 1, self.lang)

    def footer(self, counts: tuple[int, int]) -> str:
        return t("deck_footer", self.lang, origin=origin_text(counts, self.lang))

    def new(self, title: str, subtitle: str | None, demo: bool, counts: tuple[int, int] | None, cover: bool = False):
        """A titled slide; its title goes into the deck's outline."""
        slide = self.slides.new(title, subtitle, demo, self.footer(counts) if counts is not None else None, cover)
        self.info.titles.append(title)
        return slide

    def place(self, slide, key: str, fig, x: float, y: float, w: float, h: float) -> None:
        self.figures.append((slide, key, fig, x, y, w, h))


def render(facts: Facts, lang: str) -> tuple[bytes, DeckInfo]:
    """The PPTX bytes of the deck, and what it holds."""
    area = facts.area
    draft = Draft(facts, lang, Slides(lang, charts.REGION_COLORS.get(area.group_id, "#34495e")), Origins.of(facts),
                  DeckInfo(area=area, year=facts.year, lang=lang))
    for slide in (title_slide, nation_slide, area_slide, ranking_slide, map_slide, staffing_slide,
                  collaborators_slide, change_slide, sources_slide):
        slide(draft)
    place_figures(draft)
    draft.slides.number_pages()
    props = draft.slides.prs.core_properties
    props.title = f"{area.name(lang)} — {facts.year}"
    props.subject = t("deck_cover_kicker", lang, year=facts.year)
    props.author = "Khuyến công"
    props.language = LOCALES[lang]
    draft.info.demo = draft.origins.any_demo
    return draft.slides.save(), draft.info


def place_figures(draft: Draft) -> None:
    """Render every figure with one browser, then put each image where its slide left room."""
    fonts_for_children()
    pngs = figures.deck_pngs([fig for _, _, fig, *_ in draft.figures])
    for (slide, key, _, x, y, w, h), png in zip(draft.figures, pngs):
        draft.slides.image(slide, png, x, y, w, h, name=f"chart-{key}")


# ---------------------------------------------------------------------------------------------------- 1. title

def title_slide(d: Draft) -> None:
    a, year, L, S = d.facts.area, d.facts.year, d.lang, d.slides
    s = d.new(a.name(L), None, d.origins.any_demo, None, cover=True)  # no footer; counted, not numbered
    S.text(s, 0.9, 1.3, 11.5, 0.6, [(t("deck_cover_kicker", L, year=year), 24, True, GREY)])
    S.text(s, 0.9, 3.5, 11.6, 0.9, [(t("deck_cover_scope", L, n=d.n_units), 22, False, INK)])
    names = ", ".join(sorted(d.facts.units["name_vi"], key=vi_sort_key))
    cover_lines = [(names, 16, False, GREY)]
    if a.era == "34":
        cover_lines.append((t("deck_cover_34", L, year=year), 16, False, GREY))
    S.text(s, 0.9, 4.4, 11.6, 1.45, cover_lines)
    if d.origins.any_demo:
        S.text(s, 0.9, 5.9, 11.6, 0.5, [(t("demo_help", L), 15, False, BADGE_INK)], name="demo-note")
    made = dt.date.today().strftime("%d/%m/%Y" if L == "vi" else "%d %B %Y")
    S.text(s, 0.9, 6.55, 11.6, 0.45, [(t("deck_cover_made", L, date=made), 14, False, GREY)])


# ---------------------------------------------------------------------------------------------------- 2. the nation

def nation_slide(d: Draft) -> None:
    year, L, S, n = d.facts.year, d.lang, d.slides, d.facts.nation
    nation_units = t("deck_units_n", L, n=int(n["units"]))
    s = d.new(t("deck_nation_title", L, year=year), t("deck_unit_line", L, scope=t("nation", L), units=nation_units),
              bool(d.origins.nation[0]), d.origins.nation)
    mvnd = f"({t('unit_mvnd', L)})"
    people = f"({t('unit_people', L)})"
    tiles = [
        (f"{t('kcqg_planned_mvnd', L)} {mvnd}", d.num(n.kcqg_planned_mvnd), None),
        (f"{t('kcqg_actual_mvnd', L)} {mvnd}", d.num(n.kcqg_actual_mvnd),
         t("deck_of_plan", L, pct=d.pct(n.kcqg_execution_pct))),
        (f"{t('kcdp_planned_mvnd', L)} {mvnd}", d.num(n.kcdp_planned_mvnd), None),
        (f"{t('kcdp_actual_mvnd', L)} {mvnd}", d.num(n.kcdp_actual_mvnd),
         t("deck_of_plan", L, pct=d.pct(n.kcdp_execution_pct))),
        (t("deck_exec_all", L), d.pct(n.total_execution_pct), f"{t('total_actual_mvnd', L)}: {d.num(n.total_actual_mvnd)}"),
        (t("projects", L), d.num(n.projects), None),
        (f"{t('staff_total', L)} {people}", d.num(n.staff_total), f"{t('staff_grassroots', L)}: {d.num(n.staff_grassroots)}"),
        (f"{t('collaborators_total', L)} {people}", d.num(n.collaborators_total), collaborator_split(n, L)),
    ]
    w, h, gap = 3.05, 1.2, 0.12
    for i, (label, value, note) in enumerate(tiles):
        S.tile(s, LEFT + (i % 2) * (w + gap), TOP + (i // 2) * (h + gap), w, h, label, value, note)
    trend = d.facts.nation_trend
    first_year = int(trend.year.min())
    x = LEFT + 2 * w + gap + 0.25
    width = SLIDE_W - 0.5 - x
    caption_h = S.caption(s, x, TOP, width, t("deck_nation_trend", L, y0=first_year, y1=year))
    d.place(s, "nation", nation_trend_figure(trend, year, L, width, BOTTOM - TOP - caption_h),
            x, TOP + caption_h, width, BOTTOM - TOP - caption_h)


def nation_trend_figure(trend: pd.DataFrame, year: int, lang: str, width: float, height: float):
    """Both funds, planned and spent, every year up to the deck's, the deck's year marked."""
    series = ("kcqg_planned_mvnd", "kcqg_actual_mvnd", "kcdp_planned_mvnd", "kcdp_actual_mvnd")
    colors = {"kcqg_planned_mvnd": PLANNED_COLORS["kcqg"], "kcqg_actual_mvnd": charts.FUND_COLORS["kcqg"],
              "kcdp_planned_mvnd": PLANNED_COLORS["kcdp"], "kcdp_actual_mvnd": charts.FUND_COLORS["kcdp"]}
    fig = charts.trend(trend, "year", {c: t(c, lang) for c in series}, "mvnd", lang, colors=colors)
    figures.deck_layout(fig, lang, width, height)
    fig.update_xaxes(dtick=2 if year - int(trend.year.min()) > 7 else 1, tickfont=dict(size=20), automargin=True)
    fig.update_yaxes(tickformat=",.0f", tickfont=dict(size=20), rangemode="tozero", automargin=True)
    fig.update_layout(legend=dict(font=dict(size=18)), margin=dict(t=80, l=10, b=10))
    fig.add_vline(x=year, line=dict(color="#999", dash="dot", width=2))
    return fig


# ---------------------------------------------------------------------------------------------------- 3. the area

def area_slide(d: Draft) -> None:
    """The area against the nation: every fund's plan and spending, execution, đề án, and the area's shares."""
    year, L, S, r, n = d.facts.year, d.lang, d.slides, d.facts.region, d.facts.nation
    kind = d.kind
    s = d.new(t("deck_region_title", L, Kind=kind.capitalize(), kind=kind, year=year), d.unit_line,
              bool(d.origins.budget[0] or d.origins.nation[0]), d.origins.budget)
    rows = [[t("deck_col_measure", L), kind.capitalize(), t("nation", L), t("deck_col_share", L)]]
    for fund in ("kcqg", "kcdp", "total"):
        for status in metrics.STATUSES:
            col = metrics.amount_col(fund, status)
            rows.append([t(col, L), d.num(r[col]), d.num(n[col]), d.pct(ratio(r[col], n[col]))])
        label = t("deck_exec_all", L) if fund == "total" else t("deck_exec_of", L, fund=t(f"fund_{fund}", L).split(" ")[0])
        rows.append([label, d.pct(r[f"{fund}_execution_pct"]), d.pct(n[f"{fund}_execution_pct"]), ""])
    rows.append([t("projects", L), d.num(r.projects), d.num(n.projects), d.pct(ratio(r.projects, n.projects))])
    S.table(s, LEFT, TOP + 0.05, [3.35, 1.55, 1.55, 1.25], rows, size=16, row_h=0.44,
            align=[None, PP_ALIGN.RIGHT, PP_ALIGN.RIGHT, PP_ALIGN.RIGHT], name="region-table", emphasis={9})
    caption_h = S.caption(s, 8.45, TOP, 4.38, t("deck_share_chart", L, kind=kind))
    d.place(s, "share", share_figure(d, 4.38, BOTTOM - TOP - caption_h), 8.45, TOP + caption_h, 4.38,
            BOTTOM - TOP - caption_h)


def share_figure(d: Draft, width: float, height: float):
    """The area's share of the nation for each fund, planned (light) and spent (dark)."""
    cols = [metrics.amount_col(fund, status) for fund, status in FUND_ROWS]
    shares = [ratio(d.facts.region[c], d.facts.nation[c]) for c in cols]
    colors = [PLANNED_COLORS[fund] if status == "planned" else charts.FUND_COLORS[fund] for fund, status in FUND_ROWS]
    fig = figures.deck_bars([t(c, d.lang) for c in cols], [dict(values=shares, name="", color=colors)],
                            [d.pct(v) for v in shares], d.lang, width, height)
    return figures.deck_layout(fig, d.lang, width, height, legend=False)


# ---------------------------------------------------------------------------------------------------- 4. ranking

def ranking_slide(d: Draft) -> None:
    """The area's provinces ranked by funds spent, each fund a part of the bar, labelled total (execution)."""
    year, L, S, units = d.facts.year, d.lang, d.slides, d.facts.units
    s = d.new(t("deck_rank_title", L, kind=d.kind, year=year), d.unit_line, bool(d.origins.budget[0]), d.origins.budget)
    caption_h = S.caption(s, LEFT, TOP, CONTENT_W, t("deck_rank_chart", L))
    height = BOTTOM - TOP - caption_h
    names = [f"{i}. {name}" for i, name in enumerate(units["name_vi"], start=1)]
    parts = [dict(values=units[f"{fund}_actual_mvnd"].tolist(), name=t(f"{fund}_actual_mvnd", L),
                  color=charts.FUND_COLORS[fund]) for fund in ("kcqg", "kcdp")]
    labels = [f"{d.num(v)} ({d.pct(e)})" for v, e in zip(units.total_actual_mvnd, units.total_execution_pct)]
    fig = figures.deck_bars(names, parts, labels, L, CONTENT_W, height, columns=2 if d.n_units > 16 else 1)
    figures.deck_layout(fig, L, CONTENT_W, height)
    if d.n_units > 16:
        fig.update_yaxes(tickfont=dict(size=figures.DECK_FONT_PX - 4))
        fig.update_traces(textfont=dict(size=figures.DECK_FONT_PX - 4))
    d.place(s, "rank", fig, LEFT, TOP + caption_h, CONTENT_W, height)


# ---------------------------------------------------------------------------------------------------- 5. map

def map_slide(d: Draft) -> None:
    """The area's map numbered by rank, and the ranked list beside it (two columns past 16 units)."""
    year, L, S, units = d.facts.year, d.lang, d.slides, d.facts.units
    s = d.new(t("deck_map_title", L, kind=d.kind, year=year), d.unit_line, bool(d.origins.budget[0]), d.origins.budget)
    ranks = {code: i for i, code in enumerate(units["unit_code"], start=1)}
    big = d.n_units > 16
    map_w = 5.9 if big else 7.6
    fig = figures.deck_region_map(units, "total_actual_mvnd", d.facts.area.era, ranks, L, map_w, BOTTOM - TOP,
                                  t("unit_mvnd", L))
    d.place(s, "map", fig, LEFT, TOP, map_w, BOTTOM - TOP)
    header = ["#", t("province", L), f"{t('status_actual', L)}"]
    listing = [[str(i), name, d.num(v)] for i, (name, v) in enumerate(zip(units["name_vi"], units["total_actual_mvnd"]), 1)]
    x = LEFT + map_w + 0.25
    head_h = 0.55
    if big:
        per = -(-d.n_units // 2)
        row_h = min(0.4, (BOTTOM - 0.1 - TOP - head_h) / (per + 1))
        for k in range(2):
            S.table(s, x + k * 3.08, TOP + head_h, [0.42, 1.6, 0.98], [header] + listing[k * per:(k + 1) * per],
                    size=12, row_h=row_h, align=[None, PP_ALIGN.LEFT, PP_ALIGN.RIGHT], name="map-list")
    else:
        row_h = min(0.42, (BOTTOM - 0.1 - TOP - head_h) / (d.n_units + 1))
        S.table(s, x, TOP + head_h, [0.55, 2.55, 1.45], [header] + listing, size=15 if d.n_units <= 12 else 13,
                row_h=row_h, align=[None, PP_ALIGN.LEFT, PP_ALIGN.RIGHT], name="map-list")
    S.text(s, x, TOP - 0.05, SLIDE_W - x - 0.5, head_h,
           [(t("deck_map_list", L, value=f"{t('total_actual_mvnd', L)} ({t('unit_mvnd', L)})"), 13, False, GREY)])


# ---------------------------------------------------------------------------------------------------- 6. staffing

BAND_SHORT = {"band_ge30": "≥30", "band_20_29": "20–29", "band_10_19": "10–19", "band_lt10": "<10"}


def staffing_slide(d: Draft) -> None:
    """Centre staff by province (grassroots staff inside each bar), and the area's totals against the nation."""
    year, L, S, r, n = d.facts.year, d.lang, d.slides, d.facts.region, d.facts.nation
    s = d.new(t("deck_staff_title", L, year=year), d.people_line, bool(d.origins.staffing[0]), d.origins.staffing)
    by_staff = d.facts.units.sort_values(["staff_total", "name_vi"], ascending=[False, True])
    caption_h = S.caption(s, LEFT, TOP, 8.2, t("deck_staff_chart", L))
    height = BOTTOM - TOP - caption_h
    fig = figures.deck_bars(by_staff["name_vi"].tolist(),
                            [dict(values=by_staff.staff_total.tolist(), name=t("staff_total", L), color="#9fb6cd"),
                             dict(values=by_staff.staff_grassroots.tolist(), name=t("deck_staff_inside", L),
                                  color="#2c5d8a")],
                            [d.num(v) for v in by_staff.staff_total], L, 8.2, height, mode="overlay",
                            columns=2 if d.n_units > 16 else 1)
    figures.deck_layout(fig, L, 8.2, height)
    figures.small_if_many(fig, d.n_units)
    d.place(s, "staff", fig, LEFT, TOP + caption_h, 8.2, height)
    bands = by_staff["size_band"].value_counts()
    band_text = "  ".join(f"{BAND_SHORT[k]}: {int(bands.get(k, 0))}" for k, *_ in metrics.BANDS)
    per_centre = r.staff_total / d.n_units if d.n_units else np.nan
    nation_per_centre = n.staff_total / n["units"] if n["units"] else np.nan
    people = f"({t('unit_people', L)})"
    S.side_tiles(s, [
        (f"{t('staff_total', L)} {people}", d.num(r.staff_total),
         t("deck_of_nation", L, pct=d.pct(ratio(r.staff_total, n.staff_total)), nation=d.num(n.staff_total))),
        (f"{t('staff_grassroots', L)} {people}", d.num(r.staff_grassroots),
         t("deck_of_staff", L, pct=d.pct(ratio(r.staff_grassroots, r.staff_total)))),
        (t("staff_per_centre", L), d.num(per_centre, 1), t("deck_nation_avg", L, value=d.num(nation_per_centre, 1))),
        (t("deck_band_count", L), band_text, None),
    ])


# ---------------------------------------------------------------------------------------------------- 7. collaborators

def collaborators_slide(d: Draft) -> None:
    """Collaborators by province (district and commune level stacked), totals and coverage beside."""
    year, L, S, r, n = d.facts.year, d.lang, d.slides, d.facts.region, d.facts.nation
    s = d.new(t("deck_collab_title", L, year=year), d.people_line, bool(d.origins.collaborators[0]),
              d.origins.collaborators)
    units = d.facts.units
    by_collab = units.assign(collab=units.collaborators_district.fillna(0) + units.collaborators_commune.fillna(0))
    by_collab = by_collab.sort_values(["collab", "name_vi"], ascending=[False, True])
    no_districts = bool(by_collab.collaborators_district.isna().all())  # from 1/7/2025 there is no district level
    parts = [] if no_districts else [dict(values=by_collab.collaborators_district.fillna(0).tolist(),
                                          name=t("collaborators_district", L), color="#8c6bb1")]
    parts.append(dict(values=by_collab.collaborators_commune.fillna(0).tolist(), name=t("collaborators_commune", L),
                      color="#41ae76"))
    caption_h = S.caption(s, LEFT, TOP, 8.2, t("deck_collab_chart", L))
    height = BOTTOM - TOP - caption_h
    fig = figures.deck_bars(by_collab["name_vi"].tolist(), parts, [d.num(v) for v in by_collab.collab], L, 8.2, height,
                            columns=2 if d.n_units > 16 else 1)
    figures.deck_layout(fig, L, 8.2, height)
    figures.small_if_many(fig, d.n_units)
    d.place(s, "collab", fig, LEFT, TOP + caption_h, 8.2, height)
    tiles = [(f"{t('collaborators_total', L)} ({t('unit_people', L)})", d.num(r.collaborators_total),
              t("deck_of_nation", L, pct=d.pct(ratio(r.collaborators_total, n.collaborators_total)),
                nation=d.num(n.collaborators_total)))]
    if no_districts:
        tiles.append((t("collaborators_district", L), "–", t("deck_no_districts", L)))
    else:
        tiles.append((t("collaborators_district", L), d.num(r.collaborators_district), coverage(d, "districts")))
    tiles.append((t("collaborators_commune", L), d.num(r.collaborators_commune),
                  coverage(d, "communes") if r.communes_total == r.communes_total
                  else f"{t('communes_covered', L)}: {d.num(r.communes_covered)}"))
    S.side_tiles(s, tiles)


def coverage(d: Draft, level: str) -> str:
    """'coverage 93,3% (140/150)' for districts or communes of the area."""
    covered, total = d.facts.region[f"{level}_covered"], d.facts.region[f"{level}_total"]
    return t("deck_coverage", d.lang, pct=d.pct(ratio(covered, total)), covered=d.num(covered), total=d.num(total))


def collaborator_split(row: pd.Series, lang: str) -> str:
    commune = fmt.number(row.collaborators_commune, 0, lang)
    if row.collaborators_district != row.collaborators_district:
        return t("deck_collab_commune_only", lang, commune=commune)
    return t("deck_collab_split", lang, district=fmt.number(row.collaborators_district, 0, lang), commune=commune)


# ---------------------------------------------------------------------------------------------------- 8. changes

def change_slide(d: Draft) -> None:
    """The area this year against the year before (across the reform, the year before summed into the 34 units)."""
    year, L, S, r, before = d.facts.year, d.lang, d.slides, d.facts.region, d.facts.prev_region
    prev = year - 1
    budget, previous = d.origins.budget, d.origins.previous
    s = d.new(t("deck_change_title", L, prev=prev), d.unit_line, bool(budget[0] or previous[0]),
              (max(budget[0], previous[0]), max(budget[1], previous[1])))
    if before is None:
        S.text(s, LEFT, 3.2, CONTENT_W, 1.0, [(t("deck_change_none", L, prev=prev), 26, False, GREY)],
               align=PP_ALIGN.CENTER)
        return
    rows = [[t("deck_col_measure", L), str(prev), str(year), t("deck_col_change", L)]]
    for col in [metrics.amount_col(f, st) for f, st in FUND_ROWS] + ["projects", "staff_total", "collaborators_total"]:
        label = t(col, L) + (f" ({t('unit_people', L)})" if col in ("staff_total", "collaborators_total") else "")
        rows.append([label, d.num(before[col]), d.num(r[col]), fmt.signed_pct(change(r[col], before[col]), 1, L)])
    S.table(s, LEFT, TOP + 0.05, [3.5, 1.45, 1.45, 1.3], rows, size=16, row_h=0.44,
            align=[None, PP_ALIGN.RIGHT, PP_ALIGN.RIGHT, PP_ALIGN.RIGHT], name="change-table")
    if queries.era_of(prev) != d.facts.area.era:
        S.text(s, LEFT, TOP + 0.1 + 0.44 * len(rows), 7.7, 0.6, [(t("deck_change_reform", L, prev=prev), 13, False, GREY)])
    units = d.facts.units
    changes = units.assign(change=metrics.with_change(units, d.facts.prev_units, "total_planned_mvnd"))
    changes = changes.dropna(subset=["change"]).sort_values("change", ascending=False)
    if len(changes) > 16:
        changes = pd.concat([changes.head(8), changes.tail(8)])
        caption = t("deck_change_chart_top", L, year=year, prev=prev)
    else:
        caption = t("deck_change_chart", L, year=year, prev=prev)
    caption_h = S.caption(s, 8.45, TOP, 4.38, caption)
    height = BOTTOM - TOP - caption_h
    fig = figures.deck_bars(changes["name_vi"].tolist(),
                            [dict(values=changes.change.tolist(), name="",
                                  color=["#2166ac" if v >= 0 else "#b2182b" for v in changes.change])],
                            [fmt.signed_pct(v, 1, L) for v in changes.change], L, 4.38, height)
    figures.deck_layout(fig, L, 4.38, height, legend=False)
    if len(changes) > 12:
        fig.update_yaxes(tickfont=dict(size=figures.DECK_FONT_PX - 6))
        fig.update_traces(textfont=dict(size=figures.DECK_FONT_PX - 6))
    d.place(s, "change", fig, 8.45, TOP + caption_h, 4.38, height)


# ---------------------------------------------------------------------------------------------------- 9. sources

def sources_slide(d: Draft) -> None:
    """Rows by origin for this year and the one before, and the published figures against the database."""
    a, year, L, S, facts = d.facts.area, d.facts.year, d.lang, d.slides, d.facts
    demo = d.origins.any_demo
    s = d.new(t("deck_sources_title", L), d.unit_line.rsplit(" · ", 1)[0], demo, d.origins.area)
    S.text(s, LEFT, TOP, 7.2, 0.4, [(t("deck_sources_rows", L), 17, True, INK)])
    rows = [[t("deck_col_data", L), t("deck_col_year", L, year=year)]
            + ([t("deck_col_year", L, year=year - 1)] if facts.prev_origins is not None else [])]
    for what in ("budget", "projects", "staffing", "collaborators"):
        row = [t(f"deck_what_{what}", L), rows_cell(facts.origins, what, L)]
        if facts.prev_origins is not None:
            row.append(rows_cell(facts.prev_origins, what, L))
        rows.append(row)
    S.table(s, LEFT, TOP + 0.45, [2.1, 2.55, 2.55][:len(rows[0])], rows, size=14, row_h=0.36, name="origin-table")
    note = t("demo_help", L) if demo else t("deck_imported_note", L)
    box = S.text(s, 8.1, TOP + 0.45, 4.73, 1.8, [(note, 15, False, BADGE_INK if demo else INK)],
                 anchor=MSO_ANCHOR.MIDDLE, name="origin-note")
    box.line.color.rgb = BADGE_LINE if demo else RULE
    box.text_frame.margin_left = box.text_frame.margin_right = Inches(0.15)
    published = facts.published
    y = TOP + 0.45 + 0.36 * len(rows) + 0.25
    S.text(s, LEFT, y, CONTENT_W, 0.4, [(t("deck_published", L, year=year), 17, True, INK)])
    if published.empty:
        S.text(s, LEFT, y + 0.45, CONTENT_W, 0.5,
               [(t("deck_published_none", L, area=a.name(L), year=year), 15, False, GREY)])
        return
    room = int((BOTTOM - 0.35 - (y + 0.45)) / 0.36) - 1
    shown = published.head(max(1, room))
    rows = [[t("deck_col_scope", L), t("measure", L), t("deck_col_published", L), t("deck_col_database", L),
             t("deck_col_source", L)]]
    for f in shown.itertuples():
        rows.append([scope_text(f, a, L), measure_text(f.measure, L), value_text(f.value, f.unit, f.qualifier, L),
                     check_text(f.warehouse_value, f.agrees, f.unit, L), source_text(f)])
    S.table(s, LEFT, y + 0.45, [1.3, 2.3, 2.1, 2.75, 3.88], rows, size=12, row_h=0.36, name="published-table",
            align=[None, PP_ALIGN.LEFT, PP_ALIGN.RIGHT, PP_ALIGN.RIGHT, PP_ALIGN.LEFT])
    if len(published) > len(shown):
        S.text(s, LEFT, BOTTOM - 0.27, CONTENT_W, 0.3,
               [(t("deck_published_more", L, n=len(published) - len(shown)), 12, False, GREY)])


def rows_cell(origins: pd.DataFrame, what: str, lang: str) -> str:
    """Rows by origin; a row whose amounts come from two origins ('demo+published') counts under each."""
    part = origins[origins.what == what]
    n = {o: fmt.number(int(part.loc[part.origin.str.split("+").map(lambda parts: o in parts), "rows"].sum()), 0, lang)
         for o in ("demo", "published", "imported")}
    return t("deck_rows_cell", lang, **n)


def scope_text(f, area: Area, lang: str) -> str:
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


def measure_text(measure: str, lang: str) -> str:
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


UNIT_KEYS = {"người": "unit_people", "đề án": "deck_u_projects", "huyện": "deck_u_districts", "xã": "deck_u_communes",
             "tỉnh": "deck_u_provinces", "đơn vị": "deck_u_centres"}
QUALIFIERS = ("about", "nearly", "over", "atleast", "atmost")


def value_text(value, unit: str, qualifier: str | None, lang: str) -> str:
    if unit == "triệu đồng":
        text = fmt.mvnd(value, lang)
    elif unit == "%":
        text = fmt.pct(value, 2, lang)
    else:
        shown_unit = t(UNIT_KEYS[unit], lang) if unit in UNIT_KEYS else unit
        text = f"{fmt.number(value, 0 if float(value).is_integer() else 1, lang)} {shown_unit}"
    q = qualifier if qualifier and qualifier != "exact" else None
    return f"{t(f'deck_q_{q}', lang)} {text}" if q in QUALIFIERS else text


def check_text(value, agrees, unit: str, lang: str) -> str:
    if value is None or value != value:
        return "–"
    text = value_text(value, unit, None, lang)
    if agrees is None or agrees is pd.NA:
        return text
    return f"{text} ({t('deck_agrees' if bool(agrees) else 'deck_differs', lang)})"


def source_text(f) -> str:
    who = str(f.publisher or f.source_title or "").split(" (")[0]
    when = str(f.published or "")[:4]
    who = who if len(who) <= 32 else who[:31] + "…"
    return f"{who}, {when}" if when else who


# ---------------------------------------------------------------------------------------------------- numbers

def ratio(a, b) -> float:
    a, b = float(a), float(b)
    return 100.0 * a / b if b == b and b != 0 and a == a else np.nan


def change(now, before) -> float:
    now, before = float(now), float(before)
    return 100.0 * (now - before) / before if before == before and before != 0 and now == now else np.nan


def vi_sort_key(name: str):
    """Vietnamese names in alphabetical order: diacritics and Đ folded for sorting only."""
    base = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in base if not unicodedata.combining(c)).lower()
