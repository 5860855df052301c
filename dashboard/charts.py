"""Plotly figures in the house style: a title that says what and in which unit, a source line, the demo badge
inside the figure (so exports carry it), Vietnamese number separators, one colour per region everywhere."""
from __future__ import annotations

import os
import textwrap

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from etl.paths import ROOT

from . import exports, fmt, palette, tools
from .i18n import t

os.environ.setdefault("BROWSER_PATH", tools.chromium() or "/usr/bin/chromium")  # kaleido 1.x drives the system Chromium
# Geo maps need a world outline; plotly fetches it from a CDN unless told otherwise. Ours ships in static/.
TOPOJSON_DIR = ROOT / "static" / "topojson"
pio.defaults.topojson = TOPOJSON_DIR.as_uri() + "/"
PLOTLY_CONFIG = {"displaylogo": False, "topojsonURL": "app/static/topojson/"}
pio.json.config.default_engine = "orjson"  # every chart is serialised on every rerun: orjson is several times faster

FONT = "Noto Sans, DejaVu Sans, Arial, sans-serif"
# names the deck still uses; screen code reads dashboard/palette.py
REGION_COLORS, FUND_COLORS, SEQUENTIAL, DIVERGING = palette.REGION, palette.FUND, palette.SEQUENTIAL, palette.DIVERGING
PNG_SIZE = (1920, 1080)


SOURCES_PATH = "/nguon-du-lieu"  # the Sources page (app.py): every source line links there
# Plotly wraps no text and the server does not know the reader's width: titles and source lines are broken at
# lengths that fit a 390 px phone (about 360 px of plot) at the type sizes app.py's phone CSS sets there, and a
# half-width column on a desktop at full size.
TITLE_CHARS, SOURCE_CHARS, RANKING_SOURCE_CHARS = 46, 48, 34


def style(fig: go.Figure, title: str, unit: str, lang: str, demo: bool, source: str | None = None,
          height: int = 460, source_gap: int = 40) -> go.Figure:
    """Title with unit, one source line at the bottom (naming the source, linking to the Sources page) and, for demo
    data, one mark at the right end of that line (inside the figure, so exports carry it); locale separators."""
    src = source or (t("source_demo", lang) if demo else t("source_imported", lang))
    if any(getattr(ax.title, "text", None) for ax in fig.select_xaxes()):
        source_gap += 26  # below the x axis's own title, not over it
    link = f'<a href="{SOURCES_PATH}?lang={lang}" target="_self">{t("source_more", lang)}</a>'
    # the link on its own line: a half-width chart cannot hold both on one
    # a ranking's names take about a third of the width left of the plot, where a line anchored at the plot starts
    ranking = any(tr.type == "bar" and tr.orientation == "h" for tr in fig.data)
    lines = textwrap.wrap(f"{t('source_line', lang)}: {src}", RANKING_SOURCE_CHARS if ranking else SOURCE_CHARS)
    lines += [link]
    extra = 14 * max(len(lines) - 2, 0)  # more lines: a deeper bottom margin
    title = wrap_text(title, TITLE_CHARS)
    title_extra = 24 * title.count("<br>")  # a wrapped title: a deeper top margin, and as much more height
    annotations = [dict(text="<br>".join(lines), x=0, y=0, xref="paper", yref="paper",
                        xanchor="left", yanchor="top", yshift=-source_gap - 24, showarrow=False, align="left",
                        font=dict(size=11, color="#555"), name="source")]
    if demo:  # right-aligned in the row between the axis and the source line
        annotations.append(dict(text=f"⚠ {t('demo_badge', lang).upper()}", x=1, y=0, xref="paper", yref="paper",
                                xanchor="right", yanchor="top", yshift=-source_gap + 2, showarrow=False,
                                font=dict(size=12, color=palette.DEMO_TEXT), bgcolor=palette.DEMO_FILL, bordercolor=palette.DEMO_EDGE,
                                borderwidth=1, borderpad=3, name="demo"))
    fig.update_layout(
        title=dict(text=f"{title}<br><sup>{wrap_text(unit, SOURCE_CHARS)}</sup>", x=0, xanchor="left",
                   font=dict(size=18)),
        font=dict(family=FONT, size=13), separators=fmt.plotly_separators(lang), height=height + title_extra,
        margin=dict(l=10, r=10, t=110 + title_extra, b=source_gap + 64 + extra), annotations=list(fig.layout.annotations) + annotations,
        paper_bgcolor="white", plot_bgcolor="white",
        legend=dict(orientation="h", x=0, y=1.0, xanchor="left", yanchor="bottom", font=dict(size=12)),
    )
    fig.update_xaxes(gridcolor="#eee")
    fig.update_yaxes(gridcolor="#eee")
    # whole numbers with locale separators (15.000, not "15k"), unless a chart chose its own format
    fig.for_each_xaxis(lambda ax: ax.update(tickformat="d" if _years_on_x(fig) else ",~r") if ax.tickformat is None else None)
    fig.for_each_yaxis(lambda ax: ax.update(tickformat=",~r") if ax.tickformat is None else None)
    return fig


