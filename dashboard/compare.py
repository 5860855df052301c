"""The compare page's tables: each row's numbers as readers read them (Vietnamese style), beside the exact numbers
the downloads keep. The rows themselves come from queries.peer_year and queries.groups_year."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from . import charts, figcache, fmt, palette
from .i18n import t

RATES = {"total_execution_pct", "kcqg_execution_pct", "kcdp_execution_pct"}


def kind_of(metric: str) -> str:
    return "mvnd" if metric.endswith("_mvnd") else "pct" if metric in RATES else "count"


def value_text(v, metric: str, lang: str, average: bool = False) -> str:
    """A value as users read it; per-province averages of counts keep one decimal."""
    kind = kind_of(metric)
    return fmt.pct(v, 1, lang) if kind == "pct" else fmt.number(v, 1 if average and kind == "count" else 0, lang)


def units_table(ty: pd.DataFrame, regions: pd.Series, lang: str) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The chosen units in one year, every metric: the shown columns, then the exact ones (hidden on screen).
    Returns the table, the names of its right-aligned number columns and of its hidden raw columns."""
    table = pd.DataFrame({
        t("col_metric", lang): [t(f"peer_{m}", lang) for m in ty.metric],
        t("col_unit", lang): ty.name_vi,
        t("col_value", lang): [value_text(v, m, lang) for v, m in zip(ty.value, ty.metric)],
        t("col_region", lang): ty.region_id.map(regions),
        t("col_region_value", lang): [value_text(v, m, lang, True) for v, m in zip(ty.region_value, ty.metric)],
        t("col_nation_value", lang): [value_text(v, m, lang, True) for v, m in zip(ty.nation_value, ty.metric)],
        t("col_rank_nation", lang): [f"{r}/{n}" for r, n in zip(ty.rank_nation, ty.units_nation)],
        t("col_rank_region", lang): [f"{r}/{n}" for r, n in zip(ty.rank_region, ty.units_region)],
        t("origin", lang): ty.origin,
    })
    raw = ty[["year", "metric", "unit_code", "value", "region_value", "nation_value", "rank_nation", "units_nation",
              "rank_region", "units_region"]].reset_index(drop=True)
    numbers = [t(c, lang) for c in ("col_value", "col_region_value", "col_nation_value", "col_rank_nation",
                                     "col_rank_region")]
    return pd.concat([table.reset_index(drop=True), raw], axis=1), numbers, list(raw.columns)


def groups_table(gy: pd.DataFrame, metric: str, names: dict, rate: bool,
                 lang: str) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The chosen groups and the nation in one year: total, per unit, share of the nation, rank; as units_table."""
    table = pd.DataFrame({
        t("col_region", lang): gy.group_id.map(names).fillna(t("nation", lang)),
        t("col_units", lang): [fmt.number(u, 0, lang) for u in gy.units],
        t("col_total", lang): [value_text(v, metric, lang) for v in gy[metric]],
        t("col_per_unit", lang): ["–" if rate else value_text(v, metric, lang, True) for v in gy.per_unit],
        t("col_share_nation", lang): ["–" if rate else fmt.pct(v, 1, lang) for v in gy.share_nation_pct],
        t("rank", lang): [f"{int(r)}/{len(names)}" if r == r else "–" for r in gy["rank"]],
    })
    raw = gy[["year", "group_id", metric, "per_unit", "share_nation_pct", "rank"]].reset_index(drop=True)
    numbers = [t(c, lang) for c in ("col_units", "col_total", "col_per_unit", "col_share_nation", "rank")]
    return pd.concat([table.reset_index(drop=True), raw], axis=1), numbers, list(raw.columns)


# ---- the page's figures, each built once per (rows, labels, view, language): see dashboard/figcache.py
@figcache.cached
def units_figure(d: pd.DataFrame, kind: str, lang: str, colors: dict, labels: dict, title: str, subtitle: str,
                 demo: bool) -> go.Figure:
    """One metric of the chosen units over the years, each beside its region and the nation."""
    fig = charts.compare_lines(d, kind, lang, colors, labels)
    charts.mark_reform(fig, lang, t("reform_mark", lang))
    charts.style(fig, title, subtitle, lang, demo, height=560)
    return charts.legend_right(fig)


@figcache.cached  # the slowest figure of the app: a subplot per metric
def every_metric_figure(peer: pd.DataFrame, panels: dict, lang: str, colors: dict, title: str, subtitle: str,
                        demo: bool) -> go.Figure:
    """Every metric of the chosen units (rows in the chosen order), small multiples against the nation."""
    fig = charts.small_multiples(peer, panels, lang, colors, t("nation", lang))
    charts.mark_reform(fig, lang, "")
    charts.style(fig, title, subtitle, lang, demo, height=fig.layout.height)
    return charts.legend_top(fig)


@figcache.cached
def groups_figure(wide: pd.DataFrame, series: dict, kind: str, lang: str, title: str, subtitle: str,
                  demo: bool) -> go.Figure:
    """One metric of the chosen regions and the nation over the years."""
    fig = charts.trend(wide, "year", series, kind, lang, colors={**palette.REGION, "nation": palette.NATION},
                       dash={"nation": "dot"})
    charts.mark_reform(fig, lang, t("reform_mark", lang)).update_yaxes(tickformat=",~r")
    return charts.style(fig, title, subtitle, lang, demo, height=540)
