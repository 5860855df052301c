"""What the warehouse says about one scope (a unit, a region or area, the nation) and one year: named SQL, values
only through ? parameters, a read-only connection of its own (the report is built outside Streamlit's caches)."""
from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from ..db import db_path
from ..queries import DECK_GROUPS
from .errors import ReportError

REFORM_YEAR = 2025
GROUPINGS = ("vung", "kc_area")

# A report describes a year that has actual figures: plans alone (a year under way) would read as a collapse.
YEARS = "SELECT year FROM year_status WHERE has_actual ORDER BY year"

UNITS = """
SELECT era, unit_code, name_vi, name_ascii, slug, unit_type FROM unit ORDER BY era, unit_code"""

GROUPS = DECK_GROUPS  # the regions and areas with their members per era, as the deck reads them

# Every unit in a year, with the origin of each amount: a number is marked as demo when a demo row stands behind that
# amount itself, as the pages mark it (a published KCQG plan beside a demo KCQG actual: the plan unmarked, the actual
# marked). <fund>_demo says the fund has any demo amount, <topic>_demo the same for a topic. Two shapes of one query:
# the units of the year's own era, or a pre-2025 year expressed in the 34 units (the 63 summed through the crosswalk,
# never split; a merged amount is demo when that amount of any province behind it is).
_AMOUNT_FLAGS = ",\n           ".join(
    f"bool_or(contains({status}_origin, 'demo')) FILTER (fund = '{fund}') AS {fund}_{status}_demo"
    for fund in ("kcqg", "kcdp") for status in ("planned", "actual"))
_UNIT_ROWS = """
WITH f AS (
    SELECT {flag_unit} AS unit_code,
           {flags}
    FROM budget_current b {flag_join}
    WHERE {flag_where} GROUP BY ALL)
SELECT v.unit_code, v.name_vi, {groups},
       v.kcqg_planned_mvnd, v.kcqg_actual_mvnd, v.kcdp_planned_mvnd, v.kcdp_actual_mvnd,
       v.total_planned_mvnd, v.total_actual_mvnd, v.projects, v.staff_total, v.staff_grassroots,
       v.collaborators_district, v.collaborators_commune, v.districts_covered, v.districts_total,
       v.communes_covered, v.communes_total,
       coalesce(f.kcqg_planned_demo, false) AS kcqg_planned_demo, coalesce(f.kcqg_actual_demo, false) AS kcqg_actual_demo,
       coalesce(f.kcdp_planned_demo, false) AS kcdp_planned_demo, coalesce(f.kcdp_actual_demo, false) AS kcdp_actual_demo,
       coalesce(f.kcqg_planned_demo OR f.kcqg_actual_demo, false) AS kcqg_demo,
       coalesce(f.kcdp_planned_demo OR f.kcdp_actual_demo, false) AS kcdp_demo,
       contains(coalesce({project_origin}, ''), 'demo') AS projects_demo,
       contains(coalesce(v.staffing_origin, ''), 'demo') AS staffing_demo,
       contains(coalesce(v.collaborators_origin, ''), 'demo') AS collaborators_demo,
       v.budget_origin, {project_origin} AS project_origin, v.staffing_origin, v.collaborators_origin
FROM {view} v LEFT JOIN f USING (unit_code){group_joins}
WHERE {where} ORDER BY v.unit_code"""
_UNIT_SHAPES = {
    # (SQL fragments, the parameters' order as (era, year) names)
    "own_era": (dict(flag_unit="b.unit_code", flag_join="", flag_where="b.era = ? AND b.year = ?",
                     groups="v.vung_id, v.kc_area_id", project_origin="v.project_origin", view="v_unit_year",
                     group_joins="", where="v.era = ? AND v.year = ?"), ("era", "year", "era", "year")),
    # v_unit34_year keeps no project origin: the budget's stands for it, as before the cleanup
    "as_34": (dict(flag_unit="coalesce(r.unit_code, b.unit_code)",
                   flag_join="LEFT JOIN reform_2025 r ON b.era = '63' AND r.province_code = b.unit_code",
                   flag_where="b.year = ?", groups="vung.group_id AS vung_id, kca.group_id AS kc_area_id",
                   project_origin="v.budget_origin", view="v_unit34_year",
                   group_joins="\nLEFT JOIN grouping_member vung ON vung.grouping_id = 'vung' AND vung.era = '34' "
                               "AND vung.member_code = v.unit_code"
                               "\nLEFT JOIN grouping_member kca ON kca.grouping_id = 'kc_area' AND kca.era = '34' "
                               "AND kca.member_code = v.unit_code",
                   where="v.year = ?"), ("year", "year")),
}