def _years_on_x(fig: go.Figure) -> bool:
    """Years on the x axis read 2024, not 2.024."""
    for tr in fig.data:
        xs = getattr(tr, "x", None)
        if xs is None or len(xs) == 0:
            continue
        try:
            return all(float(v).is_integer() and 1990 <= float(v) <= 2100 for v in xs)
        except (TypeError, ValueError):
            return False
    return False


def wrap_text(text: str, width: int) -> str:
    """`text` (which may hold <br> already) with every line broken at `width` characters."""
    return "<br>".join(wrap(part, width) for part in str(text).split("<br>"))


def wrap(text: str, width: int = 16) -> str:
    """Break a long category label onto several lines (plotly wraps nothing by itself)."""
    return "<br>".join(textwrap.wrap(str(text), width)) or str(text)


def ranked_bars(df: pd.DataFrame, value: str, name: str, color_key: str, kind: str, lang: str, top: int | None = None,
                highlight: set[str] | None = None, sign_colors: bool = False) -> go.Figure:
    """Horizontal bars, largest on top, coloured by region (or by sign, for changes)."""
    d = df.dropna(subset=[value]).sort_values(value, ascending=False)
    if top:
        d = d.head(top)
    d = d.iloc[::-1]
    colors = [palette.REGION.get(g, palette.OTHER) for g in d[color_key]]
    if sign_colors:
        colors = [palette.RISE if v >= 0 else palette.FALL for v in d[value]]
    if highlight:
        colors = [c if u in highlight else palette.MUTED for c, u in zip(colors, d["unit_code"])]
    fig = go.Figure(go.Bar(x=d[value], y=d[name], orientation="h", marker_color=colors,
                           text=bar_labels(d[value], kind, lang), textposition="outside", cliponaxis=False,
                           constraintext="none",  # plotly would shrink the labels to the bars' thickness
                           textfont=dict(size=11, color="#333"),
                           customdata=list(zip(d["unit_code"], fmt.hover(d[value], kind, lang))),
                           hovertemplate="<b>%{y}</b><br>%{customdata[1]}<extra></extra>"))
    fig.update_yaxes(tickfont=dict(size=12), tickmode="array", tickvals=d[name].tolist())
    if len(d):  # room beyond the longest bar for its label
        lo, hi = min(0.0, float(d[value].min())), max(0.0, float(d[value].max()))
        pad = 0.14 * ((hi - lo) or 1.0)
        # a negative bar's label ends left of it, where the names are: more room there ("-15,4%" on a phone)
        fig.update_xaxes(range=[lo - (NEGATIVE_PAD * ((hi - lo) or 1.0) if lo < 0 else 0), hi + (pad if hi > 0 else 0)])
    fig.update_layout(showlegend=False)
    return fig


NEGATIVE_PAD = 0.3  # of the value range, left of the most negative bar


def bar_labels(values: pd.Series, kind: str, lang: str) -> list[str]:
    """The value at the end of each bar, short: whole triệu đồng and counts, one decimal for %."""
    if kind == "pct":
        return [fmt.pct(v, 1, lang) for v in values]
    return [fmt.number(v, 0, lang) for v in values]


def bar_height(n: int) -> int:
    """Enough room for every label of a ranking of n bars."""
    return max(420, 20 * n + 170)


