"""Plotly figures in the house style: a title that says what and in which unit, a source line, the demo badge
inside the figure (so exports carry it), Vietnamese number separators, one colour per region everywhere."""
from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from . import fmt
from .i18n import t

os.environ.setdefault("BROWSER_PATH", "/usr/bin/chromium")  # kaleido 1.x drives the system Chromium
# Geo maps need a world outline; plotly fetches it from a CDN unless told otherwise. Ours ships in static/.
TOPOJSON_DIR = Path(__file__).resolve().parent.parent / "static" / "topojson"
pio.defaults.topojson = TOPOJSON_DIR.as_uri() + "/"
PLOTLY_CONFIG = {"displaylogo": False, "topojsonURL": "app/static/topojson/"}

FONT = "Noto Sans, DejaVu Sans, Arial, sans-serif"
REGION_COLORS = {
    # vùng kinh tế – xã hội
    "tdmnpb": "#1b9e77", "dbsh": "#d95f02", "btb-dhmt": "#7570b3", "tay-nguyen": "#e7298a",
    "dong-nam-bo": "#66a61e", "dbscl": "#1f78b4",
    # khu vực khuyến công
    "phia-bac": "#b2182b", "mien-trung-tay-nguyen": "#ef8a62", "phia-nam": "#2166ac",
}
FUND_COLORS = {"kcqg": "#c0392b", "kcdp": "#2c7fb8", "total": "#34495e"}
SEQUENTIAL = "YlGnBu"
DIVERGING = "RdBu"
PNG_SIZE = (1920, 1080)


def style(fig: go.Figure, title: str, unit: str, lang: str, demo: bool, source: str | None = None,
          height: int = 460, source_gap: int = 40) -> go.Figure:
    """Title with unit, source line at the bottom, demo badge at the top right, locale separators."""
    src = source or (t("source_demo", lang) if demo else t("source_imported", lang))
    annotations = [dict(text=f"{t('source_line', lang)}: {src}", x=0, y=0, xref="paper", yref="paper",
                        xanchor="left", yanchor="top", yshift=-source_gap, showarrow=False,
                        font=dict(size=11, color="#555"))]
    if demo:
        annotations.append(dict(text=f"⚠ {t('demo_badge', lang).upper()}", x=1, y=1, xref="paper", yref="paper",
                                xanchor="right", yanchor="bottom", yshift=62, showarrow=False,
                                font=dict(size=12, color="#8a4b00"), bgcolor="#ffe8c2", bordercolor="#e69500",
                                borderwidth=1, borderpad=3))
    fig.update_layout(
        title=dict(text=f"{title}<br><sup>{unit}</sup>", x=0, xanchor="left", font=dict(size=18)),
        font=dict(family=FONT, size=13), separators=fmt.plotly_separators(lang), height=height,
        margin=dict(l=10, r=10, t=110, b=source_gap + 30), annotations=list(fig.layout.annotations) + annotations,
        paper_bgcolor="white", plot_bgcolor="white",
        legend=dict(orientation="h", x=0, y=1.0, xanchor="left", yanchor="bottom", font=dict(size=12)),
    )
    fig.update_xaxes(gridcolor="#eee")
    fig.update_yaxes(gridcolor="#eee")
    return fig


def wrap(text: str, width: int = 16) -> str:
    """Break a long category label onto several lines (plotly wraps nothing by itself)."""
    return "<br>".join(textwrap.wrap(str(text), width)) or str(text)


def hover(values, kind: str, lang: str) -> list[str]:
    """Pre-formatted hover values so they read in the user's conventions (1.234,5 triệu đồng)."""
    if kind == "mvnd":
        return [fmt.mvnd(v, lang) for v in values]
    if kind == "pct":
        return [fmt.pct(v, 1, lang) for v in values]
    return [fmt.number(v, 0, lang) for v in values]


def ranked_bars(df: pd.DataFrame, value: str, name: str, color_key: str, kind: str, lang: str, top: int | None = None,
                highlight: set[str] | None = None, sign_colors: bool = False) -> go.Figure:
    """Horizontal bars, largest on top, coloured by region (or by sign, for changes)."""
    d = df.dropna(subset=[value]).sort_values(value, ascending=False)
    if top:
        d = d.head(top)
    d = d.iloc[::-1]
    colors = [REGION_COLORS.get(g, "#888") for g in d[color_key]]
    if sign_colors:
        colors = ["#2166ac" if v >= 0 else "#b2182b" for v in d[value]]
    if highlight:
        colors = [c if u in highlight else "#cfcfcf" for c, u in zip(colors, d["unit_code"])]
    fig = go.Figure(go.Bar(x=d[value], y=d[name], orientation="h", marker_color=colors,
                           customdata=list(zip(d["unit_code"], hover(d[value], kind, lang))),
                           hovertemplate="<b>%{y}</b><br>%{customdata[1]}<extra></extra>"))
    fig.update_yaxes(tickfont=dict(size=11), tickmode="array", tickvals=d[name].tolist())
    fig.update_layout(showlegend=False)
    return fig


