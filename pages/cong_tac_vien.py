"""Cộng tác viên / Collaborators: district and commune networks, their coverage, the developed networks, and budget."""
import pandas as pd
import streamlit as st

from dashboard import blocks, charts, figcache, filters, fmt, indicator, palette, queries
from dashboard.i18n import name_col, t

lang = filters.lang()
blocks.page("page_collaborators", lang)
f = filters.sidebar("year", "view", "grouping")
year, view, grouping = f["year"], f["view"], f["grouping"]
blocks.stop_without("collaborators", year, lang)

METRICS = {"district_coverage_pct": "pct", "commune_coverage_pct": "pct", "districts_covered": "count",
           "communes_covered": "count", "collaborators_total": "count", "collaborators_district": "count",
           "collaborators_commune": "count"}
FALLBACK = ["commune_coverage_pct", "communes_covered", "collaborators_commune"]  # exist in every year and view
# opens on district coverage, or from 2025 (no district level any more) on commune coverage
opening = "commune_coverage_pct" if queries.era_of(year) == "34" else "district_coverage_pct"
metric = filters.url_widget("collab_metric", list(METRICS), opening, lambda m, lg: t(m, lg),
                          t("collab_metric", lang), lang, container=st.columns([1, 2])[0])


def collab_demo(df: pd.DataFrame) -> bool:
    return bool(df["collaborators_origin"].fillna("").str.contains("demo").any())


reform = queries.era_of(year) == "34"
native = queries.network_rows(year, queries.era_of(year))  # the units the networks were reported by
df = queries.network_rows(year, view)
demo = collab_demo(df)
blocks.demo_badge(demo, lang)
if reform:
    st.info(t("collab_2025_note", lang), icon=":material/merge:")
elif view == "34":
    st.info(t("collab_34_note", lang), icon=":material/info:")

# ---- KPIs, with the published national figures beside them
pub = queries.published("n22_ctv_districts", "n22_ctv_communes", "n22_ctv_developed")
prev = queries.network_rows(year - 1, queries.era_of(year - 1)) if year - 1 in queries.years() else None
total = queries.network_total


def delta(col):
    if col == "communes_covered" and prev is not None and queries.era_of(year - 1) != queries.era_of(year):
        return None  # the 2025 commune merger changed what a commune is: no change across it
    now, before = total(native, col), (total(prev, col) if prev is not None else None)
    return fmt.signed_pct(100 * (now - before) / before, 1, lang) if now is not None and before else None


cols = st.columns(4)
for col, (key, covered, of) in zip(cols, [("districts_covered", "districts_covered", "districts_total"),
                                          ("communes_covered", "communes_covered", "communes_total"),
                                          ("collaborators_district", None, None),
                                          ("collaborators_commune", None, None)]):
    value = total(native, key)
    blocks.kpi(col, f"{t(key, lang)} {year}", fmt.number(value, 0, lang), delta(key))
    if value is None:
        col.caption(t("no_district_level", lang))
    elif covered:
        col.caption(t("of_total", lang, pct=fmt.pct(100 * value / total(native, of), 1, lang),
                      total=fmt.number(total(native, of), 0, lang)))
    fig_id = {"districts_covered": "n22_ctv_districts", "communes_covered": "n22_ctv_communes"}.get(key)
    if year == 2022 and fig_id in pub.index:
        p = pub.loc[fig_id]
        unit = t("unit_districts" if key == "districts_covered" else "unit_communes", lang)
        check = blocks.figure_check(p, lang)
        col.caption(f"**{t('published_year', lang, year=2022, value=f'{fmt.number(p.value, 0, lang)} {unit}')}** ({check})")
if year == 2022 and "n22_ctv_districts" in pub.index:
    p = pub.loc["n22_ctv_districts"]
    blocks.published_quote(p, lang)

# ---- map and ranking of the chosen measure (falling back where the measure does not exist)
# with real figures only a year may hold one published count alone (Ninh Bình's district collaborators, 2016)
shown = metric if df[metric].notna().any() else next(
    (m for m in [*FALLBACK, *METRICS] if df[m].notna().any()), metric)
if shown != metric:
    st.info(t("metric_fallback", lang, wanted=t(metric, lang), shown=t(shown, lang)))
kind = METRICS[shown]
unit = "%" if kind == "pct" else t("unit_people" if shown.startswith("collaborators") else
                                   ("unit_districts" if shown.startswith("district") else "unit_communes"), lang)
data_cols = ["unit_code", "name_vi", "vung_id", "collaborators_district", "collaborators_commune", "collaborators_total",
             "districts_covered", "districts_total", "district_coverage_pct", "communes_covered", "communes_total",
             "commune_coverage_pct"]
