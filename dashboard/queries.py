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
       districts_covered, districts_total, communes_covered, communes_total, population, kcdp_actual_per_1000,
       budget_origin, project_origin, staffing_origin, collaborators_origin,
       staff_total_origin, staff_grassroots_origin, collaborators_district_origin, collaborators_commune_origin,
       districts_covered_origin, communes_covered_origin
FROM mart_unit_year WHERE year = ? AND era = ? ORDER BY unit_code"""

# A pre-2025 year shown in the 34 units: the 63 aggregated through the crosswalk (never split).
UNIT_YEAR_AS_34 = """
SELECT v.unit_code, v.name_vi, v.name_ascii, v.vung_id, v.kc_area_id, v.year,
       v.kcqg_planned_mvnd, v.kcqg_actual_mvnd, v.kcdp_planned_mvnd, v.kcdp_actual_mvnd, v.projects,
       v.staff_total, v.staff_grassroots, v.collaborators_district, v.collaborators_commune,
       v.districts_covered, v.districts_total, v.communes_covered, v.communes_total,
       v.population, v.kcdp_actual_per_1000,  -- only where every old province's count is sourced (see the column comment)
       v.budget_origin, v.staffing_origin, v.collaborators_origin,
       v.staff_total_origin, v.staff_grassroots_origin, v.collaborators_district_origin,
       v.collaborators_commune_origin, v.districts_covered_origin, v.communes_covered_origin
FROM mart_unit34_year v WHERE v.year = ? ORDER BY v.unit_code"""

UNIT_SERIES = """
SELECT year, era, unit_code, name_vi, vung_id, kc_area_id, kcqg_planned_mvnd, kcqg_actual_mvnd, kcdp_planned_mvnd,
       kcdp_actual_mvnd, projects, staff_total, staff_grassroots, collaborators_district, collaborators_commune,
       districts_covered, districts_total, communes_covered, communes_total, population, kcdp_actual_per_1000,
       budget_origin, project_origin, staffing_origin, collaborators_origin,
       staff_total_origin, staff_grassroots_origin, collaborators_district_origin, collaborators_commune_origin,
       districts_covered_origin, communes_covered_origin
FROM mart_unit_year WHERE era = ? AND unit_code = ? ORDER BY year"""

# A 2025 unit over every year: before the reform, its member provinces aggregated (v_unit34_year, never split).
UNIT34_SERIES = """
SELECT v.year, '34' AS era, v.unit_code, v.name_vi, v.vung_id, v.kc_area_id,
       v.kcqg_planned_mvnd, v.kcqg_actual_mvnd, v.kcdp_planned_mvnd, v.kcdp_actual_mvnd, v.projects, v.staff_total,
       v.staff_grassroots, v.collaborators_district, v.collaborators_commune, v.districts_covered, v.districts_total,
       v.communes_covered, v.communes_total,
       v.population, v.kcdp_actual_per_1000,  -- 2025 on: the unit's count; before, every old province's or a gap
       v.budget_origin, NULL::VARCHAR AS project_origin, v.staffing_origin, v.collaborators_origin,
       v.staff_total_origin, v.staff_grassroots_origin, v.collaborators_district_origin,
       v.collaborators_commune_origin, v.districts_covered_origin, v.communes_covered_origin
FROM mart_unit34_year v WHERE v.unit_code = ? ORDER BY v.year"""

GROUP_SERIES = """
SELECT grouping_id, group_id, name_vi, name_en, sort_order, era, year, units, kcqg_planned_mvnd, kcqg_actual_mvnd,
       kcdp_planned_mvnd, kcdp_actual_mvnd, projects, staff_total, staff_grassroots, collaborators_district,
       collaborators_commune, districts_covered, communes_covered, any_demo, budget_demo, staffing_demo,
       collaborators_demo
FROM mart_group_year WHERE grouping_id = ? ORDER BY year, sort_order"""

NATION_SERIES = """
SELECT year, era, units, kcqg_planned_mvnd, kcqg_actual_mvnd, kcdp_planned_mvnd, kcdp_actual_mvnd, projects,
       staff_total, staff_grassroots, collaborators_district, collaborators_commune, districts_covered,
       communes_covered, any_demo, budget_demo, staffing_demo, collaborators_demo
FROM mart_nation_year ORDER BY year"""

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
SELECT c.category_id, c.name_vi, c.name_en, c.sort_order, p.fund, sum(p.projects)::BIGINT AS projects,
       sum(p.planned_mvnd) AS planned_mvnd, sum(p.actual_mvnd) AS actual_mvnd, origin_set(list(p.origin)) AS origin
FROM mart_project_mix p JOIN content_category c USING (category_id)
WHERE p.year = ? AND p.era = ? AND list_contains(?, p.unit_code)
GROUP BY c.category_id, c.name_vi, c.name_en, c.sort_order, p.fund ORDER BY c.sort_order, p.fund"""

