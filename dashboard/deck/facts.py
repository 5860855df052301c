"""What a deck shows for an area and a year, asked of the warehouse once: the area's units, the area's and the
nation's sums (computed in SQL, the same totals every page shows), the year before, origins and published figures."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import queries
from ..i18n import t
from .areas import Area


@dataclass
class Facts:
    """Everything the slides show, from the query functions."""
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


def gather(area: Area, year: int) -> Facts:
    era = area.era
    all_units = queries.unit_year(year, era)
    units = all_units[all_units.unit_code.isin(area.members)]
    units = units.sort_values(["total_actual_mvnd", "name_vi"], ascending=[False, True]).reset_index(drop=True)
    prev_units = prev_region = prev_nation = prev_origins = None
    if year - 1 in queries.years():
        before = queries.unit_year(year - 1, era)  # across the reform: 2024 summed into the 34 units
        prev_units = before[before.unit_code.isin(area.members)].reset_index(drop=True)
        prev_region = queries.deck_area_totals(year - 1, era, area.grouping, area.group_id, area.members)
        prev_nation = queries.deck_nation_totals(year - 1)
        prev_origins = queries.deck_origins(year - 1, _prev_codes(area, year - 1))
    nation_trend = queries.nation_series()
    return Facts(area=area, year=year, units=units, nation_units=all_units,
                 region=queries.deck_area_totals(year, era, area.grouping, area.group_id,
                                                        area.members), nation=queries.deck_nation_totals(year),
                 nation_trend=nation_trend[nation_trend.year <= year],
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
    units = all_units[all_units.unit_code.isin(area.members)]
    units = units.sort_values(["total_actual_mvnd", "name_vi"], ascending=[False, True])
    out = units[["unit_code", "name_vi", *PREVIEW_COLS, "budget_origin"]].copy()
    out["budget_origin"] = out["budget_origin"].map(lambda o: t(f"origin_{o}", lang) if "+" not in str(o) and
                                                    o in ("demo", "imported") else o)
    labels = {"unit_code": t("deck_code", lang), "name_vi": t("province", lang), "budget_origin": t("origin", lang),
              "total_execution_pct": t("execution_pct", lang) + " (%)"}
    labels.update({c: t(c, lang) + (f" ({t('unit_mvnd', lang)})" if c.endswith("_mvnd") else "")
                   for c in PREVIEW_COLS if c not in labels})
    demo = bool(units[["budget_origin", "staffing_origin", "collaborators_origin"]].fillna("").astype(str)
                .agg("+".join, axis=1).str.contains("demo").any())
    return units, out.rename(columns=labels), demo


def origin_of(df: pd.DataFrame | None, *cols: str) -> tuple[int, int]:
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
