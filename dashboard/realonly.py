"""The "real figures only" switch of the analysis pages: when on, every value whose origin is demo (wholly or
partly) becomes a gap, and only imported and published values are drawn.

Applied once, in the query functions the pages call (queries.unit_year, nation_series, peer_series, …): a page
needs no code of its own. The switch is drawn by blocks.page (every page's header) for the analysis pages only and
is set afresh on every run, so the deck, the report and the Sources pages never see hidden values. Budgets are judged per amount (KCQG planned,
KCQG actual, …: budget_current.planned_origin / actual_origin), so a published KCQG actual beside a demo plan stays.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from . import coverage

STATE = "_real_only_topic"  # the topic whose coverage the page's note counts; None: the switch is off
# The analysis pages by title key (app.py's PAGES, section nav_analysis) → the topic their note counts.
PAGES = {"page_overview": "budget", "page_budgets": "budget", "page_staffing": "staffing",
         "page_collaborators": "collaborators", "page_compare": "budget", "page_profile": "budget"}
AMOUNTS = [(fund, status) for fund in ("kcqg", "kcdp") for status in ("planned", "actual")]
PEER_BUDGET = {  # queries.PEER_METRICS budget metric → the amounts behind it
    **{f"{f}_{s}_mvnd": [(f, s)] for f, s in AMOUNTS},
    "total_planned_mvnd": [("kcqg", "planned"), ("kcdp", "planned")],
    "total_actual_mvnd": [("kcqg", "actual"), ("kcdp", "actual")],
    "kcqg_execution_pct": [("kcqg", "planned"), ("kcqg", "actual")],
    "kcdp_execution_pct": [("kcdp", "planned"), ("kcdp", "actual")],
    "total_execution_pct": AMOUNTS,
}
# A staffing or collaborator value → the per-value origins it rests on (v_unit_year's *_origin columns): a published
# district count (Ninh Bình 2016) stays beside a hidden demo commune count; a total or a rate needs all its parts.
VALUE_ORIGINS = {
    "staff_total": ["staff_total_origin"], "size_band": ["staff_total_origin"],
    "staff_grassroots": ["staff_grassroots_origin"],
    "grassroots_share_pct": ["staff_total_origin", "staff_grassroots_origin"],
    "collaborators_district": ["collaborators_district_origin"],
    "collaborators_commune": ["collaborators_commune_origin"],
    "collaborators_total": ["collaborators_district_origin", "collaborators_commune_origin"],
    "districts_covered": ["districts_covered_origin"], "district_coverage_pct": ["districts_covered_origin"],
    "communes_covered": ["communes_covered_origin"], "commune_coverage_pct": ["communes_covered_origin"],
}
_ORIGIN_COLS = ("budget_origin", "project_origin", "staffing_origin", "collaborators_origin", "origin",
                *sorted({o for origins in VALUE_ORIGINS.values() for o in origins}))


def active() -> bool:
    """Whether the page being drawn has the switch on (never outside a Streamlit run: CLI, deck, report)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    return get_script_run_ctx() is not None and bool(st.session_state.get(STATE))


def topic() -> str | None:
    return st.session_state.get(STATE) if active() else None


def set_state(topic_: str | None) -> None:
    st.session_state[STATE] = topic_


def origin_col(fund: str, status: str) -> str:
    return f"{fund}_{status}_origin"


def _real(origins: pd.DataFrame, amounts) -> pd.Series:
    keep = pd.Series(True, index=origins.index)
    for f, s in amounts:
        keep &= origins[origin_col(f, s)].map(coverage.is_real)
    return keep


def value_origin(df: pd.DataFrame, col: str) -> pd.Series | None:
    """Per row, the origins the value `col` rests on ('demo+published' for a total of a published district count and
    a demo commune count); None where `col` has no per-value origins in `df` (the row's topic origin then stands)."""
    cols = VALUE_ORIGINS.get(col)
    if not cols or not all(c in df for c in cols):
        return None

    def joined(row) -> str | None:
        ms = {m for o in row if isinstance(o, str) for m in coverage.members(o)}
        return "+".join(sorted(ms)) if ms else None  # as the warehouse's origin_set writes it
    return df[cols].apply(joined, axis=1)


def strip_demo(origin) -> str:
    """'demo+published' → 'published'; 'demo' → 'none': what a value shown with the switch on rests on."""
    if origin is None or (not isinstance(origin, str) and pd.isna(origin)):
        return origin
    kept = [m for m in coverage.members(origin) if m != "demo"]
    return "+".join(kept) if kept else coverage.NONE


def _strip_origins(out: pd.DataFrame) -> pd.DataFrame:
    for c in _ORIGIN_COLS:
        if c in out:
            out[c] = out[c].map(strip_demo)
    return out