FIGURES = """
SELECT f.figure_id, f.topic, f.year, f.year_to, f.period, f.scope, f.scope_key, f.value, f.unit, f.value_text,
       f.qualifier, f.quote, f.note, f.note_vi, f.calibrate, f.formula, s.title AS source_title, s.publisher,
       s.published, s.location AS source_location, c.warehouse_value, c.ok AS agrees
FROM published_figure f JOIN source s USING (source_id) LEFT JOIN calibration_check c USING (figure_id)
ORDER BY f.topic, f.year NULLS LAST, f.figure_id"""

SOURCE_CHECKS = """
SELECT c.figure_id, c.status, c.stated, c.recomputed, c.formula, f.quote, s.title AS source_title,
       s.location AS source_location, f.note, f.note_vi
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


YEAR_STATUS = """
SELECT b.year, b.has_planned, b.has_actual, s.year IS NOT NULL AS has_staffing, c.year IS NOT NULL AS has_collaborators
FROM (SELECT year, count(planned_mvnd) > 0 AS has_planned, count(actual_mvnd) > 0 AS has_actual
      FROM budget GROUP BY year) b
LEFT JOIN (SELECT DISTINCT year FROM staffing) s ON s.year = b.year
LEFT JOIN (SELECT DISTINCT year FROM collaborators) c ON c.year = b.year
ORDER BY b.year"""


@st.cache_data(show_spinner=False, ttl=600)
def year_status() -> pd.DataFrame:
    """Each year the warehouse holds budgets for: whether it has plans, actual figures, staffing, collaborators."""
    return query(YEAR_STATUS)


def years() -> list[int]:
    """The years every year picker offers: those the warehouse holds (a new year appears once it is loaded)."""
    return year_status()["year"].astype(int).tolist()


def default_year() -> int:
    """The latest year with actual figures: a year with only plans is offered, never opened by default."""
    status = year_status()
    done = status[status.has_actual]
    return int((done if len(done) else status)["year"].max())


def year_state(year: int, topic: str = "budget") -> str:
    """'actual', 'planned' (plans only, no actual figures yet) or 'none' for a year and topic."""
    row = year_status().set_index("year").reindex([int(year)]).iloc[0].fillna(False).astype(bool)
    if topic != "budget":
        return "actual" if row[f"has_{topic}"] else "none"
    return "actual" if row.has_actual else "planned" if row.has_planned else "none"


@st.cache_data(show_spinner=False, ttl=600)
def _unit_year(year: int, view: str) -> pd.DataFrame:
    """Every unit of `view` ('63' or '34') in `year`, with derived metrics (execution, shares, coverage)."""
    if view == era_of(year):
        df = query(UNIT_YEAR_SAME_ERA, [year, view])
    elif view == "34":
        df = query(UNIT_YEAR_AS_34, [year])
    else:
        raise ValueError("a post-reform year cannot be shown in the 63 provinces (units are never split)")
    return metrics.derive(df)


@st.cache_data(show_spinner=False, ttl=600)
def _unit_series(unit_code: str, era: str) -> pd.DataFrame:
    """One unit's years. A code names a different unit in each era (52: Bình Định among the 63, the new Gia Lai
    among the 34); a 34-era unit's years before 2025 are its member provinces aggregated."""
    if era == "34":
        return metrics.derive(query(UNIT34_SERIES, [unit_code]), shares=False)
    return metrics.derive(query(UNIT_SERIES, [era, unit_code]), shares=False)


@st.cache_data(show_spinner=False, ttl=600)
def _group_series(grouping: str) -> pd.DataFrame:
    return metrics.derive(query(GROUP_SERIES, [grouping]), shares=False)


@st.cache_data(show_spinner=False, ttl=600)
def _nation_series() -> pd.DataFrame:
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


POPULATION_DISAGREEMENTS = """
SELECT d.*, u.name_vi FROM v_population_disagreement d JOIN unit u ON u.era = d.era AND u.unit_code = d.unit_code
ORDER BY d.era DESC, d.unit_code, d.year"""


