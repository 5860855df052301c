"""Nhập báo cáo / Import reports: editors load filled templates; viewers see only how to sign in."""
import os
from pathlib import Path

import streamlit as st

from dashboard import auth, blocks, filters, queries, uploader
from dashboard.db import db_path
from dashboard.i18n import import_log_labels, import_outcome, t
from etl.errors import BuildError
from etl.paths import DATA
from etl.reports.load import load_files
from etl.reports.template import template_bytes

lang = filters.lang()
blocks.page("page_import", lang)
st.write(t("import_intro", lang))
st.download_button(t("import_template", lang), template_bytes, file_name="mau-bao-cao-khuyen-cong.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/download:")

st.subheader(t("import_log", lang))  # what was loaded, by whom and when, is public to every reader
log = queries.imports()
if log.empty:  # an empty grid would show Streamlit's English "empty" under English column names
    st.info(t("import_log_empty", lang), icon=":material/info:")
else:
    blocks.table(log.assign(outcome=log.outcome.map(lambda o: import_outcome(o, lang))), "import-log", lang, demo=False,
                 key="import-log", column_config=import_log_labels(lang))

editor = auth.current_editor()
if editor is None:
    st.info(t("import_viewer", lang))
    auth.sign_in_form(lang)
    st.stop()

st.success(t("import_signed_in", lang, name=editor))
auth.sign_out(lang)
files = uploader.file_uploader(t("import_files", lang), ["xlsx", "csv"], lang, accept_multiple_files=True)
c1, c2 = st.columns(2)
check = c1.button(t("import_check", lang), disabled=not files)
load = c2.button(t("import_load", lang), disabled=not files, type="primary")
if files and (check or load):
    data_dir = Path(os.environ.get("KHUYENCONG_DATA", DATA))
    try:
        result = load_files(files, db_path(), imported_by=editor, data_dir=data_dir, dry_run=check)
    except BuildError as e:  # the server's disk or database, not the files (full, read-only, missing): nothing changed
        st.error(t("import_failed_server", lang))
        st.text(str(e))
        st.stop()
    for f in result.files:
        label = t({"loaded": "import_loaded", "already loaded": "import_already", "rejected": "import_rejected",
                   "valid": "import_valid"}[f.outcome], lang)
        (st.error if f.outcome == "rejected" else st.success)(label)
        # Everything that comes from the file (its name, its cells) is shown as plain text, never as markdown/HTML.
        st.text(f"{f.file} · " + ", ".join(f"{k}: {n}" for k, n in f.rows.items() if n))
        for e in f.errors:
            st.text("✖ " + str(e))
        for w in f.warnings:
            st.text("⚠ " + str(w))
    if result.db_changed:
        st.cache_data.clear()  # the file was replaced: cached query results describe the old one