def unit_rows_query(shape: str, era: str, year: int) -> tuple[str, list]:
    """The units query in one of its two shapes ('own_era', 'as_34') and its ? parameters in order. The shape picks
    fixed SQL fragments; era and year reach the database only as parameters."""
    fragments, order = _UNIT_SHAPES[shape]
    values = {"era": era, "year": year}
    return _UNIT_ROWS.format(flags=_AMOUNT_FLAGS, **fragments), [values[k] for k in order]


# Đề án of a set of units by activity type (content category) and fund.
CATEGORIES = """
SELECT c.category_id, c.name_vi, c.sort_order,
       count(*) AS projects,
       count(*) FILTER (p.fund = 'kcqg') AS projects_kcqg,
       count(*) FILTER (p.fund = 'kcdp') AS projects_kcdp,
       sum(p.planned_mvnd) AS planned_mvnd, sum(p.actual_mvnd) AS actual_mvnd,
       bool_or(contains(p.origin, 'demo')) AS demo
FROM project_current p JOIN content_category c USING (category_id)
WHERE p.era = ? AND p.year = ? AND list_contains(?, p.unit_code)
GROUP BY ALL ORDER BY c.sort_order"""

# The scope's spending by year up to the report's year, in the report's era (before 2025 summed into the 34 units).
# The chart draws actual spending only, so its mark comes from the actual amounts' origins alone: a published
# actual beside a demo plan draws an unmarked bar.
_ACTUAL_DEMO = ("bool_or(contains(coalesce(o.kcqg_actual_origin, '') || coalesce(o.kcdp_actual_origin, ''), 'demo')) "
                "AS demo")
TREND = {
    "63": f"""
SELECT v.year, sum(v.kcqg_actual_mvnd) AS kcqg_actual_mvnd, sum(v.kcdp_actual_mvnd) AS kcdp_actual_mvnd,
       {_ACTUAL_DEMO}
FROM v_unit_year v
LEFT JOIN (SELECT unit_code, year,
                  any_value(actual_origin) FILTER (fund = 'kcqg') AS kcqg_actual_origin,
                  any_value(actual_origin) FILTER (fund = 'kcdp') AS kcdp_actual_origin
           FROM budget_current WHERE era = '63' GROUP BY ALL) o USING (unit_code, year)
WHERE v.era = '63' AND list_contains(?, v.unit_code) AND v.year <= ? GROUP BY v.year ORDER BY v.year""",
    "34": f"""
SELECT v.year, sum(v.kcqg_actual_mvnd) AS kcqg_actual_mvnd, sum(v.kcdp_actual_mvnd) AS kcdp_actual_mvnd,
       {_ACTUAL_DEMO}
FROM v_unit34_year v LEFT JOIN v_amount_origin34 o USING (unit_code, year)
WHERE list_contains(?, v.unit_code) AND v.year <= ? GROUP BY v.year ORDER BY v.year""",
}

# Figures a source published about the scope (as a unit, a group or the nation) for the year.
PUBLISHED = """
SELECT f.figure_id, f.scope, f.scope_key, f.measure, f.value, f.unit, f.qualifier, f.quote,
       s.title AS source_title, s.publisher, s.published
FROM published_figure f JOIN source s USING (source_id)
WHERE f.year = ? AND coalesce(f.year_to, f.year) = f.year AND f.value IS NOT NULL
  AND coalesce(f.measure, '') NOT LIKE 'ref.%'
  AND ((? = 'nation' AND f.scope = 'nation') OR (? = 'group' AND f.scope = 'group' AND f.scope_key = ?)
       OR (? = 'unit' AND f.scope = 'province' AND f.scope_key = ?))
ORDER BY f.measure NULLS LAST, f.figure_id"""

AMOUNTS = ("kcqg_planned_mvnd", "kcqg_actual_mvnd", "kcdp_planned_mvnd", "kcdp_actual_mvnd", "total_planned_mvnd",
           "total_actual_mvnd")
COUNTS = ("projects", "staff_total", "staff_grassroots", "collaborators_district", "collaborators_commune",
          "districts_covered", "districts_total", "communes_covered", "communes_total")
FLAGS = ("kcqg_planned_demo", "kcqg_actual_demo", "kcdp_planned_demo", "kcdp_actual_demo", "kcqg_demo", "kcdp_demo",
         "projects_demo", "staffing_demo", "collaborators_demo")


@dataclass(frozen=True)
class Scope:
    kind: str  # 'nation' | 'group' | 'unit'
    key: str  # 'nation', 'vung/dbsh', or the unit code
    name_vi: str  # as a sentence names it: 'cả nước', 'Khu vực phía Nam', 'tỉnh Quảng Nam'
    era: str
    members: tuple[str, ...]
    unit_name: str | None = None  # a unit's bare name ('Quảng Nam')
    unit_type: str | None = None
    grouping: str | None = None
    region_id: str | None = None  # a unit's vùng
    region_name: str | None = None


