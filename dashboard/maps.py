"""Choropleth maps of the 63 provinces or the 34 units, from the geometries simplified once at build time.

Hoàng Sa (Đà Nẵng) and Trường Sa (Khánh Hòa) are always drawn, coloured like their city/province and labelled.
If the boundary file is missing or broken the map falls back to a clearly labelled tile grid at the capitals.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.colors
import plotly.graph_objects as go
import streamlit as st
from shapely.geometry import MultiPolygon, mapping, shape
from shapely.geometry.polygon import orient

from etl.paths import GEO_DIR as GEO, ROOT

from . import exports, fmt, palette
from .db import query
from .i18n import t

FILES = {"63": "provinces_63_simplified.geojson", "34": "units_34_simplified.geojson"}
ARCHIPELAGOS = ("48", "56")  # Hoàng Sa (Đà Nẵng), Trường Sa (Khánh Hòa): labelled on every map, t("archipelago_…")

# The geometry a figure draws, as files Streamlit serves (server.enableStaticServing): a figure names its file by
# URL instead of carrying 60–80 KB of coordinates on every rerun, and the browser fetches each file once (plotly.js
# keeps it in window.PlotlyGeoAssets). Written by `python -m dashboard.maps` from what geometry() and
# region_outlines() return, committed, and checked equal to them (tests/test_maps.py); a file that is missing or
# differs is not used: the figure then carries its geometry inline, as before. Exports put it back inside
# (exports.with_borders).
STATIC_DIR, STATIC_URL = exports.SERVED_GEO_DIR, exports.SERVED_GEO_URL
STATIC_FILES = {"63": "provinces_63.json", "34": "units_34.json",
                "vung": "regions_vung.json", "kc_area": "regions_kc_area.json"}


@st.cache_resource(show_spinner=False)
def geometry(view: str, geo_dir: str = str(GEO)) -> dict | None:
    """The GeoJSON for a view with a unique `fid` per feature ('48' and '48-archipelago'), or None if unreadable."""
    try:
        data = json.loads((Path(geo_dir) / FILES[view]).read_text(encoding="utf-8"))
        for f in data["features"]:
            f["geometry"] = _clockwise(f["geometry"])
            p = f["properties"]
            code = p.get("province_code") or p.get("unit_code")
            p["code"] = code
            p["fid"] = code if p.get("kind") != "archipelago" else f"{code}-archipelago"
        if not data["features"]:
            return None
        return data
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # unreadable, or a feature without geometry
        return None


@st.cache_resource(show_spinner=False)
def region_outlines(grouping: str, geo_dir: str = str(GEO)) -> dict | None:
    try:
        data = json.loads((Path(geo_dir) / "regions_simplified.geojson").read_text(encoding="utf-8"))
        for f in data["features"]:
            f["geometry"] = _clockwise(f["geometry"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    feats = [f for f in data["features"] if f["properties"].get("grouping_id") == grouping
             and f["properties"].get("kind") != "archipelago"]
    for f in feats:
        f["id"] = f["properties"]["group_id"]
    return {"type": "FeatureCollection", "features": feats}


def geometry_bytes(geo: dict) -> bytes:
    """The file form of a geometry: compact, keys in a fixed order, so equal geometries give equal bytes."""
    return json.dumps(geo, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def _static_source(key: str, geo_dir: str) -> dict | None:
    return geometry(key, geo_dir) if key in ("63", "34") else region_outlines(key, geo_dir)


def write_static(out_dir: Path = STATIC_DIR, geo_dir: str = str(GEO)) -> list[Path]:
    """Write the served geometry files from data/geo (after `python -m etl geo`, then commit them)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for key, name in STATIC_FILES.items():
        geo = _static_source(key, geo_dir)
        if geo is None or not geo["features"]:
            raise SystemExit(f"{geo_dir}: không đọc được ranh giới cho {key} / cannot read the boundaries for {key}")
        tmp = out_dir / f".{name}.tmp"
        tmp.write_bytes(geometry_bytes(geo))
        tmp.replace(out_dir / name)  # atomic: a running app never serves half a file
        written.append(out_dir / name)
    return written


