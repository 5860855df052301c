"""The deck's figures: plotly charts drawn at their size on the slide, and rendered to PNG together.

Slide images are drawn at their size on the slide (96 px per inch) and rendered at 2× for the projector, so a
plotly font of 24 px is 18 pt on the slide. Titles live on the slide, not in the image."""
from __future__ import annotations

import math
import tempfile
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from .. import fmt, maps, tools
from ..charts import FONT, SEQUENTIAL
from ..i18n import t

DECK_PX_PER_IN = 96
DECK_FONT_PX = 24


def deck_layout(fig: go.Figure, lang: str, width_in: float, height_in: float, legend: bool = True) -> go.Figure:
    fig.update_layout(
        font=dict(family=FONT, size=DECK_FONT_PX, color="#222"), separators=fmt.plotly_separators(lang),
        width=round(width_in * DECK_PX_PER_IN), height=round(height_in * DECK_PX_PER_IN),
        margin=dict(l=10, r=20, t=50 if legend else 10, b=10), paper_bgcolor="white", plot_bgcolor="white",
        showlegend=legend, legend=dict(orientation="h", x=0, y=1.0, xanchor="left", yanchor="bottom",
                                       font=dict(size=DECK_FONT_PX - 2), traceorder="normal"))
    fig.update_xaxes(gridcolor="#e6e6e6", zeroline=True, zerolinecolor="#999")
    fig.update_yaxes(gridcolor="#e6e6e6")
    return fig


def _label_px(texts, size: int) -> float:
    """Rough width in px of the longest label (Noto Sans averages ~0.56 em per character)."""
    return max((len(str(s)) for s in texts), default=0) * 0.56 * size + 16


