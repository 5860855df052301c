"""Tải dữ liệu / Downloads: every table of the warehouse as CSV or XLSX, one by one or all in one zip."""
import streamlit as st

from dashboard import blocks, exports, filters, fmt, queries
from dashboard.i18n import t

lang = filters.lang()
blocks.page("src_tab_downloads", lang)
stored, in_use, origins_in_use = queries.origin_summary()
warehouse_origin = " + ".join(t(f"origin_{o}", lang) for o in origins_in_use) or "–"
warehouse_demo = "demo" in origins_in_use

st.markdown(t("src_dl_intro", lang))
rows = queries.export_rows().set_index("table_name")["rows"]


def demo_in(name: str) -> bool:  # a table with demo rows, or checks computed from them
    if name == "calibration_check":
        return warehouse_demo
    return name in stored.index and stored.loc[name].get("demo", 0) > 0


def origin_of(name: str) -> str:
    if name in stored.index:
        present_ = [o for o in ("demo", "imported") if stored.loc[name].get(o, 0) > 0]
        return " + ".join(t(f"origin_{o}", lang) for o in present_)
    if name in ("published_figure", "source_check"):
        return t("origin_published", lang)
    if name == "calibration_check":
        return t("origin_published", lang) + " · " + warehouse_origin
    return t("src_origin_metadata" if name in ("source", "import_log") else "src_origin_reference", lang)


def as_zip() -> bytes:
    tables = {name: (lambda n=name: queries.export_table(n)) for name in queries.EXPORTS}
    return exports.tables_zip({**tables, "data-dictionary": queries.dictionary}, demo_in)


st.download_button(t("src_dl_zip", lang), as_zip, file_name="khuyencong-tables.zip", mime="application/zip",
                   key="dl-zip", icon=":material/folder_zip:", type="primary")
# A table on a wide screen; on a phone Streamlit stacks the columns, so there the header row goes and each cell
# carries its own label (the CSS below), else a row would read "63 / tham chiếu" with nothing saying which is which.
st.html("<style>[class*=st-key-dl-row-] [data-testid=stCaptionContainer] {display: none;}"
        " @media (max-width: 640px) {.st-key-dl-head {display: none;}"
        " [class*=st-key-dl-row-] [data-testid=stCaptionContainer] {display: block; margin-bottom: -0.75rem;}"
        " [class*=st-key-dl-row-] {border-top: 1px solid #ddd; padding-top: .5rem;}}</style>")
COLS = ("src_col_table", "src_col_description", "src_col_rows", "src_col_origin_kind")
with st.container(key="dl-head"):
    for col, key in zip(st.columns([2, 3, 1, 2, 1, 1]), COLS):
        col.markdown(f"**{t(key, lang)}**")


def cell(col, key: str, text: str) -> None:
    col.caption(t(key, lang))  # the cell's label, shown only on a phone (CSS above); the text stays escaped markdown
    col.markdown(text)


for name in queries.EXPORTS:
    demo = demo_in(name)
    c = st.container(key=f"dl-row-{name}").columns([2, 3, 1, 2, 1, 1], vertical_alignment="center")
    cell(c[0], COLS[0], f"`{name}`")
    cell(c[1], COLS[1], t(f"src_table_{name}", lang))
    cell(c[2], COLS[2], fmt.number(int(rows.get(name, 0)), 0, lang))
    cell(c[3], COLS[3], origin_of(name))
    stem = exports.file_stem(name, demo)
    c[4].download_button("CSV", lambda n=name, d=demo: exports.csv_bytes(queries.export_table(n), d),
                         file_name=f"{stem}.csv", mime="text/csv", key=f"dl-{name}-csv", icon=":material/download:",
                         help=t("download_csv", lang))
    c[5].download_button("XLSX", lambda n=name, d=demo: exports.xlsx_bytes(queries.export_table(n), d),
                         file_name=f"{stem}.xlsx", key=f"dl-{name}-xlsx", icon=":material/table:",
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         help=t("download_xlsx", lang))
