"""Reading one cell of a report: numbers as Vietnamese reports write them (1.234.567 and 1.234,5), years,
provinces in any spelling of their era, funds and activity types. Each reader returns a clean value or raises
CellError with the reason in Vietnamese and English; the caller adds file, sheet, row and column."""
from __future__ import annotations

import datetime
import difflib
import math
import re
import unicodedata
from decimal import Context, Decimal, Inexact, Overflow
from functools import lru_cache

from .. import vocabulary
from ..names import NotInYear, UnknownProvince, resolve
from ..vocabulary import CONTENT_CATEGORIES, FIRST_YEAR, era_of

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


SHOWN = 60  # characters of a cell a message may echo: a 100.000-character cell must not become the message


def shown(raw) -> str:
    """A cell as a message quotes it: cleaned, and cut short."""
    t = clean_text(raw) or ""
    return t if len(t) <= SHOWN else t[:SHOWN] + "…"


def _not_a_number(text: str, why_vi: str = "", why_en: str = "") -> CellError:
    return CellError(f"«{text}» không phải là số{why_vi}", f"«{text}» is not a number{why_en}")


# A single separator followed by exactly three digits: 1.234 or 1,234. Vietnamese reports mean 1234 by '1.234' and
# 1,234 by '1,234'; an English-locale export means the opposite. Read the Vietnamese way unless the same file also
# writes numbers the English way (see parse._check_number_conventions).
AMBIGUOUS = re.compile(r"\d{1,3}[.,]\d{3}")


def number_convention(raw) -> str | None:
    """How a text number writes its separators: 'vi' (1.234.567, 1.234,5, 12,5), 'en' (1,234,567, 1,234.5, 12.5),
    'ambiguous' (1.234 or 1,234), or None (no separator, or not text)."""
    if not isinstance(raw, str):
        return None
    s = re.sub(r"\s", "", clean_text(raw) or "").strip("-+()\u2212")
    if AMBIGUOUS.fullmatch(s):
        return "ambiguous"
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?|\d+,\d+", s):
        return "vi"
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?|\d+\.\d+", s):
        return "en"
    return None


def number(raw) -> Decimal:
    """A non-negative number as Excel stores it or as Vietnamese reports write it: 1.234.567 (dots group
    thousands), 1.234,5 (comma is the decimal mark); spaces (also non-breaking and narrow) group thousands too. A
    single dot not followed by groups of three (12.5) is read as a decimal point, as an English-locale export writes
    it. Exact: a Decimal, never a float; NaN, infinities, exponents, percentages and dates are refused."""
    if isinstance(raw, bool):
        raise _not_a_number(str(raw))
    if isinstance(raw, (datetime.date, datetime.time)):
        raise CellError(f"ô chứa ngày/giờ «{raw}», không phải số tiền",
                        f"the cell holds a date/time «{raw}», not an amount")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not math.isfinite(raw):
            raise _not_a_number(str(raw))
        # Excel keeps 15 significant digits; a float's longer tail (0.30000000000000004) is binary noise, not data.
        value = Decimal(f"{raw:.15g}") if isinstance(raw, float) else Decimal(raw)
        text = shown(f"{raw:.15g}" if isinstance(raw, float) else raw)
    else:
        text = shown(raw)
        s = re.sub(r"\s", "", clean_text(raw) or "").replace("\u2212", "-")
        if s.endswith("%"):
            raise _not_a_number(text, "; đây là tỷ lệ phần trăm, cột cần số tiền",
                                "; it is a percentage, the column needs an amount")
        negative = s.startswith("-") or (s.startswith("(") and s.endswith(")"))
        s = s.strip("-+()")
        if re.fullmatch(r"\d+", s):
            pass
        elif "." in s and "," in s:
            dec, grp = (",", ".") if s.rfind(",") > s.rfind(".") else (".", ",")
            if not re.fullmatch(rf"\d{{1,3}}(\{grp}\d{{3}})+\{dec}\d+", s):
                raise _not_a_number(text)
            s = s.replace(grp, "").replace(dec, ".")
        elif re.fullmatch(r"\d{1,3}(\.\d{3})+", s):
            s = s.replace(".", "")
        elif re.fullmatch(r"\d{1,3}(,\d{3}){2,}", s):  # 1,234,567 cannot be a decimal
            s = s.replace(",", "")
        elif re.fullmatch(r"\d+[.,]\d+", s):
            s = s.replace(",", ".")
        else:
            raise _not_a_number(text)
        value = Decimal(s)  # only digits and one '.' are left: cannot fail
        if negative:
            value = -value
    if value < 0:
        raise CellError(f"«{text}» là số âm; số liệu không được âm",
                        f"«{text}» is negative; figures cannot be negative")
    return Decimal(0) if value == 0 else value  # '-0' is zero, not a negative figure


MAX_MVND = Decimal("1e15")  # DECIMAL(18,3): 15 digits before the point
MAX_COUNT = 2**31 - 1  # INTEGER columns


