"""The province profile's year view: which unit a province is in a given year (itself before 1/7/2025, its successor
among the 34 after), its figures and ranks that year, its rank history over the years, and the page's tables."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from . import charts, coverage, figcache, fmt, palette, queries
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


def per_capita(unit: str, year: int, view: str) -> tuple[pd.Series, pd.Series | None]:
    """The unit's row in the year (kcdp_actual_per_1000 among it) and the population source behind it; None where no
    source gives the unit's population (the figure is then a gap, never an estimate)."""
    row = queries.unit_year(year, view).set_index("unit_code").reindex([unit]).iloc[0]
    pop = queries.population_used(year, view)
    pop = pop[pop.unit_code == unit]
    return row, (pop.iloc[0] if len(pop) else None)


def share_of_successor(planned_mvnd: float, successor_code: str) -> float:
    """The province's planned budget of the last year before the reform, as a % of its successor unit's (the 63
    summed into the 34)."""
    as34 = queries.unit_year(queries.REFORM_YEAR - 1, "34").set_index("unit_code").loc[successor_code]
    return 100 * planned_mvnd / as34.total_planned_mvnd


def reform_year_row(unit_34: str) -> pd.Series | None:
    """A unit of the 34 in the reform year, or None where that year is not loaded."""
    s = queries.unit_series(unit_34, "34")
    s = s[s.year == queries.REFORM_YEAR]
    return s.iloc[0] if len(s) else None


# --- the profile's tables: numbers as readers read them, beside the exact numbers the downloads keep

def table_value(v, metric: str, lang: str, average: bool = False) -> str:
    if metric in RATES:
        return fmt.pct(v, 1, lang)
    return fmt.number(v, 1 if average and not metric.endswith("_mvnd") else 0, lang)


def rank_table(peer_y: pd.DataFrame, years: tuple[int, ...], lang: str) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Every metric's value and ranks (nation, region) in each of `years`: the table, its shown number columns and
    its hidden raw columns."""
    metrics = [m for m in queries.PEER_METRICS if m in set(peer_y.metric)]
    ranked = {y: peer_y[peer_y.year == y].set_index("metric").reindex(metrics) for y in dict.fromkeys(years)}
    table = pd.DataFrame({t("col_metric", lang): [t(f"peer_{m}", lang) for m in metrics]})
    raw_cols = pd.DataFrame({"metric": metrics})
    for y, r in ranked.items():
        table[f"{y} · {t('col_value', lang)}"] = [t("cov_none", lang) if fmt.missing(v) else table_value(v, m, lang)
                                                  for v, m in zip(r.value, metrics)]
        table[f"{y} · {t('col_rank_nation', lang)}"] = [f"{a:.0f}/{b:.0f}" if a == a else "–"
                                                        for a, b in zip(r.rank_nation, r.units_nation)]
        table[f"{y} · {t('col_rank_region', lang)}"] = [f"{a:.0f}/{b:.0f}" if a == a else "–"
                                                        for a, b in zip(r.rank_region, r.units_region)]
        for c in ("value", "rank_nation", "rank_region", "region_value", "nation_value"):
            raw_cols[f"{c}_{y}"] = r[c].to_numpy()
    return pd.concat([table, raw_cols], axis=1), list(table.columns[1:]), list(raw_cols.columns)


def row_sources(era: str, code: str, name: str, succ: dict | None, lang: str) -> pd.DataFrame:
    """Where the province's rows come from (and its successor's), by fact: origin, source, years, rows."""
    rows = [queries.fact_sources(era, code).assign(unit=name)]
    if succ is not None:
        rows.append(queries.fact_sources("34", succ["unit_code"]).assign(
            unit=t("successor_unit_label", lang, unit=succ["name_vi"])))
    return pd.concat(rows, ignore_index=True)


def row_sources_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    facts = pd.DataFrame({
        t("col_fact", lang): [t(f"fact_{f}", lang) for f in rows.fact],
        t("province", lang): rows.unit,
        t("origin", lang): [coverage.label(o, lang) for o in rows.origin],
        t("col_source", lang): rows.source_title.fillna(rows.source_id),
        t("col_years", lang): [f"{a}–{b}" if a != b else str(a) for a, b in zip(rows.year_from, rows.year_to)],
        t("col_rows", lang): [fmt.number(n, 0, lang) for n in rows.rows],
    })
    return pd.concat([facts, rows], axis=1)


def _source_text(titles, publishers, published) -> list[str]:
    return [" · ".join(str(x) for x in v if not pd.isna(x) and x) for v in zip(titles, publishers, published)]


def own_figures_table(own: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The figures a source states about the province itself: period, value as written, quote, source, link."""
    return pd.DataFrame({
        t("col_year", lang): [fmt.period(r, lang) for r in own.itertuples()],
        t("col_published_value", lang): own.value_text.fillna(""),
        t("col_quote", lang): own.quote,
        t("col_source", lang): _source_text(own.source_title, own.publisher, own.published),
        t("col_link", lang): own.source_url,
    })


