"""Page chrome shared by every page: header, database guard, chart and table blocks with their downloads."""
from __future__ import annotations

import io
import re
from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from . import charts, fmt, tools
from .db import DatabaseUnavailable, connection
from .i18n import t

PROFILE_PAGE = "pages/6_ho_so_tinh.py"


def page(title_key: str, lang: str) -> None:
    """Header of a page; stops with a recovery page if the database is missing or corrupt."""
    try:
        connection()
    except DatabaseUnavailable as e:
        recovery(e, lang)
        st.stop()
    st.title(t(title_key, lang))


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
    """The chart, then CSV of exactly the plotted data and a projector PNG (rendered only when asked for)."""
    demo_badge(demo, lang)
    event = st.plotly_chart(fig, key=key, on_select="rerun" if selectable else "ignore",
                            selection_mode="points", config=charts.PLOTLY_CONFIG)
    c1, c2, _ = st.columns([1, 1, 1])
    stem = file_stem(name, demo)
    c1.download_button(t("download_csv", lang), csv_bytes(data, demo), file_name=f"{stem}.csv", mime="text/csv",
                       key=f"{key}-csv", icon=":material/download:")
    no_png = tools.missing_tools("chromium")  # a PNG button that cannot work says so instead of doing nothing
    c2.download_button(t("download_png", lang), lambda: charts.to_png(fig), file_name=f"{stem}.png",
                       mime="image/png", key=f"{key}-png", icon=":material/image:", disabled=bool(no_png),
                       help=tools.advice(no_png, lang) if no_png else
                       "1920×1080, cỡ chữ lớn cho máy chiếu" if lang == "vi" else "1920×1080, large type for projectors")
    if no_png:  # under the buttons, full width: a narrow column would wrap the command over five lines
        st.caption(tools.png_unavailable_note(lang))
    return event


def table(df: pd.DataFrame, name: str, lang: str, demo: bool, key: str, column_config: dict | None = None,
          row_height: int | None = None, visible_rows: int = 6) -> None:
    """A table and its CSV/XLSX downloads; `row_height` makes room for long text (quotes) to wrap."""
    demo_badge(demo, lang)
    size = {} if row_height is None else {"row_height": row_height, "height": min(len(df), visible_rows) * row_height + 40}
    st.dataframe(df, hide_index=True, column_config=column_config, width="stretch", **size)
    c1, c2, _ = st.columns([1, 1, 3])
    stem = file_stem(name, demo)
    c1.download_button(t("download_csv", lang), csv_bytes(df, demo), file_name=f"{stem}.csv", mime="text/csv",
                       key=f"{key}-csv", icon=":material/download:")
    c2.download_button(t("download_xlsx", lang), lambda: xlsx_bytes(df, demo), file_name=f"{stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}-xlsx",
                       icon=":material/table:")


def kpi(col, label: str, value: str, delta: str | None = None, help: str | None = None) -> None:
    col.metric(label, value, delta=delta, help=help, border=True)


def open_profile_on_click(event, lang: str) -> None:
    """Clicking a province (map or bar) opens its profile, carrying the language along."""
    from .maps import selected_unit
    code = selected_unit(event)
    if code:
        st.switch_page(PROFILE_PAGE, query_params={"unit": code, **({"lang": lang} if lang != "vi" else {})})


def file_stem(name: str, demo: bool) -> str:
    """A download's file name: ASCII, and marked when the data is demo."""
    base = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-").lower()
    return base + ("_DU-LIEU-MINH-HOA_demo-data" if demo else "")


def _labelled(df: pd.DataFrame, demo: bool) -> pd.DataFrame:
    out = df.copy()
    if demo and "origin" not in out.columns:
        out.insert(0, "origin", "demo (dữ liệu minh họa)")
    return out


# Imported text can start like a formula; a spreadsheet opening the download would run it (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _map_text(df: pd.DataFrame, f) -> pd.DataFrame:
    """`f` applied to the text cells only: numbers (negative ones included) stay numbers."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or isinstance(out[col].dtype, pd.StringDtype):
            out[col] = out[col].map(lambda v: f(v) if isinstance(v, str) else v)
    return out


def _decimal_text(d: Decimal) -> str:
    """The exact digits of a stored amount, without the scale's trailing zeros: 1234.500 → '1234.5'."""
    text = format(d, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _exact(df: pd.DataFrame, cell) -> pd.DataFrame:
    """Decimal cells (exact amounts from queries.export_table) mapped by `cell`; other columns untouched."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object and any(isinstance(v, Decimal) for v in out[c]):
            out[c] = [cell(v) if isinstance(v, Decimal) else v for v in out[c]]
    return out


def csv_bytes(df: pd.DataFrame, demo: bool) -> bytes:
    # a leading ' makes a spreadsheet read the cell as text (OWASP's advice for CSV injection); amounts are written
    # as their exact decimal text (after the escaping, so a negative amount stays a number)
    safe = _exact(_map_text(_labelled(df, demo), lambda v: "'" + v if v.startswith(_FORMULA_START) else v), _decimal_text)
    # BOM: Excel opens Vietnamese correctly. CRLF rows (RFC 4180) also make the writer quote a cell holding a bare CR,
    # which would otherwise split its row in two.
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _xlsx_number(d: Decimal):
    """An Excel number when a double holds the amount digit for digit (every realistic amount), else its text:
    openpyxl would write float(d), silently dropping digits past the 15th."""
    f = float(d)
    return f if Decimal(repr(f)) == d else _decimal_text(d)


def xlsx_bytes(df: pd.DataFrame, demo: bool) -> bytes:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    # control characters cannot be stored in XLSX (openpyxl raises): each shows as U+FFFD, so the loss is visible
    safe = _exact(_map_text(_labelled(df, demo), lambda v: ILLEGAL_CHARACTERS_RE.sub("\ufffd", v)), _xlsx_number)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as w:
        safe.to_excel(w, index=False, sheet_name="data")
        for row in w.sheets["data"].iter_rows():
            for cell in row:
                if cell.data_type == "f":  # openpyxl takes any text starting with = for a formula; ours are text
                    cell.data_type = "s"
    return buf.getvalue()


def mvnd_headline(x, lang: str) -> str:
    """A headline amount in tỷ đồng without the unit (the KPI label carries it; the exact value is its tooltip)."""
    return "–" if fmt.missing(x) else fmt.number(x / 1000, 1, lang)


def billions(lang: str) -> str:
    return "tỷ đồng" if lang == "vi" else "billion VND"
