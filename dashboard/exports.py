"""What leaves the app as a file: CSV/XLSX bytes of a table and download file names marked when the data is demo."""
from __future__ import annotations

import io
import re
import zipfile
from typing import Callable

import pandas as pd


def file_stem(name: str, demo: bool) -> str:
    """A download's file name: ASCII, and marked when the data is demo."""
    base = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-").lower()
    return base + ("_DU-LIEU-MINH-HOA_demo-data" if demo else "")


def _labelled(df: pd.DataFrame, demo: bool) -> pd.DataFrame:
    out = df.copy()
    if demo and "origin" not in out.columns:
        out.insert(0, "origin", "demo (dữ liệu minh họa)")
    return out


def csv_bytes(df: pd.DataFrame, demo: bool) -> bytes:
    return _labelled(df, demo).to_csv(index=False).encode("utf-8-sig")  # BOM: Excel opens Vietnamese correctly


def xlsx_bytes(df: pd.DataFrame, demo: bool) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as w:
        _labelled(df, demo).to_excel(w, index=False, sheet_name="data")
    return buf.getvalue()


def tables_zip(tables: dict[str, Callable[[], pd.DataFrame]], demo_in: Callable[[str], bool]) -> bytes:
    """Every table as a CSV in one zip, each file marked when its rows are demo."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, read in tables.items():
            demo = demo_in(name)
            z.writestr(f"{file_stem(name, demo)}.csv", csv_bytes(read(), demo))
    return buf.getvalue()
