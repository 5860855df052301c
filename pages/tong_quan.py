"""Tổng quan / Overview: the selected year at a glance, trends, regions side by side, what changed."""
import streamlit as st

from dashboard import blocks, charts, figcache, filters, fmt, palette, queries
from dashboard.i18n import name_col, t

lang = filters.lang()
blocks.page("page_overview", lang)
f = filters.sidebar("year", "grouping")
year, grouping = f["year"], f["grouping"]

nation = queries.nation_series()
now = nation[nation.year == year].iloc[0]
prev = nation[nation.year == year - 1]
prev = prev.iloc[0] if len(prev) else None
demo = bool(now.any_demo)
blocks.demo_badge(demo, lang)
st.caption(t("app_subtitle", lang))


# Staff are counted per centre: 63 centres before 1/7/2025 and 34 after, so a change across the reform is no change.
ACROSS_REFORM = prev is not None and queries.era_of(year) != queries.era_of(year - 1)
PER_CENTRE = {"staff_total"}


def delta(col, pct_points=False):
    if prev is None or prev[col] != prev[col] or not prev[col] or (ACROSS_REFORM and col in PER_CENTRE):
        return None
    if queries.year_state(year) != "actual":
        return None  # a year with only plans (some units so far) is not comparable with a finished one
    if pct_points:
        return f"{fmt.number(now[col] - prev[col], 1, lang)} {t('unit_pp', lang)}"
    return fmt.signed_pct(100 * (now[col] - prev[col]) / prev[col], 1, lang)


cols = st.columns(4)
blocks.kpi(cols[0], f"{t('kcqg_planned_mvnd', lang)} {year} ({fmt.billions(lang)})", fmt.mvnd_headline(now.kcqg_planned_mvnd, lang),
       delta("kcqg_planned_mvnd"), help=fmt.mvnd(now.kcqg_planned_mvnd, lang))
blocks.kpi(cols[1], f"{t('kcqg_actual_mvnd', lang)} ({fmt.billions(lang)}) · {fmt.pct(now.kcqg_execution_pct, 1, lang)}",
       fmt.mvnd_headline(now.kcqg_actual_mvnd, lang), delta("kcqg_actual_mvnd"), help=fmt.mvnd(now.kcqg_actual_mvnd, lang))
blocks.kpi(cols[2], f"{t('kcdp_planned_mvnd', lang)} {year} ({fmt.billions(lang)})", fmt.mvnd_headline(now.kcdp_planned_mvnd, lang),
       delta("kcdp_planned_mvnd"), help=fmt.mvnd(now.kcdp_planned_mvnd, lang))
blocks.kpi(cols[3], f"{t('kcdp_actual_mvnd', lang)} ({fmt.billions(lang)}) · {fmt.pct(now.kcdp_execution_pct, 1, lang)}",
       fmt.mvnd_headline(now.kcdp_actual_mvnd, lang), delta("kcdp_actual_mvnd"), help=fmt.mvnd(now.kcdp_actual_mvnd, lang))
cols = st.columns(4)
blocks.kpi(cols[0], t("execution_pct", lang), fmt.pct(now.total_execution_pct, 1, lang), delta("total_execution_pct", True))
blocks.kpi(cols[1], t("projects", lang), fmt.number(now.projects, 0, lang), delta("projects"))
reform_note = t("delta_reform_staff", lang, year=year, prev=year - 1) if ACROSS_REFORM else None
blocks.kpi(cols[2], t("staff_total", lang), fmt.number(now.staff_total, 0, lang), delta("staff_total"), help=reform_note)
if reform_note:
    cols[2].caption(reform_note)
blocks.kpi(cols[3], t("collaborators_total", lang),
       fmt.number(now[["collaborators_district", "collaborators_commune"]].fillna(0).sum(), 0, lang))

# each figure built once per (rows, titles, language): see dashboard/figcache.py
FUNDS = ("kcqg_planned_mvnd", "kcqg_actual_mvnd", "kcdp_planned_mvnd", "kcdp_actual_mvnd")


@figcache.cached
def trend_figure(series, lang: str, title: str, demo: bool):
    fig = charts.trend(series, "year", {c: t(c, lang) for c in FUNDS}, "mvnd", lang,
                       colors={c: palette.FUND[c[:4]] for c in FUNDS},
                       dash={"kcqg_actual_mvnd": "dot", "kcdp_actual_mvnd": "dot"})
    return charts.style(fig, title, t("unit_mvnd", lang), lang, demo)


@figcache.cached
def regions_figure(ry, lang: str, title: str, demo: bool):
    fig = charts.grouped_bars(ry, "region", {c: t(c, lang) for c in FUNDS}, "mvnd", lang,
                              colors={"kcqg_planned_mvnd": palette.FUND_PLANNED["kcqg"], "kcqg_actual_mvnd": palette.FUND["kcqg"],
                                      "kcdp_planned_mvnd": palette.FUND_PLANNED["kcdp"], "kcdp_actual_mvnd": palette.FUND["kcdp"]},
                              horizontal=True)
    return charts.narrow(charts.style(fig, title, t("unit_mvnd", lang), lang, demo, height=580))


@figcache.cached
def movers_figure(show, lang: str, title: str, demo: bool):
    fig = charts.ranked_bars(show, "change_pct", "province", "vung_id", "pct", lang, sign_colors=True)
    return charts.style(fig, title, "%", lang, demo, height=charts.bar_height(len(show)))


left, right = st.columns(2)
with left:
    series = nation[nation.year >= 2016]
    title = t("overview_trend_title", lang, first=int(series.year.min()), last=int(series.year.max()))
    fig = trend_figure(series, lang, title, bool(series.budget_demo.any()))
    blocks.chart(fig, series[["year", "kcqg_planned_mvnd", "kcqg_actual_mvnd", "kcdp_planned_mvnd", "kcdp_actual_mvnd"]],
             "nation-trend", lang, bool(series.budget_demo.any()), key="trend")
with right:
    regions = queries.group_series(grouping)
    ry = regions[regions.year == year].sort_values("sort_order")
    ry = ry.assign(region=ry[name_col(lang)].map(lambda n: charts.wrap(n, 18)))
    fig = regions_figure(ry, lang, t("overview_regions_title", lang, year=year), bool(ry.budget_demo.any()))
    blocks.chart(fig, ry[["region", "kcqg_planned_mvnd", "kcqg_actual_mvnd", "kcdp_planned_mvnd", "kcdp_actual_mvnd",
                      "projects", "staff_total"]], f"regions-{year}", lang, bool(ry.any_demo.any()), key="regions")

st.subheader(t("overview_changes", lang))
if year - 1 in queries.years():
    show, changes_demo = queries.movers(year)
    fig = movers_figure(show, lang, t("overview_movers_title", lang, year=year, prev=year - 1), changes_demo)
    ev = blocks.chart(fig, show[["unit_code", "province", "total_planned_mvnd", "change_pct"]], f"changes-{year}", lang,
                  changes_demo, key="changes", selectable=True)
    blocks.open_profile_on_click(ev, lang)