@dataclass
class Facts:
    scope: Scope
    year: int
    prev_year: int | None
    nation_units: pd.DataFrame  # every unit of the era in the year
    units: pd.DataFrame  # the units in the appendix: the scope's members, or a unit's region
    total: pd.Series  # the scope
    prev: pd.Series | None  # the scope the year before (in the year's units)
    region: pd.Series | None  # a unit's region
    nation: pd.Series
    rank: int | None  # a unit's rank in the nation by total actual spending
    categories: pd.DataFrame
    trend: pd.DataFrame
    published: pd.DataFrame


def era_of(year: int) -> str:
    return "34" if int(year) >= REFORM_YEAR else "63"


def fold(text: str) -> str:
    """'Thừa Thiên - Huế ' → 'thua thien - hue': how a name typed without diacritics still matches."""
    base = unicodedata.normalize("NFD", str(text).replace("Đ", "D").replace("đ", "d"))
    return " ".join("".join(c for c in base if not unicodedata.combining(c)).lower().split())


class Warehouse:
    """A read-only connection; every query a report needs, by name."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path else db_path()
        if not self.path.exists():
            raise ReportError("report_err_db", path=self.path, reason="file not found")
        try:
            self.con = duckdb.connect(str(self.path), read_only=True)
        except duckdb.Error as e:
            raise ReportError("report_err_db", path=self.path, reason=str(e).splitlines()[0]) from e

    def close(self) -> None:
        self.con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def df(self, sql: str, params=()) -> pd.DataFrame:
        return _numeric(self.con.execute(sql, list(params)).df())

    def years(self) -> list[int]:
        return [int(y) for y in self.df(YEARS)["year"]]


def _numeric(df: pd.DataFrame) -> pd.DataFrame:
    """Amounts may be BIGINT, DOUBLE or DECIMAL: every measure becomes float64 (NaN for missing) before any sum."""
    for c in df.columns:
        if c in AMOUNTS or c in COUNTS or c.endswith("_mvnd") or c.startswith("projects"):
            df[c] = pd.to_numeric(df[c].astype(object).where(df[c].notna(), np.nan), errors="coerce").astype("float64")
    return df


# ------------------------------------------------------------------------------------------------- the request

def resolve(wh: Warehouse, scope: str, year) -> Scope:
    """The scope named by 'nation', 'grouping/group' (or a group id alone), or a unit's code, slug or name."""
    years = wh.years()
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ReportError("report_err_year", year=year, years=_years_text(years)) from None
    if year not in years:
        raise ReportError("report_err_year", year=year, years=_years_text(years))
    era = era_of(year)
    text = str(scope or "").strip()
    low = fold(text)
    if low in ("nation", "ca nuoc", "vn", "viet nam", "toan quoc"):
        nation = wh.df(UNITS)
        return Scope("nation", "nation", "cả nước", era, tuple(nation[nation.era == era].unit_code))
    groups = wh.df(GROUPS)
    keys = {f"{g.grouping_id}/{g.group_id}" for g in groups.itertuples()}
    found = [k for k in keys if k == low] or [k for k in keys if k.split("/", 1)[1] == low]
    if len(found) > 1:
        raise ReportError("report_err_ambiguous", scope=text, options=", ".join(sorted(found)))
    if found:
        grouping, group_id = found[0].split("/", 1)
        row = groups[(groups.grouping_id == grouping) & (groups.group_id == group_id) & (groups.era == era)]
        if row.empty:
            raise ReportError("report_err_members", scope=text, year=year)
        r = row.iloc[0]
        name = r["name_vi"] if grouping == "kc_area" else f"vùng {r['name_vi']}"
        return Scope("group", found[0], name, era, tuple(str(m) for m in r["members"]), grouping=grouping)
    units = wh.df(UNITS)
    match = units[(units.unit_code == text) | (units.slug == low.replace(" ", "-")) |
                  (units.name_vi.map(fold) == low) | (units.name_vi.map(fold) == _drop_prefix(low))]
    here = match[match.era == era]
    if here.empty:
        if not match.empty:
            other = match.iloc[0]
            raise ReportError("report_err_era", scope=other["name_vi"], year=year,
                              era=t_era(other["era"]))
        names = sorted(set(units[units.era == era].name_vi))
        near = difflib.get_close_matches(text, names, n=3, cutoff=0.6) or difflib.get_close_matches(
            low, [fold(n) for n in names], n=3, cutoff=0.6)
        raise ReportError("report_err_scope", scope=text, options=", ".join(near) or "nation, vung/…, kc_area/…, "
                          "mã tỉnh / province code")
    u = here.iloc[0]
    member = groups[(groups.grouping_id == "vung") & (groups.era == era)]
    region = member[member.members.map(lambda m: u.unit_code in list(m))]
    city = str(u.unit_type).startswith("thành phố")
    return Scope("unit", str(u.unit_code), f"{'thành phố' if city else 'tỉnh'} {u.name_vi}", era, (str(u.unit_code),),
                 unit_name=str(u.name_vi), unit_type=str(u.unit_type),
                 region_id=None if region.empty else str(region.iloc[0].group_id),
                 region_name=None if region.empty else str(region.iloc[0].name_vi))


