"""Named, reviewable SQL over the warehouse's views; values arrive only as ? parameters. Results are cached."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from etl.vocabulary import REFORM_YEAR, era_of  # noqa: F401 — pages read both through queries

from . import metrics
from .db import query, query_exact

UNIT_YEAR_SAME_ERA = """
SELECT unit_code, name_vi, name_ascii, vung_id, kc_area_id, year,
       kcqg_planned_mvnd, kcqg_actual_mvnd, kcdp_planned_mvnd, kcdp_actual_mvnd, projects,
       staff_total, staff_grassroots, collaborators_district, collaborators_commune,
       districts_covered, districts_total, communes_covered, communes_total,
       budget_origin, staffing_origin, collaborators_origin
FROM v_unit_year WHERE year = ? AND era = ? ORDER BY unit_code"""

# A pre-2025 year shown in the 34 units: the 63 aggregated through the crosswalk (never split).
UNIT_YEAR_AS_34 = """
SELECT v.unit_code, v.name_vi, u.name_ascii, vung.group_id AS vung_id, kca.group_id AS kc_area_id, v.year,
       v.kcqg_planned_mvnd, v.kcqg_actual_mvnd, v.kcdp_planned_mvnd, v.kcdp_actual_mvnd, v.projects,
       v.staff_total, v.staff_grassroots, v.collaborators_district, v.collaborators_commune,
       v.districts_covered, v.districts_total, v.communes_covered, v.communes_total,
       v.budget_origin, v.staffing_origin, v.collaborators_origin
FROM v_unit34_year v JOIN unit_2025 u USING (unit_code)
LEFT JOIN grouping_member vung ON vung.grouping_id = 'vung' AND vung.era = '34' AND vung.member_code = v.unit_code
LEFT JOIN grouping_member kca ON kca.grouping_id = 'kc_area' AND kca.era = '34' AND kca.member_code = v.unit_code
WHERE v.year = ? ORDER BY v.unit_code"""

UNIT_SERIES = """
SELECT year, era, unit_code, name_vi, vung_id, kc_area_id, kcqg_planned_mvnd, kcqg_actual_mvnd, kcdp_planned_mvnd,
       kcdp_actual_mvnd, projects, staff_total, staff_grassroots, collaborators_district, collaborators_commune,
       districts_covered, districts_total, communes_covered, communes_total,
       budget_origin, staffing_origin, collaborators_origin
FROM v_unit_year WHERE era = ? AND unit_code = ? ORDER BY year"""

GROUP_SERIES = """
SELECT grouping_id, group_id, name_vi, name_en, sort_order, era, year, units, kcqg_planned_mvnd, kcqg_actual_mvnd,
       kcdp_planned_mvnd, kcdp_actual_mvnd, projects, staff_total, staff_grassroots, collaborators_district,
       collaborators_commune, districts_covered, communes_covered, any_demo, budget_demo, staffing_demo,
       collaborators_demo
FROM v_group_year WHERE grouping_id = ? ORDER BY year, sort_order"""

NATION_SERIES = """
SELECT year, era, units, kcqg_planned_mvnd, kcqg_actual_mvnd, kcdp_planned_mvnd, kcdp_actual_mvnd, projects,
       staff_total, staff_grassroots, collaborators_district, collaborators_commune, districts_covered,
       communes_covered, any_demo, budget_demo, staffing_demo, collaborators_demo
FROM v_nation_year ORDER BY year"""

GROUPS = """
SELECT g.group_id, g.name_vi, g.name_en, g.sort_order, list(m.member_code ORDER BY m.member_code) AS members
FROM grouping_group g JOIN grouping_member m USING (grouping_id, group_id)
WHERE g.grouping_id = ? AND m.era = ? GROUP BY ALL ORDER BY g.sort_order"""

UNITS = "SELECT unit_code, name_vi, name_ascii, slug FROM unit WHERE era = ? ORDER BY name_ascii"

SUCCESSOR = """
SELECT r.unit_code, u.name_vi, list(p.name_vi ORDER BY p.province_code) AS merged_from
FROM reform_2025 r JOIN unit_2025 u USING (unit_code)
JOIN reform_2025 r2 ON r2.unit_code = r.unit_code JOIN province p ON p.province_code = r2.province_code
WHERE r.province_code = ? GROUP BY ALL"""

CATEGORY_SHARES = """
SELECT c.category_id, c.name_vi, c.name_en, c.sort_order, p.fund, count(*) AS projects,
       sum(p.planned_mvnd) AS planned_mvnd, sum(p.actual_mvnd) AS actual_mvnd,
       string_agg(DISTINCT p.origin, '+') AS origin
