"""One indicator the way Our World in Data's grapher shows it: as a map (with its ranking), a chart over the years or a
table (?tab=map|chart|table), a year slider that plays the map and ranking through the years, share and embed links,
CSV/PNG/SVG/HTML downloads, and beside it the indicator's definition, unit, origin and last update.

The play runs in the browser (plotly animation frames, built once per measure and view from a cached panel), so it
costs no rerun. Frames keep to one set of units: the 63 provinces up to 2024, or the 34 units for every year (earlier
years aggregated through the crosswalk, never split), so every frame is drawn on the same map.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from . import blocks, charts, exports, figcache, filters, fmt, maps, palette, queries, tools
from .i18n import date_text, name_col, t

TABS = ["map", "chart", "table"]
BLOCK_KEY = "indicator-block"  # the container an embed shows alone (Streamlit gives it the class st-key-<key>)
ONLY = ("only", "indicator")  # ?only=indicator: the embed view; Streamlit keeps ?embed=true for itself
PLAYER_SPACE = 96  # px above the plot for the play button and, under it, the year slider
FRAME_MS = 900
TOPOJSON = Path(charts.TOPOJSON_DIR) / "world_110m.json"


def embedded() -> bool:
    """Whether this run draws the indicator alone (an embed link, or a page opened with Streamlit's ?embed=true)."""
    return st.query_params.get(ONLY[0]) == ONLY[1] or bool(st.context.is_embedded)


def show(df: pd.DataFrame, col: str, *, year: int, view: str, kind: str, lang: str, demo: bool,
         title: Callable[[int], str], unit: str, grouping: str, name: str, topic: str, definition: str,
         data_cols: list[str] | None = None, positive_only: bool = False, ranking_unit: str | None = None,
         diverging: bool = False, scale_control: bool = False):
    """The indicator block for measure `col` of `df` (the units of `view` in `year`); replaces the map + ranking pair.
    `title(y)` names the measure in year y; `topic` is 'budget', 'staffing' or 'collaborators' (origin and last
    update); `positive_only` leaves units at 0 out of the ranking. Returns a container a page can add a note to."""
    if embedded():
        _embed_style()
    box = st.container(key=BLOCK_KEY)
    with box:
        head, share_col = st.columns([4, 1], vertical_alignment="bottom")
        tab = filters.url_widget("tab", TABS, "map", lambda v, lg: t(f"ind_tab_{v}", lg), t("ind_tab", lang), lang,
                                 kind="segmented", container=head)
        with share_col:
            share(lang)
        if embedded():
            st.caption(f"[{t('ind_open_full', lang)}]({_link(embed=False)})")
        panel = queries.indicator_panel(col, view, f"{topic}_origin")
        about(df, col, topic, unit, definition, view, lang)
        ctx = dict(df=df, col=col, year=year, view=view, kind=kind, lang=lang, demo=demo, title=title, unit=unit,
                   grouping=grouping, name=f"{name}-" if name else "", panel=panel)
        if tab == "map":
            return _map_tab(**ctx, data_cols=data_cols, positive_only=positive_only, ranking_unit=ranking_unit,
                            diverging=diverging, scale_control=scale_control)
        if tab == "chart":
            _chart_tab(**ctx)
        else:
            _table_tab(**ctx)
    return box


# ---- about: definition, unit, origin, last updated
def about(df: pd.DataFrame, col: str, topic: str, unit: str, definition: str, view: str, lang: str) -> None:
    st.caption(" · ".join([
        f"**{t('ind_definition', lang)}:** {definition}",
        f"**{t('ind_unit', lang)}:** {unit}",
        f"**{t('origin', lang)}:** {origin_text(df.loc[df[col].notna(), f'{topic}_origin'], lang)}",
        f"**{t('ind_updated', lang)}:** {updated_text(topic, lang)}",
    ]))


def origin_text(origins: pd.Series, lang: str) -> str:
    """'minh họa (37 đơn vị), công bố + minh họa (26 đơn vị)': each origin of the rows shown, in the reader's words."""
    counts = origins.fillna("").astype(str).value_counts()
    parts = []
    for value, n in counts.items():
        words = " + ".join(t(f"origin_{w}", lang) if f"origin_{w}" in _ORIGIN_WORDS else w
                           for w in value.split("+") if w)
        if words:
            parts.append(f"{words} ({t('ind_units_count', lang, n=fmt.number(n, 0, lang))})")
    return ", ".join(parts) or "–"


_ORIGIN_WORDS = {"origin_demo", "origin_imported", "origin_published"}


def updated_text(topic: str, lang: str) -> str:
    u = queries.indicator_updated(topic)
    if u["imported_at"]:
        return t("ind_updated_import", lang, date=_date(u["imported_at"], lang))
    if u["published"]:
        return t("ind_updated_published", lang, date=_date(u["published"], lang))
    return t("ind_updated_none", lang)


def _date(text: str, lang: str) -> str:
    """ISO dates as the reader writes them (04/12/2025 · 4 Dec 2025); a year or year-month stays as it is."""
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return text
    return date_text(pd.Timestamp(text[:10]), lang)


# ---- share: a link that reproduces the view, and an embed link
def _link(embed: bool) -> str:
    params = {k: v for k, v in st.query_params.to_dict().items() if k != ONLY[0]}
    params["lang"] = filters.lang()  # pinned: the link opens in the language it was copied in
    if embed:
        params[ONLY[0]] = ONLY[1]
        params["embed"] = "true"  # Streamlit's own embed mode: no toolbar, no padding
    base = st.context.url or ""
    return f"{base}?{urlencode(params)}"


def share(lang: str) -> None:
    with st.popover(t("ind_share", lang), icon=":material/share:", width="stretch"):
        st.caption(t("ind_share_link", lang))
        st.code(_link(embed=False), language=None, wrap_lines=True)
        st.caption(t("ind_embed_link", lang))
        embed = _link(embed=True)
        st.code(embed, language=None, wrap_lines=True)
        st.caption(t("ind_embed_code", lang))
        st.code(f'<iframe src="{embed}" width="100%" height="900" style="border:0"></iframe>', language="html",
                wrap_lines=True)


def _embed_style() -> None:
    """Hide the sidebar and Streamlit's chrome, and every element of the page but the indicator block."""
    st.html("""<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
[data-testid="stMain"] [data-testid="stVerticalBlock"] > *:not(.st-key-indicator-block):not(:has(.st-key-indicator-block)):not(.st-key-indicator-block *) {
  display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 1rem !important; }
</style>""")  # a literal (no data ever reaches st.html); .st-key-indicator-block is the container of BLOCK_KEY


# ---- the map tab: the choropleth beside the ranking, both playing through the years
def _map_tab(*, df, col, year, view, kind, lang, demo, title, unit, grouping, name, panel, data_cols, positive_only,
             ranking_unit, diverging, scale_control):
    units_label = t(f"view_{view}", lang)
    years = sorted(set(panel["year"]))
    title = _wrapped(title, 38)  # a long title on two lines instead of cut off in a column or on a phone
    left, right = st.columns([3, 2])
    with left:
        classes = None
        if scale_control:
            scale = filters.url_widget("scale", ["continuous", "classes"], "continuous",
                                       lambda v, lg: t(f"scale_{v}", lg), t("scale", lang), lang, kind="segmented",
                                       container=st)
            classes = 5 if scale == "classes" else None
        titles = {y: title(y) for y in {year, *years}}
        played, fig, _ = map_figures(df[["unit_code", "name_vi", col]], col, view, kind, lang, grouping, diverging,
                                     classes, titles, f"{unit} · {units_label}", demo, panel, year, years)
        ev = chart(played, fig, df[data_cols or ["unit_code", "name_vi", "vung_id", col]],
                   f"{name}map-{col}-{year}-{view}", lang, demo, key="map")
        notes = [maps.legend_note(lang), t("click_map_hint", lang)]
        if classes:
            notes.append(t("ind_no_play_classes", lang))
        if len(years) > 1:
            notes.append(t(f"ind_frames_{view}", lang, first=years[0], last=years[-1]))
        st.caption(" ".join(notes))
        blocks.open_profile_on_click(ev, lang)
    with right:
        ranked_panel = panel[panel["value"] > 0] if positive_only else panel
        ranked = df if not positive_only else df[df[col] > 0]
        ranked = ranked.assign(province=lambda d: d["name_vi"])[["unit_code", "province", "name_vi", "vung_id", col]]
        played, fig = ranking_figures(ranked, ranked_panel, col, kind, lang, diverging, titles,
                                      ranking_unit or f"{unit} · {units_label}", demo, year, years)
        ev = chart(played, fig, ranked.sort_values(col, ascending=False)[["unit_code", "province", col]],
                   f"{name}ranking-{col}-{year}-{view}", lang, demo, key="ranking")
        blocks.open_profile_on_click(ev, lang)
    return right


@figcache.cached  # with its frames, the costliest figure of the budget, staffing and collaborator pages
def map_figures(rows: pd.DataFrame, col: str, view: str, kind: str, lang: str, grouping: str, diverging: bool,
                classes: int | None, titles: dict[int, str], subtitle: str, demo: bool, panel: pd.DataFrame,
                year: int, years: list[int]) -> tuple[go.Figure, go.Figure, bool]:
    """(the map as drawn, with its player when it can play; the still map for PNG/SVG; whether it is the real map
    rather than the tile grid). `titles` names the measure in each year."""
    fig, real = maps.choropleth(rows, col, view, kind, lang, grouping=grouping, diverging=diverging, classes=classes)
    charts.style(fig, titles[year], subtitle, lang, demo, height=680)
    played = fig
    if real and not classes and year in years and len(years) > 1:
        played = map_frames(go.Figure(fig), panel, year, years, kind, lang, titles.__getitem__, diverging)
    return played, fig, real


@figcache.cached
def ranking_figures(ranked: pd.DataFrame, ranked_panel: pd.DataFrame, col: str, kind: str, lang: str,
                    diverging: bool, titles: dict[int, str], subtitle: str, demo: bool, year: int,
                    years: list[int]) -> tuple[go.Figure, go.Figure]:
    """(the ranking as drawn, playing through the years when there are several; the still ranking)."""
    fig = charts.ranked_bars(ranked, col, "province", "vung_id", kind, lang, sign_colors=diverging)
    n = max([len(ranked)] + [int(c) for c in ranked_panel.dropna(subset=["value"]).groupby("year").size()])
    charts.style(fig, titles[year], subtitle, lang, demo, height=charts.bar_height(n))
    played = fig
    if year in years and len(years) > 1:
        played = ranking_frames(go.Figure(fig), ranked_panel, year, years, kind, lang, titles.__getitem__, diverging)
    return played, fig


def _wrapped(title: Callable[[int], str], width: int) -> Callable[[int], str]:
    return lambda y: charts.wrap(title(y), width)


def _player(fig: go.Figure, years: list[int], year: int, lang: str) -> go.Figure:
    """A play/pause button and, under it, a year slider above the plot (both the plot's full width, so they never
    overlap in a narrow column); the title moves to the top; the figure opens on `year`."""
    still = dict(mode="immediate", frame=dict(duration=0, redraw=True), transition=dict(duration=0))
    fig.update_layout(title=dict(text=f"<b>{fig.layout.title.text or ''}</b>"))
    lines = (fig.layout.title.text or "").count("<br>") + 1
    every = 1 if len(years) <= 7 else 2  # a label every other year: 13 labels do not fit a phone
    fig.update_layout(
        sliders=[dict(active=years.index(year), x=0, len=1, y=1.0, yanchor="bottom", pad=dict(t=0, b=6, l=0, r=0),
                      currentvalue=dict(visible=False), font=dict(size=11), ticklen=3,
                      steps=[dict(method="animate", label=str(y) if (y - years[0]) % every == 0 else "",
                                  args=[[str(y)], still]) for y in years])],
        updatemenus=[dict(type="buttons", direction="left", showactive=False, x=0, y=1.0, xanchor="left",
                          yanchor="bottom", pad=dict(t=0, b=PLAYER_SPACE - 34), font=dict(size=12), buttons=[
                              dict(label=t("ind_play", lang), method="animate",
                                   args=[None, dict(frame=dict(duration=FRAME_MS, redraw=True), fromcurrent=True,
                                                    transition=dict(duration=0))]),
                              dict(label=t("ind_pause", lang), method="animate", args=[[None], still])])],
        title=dict(yref="container", y=1, yanchor="top", pad=dict(t=22)))  # room for the marks above capitals (Ấ)
    top = 28 + 24 * lines + PLAYER_SPACE
    fig.update_layout(height=(fig.layout.height or 600) + top - (fig.layout.margin.t or 0), margin=dict(t=top))
    return fig


def _frame_title(fig: go.Figure, title: Callable[[int], str], year: int, y: int) -> dict:
    # bold like the first frame: Streamlit's theme bolds a figure's own title, not a title a frame swaps in
    text = fig.layout.title.text
    return dict(title=dict(text=f"<b>{text.replace(title(year), title(y), 1) if text else title(y)}</b>"))


def map_frames(fig: go.Figure, panel: pd.DataFrame, year: int, years: list[int], kind: str, lang: str,
               title: Callable[[int], str], diverging: bool) -> go.Figure:
    """The choropleth with one frame per year: only the colours, hover values and title change. One colour range
    for all years, so a colour means the same value in every frame."""
    locs = list(fig.data[0].locations)
    codes = [str(fid).split("-")[0] for fid in locs]  # '48-archipelago' is coloured like Đà Nẵng
    values = panel["value"].dropna()
    if diverging:
        top = float(values.abs().max() or 1)
        fig.data[0].update(zmin=-top, zmax=top, zmid=0, zauto=False)
    elif len(values):
        fig.data[0].update(zmin=float(values.min()), zmax=float(values.max()), zauto=False)
    frames = []
    for y in years:
        v = panel[panel.year == y].set_index("unit_code")["value"]
        vals = [v.get(c) for c in codes]
        frames.append(go.Frame(name=str(y), traces=[0], layout=_frame_title(fig, title, year, y), data=[go.Choropleth(
            z=[None if fmt.missing(x) else float(x) for x in vals],
            customdata=list(zip(codes, fmt.hover(vals, kind, lang))))]))
    fig.frames = frames
    return _player(fig, years, year, lang)


def ranking_frames(fig: go.Figure, panel: pd.DataFrame, year: int, years: list[int], kind: str, lang: str,
                   title: Callable[[int], str], diverging: bool) -> go.Figure:
    """The ranking with one frame per year: the bars re-sort each year; the value axis stays fixed across years."""
    frames = []
    for y in years:
        d = panel[panel.year == y].dropna(subset=["value"]).sort_values("value", ascending=False).iloc[::-1]
        colors = ([palette.RISE if v >= 0 else palette.FALL for v in d["value"]] if diverging
                  else [palette.REGION.get(g, palette.OTHER) for g in d["vung_id"]])
        names = d["name_vi"].tolist()
        layout = _frame_title(fig, title, year, y)
        layout["yaxis"] = dict(categoryorder="array", categoryarray=names, tickvals=names)
        frames.append(go.Frame(name=str(y), traces=[0], layout=layout, data=[go.Bar(
            x=d["value"].tolist(), y=names, marker_color=colors,
            customdata=list(zip(d["unit_code"], fmt.hover(d["value"], kind, lang))))]))
    values = panel["value"].dropna()
    if len(values):
        lo, hi = min(0.0, float(values.min())), max(0.0, float(values.max()))
        pad = 0.16 * ((hi - lo) or 1.0)  # room beyond the longest bar of any year for its value label ("13,3%")
        fig.update_xaxes(range=[lo - (charts.NEGATIVE_PAD * ((hi - lo) or 1.0) if lo < 0 else 0),
                                hi + (pad if hi > 0 else 0) or 1], autorange=False)
    fig.update_yaxes(categoryorder="array", categoryarray=list(fig.data[0].y))
    fig.frames = frames
    return _player(fig, years, year, lang)


# ---- the chart tab: every unit over the years, the five highest of the year in colour
def over_time(panel: pd.DataFrame, year: int, kind: str, lang: str, view: str) -> go.Figure:
    top = panel[panel.year == year].dropna(subset=["value"]).nlargest(5, "value")["unit_code"].tolist()
    fig = go.Figure()
    for code, part in panel.groupby("unit_code", sort=False):
        if code in top:
            continue
        fig.add_trace(_line(part, kind, lang, palette.MUTED, 1.2, legend=False))
    for code, color in zip(top, palette.UNIT):
        fig.add_trace(_line(panel[panel.unit_code == code], kind, lang, color, 3, legend=True))
    fig.add_vline(x=year, line_dash="dot", line_color="#999")
    if view == "34" and queries.REFORM_YEAR in set(panel.year) and panel.year.min() < queries.REFORM_YEAR:
        fig.add_vline(x=queries.REFORM_YEAR - 0.5, line_dash="dash", line_color="#bbb")
        fig.add_annotation(x=queries.REFORM_YEAR - 0.5, y=1, yref="paper", text=t("trend_2025_note", lang),
                           showarrow=False, xanchor="right", yanchor="top", font=dict(size=11, color="#555"))
    fig.update_xaxes(tickformat="d", nticks=8, tickangle=0)  # level labels that a phone can hold
    return fig


@figcache.cached
def series_figure(panel: pd.DataFrame, year: int, kind: str, lang: str, view: str, title: str, subtitle: str,
                  demo: bool) -> go.Figure:
    fig = over_time(panel, year, kind, lang, view)
    charts.style(fig, title, subtitle, lang, demo, height=680, source_gap=150)
    # the five names under the plot: over it, on a phone, three rows of them would cover the title
    return fig.update_layout(legend=dict(y=-0.1, yanchor="top"), margin=dict(t=80))


def _line(part: pd.DataFrame, kind: str, lang: str, color: str, width: float, legend: bool) -> go.Scatter:
    part = part.sort_values("year")
    label = part["name_vi"].iloc[-1]
    return go.Scatter(x=part["year"], y=part["value"], mode="lines+markers" if legend else "lines", name=label,
                      showlegend=legend, line=dict(color=color, width=width), marker=dict(size=6),
                      customdata=list(zip(part["unit_code"], fmt.hover(part["value"], kind, lang))),
                      hovertemplate=f"<b>{label}</b> %{{x}}: %{{customdata[1]}}<extra></extra>")


def _chart_tab(*, df, col, year, view, kind, lang, demo, title, unit, grouping, name, panel):
    years = sorted(set(panel["year"]))
    metric = title(year).removesuffix(f", {year}")
    fig = series_figure(panel, year, kind, lang, view,
                        t("ind_chart_title", lang, metric=metric, first=years[0], last=years[-1]),
                        f"{unit} · {t(f'view_{view}', lang)}", demo)
    data = panel.rename(columns={"value": col})[["year", "unit_code", "name_vi", "vung_id", col, "origin"]]
    ev = chart(fig, fig, data, f"{name}series-{col}-{view}", lang, demo, key="series")
    st.caption(t("ind_chart_note", lang, year=year))
    blocks.open_profile_on_click(ev, lang)


# ---- the table tab: the year's values, ranks and change on the previous year in the same units
def year_table(panel: pd.DataFrame, year: int, view: str, kind: str) -> tuple[pd.DataFrame, int | None]:
    """(rows of `year` with rank, previous year's value and change; the previous year, or None)."""
    cur = panel[panel.year == year].copy()
    prev_year = year - 1 if (year - 1) in set(panel.year) else None
    before = panel[panel.year == prev_year].set_index("unit_code")["value"] if prev_year else pd.Series(dtype=float)
    cur["previous"] = cur["unit_code"].map(before).astype(float)
    if kind == "pct":
        cur["change"] = cur["value"] - cur["previous"]
    else:
        cur["change"] = 100 * (cur["value"] - cur["previous"]) / cur["previous"].where(cur["previous"] != 0)
    cur["rank"] = cur["value"].rank(ascending=False, method="min").astype("Int64")
    return cur.sort_values(["rank", "name_vi"], na_position="last"), prev_year


def _value_text(kind: str, lang: str):
    if kind == "mvnd":
        return lambda v: fmt.mvnd(v, lang).removesuffix(f" {t('unit_mvnd', lang)}")
    if kind == "pct":
        return lambda v: fmt.number(v, 1, lang)
    return lambda v: fmt.number(v, 0, lang)


def _table_tab(*, df, col, year, view, kind, lang, demo, title, unit, grouping, name, panel):
    rows, prev_year = year_table(panel, year, view, kind)
    regions = queries.groups("vung", "34" if view == "34" else "63")
    region_name = dict(zip(regions.group_id, regions[name_col(lang)]))
    value = _value_text(kind, lang)
    change_key = "ind_col_change_pp" if kind == "pct" else "ind_col_change_pct"
    value_col = f"{year} ({unit})"
    shown = pd.DataFrame({
        t("ind_col_rank", lang): [fmt.number(r, 0, lang) for r in rows["rank"]],
        t("col_unit", lang): rows["name_vi"],
        t("col_region", lang): rows["vung_id"].map(region_name),
        value_col: [value(v) for v in rows["value"]],
        **({f"{prev_year} ({unit})": [value(v) for v in rows["previous"]],
            t(change_key, lang): [("+" if c > 0 else "") + fmt.number(c, 1, lang) if not fmt.missing(c) else "–"
                                  for c in rows["change"]]} if prev_year else {}),
        t("origin", lang): [origin_text(pd.Series([o]), lang).split(" (")[0] for o in rows["origin"]],
    })
    st.markdown(f"**{title(year)}**")
    blocks.demo_badge(demo, lang)
    numbers = [c for c in shown.columns if c not in (t("col_unit", lang), t("col_region", lang), t("origin", lang))]
    st.dataframe(shown, hide_index=True, width="stretch", height=min(len(shown), 16) * 35 + 40,
                 column_config={**{c: st.column_config.TextColumn(alignment="right") for c in numbers},
                                t("col_unit", lang): st.column_config.TextColumn(pinned=True)})
    st.caption(t("ind_table_note", lang, prev=prev_year) if prev_year else t("ind_table_no_prev", lang, year=year))
    raw = rows.rename(columns={"value": col, "previous": f"{col}_{prev_year or 'previous'}"})
    raw = raw[["rank", "unit_code", "name_vi", "vung_id", "year", col, f"{col}_{prev_year or 'previous'}", "change",
               "origin"]]
    raw = raw.rename(columns={"change": f"change_{'pp' if kind == 'pct' else 'pct'}"})
    row = st.container(horizontal=True, wrap=True, gap="small", key="table-downloads")
    stem = exports.file_stem(f"{name}table-{col}-{year}-{view}", demo)
    row.download_button(t("download_csv", lang), lambda: exports.csv_bytes(raw, demo), file_name=f"{stem}.csv",
                       mime="text/csv", key="table-csv", icon=":material/download:")
    row.download_button(t("download_xlsx", lang), lambda: exports.xlsx_bytes(raw, demo), file_name=f"{stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="table-xlsx",
                       icon=":material/table:")


# ---- a chart and its downloads: CSV of the plotted data, PNG and SVG of the still figure, HTML of the live one
def chart(fig: go.Figure, still: go.Figure, data: pd.DataFrame, name: str, lang: str, demo: bool, key: str):
    """`fig` is drawn (with its player, if any); `still` (without) is what PNG and SVG show."""
    blocks.demo_badge(demo, lang)
    event = st.plotly_chart(fig, key=key, on_select="rerun", selection_mode="points", config=charts.PLOTLY_CONFIG)
    stem = exports.file_stem(name, demo)
    no_png = tools.missing_tools("chromium")
    # a wrapping row of buttons as wide as their labels: four equal columns of a 2/5-width column cut "Tải CSV"
    row = st.container(horizontal=True, wrap=True, gap="small", key=f"{key}-downloads")
    row.download_button(t("download_csv", lang), lambda: exports.csv_bytes(data, demo), file_name=f"{stem}.csv",
                       mime="text/csv", key=f"{key}-csv", icon=":material/download:")
    row.download_button(t("download_png", lang), lambda: charts.to_png(still), file_name=f"{stem}.png",
                       mime="image/png", key=f"{key}-png", icon=":material/image:", disabled=bool(no_png),
                       help=tools.advice(no_png, lang) if no_png else t("download_png_help", lang))
    row.download_button(t("download_svg", lang), lambda: to_svg(still), file_name=f"{stem}.svg",
                       mime="image/svg+xml", key=f"{key}-svg", icon=":material/polyline:", disabled=bool(no_png),
                       help=tools.advice(no_png, lang) if no_png else t("download_svg_help", lang))
    row.download_button(t("download_html", lang), lambda: to_html(fig, lang), file_name=f"{stem}.html",
                       mime="text/html", key=f"{key}-html", icon=":material/code:", help=t("download_html_help", lang))
    if no_png:
        st.caption(tools.png_unavailable_note(lang))
    return event


def to_svg(fig: go.Figure) -> bytes:
    """The figure as SVG at its on-screen size (a vector image scales itself), drawn by kaleido through Chromium.
    Raises tools.ToolMissing / tools.ToolFailed (Vietnamese and English), never kaleido's own errors."""
    tools.require("chromium")
    try:
        return exports.with_borders(fig).to_image(format="svg", width=1200, height=fig.layout.height or 600)
    except Exception as e:  # noqa: BLE001 — kaleido/choreographer raise many kinds; the user gets one message
        raise tools.ToolFailed("chromium", f"{type(e).__name__}: {e}") from e


def to_html(fig: go.Figure, lang: str) -> bytes:
    """One HTML file that works without a network: plotly.js inline, the map's borders (served by URL on screen)
    and the world outline a geo figure asks for inline too (plotly.js would fetch it from a CDN)."""
    html = exports.with_borders(fig).to_html(include_plotlyjs=True, full_html=True, config={"displaylogo": False},
                       default_width="100%", default_height=f"{fig.layout.height or 600}px")
    html = html.replace("<html>", f'<html lang="{lang}">', 1)
    if any(tr.type in ("choropleth", "scattergeo") for tr in fig.data):
        assets = ('<script type="text/javascript">window.PlotlyGeoAssets = {topojson: {"world_110m": '
                  + TOPOJSON.read_text(encoding="utf-8") + "}};</script>")
        html = html.replace("<head>", "<head><meta charset=\"utf-8\" />" + assets, 1)
    return html.encode("utf-8")