def t_era(era: str) -> str:
    return "63 tỉnh, thành phố (đến 2024) / 63 provinces (to 2024)" if era == "63" else \
        "34 đơn vị (từ 2025) / 34 units (from 2025)"


def _drop_prefix(low: str) -> str:
    for p in ("tinh ", "thanh pho ", "tp ", "tp. "):
        if low.startswith(p):
            return low[len(p):].strip()
    return low


def _years_text(years: list[int]) -> str:
    return f"{years[0]}–{years[-1]}" if years and years == list(range(years[0], years[-1] + 1)) else \
        ", ".join(map(str, years))


# ------------------------------------------------------------------------------------------------- the figures

def totals(df: pd.DataFrame) -> pd.Series:
    """Sums over units (missing stays missing), execution rates, and whether a demo row stands behind each."""
    s = pd.Series({c: df[c].sum(min_count=1) if c in df else np.nan for c in AMOUNTS + COUNTS}, dtype=object)
    for f in FLAGS:
        s[f] = bool(df[f].any()) if f in df and len(df) else False
    s["units"] = len(df)
    for fund in ("kcqg", "kcdp", "total"):
        s[f"{fund}_execution_pct"] = ratio(s[f"{fund}_actual_mvnd"], s[f"{fund}_planned_mvnd"])
    s["collaborators_total"] = (np.nan if _nan(s["collaborators_district"]) and _nan(s["collaborators_commune"])
                                else np.nansum([s["collaborators_district"], s["collaborators_commune"]]))
    return s


def _nan(x) -> bool:
    return x is None or x != x


def ratio(a, b) -> float:
    """100·a/b, or NaN when either is missing or b is zero."""
    if _nan(a) or _nan(b) or float(b) == 0:
        return np.nan
    return 100.0 * float(a) / float(b)


def change(now, before) -> float:
    if _nan(now) or _nan(before) or float(before) == 0:
        return np.nan
    return 100.0 * (float(now) - float(before)) / float(before)


def unit_rows(wh: Warehouse, year: int, era: str) -> pd.DataFrame:
    if era_of(year) == era:
        return wh.df(*unit_rows_query("own_era", era, year))
    if era == "34":
        return wh.df(*unit_rows_query("as_34", era, year))
    raise ValueError("a post-reform year cannot be shown in the 63 provinces (units are never split)")


def gather(wh: Warehouse, scope: Scope, year: int) -> Facts:
    era = scope.era
    nation_units = unit_rows(wh, year, era)
    if nation_units.empty:
        raise ReportError("report_err_year", year=year, years=_years_text(wh.years()))
    mine = nation_units[nation_units.unit_code.isin(scope.members)]
    if mine.empty:
        raise ReportError("report_err_nodata", scope=scope.name_vi, year=year)
    region = None
    if scope.kind == "unit":
        region_units = nation_units[nation_units.vung_id == scope.region_id] if scope.region_id else mine
        region = totals(region_units)
        appendix = region_units
    else:
        appendix = mine
    appendix = appendix.sort_values(["total_actual_mvnd", "name_vi"], ascending=[False, True]).reset_index(drop=True)
    prev_year = year - 1 if year - 1 in wh.years() else None
    prev = None
    if prev_year is not None:
        before = unit_rows(wh, prev_year, era)
        prev = totals(before[before.unit_code.isin(scope.members)])
    ranked = nation_units.sort_values("total_actual_mvnd", ascending=False).reset_index(drop=True)
    rank = int(ranked.index[ranked.unit_code == scope.key][0]) + 1 if scope.kind == "unit" else None
    return Facts(scope=scope, year=year, prev_year=prev_year, nation_units=nation_units, units=appendix,
                 total=totals(mine), prev=prev, region=region, nation=totals(nation_units), rank=rank,
                 categories=wh.df(CATEGORIES, [era, year, list(scope.members)]),
                 trend=wh.df(TREND[era], [list(scope.members), year]),
                 published=wh.df(PUBLISHED, [year, scope.kind, scope.kind, scope.key, scope.kind, scope.key]))