FROM project_current p JOIN content_category c USING (category_id)
WHERE p.year = ? AND p.era = ? AND list_contains(?, p.unit_code) GROUP BY ALL ORDER BY c.sort_order, p.fund"""

FIGURES = """
SELECT f.figure_id, f.topic, f.year, f.year_to, f.period, f.scope, f.scope_key, f.value, f.unit, f.value_text,
       f.qualifier, f.quote, f.note, f.calibrate, f.formula, s.title AS source_title, s.publisher, s.published,
       s.location AS source_location, c.warehouse_value, c.ok AS agrees
FROM published_figure f JOIN source s USING (source_id) LEFT JOIN calibration_check c USING (figure_id)
ORDER BY f.topic, f.year NULLS LAST, f.figure_id"""

SOURCE_CHECKS = """
SELECT c.figure_id, c.status, c.stated, c.recomputed, c.formula, f.quote, s.title AS source_title,
       s.location AS source_location, f.note
FROM source_check c JOIN published_figure f USING (figure_id) JOIN source s ON s.source_id = c.source_id
ORDER BY CASE c.status WHEN 'discrepancy' THEN 0 WHEN 'truncated' THEN 1 ELSE 2 END, c.figure_id"""

ORIGIN_COUNTS = """
SELECT 'budget' AS table_name, origin, count(*) AS rows FROM budget GROUP BY ALL
UNION ALL SELECT 'project', origin, count(*) FROM project GROUP BY ALL
UNION ALL SELECT 'staffing', origin, count(*) FROM staffing GROUP BY ALL
UNION ALL SELECT 'collaborators', origin, count(*) FROM collaborators GROUP BY ALL
ORDER BY ALL"""

DICTIONARY = """
SELECT table_name, column_name, data_type, comment FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal ORDER BY table_name, column_index"""

IMPORTS = "SELECT * FROM import_log ORDER BY imported_at DESC"

# Whole tables offered for download; the name picks the SQL, never enters it.
EXPORTS = {name: f"SELECT * FROM {name} ORDER BY ALL" for name in (  # noqa: S608 — fixed names only
    "province", "unit_2025", "reform_2025", "grouping_member", "budget", "project", "staffing", "collaborators",
    "published_figure", "source", "source_check", "calibration_check", "import_log")}


@st.cache_data(show_spinner=False, ttl=600)
def years() -> list[int]:
    return query("SELECT DISTINCT year FROM budget ORDER BY year")["year"].astype(int).tolist()


@st.cache_data(show_spinner=False, ttl=600)
def unit_year(year: int, view: str) -> pd.DataFrame:
    """Every unit of `view` ('63' or '34') in `year`, with derived metrics (execution, shares, coverage)."""
    if view == era_of(year):
        df = query(UNIT_YEAR_SAME_ERA, [year, view])
    elif view == "34":
        df = query(UNIT_YEAR_AS_34, [year])
    else:
        raise ValueError("a post-reform year cannot be shown in the 63 provinces (units are never split)")
    return metrics.derive(df)


@st.cache_data(show_spinner=False, ttl=600)
def unit_series(unit_code: str, era: str) -> pd.DataFrame:
    return metrics.derive(query(UNIT_SERIES, [era, unit_code]), shares=False)


@st.cache_data(show_spinner=False, ttl=600)
def group_series(grouping: str) -> pd.DataFrame:
    return metrics.derive(query(GROUP_SERIES, [grouping]), shares=False)


@st.cache_data(show_spinner=False, ttl=600)
def nation_series() -> pd.DataFrame:
    return metrics.derive(query(NATION_SERIES), shares=False)


@st.cache_data(show_spinner=False, ttl=600)
def groups(grouping: str, era: str) -> pd.DataFrame:
    return query(GROUPS, [grouping, era])


@st.cache_data(show_spinner=False, ttl=600)
def units(era: str) -> pd.DataFrame:
    return query(UNITS, [era])


@st.cache_data(show_spinner=False, ttl=600)
def successor(province_code: str) -> dict | None:
    df = query(SUCCESSOR, [province_code])
    return None if df.empty else df.iloc[0].to_dict()


@st.cache_data(show_spinner=False, ttl=600)
def category_shares(year: int, unit_codes: tuple[str, ...]) -> pd.DataFrame:
    return query(CATEGORY_SHARES, [year, era_of(year), list(unit_codes)])


@st.cache_data(show_spinner=False, ttl=600)
def figures() -> pd.DataFrame:
    return query(FIGURES)


@st.cache_data(show_spinner=False, ttl=600)
def source_checks() -> pd.DataFrame:
    return query(SOURCE_CHECKS)


@st.cache_data(show_spinner=False, ttl=600)
def origin_counts() -> pd.DataFrame:
    return query(ORIGIN_COUNTS)


@st.cache_data(show_spinner=False, ttl=600)
def dictionary() -> pd.DataFrame:
    return query(DICTIONARY)


@st.cache_data(show_spinner=False, ttl=60)
def imports() -> pd.DataFrame:
    return query(IMPORTS)


@st.cache_data(show_spinner=False, ttl=600)
def export_table(name: str) -> pd.DataFrame:
    """A whole table for download, amounts as exact Decimals (a float64 would blur DECIMAL(18,3) digits)."""
    return query_exact(EXPORTS[name])


# --- queries: staffing & collaborators pages
# Per year, whether each topic's numbers are (partly) demo: a staffing chart carries the badge of the staffing rows,
# not of the budget rows beside them.
TOPIC_DEMO_BY_YEAR = """
SELECT year,
       bool_or(contains(coalesce(staffing_origin, ''), 'demo')) AS staffing_demo,
       bool_or(contains(coalesce(collaborators_origin, ''), 'demo')) AS collaborators_demo,
       bool_or(contains(coalesce(budget_origin, ''), 'demo')) AS budget_demo