def trend(df: pd.DataFrame, x: str, series: dict[str, str], kind: str, lang: str, colors: dict[str, str] | None = None,
          dash: dict[str, str] | None = None) -> go.Figure:
    fig = go.Figure()
    for col, label in series.items():
        fig.add_trace(go.Scatter(x=df[x], y=df[col], name=label, mode="lines+markers",
                                 line=dict(color=(colors or {}).get(col), dash=(dash or {}).get(col, "solid"), width=3),
                                 customdata=fmt.hover(df[col], kind, lang),
                                 hovertemplate=f"{label} %{{x}}: %{{customdata}}<extra></extra>"))
    years = sorted({int(v) for v in df[x].dropna()})
    # every other year past eight: thirteen labels collide on a phone
    fig.update_xaxes(dtick=1 if len(years) <= 8 else 2, tick0=years[0] if years else None, tickformat="d")
    return fig


def grouped_bars(df: pd.DataFrame, x: str, series: dict[str, str], kind: str, lang: str,
                 colors: dict[str, str] | None = None, horizontal: bool = False) -> go.Figure:
    """Bars per category and series; `horizontal` puts long category names (regions) on the y axis, where they
    never collide, on a phone neither."""
    fig = go.Figure()
    for col, label in series.items():
        cats, vals = (df[x].iloc[::-1], df[col].iloc[::-1]) if horizontal else (df[x], df[col])
        fig.add_trace(go.Bar(x=vals if horizontal else cats, y=cats if horizontal else vals, name=label,
                             orientation="h" if horizontal else "v", marker_color=(colors or {}).get(col),
                             customdata=fmt.hover(vals, kind, lang),
                             hovertemplate=f"<b>%{{{'y' if horizontal else 'x'}}}</b><br>{label}: %{{customdata}}<extra></extra>"))
    fig.update_layout(barmode="group", legend_traceorder="reversed" if horizontal else "normal")
    return fig


def legend_inside(fig: go.Figure) -> go.Figure:
    """The legend in the plot's empty top-left corner (a scatter along the diagonal), not over the title."""
    fig.update_layout(legend=dict(orientation="v", x=0.01, y=0.99, xanchor="left", yanchor="top",
                                  bgcolor="rgba(255,255,255,0.85)", font=dict(size=11)))
    return fig


def region_treemap(df: pd.DataFrame, value: str, lang: str, region_names: dict[str, str]) -> go.Figure:
    d = df[df[value] > 0]
    ids = [f"r/{g}" for g in region_names] + [f"p/{u}" for u in d["unit_code"]]
    labels = list(region_names.values()) + d["name_vi"].tolist()
    parents = [""] * len(region_names) + [f"r/{g}" for g in d["vung_id"]]
    region_sum = d.groupby("vung_id")[value].sum()
    values = [float(region_sum.get(g, 0)) for g in region_names] + d[value].astype(float).tolist()
    colors = [palette.REGION.get(g, palette.OTHER) for g in region_names] + [palette.REGION.get(g, palette.OTHER) for g in d["vung_id"]]
    total = float(d[value].sum()) or 1.0
    text = [f"{fmt.mvnd(v, lang)} · {fmt.pct(100 * v / total, 1, lang)}" for v in values]
    fig = go.Figure(go.Treemap(ids=ids, labels=labels, parents=parents, values=values, branchvalues="total",
                               marker=dict(colors=colors), customdata=text, texttemplate="%{label}<br>%{customdata}",
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
            marker=dict(size=11, color=palette.REGION.get(g, palette.OTHER), line=dict(width=1, color="white")),
            text=part["name_vi"], customdata=list(zip(part["unit_code"], fmt.hover(part[px_], "mvnd", lang),
                                                      fmt.hover(part[ax_], "mvnd", lang))),
            hovertemplate=f"<b>%{{text}}</b><br>{t('status_planned', lang)}: %{{customdata[1]}}"
                          f"<br>{t('status_actual', lang)}: %{{customdata[2]}}<extra></extra>"))
    top = float(max(d[px_].max(), d[ax_].max())) if len(d) else 1.0
    fig.add_trace(go.Scatter(x=[0, top], y=[0, top], mode="lines", line=dict(color="#999", dash="dot"),
                             name="100%", hoverinfo="skip"))
    fig.update_xaxes(title=f"{t('status_planned', lang)} ({t('unit_mvnd', lang)})")
    fig.update_yaxes(title=f"{t('status_actual', lang)} ({t('unit_mvnd', lang)})")
    return fig