def amount(raw, factor: Decimal = Decimal(1)) -> Decimal:
    """An amount in triệu đồng, exact to 1.000 đồng (DECIMAL(18,3)). A value finer than that or too large for the
    column is refused: storing it would round it or overflow."""
    try:  # exact or not at all: the default context would round a long number to 28 digits without a word
        value = Context(prec=60, traps=[Inexact, Overflow]).multiply(number(raw), factor)
    except (Inexact, Overflow):
        value = MAX_MVND
    if value >= MAX_MVND:
        raise CellError(f"«{shown(raw)}» quá lớn (tối đa 15 chữ số phần nguyên, tính bằng triệu đồng)",
                        f"«{shown(raw)}» is too large (at most 15 digits before the decimal point, in triệu đồng)")
    if value != value.quantize(Decimal("0.001")):
        exact = shown(format(value, "f"))
        raise CellError(f"«{shown(raw)}» có nhiều hơn 3 chữ số thập phân khi đổi ra triệu đồng ({exact}); cơ sở dữ "
                        "liệu giữ số tiền đến nghìn đồng, làm tròn sẽ làm sai số liệu",
                        f"«{shown(raw)}» has more than 3 decimals in triệu đồng ({exact}); the warehouse keeps "
                        "amounts to the nghìn đồng and will not round them")
    return value.quantize(Decimal("0.001"))


def count(raw) -> int:
    v = number(raw)
    if v != v.to_integral_value():
        raise CellError(f"«{shown(raw)}» không phải là số nguyên", f"«{shown(raw)}» is not a whole number")
    if v > MAX_COUNT:
        raise CellError(f"«{shown(raw)}» quá lớn", f"«{shown(raw)}» is too large")
    return int(v)


def year(raw) -> int:
    """A report year from FIRST_YEAR to next year (plans are made a year ahead)."""
    if is_blank(raw):
        raise CellError("ô trống; cần có năm", "the cell is empty; a year is required")
    if isinstance(raw, Uncalculated):
        raise CellError(f"ô chứa công thức «{shown(raw.formula)}» chưa có giá trị tính sẵn",
                   f"the cell holds the formula «{shown(raw.formula)}» with no calculated value")
    text = shown(raw)
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    # A date is not a year: a date-formatted cell holding 2024 reads as 1905-07-16, and 2024-01-01 may mean a
    # financial date, not the report year. Say so rather than guess.
    if isinstance(raw, (datetime.date, datetime.time)) or re.fullmatch(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}.*", text):
        raise CellError(f"«{text}» là ngày, không phải năm; ghi năm dạng số (ví dụ 2024), ô định dạng số",
                        f"«{text}» is a date, not a year; write the year as a number (e.g. 2024) in a number cell")
    if isinstance(raw, bool) or not re.fullmatch(r"\d{4}", text):
        raise CellError(f"«{text}» không phải là năm (ví dụ 2023)", f"«{text}» is not a year (e.g. 2023)")
    year = int(text)
    last = vocabulary.last_import_year()  # looked up at call time: tests fix the date
    if not FIRST_YEAR <= year <= last:
        ahead_vi = f" (kế hoạch được lập trước tối đa một năm: năm nay {vocabulary.today().year})" if year > last else ""
        ahead_en = f" (plans are made at most one year ahead: this year is {vocabulary.today().year})" if year > last else ""
        raise CellError(f"năm {year} nằm ngoài khoảng được hỗ trợ {FIRST_YEAR}–{last}{ahead_vi}",
                   f"year {year} is outside the supported range {FIRST_YEAR}–{last}{ahead_en}")
    return year


def province(name: str, year: int) -> str:
    """The code of the unit `name` meant in `year` (see names.resolve); a unit that did not exist that year is
    refused with its successor suggested, an unknown name with the closest names."""
    era = era_of(year)
    text = shown(name)
    try:
        return resolve(name, year)
    except NotInYear as e:
        raise CellError(e.vi.replace(f"«{e.name}»", f"«{text}»"), e.en.replace(f"«{e.name}»", f"«{text}»")) from None
    except UnknownProvince as e:
        closest = ", ".join(e.candidates) or "—"
        raise CellError(
            f"không nhận ra tỉnh/thành «{text}» của năm {year} ({'34 đơn vị mới' if era == '34' else '63 tỉnh'}); "
            f"gần nhất: {closest}",
            f"unknown province «{text}» for {year} ({'the 34 new units' if era == '34' else 'the 63 provinces'}); "
            f"closest: {closest}") from None


def fund(text: str) -> str:
    k = key(text)
    for fund, spellings in FUND_SPELLINGS.items():
        if k in spellings or k.replace(" ", "") == fund:
            return fund
    raise CellError(f"nguồn «{shown(text)}» không hợp lệ; dùng KCQG hoặc KCĐP",
                    f"fund «{shown(text)}» is not valid; use KCQG or KCĐP")


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
    raise CellError(f"nội dung «{shown(text)}» không thuộc chín nội dung khuyến công; gần nhất: {hint}",
               f"category «{shown(text)}» is not one of the nine activity types; closest: {hint}")