@st.cache_data(show_spinner=False, ttl=600)
def population_disagreements() -> pd.DataFrame:
    """Two sources, one unit and year, two population counts: both kept (v_population_disagreement)."""
    return query(POPULATION_DISAGREEMENTS)


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
FROM mart_unit_year GROUP BY year ORDER BY year"""


@st.cache_data(show_spinner=False, ttl=600)
def _topic_demo_by_year() -> pd.DataFrame:
    return query(TOPIC_DEMO_BY_YEAR)


def published(*figure_ids: str) -> pd.DataFrame:
    """Published figures (value, quote, source, calibration check) by id, indexed by figure_id."""
    f = figures()
    return f[f.figure_id.isin(figure_ids)].set_index("figure_id")


# --- queries: compare & profile pages
# Every unit of a view over all years, one row per metric, beside its region's and the nation's figure per unit
# and its ranks: v_unit_peer in etl/schema.sql, stored as mart_unit_peer (ranks over all units, then filtered here).
PEER_METRICS = (  # the metrics of v_unit_peer, in the order the pages list them
    "kcqg_planned_mvnd", "kcqg_actual_mvnd", "kcdp_planned_mvnd", "kcdp_actual_mvnd", "total_planned_mvnd",
    "total_actual_mvnd", "total_execution_pct", "kcqg_execution_pct", "kcdp_execution_pct", "projects", "staff_total",
    "staff_grassroots", "collaborators_total", "collaborators_district", "collaborators_commune")
PEER_SERIES = {view: f"""
SELECT unit_code, name_vi, region_id, year, metric, origin, value, region_value, nation_value, rank_nation,
       units_nation, rank_region, units_region, nation_real, region_real
FROM mart_unit_peer WHERE peer_view = '{view}' AND grouping_id = ? AND list_contains(?, unit_code)
ORDER BY metric, unit_code, year""" for view in ("63", "34")}  # noqa: S608 — the view is one of two fixed names

PROJECT_MIX = """
SELECT p.year, c.category_id, c.name_vi, c.name_en, c.sort_order, sum(p.projects)::BIGINT AS projects,
       sum(p.planned_mvnd) AS planned_mvnd, sum(p.actual_mvnd) AS actual_mvnd, origin_set(list(p.origin)) AS origin
FROM mart_project_mix p JOIN content_category c USING (category_id)
WHERE p.era = ? AND p.unit_code = ?
GROUP BY p.year, c.category_id, c.name_vi, c.name_en, c.sort_order ORDER BY p.year, c.sort_order"""

# Which rows stand behind a unit's figures: table, origin and source, as shown (the *_current views).
FACT_SOURCES = """
SELECT r.fact, r.origin, r.source_id, s.title AS source_title, s.publisher, min(r.year) AS year_from,
       max(r.year) AS year_to, sum(r.rows)::BIGINT AS rows
FROM mart_fact_rows r LEFT JOIN source s USING (source_id) WHERE r.era = ? AND r.unit_code = ?
GROUP BY r.fact, r.origin, r.source_id, s.title, s.publisher ORDER BY r.fact, r.origin"""

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
def _peer_series(view: str, grouping: str, unit_codes: tuple[str, ...]) -> pd.DataFrame:
    """Long table (unit, year, metric): value, region_value, nation_value, ranks — see PEER_METRICS."""
    return query(PEER_SERIES[view], [grouping, list(unit_codes)])


@st.cache_data(show_spinner=False, ttl=600)
def _groups_with_nation(grouping: str) -> pd.DataFrame:
    """The groups of a grouping per year, plus the nation as group 'nation' (sort_order 0)."""
    nation = _nation_series().assign(grouping_id=grouping, group_id="nation", name_vi="Cả nước", name_en="Nation",
                                     sort_order=0)
    return pd.concat([nation, _group_series(grouping)], ignore_index=True)


@st.cache_data(show_spinner=False, ttl=600)
def _project_mix(era: str, unit_code: str) -> pd.DataFrame:
    return query(PROJECT_MIX, [era, unit_code])


@st.cache_data(show_spinner=False, ttl=600)
def fact_sources(era: str, unit_code: str) -> pd.DataFrame:
    return query(FACT_SOURCES, [era, unit_code])


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
SELECT fact AS table_name, origin, sum(rows)::BIGINT AS rows FROM mart_fact_rows GROUP BY ALL ORDER BY ALL"""

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
WITH sel AS (SELECT ?::VARCHAR AS era, ?::INTEGER AS year, ?::VARCHAR[] AS codes)
SELECT r.fact AS what, r.origin, sum(r.rows)::BIGINT AS rows
FROM mart_fact_rows r, sel WHERE r.fact <> 'project' AND r.era = sel.era AND r.year = sel.year
  AND list_contains(sel.codes, r.unit_code) GROUP BY r.fact, r.origin
