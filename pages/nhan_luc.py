"""Nhân lực / Staffing: staff per centre and grassroots staff by province and region, centres by size band, trend."""
import pandas as pd
import streamlit as st

from dashboard import blocks, charts, figcache, filters, fmt, indicator, palette, queries
from dashboard.i18n import name_col, t

lang = filters.lang()
blocks.page("page_staffing", lang)
f = filters.sidebar("year", "view", "grouping")
year, view, grouping = f["year"], f["view"], f["grouping"]
blocks.stop_without("staffing", year, lang)

METRICS = {"staff_total": "count", "staff_grassroots": "count", "grassroots_share_pct": "pct"}
metric = filters.url_widget("staff_metric", list(METRICS), "staff_total", lambda m, lg: t(m, lg), t("staff_metric", lang),
                          lang, kind="segmented", container=st)
kind = METRICS[metric]


def staffing_demo(df: pd.DataFrame) -> bool:
    return bool(df["staffing_origin"].fillna("").str.contains("demo").any())


demo_years = queries.topic_demo_by_year().set_index("year")["staffing_demo"]
# KPIs and size bands count centres, so they use the units of the year itself (63 centres, or 34 from 2025)
centres = queries.staffed_centres(year)
df = queries.unit_year(year, view)
demo = staffing_demo(df)
blocks.demo_badge(demo, lang)
if queries.era_of(year) == "34":
    st.info(t("note_2025_centres", lang), icon=":material/merge:")

# ---- KPIs
prev = queries.unit_year(year - 1, queries.era_of(year - 1)) if year - 1 in queries.years() else None
n, staff, grass = len(centres), centres["staff_total"].sum(), centres["staff_grassroots"].sum()


def delta(now, col):  # centres' staff: 63 centres before 1/7/2025, 34 after: no change across the reform
    if prev is None or not prev[col].sum() or queries.era_of(year - 1) != queries.era_of(year):
        return None
    return fmt.signed_pct(100 * (now - prev[col].sum()) / prev[col].sum(), 1, lang)


cols = st.columns(5)
blocks.kpi(cols[0], f"{t('centres', lang)} {year}", fmt.number(n, 0, lang))
blocks.kpi(cols[1], t("staff_total", lang), fmt.number(staff, 0, lang), delta(staff, "staff_total"))
blocks.kpi(cols[2], t("staff_grassroots", lang), fmt.number(grass, 0, lang), delta(grass, "staff_grassroots"))
blocks.kpi(cols[3], t("grassroots_share_pct", lang), fmt.pct(100 * grass / staff if staff else None, 1, lang))
blocks.kpi(cols[4], t("staff_per_centre", lang), fmt.number(staff / n if n else None, 1, lang),
       help=t("grassroots_per_centre", lang, value=fmt.number(grass / n if n else None, 1, lang)))

pub = queries.published("n22_grassroots", "n22_grassroots_share_pct", "n22_avg_per_unit", "n22_units_ge30",
                        "n22_units_20_29", "n22_units_10_19", "n22_units_lt10")


if year == 2022 and len(pub):
    g = pub.loc["n22_grassroots"]
    check = blocks.figure_check(g, lang)
    text = t("published_staff", lang, grassroots=fmt.number(g.value, 0, lang),
             share=fmt.pct(pub.loc["n22_grassroots_share_pct"].value, 0, lang),
             avg=fmt.number(pub.loc["n22_avg_per_unit"].value, 0, lang))
    st.caption(f"**{text}** ({check}). {blocks.quote_text(g, lang)}")

# ---- map and ranking
unit = "%" if kind == "pct" else t("unit_people", lang)
indicator.show(df, metric, year=year, view=view, kind=kind, lang=lang, demo=demo,
               title=lambda y: t("map_rank_title", lang, metric=t(metric, lang), year=y), unit=unit,
               grouping=grouping, name="staff", topic="staffing", definition=t(f"def_{metric}", lang),
               data_cols=["unit_code", "name_vi", "vung_id", "staff_total", "staff_grassroots", "grassroots_share_pct"])