FROM v_unit_year GROUP BY year ORDER BY year"""


@st.cache_data(show_spinner=False, ttl=600)
def topic_demo_by_year() -> pd.DataFrame:
    return query(TOPIC_DEMO_BY_YEAR)


def published(*figure_ids: str) -> pd.DataFrame:
    """Published figures (value, quote, source, calibration check) by id, indexed by figure_id."""
    f = figures()
    return f[f.figure_id.isin(figure_ids)].set_index("figure_id")


# --- queries: compare & profile pages
# Every unit of a view over all years, one row per metric, beside its region's and the nation's figure per unit
# and its rank. Amounts and counts compare with sum ÷ reporting units; rates with the aggregate rate
# (sum actual ÷ sum planned), both as sum(num) / sum(den). Ranks are computed over all units, then filtered.
_PEER_BASE = {
    "63": """
SELECT v.unit_code, v.name_vi, g.group_id AS region_id, v.year, v.kcqg_planned_mvnd, v.kcqg_actual_mvnd,
       v.kcdp_planned_mvnd, v.kcdp_actual_mvnd, v.total_planned_mvnd, v.total_actual_mvnd, v.projects, v.staff_total,
       v.staff_grassroots, v.collaborators_district, v.collaborators_commune, v.budget_origin, v.project_origin,
       v.staffing_origin, v.collaborators_origin
FROM v_unit_year v
LEFT JOIN grouping_member g ON g.grouping_id = ? AND g.era = v.era AND g.member_code = v.unit_code
WHERE v.era = '63'""",
    # before 2025 the 63 aggregated into the 34 (never split)
    "34": """
SELECT v.unit_code, v.name_vi, g.group_id AS region_id, v.year, v.kcqg_planned_mvnd, v.kcqg_actual_mvnd,
       v.kcdp_planned_mvnd, v.kcdp_actual_mvnd, v.total_planned_mvnd, v.total_actual_mvnd, v.projects, v.staff_total,
       v.staff_grassroots, v.collaborators_district, v.collaborators_commune, v.budget_origin,
       v.budget_origin AS project_origin, v.staffing_origin, v.collaborators_origin