UNION ALL  -- đề án: one row per unit and fund, since a unit's count may be published rather than held as rows
SELECT 'projects', c.origin, count(*) FROM project_count_current c, sel
WHERE c.era = sel.era AND c.year = sel.year AND list_contains(sel.codes, c.unit_code) GROUP BY c.origin
ORDER BY list_position(['budget', 'projects', 'staffing', 'collaborators'], what), origin"""

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

# The deck's sums are the views' own: an area is its group in v_group_year (the group's units in the year's era), the
# nation v_nation_year. For the year before the reform in the 34 units the area is the sum of its units in
# v_unit34_year, every summable column of it. Execution and the collaborator total follow one null rule (NULL when
# nothing underlies them).
_DECK_COLUMNS = """units, kcqg_planned_mvnd, kcqg_actual_mvnd, kcdp_planned_mvnd, kcdp_actual_mvnd, total_planned_mvnd,
       total_actual_mvnd, projects, staff_total, staff_grassroots, collaborators_district, collaborators_commune,
       districts_covered, districts_total, communes_covered, communes_total"""
_DECK_DERIVED = """SELECT *,
       100.0 * kcqg_actual_mvnd / nullif(kcqg_planned_mvnd, 0) AS kcqg_execution_pct,
       100.0 * kcdp_actual_mvnd / nullif(kcdp_planned_mvnd, 0) AS kcdp_execution_pct,
       100.0 * total_actual_mvnd / nullif(total_planned_mvnd, 0) AS total_execution_pct,
       CASE WHEN collaborators_district IS NULL AND collaborators_commune IS NULL THEN NULL
            ELSE coalesce(collaborators_district, 0) + coalesce(collaborators_commune, 0) END AS collaborators_total"""
DECK_AREA_TOTALS = _DECK_DERIVED + f"""
FROM (SELECT {_DECK_COLUMNS} FROM mart_group_year WHERE grouping_id = ? AND group_id = ? AND year = ?)"""
_DECK_SUMMED = ", ".join(f"'{c.strip()}'" for c in _DECK_COLUMNS.split(",") if c.strip() != "units")
# the deck's columns by name (the view also holds names, origins and per-capita figures, which do not add up)
DECK_AREA_TOTALS_AS_34 = _DECK_DERIVED + f"""
FROM (SELECT count(*) AS units, sum(COLUMNS(lambda c: c IN ({_DECK_SUMMED})))
      FROM mart_unit34_year WHERE year = ? AND list_contains(?, unit_code))"""
DECK_NATION_TOTALS = _DECK_DERIVED + f"""
FROM (SELECT {_DECK_COLUMNS} FROM mart_nation_year WHERE year = ?)"""


@st.cache_data(show_spinner=False, ttl=600)
def deck_groups() -> pd.DataFrame:
    """Every group of every grouping with its members in each era ('63', '34')."""
    return query(DECK_GROUPS)


@st.cache_data(show_spinner=False, ttl=600)
def deck_origins(year: int, unit_codes: tuple[str, ...]) -> pd.DataFrame:
    era, codes = era_of(year), list(unit_codes)
    return query(DECK_ORIGINS, [era, year, codes])


@st.cache_data(show_spinner=False, ttl=600)
def deck_published(year: int, group_key: str, unit_codes: tuple[str, ...]) -> pd.DataFrame:
    return query(DECK_PUBLISHED, [year, group_key, list(unit_codes)])


@st.cache_data(show_spinner=False, ttl=600)
def deck_merged_from(unit_codes: tuple[str, ...]) -> list[str]:
    """The 63 provinces (before 1/7/2025) that make up the given 34 units."""
    return query(DECK_MERGED_FROM, [list(unit_codes)])["province_code"].tolist()


@st.cache_data(show_spinner=False, ttl=600)
def deck_area_totals(year: int, view: str, grouping: str, group_id: str, unit_codes: tuple[str, ...]) -> pd.Series:
    """An area's sums in `year`, in `view` ('63' or '34'): its group's row when the year is in `view`'s era; for a
    pre-reform year in '34', its units (`unit_codes`) through the crosswalk."""
    if view == era_of(year):
        return query(DECK_AREA_TOTALS, [grouping, group_id, year]).iloc[0].astype(float)
    if view == "34":
        return query(DECK_AREA_TOTALS_AS_34, [year, list(unit_codes)]).iloc[0].astype(float)
    raise ValueError("a post-reform year cannot be shown in the 63 provinces (units are never split)")


@st.cache_data(show_spinner=False, ttl=600)
def deck_nation_totals(year: int) -> pd.Series:
    return query(DECK_NATION_TOTALS, [year]).iloc[0].astype(float)


@st.cache_data(show_spinner=False, ttl=600)
def period_totals() -> pd.DataFrame:
    """The programme periods (to 2012 … 2026–2030) with their national totals to date; targets: period_progress()."""
    return query(PERIOD_TOTALS)


@st.cache_data(show_spinner=False, ttl=600)
def _category_totals(year: int, fund: str) -> pd.DataFrame:
    """category_mix before the real-only switch: the sums per activity type (a grouped aggregate with a Python
    join of origins, 5–10 ms: once per year and fund, not on every rerun)."""
    cats = category_shares(year, tuple(units(era_of(year))["unit_code"]))
    if fund != "total":
        cats = cats[cats.fund == fund]
    return cats.groupby(["category_id", "name_vi", "name_en", "sort_order"], as_index=False).agg(
        projects=("projects", "sum"), planned_mvnd=("planned_mvnd", "sum"), actual_mvnd=("actual_mvnd", "sum"),
        origin=("origin", lambda o: "+".join(sorted(set("+".join(o.dropna()).split("+")) - {""})))
    ).sort_values("sort_order")


def category_mix(year: int, fund: str, status: str) -> pd.DataFrame:
    """Đề án by activity type in `year` (by the year's own units), for one fund or both ('total'), with each type's
    share of the `status` ('planned' / 'actual') amount."""
    cats, r = _category_totals(year, fund), _real()
    if r is not None:
        cats = r.origin_rows(cats, ["projects", "planned_mvnd", "actual_mvnd"])
    cats["share_pct"] = 100 * cats[f"{status}_mvnd"] / cats[f"{status}_mvnd"].sum()
    if r is not None and cats[f"{status}_mvnd"].isna().any():  # a share of a total that is partly demo
        cats["share_pct"] = float("nan")
    return cats


def movers(year: int, n: int = 8) -> tuple[pd.DataFrame, bool]:
    """The `n` largest falls and rises of total planned funds against the previous year (across the reform, both years
    by the 34 units), and whether either year is demo."""
    view = era_of(year)
    cur, before = unit_year(year, view), unit_year(year - 1, view)
    cur = cur.assign(change_pct=metrics.with_change(cur, before, "total_planned_mvnd"))
    ranked = cur.dropna(subset=["change_pct"]).sort_values("change_pct").assign(province=lambda d: d["name_vi"])
    return pd.concat([ranked.head(n), ranked.tail(n)]).drop_duplicates("unit_code"), bool(cur.budget_demo.any())


def figures_with_kind() -> pd.DataFrame:
    """Every published figure with the kind of its source; `derived` marks figures computed from others."""
    out = figures().merge(figure_source_kinds(), on="figure_id", how="left")
    out["derived"] = out["source_kind"].eq("derived")
    return out


def origin_summary() -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Rows per table and origin, stored and in use (table × origin), and which origins the pages draw from."""
    stored = origin_counts().pivot_table(index="table_name", columns="origin", values="rows", aggfunc="sum")
    in_use = origin_in_use().pivot_table(index="table_name", columns="origin", values="rows", aggfunc="sum")
    used = [o for o in ("demo", "imported") if o in in_use.columns and in_use[o].fillna(0).sum() > 0]
    return stored, in_use, used


# --- queries: the indicator block (map / chart / table of one measure over the years)
# When a topic's figures last changed: the latest report loaded with rows of that topic, and the latest dated
# publication among the sources of that topic's published figures (what the demo data is calibrated to).
INDICATOR_UPDATED = """
SELECT (SELECT max(imported_at) FROM import_log
        WHERE outcome = 'loaded' AND CASE ? WHEN 'budget' THEN rows_budget WHEN 'staffing' THEN rows_staffing
                                            WHEN 'collaborators' THEN rows_collaborators END > 0) AS imported_at,
       (SELECT max(s.published) FROM published_figure f JOIN source s USING (source_id)
        WHERE f.topic = ? AND regexp_matches(s.published, '^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$')) AS published"""


@st.cache_data(show_spinner=False, ttl=60)
def indicator_updated(topic: str) -> dict:
    """{'imported_at': ISO text or None, 'published': 'YYYY[-MM[-DD]]' or None} for 'budget', 'staffing' or
    'collaborators'."""
    row = query(INDICATOR_UPDATED, [topic, topic]).iloc[0]
    return {k: (None if pd.isna(v) else str(v)) for k, v in row.items()}


def indicator_years(view: str) -> list[int]:
    """The years a measure can be drawn in `view`: every year in the 34 units (earlier years aggregated through the
    crosswalk), only the years before the reform in the 63 provinces (a merged unit is never split)."""
    return [y for y in years() if view == "34" or era_of(y) == view]


@st.cache_data(show_spinner=False, ttl=600)
def indicator_panel(col: str, view: str, origin_col: str) -> pd.DataFrame:
    """One measure for every unit of `view` in every year it can be drawn: year, unit_code, name_vi, vung_id, value,
    origin. A `…_change_pct` measure is the change on the previous year in the same units (none for the first)."""
    frames = []
    span = indicator_years(view)
    for y in span:
        d = unit_year(y, view)
        if col.endswith("_change_pct"):
            base = col.removesuffix("_change_pct")
            if y - 1 not in span:
                continue
            value = metrics.with_change(d, unit_year(y - 1, view), base)
        else:
            value = d[col]
        from . import realonly  # the value's own origins where it has them (a published district count alone)
        own = realonly.value_origin(d, col)
        frames.append(pd.DataFrame({"year": y, "unit_code": d["unit_code"], "name_vi": d["name_vi"],
                                    "vung_id": d["vung_id"], "value": pd.to_numeric(value, errors="coerce").astype(float),
                                    "origin": d[origin_col] if own is None else own}))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["year", "unit_code", "name_vi", "vung_id", "value", "origin"])
    return out[out.groupby("year")["value"].transform(lambda v: v.notna().any())]  # years without the measure: none