@st.cache_resource(show_spinner=False)
def served_url(key: str, geo_dir: str = str(GEO), static_dir: str = str(STATIC_DIR)) -> str | None:
    """The URL of the served file holding exactly the geometry `key` draws from `geo_dir`, or None (then inline).
    Checked once per process: a stale file would draw other borders than the hover data names."""
    if key not in STATIC_FILES or Path(static_dir) != STATIC_DIR:
        return None  # only the files the server actually serves have a URL
    geo = _static_source(key, geo_dir)
    path = Path(static_dir) / STATIC_FILES[key]
    try:
        served = path.read_bytes()
    except OSError:
        return None
    if geo is None or served != geometry_bytes(geo):
        return None
    # the content's hash in the URL: a browser (or nginx's Cache-Control) may keep a file for long, and new borders
    # get a new URL
    return f"{STATIC_URL}{STATIC_FILES[key]}?v={hashlib.sha256(served).hexdigest()[:12]}"


def _clockwise(geom: dict) -> dict:
    """Plotly draws with d3-geo, which wants exterior rings clockwise (GeoJSON files are counter-clockwise);
    an unflipped ring would fill the rest of the globe instead of the province."""
    g = shape(geom)
    parts = [orient(p, sign=-1.0) for p in (g.geoms if isinstance(g, MultiPolygon) else [g])]
    return mapping(MultiPolygon(parts) if len(parts) > 1 else parts[0])


def _archipelago_centres(geo: dict) -> dict[str, tuple[float, float]]:
    out = {}
    for f in geo["features"]:
        if f["properties"].get("kind") == "archipelago":
            xs, ys = [], []
            for poly in _polygons(f["geometry"]):
                for x, y in poly[0]:
                    xs.append(x)
                    ys.append(y)
            out[f["properties"]["code"]] = (sum(xs) / len(xs), sum(ys) / len(ys))
    return out


def _polygons(geom: dict):
    return geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]


def choropleth(df: pd.DataFrame, value: str, view: str, kind: str, lang: str, diverging: bool = False,
               grouping: str | None = None, geo_dir: str = str(GEO), classes: int | None = None) -> tuple[go.Figure, bool]:
    """(figure, is_real_map). `df` has unit_code, name_vi and `value`; kind is 'mvnd', 'pct' or 'count'.
    `classes` draws quantile classes (e.g. 5 groups of about equal size) instead of a continuous scale."""
    geo = geometry(view, geo_dir)
    if geo is None:
        return tile_grid(df, value, view, kind, lang, diverging), False
    d = df[["unit_code", "name_vi", value]].copy()
    arch = [f["properties"]["code"] for f in geo["features"] if f["properties"].get("kind") == "archipelago"]
    extra = d[d.unit_code.isin(arch)].copy()
    extra["fid"] = extra["unit_code"] + "-archipelago"
    extra["name_vi"] = [t(f"archipelago_{c}", "vi").replace("<br>", " ") for c in extra["unit_code"]]
    d["fid"] = d["unit_code"]
    d = pd.concat([d, extra], ignore_index=True)
    scale = palette.DIVERGING if diverging else palette.SEQUENTIAL
    z = d[value].astype(float)
    zmid = 0 if diverging else None
    colorbar = dict(thickness=14, len=0.7, tickformat={"pct": ",.1f", "ratio": ",.2f"}.get(kind, ",.0f"))
    zmin = zmax = None
    if classes and z.notna().sum() > classes:
        z, scale, colorbar, zmin, zmax = _classed(z, classes, scale, kind, lang)
        zmid = None
    fig = go.Figure(go.Choropleth(
        geojson=served_url(view, geo_dir) or geo, featureidkey="properties.fid", locations=d["fid"], z=z,
        colorscale=scale, zmid=zmid, zmin=zmin, zmax=zmax, marker_line_color="white", marker_line_width=0.6,
        customdata=list(zip(d["unit_code"], fmt.hover(d[value], kind, lang))), text=d["name_vi"],
        hovertemplate="<b>%{text}</b><br>%{customdata[1]}<extra></extra>", colorbar=colorbar))
    if grouping:
        outlines = region_outlines(grouping, geo_dir)
        if outlines and outlines["features"]:
            ids = [f"{f['properties']['group_id']}" for f in outlines["features"]]
            fig.add_trace(go.Choropleth(geojson=served_url(grouping, geo_dir) or outlines, locations=ids,
                                        z=[0] * len(ids), showscale=False,
                                        colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                                        marker_line_color="#333", marker_line_width=1.6, hoverinfo="skip"))
    centres = _archipelago_centres(geo)
    if centres:
        codes = list(centres)
        fig.add_trace(go.Scattergeo(lon=[centres[c][0] for c in codes], lat=[centres[c][1] + 0.9 for c in codes],
                                    mode="text", text=[t(f"archipelago_{c}", lang) for c in codes],
                                    textfont=dict(size=11, color="#333"), hoverinfo="skip", showlegend=False))
    fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    fig.update_layout(height=640, margin=dict(l=0, r=0, t=80, b=40))
    return fig, True