FROM v_unit34_year v
LEFT JOIN grouping_member g ON g.grouping_id = ? AND g.era = '34' AND g.member_code = v.unit_code""",
}
PEER_METRICS = {  # metric → (numerator, denominator, scale, origin column)
    "kcqg_planned_mvnd": ("kcqg_planned_mvnd", "1", 1, "budget_origin"),
    "kcqg_actual_mvnd": ("kcqg_actual_mvnd", "1", 1, "budget_origin"),
    "kcdp_planned_mvnd": ("kcdp_planned_mvnd", "1", 1, "budget_origin"),
    "kcdp_actual_mvnd": ("kcdp_actual_mvnd", "1", 1, "budget_origin"),
    "total_planned_mvnd": ("total_planned_mvnd", "1", 1, "budget_origin"),
    "total_actual_mvnd": ("total_actual_mvnd", "1", 1, "budget_origin"),
    "total_execution_pct": ("total_actual_mvnd", "total_planned_mvnd", 100, "budget_origin"),
    "kcqg_execution_pct": ("kcqg_actual_mvnd", "kcqg_planned_mvnd", 100, "budget_origin"),
    "kcdp_execution_pct": ("kcdp_actual_mvnd", "kcdp_planned_mvnd", 100, "budget_origin"),
    "projects": ("projects", "1", 1, "project_origin"),
    "staff_total": ("staff_total", "1", 1, "staffing_origin"),
    "staff_grassroots": ("staff_grassroots", "1", 1, "staffing_origin"),
    "collaborators_total": ("collaborators_district + collaborators_commune", "1", 1, "collaborators_origin"),
    "collaborators_district": ("collaborators_district", "1", 1, "collaborators_origin"),
    "collaborators_commune": ("collaborators_commune", "1", 1, "collaborators_origin"),
}
_PEER_TEMPLATE = """
WITH base AS ({base}),
long AS (
    SELECT unit_code, name_vi, region_id, year, unnest([{structs}], recursive := true) FROM base),
ranked AS (
    SELECT unit_code, name_vi, region_id, year, metric, origin,
        scale * num / den AS value,
        scale * sum(num) OVER r / sum(den) OVER r AS region_value,
        scale * sum(num) OVER n / sum(den) OVER n AS nation_value,
        rank() OVER (PARTITION BY year, metric ORDER BY num / den DESC) AS rank_nation,
        count(*) OVER n AS units_nation,
        rank() OVER (PARTITION BY year, metric, region_id ORDER BY num / den DESC) AS rank_region,
        count(*) OVER r AS units_region
    FROM long WHERE num IS NOT NULL AND den > 0
    WINDOW n AS (PARTITION BY year, metric), r AS (PARTITION BY year, metric, region_id))
SELECT * FROM ranked WHERE list_contains(?, unit_code) ORDER BY metric, unit_code, year"""
PEER_SERIES = {view: _PEER_TEMPLATE.format(base=base, structs=", ".join(  # fixed fragments only, no user values
    f"{{'metric': '{m}', 'num': ({num})::DOUBLE, 'den': ({den})::DOUBLE, 'scale': {scale}::DOUBLE, 'origin': {origin}}}"
    for m, (num, den, scale, origin) in PEER_METRICS.items())) for view, base in _PEER_BASE.items()}

PROJECT_MIX = """
SELECT p.year, c.category_id, c.name_vi, c.name_en, c.sort_order, count(*) AS projects,
       sum(p.planned_mvnd) AS planned_mvnd, sum(p.actual_mvnd) AS actual_mvnd, string_agg(DISTINCT p.origin, '+') AS origin