# --- the "real figures only" switch (dashboard/realonly.py), applied here once for every page that asks.
# The cached functions above hold the warehouse's rows for every session; the switch is one session's view of them.
AMOUNT_ORIGINS = """
SELECT unit_code, year,
       any_value(planned_origin) FILTER (fund = 'kcqg') AS kcqg_planned_origin,
       any_value(actual_origin)  FILTER (fund = 'kcqg') AS kcqg_actual_origin,
       any_value(planned_origin) FILTER (fund = 'kcdp') AS kcdp_planned_origin,
       any_value(actual_origin)  FILTER (fund = 'kcdp') AS kcdp_actual_origin
FROM mart_budget_current WHERE era = ? GROUP BY ALL"""

# A pre-2025 year in the 34 units sums the 63 (never split): an amount is as real as every province's behind it.
AMOUNT_ORIGINS_AS_34 = "SELECT * FROM mart_amount_origin34"


@st.cache_data(show_spinner=False, ttl=600)
def amount_origins(view: str, as_34: bool = False) -> pd.DataFrame:
    """unit_code, year and the origin of each budget amount (kcqg_planned_origin, …) of a view's units; `as_34`:
    the 34 units in every year, pre-2025 years through the crosswalk."""
    return query(AMOUNT_ORIGINS_AS_34) if as_34 else query(AMOUNT_ORIGINS, [view])


