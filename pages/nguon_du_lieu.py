"""Số liệu công bố / Published figures: every published figure with its quote and source, and how the
warehouse compares with it. Also the landing page of links made before the Sources section had pages (?section=…)."""
import pandas as pd
import streamlit as st

from dashboard import blocks, filters, fmt, queries
from dashboard.i18n import in_language, t

lang = filters.lang()
blocks.page("src_tab_figures", lang)
st.caption(t("src_intro", lang))

# Links from before the Sources section had pages said ?section=checks …: open that page, keeping the rest.
SECTION_PAGES = {"checks": "pages/mau_thuan.py", "origin": "pages/nguon_goc.py",
                 "dictionary": "pages/tu_dien.py", "downloads": "pages/tai_ve.py"}
section = filters.one_param("section", lambda s: s if s in ("figures", *SECTION_PAGES) else None,
                            t("src_tab_figures", lang))
if "section" in st.query_params:
    del st.query_params["section"]
if section in SECTION_PAGES:
    st.switch_page(SECTION_PAGES[section], query_params=st.query_params.to_dict())

TOPICS = ("budget", "projects", "staffing", "collaborators", "training", "target", "reference")
figures = in_language(queries.figures_with_kind(), "note", lang)
stored, in_use, origins_in_use = queries.origin_summary()
warehouse_origin = " + ".join(t(f"origin_{o}", lang) for o in origins_in_use) or "–"
warehouse_demo = "demo" in origins_in_use

present = [x for x in TOPICS if x in set(figures.topic)]
filters.url_bound("topic", "src_topic", present, present, many=True)
topics = st.pills(t("src_filter_topic", lang), present, selection_mode="multi", key="src_topic",
                  format_func=lambda x: t(f"src_topic_{x}", lang))
filters.to_url("topic", [x for x in present if x in topics] or present)  # none picked = all
span = figures.dropna(subset=["year"])
years = list(range(int(span.year.min()), int(span.year_to.max()) + 1))
c2, c3 = st.columns([1, 3])
year = filters.url_widget("fig_year", ["all"] + years, "all",
                        lambda y, lg: t("src_all_years", lg) if y == "all" else str(y),
                        t("src_filter_year", lang), lang, container=c2)
needle = c3.text_input(t("src_filter_search", lang), key="q", placeholder=t("src_filter_search_help", lang),
                       bind="query-params")

shown = figures[figures.topic.isin(topics or present)]
if year != "all":
    shown = shown[((shown.year <= year) & (shown.year_to >= year)).fillna(False)]
if needle.strip():
    hay = shown[["figure_id", "value_text", "quote", "source_title", "publisher", "note"]].fillna("")
    hay = hay.agg(" ".join, axis=1)
    shown = shown[hay.str.contains(needle.strip(), case=False, regex=False)]

compared = shown[shown.calibrate.isin(["target", "check"])]
k = st.columns(4)
blocks.kpi(k[0], t("src_kpi_figures", lang), t("src_kpi_of", lang, n=fmt.number(len(shown), 0, lang),
                                             total=fmt.number(len(figures), 0, lang)))
quoted = shown.loc[~shown.derived, "source_id"].nunique()
blocks.kpi(k[1], t("src_kpi_sources", lang), fmt.number(quoted, 0, lang))
agreeing = int(compared.agrees.fillna(False).sum())
blocks.kpi(k[2], t("src_kpi_agree", lang), t("src_kpi_of", lang, n=fmt.number(agreeing, 0, lang),
                                           total=fmt.number(len(compared), 0, lang)))
blocks.kpi(k[3], t("src_kpi_derived", lang), fmt.number(int(shown.derived.sum()), 0, lang))

blocks.demo_badge(warehouse_demo, lang, imported="imported" in origins_in_use)
st.caption(t("src_warehouse_note", lang, origin=warehouse_origin))
with st.expander(t("src_how_agree", lang), icon=":material/rule:"):
    st.markdown(t("src_how_agree_body", lang))

