"""What leaves the app as a file: CSV/XLSX bytes of a table, download file names marked when the data is demo, and
figures with the map borders they reference by URL put back inside."""
from __future__ import annotations

import functools
import io
import json
import re
import zipfile
from decimal import Decimal
from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from etl.paths import ROOT

# Where dashboard/maps.py's served borders live and the URL figures name them by (Streamlit's static serving).
SERVED_GEO_DIR = ROOT / "static" / "geo"
SERVED_GEO_URL = "app/static/geo/"  # relative, like charts.PLOTLY_CONFIG's topojsonURL: also right behind nginx


def _served(geojson) -> bool:
    return isinstance(geojson, str) and geojson.startswith(SERVED_GEO_URL)


@functools.lru_cache(maxsize=8)
def _served_geometry(name: str) -> dict:
    return json.loads((SERVED_GEO_DIR / name).read_bytes())


def with_borders(fig: go.Figure) -> go.Figure:
    """`fig` with the borders it references by URL put back inside: for what is drawn without our server (the
    offline HTML download; kaleido's PNG/SVG, which cannot fetch a relative URL). `fig` itself is not changed."""
    if not any(_served(getattr(tr, "geojson", None)) for tr in fig.data):
        return fig
    out = go.Figure(fig)
    for tr in out.data:
        if _served(getattr(tr, "geojson", None)):
            tr.geojson = _served_geometry(tr.geojson[len(SERVED_GEO_URL):].split("?")[0])
    return out


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


# Thousands grouped, up to three decimals, nothing padded: Excel draws the separators of the reader's locale
# (1.954,667 in Vietnamese), while the cell keeps the full number. Whole numbers without the format's trailing point.
NUMBER_FORMAT, WHOLE_FORMAT = "#,##0.###", "#,##0"


def xlsx_bytes(df: pd.DataFrame, demo: bool) -> bytes:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    # control characters cannot be stored in XLSX (openpyxl raises): each shows as U+FFFD, so the loss is visible
    safe = _exact(_map_text(_labelled(df, demo), lambda v: ILLEGAL_CHARACTERS_RE.sub("\ufffd", v)), _xlsx_number)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as w:
        safe.to_excel(w, index=False, sheet_name="data")
        for row in w.sheets["data"].iter_rows(min_row=2):
            for cell in row:
                if cell.data_type == "f":  # openpyxl takes any text starting with = for a formula; ours are text
                    cell.data_type = "s"
                elif cell.data_type == "n" and cell.value is not None and not isinstance(cell.value, bool):
                    cell.number_format = WHOLE_FORMAT if float(cell.value).is_integer() else NUMBER_FORMAT
    return buf.getvalue()


def tables_zip(tables: dict[str, Callable[[], pd.DataFrame]], demo_in: Callable[[str], bool]) -> bytes:
    """Every table as a CSV in one zip, each file marked when its rows are demo."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, read in tables.items():
            demo = demo_in(name)
            z.writestr(f"{file_stem(name, demo)}.csv", csv_bytes(read(), demo))
    return buf.getvalue()