FROM project_current p JOIN content_category c USING (category_id)
WHERE p.era = ? AND p.unit_code = ? GROUP BY ALL ORDER BY p.year, c.sort_order"""

# Which rows stand behind a unit's figures: table, origin and source, as shown (the *_current views).
FACT_SOURCES = """
WITH rows AS (
    SELECT 'budget' AS fact, year, origin, source_id FROM budget_current WHERE era = ? AND unit_code = ?
    UNION ALL SELECT 'project', year, origin, source_id FROM project_current WHERE era = ? AND unit_code = ?
    UNION ALL SELECT 'staffing', year, origin, source_id FROM staffing_current WHERE era = ? AND unit_code = ?
    UNION ALL SELECT 'collaborators', year, origin, source_id FROM collaborators_current WHERE era = ? AND unit_code = ?)
SELECT r.fact, r.origin, r.source_id, s.title AS source_title, s.publisher, min(r.year) AS year_from,
       max(r.year) AS year_to, count(*) AS rows
FROM rows r LEFT JOIN source s USING (source_id) GROUP BY ALL ORDER BY r.fact, r.origin"""

# Published figures that concern one province: about it, about a named set containing it, or about its groups.
PROVINCE_FIGURES = """
SELECT f.figure_id, f.topic, f.scope, f.scope_key, f.year, f.year_to, f.period, f.value, f.unit, f.value_text,
       f.qualifier, f.quote, f.note, s.title AS source_title, s.publisher, s.published,
       c.warehouse_value, c.ok AS agrees
FROM published_figure f JOIN source s USING (source_id) LEFT JOIN calibration_check c USING (figure_id)
WHERE (f.scope = 'province' AND f.scope_key = ?)
   OR (f.scope = 'set' AND list_contains(string_split(f.scope_key, ' '), ?))
   OR (f.scope = 'group' AND list_contains(?, f.scope_key))
ORDER BY f.year NULLS LAST, f.scope, f.figure_id"""


@st.cache_data(show_spinner=False, ttl=600)
def peer_series(view: str, grouping: str, unit_codes: tuple[str, ...]) -> pd.DataFrame:
    """Long table (unit, year, metric): value, region_value, nation_value, ranks — see PEER_METRICS."""
    return query(PEER_SERIES[view], [grouping, list(unit_codes)])


@st.cache_data(show_spinner=False, ttl=600)
def groups_with_nation(grouping: str) -> pd.DataFrame:
    """The groups of a grouping per year, plus the nation as group 'nation' (sort_order 0)."""
    nation = nation_series().assign(grouping_id=grouping, group_id="nation", name_vi="Cả nước", name_en="Nation",
                                     sort_order=0)
    return pd.concat([nation, group_series(grouping)], ignore_index=True)


@st.cache_data(show_spinner=False, ttl=600)
def project_mix(era: str, unit_code: str) -> pd.DataFrame:
    return query(PROJECT_MIX, [era, unit_code])


@st.cache_data(show_spinner=False, ttl=600)
def fact_sources(era: str, unit_code: str) -> pd.DataFrame:
    return query(FACT_SOURCES, [era, unit_code] * 4)


@st.cache_data(show_spinner=False, ttl=600)
def province_figures(province_code: str, group_keys: tuple[str, ...]) -> pd.DataFrame:
    return query(PROVINCE_FIGURES, [province_code, province_code, list(group_keys)])

# --- queries: sources page
# What kind of source stands behind each figure ('derived' = computed from other figures), and how precisely it
# was written (resolution), which FIGURES does not carry.
FIGURE_SOURCE_KINDS = """
SELECT f.figure_id, f.source_id, s.kind AS source_kind, f.resolution
FROM published_figure f JOIN source s USING (source_id) ORDER BY f.figure_id"""

# Rows the dashboard actually uses, by origin: imported rows replace demo rows in the *_current views.
ORIGIN_IN_USE = """
SELECT 'budget' AS table_name, origin, count(*) AS rows FROM budget_current GROUP BY ALL
UNION ALL SELECT 'project', origin, count(*) FROM project_current GROUP BY ALL
UNION ALL SELECT 'staffing', origin, count(*) FROM staffing_current GROUP BY ALL
UNION ALL SELECT 'collaborators', origin, count(*) FROM collaborators_current GROUP BY ALL
ORDER BY ALL"""

TABLE_COMMENTS = """
SELECT table_name, 'table' AS kind, comment FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
UNION ALL
SELECT view_name, 'view', comment FROM duckdb_views()
WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
ORDER BY table_name"""

EXPORT_ROWS = " UNION ALL ".join(  # noqa: S608 — fixed names from EXPORTS only
    f"SELECT '{name}' AS table_name, count(*) AS rows FROM {name}" for name in EXPORTS)


@st.cache_data(show_spinner=False, ttl=600)
def figure_source_kinds() -> pd.DataFrame:
    return query(FIGURE_SOURCE_KINDS)


@st.cache_data(show_spinner=False, ttl=60)
def origin_in_use() -> pd.DataFrame:
    return query(ORIGIN_IN_USE)


@st.cache_data(show_spinner=False, ttl=600)
def table_comments() -> pd.DataFrame:
    return query(TABLE_COMMENTS)


@st.cache_data(show_spinner=False, ttl=60)
def export_rows() -> pd.DataFrame:
    return query(EXPORT_ROWS)


# --- queries: present page (deck)
DECK_GROUPS = """
SELECT g.grouping_id, g.group_id, g.name_vi, g.name_en, g.sort_order, m.era,
       list(m.member_code ORDER BY m.member_code) AS members
