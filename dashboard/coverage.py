"""What is known: for each topic, which unit-years carry imported, published or demo figures (or none); the switch
that hides demo values on the analysis pages; and every published figure about one province.

Written for any value of `origin`: the three known ones have a fixed order (the precedence imported > published >
demo) and colour, anything else follows them in grey. A fact row may itself say 'demo+published' (an amount from
each): a cell's origin is the set of every origin behind it, strongest first ('published+demo').
"""
from __future__ import annotations


import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from . import fmt, maps
from .db import query
from .i18n import t
from etl.vocabulary import era_of

ORIGINS = ("imported", "published", "demo")  # precedence, strongest first
REAL = frozenset({"imported", "published"})  # what the "real values only" switch keeps
NONE = "none"  # no figure at all for that unit and year
COLORS = {"imported": "#5aae61", "published": "#6baed6", "demo": "#fdb863", NONE: "#eeeeee"}
OTHER_COLOR = "#a0a0a0"
TOPICS = {"budget": "budget_current", "projects": "project_count_current", "staffing": "staffing_current",
          "collaborators": "collaborators_current", "training": "training_current",
          "establishments": "establishments_current"}


# ------------------------------------------------------------------------------------------------------ SQL
# Each topic's view name is fixed here and never comes from a request; the era, years and origin order are ? values.
def _cells(view: str) -> str:
    """CTE `cells`: one row per unit and year of an era that holds any row of the topic, with its origins."""
    return f"""
per_row AS (SELECT unit_code, year, unnest(string_split(origin, '+')) AS o FROM {view} WHERE era = ?),
members AS (SELECT DISTINCT unit_code, year, o, coalesce(list_position(?::VARCHAR[], o), 99) AS rk FROM per_row),
cells AS (SELECT m.unit_code, m.year, string_agg(m.o, '+' ORDER BY m.rk, m.o) AS origin, any_value(n.rows) AS rows
          FROM members m
          JOIN (SELECT unit_code, year, count(*) AS rows FROM {view} WHERE era = ? GROUP BY ALL) n USING (unit_code, year)
          GROUP BY ALL)"""  # noqa: S608 — fixed view names only


# Every unit of the era × every year of the era (those year_status spans, plus any the topic holds).
GRID = {topic: f"""
WITH {_cells(view)},
years AS (SELECT year FROM year_status WHERE era = ? UNION SELECT DISTINCT year FROM {view} WHERE era = ?)
SELECT u.unit_code, u.name_vi, u.name_ascii, y.year, coalesce(c.origin, '{NONE}') AS origin,
       coalesce(c.rows, 0) AS rows
FROM unit u CROSS JOIN years y
LEFT JOIN cells c ON c.unit_code = u.unit_code AND c.year = y.year
WHERE u.era = ?
ORDER BY u.name_ascii, y.year""" for topic, view in TOPICS.items()}  # noqa: S608 — fixed view names only

# Every unit of the era of one year, with the origin of its figures that year.
UNITS_IN_YEAR = {topic: f"""
WITH {_cells(view)}
SELECT u.unit_code, u.name_vi, u.name_ascii, coalesce(c.origin, '{NONE}') AS origin, coalesce(c.rows, 0) AS rows
FROM unit u LEFT JOIN cells c ON c.unit_code = u.unit_code AND c.year = ?
WHERE u.era = ?
ORDER BY u.name_ascii""" for topic, view in TOPICS.items()}  # noqa: S608 — fixed view names only

# Figures a source states about one province (scope 'province', scope_key = its code before the 2025 reform); for a
# unit of the 34, those about every province merged into it. Source location is a URL or a file in shared/.
PUBLISHED_FOR = """
SELECT f.figure_id, f.topic, f.measure, f.scope_key AS province_code, p.name_vi AS province_name, f.year, f.year_to,
       f.period, f.value, f.unit, f.value_text, f.qualifier, f.quote, f.note, f.source_id, s.title AS source_title,
       s.publisher, s.published, s.location AS source_location,
       CASE WHEN s.location LIKE 'http%' THEN s.location END AS source_url,
       c.warehouse_value, c.ok AS agrees
FROM published_figure f
JOIN source s USING (source_id)
LEFT JOIN province p ON p.province_code = f.scope_key
LEFT JOIN calibration_check c USING (figure_id)
WHERE f.scope = 'province'
  AND (f.scope_key = ? OR (? = '34' AND f.scope_key IN (SELECT province_code FROM reform_2025 WHERE unit_code = ?)))
ORDER BY f.year NULLS LAST, f.figure_id"""

