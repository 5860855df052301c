"""Issue 14's first-look fixes, as a user meets them: the era of a province code, changes across the 1/7/2025 reform,
one demo mark and a real source line per chart, downloads that spreadsheets read as numbers."""
from __future__ import annotations

import io

import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, run_page

APP = str(ROOT / "app.py")


@pytest.fixture(autouse=True)
def _warehouse(db_path, monkeypatch):
    monkeypatch.setenv("KHUYENCONG_DB", str(db_path))


def run(page: str, **params) -> AppTest:
    at = run_page(page, **params)
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_code_52_of_the_34_units_is_the_new_gia_lai_not_binh_dinh():
    new = run("pages/ho_so_tinh.py", unit="52", era="34")
    old = run("pages/ho_so_tinh.py", unit="52", era="63")
    assert [h.value for h in new.header] == ["Gia Lai"]
    assert [h.value for h in old.header] == ["Bình Định"]
    # the picker says which set of units it lists
    assert [s.label for s in new.selectbox][:1] == ["Chọn tỉnh, thành phố (34 đơn vị từ 1/7/2025)"]
    assert [s.label for s in old.selectbox][:1] == ["Chọn tỉnh, thành phố (63 tỉnh trước 1/7/2025)"]
    # the 2025 unit names the provinces it was formed from, each linking to its own (63-era) profile
    assert any("unit=64&era=63" in m.value and "unit=52&era=63" in m.value for m in new.markdown)


def test_overview_shows_no_staff_change_across_the_reform():
    at = run("pages/tong_quan.py", year="2025")
    staff = [m for m in at.metric if m.label == "Cán bộ trung tâm"][0]
    assert not staff.delta  # 63 centres in 2024 against 34 in 2025
    assert any("63 trung tâm" in c.value for c in at.caption)
    before = run("pages/tong_quan.py", year="2024")
    assert [m for m in before.metric if m.label == "Cán bộ trung tâm"][0].delta  # within one era: a change


def test_collaborators_open_2025_on_a_measure_that_has_2025_data():
    at = run("pages/cong_tac_vien.py", year="2025")
    metric = [s for s in at.selectbox if s.key.startswith("w_collab_metric")][0]
    assert metric.value == "commune_coverage_pct"
    assert not any("district_coverage_pct" in i.value or "Tỷ lệ huyện" in i.value for i in at.info)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_demo_chart_has_one_mark_and_a_source_line_linking_to_sources(lang):
    from dashboard import charts
    fig = charts.style(go.Figure(go.Bar(x=[1, 2], y=[3, 4])), "T", "u", lang, demo=True)
    texts = [a.text for a in fig.layout.annotations]
    assert sum("⚠" in x for x in texts) == 1
    source = [x for x in texts if "/nguon-du-lieu" in x]
    assert len(source) == 1 and "etl/" not in source[0] and ".py" not in source[0]


def test_ranking_bars_carry_their_values_in_vietnamese_style():
    from dashboard import charts
    df = pd.DataFrame({"unit_code": ["01", "79"], "province": ["Hà Nội", "Hồ Chí Minh"], "vung_id": ["x", "y"],
                       "v": [1234.5, 20500.0]})
    fig = charts.ranked_bars(df, "v", "province", "vung_id", "mvnd", "vi")
    assert list(fig.data[0].text) == ["1.235", "20.500"]  # smallest at the bottom


def test_xlsx_numbers_are_numeric_cells_with_a_number_format_and_csv_is_machine_readable():
    from openpyxl import load_workbook
    from dashboard import exports
    df = pd.DataFrame({"tỉnh": ["Hà Nội"], "kế hoạch": [1954.6666666666667], "đề án": [8105]})
    ws = load_workbook(io.BytesIO(exports.xlsx_bytes(df, False)))["data"]
    amount, projects = ws["B2"], ws["C2"]
    assert amount.value == pytest.approx(1954.6666666666667) and amount.number_format == "#,##0.###"
    assert projects.value == 8105 and projects.number_format == "#,##0"
    raw = exports.csv_bytes(df, False)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines()[1] == "Hà Nội,1954.6666666666667,8105"


def test_present_table_shows_numbers_in_vietnamese_style():
    at = run("pages/trinh_chieu.py", year="2024")
    table = at.table[-1].value  # a static table (its headers wrap): the unit is said once, above it
    assert "Đơn vị: triệu đồng" in [c.value for c in at.caption]
    money = [c for c in table.columns if c.startswith(("KCQG", "KCĐP", "Tổng thực hiện"))]
    assert len(money) == 5
    cells = table[money].stack()
    assert cells.map(lambda v: isinstance(v, str)).all()
    assert cells.str.fullmatch(r"\d{1,3}(\.\d{3})+").any()  # 12.345, not 12345.0