def to_png(fig: go.Figure) -> bytes:
    """A projector-ready PNG (1920×1080) rendered by kaleido through the system Chromium.
    Raises tools.ToolMissing / tools.ToolFailed (messages in Vietnamese and English), never kaleido's own errors."""
    tools.require("chromium")
    big = projector(go.Figure(exports.with_borders(fig)))  # kaleido cannot fetch the app's relative URL of a map's borders
    try:
        return big.to_image(format="png", width=PNG_SIZE[0], height=PNG_SIZE[1])
    except Exception as e:  # noqa: BLE001 — kaleido/choreographer raise many kinds; the user gets one message
        raise tools.ToolFailed("chromium", f"{type(e).__name__}: {e}") from e


def projector(fig: go.Figure) -> go.Figure:
    """A copy of `fig` laid out for a 1920×1080 projector: large type, the source line in the frame, and a long
    ranking in two columns."""
    big = go.Figure(fig)
    big.update_layout(font=dict(size=22), title=dict(font=dict(size=34)), height=PNG_SIZE[1], width=PNG_SIZE[0],
                      margin=dict(l=90, r=40, t=150, b=110), legend=dict(font=dict(size=20)))
    big.update_xaxes(automargin=True)
    big.update_yaxes(automargin=True)
    big.update_layout(title=dict(xref="paper", x=0))  # align with the plot, not the image edge
    big.for_each_annotation(lambda a: a.update(font=dict(size=round((a.font.size or 12) * 1.8)),
                                               yshift=(a.yshift or 0) * 1.8))
    # room for the source line under the enlarged axis: the bottom margin grows with the line's shift
    below = [-(a.yshift or 0) + 1.5 * a.font.size * (1 + (a.text or "").count("<br>"))
             for a in big.layout.annotations if a.yref == "paper" and (a.yshift or 0) < 0]
    big.update_layout(margin=dict(b=max([110] + [round(x) + 40 for x in below])))
    big.for_each_trace(lambda tr: tr.update(textfont=dict(size=20)) if tr.type in ("scattergeo", "bar", "treemap") else None)
    bars = [tr for tr in big.data if tr.type == "bar" and tr.orientation == "h"]
    if bars:  # a ranking of n bars: labels as large as the bars' spacing allows
        n = max(len(tr.y) for tr in bars)
        per = n if n <= PNG_ONE_COLUMN_MAX else -(-n // 2)
        size = min(22, round(0.95 * PNG_ROWS_PX / max(per, 1)))
        big.update_yaxes(tickfont=dict(size=size))
        big.update_traces(textfont=dict(size=size), selector=dict(type="bar"))
        if per < n:
            _two_columns(big, bars, size)
    return big


PNG_ROWS_PX = PNG_SIZE[1] - 320  # the plot's height in a projector PNG: the title above, axis and source line below
PNG_ONE_COLUMN_MAX = 40  # bars in one column at 18 px or more (read from the back of a conference room)


def _two_columns(big: go.Figure, bars: list, size: int) -> None:
    """A long ranking (63 provinces) as two side-by-side columns on one scale, the top half on the left: every bar
    and its value label stays, at a size a room can read. Changes `big` in place."""
    yaxis = big.layout.yaxis
    order = list(yaxis.tickvals) if yaxis.tickvals is not None else list(bars[0].y)  # first at the bottom
    if yaxis.autorange != "reversed":
        order = order[::-1]  # now top first
    per = -(-len(order) // 2)
    halves = [order[:per], order[per:]]
    longest = lambda texts: max((len(str(x)) for x in texts), default=0) * 0.56 * size + 16  # noqa: E731 — px, Noto Sans
    name_px, label_px = longest(order), longest(v for tr in bars for v in (tr.text or ()))
    margin = big.layout.margin
    plot_px = PNG_SIZE[0] - (name_px + 20) - (margin.r or 40)
    gap = (name_px + 30) / plot_px  # the right column's names sit between the columns
    domains = [[0.0, 0.5 - 0.01], [0.5 - 0.01 + gap, 1.0]]
    bar_px = plot_px * (domains[0][1] - domains[0][0]) - label_px
    xs = [float(v) for tr in bars for v in tr.x if v is not None and v == v]
    lo, hi = min([0.0] + xs), max([0.0] + xs)
    room = ((hi - lo) or 1.0) * label_px / max(bar_px, 1.0)
    x_range = [lo - (room if lo < 0 else 0), hi + room]
    arrays = ("x", "y", "text", "customdata", "hovertext")
    keep = [tr for tr in big.data if tr not in bars]
    split = []
    for tr in bars:
        for c, names in enumerate(halves):
            idx = [i for i, y in enumerate(tr.y) if y in set(names)]
            part = go.Bar(tr)
            for a in arrays:
                v = getattr(tr, a)
                if v is not None and not isinstance(v, str):
                    setattr(part, a, [v[i] for i in idx])
            color = tr.marker.color
            if color is not None and not isinstance(color, str):
                part.marker.color = [color[i] for i in idx]
            part.update(xaxis="x" if c == 0 else "x2", yaxis="y" if c == 0 else "y2", showlegend=tr.showlegend and c == 0)
            split.append(part)
    big.data = keep  # plotly takes only a subset here: the halves are added after
    big.add_traces(split)
    big.update_layout(margin=dict(l=round(name_px + 20)))
    x_style, y_style = big.layout.xaxis.to_plotly_json(), big.layout.yaxis.to_plotly_json()  # ticks, grid, format
    for c, names in enumerate(halves):
        ax = "" if c == 0 else "2"
        bottom_first = names[::-1]
        big.update_layout({
            f"xaxis{ax}": {**x_style, **dict(domain=domains[c], range=x_range, anchor=f"y{ax}", automargin=False,
                                             autorange=False, tickfont=dict(size=size))},
            f"yaxis{ax}": {**y_style, **dict(anchor=f"x{ax}", categoryorder="array", categoryarray=bottom_first,
                                             tickmode="array", tickvals=bottom_first, ticktext=bottom_first,
                                             tickfont=dict(size=size), autorange=False, automargin=False,
                                             range=[len(names) - 0.5 - per, len(names) - 0.5])},  # tops level
        })


# --- charts: staffing & collaborators pages
def band_bars(bands: pd.DataFrame, lang: str) -> go.Figure:
    """Centres per size band: warehouse bars, with the published count (where there is one) as a marker beside it.
    `bands` has columns label, warehouse and published (NaN where nothing was published)."""
    fig = go.Figure(go.Bar(x=bands["label"], y=bands["warehouse"], name=t("warehouse", lang), marker_color=palette.SERIES["staff_total"],
                           text=[fmt.number(v, 0, lang) for v in bands["warehouse"]], textposition="auto",
                           insidetextanchor="middle", insidetextfont=dict(color="white", size=14),
                           outsidetextfont=dict(color=palette.SERIES["staff_total"], size=14),
                           customdata=fmt.hover(bands["warehouse"], "count", lang),
                           hovertemplate=f"<b>%{{x}}</b><br>{t('warehouse', lang)}: %{{customdata}}<extra></extra>"))
    pub = bands.dropna(subset=["published"])
    if len(pub):
        fig.add_trace(go.Scatter(x=pub["label"], y=pub["published"], name=t("published", lang), mode="markers+text",
                                 text=[fmt.number(v, 0, lang) for v in pub["published"]], textposition="middle right",
                                 textfont=dict(color=palette.DEMO_TEXT, size=13),
                                 marker=dict(symbol="diamond", size=16, color=palette.DEMO_EDGE, line=dict(width=1.5, color=palette.DEMO_TEXT)),
                                 customdata=fmt.hover(pub["published"], "count", lang),
                                 hovertemplate=f"<b>%{{x}}</b><br>{t('published', lang)}: %{{customdata}}<extra></extra>"))
    top = float(bands[["warehouse", "published"]].max().max() or 1)
    fig.update_yaxes(range=[0, top * 1.18])
    fig.update_layout(showlegend=len(pub) > 0)
    return fig


def metric_vs_budget(df: pd.DataFrame, y: str, y_kind: str, y_label: str, lang: str,
                     region_names: dict[str, str]) -> go.Figure:
    """One dot per unit: total planned funds across, a staffing or collaborator measure up, coloured by region."""
    x = "total_planned_mvnd"
    d = df.dropna(subset=[x, y])
    fig = go.Figure()
    for g in list(region_names) + sorted(set(d["vung_id"].dropna()) - set(region_names)):  # legend in region order
        part = d[d["vung_id"] == g]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part[x], y=part[y], mode="markers", name=region_names.get(g, str(g)),
            marker=dict(size=11, color=palette.REGION.get(g, palette.OTHER), line=dict(width=1, color="white")),
            text=part["name_vi"], customdata=list(zip(part["unit_code"], fmt.hover(part[x], "mvnd", lang),
                                                      fmt.hover(part[y], y_kind, lang))),
            hovertemplate=f"<b>%{{text}}</b><br>{t('total_planned_mvnd', lang)}: %{{customdata[1]}}"
                          f"<br>{y_label}: %{{customdata[2]}}<extra></extra>"))
    fig.update_xaxes(title=f"{t('total_planned_mvnd', lang)} ({t('unit_mvnd', lang)})", rangemode="tozero")
    fig.update_yaxes(title=y_label, rangemode="tozero")
    return fig