def _topic_sql(table: dict[str, str], topic: str) -> str:
    if topic not in table:
        raise ValueError(f"unknown topic {topic!r}; one of {', '.join(TOPICS)}")
    return table[topic]


@st.cache_data(show_spinner=False, ttl=600)
def coverage_grid(topic: str, era: str) -> pd.DataFrame:
    """unit_code, name_vi, name_ascii, year, origin ('imported', 'demo', 'published+demo', …, 'none'), rows — one row
    per unit of `era` ('63': 2013–2024, '34': from 2025) and year of that era."""
    return query(_topic_sql(GRID, topic), [era, list(ORIGINS), era, era, era, era])


@st.cache_data(show_spinner=False, ttl=600)
def coverage_units(topic: str, year: int) -> pd.DataFrame:
    """Every unit of the era of `year` with the origin of its `topic` figures that year ('none' where there are none)."""
    era = era_of(year)
    return query(_topic_sql(UNITS_IN_YEAR, topic), [era, list(ORIGINS), era, int(year), era])


def coverage_counts(topic: str, year: int) -> pd.DataFrame:
    """origin, units: how many units of the year's era hold figures of each origin. The three known origins and
    'none' always appear (0 if absent), then any mixed or unknown origin present; in display order."""
    counts = coverage_units(topic, year).groupby("origin").size()
    keys = sorted(set(ORIGINS) | {NONE} | set(counts.index), key=order)
    return pd.DataFrame({"origin": keys, "units": [int(counts.get(k, 0)) for k in keys]})


PUBLISHED_VALUES_FOR = """
SELECT year, metric, value, figure_id, value_text, quote, source_url, publisher, published
FROM v_published_value WHERE era = ? AND unit_code = ? ORDER BY year, metric"""


@st.cache_data(show_spinner=False, ttl=600)
def published_values_for(unit_code: str, era: str) -> pd.DataFrame:
    """Every value shown for the unit that a source states (origin published), with its figure, quote and URL."""
    return query(PUBLISHED_VALUES_FOR, [era, str(unit_code)])


@st.cache_data(show_spinner=False, ttl=600)
def published_figures_for(unit_code: str, era: str) -> pd.DataFrame:
    """Every published figure about one province (scope 'province'), with its quote and where the source is; for a
    unit of the 34, about every province merged into it."""
    return query(PUBLISHED_FOR, [str(unit_code), era, str(unit_code)])


# ------------------------------------------------------------------------------------- origins: order, words, colour
def members(origin: str) -> list[str]:
    return [m for m in str(origin).split("+") if m]


def _rank(m: str) -> int:
    return ORIGINS.index(m) if m in ORIGINS else len(ORIGINS)


def order(origin: str) -> tuple:
    """Display order: imported, imported+…, published, published+demo, demo, other origins, none."""
    if origin == NONE:
        return ((len(ORIGINS) + 1, NONE),)
    return tuple((_rank(m), m) for m in members(origin))


def is_real(origin) -> bool:
    """True where every origin behind a value is real (imported or published); False for demo, mixed or missing."""
    if origin is None or fmt.missing(origin):
        return False
    ms = members(origin)
    return bool(ms) and all(m in REAL for m in ms)


def label(origin: str, lang: str, capital: bool = False) -> str:
    """'nhập từ báo cáo', 'công bố + minh họa', 'chưa có số liệu'; an unknown origin by its own name."""
    ms = members(origin)
    if origin == NONE:
        text = t("cov_none", lang)
    elif len(ms) == 1:
        text = t(f"origin_{ms[0]}", lang) if ms[0] in ORIGINS else ms[0]
    else:  # a mixed cell in short words, so it fits a legend or a card
        text = " + ".join(t(f"cov_word_{m}", lang) if m in ORIGINS else m for m in ms)
    return text[:1].upper() + text[1:] if capital else text


