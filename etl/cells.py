"""Reading one cell of a report: numbers as Vietnamese reports write them (1.234.567 and 1.234,5), years,
provinces in any spelling of their era, funds and activity types. Each reader returns a clean value or raises
CellError with the reason in Vietnamese and English; the caller adds file, sheet, row and column."""
from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .common import CONTENT_CATEGORIES, FIRST_YEAR, LAST_YEAR, era_of
from .names import REFERENCE_DIR, UnknownProvince, resolver

FUND_SPELLINGS = {
    "kcqg": ("kcqg", "qg", "quoc gia", "khuyen cong quoc gia", "kinh phi khuyen cong quoc gia", "trung uong",
             "ngan sach trung uong", "national"),
    "kcdp": ("kcdp", "dp", "dia phuong", "khuyen cong dia phuong", "kinh phi khuyen cong dia phuong",
             "ngan sach dia phuong", "local"),
}
BLANK_MARKS = {"", "-", "–", "—"}  # reports write a dash for "nothing to report"


class CellError(Exception):
    """One cell's problem: (vi, en)."""


class Uncalculated:
    """A formula cell whose value Excel never calculated (files written by scripts, not saved by Excel)."""

    def __init__(self, formula: str):
        self.formula = formula


def key(text) -> str:
    """Comparison key for headers and vocabulary: NFC, lower case, đ→d, no diacritics, words separated by one space."""
    t = unicodedata.normalize("NFC", str(text)).lower().replace("đ", "d")
    t = "".join(ch for ch in unicodedata.normalize("NFD", t) if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", t).strip()


def is_blank(v) -> bool:
    return v is None or (isinstance(v, str) and clean_text(v) in BLANK_MARKS)


def clean_text(v) -> str | None:
    if v is None:
        return None
    t = unicodedata.normalize("NFC", str(v)).replace("\u00a0", " ").strip()
    return re.sub(r"\s+", " ", t)


def number(raw) -> Decimal:
    """A non-negative number as Excel stores it or as Vietnamese reports write it: 1.234.567 (dots group
    thousands), 1.234,5 (comma is the decimal mark). A single dot not followed by groups of three (12.5) is read
    as a decimal point, as an English-locale export writes it."""
    if isinstance(raw, bool):
        raise CellError(f"«{raw}» không phải là số", f"«{raw}» is not a number")
    if isinstance(raw, (int, float)):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise CellError(f"«{raw}» không phải là số", f"«{raw}» is not a number")
        value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        shown = str(raw)
    else:
        shown = clean_text(raw) or ""
        s = re.sub(r"\s", "", shown).replace("\u2212", "-")
        negative = s.startswith("-") or (s.startswith("(") and s.endswith(")"))
        s = s.strip("-+()")
        if re.fullmatch(r"\d+", s):
            pass
        elif "." in s and "," in s:
            dec, grp = (",", ".") if s.rfind(",") > s.rfind(".") else (".", ",")
            if not re.fullmatch(rf"\d{{1,3}}(\{grp}\d{{3}})+\{dec}\d+", s):
                raise CellError(f"«{shown}» không phải là số", f"«{shown}» is not a number")
            s = s.replace(grp, "").replace(dec, ".")
        elif re.fullmatch(r"\d{1,3}(\.\d{3})+", s):
            s = s.replace(".", "")
        elif re.fullmatch(r"\d{1,3}(,\d{3}){2,}", s):  # 1,234,567 cannot be a decimal
            s = s.replace(",", "")
        elif re.fullmatch(r"\d+[.,]\d+", s):
            s = s.replace(",", ".")
        else:
            raise CellError(f"«{shown}» không phải là số", f"«{shown}» is not a number")
        try:
            value = Decimal(s)
        except InvalidOperation:
            raise CellError(f"«{shown}» không phải là số", f"«{shown}» is not a number") from None
        if negative:
            value = -value
    if value < 0:
        raise CellError(f"«{shown}» là số âm; số liệu không được âm", f"«{shown}» is negative; figures cannot be negative")
    return value


def year(raw) -> int:
    if is_blank(raw):
        raise CellError("ô trống; cần có năm", "the cell is empty; a year is required")
    if isinstance(raw, Uncalculated):
        raise CellError(f"ô chứa công thức «{raw.formula}» chưa có giá trị tính sẵn",
                   f"the cell holds the formula «{raw.formula}» with no calculated value")
    text = clean_text(raw)
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    if isinstance(raw, bool) or not re.fullmatch(r"\d{4}", text or ""):
        raise CellError(f"«{text}» không phải là năm (ví dụ 2023)", f"«{text}» is not a year (e.g. 2023)")
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CellError(f"năm {year} nằm ngoài khoảng được hỗ trợ {FIRST_YEAR}–{LAST_YEAR}",
                   f"year {year} is outside the supported range {FIRST_YEAR}–{LAST_YEAR}")
    return year


def province(name: str, year: int) -> str:
    era = era_of(year)
    try:
        return resolver(era).code(name)
    except UnknownProvince as e:
        closest = ", ".join(e.candidates) or "—"
        vi = (f"không nhận ra tỉnh/thành «{name}» của năm {year} ({'34 đơn vị mới' if era == '34' else '63 tỉnh'}); "
              f"gần nhất: {closest}")
        en = (f"unknown province «{name}» for {year} ({'the 34 new units' if era == '34' else 'the 63 provinces'}); "
              f"closest: {closest}")
        old = resolver("63").try_code(name) if era == "34" else None
        if old:
            new = resolver("34").names[successors()[old]]
            vi += f". «{name}» là tỉnh cũ; từ năm {year} số liệu thuộc «{new}»"
            en += f". «{name}» is a former province; from {year} its figures belong to «{new}»"
        raise CellError(vi, en) from None


@lru_cache(maxsize=1)
def successors() -> dict[str, str]:
    with open(REFERENCE_DIR / "reform_2025.csv", encoding="utf-8", newline="") as f:
        return {r["province_code"]: r["unit_code"] for r in csv.DictReader(f)}


def fund(text: str) -> str:
    k = key(text)
    for fund, spellings in FUND_SPELLINGS.items():
        if k in spellings or k.replace(" ", "") == fund:
            return fund
    raise CellError(f"nguồn «{text}» không hợp lệ; dùng KCQG hoặc KCĐP", f"fund «{text}» is not valid; use KCQG or KCĐP")


@lru_cache(maxsize=1)
def category_keys() -> dict[str, str]:
    keys = {}
    for i, (cid, vi, en) in enumerate(CONTENT_CATEGORIES, start=1):
        for spelling in (cid, vi, en, str(i)):
            keys[key(spelling)] = cid
    return keys


def category(raw) -> str:
    text = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else (clean_text(raw) or "")
    k, keys = key(text), category_keys()
    if k in keys:
        return keys[k]
    # A report may shorten the long legal names ('Đào tạo nghề', 'Mô hình trình diễn'): a unique prefix will do.
    starts = {cid for kk, cid in keys.items() if len(k) >= 6 and kk.startswith(k)}
    if len(starts) == 1:
        return starts.pop()
    close = difflib.get_close_matches(k, [key(c[1]) for c in CONTENT_CATEGORIES], n=2, cutoff=0.4)
    names = [c[1] for c in CONTENT_CATEGORIES if key(c[1]) in close]
    hint = "; ".join(names) or "xem trang README"
    raise CellError(f"nội dung «{text}» không thuộc chín nội dung khuyến công; gần nhất: {hint}",
               f"category «{text}» is not one of the nine activity types; closest: {hint}")
