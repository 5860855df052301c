"""Mức độ đầy đủ số liệu / What is known: for each topic, where figures are imported, published, demo or missing —
counts and a map for one year, then a grid of every province and year."""
import streamlit as st

from dashboard import blocks, charts, coverage, figcache, filters, fmt, queries
from dashboard.i18n import t

lang = filters.lang()
blocks.page("page_coverage", lang)
st.caption(t("cov_intro", lang))
year = filters.sidebar("year")["year"]
topic = filters.url_widget("coverage_topic", list(coverage.TOPICS), "budget", lambda v, lg: t(f"cov_topic_{v}", lg),
                         t("cov_topic", lang), lang, kind="segmented", container=st)
topic_name = t(f"cov_topic_{topic}", lang)
view = queries.era_of(year)


@figcache.cached  # built once per (rows, view, language, title): see dashboard/figcache.py
def map_figure(units, view: str, lang: str, title: str):
    fig = coverage.origin_map(units, view, lang)
    charts.style(fig, title, t(f"view_{view}", lang), lang, False, source=t("cov_source", lang),
                 height=760, source_gap=coverage.MAP_LEGEND_GAP)
    return fig.update_layout(legend=coverage.MAP_LEGEND)


# ---- one year: where figures of each origin are, and how many units hold them
units = coverage.coverage_units(topic, year)
counts = coverage.coverage_counts(topic, year)
total = int(counts["units"].sum())
left, right = st.columns([3, 2], gap="large")
with right:
    st.markdown(f"**{t('cov_counts', lang, year=year)}**")
    rows = list(counts.itertuples())
    for pair in (rows[i:i + 2] for i in range(0, len(rows), 2)):  # row by row, so a phone stacks them in order
        for col, row in zip(st.columns(2), pair):
            blocks.kpi(col, coverage.label(row.origin, lang, capital=True), fmt.number(row.units, 0, lang),
                   help=t("cov_units_count", lang, n=fmt.number(row.units, 0, lang), total=fmt.number(total, 0, lang)))
    st.caption(coverage.real_only_note(topic, year, lang))
with left:
    fig = map_figure(units, view, lang, t("cov_map_title", lang, topic=topic_name, year=year))
    event = blocks.chart(fig, units[["unit_code", "name_vi", "origin", "rows"]], f"coverage-map-{topic}-{year}", lang,
                     False, key="map", selectable=True)
    blocks.open_profile_on_click(event, lang)

# ---- every unit and year, in the units of each year's era
st.subheader(t("cov_grid_title", lang, topic=topic_name))
grids = {era: coverage.coverage_grid(topic, era) for era in ("63", "34")}
st.dataframe(coverage.legend(lang, [o for g in grids.values() for o in g["origin"].unique()]), hide_index=True,
             width="content", key="legend")
st.caption(t("cov_grid_caption", lang))
for era, grid in grids.items():
    st.markdown(f"**{t(f'cov_grid_{era}', lang)}**")
    st.dataframe(coverage.grid_table(grid, lang), hide_index=True, height=35 * (grid["unit_code"].nunique() + 1) + 3,
                 column_config={"name_vi": st.column_config.TextColumn(t("province", lang), pinned=True)},
                 width="content", key=f"grid-{era}")