def short(origin: str, lang: str) -> str:
    """A grid cell's text: 'Nhập', 'CB+MH', '–'."""
    if origin == NONE:
        return "–"
    return "+".join(t(f"cov_short_{m}", lang) if m in ORIGINS else m for m in members(origin))


def color(origin: str) -> str:
    """A single origin's colour; a mixed cell takes its strongest origin's colour, lightened (only partly that)."""
    ms = members(origin)
    if origin == NONE or not ms:
        return COLORS[NONE]
    base = COLORS.get(ms[0], OTHER_COLOR)
    return base if len(ms) == 1 else _lighten(base, 0.55)


def _lighten(hex_color: str, amount: float) -> str:
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in (r, g, b))


# ------------------------------------------------------------------------------------------------- drawing
def grid_table(grid: pd.DataFrame, lang: str):
    """The grid as a table to show: one row per unit (by name), one column per year; the cells hold the origin and
    show its short word on its colour (a Styler for st.dataframe; its CSV download carries the origin names)."""
    wide = grid.pivot(index=["name_ascii", "name_vi"], columns="year", values="origin")
    wide.columns = [str(c) for c in wide.columns]
    wide = wide.reset_index(level="name_ascii", drop=True).reset_index()
    years = [c for c in wide.columns if c != "name_vi"]
    return (wide.style
            .format(lambda o: short(o, lang), subset=years)
            .map(lambda o: f"background-color: {color(o)}; color: #1a1a1a; text-align: center", subset=years))


def legend(lang: str, present: list[str] | None = None):
    """The grid's key as a one-row table in the cells' own colours: each origin's label over its cell word."""
    keys = sorted(set(ORIGINS) | {NONE} | set(present or []), key=order)
    row = pd.DataFrame([keys], columns=[label(k, lang, capital=True) for k in keys])
    return (row.style.format(lambda o: short(o, lang))
            .map(lambda o: f"background-color: {color(o)}; color: #1a1a1a"))


# The map's legend goes under the map (a legend at the top would cover the subtitle), with room for 3 rows on a phone.
MAP_LEGEND = dict(orientation="h", x=0, xanchor="left", y=0, yanchor="top", font=dict(size=12))
MAP_LEGEND_GAP = 80


def origin_map(units: pd.DataFrame, view: str, lang: str) -> go.Figure:
    """Each unit coloured by the origin of its figures, with a legend of every origin shown (categorical)."""
    keys = sorted(set(ORIGINS) | {NONE} | set(units["origin"]), key=order)
    index = {k: i for i, k in enumerate(keys)}
    d = units.assign(cls=units["origin"].map(index).astype(float))
    fig, real_map = maps.choropleth(d, "cls", view, "count", lang)
    by_code = dict(zip(d["unit_code"], d["origin"]))
    names = dict(zip(d["unit_code"], d["name_vi"]))
    trace = fig.data[0]
    if real_map:  # locations are unit codes, and '48-archipelago' for the islands drawn with their city/province
        codes = [str(loc).split("-")[0] for loc in trace.locations]
    else:
        codes = [cd[0] for cd in trace.customdata]
    origins = [by_code.get(c, NONE) for c in codes]
    k = len(keys)
    steps = [s for i, key in enumerate(keys) for s in ([i / k, color(key)], [(i + 1) / k, color(key)])]
    hover = [f"<b>{names.get(c, c)}</b><br>{label(o, lang)}" for c, o in zip(codes, origins)]
    z = [index[o] + 0.5 for o in origins]
    if real_map:
        trace.update(z=z, colorscale=steps, zmin=0, zmax=k, zmid=None, showscale=False,
                     customdata=[[c] for c in codes], text=hover, hovertemplate="%{text}<extra></extra>",
                     marker_line_color="#888", marker_line_width=0.5)
    else:
        trace.update(marker=dict(color=z, colorscale=steps, cmin=0, cmax=k, showscale=False),
                     hovertext=hover, hovertemplate="%{hovertext}<extra></extra>")
    # a legend of categories rather than a colour bar: one empty marker trace per origin, drawn only in the legend
    marker = go.Scattergeo if real_map else go.Scatter
    for key in keys:
        point = dict(lon=[None], lat=[None]) if real_map else dict(x=[None], y=[None])
        fig.add_trace(marker(**point, mode="markers", name=label(key, lang, capital=True), showlegend=True,
                             hoverinfo="skip", marker=dict(symbol="square", size=13, color=color(key),
                                                           line=dict(color="#888", width=0.5))))
    return fig


