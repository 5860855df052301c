"""Khuyến công dashboard: navigation and shared chrome only; each page lives in pages/."""
import streamlit as st

from dashboard import blocks, filters
from dashboard.db import DatabaseUnavailable
from dashboard.i18n import t

st.set_page_config(page_title="Khuyến công", page_icon=":material/factory:", layout="wide")
lang = filters.lang()

PAGES = [
    ("pages/1_tong_quan.py", "page_overview", ":material/dashboard:", "tong-quan"),
    ("pages/2_kinh_phi.py", "page_budgets", ":material/payments:", "kinh-phi"),
    ("pages/3_nhan_luc.py", "page_staffing", ":material/groups:", "nhan-luc"),
    ("pages/4_cong_tac_vien.py", "page_collaborators", ":material/hub:", "cong-tac-vien"),
    ("pages/5_so_sanh.py", "page_compare", ":material/compare_arrows:", "so-sanh"),
    ("pages/6_ho_so_tinh.py", "page_profile", ":material/location_city:", "ho-so-tinh"),
    ("pages/7_nguon_du_lieu.py", "page_sources", ":material/fact_check:", "nguon-du-lieu"),
    ("pages/8_trinh_chieu.py", "page_present", ":material/slideshow:", "trinh-chieu"),
    ("pages/9_nhap_bao_cao.py", "page_import", ":material/upload_file:", "nhap-bao-cao"),
]
navigation = st.navigation([
    st.Page(path, title=t(key, lang), icon=icon, url_path=url, default=(i == 0))
    for i, (path, key, icon, url) in enumerate(PAGES)
])
lang = filters.language_switch()  # after st.navigation: pages must be registered before anything is drawn
st.sidebar.caption(t("app_subtitle", lang))
try:
    navigation.run()
except DatabaseUnavailable as e:  # the file went bad between the page's check and one of its queries
    blocks.recovery(e, lang)