def deck_bars(names: list[str], parts: list[dict], labels: list[str], lang: str, width_in: float, height_in: float,
              mode: str = "stack", columns: int = 1) -> go.Figure:
    """Horizontal bars, first name on top, split into `columns` side-by-side panels sharing one scale.

    Each part is {"values": [...], "name": legend label, "color": colour or list of colours}; `labels` are
    pre-formatted texts written past the end of each bar (Vietnamese or English conventions by the caller).
    mode 'stack' adds the parts; 'overlay' draws later parts inside earlier ones (a subset, e.g. grassroots staff).
    """
    n = len(names)
    per = max(1, -(-n // columns))
    width_px = width_in * DECK_PX_PER_IN
    tick_px = DECK_FONT_PX if per <= 16 else DECK_FONT_PX - 2
    name_frac = _label_px(names, tick_px) / width_px  # room for the names left of each panel
    col_frac = 1.0 / columns
    fig = go.Figure()
    vals = [[float(p["values"][i]) if p["values"][i] == p["values"][i] and p["values"][i] is not None else 0.0
             for i in range(n)] for p in parts]
    ends = [sum(v[i] for v in vals) if mode == "stack" else max(v[i] for v in vals) for i in range(n)]
    lo = min([0.0] + [x for v in vals for x in v])
    hi = max([0.0] + ends)
    span = (hi - lo) or 1.0
    label_frac = _label_px(labels, DECK_FONT_PX - 2) / width_px  # room for the value labels right of the bars
    for c in range(columns):
        idx = list(range(c * per, min(n, (c + 1) * per)))
        ax = "" if c == 0 else str(c + 1)
        x0 = c * col_frac + name_frac
        x1 = (c + 1) * col_frac - 0.01
        bar_frac = max(0.05, x1 - x0 - label_frac - (label_frac if lo < 0 else 0))
        room = span * (label_frac / bar_frac)
        ys = [names[i] for i in idx]
        for k, p in enumerate(parts):
            color = p["color"]
            colors = [color[i] for i in idx] if isinstance(color, list) else color
            last = (k == len(parts) - 1) if mode == "stack" else k == 0
            fig.add_trace(go.Bar(
                y=ys, x=[vals[k][i] for i in idx], orientation="h", name=p["name"], marker_color=colors,
                legendgroup=p["name"], showlegend=c == 0 and bool(p["name"]), xaxis=f"x{ax}", yaxis=f"y{ax}",
                width=0.78 if (mode == "stack" or k == 0) else 0.42,
                text=[labels[i] for i in idx] if last else None, textposition="outside", cliponaxis=False,
                textfont=dict(size=DECK_FONT_PX - 2), hoverinfo="skip"))
        fig.update_layout({
            f"xaxis{ax}": dict(domain=[x0, x1], anchor=f"y{ax}", range=[lo - (room if lo < 0 else 0), hi + room],
                               showticklabels=False, showgrid=False, zeroline=True, zerolinecolor="#999"),
            f"yaxis{ax}": dict(anchor=f"x{ax}", categoryorder="array", categoryarray=ys[::-1], tickmode="array",
                               tickvals=ys, ticktext=ys, tickfont=dict(size=tick_px), automargin=False,
                               range=[len(ys) - 0.5 - per, len(ys) - 0.5], showgrid=False),  # same bar size in every panel
        })
    fig.update_layout(barmode=mode, bargap=0.22)
    return fig


def _mercator_frame(x0: float, y0: float, x1: float, y1: float, w: float, h: float, pad: float = 1.08) -> dict:
    """lon/lat ranges that show the box at aspect w:h in a Mercator projection (so the frame is filled)."""
    merc = lambda la: math.log(math.tan(math.pi / 4 + math.radians(la) / 2))  # noqa: E731
    inv = lambda m: math.degrees(2 * math.atan(math.exp(m)) - math.pi / 2)  # noqa: E731
    wx, my0, my1 = math.radians(x1 - x0) * pad, merc(y0), merc(y1)
    wy = (my1 - my0) * pad
    wx, wy = max(wx, 1e-3), max(wy, 1e-3)
    if wx / wy < w / h:
        wx = wy * w / h
    else:
        wy = wx * h / w
    cx, cy = (x0 + x1) / 2, (my0 + my1) / 2
    return dict(lonaxis_range=[cx - math.degrees(wx) / 2, cx + math.degrees(wx) / 2],
                lataxis_range=[inv(cy - wy / 2), inv(cy + wy / 2)])


def deck_region_map(values: pd.DataFrame, value: str, view: str, ranks: dict[str, int], lang: str,
                    width_in: float, height_in: float, unit_label: str) -> go.Figure:
    """The area's units coloured by `value`, numbered by rank, neighbours in grey, framed on the area's mainland.
    A member's archipelago (Hoàng Sa of Đà Nẵng, Trường Sa of Khánh Hòa) is drawn in its own labelled inset."""
    from shapely.geometry import shape

    geo = maps.geometry(view)
    if geo is None:
        fig, _ = maps.choropleth(values, value, view, "mvnd", lang)
        return deck_layout(fig, lang, width_in, height_in, legend=False)
    members = set(values["unit_code"])
    z = dict(zip(values["unit_code"], values[value].astype(float)))
    zs = [v for v in z.values() if v == v]
    zmin, zmax = (min(zs), max(zs)) if zs else (0, 1)
    feats = geo["features"]
    own = [f for f in feats if f["properties"]["code"] in members]
    land = [f for f in own if f["properties"].get("kind") != "archipelago"]
    arch = [f for f in own if f["properties"].get("kind") == "archipelago"]
    others = [f["properties"]["fid"] for f in feats if f["properties"]["code"] not in members]
    map_right = 0.84 if not arch else 0.62
    geos = {"geo": (land, [0, map_right], [0, 1])}
    for k, f in enumerate(arch):  # insets stacked at the right, top first
        top = 1 - k * 0.5
        geos[f"geo{k + 2}"] = ([f], [map_right + 0.02, 0.84], [top - 0.42, top - 0.08])
    fig = go.Figure()
    colorbar = dict(title=dict(text=unit_label, side="right", font=dict(size=DECK_FONT_PX - 4)), thickness=22,
                    len=0.85, tickformat=",.0f", tickfont=dict(size=DECK_FONT_PX - 4), x=0.87, xanchor="left")
    for gid, (frame_feats, xdom, ydom) in geos.items():
        # the main frame draws land only (a member's archipelago has its inset); an inset draws its archipelago only
        shown = own if gid != "geo" else land
        grey = others if gid != "geo" else [f["properties"]["fid"] for f in feats if f["properties"]["code"] not in
                                            members and f["properties"].get("kind") != "archipelago"]
        fig.add_trace(go.Choropleth(geojson=geo, featureidkey="properties.fid", locations=grey,
                                    z=[0] * len(grey), colorscale=[[0, "#e9e9e9"], [1, "#e9e9e9"]], showscale=False,
                                    marker_line_color="white", marker_line_width=1, hoverinfo="skip", geo=gid))
        fig.add_trace(go.Choropleth(
            geojson=geo, featureidkey="properties.fid", locations=[f["properties"]["fid"] for f in shown],
            z=[z.get(f["properties"]["code"]) for f in shown], zmin=zmin, zmax=zmax, colorscale=SEQUENTIAL,
            marker_line_color="white", marker_line_width=1.2, hoverinfo="skip", geo=gid,
            showscale=gid == "geo", colorbar=colorbar))
        x0, y0, x1, y1 = _bounds([shape(f["geometry"]) for f in frame_feats])
        w = (xdom[1] - xdom[0]) * width_in
        h = (ydom[1] - ydom[0]) * height_in
        fig.update_layout({gid: dict(visible=False, projection_type="mercator", showland=False, showframe=False,
                                     domain=dict(x=xdom, y=ydom), **_mercator_frame(x0, y0, x1, y1, w, h))})
        if gid != "geo":
            code = frame_feats[0]["properties"]["code"]
            fig.add_shape(type="rect", xref="paper", yref="paper", x0=xdom[0], x1=xdom[1], y0=ydom[0], y1=ydom[1],
                          line=dict(color="#777", width=1.5))
            fig.add_annotation(text=t(f"archipelago_{code}", lang), xref="paper", yref="paper",
                               x=(xdom[0] + xdom[1]) / 2, y=ydom[1], yanchor="bottom", showarrow=False,
                               font=dict(size=DECK_FONT_PX - 6, color="#333"))
    # Number each unit at a point inside its largest piece of land.
    lon, lat, text = [], [], []
    for f in land:
        g = shape(f["geometry"])
        pt = max(getattr(g, "geoms", [g]), key=lambda p: p.area).representative_point()
        lon.append(pt.x)
        lat.append(pt.y)
        text.append(str(ranks.get(f["properties"]["code"], "")))
    small = len(text) > 16
    fig.add_trace(go.Scattergeo(lon=lon, lat=lat, mode="markers+text", text=text, hoverinfo="skip", geo="geo",
                                marker=dict(size=24 if small else 30, color="white",
                                            line=dict(color="#333", width=1.5)),
                                textfont=dict(size=13 if small else 17, color="#111", family=FONT)))
    deck_layout(fig, lang, width_in, height_in, legend=False)
    fig.update_layout(margin=dict(l=0, r=0, t=30, b=0))
    return fig


def _bounds(shapes) -> tuple[float, float, float, float]:
    bs = [s.bounds for s in shapes]
    return min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs)


def deck_pngs(figs: list[go.Figure], scale: float = 2.0) -> list[bytes]:
    """Render several figures with one browser (kaleido's batch), each at its own width and height."""
    if not figs:
        return []
    tools.require("chromium")
    with tempfile.TemporaryDirectory(prefix="deck-png-") as tmp:
        paths = [Path(tmp) / f"{i:02d}.png" for i in range(len(figs))]
        try:
            pio.write_images(figs, paths, format="png", width=[f.layout.width for f in figs],
                             height=[f.layout.height for f in figs], scale=scale)
        except Exception as e:  # noqa: BLE001 — as in charts.to_png: one bilingual message, not kaleido's traceback
            raise tools.ToolFailed("chromium", f"{type(e).__name__}: {e}") from e
        return [p.read_bytes() for p in paths]


def small_if_many(fig: go.Figure, n_units: int) -> None:
    """Smaller names and labels when more than 16 units share a chart (two panels)."""
    if n_units > 16:
        fig.update_yaxes(tickfont=dict(size=DECK_FONT_PX - 6))
        fig.update_traces(textfont=dict(size=DECK_FONT_PX - 6))
