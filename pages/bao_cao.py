"""Báo cáo / Official report: choose the scope and the year, one click drafts the report (Word and PDF)."""
import streamlit as st

from dashboard import blocks, filters, queries, report, tools
from dashboard.i18n import name_col, t

lang = filters.lang()
blocks.page("page_report", lang)
year = int(filters.sidebar("year")["year"])
st.caption(t("report_intro", lang))
tools.notice(tools.APP_TOOLS, lang)  # the report still builds without them: its charts or its PDF are left out

era = queries.era_of(year)
kind = st.segmented_control(t("report_scope_kind", lang), ["nation", "group", "unit"], default="nation",
                            required=True, key="report_kind", format_func=lambda k: t(f"report_kind_{k}", lang))
if kind == "group":
    g = queries.deck_groups()
    g = g[g.era == era]
    options = {f"{r.grouping_id}/{r.group_id}": getattr(r, name_col(lang)) for r in g.itertuples()}
elif kind == "unit":
    u = queries.units(era)
    options = dict(zip(u.unit_code, u.name_vi))
else:
    options = {"nation": t("nation", lang)}
scope = st.selectbox(t("report_scope", lang), list(options), format_func=options.get, key=f"report_scope_{kind}_{era}")
st.markdown(f"**{t('report_period', lang)}:** {t('report_period_year', lang, year=year)}")
st.caption(t("report_half_note", lang))
request = (scope, year)

built = blocks.built_on_click("report", request, lambda: report.build_bytes(scope, year),
                              (report.ReportError, tools.ToolError), lang, t("report_build", lang),
                              ":material/description:", t("report_building", lang))
if built is not None:
    info = built.info
    st.success(t("report_ready", lang, scope=options.get(scope, scope), year=info.year, pages=len([n for n in info.tables if n not in ("header-block", "signature")]),
                 charts=len(info.charts)))
    if info.demo:
        blocks.demo_badge(True, lang)
        st.caption(t("report_demo_note", lang))
    stem = report.file_stem(info)
    c1, c2, _ = st.columns([2, 1.5, 2.5])
    c1.download_button(t("report_download_docx", lang), built.docx, file_name=f"{stem}.docx", icon=":material/download:",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    if built.pdf:
        c2.download_button(t("report_download_pdf", lang), built.pdf, file_name=f"{stem}.pdf", mime="application/pdf",
                           icon=":material/picture_as_pdf:")
    else:
        st.info(t("report_no_pdf", lang))
