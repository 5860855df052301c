"""What leaves the app as a file: CSV/XLSX bytes of a table and download file names marked when the data is demo."""
from __future__ import annotations

import io
import re

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