# ---- size bands, and regions; each figure built once per (rows, filters, language): see dashboard/figcache.py
@figcache.cached
def bands_figure(bands, lang: str, title: str, demo: bool):
    return charts.style(charts.band_bars(bands, lang), title, t("unit_centres", lang), lang, demo, height=460)


@figcache.cached
def regions_figure(ry, lang: str, title: str, unit: str, demo: bool):
    fig = charts.grouped_bars(ry, "region", {"staff_total": t("staff_total", lang),
                                             "staff_grassroots": t("staff_grassroots", lang)}, "count", lang,
                              colors=palette.SERIES, horizontal=True)  # region names across: no collision on a phone
    charts.narrow(charts.style(fig, title, unit, lang, demo, height=520))  # the legend rows under the title
    return fig.update_xaxes(tickformat=",d")


@figcache.cached
def trend_figure(nation, lang: str, title: str, demo: bool):
    fig = charts.trend(nation, "year", {"staff_total": t("staff_total", lang),
                                        "staff_grassroots": t("staff_grassroots", lang)}, "count", lang,
                       colors=palette.SERIES)
    if queries.REFORM_YEAR in set(nation.year):
        fig.add_vline(x=queries.REFORM_YEAR - 0.5, line_dash="dot", line_color="#999")
        fig.add_annotation(x=queries.REFORM_YEAR - 0.5, y=0.02, yref="paper", text=t("trend_2025_note", lang),
                           showarrow=False, xanchor="right", yanchor="bottom", font=dict(size=11, color="#555"))
    charts.style(fig, title, t("unit_people", lang), lang, demo)
    return fig.update_yaxes(rangemode="tozero", tickformat=",d")


left, right = st.columns(2)
with left:
    bands = queries.staff_bands(centres, pub, year, label=lambda b: t(b, lang))
    cdemo = staffing_demo(centres)
    fig = bands_figure(bands, lang, t("bands_title", lang, year=year), cdemo)
    blocks.chart(fig, bands[["band", "label", "warehouse", "published"]], f"staff-bands-{year}", lang, cdemo, key="bands")
    st.caption(t("bands_note", lang, units=len(centres)))
    if year == 2022 and len(pub) == 7:
        w = {b: fmt.number(v, 0, lang) for b, v in zip(bands.band, bands.warehouse)}
        p = {b: fmt.number(pub.loc[f].value, 0, lang) for b, f in queries.PUBLISHED_BANDS.items()}
        st.caption(t("bands_published", lang, ge30=p["band_ge30"], b20=p["band_20_29"], b10=p["band_10_19"],
                     lt10=p["band_lt10"], w_ge30=w["band_ge30"], w_b20=w["band_20_29"], w_b10=w["band_10_19"],
                     w_lt10=w["band_lt10"]) + " " + blocks.quote_text(pub.loc["n22_units_ge30"], lang))
with right:
    ry = queries.groups_in_year(grouping, year)
    ry = ry.assign(region=ry[name_col(lang)].map(lambda n: charts.wrap(n, 18)))
    rdemo = bool(demo_years.get(year, True))
    fig = regions_figure(ry, lang, t("staff_regions_title", lang, year=year),
                         f"{t('unit_people', lang)} · {filters.FILTERS['grouping'].label(grouping, lang)}", rdemo)
    blocks.chart(fig, ry[["group_id", "region", "units", "staff_total", "staff_grassroots"]], f"staff-regions-{grouping}-{year}",
             lang, rdemo, key="regions")

# ---- national trend
nation = queries.nation_series()
tdemo = bool(demo_years.any())
first, last = int(nation.year.min()), int(nation.year.max())
fig = trend_figure(nation, lang, t("staff_trend_title", lang, first=first, last=last), tdemo)
blocks.chart(fig, nation[["year", "units", "staff_total", "staff_grassroots"]], "staff-trend", lang, tdemo, key="trend")