def _real():
    from . import realonly  # realonly → coverage → queries: imported when first needed
    return realonly if realonly.active() else None


def unit_year(year: int, view: str) -> pd.DataFrame:
    """Every unit of `view` ('63' or '34') in `year`, with derived metrics (execution, shares, coverage)."""
    df, r = _unit_year(year, view), _real()
    return df if r is None else r.unit_rows(df, amount_origins(view, as_34=view != era_of(year)))


def unit_series(unit_code: str, era: str) -> pd.DataFrame:
    df, r = _unit_series(unit_code, era), _real()
    return df if r is None else r.unit_rows(df, amount_origins(era))


def group_series(grouping: str) -> pd.DataFrame:
    df, r = _group_series(grouping), _real()
    return df if r is None else r.totals(df)


def nation_series() -> pd.DataFrame:
    df, r = _nation_series(), _real()
    return df if r is None else r.totals(df)


def groups_with_nation(grouping: str) -> pd.DataFrame:
    """The groups of a grouping per year, plus the nation as group 'nation' (sort_order 0)."""
    df, r = _groups_with_nation(grouping), _real()
    return df if r is None else r.totals(df)


def topic_demo_by_year() -> pd.DataFrame:
    df, r = _topic_demo_by_year(), _real()
    return df if r is None else r.no_demo_flags(df)


def peer_series(view: str, grouping: str, unit_codes: tuple[str, ...]) -> pd.DataFrame:
    """Long table (unit, year, metric): value, region_value, nation_value, ranks — see PEER_METRICS."""
    df, r = _peer_series(view, grouping, unit_codes), _real()
    return df if r is None else r.peer_rows(df, amount_origins(view, as_34=view == "34"))


def project_mix(era: str, unit_code: str) -> pd.DataFrame:
    df, r = _project_mix(era, unit_code), _real()
    return df if r is None else r.origin_rows(df, ["projects", "planned_mvnd", "actual_mvnd"])


# --- per-capita: which population stands behind v_unit_year.population (the view picks the confirmed count nearest
# in time; the row is found again by its value, so the choice stays defined in one place, the view)
POPULATION_USED = """
SELECT v.unit_code, v.name_vi, v.year, v.population, n.year AS population_year, n.source_id,
       s.title AS source_title, s.publisher, s.location AS source_location
FROM mart_unit_year v
JOIN population n ON n.era = v.era AND n.province_code = v.unit_code AND n.confirmed
    AND n.population = v.population
LEFT JOIN source s ON s.source_id = n.source_id
WHERE v.era = ? AND v.year = ? ORDER BY v.unit_code"""


