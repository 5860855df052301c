"""Blocks every page draws with: header and database guard, a chart or table with its downloads, KPIs, badges,
published-figure quotes, and a click on a province opening its profile."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from . import charts, exports, filters, fmt, tools
from .db import DatabaseUnavailable, connection
from .i18n import t

PROFILE_PAGE = "pages/ho_so_tinh.py"


def page(title_key: str, lang: str) -> None:
    """Header of a page; stops with a recovery page if the database is missing or corrupt."""
    try:
        connection()
    except DatabaseUnavailable as e:
        recovery(e, lang)
        st.stop()
    filters.real_only_switch(title_key, lang)  # the analysis pages only; off on every other page
    st.title(t(title_key, lang))


def stop_without(topic: str, year: int, lang: str) -> None:
    """A year loaded with budgets before its staffing or collaborators report: say so and draw nothing else."""
    from . import queries
    if queries.year_state(year, topic) == "none":
        st.info(t("year_none", lang, year=year))
        st.stop()


def recovery(e: DatabaseUnavailable, lang: str) -> None:
    st.error(f"### {t('db_missing_title', lang)}\n\n{t('db_missing_body', lang, path=e.path, reason=e.reason)}")
    st.code("python -m etl build        # hoặc / or: make build", language="bash")


def demo_badge(demo: bool, lang: str, imported: bool = False) -> None:
    if demo:
        st.badge(t("demo_badge", lang), icon=":material/science:", color="orange", help=t("demo_help", lang))
    if imported:
        st.badge(t("imported_badge", lang), icon=":material/verified:", color="green")


def chart(fig: go.Figure, data: pd.DataFrame, name: str, lang: str, demo: bool, key: str,
          selectable: bool = False):
    """The chart, then CSV of exactly the plotted data and a projector PNG (both made only when asked for: a page
    view that downloads nothing does not pay for them).
    A demo chart's one mark is inside the figure (charts.style), so no badge above it."""
    event = st.plotly_chart(fig, key=key, on_select="rerun" if selectable else "ignore",
                            selection_mode="points", config=charts.PLOTLY_CONFIG)
    c1, c2, _ = st.columns([1, 1, 1])
    stem = exports.file_stem(name, demo)
    c1.download_button(t("download_csv", lang), lambda: exports.csv_bytes(data, demo), file_name=f"{stem}.csv",
                       mime="text/csv", key=f"{key}-csv", icon=":material/download:")
    no_png = tools.missing_tools("chromium")  # a PNG button that cannot work says so instead of doing nothing
    c2.download_button(t("download_png", lang), lambda: charts.to_png(fig), file_name=f"{stem}.png",
                       mime="image/png", key=f"{key}-png", icon=":material/image:", disabled=bool(no_png),
                       help=tools.advice(no_png, lang) if no_png else t("download_png_help", lang))
    if no_png:  # under the buttons, full width: a narrow column would wrap the command over five lines
        st.caption(tools.png_unavailable_note(lang))
    return event


def table(df: pd.DataFrame, name: str, lang: str, demo: bool, key: str, column_config: dict | None = None,
          row_height: int | None = None, visible_rows: int = 6, shown: pd.DataFrame | None = None) -> None:
    """A table and its CSV/XLSX downloads; `row_height` makes room for long text (quotes) to wrap. `shown` is what
    the screen gets instead of `df` (numbers as Vietnamese text, fmt); the downloads keep `df`'s numbers."""
    demo_badge(demo, lang)
    size = {} if row_height is None else {"row_height": row_height, "height": min(len(df), visible_rows) * row_height + 40}
    st.dataframe(df if shown is None else shown, hide_index=True, column_config=column_config, width="stretch", **size)
    c1, c2, _ = st.columns([1, 1, 3])
    stem = exports.file_stem(name, demo)
    c1.download_button(t("download_csv", lang), lambda: exports.csv_bytes(df, demo), file_name=f"{stem}.csv",
                       mime="text/csv", key=f"{key}-csv", icon=":material/download:")
    c2.download_button(t("download_xlsx", lang), lambda: exports.xlsx_bytes(df, demo), file_name=f"{stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}-xlsx",
                       icon=":material/table:")