# --- charts: compare & profile pages


def compare_lines(df: pd.DataFrame, kind: str, lang: str, colors: dict[str, str], labels: dict[str, str]) -> go.Figure:
    """One solid line per unit, a dashed line per distinct region (in its first unit's colour), the nation dotted.

    df: one metric of queries.peer_series (unit_code, name_vi, region_id, year, value, region_value, nation_value);
    labels: 'region:<id>' and 'nation' → legend text."""
    fig = go.Figure()
    for code, part in df.groupby("unit_code", sort=False):
        name = part["name_vi"].iloc[0]
        fig.add_trace(go.Scatter(x=part["year"], y=part["value"], name=name, mode="lines+markers",
                                 line=dict(color=colors.get(code), width=3), customdata=fmt.hover(part["value"], kind, lang),
                                 hovertemplate=f"<b>{name}</b> %{{x}}: %{{customdata}}<extra></extra>"))
    for region, part in df.drop_duplicates(["region_id", "year"]).groupby("region_id", sort=False):
        first = df[df.region_id == region]["unit_code"].iloc[0]
        label = labels[f"region:{region}"]
        fig.add_trace(go.Scatter(x=part["year"], y=part["region_value"], name=wrap(label, 28), mode="lines",
                                 line=dict(color=colors.get(first), width=2, dash="dash"),
                                 customdata=fmt.hover(part["region_value"], kind, lang),
                                 hovertemplate=f"{label} %{{x}}: %{{customdata}}<extra></extra>"))
    nation = df.drop_duplicates("year").sort_values("year")
    fig.add_trace(go.Scatter(x=nation["year"], y=nation["nation_value"], name=wrap(labels["nation"], 28), mode="lines",
                             line=dict(color=palette.NATION, width=2, dash="dot"),
                             customdata=fmt.hover(nation["nation_value"], kind, lang),
                             hovertemplate=f"{labels['nation']} %{{x}}: %{{customdata}}<extra></extra>"))
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(tickformat=",~r", automargin=True)
    return fig