# A pre-2025 year in the 34 units: the old provinces' counts behind each unit's summed population (mart_unit34_year
# sums them only where every one is sourced; a unit with a gap lists none)
POPULATION_USED_AS_34 = """
SELECT v.unit_code, v.name_vi, v.year, v.population, n.year AS population_year, n.source_id,
       s.title AS source_title, s.publisher, s.location AS source_location
FROM mart_unit34_year w
JOIN reform_2025 r ON r.unit_code = w.unit_code
JOIN mart_unit_year v ON v.era = '63' AND v.unit_code = r.province_code AND v.year = w.year
JOIN population n ON n.era = v.era AND n.province_code = v.unit_code AND n.confirmed
    AND n.population = v.population
LEFT JOIN source s ON s.source_id = n.source_id
WHERE w.year = ? AND w.population IS NOT NULL ORDER BY v.unit_code"""


@st.cache_data(show_spinner=False, ttl=600)
def population_used(year: int, era: str, as_34: bool = False) -> pd.DataFrame:
    """The units of `era` with a sourced population behind `year`'s per-capita figures: count, its year, source.
    `as_34`: a pre-2025 year shown in the 34 units, one row per old province summed into a unit's population."""
    return query(POPULATION_USED_AS_34, [year]) if as_34 else query(POPULATION_USED, [era, year])


# --- programme periods (issue 11): the periods, their targets against the warehouse, the agency of each year
PROGRAMME_PERIODS = """
SELECT p.*, s.title AS source_title, s.publisher, s.published, s.location AS source_location
FROM programme_period p LEFT JOIN source s USING (source_id) ORDER BY p.sort_order"""
PERIOD_PROGRESS = """
SELECT g.*, s.title AS source_title, s.location AS source_location
FROM mart_period_progress g LEFT JOIN source s USING (source_id) ORDER BY g.period_id, g.figure_id"""
AGENCY_YEARS = """
SELECT a.year, a.agency_id, a.name_vi, a.name_en, a.known_from, a.known_from_basis, a.source_id,
       s.title AS source_title, s.location AS source_location, y.status
FROM mart_agency_year a LEFT JOIN source s USING (source_id)
LEFT JOIN year_status_from('mart_year_budget') y USING (year) ORDER BY a.year"""
# The year_status view over the stored budget years: the same definition, today's date applied at query time.
YEAR_STATUS_VIEW = "SELECT * FROM year_status_from('mart_year_budget') ORDER BY year"
PERIOD_TOTALS = "SELECT * FROM mart_period_totals ORDER BY sort_order"


@st.cache_data(show_spinner=False, ttl=600)
def programme_periods() -> pd.DataFrame:
    return query(PROGRAMME_PERIODS)


@st.cache_data(show_spinner=False, ttl=600)
def period_progress() -> pd.DataFrame:
    """Each programme target beside what the warehouse holds for its period, with the origin of that sum."""
    return query(PERIOD_PROGRESS)


@st.cache_data(show_spinner=False, ttl=600)
def agency_years() -> pd.DataFrame:
    return query(AGENCY_YEARS)


@st.cache_data(show_spinner=False, ttl=600)
def years_in_programme() -> pd.DataFrame:
    """The warehouse's year_status view: every programme year, with 'actual', 'planned' or 'none'."""
    return query(YEAR_STATUS_VIEW)


# --- page-ready frames: the reshaping the analysis pages would otherwise do themselves

# The 2022 staffing report's count of centres in each size band (figure ids in data/published/).
PUBLISHED_BANDS = {"band_ge30": "n22_units_ge30", "band_20_29": "n22_units_20_29", "band_10_19": "n22_units_10_19",
                   "band_lt10": "n22_units_lt10"}
PUBLISHED_BANDS_YEAR = 2022


def staffed_centres(year: int) -> pd.DataFrame:
    """The centres of the year itself (63, or 34 from 2025) that reported their staff: KPIs and size bands count them."""
    return unit_year(year, era_of(year)).dropna(subset=["staff_total"])


def staff_bands(centres: pd.DataFrame, published_figures: pd.DataFrame, year: int, label) -> pd.DataFrame:
    """band, label, warehouse (centres in the band), published (the 2022 report's count; a gap in other years)."""
    counts = centres["size_band"].value_counts()
    bands = [b for b, _, _ in metrics.BANDS]
    return pd.DataFrame({
        "band": bands,
        "label": [label(b) for b in bands],
        "warehouse": [int(counts.get(b, 0)) for b in bands],
        "published": [published_figures.loc[PUBLISHED_BANDS[b]].value
                      if year == PUBLISHED_BANDS_YEAR and PUBLISHED_BANDS[b] in published_figures.index
                      else float("nan") for b in bands],
    })


def groups_in_year(grouping: str, year: int) -> pd.DataFrame:
    """The groups of a grouping in one year, in their own order."""
    g = group_series(grouping)
    return g[g.year == year].sort_values("sort_order")


# Counts of the collaborators page, read as floats so that an empty district level (2025) stays empty, not 0.
NETWORK_COUNTS = ("district_coverage_pct", "commune_coverage_pct", "districts_covered", "communes_covered",
                  "collaborators_total", "collaborators_district", "collaborators_commune", "districts_total",
                  "communes_total")


