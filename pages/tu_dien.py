"""Từ điển dữ liệu / Data dictionary: every table and column of the warehouse, from its own comments."""
import streamlit as st

from dashboard import blocks, filters, fmt, queries
from dashboard.i18n import t

lang = filters.lang()
blocks.page("src_tab_dictionary", lang)

st.markdown(t("src_dict_intro", lang))
dictionary = queries.dictionary()
about = queries.table_comments().set_index("table_name")
no_comments = dictionary.comment.isna().all()
dictionary = dictionary.fillna({"comment": "–"})
if no_comments:
    st.warning(t("src_dict_missing", lang))
names = ["all"] + about.index.tolist()
filters.url_bound("table", "src_table", names, "all")
which = st.selectbox(t("src_dict_pick", lang), names, key="src_table",
                     format_func=lambda n: t("src_all_tables", lang) if n == "all"
                     else f"{n} ({t('src_kind_' + about.at[n, 'kind'], lang)})")
filters.to_url("table", which)
if which != "all":
    st.markdown(f"**{which}** — {fmt.md(about.at[which, 'comment'] or '–')}")
    dictionary = dictionary[dictionary.table_name == which]
else:
    overview = about.reset_index().assign(kind=lambda d: d.kind.map(lambda k: t(f"src_kind_{k}", lang)),
                                          comment=lambda d: d.comment.fillna("–"))
    tc = st.column_config.TextColumn
    blocks.table(overview, "data-dictionary-tables", lang, False, "dict-tables", column_config={
        "table_name": tc(t("src_col_table", lang), width=150), "kind": tc(t("src_col_kind", lang), width=60),
        "comment": tc(t("src_col_description", lang), width=520)}, row_height=72, visible_rows=8)
tc = st.column_config.TextColumn
blocks.table(dictionary, "data-dictionary", lang, False, "dict", column_config={
    "table_name": tc(t("src_col_table", lang), width=120),
    "column_name": tc(t("src_col_column", lang), width=150),
    "data_type": tc(t("src_col_type", lang), width=75),
    "comment": tc(t("src_col_description", lang), width=400)}, row_height=84, visible_rows=8)
