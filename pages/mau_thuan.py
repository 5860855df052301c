"""Mâu thuẫn trong nguồn / Discrepancies: the published sources' own contradictions, recorded, never corrected."""
import pandas as pd
import streamlit as st

from dashboard import blocks, filters, fmt, queries
from dashboard.i18n import in_language, t

lang = filters.lang()
blocks.page("src_tab_checks", lang)
figures = in_language(queries.figures_with_kind(), "note", lang)

checks = in_language(queries.source_checks(), "note", lang).merge(
    figures[["figure_id", "value_text", "unit", "resolution", "calibrate", "publisher", "published"]],
    on="figure_id", how="left")
st.info(t("src_checks_intro", lang), icon=":material/gavel:")
counts = checks.status.value_counts()
k = st.columns(4)
for col, status in zip(k, ("discrepancy", "truncated", "approximate", "consistent")):
    blocks.kpi(col, t(f"src_status_{status}", lang), fmt.number(int(counts.get(status, 0)), 0, lang),
           help=t(f"src_status_{status}_help", lang))
values = figures.set_index("figure_id").value.to_dict()


def stated_text(r) -> str:
    return fmt.amount(r.stated, r.unit, lang, fmt.decimals(r.stated, r.resolution))


def recomputed_text(r) -> str:
    d = fmt.decimals(r.stated, r.resolution)
    return fmt.amount(r.recomputed, r.unit, lang, d if float(r.recomputed).is_integer() else max(d, 2))

for r in checks[checks.status != "consistent"].itertuples():
    with st.container(border=True):
        st.markdown(f"#### {blocks.STATUS_ICONS.get(r.status, '')} {t(f'src_status_{r.status}', lang)}: "
                    f"{fmt.md(r.value_text)}  \n:small[{t(f'src_status_{r.status}_help', lang)} · `{r.figure_id}`]")
        diff = r.recomputed - r.stated
        unit = t("src_points", lang) if r.unit == "%" else None
        diff_text = (f"{'+' if diff > 0 else ''}{fmt.number(diff, 2, lang)} {unit}" if unit
                     else ("+" if diff > 0 else "") + fmt.amount(diff, r.unit, lang))
        st.markdown(f"{t('src_stated', lang)}: **{stated_text(r)}** · {t('src_recomputed', lang)}: "
                    f"**{recomputed_text(r)}** · {t('src_difference', lang)}: **{diff_text}**  \n"
                    f"{t('src_formula', lang)}: {fmt.md(fmt.spelled(r.formula, values, lang))} = {recomputed_text(r)} · "
                    f"`{r.formula}`")
        st.markdown("> " + fmt.md(r.quote))
        st.markdown(f"{t('src_col_source', lang)}: {blocks.source_line(r, lang)}")
        if fmt.plain(r.note):
            st.markdown(f"{t('src_col_note', lang)}: {fmt.md(r.note)}")
        st.caption(t(f"src_used_{r.calibrate}", lang))

st.subheader(t("src_checks_table", lang))
table = pd.DataFrame({
    "status_shown": checks.status.map(lambda s: t(f"src_status_{s}", lang)),
    "figure_id": checks.figure_id, "value_text": checks.value_text,
    "stated_shown": [stated_text(r) for r in checks.itertuples()],
    "recomputed_shown": [recomputed_text(r) for r in checks.itertuples()],
    "calculation": [fmt.spelled(f, values, lang) for f in checks.formula],
    "formula": checks.formula, "quote": checks.quote, "source": checks.source_title,
    "status": checks.status, "stated": checks.stated, "recomputed": checks.recomputed, "unit": checks.unit,
})
tc = st.column_config.TextColumn
blocks.table(table, "source-checks", lang, False, "checks", row_height=100, column_config={
    "status_shown": tc(t("src_col_status", lang), pinned=True), "figure_id": tc(t("src_col_figure_id", lang)),
    "value_text": tc(t("src_col_value_text", lang)), "stated_shown": tc(t("src_col_stated", lang)),
    "recomputed_shown": tc(t("src_col_recomputed", lang)),
    "calculation": tc(t("src_col_formula_values", lang), width="medium"),
    "formula": tc(t("src_col_formula", lang), width="medium"), "quote": tc(t("src_col_quote", lang), width=560),
    "source": tc(t("src_col_source", lang), width=260),
    "status": None, "stated": None, "recomputed": None, "unit": None})

st.subheader(t("src_pop_disagree_title", lang))
st.caption(t("src_pop_disagree_intro", lang))
for r in queries.population_disagreements().itertuples():
    with st.container(border=True):
        st.markdown(f"**{fmt.md(r.name_vi)}**, {r.year} · {t('src_difference', lang)}: "
                    f"**{fmt.number(r.difference, 0, lang)}**")
        for pid, n, ok, quote, url in ((r.pf_id_a, r.population_a, r.confirmed_a, r.quote_a, r.url_a),
                                       (r.pf_id_b, r.population_b, r.confirmed_b, r.quote_b, r.url_b)):
            st.markdown(f"{'✓' if ok else '○'} **{fmt.number(n, 0, lang)}** · `{pid}` · "
                        + (f"[{fmt.md(url)}]({url})" if fmt.is_url(url) else fmt.md(url)) + f"  \n> {fmt.md(quote)}")