def small_multiples(df: pd.DataFrame, metrics: dict[str, tuple[str, str]], lang: str, colors: dict[str, str],
                    nation_label: str, cols: int = 3) -> go.Figure:
    """Every metric in its own panel: one line per unit and the nation's per-unit figure dotted.

    metrics: metric → (panel title with unit, hover kind). Sets its own height (pass fig.layout.height to style)."""
    from plotly.subplots import make_subplots
    rows, row_px, gap_px, top_px = -(-len(metrics) // cols), 240, 75, 170
    plot_px = rows * row_px + (rows - 1) * gap_px
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[wrap(v[0], 45) for v in metrics.values()],
                        vertical_spacing=gap_px / plot_px, horizontal_spacing=0.06)
    for i, (metric, (_, kind)) in enumerate(metrics.items()):
        r, c = i // cols + 1, i % cols + 1
        d = df[df.metric == metric]
        for code, part in d.groupby("unit_code", sort=False):
            name = part["name_vi"].iloc[0]
            fig.add_trace(go.Scatter(x=part["year"], y=part["value"], name=name, legendgroup=code, showlegend=i == 0,
                                     mode="lines", line=dict(color=colors.get(code), width=2.5),
                                     customdata=fmt.hover(part["value"], kind, lang),
                                     hovertemplate=f"<b>{name}</b> %{{x}}: %{{customdata}}<extra></extra>"), row=r, col=c)
        nation = d.drop_duplicates("year").sort_values("year")
        fig.add_trace(go.Scatter(x=nation["year"], y=nation["nation_value"], name=nation_label, legendgroup="nation",
                                 showlegend=i == 0, mode="lines", line=dict(color=palette.NATION, width=1.5, dash="dot"),
                                 customdata=fmt.hover(nation["nation_value"], kind, lang),
                                 hovertemplate=f"{nation_label} %{{x}}: %{{customdata}}<extra></extra>"), row=r, col=c)
    fig.update_annotations(font=dict(size=12))  # the panel titles
    fig.update_xaxes(dtick=2, tickfont=dict(size=10))
    fig.update_yaxes(tickfont=dict(size=10), rangemode="tozero", tickformat=",~r", automargin=True)
    fig.update_layout(height=plot_px + top_px + 90)
    return fig


