"""The province profile's year view: which unit a province is in a given year (itself before 1/7/2025, its successor
among the 34 after), its figures and ranks that year, and its rank history over the years."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from . import fmt, palette, queries
from .i18n import t

# The headline indicators of the profile: KPIs, rank table rows first, rank history lines.
MAIN = ("total_planned_mvnd", "total_actual_mvnd", "total_execution_pct", "projects", "staff_total",
        "collaborators_total")
RATES = {"total_execution_pct", "kcqg_execution_pct", "kcdp_execution_pct"}


def unit_in_year(code: str, era: str, year: int) -> tuple[str, str]:
    """(unit code, era) that the province `code` of `era` is in `year`: itself in its own era; a province of the 63
    after the reform: its successor among the 34; a unit of the 34 before it: itself, the 63 summed into it."""
    if queries.era_of(year) == era or era == "34":
        return code, era if queries.era_of(year) == era else "34"
    succ = queries.successor(code)
    return (succ["unit_code"], "34") if succ else (code, era)


def peer_in_year(code: str, era: str, year: int) -> tuple[pd.DataFrame, str, str]:
    """The peer rows (queries.peer_series) of the unit the province is in `year`, all years; its code and view."""
    unit, view = unit_in_year(code, era, year)
    return queries.peer_series(view, "vung", (unit,)), unit, view


def collaborators_metric(view: str, year: int) -> str:
    """From 1/7/2025 there is no district level: the collaborators are the commune-level ones."""
    return "collaborators_commune" if queries.era_of(year) == "34" and view == "34" else "collaborators_total"


def value_text(v, metric: str, lang: str) -> str:
    """A KPI value; a missing one says there is no figure (never 0)."""
    if fmt.missing(v):
        return t("cov_none", lang)
    if metric in RATES:
        return fmt.pct(v, 1, lang)
    if metric.endswith("_mvnd"):
        return fmt.mvnd_headline(v, lang)
    return fmt.number(v, 0, lang)


def rank_text(row, metric: str, lang: str) -> str | None:
    """'Hạng 5/63 trong cả nước · 2/11 trong vùng'; None where the value is missing, or a zero count (a tie of every
    unit without a network is not a rank)."""
    if row is None or fmt.missing(row.value) or fmt.missing(row.rank_nation):
        return None
    if row.value == 0 and metric not in RATES:
        return t("profile_zero_no_rank", lang)
    rr = "–" if fmt.missing(row.rank_region) else f"{row.rank_region:.0f}/{row.units_region:.0f}"
    return t("profile_rank_caption", lang, rn=f"{row.rank_nation:.0f}/{row.units_nation:.0f}", rr=rr)


def rank_history(code: str, era: str) -> pd.DataFrame:
    """year, metric, rank_nation, units_nation, view: the province's national rank on the main indicators in every
    year, among the 63 before the reform and (as its successor unit) among the 34 from 2025."""
    own = queries.peer_series(era, "vung", (code,))
    parts = [own[own.year.map(queries.era_of) == era].assign(view=era)]
    if era == "63":
        succ = queries.successor(code)
        if succ:
            later = queries.peer_series("34", "vung", (succ["unit_code"],))
            parts.append(later[later.year >= queries.REFORM_YEAR].assign(view="34"))
    out = pd.concat(parts, ignore_index=True)
    out = out[out.metric.isin(MAIN + ("collaborators_commune",))]
    # after the reform the collaborators line follows the commune level (no district level any more)
    late = out.year >= queries.REFORM_YEAR
    out = out[~(late & (out.metric == "collaborators_total")) & ~(~late & (out.metric == "collaborators_commune"))]
    out = out.assign(metric=out.metric.replace({"collaborators_commune": "collaborators_total"}))
    out = out[~((out.value == 0) & ~out.metric.isin(RATES))]  # a tie of every unit without a network is no rank
    return out.dropna(subset=["rank_nation"])[["year", "metric", "value", "rank_nation", "units_nation", "view",
                                               "origin"]]


def rank_history_figure(hist: pd.DataFrame, lang: str) -> go.Figure:
    """One line per indicator, rank 1 at the top; the hover names the field (of 63 or of 34)."""
    fig = go.Figure()
    for i, metric in enumerate(MAIN):
        d = hist[hist.metric == metric].sort_values("year")
        if d.empty:
            continue
        label = t(f"peer_{metric}", lang)
        fig.add_trace(go.Scatter(
            x=d.year, y=d.rank_nation, name=label, mode="lines+markers",
            line=dict(color=palette.CATEGORY[i % len(palette.CATEGORY)], width=2.5),
            customdata=[f"{r:.0f}/{n:.0f}" for r, n in zip(d.rank_nation, d.units_nation)],
            hovertemplate=f"{label} %{{x}}: {t('rank', lang)} %{{customdata}}<extra></extra>"))
    top = float(hist.units_nation.max()) if len(hist) else 63.0
    fig.update_yaxes(range=[top + 1, 0], tickformat="d", tickvals=[1, 10, 20, 30, 40, 50, 60][:1 + int(top // 10)])
    fig.update_xaxes(dtick=1, tickformat="d")
    return fig