ranking = indicator.show(df, shown, year=year, view=view, kind=kind, lang=lang, demo=demo,
                         title=lambda y: t("map_rank_title", lang, metric=t(shown, lang), year=y), unit=unit,
                         grouping=grouping, name="collab", topic="collaborators", definition=t(f"def_{shown}", lang),
                         data_cols=data_cols, positive_only=True)  # units without a network: named below the ranking
none = df[df[shown] == 0]
if len(none):
    ranking.caption(t("ranking_zero", lang, n=fmt.number(len(none), 0, lang), names=", ".join(sorted(none.name_vi))))

# ---- the developed networks, and how coverage relates to budget; each figure built once per (rows, filters,
# language): see dashboard/figcache.py
@figcache.cached
def budget_figure(df, shown: str, kind: str, lang: str, region_names: dict, title: str, unit: str, demo: bool):
    fig = charts.metric_vs_budget(df, shown, kind, t(shown, lang), lang, region_names)
    charts.style(fig, title, unit, lang, demo, height=640, source_gap=170)
    # the regions in rows under the x axis's title (62 px below the plot), not over it; the source line and demo mark
    # sit below the six rows
    m = fig.layout.margin
    fig.update_layout(legend=dict(y=-62 / (fig.layout.height - m.t - m.b), yanchor="top"))
    return fig.update_xaxes(tickformat=",d")


@figcache.cached
def trend_figure(nation, lang: str, title: str, demo: bool):
    fig = charts.trend(nation, "year", {"collaborators_district": t("collaborators_district", lang),
                                        "collaborators_commune": t("collaborators_commune", lang)}, "count", lang,
                       colors=palette.SERIES)
    charts.style(fig, title, t("unit_people", lang), lang, demo)
    return fig.update_yaxes(rangemode="tozero", tickformat=",d")


left, right = st.columns([2, 3])
with left:
    st.subheader(t("developed_title", lang))
    blocks.demo_badge(collab_demo(native), lang)
    level = "commune" if reform else "district"
    top = queries.developed_networks(native, level)
    named = set(pub.loc["n22_ctv_developed"].scope_key.split()) if "n22_ctv_developed" in pub.index else set()
    st.markdown(t("developed_intro_2025" if reform else "developed_intro", lang, year=year))
    lines = []
    for i, r in enumerate(top.itertuples(), 1):
        item = t("developed_item", lang, name=r.name_vi, covered=fmt.number(getattr(r, f"{level}s_covered"), 0, lang),
                 total=fmt.number(getattr(r, f"{level}s_total"), 0, lang), level=t(f"unit_{level}s", lang),
                 pct=fmt.pct(getattr(r, f"{level}_coverage_pct"), 1, lang),
                 people=fmt.number(r.collaborators_total, 0, lang))
        lines.append(f"{i}. {item}" + (f" · :orange[{t('named_in_source', lang)}]" if not reform and r.unit_code in named else ""))
    st.markdown("\n".join(lines))
    if named:
        p = pub.loc["n22_ctv_developed"]
        names = queries.units("63").set_index("unit_code")["name_vi"]
        st.markdown(t("developed_source", lang, names=", ".join(names.get(c, c) for c in p.scope_key.split())))
        blocks.published_quote(p, lang)
with right:
    groups = queries.groups("vung", "34" if view == "34" else "63")
    region_names = dict(zip(groups.group_id, groups[name_col(lang)]))
    sdemo = demo or bool(df["budget_origin"].fillna("").str.contains("demo").any())
    fig = budget_figure(df, shown, kind, lang, region_names, t("collab_budget_title", lang, metric=t(shown, lang),
                                                                year=year), f"{t('unit_mvnd', lang)} · {unit}", sdemo)
    ev = blocks.chart(fig, df[["unit_code", "name_vi", "vung_id", "total_planned_mvnd", shown]],
                  f"collab-budget-{shown}-{year}-{view}", lang, sdemo, key="scatter", selectable=True)
    rho, pairs = queries.rank_correlation(df, "total_planned_mvnd", shown)
    st.caption(t("collab_budget_caption", lang, metric=t(shown, lang), rho=fmt.number(rho, 2, lang),
                 n=fmt.number(pairs, 0, lang)) + " " + t("click_map_hint", lang))
    blocks.open_profile_on_click(ev, lang)

# ---- national trend
nation = queries.nation_series()
tdemo = bool(queries.topic_demo_by_year()["collaborators_demo"].any())
first, last = int(nation.year.min()), int(nation.year.max())
fig = trend_figure(nation, lang, t("collab_trend_title", lang, first=first, last=last), tdemo)
blocks.chart(fig, nation[["year", "units", "collaborators_district", "collaborators_commune", "districts_covered",
                      "communes_covered"]], "collab-trend", lang, tdemo, key="trend")
if queries.REFORM_YEAR in set(nation.year):
    st.caption(t("collab_trend_note", lang))