FROM grouping_group g JOIN grouping_member m USING (grouping_id, group_id)
GROUP BY ALL ORDER BY g.grouping_id DESC, g.sort_order, m.era"""

# How many rows of each kind of fact behind a set of units and a year are demo and how many imported.
DECK_ORIGINS = """
SELECT 'budget' AS what, origin, count(*) AS rows FROM budget_current
 WHERE era = ? AND year = ? AND list_contains(?, unit_code) GROUP BY ALL
UNION ALL SELECT 'projects', origin, count(*) FROM project_current
 WHERE era = ? AND year = ? AND list_contains(?, unit_code) GROUP BY ALL
UNION ALL SELECT 'staffing', origin, count(*) FROM staffing_current
 WHERE era = ? AND year = ? AND list_contains(?, unit_code) GROUP BY ALL
UNION ALL SELECT 'collaborators', origin, count(*) FROM collaborators_current
 WHERE era = ? AND year = ? AND list_contains(?, unit_code) GROUP BY ALL"""

# Published single-year figures about the area (as a group), one of its provinces, or the nation.
DECK_PUBLISHED = """
SELECT f.figure_id, f.scope, f.scope_key, f.year, f.measure, f.value, f.unit, f.qualifier, f.calibrate, f.quote,
       s.title AS source_title, s.publisher, s.published, c.warehouse_value, c.ok AS agrees
FROM published_figure f JOIN source s USING (source_id) LEFT JOIN calibration_check c USING (figure_id)
WHERE f.year = ? AND coalesce(f.year_to, f.year) = f.year AND coalesce(f.measure, '') <> ''
  AND f.value IS NOT NULL AND f.measure NOT LIKE 'ref.%'
  AND ((f.scope = 'group' AND f.scope_key = ?) OR f.scope = 'nation'
       OR (f.scope = 'province' AND list_contains(?, f.scope_key)))
