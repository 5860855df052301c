"""What the warehouse says for each published figure, and whether that agrees with how the source wrote it.

Each measure in figures.csv maps to one parameterised query over the warehouse's views; the result must fall in
the interval the source's wording allows (see published.qualifier_range). Figures for part of a year (first
half, nine or eleven months) only bound the whole year from below.
"""
from __future__ import annotations

import math

import duckdb
import pandas as pd

from .published import PARTIAL_PERIODS, members, qualifier_range, years_of

BANDS = {"staffing.units_ge30": (30, 10**6), "staffing.units_20_29": (20, 29), "staffing.units_10_19": (10, 19),
         "staffing.units_lt10": (0, 9)}
COLUMN = {"staffing.total": "staff_total", "staffing.grassroots": "staff_grassroots",
          "collab.districts_covered": "districts_covered", "collab.communes_covered": "communes_covered",
          "collab.district_people": "collaborators_district", "collab.communes_total": "communes_total",
          "collab.total_people": "coalesce(collaborators_district, 0) + coalesce(collaborators_commune, 0)"}

# People trained and establishments supported: the demo generates none, so these hold published or imported values
# only, and a published one is contradicted only by an import that says otherwise.
OUTREACH = {"training.people": "people_trained", "support.establishments": "establishments_supported"}


def check_all(con: duckdb.DuckDBPyConnection, figures: pd.DataFrame, ref: dict) -> pd.DataFrame:
    rows = []
    for fig in figures[figures.calibrate.isin(["target", "check"])].itertuples():
        value = warehouse_value(con, fig, ref)
        lo, hi = qualifier_range(float(fig.value), fig.qualifier,
                                 float(fig.resolution) if pd.notna(fig.resolution) else 0.0)
        if fig.period in PARTIAL_PERIODS:  # part of a year bounds the whole year from below
            hi = math.inf
        rows.append({"figure_id": fig.figure_id, "measure": fig.measure, "low": lo, "high": hi,
                     "warehouse_value": value, "ok": value is not None and lo <= value <= hi})
    return pd.DataFrame(rows, columns=["figure_id", "measure", "low", "high", "warehouse_value", "ok"])


def warehouse_value(con, fig, ref) -> float | None:
    m = fig.measure
    if m == "ref.content_categories":
        return _one(con, "SELECT count(*) FROM content_category")
    if m == "ref.units_34":
        return _one(con, "SELECT count(*) FROM unit_2025")
    if m == "ref.cities_34":
        return _one(con, "SELECT count(*) FROM unit_2025 WHERE unit_type LIKE 'thành phố%'")
    per_year = []
    for y in years_of(fig):
        codes = members(fig.scope, fig.scope_key, y, ref)
        per_year.append(_year_value(con, m, y, codes))
    if any(v is None for v in per_year):
        return None
    if m == "projects.max_kcqg_demo_model":
        return max(per_year)
    return sum(per_year) / len(per_year) if fig.agg == "mean" else sum(per_year)