def legend_top(fig: go.Figure, below_title_px: int = 92) -> go.Figure:
    """The legend in one row under the title, clear of panel titles (call after style, with margin t ≥ 140)."""
    h = fig.layout.height
    fig.update_layout(legend=dict(orientation="h", yref="container", y=1 - below_title_px / h, yanchor="top", x=0,
                                  xanchor="left"), margin=dict(t=170),
                      title=dict(yref="container", y=1, yanchor="top", pad=dict(t=36)))
    return fig


def stacked_bars(df: pd.DataFrame, x: str, stack: str, value: str, names: dict[str, str], kind: str, lang: str,
                 colors: list[str] | None = None) -> go.Figure:
    """Bars of `value` by `x`, stacked by `stack` in the order of `names` (stack key → legend label)."""
    fig = go.Figure()
    for i, (key, label) in enumerate(names.items()):
        part = df[df[stack] == key]
        fig.add_trace(go.Bar(x=part[x], y=part[value], name=label, marker_color=(colors or palette.CATEGORY)[i % 9],
                             customdata=fmt.hover(part[value], kind, lang),
                             hovertemplate=f"{label}<br>%{{x}}: %{{customdata}}<extra></extra>"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(dtick=1, tickformat="d")
    return fig


def legend_right(fig: go.Figure) -> go.Figure:
    """Many or long legend entries: a column at the right instead of rows over the title (call after style)."""
    fig.update_layout(legend=dict(orientation="v", x=1.01, y=1, xanchor="left", yanchor="top", font=dict(size=12),
                                  tracegroupgap=4))
    return fig


def narrow(fig: go.Figure) -> go.Figure:
    """A half-width chart (call after style, with a title wrapped to ~40 characters so it clears the demo badge):
    the title pinned to the top, the legend rows between it and the plot."""
    lines = (fig.layout.title.text or "").split("<br><sup>")[0].count("<br>")  # the title's lines beyond the first
    fig.update_layout(title=dict(yref="container", y=1, yanchor="top", pad=dict(t=36)), margin=dict(t=140 + 24 * lines))
    return fig


def mark_reform(fig: go.Figure, lang: str, label: str) -> go.Figure:
    """A dashed vertical line between 2024 and 2025: the 63 provinces became 34 units on 1 July 2025.

    Drawn as one layout update for all subplots (add_vline re-scans every subplot per call: slow on small multiples)."""
    years = [x for tr in fig.data for x in (tr.x if tr.x is not None else ())]
    if not years or max(years) < 2025:
        return fig
    pairs = list(dict.fromkeys((getattr(tr, "xaxis", None) or "x", getattr(tr, "yaxis", None) or "y") for tr in fig.data))
    shapes = [dict(type="line", x0=2024.5, x1=2024.5, xref=xa, y0=0, y1=1, yref=f"{ya} domain",
                   line=dict(color="#888", dash="dash", width=1)) for xa, ya in pairs]
    xa, ya = pairs[0]
    note = dict(text=label, x=2024.5, xref=xa, y=1, yref=f"{ya} domain", xanchor="right", yanchor="top",
                showarrow=False, font=dict(size=11, color="#555"))
    fig.update_layout(shapes=list(fig.layout.shapes) + shapes, annotations=list(fig.layout.annotations) + [note])
    return fig