# ----------------------------------------------------------------------------- the "real values only" switch
# Which topic each column of a unit-year table (queries.unit_year and kin) belongs to; shares are handled apart,
# because a real value's share of a total that holds demo values is itself partly demo.
def _topic_of(col: str) -> str | None:
    if col.endswith("_origin"):  # a value's origin (collaborators_district_origin, …) is no value to hide
        return None
    if col.endswith("_mvnd") or col.endswith("_execution_pct") or "_mvnd_change" in col:
        return "budget"
    if col == "projects" or col.endswith("_projects"):
        return "projects"
    if col.startswith("staff_") or col in ("grassroots_share_pct", "size_band"):
        return "staffing"
    if col.startswith("collaborators_") or col in ("districts_covered", "communes_covered") \
            or col.endswith("_coverage_pct"):
        return "collaborators"
    return None


_ORIGIN_COL = {"budget": "budget_origin", "projects": "project_origin", "staffing": "staffing_origin",
               "collaborators": "collaborators_origin"}


def hide_demo(df: pd.DataFrame) -> pd.DataFrame:
    """Only imported and published values: every value whose origin is demo (or partly demo) becomes a gap (NA), so
    a chart or table drawn from the result shows what is real and where nothing real is known. Origin columns stay,
    so a page can say how many units were hidden (see real_only_note). Long tables (`value`, `origin`) work too."""
    out = df.copy()
    if "value" in out and "origin" in out:
        out["value"] = out["value"].where(out["origin"].map(is_real))
        for c in ("share_nation_pct", "share_region_pct"):
            if c in out:
                out[c] = pd.NA
        return out
    real = {topic: out[col].map(is_real) for topic, col in _ORIGIN_COL.items() if col in out}
    if "projects" not in real and "budget" in real:  # unit_year carries the đề án under the budget's origin
        real["projects"] = real["budget"]
    for col in out.columns:
        if col.endswith(("_share_nation_pct", "_share_region_pct")) and "budget" in real:
            keep = _share_keep(out, real["budget"], nation=col.endswith("_share_nation_pct"))
            out[col] = out[col].where(keep)
            continue
        topic = _topic_of(col)
        if topic in real:
            out[col] = out[col].where(real[topic])
    for topic, col in _ORIGIN_COL.items():  # nothing demo is shown any more: the badges go
        flag = col.replace("_origin", "_demo")
        if flag in out:
            out[flag] = False
    if "any_demo" in out:
        out["any_demo"] = False
    return out


def _share_keep(df: pd.DataFrame, real: pd.Series, nation: bool) -> pd.Series:
    """A share survives only where its whole denominator (the nation, or the unit's region) is real."""
    if nation:
        return pd.Series(bool(real.all()), index=df.index)
    if "vung_id" not in df:
        return pd.Series(False, index=df.index)
    return real.groupby(df["vung_id"]).transform("all").astype(bool)


def real_only_note(topic: str, year: int, lang: str) -> str:
    """What the switch leaves on screen for a topic and year, as one sentence: how many units show real figures, how
    many are gaps because theirs are demo (or partly demo), and how many have none at all."""
    counts = coverage_counts(topic, year)
    total = int(counts["units"].sum())
    real = int(counts.loc[counts["origin"].map(is_real), "units"].sum())
    empty = int(counts.loc[counts["origin"] == NONE, "units"].sum())
    return t("cov_real_only_note", lang, real=fmt.number(real, 0, lang), total=fmt.number(total, 0, lang),
             hidden=fmt.number(total - real - empty, 0, lang), empty=fmt.number(empty, 0, lang),
             topic=t(f"cov_topic_{topic}", lang), year=year)
