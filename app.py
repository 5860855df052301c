"""Khuyến công dashboard: navigation and shared chrome only; each page lives in pages/."""
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from dashboard import blocks, filters, routes
from dashboard.db import DatabaseUnavailable
from dashboard.i18n import t

# A local favicon: a :material/…: icon is fetched from fonts.gstatic.com, which a ministry intranet blocks.
st.set_page_config(page_title="Khuyến công", page_icon=Path(__file__).parent / "static" / "favicon.png", layout="wide")
filters.start_run()
lang = filters.lang()

# Sections of the sidebar, in order: (page file, title key, icon, url path). The url paths are part of links people
# have shared: never change one. A page's file is named after its url path. The first page is the home page.
PAGES = {
    "nav_analysis": [
        ("pages/tong_quan.py", "page_overview", ":material/dashboard:", "tong-quan"),
        ("pages/kinh_phi.py", "page_budgets", ":material/payments:", "kinh-phi"),
        ("pages/nhan_luc.py", "page_staffing", ":material/groups:", "nhan-luc"),
        ("pages/cong_tac_vien.py", "page_collaborators", ":material/hub:", "cong-tac-vien"),
        ("pages/so_sanh.py", "page_compare", ":material/compare_arrows:", "so-sanh"),
        ("pages/ho_so_tinh.py", "page_profile", ":material/location_city:", "ho-so-tinh"),
        ("pages/chuong_trinh.py", "page_programme", ":material/flag:", "chuong-trinh"),
    ],
    "nav_data": [
        ("pages/nguon_du_lieu.py", "src_tab_figures", ":material/fact_check:", "nguon-du-lieu"),
        ("pages/mau_thuan.py", "src_tab_checks", ":material/gavel:", "mau-thuan"),
        ("pages/nguon_goc.py", "src_tab_origin", ":material/science:", "nguon-goc"),
        ("pages/tu_dien.py", "src_tab_dictionary", ":material/menu_book:", "tu-dien"),
        ("pages/tai_ve.py", "src_tab_downloads", ":material/download:", "tai-ve"),
        ("pages/muc_do_day_du.py", "page_coverage", ":material/grid_on:", "muc-do-day-du"),
    ],
    "nav_tools": [
        ("pages/trinh_chieu.py", "page_present", ":material/slideshow:", "trinh-chieu"),
        ("pages/nhap_bao_cao.py", "page_import", ":material/upload_file:", "nhap-bao-cao"),
        ("pages/bao_cao.py", "page_report", ":material/description:", "bao-cao"),
    ],
}
HOME = PAGES["nav_analysis"][0][0]
navigation = st.navigation({  # with_default_path: the home page also answers at /tong-quan, not only at /
    t(section, lang): routes.with_default_path([
        st.Page(path, title=t(key, lang), icon=icon, url_path=url, default=path == HOME)
        for path, key, icon, url in pages])
    for section, pages in PAGES.items()
}, expanded=True)  # every page in sight, as before the Sources page became five
lang = filters.language_switch()  # after st.navigation: pages must be registered before anything is drawn
st.sidebar.caption(t("app_subtitle", lang))
with st.sidebar:
    # one browser history entry per user action (filters.py explains); a literal: no data ever reaches st.html
    st.html("""<script>
(() => {
  if (window.__kcHistory) return;
  window.__kcHistory = true;
  const push = history.pushState.bind(history);
  let armed = false;  // the first load's own settling replaces the entry the visitor opened
  const arm = () => { armed = true; };
  for (const ev of ["pointerdown", "keydown"]) window.addEventListener(ev, arm, true);
  window.addEventListener("popstate", () => { armed = false; }, true);
  history.pushState = function (state, title, url) {
    if (armed) { armed = false; return push(state, title, url); }
    return history.replaceState(state, title, url);
  };
})();
</script>""", unsafe_allow_javascript=True)
# KPI labels wrap instead of ending in "…": the execution rate at their end was cut at 1440 px and on phones
st.html("<style>[data-testid=stMetricLabel] * {white-space: normal !important; overflow: visible !important;"
        " text-overflow: clip !important;}</style>")
# chart titles and source lines at a size a phone's width holds (charts.TITLE_CHARS, SOURCE_CHARS are set for it);
# plotly sets sizes inline, which !important outranks
st.html("<style>@media (max-width: 640px) {.js-plotly-plot .gtitle {font-size: 14px !important;}"
        " .js-plotly-plot .annotation-text {font-size: 10px !important;}}</style>")
try:
    navigation.run()
except DatabaseUnavailable as e:  # the file went bad between the page's check and one of its queries
    blocks.recovery(e, lang)
except StopException:  # a page that stops early (no data for the year) still gets its URL
    filters.settle_url()
    raise
else:
    filters.settle_url()  # not after st.rerun/st.switch_page (RerunException): the next run writes its own