def _classed(z: pd.Series, n: int, scale: str, kind: str, lang: str):
    """Quantile classes: each unit's class number as z, a stepped colour scale, and a legend of value ranges."""
    breaks = np.unique(np.nanquantile(z, np.linspace(0, 1, n + 1)))
    k = len(breaks) - 1
    cls = pd.Series(np.clip(np.searchsorted(breaks, z, side="right") - 1, 0, k - 1), index=z.index).where(z.notna())
    colors = plotly.colors.sample_colorscale(scale, [i / max(k - 1, 1) for i in range(k)])
    steps = [item for i, c in enumerate(colors) for item in ([i / k, c], [(i + 1) / k, c])]
    label = (lambda v: fmt.pct(v, 1, lang)) if kind == "pct" else (lambda v: fmt.number(v, 2 if kind == "ratio" else 0, lang))
    ticks = [f"{label(breaks[i])} – {label(breaks[i + 1])}" for i in range(k)]
    colorbar = dict(thickness=14, len=0.7, tickvals=[i + 0.5 for i in range(k)], ticktext=ticks)
    return cls, steps, colorbar, 0, k


def tile_grid(df: pd.DataFrame, value: str, view: str, kind: str, lang: str, diverging: bool = False) -> go.Figure:
    """Fallback: one square per unit at its capital, clearly labelled as not a map."""
    caps = query("SELECT u.unit_code AS code, p.capital_lat AS lat, p.capital_lon AS lon FROM unit_2025 u "
                 "JOIN province p ON p.province_code = u.unit_code") if view == "34" else \
        query("SELECT province_code AS code, capital_lat AS lat, capital_lon AS lon FROM province")
    d = df.merge(caps, left_on="unit_code", right_on="code", how="left").dropna(subset=["lat"])
    fig = go.Figure(go.Scatter(
        x=d["lon"], y=d["lat"], mode="markers+text", text=d["unit_code"], textfont=dict(size=9, color="black"),
        marker=dict(symbol="square", size=26, color=d[value].astype(float),
                    colorscale=palette.DIVERGING if diverging else palette.SEQUENTIAL, showscale=True),
        customdata=list(zip(d["unit_code"], d["name_vi"], fmt.hover(d[value], kind, lang))),
        hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[2]}<extra></extra>"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    fig.add_annotation(text=t("map_fallback", lang), x=0.5, y=1.0, xref="paper", yref="paper", showarrow=False,
                       font=dict(size=12, color="#a00"))
    fig.update_layout(height=640)
    return fig


def legend_note(lang: str) -> str:
    return t("archipelago_note", lang)



if __name__ == "__main__":
    import argparse
    argparse.ArgumentParser(prog="python -m dashboard.maps", description=(
        "Rewrite static/geo/ (the borders the app's maps fetch once per browser) from data/geo/, as the maps draw "
        "them; commit the result. `python -m etl geo` does it after regenerating data/geo/.")).parse_args()
    for p in write_static():
        print(f"{p.relative_to(ROOT)}  {p.stat().st_size / 1024:.0f} KB")
