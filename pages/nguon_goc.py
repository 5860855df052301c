"""Nguồn gốc dữ liệu / Data origin: what is published, what is demo and what is imported, and the import log."""
import pandas as pd
import streamlit as st

from dashboard import blocks, filters, fmt, queries
from dashboard.i18n import import_log_labels, import_outcome, t

lang = filters.lang()
blocks.page("src_tab_origin", lang)
figures = queries.figures_with_kind()
stored, in_use, origins_in_use = queries.origin_summary()

log = queries.imports()
st.markdown(t("src_origin_intro", lang))
c = st.columns(3)
with c[0].container(border=True, height="stretch"):
    st.markdown(f"#### :material/menu_book: {t('src_origin_published_title', lang)}")
    st.markdown(t("src_origin_published_body", lang, figures=fmt.number(len(figures), 0, lang),
                  sources=fmt.number(figures.loc[~figures.derived, "source_id"].nunique(), 0, lang),
                  derived=fmt.number(int(figures.derived.sum()), 0, lang)))
with c[1].container(border=True, height="stretch"):
    st.markdown(f"#### :material/science: {t('src_origin_demo_title', lang)}")
    blocks.demo_badge(True, lang)
    st.markdown(t("src_origin_demo_body", lang,
                  rows=fmt.number(stored.get("demo", pd.Series()).sum(), 0, lang), targets=fmt.number(int((figures.calibrate == "target").sum()), 0, lang)))
with c[2].container(border=True, height="stretch"):
    st.markdown(f"#### :material/verified: {t('src_origin_imported_title', lang)}")
    blocks.demo_badge(False, lang, imported=True)
    st.markdown(t("src_origin_imported_body", lang,
                  rows=fmt.number(stored.get("imported", pd.Series()).sum(), 0, lang),
                  files=fmt.number(int((log.outcome == "loaded").sum()) if len(log) else 0, 0, lang)))

st.subheader(t("src_origin_table", lang))
tables = ["budget", "project", "staffing", "collaborators"]


def rows_of(df: pd.DataFrame, origin: str) -> list[int]:
    return [int(df[origin].fillna(0).get(x, 0)) if origin in df.columns else 0 for x in tables]  # NaN: none stored

counts = pd.DataFrame({"table_name": tables, "description": [t(f"src_table_{x}", lang) for x in tables],
                       "stored_demo": rows_of(stored, "demo"), "stored_imported": rows_of(stored, "imported"),
                       "used_demo": rows_of(in_use, "demo"), "used_imported": rows_of(in_use, "imported")})
shown = counts[["table_name", "description"]].copy()
for c_ in ("stored_demo", "stored_imported", "used_demo", "used_imported"):
    shown[f"{c_}_shown"] = counts[c_].map(lambda n: fmt.number(n, 0, lang))
shown["imported_share"] = [fmt.pct(100 * i / (d + i) if d + i else float("nan"), 2, lang)
                           for d, i in zip(counts.used_demo, counts.used_imported)]
shown = shown.join(counts[["stored_demo", "stored_imported", "used_demo", "used_imported"]])
tc = st.column_config.TextColumn
num = lambda key: tc(t(key, lang), alignment="right")  # noqa: E731 — numbers as Vietnamese text, aligned as numbers
# the warehouse's table name (budget, project…) is for the downloads: on screen its description says it in the
# reader's language, and the six columns fit at 1440 px without a scroll bar
blocks.table(shown, "rows-by-origin", lang, False, key="origin", column_config={
    "table_name": None,
    "description": tc(t("src_col_description", lang)),
    "stored_demo_shown": num("src_col_stored_demo"),
    "stored_imported_shown": num("src_col_stored_imported"),
    "used_demo_shown": num("src_col_used_demo"),
    "used_imported_shown": num("src_col_used_imported"),
    "imported_share": num("src_col_imported_share"),
    **{c_: None for c_ in ("stored_demo", "stored_imported", "used_demo", "used_imported")}})

st.subheader(t("src_import_log", lang))
if log.empty:
    st.info(t("src_no_imports", lang), icon=":material/info:")
    st.code(f'python -m etl template             # {t("src_cmd_template", lang)}\n'
            f'python -m etl load bao-cao-tinh.xlsx --by "{t("src_cmd_name", lang)}"', language="bash",
            wrap_lines=True)  # a phone would hide the end of the command
else:
    shown = log[["file_name", "imported_at", "imported_by"]].copy()
    for c_ in ("rows_budget", "rows_project", "rows_staffing", "rows_collaborators"):
        shown[f"{c_}_shown"] = log[c_].map(lambda n: fmt.number(n, 0, lang))
    shown = shown.join(log.drop(columns=["file_name", "imported_at", "imported_by"]))
    shown["outcome"] = shown.outcome.map(lambda o: import_outcome(o, lang))
    label = import_log_labels(lang)
    blocks.table(shown, "import-log", lang, False, key="imports", column_config={
        **{c_: tc(label[c_]) for c_ in label if not c_.startswith("rows_")},
        "file_name": tc(label["file_name"], width="medium"), "file_sha256": tc("SHA-256", width="small"),
        **{f"{c_}_shown": tc(label[c_]) for c_ in label if c_.startswith("rows_")},
        **{c_: None for c_ in ("rows_budget", "rows_project", "rows_staffing", "rows_collaborators")}})
