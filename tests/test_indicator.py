"""The indicator block of Budgets, Staffing and Collaborators: map, chart over time or table (?tab=…), a year player,
share and embed links, SVG and self-contained HTML downloads, and the indicator's definition, unit, origin and date."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, run_page

APP = str(ROOT / "app.py")
PAGES = ["pages/kinh_phi.py", "pages/nhan_luc.py", "pages/cong_tac_vien.py"]


@pytest.fixture(autouse=True)
def _warehouse(db_path, monkeypatch):
    monkeypatch.setenv("KHUYENCONG_DB", str(db_path))


def run(page: str, **params) -> AppTest:
    return run_page(page, **params)


def qp(at, name):
    v = at.query_params[name]
    return v[0] if isinstance(v, list) else v


def specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def vi_number(text: str) -> Decimal:
    """'1.234,567' → Decimal('1234.567'): the table shows Vietnamese numbers."""
    return Decimal(text.replace(".", "").replace(",", "."))


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("tab", ["map", "chart", "table"])
@pytest.mark.parametrize("page", PAGES)
def test_every_view_of_every_indicator_page_renders_in_both_languages(page, tab, lang):
    at = run(page, tab=tab, lang=lang)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert qp(at, "tab") == tab
    about = " ".join(c.value for c in at.caption)
    for label in {"vi": ("Định nghĩa", "Đơn vị", "Nguồn gốc số liệu", "Cập nhật"),
                  "en": ("Definition", "Unit", "Data origin", "Last updated")}[lang]:
        assert f"**{label}:**" in about
    if tab == "table":
        assert len(at.dataframe) >= 1
    if tab == "map":
        map_, ranking = specs(at)[:2]
        assert map_["data"][0]["type"] == "choropleth" and ranking["data"][0]["orientation"] == "h"
    if tab == "chart":
        lines = specs(at)[0]
        assert all(tr["type"] == "scatter" for tr in lines["data"])
        assert sum(tr.get("showlegend", True) for tr in lines["data"]) == 5  # the five highest of the year in colour


def test_the_table_for_2017_holds_the_warehouse_amounts(con):
    """?tab=table&year=2017 reproduces the table of 2017: each province's KCQG actual spending as the warehouse
    stores it, in Vietnamese number style, ranked from the largest."""
    at = run("pages/kinh_phi.py", tab="table", year="2017", view="63", fund="kcqg", status="actual", measure="amount")
    assert not at.exception
    assert qp(at, "tab") == "table" and qp(at, "year") == "2017"
    table = at.dataframe[0].value
    value_col = next(c for c in table.columns if c.startswith("2017 ("))
    shown = {name: vi_number(v) for name, v in zip(table["Tỉnh, thành phố"], table[value_col])}
    stored = dict(con.execute("""SELECT p.name_vi, b.actual_mvnd FROM budget_current b
                                 JOIN province p ON p.province_code = b.unit_code
                                 WHERE b.year = 2017 AND b.fund = 'kcqg' AND b.era = '63'""").fetchall())
    assert len(shown) == 63 and shown == stored  # Decimal equality: 1234.500 == 1234.5
    ranks = [int(r) for r in table["Hạng"]]
    assert ranks == sorted(ranks) and ranks[0] == 1
    top = max(stored, key=stored.get)
    assert table["Tỉnh, thành phố"].iloc[0] == top


def test_the_staffing_table_equals_the_warehouse_view(con):
    at = run("pages/nhan_luc.py", tab="table", year="2022", view="63", staff_metric="staff_total")
    assert not at.exception
    table = at.dataframe[0].value
    shown = {n: int(vi_number(v)) for n, v in zip(table["Tỉnh, thành phố"], table["2022 (người)"])}
    stored = dict(con.execute("SELECT name_vi, staff_total FROM v_unit_year WHERE year = 2022 AND era = '63'").fetchall())
    assert shown == stored


def test_the_map_plays_through_the_years_of_one_set_of_units(con):
    """In the 63 provinces the frames are 2013–2024 (2025 has only the 34 units); in the 34 units every year,
    the earlier ones aggregated. The map opens on the chosen year."""
    years63 = [r[0] for r in con.execute("SELECT DISTINCT year FROM v_unit_year WHERE era = '63' ORDER BY 1").fetchall()]
    all_years = [r[0] for r in con.execute("SELECT DISTINCT year FROM v_unit_year ORDER BY 1").fetchall()]
    at = run("pages/kinh_phi.py", year="2017", view="63")
    map_, ranking = specs(at)[:2]
    assert [f["name"] for f in map_["frames"]] == [str(y) for y in years63]
    assert [f["name"] for f in ranking["frames"]] == [str(y) for y in years63]
    assert map_["layout"]["sliders"][0]["active"] == years63.index(2017)
    # the 2020 frame holds the 2020 amounts of the 63 provinces
    frame = next(f for f in map_["frames"] if f["name"] == "2020")
    locs = map_["data"][0]["locations"]
    z = dict(zip(locs, frame["data"][0]["z"]))
    hn = con.execute("SELECT total_planned_mvnd FROM v_unit_year WHERE year = 2020 AND era = '63' AND unit_code = '01'"
                     ).fetchone()[0]
    assert z["01"] == pytest.approx(float(hn))
    at = run("pages/kinh_phi.py", year="2025", view="34")
    map_ = specs(at)[0]
    assert [f["name"] for f in map_["frames"]] == [str(y) for y in all_years]
    assert len(map_["data"][0]["locations"]) < 40


def test_share_links_pin_every_value_and_the_embed_shows_the_indicator_alone():
    at = run("pages/nhan_luc.py", tab="chart", year="2020", lang="en")
    codes = [c.value for c in at.code]
    link = next(c for c in codes if "only=indicator" not in c and "tab=chart" in c)
    for part in ("tab=chart", "year=2020", "view=63", "lang=en", "staff_metric=staff_total", "grouping=vung"):
        assert part in link
    embed = next(c for c in codes if "only=indicator" in c and not c.startswith("<iframe"))
    assert "embed=true" in embed and "tab=chart" in embed
    alone = run("pages/nhan_luc.py", tab="chart", year="2020", only="indicator")
    assert not alone.exception
    styles = " ".join(h.proto.body for h in alone.get("html"))
    assert 'section[data-testid="stSidebar"]' in styles and "st-key-indicator-block" in styles
    normal = run("pages/nhan_luc.py", tab="chart", year="2020")
    assert "stSidebar" not in " ".join(h.proto.body for h in normal.get("html"))


@pytest.mark.skipif(not __import__("shutil").which("chromium"), reason="kaleido needs Chromium for SVG")
def test_svg_of_the_map_is_a_vector_image():
    from dashboard import indicator, maps, queries
    df = queries.unit_year(2017, "63")
    fig, _ = maps.choropleth(df, "total_planned_mvnd", "63", "mvnd", "vi")
    svg = indicator.to_svg(fig)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg") and b"<path" in svg
    # every province and both archipelagos drawn (the screen figure only names its borders' URL)
    assert svg.count(b'class="choroplethlocation"') >= 65


def test_html_download_is_self_contained_and_plays():
    from dashboard import charts, indicator, maps, queries
    panel = queries.indicator_panel("total_planned_mvnd", "63", "budget_origin")
    df = queries.unit_year(2017, "63")
    fig, _ = maps.choropleth(df, "total_planned_mvnd", "63", "mvnd", "vi")
    charts.style(fig, "Total planned 2017", "triệu đồng", "vi", True, height=680)
    years = sorted(set(panel.year))
    fig = indicator.map_frames(fig, panel, 2017, years, "mvnd", "vi", lambda y: f"Total planned {y}", False)
    html = indicator.to_html(fig, "vi").decode("utf-8")
    assert "Plotly" in html and len(html) > 3_000_000  # plotly.js is inside the file
    assert not re.search(r"<script[^>]*src=[\"']?https?:", html)
    assert "window.PlotlyGeoAssets" in html and '"world_110m"' in html  # the world outline too: no CDN fetch
    assert "app/static/geo" not in html and '"48-archipelago"' in html  # the borders inside, not by the app's URL
    assert html.count('"name":"2020"') == 1  # the frames travel with it: a presenter can play the years offline
    assert "Total planned 2024" in html  # each frame carries its year's title