def outreach_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """People trained and establishments supported, one row per value: year, what, how many, its origin, the
    sentence that states a published one and a link to it (the unit is named where a 2025 unit lists its members)."""
    return pd.DataFrame({
        t("col_year", lang): rows.year.astype(str),
        t("province", lang): rows.name_vi,
        t("col_metric", lang): [t(f"outreach_{m}", lang) for m in rows.measure],
        t("col_value", lang): [fmt.number(v, 0, lang) for v in rows.value],
        t("origin", lang): [coverage.label(o, lang) for o in rows.origin],
        t("col_quote", lang): rows.quote.fillna(""),
        t("col_source", lang): rows.source_title.fillna(rows.source_id),
        t("col_link", lang): rows.source_url,
    })


def group_figures(code: str, era: str, vung_id: str, kc_area_id: str) -> pd.DataFrame:
    """Published figures about the province's region, its khuyến công area, or a named set of provinces that includes
    it (sources name the 63 provinces: a 2025 unit gathers those of the provinces it was formed from)."""
    groups_of = (f"vung/{vung_id}", f"kc_area/{kc_area_id}")
    figs = queries.province_figures(code, groups_of) if era == "63" else pd.concat(
        [queries.province_figures(m, groups_of) for m in queries.deck_merged_from((code,))]).drop_duplicates("figure_id")
    return figs[figs.scope != "province"].reset_index(drop=True)


def group_figures_table(figs: pd.DataFrame, lang: str) -> pd.DataFrame:
    period = ["–" if pd.isna(a) else str(a) if pd.isna(b) or a == b else f"{a}–{b}" for a, b in zip(figs.year, figs.year_to)]
    agrees = [t("agrees_na" if pd.isna(a) else "agrees_yes" if a else "agrees_no", lang) for a in figs.agrees]
    published = pd.DataFrame({
        t("col_year", lang): period,
        t("col_scope", lang): [t(f"scope_{s}", lang) for s in figs.scope],
        t("col_published_value", lang): figs.value_text.fillna(""),
        t("col_agrees", lang): agrees,
        t("col_source", lang): _source_text(figs.source_title, figs.publisher, figs.published),
        t("col_quote", lang): figs.quote,
    })
    return pd.concat([published, figs], axis=1)


SERIES_COLUMNS = ("kcqg_planned_mvnd", "kcqg_actual_mvnd", "kcdp_planned_mvnd", "kcdp_actual_mvnd", "total_planned_mvnd",
                  "total_actual_mvnd", "total_execution_pct", "projects", "staff_total", "staff_grassroots",
                  "collaborators_district", "collaborators_commune")