def _year_value(con, m: str, year: int, codes: list[str]) -> float | None:
    if m.startswith("budget."):
        _, fund, status = m.split(".")
        col = f"{fund}_{status}_mvnd" if fund != "total" else f"total_{status}_mvnd"
        return _one(con, f"SELECT sum({col}) FROM v_unit_year WHERE year = ? AND list_contains(?, unit_code)",
                    [year, codes])
    if m.startswith("units_funded."):  # how many units have a plan (or spending) from the fund at all
        _, fund, status = m.split(".")
        return _one(con, f"SELECT count(*) FROM v_unit_year WHERE year = ? AND list_contains(?, unit_code) "
                         f"AND {fund}_{status}_mvnd > 0", [year, codes])
    if m in COLUMN:
        return _one(con, f"SELECT sum({COLUMN[m]}) FROM v_unit_year WHERE year = ? AND list_contains(?, unit_code)",
                    [year, codes])
    if m in OUTREACH:
        return _one(con, "SELECT sum(value) FROM outreach_current WHERE measure = ? AND year = ? "
                         "AND list_contains(?, unit_code)", [OUTREACH[m], year, codes])
    if m in BANDS:
        lo, hi = BANDS[m]
        return _one(con, "SELECT count(*) FROM v_unit_year WHERE year = ? AND list_contains(?, unit_code) "
                         "AND staff_total BETWEEN ? AND ?", [year, codes, lo, hi])
    if m == "collab.developed":  # how many of the named provinces rank in the top five by district coverage
        return _one(con, """
            WITH r AS (SELECT unit_code, rank() OVER (ORDER BY districts_covered / districts_total DESC) AS rk
                       FROM v_unit_year WHERE year = ?)
            SELECT count(*) FROM r WHERE rk <= 5 AND list_contains(?, unit_code)""", [year, codes])
    if m.startswith("projects.count."):
        parts = m.split(".")
        funds = ["kcqg", "kcdp"] if parts[2] == "all" else [parts[2]]
        sql = "SELECT count(*) FROM project_current WHERE year = ? AND list_contains(?, unit_code) AND list_contains(?, fund)"
        params = [year, codes, funds]
        if len(parts) == 4:
            sql += " AND category_id = ?"
            params.append(parts[3])
        return _one(con, sql, params)
    if m == "projects.max_kcqg_demo_model":
        return _one(con, "SELECT coalesce(max(planned_mvnd), 0) FROM project_current WHERE year = ? AND fund = 'kcqg' "
                         "AND category_id = 'mo-hinh-trinh-dien'", [year])
    raise ValueError(f"unknown measure {m!r}")


def _one(con, sql: str, params: list | None = None):
    v = con.execute(sql, params or []).fetchone()[0]
    return None if v is None else float(v)


def demo_contradictions(con) -> pd.DataFrame:
    """Every published value whose demo value beneath it differs: a published count or amount replaces the demo's on
    screen, but the demo's stays in every sum the demo was calibrated on, so it must agree. One row per mismatch,
    naming the published figure (province_figure.pf_id or published_figure.figure_id)."""
    return con.execute("""
    WITH demo_counts AS (
        SELECT era, unit_code, year, fund, count(*) AS n FROM project WHERE origin = 'demo' GROUP BY ALL),
    checks AS (
        SELECT c.figure_id, c.source_id, c.unit_code, c.year, 'projects.count.' || c.fund AS what,
            c.projects::DOUBLE AS published,
            (SELECT sum(d.n) FROM demo_counts d WHERE d.era = c.era AND d.unit_code = c.unit_code AND d.year = c.year
               AND (c.fund = 'all' OR d.fund = c.fund))::DOUBLE AS demo
        FROM project_count c WHERE c.origin = 'published'
        UNION ALL
        SELECT NULL, p.source_id, p.unit_code, p.year, 'collab.district_people', p.collaborators_district::DOUBLE,
            d.collaborators_district::DOUBLE
        FROM collaborators p LEFT JOIN collaborators d
            ON d.origin = 'demo' AND (d.era, d.unit_code, d.year) = (p.era, p.unit_code, p.year)
        WHERE p.origin = 'published' AND p.collaborators_district IS NOT NULL
        UNION ALL
        SELECT NULL, p.source_id, p.unit_code, p.year, 'budget.' || p.fund || '.' || s.status,
            CASE s.status WHEN 'planned' THEN p.planned_mvnd ELSE p.actual_mvnd END::DOUBLE,
            CASE s.status WHEN 'planned' THEN d.planned_mvnd ELSE d.actual_mvnd END::DOUBLE
        FROM budget p CROSS JOIN (VALUES ('planned'), ('actual')) s(status)
        LEFT JOIN budget d
            ON d.origin = 'demo' AND (d.era, d.unit_code, d.year, d.fund) = (p.era, p.unit_code, p.year, p.fund)
        WHERE p.origin = 'published'
          AND (CASE s.status WHEN 'planned' THEN p.planned_mvnd ELSE p.actual_mvnd END) IS NOT NULL)
    SELECT coalesce(c.figure_id, (SELECT min(f.pf_id) FROM province_figure f WHERE f.source_id = c.source_id
                                   AND f.scope_key = c.unit_code AND f.year = c.year AND f.measure = c.what),
                    c.source_id) AS figure_id,
        c.unit_code, c.year, c.what, c.published, c.demo
    FROM checks c WHERE c.demo IS DISTINCT FROM c.published ORDER BY 1, c.what""").df()
