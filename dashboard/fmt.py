"""Numbers as users read them: Vietnamese 1.234,5 (triệu đồng, tỷ đồng) or English 1,234.5."""
from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from .i18n import t

SEPARATORS = {"vi": (".", ","), "en": (",", ".")}  # (thousands, decimal)


def missing(x) -> bool:
    """None, NaN, pandas NA: nothing to show."""
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def number(x, decimals: int = 0, lang: str = "vi") -> str:
    """1234.5 → '1.234,5' (vi) or '1,234.5' (en), rounded half up as reports round; missing values → '–'."""
    if missing(x):
        return "–"
    thousands, decimal = SEPARATORS[lang]
    exact = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{exact:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def mvnd(x, lang: str = "vi", exact: bool = True) -> str:
    """An amount in triệu đồng: exact ('104.314 triệu đồng') or, for headlines, in tỷ ('104,3 tỷ đồng')."""
    if missing(x):
        return "–"
    if not exact and abs(x) >= 1000:
        return f"{number(x / 1000, 1, lang)} {billions(lang)}"
    # Exact means exact: an imported 1.234,5 triệu đồng (amounts are stored to the nghìn đồng) keeps its decimals.
    text = number(x, 3, lang).rstrip("0").rstrip(SEPARATORS[lang][1])
    return f"{text} {t('unit_mvnd', lang)}"


def pct(x, decimals: int = 1, lang: str = "vi") -> str:
    if missing(x):
        return "–"
    return f"{number(x, decimals, lang)}%"


def signed_pct(x, decimals: int = 1, lang: str = "vi") -> str:
    if missing(x):
        return "–"
    return ("+" if x > 0 else "") + pct(x, decimals, lang)


def plotly_separators(lang: str) -> str:
    """Plotly's layout.separators: decimal mark first, then thousands."""
    thousands, decimal = SEPARATORS[lang]
    return decimal + thousands


def mvnd_headline(x, lang: str) -> str:
    """A headline amount in tỷ đồng without the unit (the KPI label carries it; the exact value is its tooltip)."""
    return "–" if missing(x) else number(x / 1000, 1, lang)


def billions(lang: str) -> str:
    return t("unit_billion", lang)


def hover(values, kind: str, lang: str) -> list[str]:
    """Pre-formatted hover values so they read in the user's conventions (1.234,5 triệu đồng)."""
    if kind == "mvnd":
        return [mvnd(v, lang) for v in values]
    if kind == "pct":
        return [pct(v, 1, lang) for v in values]
    if kind == "ratio":  # small amounts per head (triệu đồng per 1.000 people): two decimals
        return [number(v, 2, lang) for v in values]
    return [number(v, 0, lang) for v in values]


# Units as the sources write them → the catalogue key of their name in the reader's language.
UNIT_KEYS = {"triệu đồng": "unit_mvnd", "người": "unit_people", "%": "unit_pct", "đơn vị": "src_unit_units",
             "đề án": "src_unit_projects", "xã": "src_unit_communes", "tỉnh": "src_unit_provinces",
             "huyện": "src_unit_districts", "thành phố": "src_unit_cities", "nội dung": "src_unit_content_types",
             "người/đơn vị": "src_unit_people_per_unit", "cơ sở": "src_unit_establishments",
             "sản phẩm": "src_unit_products"}


def decimals(x, resolution=None) -> int:
    """As many decimals as the source wrote (its resolution), or as the value needs (at most 2)."""
    precise = resolution is not None and resolution == resolution and 0 < resolution < 1
    res = -math.floor(math.log10(resolution) + 1e-9) if precise else 0
    need = next((d for d in (0, 1, 2) if abs(x * 10 ** d - round(x * 10 ** d)) < 1e-6), 2) if x == x else 0
    return max(res, need)


def amount(x, unit: str, lang: str, d: int | None = None) -> str:
    """A published figure in its unit, in the reader's number style: '16.602 triệu đồng', '12,34%', '516 người'."""
    if missing(x):
        return "–"
    d = decimals(x) if d is None else d
    if unit == "%":
        return pct(x, d, lang)
    return f"{number(x, d, lang)} {t(UNIT_KEYS[unit], lang) if unit in UNIT_KEYS else unit}"


def md(text) -> str:
    """Source text shown as Markdown literally (quotes may hold *, _, $, [ …)."""
    return re.sub(r"([\\`*_{}\[\]<>()#+!|$~])", r"\\\1", str(text or ""))


def plain(x) -> str:
    """A text cell, with missing values (None, NaN) as ''."""
    return x.strip() if isinstance(x, str) else ""


def is_url(loc) -> bool:
    return isinstance(loc, str) and loc.startswith(("http://", "https://"))


def period(r, lang: str) -> str:
    """A published figure's year or span, with its part of the year (H1, 9M, 11M) when it covers only part."""
    if pd.isna(r.year):
        return "–"
    years = str(r.year) if pd.isna(r.year_to) or r.year_to == r.year else f"{r.year}–{r.year_to}"
    return f"{years} · {t(f'src_period_{r.period}', lang)}" if r.period in ("H1", "9M", "11M") else years


def spelled(formula: str, values: dict, lang: str) -> str:
    """'mt17_kcdp_actual / n17_kcdp_actual * 100' → '16.602 / 134.588 × 100', each figure in the reader's style."""
    out = re.sub(r"[A-Za-z_][A-Za-z0-9_]*", lambda m: number(values[m[0]], decimals(values[m[0]]), lang), formula)
    return out.replace("*", "×")
