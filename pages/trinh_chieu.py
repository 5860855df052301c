"""Trình chiếu / Present: one click builds the conference deck (PowerPoint and PDF) for a region or area and a year."""
import streamlit as st

from dashboard import blocks, charts, deck, exports, figcache, filters, fmt, tools
from dashboard.i18n import t

lang = filters.lang()
blocks.page("page_present", lang)
year = filters.sidebar("year")["year"]
st.caption(t("deck_intro", lang))
tools.notice(tools.APP_TOOLS, lang)  # before the click: what this server cannot make, and how to add it

# The area lives in the URL as its id (?area=phia-nam), not as its translated label, so links work in both languages.
choices = deck.area_choices()
start = filters.area_param(deck.area_key, deck.area_label(deck.DEFAULT_AREA, lang)) or deck.DEFAULT_AREA
left, right = st.columns([3, 2])
area = left.selectbox(t("deck_area", lang), choices, index=choices.index(start), key="deck_area",
                      format_func=lambda k: deck.area_label(k, lang))
st.query_params["area"] = area.split("/", 1)[1]  # pinned, the default area too
deck_lang = right.segmented_control(t("deck_lang", lang), ["vi", "en"], default=lang, key="deck_lang", required=True,
                                    format_func=lambda x: {"vi": "Tiếng Việt", "en": "English"}[x]) or lang
request = (area, int(year), deck_lang)

built = blocks.built_on_click("deck", request, lambda: deck.build_bytes(area, int(year), deck_lang),
                              (deck.DeckError, tools.ToolError), lang, t("deck_build", lang), ":material/slideshow:",
                              t("deck_building", lang))
if built is not None:
    pptx, pdf, info = built
    st.success(t("deck_ready", lang, slides=len(info.titles), area=info.area.name(lang), year=info.year))
    blocks.demo_badge(info.demo, lang)
    stem = deck.file_stem(info)
    c1, c2, _ = st.columns([2, 1.5, 2.5])
    c1.download_button(t("deck_download_pptx", lang), pptx, file_name=f"{stem}.pptx", icon=":material/download:",
                       mime="application/vnd.openxmlformats-officedocument.presentationml.presentation")
    if pdf:
        c2.download_button(t("deck_download_pdf", lang), pdf, file_name=f"{stem}.pdf", mime="application/pdf",
                           icon=":material/picture_as_pdf:")
    else:
        st.info(t("deck_no_pdf", lang))
    st.markdown(f"**{t('deck_outline', lang)}**")
    st.markdown("\n".join(f"{i}. {title}" for i, title in enumerate(info.titles, start=1)))
    st.caption(t("deck_font_note", lang))

try:
    chosen = deck.resolve(area, int(year))
except deck.DeckError as e:
    st.error(getattr(e, lang))
    st.stop()
st.subheader(t("deck_preview", lang, kind=chosen.kind(lang)))
units, table, table_demo = deck.preview(chosen, int(year), lang)


@figcache.cached  # built once per (rows, title, language): see dashboard/figcache.py
def ranking_figure(units, lang: str, title: str, demo: bool):
    fig = charts.ranked_bars(units.assign(province=units["name_vi"]), "total_actual_mvnd", "province", "vung_id", "mvnd",
                             lang)
    return charts.style(fig, title, t("unit_mvnd", lang), lang, demo, height=charts.bar_height(len(units)))


fig = ranking_figure(units, lang, t("deck_rank_title", lang, kind=chosen.kind(lang), year=year), table_demo)
blocks.chart(fig, units[["unit_code", "name_vi", "total_actual_mvnd"]], f"deck-ranking-{chosen.group_id}-{year}", lang,
         table_demo, key="deck-ranking")
numeric = table.select_dtypes("number").columns  # on screen in Vietnamese style (1.234,5); downloads stay numbers
# A static table: its headers wrap, so the twelve columns fit 1440 px (the grid ran 1.354 px wide and scrolled
# sideways); "(triệu đồng)" is said once above it rather than in five headers.
in_mvnd = f" ({t('unit_mvnd', lang)})"
shown = table.assign(**{c: [fmt.number(v, 1 if "%" in c else 0, lang) for v in table[c]] for c in numeric})
shown = shown.rename(columns=lambda c: c.removesuffix(in_mvnd))
blocks.demo_badge(table_demo, lang)
st.caption(f"{t('ind_unit', lang)}: {t('unit_mvnd', lang)}")
st.table(shown.style.set_properties(subset=[c.removesuffix(in_mvnd) for c in numeric], **{"text-align": "right"}),
         hide_index=True)
stem = exports.file_stem(f"deck-{chosen.group_id}-{year}", table_demo)
row = st.container(horizontal=True, gap="small")
row.download_button(t("download_csv", lang), lambda: exports.csv_bytes(table, table_demo), file_name=f"{stem}.csv",
                    mime="text/csv", key="deck-preview-csv", icon=":material/download:")
row.download_button(t("download_xlsx", lang), lambda: exports.xlsx_bytes(table, table_demo),
                    file_name=f"{stem}.xlsx", key="deck-preview-xlsx", icon=":material/table:",
                    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
