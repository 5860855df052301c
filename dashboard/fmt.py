"""Numbers as users read them: Vietnamese 1.234,5 (triệu đồng, tỷ đồng) or English 1,234.5."""
from __future__ import annotations

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
    return f"{number(x, 0, lang)} {t('unit_mvnd', lang)}"


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
    return [number(v, 0, lang) for v in values]
