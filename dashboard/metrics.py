"""Derived metrics, computed in one place: totals, execution rates, shares of nation and region, coverage, bands."""
from __future__ import annotations

import numpy as np
import pandas as pd

from etl.vocabulary import STAFF_BANDS

FUNDS = ("total", "kcqg", "kcdp")
STATUSES = ("planned", "actual")
MEASURES = ("amount", "execution", "share_nation", "share_region", "change", "per_1000")
PER_1000 = "kcdp_actual_per_1000"  # KCĐP actual per 1.000 people (v_unit_year): the one per-capita measure
BANDS = [(f"band_{key}", lo, 10**9 if hi is None else hi) for key, lo, hi in STAFF_BANDS]


def amount_col(fund: str, status: str) -> str:
    return f"{fund}_{status}_mvnd"


def metric_col(fund: str, status: str, measure: str) -> str:
    """The column of `derive`'s output that a (fund, status, measure) choice shows."""
    if measure == "amount":
        return amount_col(fund, status)
    if measure == "execution":
        return f"{fund}_execution_pct"
    if measure == "per_1000":  # defined for KCĐP actual only, whatever fund and status are chosen
        return PER_1000
    return f"{amount_col(fund, status)}_{measure}_pct"


def derive(df: pd.DataFrame, shares: bool = True) -> pd.DataFrame:
    df = df.copy()
    for status in STATUSES:
        if f"kcqg_{status}_mvnd" in df:
            df[f"total_{status}_mvnd"] = df[f"kcqg_{status}_mvnd"].fillna(0) + df[f"kcdp_{status}_mvnd"].fillna(0)
    for fund in FUNDS:
        if amount_col(fund, "planned") in df:
            df[f"{fund}_execution_pct"] = 100 * df[amount_col(fund, "actual")] / df[amount_col(fund, "planned")].replace(0, np.nan)
    if shares:
        for fund in FUNDS:
            for status in STATUSES:
                col = amount_col(fund, status)
                if col not in df:
                    continue
                total = df[col].sum()
                df[f"{col}_share_nation_pct"] = 100 * df[col] / total if total else np.nan
                if "vung_id" in df:
                    region_total = df.groupby("vung_id")[col].transform("sum").replace(0, np.nan)
                    df[f"{col}_share_region_pct"] = 100 * df[col] / region_total
    if "collaborators_district" in df:
        df["collaborators_total"] = df["collaborators_district"].fillna(0) + df["collaborators_commune"].fillna(0)
    if "districts_total" in df:
        df["district_coverage_pct"] = 100 * df["districts_covered"] / df["districts_total"].replace(0, np.nan)
    if "communes_total" in df:
        df["commune_coverage_pct"] = 100 * df["communes_covered"] / df["communes_total"].replace(0, np.nan)
    if "staff_total" in df:
        df["size_band"] = df["staff_total"].map(band_of)
        df["grassroots_share_pct"] = 100 * pd.to_numeric(df["staff_grassroots"]) / pd.to_numeric(df["staff_total"]).replace(0, np.nan)
    origin_cols = [c for c in ("budget_origin", "staffing_origin", "collaborators_origin") if c in df]
    for c in origin_cols:  # per topic, so a budget chart loses its demo badge once every budget row is imported
        df[c.replace("_origin", "_demo")] = df[c].fillna("").astype(str).str.contains("demo")
    if origin_cols:
        joined = df[origin_cols].fillna("").astype(str).agg("+".join, axis=1)
        df["any_demo"] = joined.str.contains("demo")
        df["any_imported"] = joined.str.contains("imported")
    for col in df.columns:  # plain floats for plotting and formatting (DuckDB sums arrive as nullable types)
        if col.endswith(("_mvnd", "_pct")) or col in ("projects", "staff_total", "staff_grassroots"):
            df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    return df


def band_of(staff) -> str | None:
    if pd.isna(staff):  # None, NaN, or DuckDB's NA for a year without a staffing report
        return None
    for key, lo, hi in BANDS:
        if lo <= staff <= hi:
            return key
    return None


def with_change(current: pd.DataFrame, previous: pd.DataFrame, col: str) -> pd.Series:
    """Per-unit % change of `col` against the previous year (same units)."""
    prev = previous.set_index("unit_code")[col]
    base = current["unit_code"].map(prev).replace(0, np.nan)
    return 100 * (current[col] - base) / base