agree = shown.agrees.map({True: t("src_agree_yes", lang), False: t("src_agree_no", lang)})
agree = agree.fillna(t("src_agree_na", lang))
table = pd.DataFrame({
    "figure_id": shown.figure_id,
    "period": [fmt.period(r, lang) for r in shown.itertuples()],
    "value_text": shown.value_text,
    "quote": shown.quote,
    "value_shown": [fmt.amount(r.value, r.unit, lang, fmt.decimals(r.value, r.resolution)) for r in shown.itertuples()],
    "qualifier_shown": shown.qualifier.map(lambda x: t(f"src_q_{x}", lang)),
    "topic": shown.topic.map(lambda x: t(f"src_topic_{x}", lang)),
    "source": [f"{r.source_title} — {r.publisher}" + (f" ({r.published})" if fmt.plain(r.published) else "")
               for r in shown.itertuples()],
    "link": shown.source_location.where(shown.source_location.map(fmt.is_url)),
    "file": shown.source_location.where(~shown.source_location.map(fmt.is_url)),
    "derived": shown.derived,
    "role": shown.calibrate.map(lambda x: t(f"src_cal_{x}", lang)),
    "check": agree.where(shown.calibrate.isin(["target", "check"]), t("src_agree_na", lang)),
    "warehouse_shown": [fmt.amount(r.warehouse_value, r.unit, lang, fmt.decimals(r.value, r.resolution))
                        for r in shown.itertuples()],
    "note": shown.note,
    # kept for the downloads, hidden on screen
    "figure_origin": shown.derived.map({True: "derived (suy ra)", False: "published (công bố)"}),
    "value": shown.value, "unit": shown.unit, "qualifier": shown.qualifier, "year": shown.year,
    "year_to": shown.year_to, "calibrate": shown.calibrate, "warehouse_value": shown.warehouse_value,
    "warehouse_origin": shown.warehouse_value.notna().map({True: "+".join(origins_in_use), False: None}),
    "source_id": shown.source_id,
})
tc = st.column_config.TextColumn
config = {
    "figure_id": tc(t("src_col_figure_id", lang), pinned=True), "topic": tc(t("src_col_topic", lang)),
    "period": tc(t("src_col_period", lang)), "value_text": tc(t("src_col_value_text", lang), width="medium"),
    "value_shown": tc(t("src_col_value", lang)), "qualifier_shown": tc(t("src_col_qualifier", lang)),
    "quote": tc(t("src_col_quote", lang), width=480), "source": tc(t("src_col_source", lang), width=260),
    "link": st.column_config.LinkColumn(t("src_col_link", lang), width="small"),
    "file": tc(t("src_col_file", lang)), "derived": st.column_config.CheckboxColumn(t("src_col_derived", lang)),
    "role": tc(t("src_col_calibrate", lang)), "check": tc(t("src_col_agrees", lang)),
    "warehouse_shown": tc(f"{t('src_col_warehouse', lang)} ({warehouse_origin})"),
    "note": tc(t("src_col_note", lang), width=360),
    **{c: None for c in ("figure_origin", "value", "unit", "qualifier", "year", "year_to", "calibrate",
                         "warehouse_value", "warehouse_origin", "source_id")},
}
blocks.table(table, "published-figures", lang, False, "figures", row_height=100, column_config=config)

if shown.empty:
    st.info(t("src_detail_empty", lang))
else:
    ids = shown.figure_id.tolist()
    filters.url_bound("figure", "src_figure", figures.figure_id.tolist(), ids[0],
              as_state=lambda f: f if f in ids else ids[0], state_ok=lambda f: f in ids)
    as_written = dict(zip(shown.figure_id, shown.value_text))
    pick = st.selectbox(t("src_detail_pick", lang), ids, key="src_figure",
                        format_func=lambda f: f"{f} · {as_written[f]}")
    filters.to_url("figure", pick)
    r = next(shown[shown.figure_id == pick].itertuples())
    with st.container(border=True):
        tag = f" · :orange-badge[{t('src_derived_yes', lang)}]" if r.derived else ""
        st.markdown(f"### {fmt.md(r.value_text)}\n{fmt.period(r, lang)} · {t(f'src_topic_{r.topic}', lang)} · "
                    f"{fmt.amount(r.value, r.unit, lang, fmt.decimals(r.value, r.resolution))} "
                    f"({t(f'src_q_{r.qualifier}', lang)}){tag}")
        st.markdown("> " + fmt.md(r.quote))
        st.markdown(f"{t('src_col_source', lang)}: {blocks.source_line(r, lang)}")
        if fmt.plain(r.formula):
            vals = figures.set_index("figure_id").value.to_dict()
            check = queries.source_checks().set_index("figure_id").loc[r.figure_id]
            d = fmt.decimals(r.value, r.resolution)
            result = fmt.amount(check.recomputed, r.unit, lang, d if float(check.recomputed).is_integer() else max(d, 2))
            st.markdown(f"{t('src_formula', lang)}: {fmt.md(fmt.spelled(r.formula, vals, lang))} = {result} · "
                        f"{blocks.STATUS_ICONS.get(check.status, '')} {t(f'src_status_{check.status}', lang)}  \n"
                        f"`{r.formula}`")
        if fmt.plain(r.note):
            st.markdown(f"{t('src_col_note', lang)}: {fmt.md(r.note)}")
        if r.calibrate in ("target", "check"):
            in_warehouse = fmt.amount(r.warehouse_value, r.unit, lang, fmt.decimals(r.value, r.resolution))
            st.markdown(f"{t(f'src_used_{r.calibrate}', lang)} {t('src_col_warehouse', lang)} "
                        f"({warehouse_origin}): **{in_warehouse}** — {agree[shown.figure_id == pick].iloc[0]}")
        else:
            st.markdown(t("src_used_no", lang))
