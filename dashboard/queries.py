"""Named, reviewable SQL over the warehouse's views; values arrive only as ? parameters. Results are cached."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from . import metrics
from .db import query

REFORM_YEAR = 2025

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
       v.staff_total, v.staff_grassroots, NULL::BIGINT AS collaborators_district, v.collaborators_commune,
       NULL::BIGINT AS districts_covered, NULL::BIGINT AS districts_total, v.communes_covered,
       NULL::BIGINT AS communes_total, v.budget_origin, v.budget_origin AS staffing_origin,
       v.budget_origin AS collaborators_origin
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
       collaborators_commune, districts_covered, communes_covered, any_demo
FROM v_group_year WHERE grouping_id = ? ORDER BY year, sort_order"""

NATION_SERIES = """
SELECT year, era, units, kcqg_planned_mvnd, kcqg_actual_mvnd, kcdp_planned_mvnd, kcdp_actual_mvnd, projects,
       staff_total, staff_grassroots, collaborators_district, collaborators_commune, districts_covered,
       communes_covered, any_demo
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


def era_of(year: int) -> str:
    return "34" if int(year) >= REFORM_YEAR else "63"


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
    return query(EXPORTS[name])


# --- queries: staffing & collaborators pages

# --- queries: compare & profile pages

# --- queries: sources page

# --- queries: present page (deck)
