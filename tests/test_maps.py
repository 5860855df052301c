"""The map's borders travel once: served from static/geo/ and referenced by URL, inlined again wherever a figure
leaves the server (HTML download, PNG/SVG)."""
from __future__ import annotations

import json
import shutil

import pytest

from conftest import ROOT


@pytest.fixture
def unit_year(db_path, monkeypatch):
    monkeypatch.setenv("KHUYENCONG_DB", str(db_path))
    from dashboard import db, metrics, queries
    return lambda year, view: metrics.derive(db.query(queries.UNIT_YEAR_SAME_ERA, [year, view]))


@pytest.mark.parametrize("key", ["63", "34", "vung", "kc_area"])
def test_served_geometry_file_is_exactly_what_the_build_draws(key):
    """A stale static file would draw other borders than the hover data name: regenerate with
    `python -m dashboard.maps` (done by `python -m etl geo`) and commit."""
    from dashboard import maps
    source = maps.geometry(key) if key in ("63", "34") else maps.region_outlines(key)
    served = ROOT / "static" / "geo" / maps.STATIC_FILES[key]
    assert served.read_bytes() == maps.geometry_bytes(source), f"{served} differs from data/geo"
    n = {"63": 65, "34": 36}.get(key)  # units + Hoàng Sa + Trường Sa
    if n:
        assert len(json.loads(served.read_bytes())["features"]) == n


@pytest.mark.parametrize("view,year", [("63", 2024), ("34", 2025)])
def test_map_figure_references_its_borders_instead_of_carrying_them(unit_year, view, year):
    from dashboard import maps
    fig, real = maps.choropleth(unit_year(year, view), "total_planned_mvnd", view, "mvnd", "vi", grouping="vung")
    assert real
    assert fig.data[0].geojson.startswith(f"app/static/geo/{maps.STATIC_FILES[view]}?v=")
    assert fig.data[1].geojson.startswith("app/static/geo/regions_vung.json?v=")
    # what Streamlit sends per rerun: colours, hover text and labels, not 60-80 KB of coordinates
    assert len(fig.to_json()) < 25_000


def test_a_stale_or_foreign_geometry_is_carried_inline(unit_year, tmp_path):
    from dashboard import maps
    stale = tmp_path / "geo"
    shutil.copytree(maps.STATIC_DIR, stale)
    data = json.loads((stale / "provinces_63.json").read_bytes())
    data["features"].pop()
    (stale / "provinces_63.json").write_bytes(maps.geometry_bytes(data))
    maps.served_url.clear()
    try:
        maps.STATIC_DIR, saved = stale, maps.STATIC_DIR
        assert maps.served_url("63", static_dir=str(stale)) is None  # one feature short: not used
        assert maps.served_url("34", static_dir=str(stale)).startswith("app/static/geo/units_34.json?v=")  # equal
    finally:
        maps.STATIC_DIR = saved
        maps.served_url.clear()
    # a user's own boundaries (one border moved) are not the served ones: drawn from what the user gave
    geo = tmp_path / "own"
    shutil.copytree(ROOT / "data" / "geo", geo)
    own = json.loads((geo / maps.FILES["63"]).read_bytes())
    ring = own["features"][0]["geometry"]["coordinates"][0]
    ring = ring[0] if own["features"][0]["geometry"]["type"] == "MultiPolygon" else ring
    ring[1] = [ring[1][0] + 0.01, ring[1][1]]
    (geo / maps.FILES["63"]).write_text(json.dumps(own), encoding="utf-8")
    fig, real = maps.choropleth(unit_year(2024, "63"), "total_planned_mvnd", "63", "mvnd", "vi", geo_dir=str(geo))
    assert real and isinstance(fig.data[0].geojson, dict) and len(fig.data[0].geojson["features"]) == 65


def test_with_borders_puts_them_back_for_exports(unit_year):
    from dashboard import exports, maps
    fig, _ = maps.choropleth(unit_year(2024, "63"), "total_planned_mvnd", "63", "mvnd", "vi", grouping="kc_area")
    out = exports.with_borders(fig)
    assert isinstance(fig.data[0].geojson, str)  # the screen figure is left as it is
    assert {f["properties"]["fid"] for f in out.data[0].geojson["features"]} >= {"01", "48", "48-archipelago", "56-archipelago"}
    assert out.data[1].geojson == json.loads((maps.STATIC_DIR / "regions_kc_area.json").read_bytes())
    assert "app/static/geo" not in out.to_json()


@pytest.mark.skipif(not shutil.which("chromium"), reason="kaleido needs Chromium for PNG")
def test_projector_png_of_a_map_renders(unit_year):
    """kaleido cannot fetch the app's relative URL (it raised 'Unexpected error while fetching'): to_png inlines."""
    from dashboard import charts, maps
    fig, _ = maps.choropleth(unit_year(2025, "34"), "total_planned_mvnd", "34", "mvnd", "vi", grouping="vung")
    png = charts.to_png(fig)
    assert png.startswith(b"\x89PNG") and len(png) > 50_000