def series_table(series: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Every year of the province, every metric: the table, its shown number columns and its hidden raw columns."""
    cols = list(SERIES_COLUMNS)
    shown_cols = pd.DataFrame({t("col_year", lang): series.year.astype(str),
                               **{t(f"peer_{c}", lang): [table_value(v, c, lang) for v in series[c]] for c in cols},
                               t("origin", lang): series.budget_origin})
    # the values a source states, each with its quote's link, so the table and its downloads lead to the source
    shown_cols[t("col_link", lang)] = _published_links(series, lang)
    raw_cols = series[["year", "unit_code", *cols, "budget_origin", "project_origin", "staffing_origin",
                       "collaborators_origin"]].reset_index(drop=True)
    return (pd.concat([shown_cols.reset_index(drop=True), raw_cols], axis=1), list(shown_cols.columns[1:-2]),
            list(raw_cols.columns))


# ---- the profile's figures, each built once per (rows, titles, language): see dashboard/figcache.py
FUNDS = ("kcqg_planned_mvnd", "kcqg_actual_mvnd", "kcdp_planned_mvnd", "kcdp_actual_mvnd")
PEOPLE = ("staff_total", "staff_grassroots", "collaborators_district", "collaborators_commune")


@figcache.cached
def funds_figure(series: pd.DataFrame, lang: str, title: str, demo: bool) -> go.Figure:
    fig = charts.trend(series, "year", {c: t(c, lang) for c in FUNDS}, "mvnd", lang,
                       colors={c: palette.FUND[c[:4]] for c in FUNDS},
                       dash={"kcqg_actual_mvnd": "dot", "kcdp_actual_mvnd": "dot"})
    charts.style(fig, charts.wrap(title, 40), t("unit_mvnd", lang), lang, demo)
    return charts.narrow(fig).update_yaxes(tickformat=",~r")


@figcache.cached
def execution_figure(d: pd.DataFrame, code: str, labels: dict, lang: str, title: str, demo: bool) -> go.Figure:
    fig = charts.compare_lines(d, "pct", lang, {code: palette.UNIT[0]}, labels)
    charts.style(fig, charts.wrap(title, 40), "%", lang, demo)
    return charts.narrow(fig)


@figcache.cached
def mix_figure(mix: pd.DataFrame, categories: dict, lang: str, title: str, demo: bool) -> go.Figure:
    names = {k: charts.wrap(v, 34) for k, v in categories.items()}
    fig = charts.stacked_bars(mix, "year", "category_id", "projects", names, "count", lang)
    # tall enough for the legend beside it: every activity type, each on as many lines as its wrapped name
    lines = sum(n.count("<br>") + 1 for n in names.values())
    charts.style(fig, title, t("projects", lang), lang, demo, height=max(500, 220 + 20 * lines + 6 * len(names)))
    return charts.legend_right(fig)


@figcache.cached
def people_figure(series: pd.DataFrame, lang: str, title: str, demo: bool) -> go.Figure:
    fig = charts.trend(series, "year", {c: t(c, lang) for c in PEOPLE}, "count", lang, colors=palette.SERIES,
                       dash={"collaborators_district": "dot", "collaborators_commune": "dot"})
    charts.style(fig, charts.wrap(title, 40), t("unit_people", lang), lang, demo)
    return charts.narrow(fig)


@figcache.cached
def rank_history_styled(hist: pd.DataFrame, lang: str, title: str, demo: bool) -> go.Figure:
    fig = rank_history_figure(hist, lang)
    charts.mark_reform(fig, lang, t("reform_mark", lang))
    charts.style(fig, title, t("profile_rank_history_unit", lang), lang, demo, height=460)
    return charts.legend_right(fig)


def _published_links(series: pd.DataFrame, lang: str) -> list[str]:
    """Per year of the series: «metric value_text (figure) URL» for each value a source states, '' where none."""
    if series.empty:
        return []
    pub = coverage.published_values_for(str(series.unit_code.iloc[0]), str(series.era.iloc[0]))
    def name(metric: str) -> str:
        base, _, fund = metric.partition("_")
        if base == "projects" and fund:
            return f"{t('peer_projects', lang)} {fund.upper()}"
        outreach = metric in ("people_trained", "establishments_supported")  # shown in the profile's outreach table
        return t(f"outreach_{metric}" if outreach else f"peer_{metric}", lang)
    by_year = {y: " · ".join(f"{name(r.metric)}: {r.value_text} ({r.figure_id}) {r.source_url}" for r in g.itertuples())
               for y, g in pub.groupby("year")}
    return [by_year.get(y, "") for y in series.year]