def built_on_click(slot: str, request, build, errors: tuple, lang: str, label: str, icon: str, working: str):
    """A primary button that builds a file set (the deck, the report) with `build()`, keeping it in the session under
    `slot` for `request` (the choices it was built from). Returns what was built for the current `request`, or None:
    a changed choice hides the old files instead of offering them under the new name. A failure (one of `errors`,
    each with .vi and .en) is shown in the reader's language and forgets the previous build."""
    if st.button(label, type="primary", icon=icon):
        with st.spinner(working):
            try:
                st.session_state[slot] = {"request": request, "built": build()}
            except errors as e:
                st.session_state.pop(slot, None)
                st.error(getattr(e, lang))
    done = st.session_state.get(slot)
    return done["built"] if done and done["request"] == request else None


def kpi(col, label: str, value: str, delta: str | None = None, help: str | None = None) -> None:
    col.metric(label, value, delta=delta, help=help, border=True)


def figure_check(row, lang: str, decimals: int = 0) -> str:
    """Whether the warehouse agrees with a published figure, and what it says when it does not."""
    if row.agrees:
        return t("agrees", lang)
    return t("disagrees", lang, value=fmt.number(row.warehouse_value, decimals, lang))


def quote_text(row, lang: str) -> str:
    """A published figure's words and where they were published."""
    return t("quote_from", lang, quote=row.quote, title=row.source_title, publisher=row.publisher,
             published=row.published)


def published_quote(row, lang: str) -> None:
    st.caption(quote_text(row, lang))


STATUS_ICONS = {"discrepancy": ":red[:material/error:]", "truncated": ":orange[:material/content_cut:]",
                "approximate": ":blue[:material/approximately_equal:]", "consistent": ":green[:material/check_circle:]"}


def source_line(r, lang: str) -> str:
    """'**Title** — Publisher (published on …) · link-or-file', every part shown literally."""
    when = f" ({t('src_published_on', lang, date=r.published)})" if fmt.plain(r.published) else ""
    loc = r.source_location
    where = f" · [{fmt.md(loc)}]({loc})" if fmt.is_url(loc) else f" · `{loc}`"
    return f"**{fmt.md(r.source_title)}** — {fmt.md(r.publisher)}{when}{where}"


def selected_unit(event) -> str | None:
    """The unit code of a clicked map feature or bar, from st.plotly_chart's selection event."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for p in points:
        cd = p.get("customdata")
        if isinstance(cd, (list, tuple)) and cd:
            return str(cd[0])
        loc = p.get("location")
        if loc:
            return str(loc).split("-")[0]
    return None


def open_profile_on_click(event, lang: str, era: str | None = None) -> None:
    """Clicking a province (map or bar) opens its profile, carrying the language and the era of the units clicked:
    a code names different units in the 63 and the 34 (52 is Bình Định, and from 2025 the new Gia Lai). `era`
    defaults to the units the page's filters show (filters.units_shown)."""
    code = selected_unit(event)
    if code:
        st.switch_page(PROFILE_PAGE, query_params={"unit": code, "era": era or filters.units_shown(),
                                                   **({"lang": lang} if lang != "vi" else {})})


def per_capita_note(df: pd.DataFrame, year: int, view: str, fund: str, status: str, lang: str) -> None:
    """Under a per-capita choice: how many units have a sourced population, from which sources and years; the rest
    are gaps, never estimates. Says so when the fund or status chosen is not the one per-capita is defined for."""
    from . import queries
    shown = int(df["kcdp_actual_per_1000"].notna().sum())
    used = queries.population_used(year, view, as_34=view != queries.era_of(year))
    parts = []
    for (title, loc, py), n in used.groupby(["source_title", "source_location", "population_year"], dropna=False).size().items():
        link = f"[{fmt.md(title)}]({loc})" if fmt.is_url(loc) else fmt.md(title)
        parts.append(t("per_1000_source", lang, source=link, year=py, n=fmt.number(n, 0, lang)))
    text = t("per_1000_note", lang, n=fmt.number(shown, 0, lang), total=fmt.number(len(df), 0, lang),
             sources="; ".join(parts) or "–")
    if (fund, status) != ("kcdp", "actual"):
        text += " " + t("per_1000_only_kcdp", lang)
    st.caption(text)