ORDER BY CASE f.scope WHEN 'group' THEN 0 WHEN 'province' THEN 1 ELSE 2 END,
         c.warehouse_value IS NULL, f.measure, f.figure_id"""

DECK_MERGED_FROM = "SELECT province_code FROM reform_2025 WHERE list_contains(?, unit_code) ORDER BY province_code"

# The deck's sums: the totals are the views' own (total_* = KCQG + KCĐP in SQL); execution and the collaborator
# total follow one null rule (NULL when nothing underlies them). The nation from v_nation_year; an area as the sum of
# its units in the year's era (v_unit_year), or, for the year before the reform, of the 34 units (v_unit34_year).
_DECK_SUMS = """count(*) AS units,
       sum(kcqg_planned_mvnd) AS kcqg_planned_mvnd, sum(kcqg_actual_mvnd) AS kcqg_actual_mvnd,
       sum(kcdp_planned_mvnd) AS kcdp_planned_mvnd, sum(kcdp_actual_mvnd) AS kcdp_actual_mvnd,
       sum(total_planned_mvnd) AS total_planned_mvnd, sum(total_actual_mvnd) AS total_actual_mvnd,
       sum(projects) AS projects, sum(staff_total) AS staff_total, sum(staff_grassroots) AS staff_grassroots,
       sum(collaborators_district) AS collaborators_district, sum(collaborators_commune) AS collaborators_commune,
       sum(districts_covered) AS districts_covered, sum(districts_total) AS districts_total,
       sum(communes_covered) AS communes_covered, sum(communes_total) AS communes_total"""
_DECK_DERIVED = """SELECT *,
       100.0 * kcqg_actual_mvnd / nullif(kcqg_planned_mvnd, 0) AS kcqg_execution_pct,
       100.0 * kcdp_actual_mvnd / nullif(kcdp_planned_mvnd, 0) AS kcdp_execution_pct,
       100.0 * total_actual_mvnd / nullif(total_planned_mvnd, 0) AS total_execution_pct,
       CASE WHEN collaborators_district IS NULL AND collaborators_commune IS NULL THEN NULL
            ELSE coalesce(collaborators_district, 0) + coalesce(collaborators_commune, 0) END AS collaborators_total"""
DECK_AREA_TOTALS = _DECK_DERIVED + f"""
FROM (SELECT {_DECK_SUMS} FROM v_unit_year WHERE era = ? AND year = ? AND list_contains(?, unit_code))"""
DECK_AREA_TOTALS_AS_34 = _DECK_DERIVED + f"""
FROM (SELECT {_DECK_SUMS} FROM v_unit34_year WHERE year = ? AND list_contains(?, unit_code))"""
DECK_NATION_TOTALS = _DECK_DERIVED + """
FROM (SELECT units, kcqg_planned_mvnd, kcqg_actual_mvnd, kcdp_planned_mvnd, kcdp_actual_mvnd, total_planned_mvnd,
             total_actual_mvnd, projects, staff_total, staff_grassroots, collaborators_district, collaborators_commune,
             districts_covered, communes_covered
      FROM v_nation_year WHERE year = ?)"""


@st.cache_data(show_spinner=False, ttl=600)
def deck_groups() -> pd.DataFrame:
    """Every group of every grouping with its members in each era ('63', '34')."""
    return query(DECK_GROUPS)


@st.cache_data(show_spinner=False, ttl=600)
def deck_origins(year: int, unit_codes: tuple[str, ...]) -> pd.DataFrame:
    era, codes = era_of(year), list(unit_codes)
    return query(DECK_ORIGINS, [era, year, codes] * 4)


@st.cache_data(show_spinner=False, ttl=600)
def deck_published(year: int, group_key: str, unit_codes: tuple[str, ...]) -> pd.DataFrame:
    return query(DECK_PUBLISHED, [year, group_key, list(unit_codes)])


@st.cache_data(show_spinner=False, ttl=600)
def deck_merged_from(unit_codes: tuple[str, ...]) -> list[str]:
    """The 63 provinces (before 1/7/2025) that make up the given 34 units."""
    return query(DECK_MERGED_FROM, [list(unit_codes)])["province_code"].tolist()


@st.cache_data(show_spinner=False, ttl=600)
def deck_area_totals(year: int, view: str, unit_codes: tuple[str, ...]) -> pd.Series:
    """The units' sums in `year`, in `view` ('63' or '34'; a pre-reform year in '34' goes through the crosswalk)."""
    if view == era_of(year):
        return query(DECK_AREA_TOTALS, [view, year, list(unit_codes)]).iloc[0].astype(float)
    if view == "34":
        return query(DECK_AREA_TOTALS_AS_34, [year, list(unit_codes)]).iloc[0].astype(float)
    raise ValueError("a post-reform year cannot be shown in the 63 provinces (units are never split)")


@st.cache_data(show_spinner=False, ttl=600)
def deck_nation_totals(year: int) -> pd.Series:
    return query(DECK_NATION_TOTALS, [year]).iloc[0].astype(float)



@st.cache_data(show_spinner=False, ttl=600)
def period_totals() -> pd.DataFrame:
    """The programme periods (to 2012 … 2026–2030) with their national totals to date; targets: v_period_progress."""
    return query("SELECT * FROM v_period_totals ORDER BY sort_order")
