"""Kinh phí / Budgets: map and ranking by metric, region → province shares, planned vs actual, content categories."""
import streamlit as st

from dashboard import blocks, charts, figcache, filters, indicator, metrics, palette, queries
from dashboard.i18n import name_col, t

lang = filters.lang()
blocks.page("page_budgets", lang)
f = filters.sidebar("year", "view", "fund", "status", "measure", "grouping")
year, view, fund, status, measure = f["year"], f["view"], f["fund"], f["status"], f["measure"]

df = queries.unit_year(year, view)
if measure == "change":  # against the previous year, in the same units (across the reform: both years in the 34)
    if year - 1 in queries.years():
        before = queries.unit_year(year - 1, view)
        df[metrics.metric_col(fund, status, "change")] = metrics.with_change(df, before, metrics.amount_col(fund, status))
        df["budget_demo"] = df["budget_demo"] | bool(before.budget_demo.any())  # a change is as demo as its base
    else:
        st.warning(t("notice_no_previous_year", lang, year=year))
        measure = "amount"
col = metrics.metric_col(fund, status, measure)
kind = "mvnd" if measure == "amount" else "ratio" if measure == "per_1000" else "pct"
demo = bool(df.budget_demo.any())
blocks.demo_badge(demo, lang)  # once for the page; each chart carries its own mark inside the figure
what = t(f"fund_{fund}", lang) + ("" if measure == "execution" else f" · {t(f'status_{status}', lang).lower()}")
metric_name = t(f"measure_{measure}", lang)
unit = t("unit_mvnd", lang) if kind == "mvnd" else "%"
if measure == "per_1000":  # KCĐP actual per 1.000 people, whatever fund and status say; a gap without a population
    metric_name, what, unit = t("per_1000_title", lang), t("per_1000_what", lang), t("unit_mvnd_per_1000", lang)
    blocks.per_capita_note(df, year, view, fund, status, lang)

indicator.show(df, col, year=year, view=view, kind=kind, lang=lang, demo=demo,
               title=lambda y: f"{metric_name}: {what}, {y}", unit=unit, grouping=f["grouping"], name="",
               topic="budget", definition=t(f"def_measure_{measure}", lang, what=t(f"def_fund_{fund}", lang),
                                            status=t(f"def_status_{status}", lang)),
               ranking_unit=unit, diverging=measure == "change", scale_control=True)



# each figure built once per (rows, filters, language): see dashboard/figcache.py
@figcache.cached
def treemap_figure(df, amount: str, lang: str, region_names: dict, title: str, demo: bool):
    fig = charts.region_treemap(df, amount, lang, region_names)
    return charts.style(fig, title, t("unit_mvnd", lang), lang, demo, height=560)


@figcache.cached
def scatter_figure(df, fund: str, lang: str, title: str, demo: bool):
    fig = charts.planned_vs_actual(df, fund, lang)
    return charts.legend_inside(charts.style(fig, title, t("unit_mvnd", lang), lang, demo,
                                             height=560))


@figcache.cached
def categories_figure(cats, fund: str, lang: str, title: str, demo: bool):
    # names on lines of 22 characters: in one line the longest takes a phone's whole width, and its value with it
    fig = charts.ranked_bars(cats.assign(unit_code=cats.category_id, vung_id="",
                                         category=cats["category"].map(lambda n: charts.wrap(n, 22))),
                             "share_pct", "category", "vung_id", "pct", lang)
    fig.update_traces(marker_color=palette.FUND[fund])
    lines = max((str(n).count("<br>") + 1 for n in fig.data[0].y), default=1)
    # each bar as tall as its name's lines (16 px each, and a gap), so wrapped names never run into each other
    return charts.style(fig, title, "% · " + t("unit_mvnd", lang), lang, demo,
                        height=max(460, 220 + len(fig.data[0].y) * (16 * lines + 10)))


amount = metrics.amount_col(fund, status)
left, right = st.columns(2)
with left:
    region_names = dict(zip(*[queries.groups("vung", view)[c] for c in ("group_id", name_col(lang))]))
    fig = treemap_figure(df, amount, lang, region_names, t("budget_tree_title", lang, what=what, year=year), demo)
    blocks.chart(fig, df[["vung_id", "unit_code", "name_vi", amount, f"{amount}_share_nation_pct", f"{amount}_share_region_pct"]],
             f"treemap-{amount}-{year}", lang, demo, key="treemap")
with right:
    scatter_fund = fund
    region_label = {g: n for g, n in region_names.items()}
    fig = scatter_figure(df.assign(region_name=df["vung_id"].map(region_label)), scatter_fund, lang,
                         t("budget_scatter_title", lang, fund=t(f"fund_{fund}", lang), year=year), demo)
    ev = blocks.chart(fig, df[["unit_code", "name_vi", f"{fund}_planned_mvnd", f"{fund}_actual_mvnd", f"{fund}_execution_pct"]],
                  f"planned-actual-{fund}-{year}", lang, demo, key="scatter", selectable=True)
    blocks.open_profile_on_click(ev, lang)

cats = queries.category_mix(year, fund, status)
cats["category"] = cats[name_col(lang)]
cat_demo = bool(cats.origin.fillna("").str.contains("demo").any())
fig = categories_figure(cats, fund, lang, t("budget_categories_title", lang, what=what, year=year), cat_demo)
blocks.chart(fig, cats[["category_id", "category", "projects", "planned_mvnd", "actual_mvnd", "share_pct"]],
         f"categories-{fund}-{status}-{year}", lang, cat_demo, key="categories")