def network_rows(year: int, view: str) -> pd.DataFrame:
    """unit_year with the network counts as floats (see NETWORK_COUNTS)."""
    df = unit_year(year, view)
    return df.astype({c: float for c in NETWORK_COUNTS if c in df})


def network_total(df: pd.DataFrame, col: str):
    """The sum of a network count; None where no unit reports it (no district level from 2025), never 0."""
    return df[col].sum() if df[col].notna().any() else None


def developed_networks(df: pd.DataFrame, level: str, n: int = 5) -> pd.DataFrame:
    """The `n` units with the widest network at `level` ('district' or 'commune'): coverage, then places covered,
    then people."""
    return df[df[f"{level}s_covered"] > 0].sort_values(
        [f"{level}_coverage_pct", f"{level}s_covered", "collaborators_total"], ascending=False).head(n)


def rank_correlation(df: pd.DataFrame, a: str, b: str) -> tuple[float | None, int]:
    """Spearman's rho between two columns over the units that have both, and how many units that is."""
    pair = df[[a, b]].dropna()
    return (pair.corr(method="spearman").iloc[0, 1] if len(pair) > 2 else None), len(pair)


def in_chosen_order(peer: pd.DataFrame, chosen: list[str]) -> pd.DataFrame:
    """Peer rows (peer_series) in the order the units were chosen, then by year."""
    return peer.assign(order=peer.unit_code.map(chosen.index)).sort_values(["order", "year"])


def peer_metric(peer: pd.DataFrame, metric: str, chosen: list[str]) -> pd.DataFrame:
    """One metric of peer_series, in the order the units were chosen, then by year."""
    return in_chosen_order(peer[peer.metric == metric], chosen)


def peer_year(peer: pd.DataFrame, year: int, metric_order: list[str], chosen: list[str]) -> pd.DataFrame:
    """peer_series rows of one year, by metric, then in the order the units were chosen."""
    return peer[peer.year == year].assign(m_order=lambda x: x.metric.map(metric_order.index),
                                          u_order=lambda x: x.unit_code.map(chosen.index)).sort_values(
        ["m_order", "u_order"])


def group_compare(grouping: str, chosen: list[str], metric: str, basis: str, rate: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The chosen groups and the nation over the years, with `shown`: the metric as a total, per unit, or as a share
    of the nation (a rate is shown as it is; the nation drops out of a share). Returns the long rows and the wide
    table (year × group) the chart draws."""
    g = groups_with_nation(grouping)
    g = g[g.group_id.isin(["nation", *chosen])].copy()
    nation_col = g[g.group_id == "nation"].set_index("year")[metric]
    g["shown"] = (g[metric] if rate or basis == "total" else g[metric] / g["units"] if basis == "per_unit"
                  else 100 * g[metric] / g.year.map(nation_col))
    if basis == "share" and not rate:
        g = g[g.group_id != "nation"]
    return g, g.pivot_table(index="year", columns="group_id", values="shown").reset_index()


def groups_year(grouping: str, year: int, metric: str, chosen: list[str]) -> pd.DataFrame:
    """The chosen groups and the nation in one year: the metric, per unit, share of the nation and rank among all
    groups of the grouping (the nation unranked)."""
    gy = groups_with_nation(grouping)
    gy = gy[gy.year == year].sort_values("sort_order")
    share = 100 * gy[metric] / gy.loc[gy.group_id == "nation", metric].iloc[0]
    gy = gy.assign(per_unit=gy[metric] / gy.units, share_nation_pct=share,
                   rank=gy[gy.group_id != "nation"][metric].rank(ascending=False, method="min"))
    return gy[gy.group_id.isin(["nation", *chosen])]


# People trained and establishments supported of one unit, every year that holds one (published or imported; there
# is no demo); for a unit of the 34, also those of the provinces merged into it, in their own years.
OUTREACH_FOR = """
SELECT o.era, o.unit_code, o.name_vi, o.year, o.measure, o.value, o.origin, o.source_id, o.source_title,
       o.source_url, o.figure_id, o.quote
FROM mart_unit_outreach o
WHERE (o.era = ? AND o.unit_code = ?)
   OR (? = '34' AND o.era = '63' AND o.unit_code IN (SELECT province_code FROM reform_2025 WHERE unit_code = ?))
ORDER BY o.year, o.measure, o.unit_code"""


@st.cache_data(show_spinner=False, ttl=600)
def outreach(unit_code: str, era: str) -> pd.DataFrame:
    """People trained and establishments supported of one unit (and, for a unit of the 34, of the provinces merged
    into it): year, measure, value, origin, and the quote and link of a published value."""
    return query(OUTREACH_FOR, [era, str(unit_code), era, str(unit_code)])