def bar_height(n: int) -> int:
    """Enough room for every label of a ranking of n bars."""
    return max(420, 20 * n + 170)


def trend(df: pd.DataFrame, x: str, series: dict[str, str], kind: str, lang: str, colors: dict[str, str] | None = None,
          dash: dict[str, str] | None = None) -> go.Figure:
    fig = go.Figure()
    for col, label in series.items():
        fig.add_trace(go.Scatter(x=df[x], y=df[col], name=label, mode="lines+markers",
                                 line=dict(color=(colors or {}).get(col), dash=(dash or {}).get(col, "solid"), width=3),
                                 customdata=hover(df[col], kind, lang),
                                 hovertemplate=f"{label} %{{x}}: %{{customdata}}<extra></extra>"))
    fig.update_xaxes(dtick=1)
    return fig


def grouped_bars(df: pd.DataFrame, x: str, series: dict[str, str], kind: str, lang: str,
                 colors: dict[str, str] | None = None) -> go.Figure:
    fig = go.Figure()
    for col, label in series.items():
        fig.add_trace(go.Bar(x=df[x], y=df[col], name=label, marker_color=(colors or {}).get(col),
                             customdata=hover(df[col], kind, lang),
                             hovertemplate=f"<b>%{{x}}</b><br>{label}: %{{customdata}}<extra></extra>"))
    fig.update_layout(barmode="group")
    return fig


def region_treemap(df: pd.DataFrame, value: str, lang: str, region_names: dict[str, str]) -> go.Figure:
    d = df[df[value] > 0]
    ids = [f"r/{g}" for g in region_names] + [f"p/{u}" for u in d["unit_code"]]
    labels = list(region_names.values()) + d["name_vi"].tolist()
    parents = [""] * len(region_names) + [f"r/{g}" for g in d["vung_id"]]
    region_sum = d.groupby("vung_id")[value].sum()
    values = [float(region_sum.get(g, 0)) for g in region_names] + d[value].astype(float).tolist()
    colors = [REGION_COLORS.get(g, "#888") for g in region_names] + [REGION_COLORS.get(g, "#888") for g in d["vung_id"]]
    total = float(d[value].sum()) or 1.0
    text = [f"{fmt.mvnd(v, lang)} · {fmt.pct(100 * v / total, 1, lang)}" for v in values]
    fig = go.Figure(go.Treemap(ids=ids, labels=labels, parents=parents, values=values, branchvalues="total",
                               marker=dict(colors=colors), customdata=text, textinfo="label",
                               hovertemplate="<b>%{label}</b><br>%{customdata}<extra></extra>"))
    fig.update_layout(margin=dict(t=80, l=0, r=0, b=40))
    return fig


def planned_vs_actual(df: pd.DataFrame, fund: str, lang: str) -> go.Figure:
    px_, ax_ = f"{fund}_planned_mvnd", f"{fund}_actual_mvnd"
    d = df.dropna(subset=[px_, ax_])
    fig = go.Figure()
    for g, part in d.groupby("vung_id"):
        fig.add_trace(go.Scatter(
            x=part[px_], y=part[ax_], mode="markers", name=str(part.get("region_name", pd.Series([g])).iloc[0]),
            marker=dict(size=11, color=REGION_COLORS.get(g, "#888"), line=dict(width=1, color="white")),
            text=part["name_vi"], customdata=list(zip(part["unit_code"], hover(part[px_], "mvnd", lang),
                                                      hover(part[ax_], "mvnd", lang))),
            hovertemplate=f"<b>%{{text}}</b><br>{t('status_planned', lang)}: %{{customdata[1]}}"
                          f"<br>{t('status_actual', lang)}: %{{customdata[2]}}<extra></extra>"))
    top = float(max(d[px_].max(), d[ax_].max())) if len(d) else 1.0
    fig.add_trace(go.Scatter(x=[0, top], y=[0, top], mode="lines", line=dict(color="#999", dash="dot"),
                             name="100%", hoverinfo="skip"))
    fig.update_xaxes(title=f"{t('status_planned', lang)} ({t('unit_mvnd', lang)})")
    fig.update_yaxes(title=f"{t('status_actual', lang)} ({t('unit_mvnd', lang)})")
    return fig


def to_png(fig: go.Figure) -> bytes:
    """A projector-ready PNG (1920×1080) rendered by kaleido through the system Chromium."""
    big = go.Figure(fig)
    big.update_layout(font=dict(size=22), title=dict(font=dict(size=34)), height=PNG_SIZE[1], width=PNG_SIZE[0])
    return big.to_image(format="png", width=PNG_SIZE[0], height=PNG_SIZE[1])


# --- charts: staffing & collaborators pages

# --- charts: compare & profile pages

# --- charts: present page (deck)