def unit_rows(df: pd.DataFrame, amount_origins: pd.DataFrame) -> pd.DataFrame:
    """A unit-year table (queries.unit_year, unit_series) with demo values as gaps. `amount_origins`: unit_code,
    year and the origin of each budget amount (queries.amount_origins)."""
    out = coverage.hide_demo(df)
    o = df[["unit_code", "year"]].merge(amount_origins, on=["unit_code", "year"], how="left")
    o.index = df.index
    for f, s in AMOUNTS:  # per amount, not per unit: a published amount beside a demo one stays
        col = f"{f}_{s}_mvnd"
        if col in df:
            out[col] = df[col].where(_real(o, [(f, s)]))
    for s in ("planned", "actual"):
        if f"total_{s}_mvnd" in df:
            out[f"total_{s}_mvnd"] = df[f"total_{s}_mvnd"].where(_real(o, [("kcqg", s), ("kcdp", s)]))
    for f in ("kcqg", "kcdp"):
        if f"{f}_execution_pct" in df:
            out[f"{f}_execution_pct"] = df[f"{f}_execution_pct"].where(_real(o, [(f, "planned"), (f, "actual")]))
    if "total_execution_pct" in df:
        out["total_execution_pct"] = df["total_execution_pct"].where(_real(o, AMOUNTS))
    if "kcdp_actual_per_1000" in df:  # the population is sourced wherever it is not a gap already
        out["kcdp_actual_per_1000"] = df["kcdp_actual_per_1000"].where(_real(o, [("kcdp", "actual")]))
    for col, origins in VALUE_ORIGINS.items():  # staffing and collaborators per value, as budgets per amount
        if col in df and all(c in df for c in origins):
            keep = pd.Series(True, index=df.index)
            for c in origins:
                keep &= df[c].map(coverage.is_real)
            out[col] = df[col].where(keep)
    for f, s in AMOUNTS:
        if "budget_origin" in out:
            out[origin_col(f, s)] = o[origin_col(f, s)]
    return _strip_origins(out)


def totals(df: pd.DataFrame) -> pd.DataFrame:
    """Nation or group rows (v_nation_year, v_group_year): a total is shown only where no unit behind it is demo —
    a sum of the real units alone would read as the nation's figure, which no source states."""
    out = df.copy()
    flags = {"budget": "budget_demo", "projects": "budget_demo", "staffing": "staffing_demo",
             "collaborators": "collaborators_demo"}
    for col in df.columns:
        t_ = coverage._topic_of(col) or ("collaborators" if col == "collaborators_total" else None)
        if t_ and flags[t_] in df:
            out[col] = df[col].where(~df[flags[t_]].fillna(True).astype(bool))
    for c in ("any_demo", "budget_demo", "staffing_demo", "collaborators_demo"):
        if c in out:
            out[c] = False
    return out


def peer_rows(df: pd.DataFrame, amount_origins: pd.DataFrame) -> pd.DataFrame:
    """queries.peer_series (one row per unit, year, metric): a budget metric's origin is that of the amounts behind
    it; a demo value is a gap, and so are the region and nation figures and ranks that rest on any demo value."""
    out = df.copy()
    o = df[["unit_code", "year"]].merge(amount_origins, on=["unit_code", "year"], how="left")
    o.index = df.index
    for metric, amounts in PEER_BUDGET.items():
        rows = df["metric"] == metric
        if rows.any():
            joined = o.loc[rows, [origin_col(f, s) for f, s in amounts]].fillna("demo").agg("+".join, axis=1)
            out.loc[rows, "origin"] = joined.map(lambda x: "+".join(sorted(set(x.split("+")), key=coverage.order)))
    real = out["origin"].map(coverage.is_real)
    out["value"] = out["value"].where(real)
    for scope in ("nation", "region"):
        ok = out[f"{scope}_real"].fillna(False).astype(bool) if f"{scope}_real" in out else pd.Series(False, index=out.index)
        for c in (f"{scope}_value", f"rank_{scope}"):
            out[c] = out[c].where(ok & real) if c.startswith("rank") else out[c].where(ok)
    return _strip_origins(out)


def origin_rows(df: pd.DataFrame, value_cols) -> pd.DataFrame:
    """A table with one `origin` per row (đề án by category): its values are gaps unless the origin is real."""
    out = df.copy()
    real = out["origin"].map(coverage.is_real)
    for c in value_cols:
        if c in out:
            out[c] = out[c].where(real)
    return _strip_origins(out)


def no_demo_flags(df: pd.DataFrame) -> pd.DataFrame:
    """queries.topic_demo_by_year with the switch on: nothing demo is drawn, so no badge."""
    out = df.copy()
    for c in out.columns:
        if c.endswith("_demo"):
            out[c] = False
    return out
