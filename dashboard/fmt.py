"""Numbers as users read them: Vietnamese 1.234,5 (triệu đồng, tỷ đồng) or English 1,234.5."""
from __future__ import annotations

import math

SEPARATORS = {"vi": (".", ","), "en": (",", ".")}  # (thousands, decimal)


def number(x, decimals: int = 0, lang: str = "vi") -> str:
    """1234.5 → '1.234,5' (vi) or '1,234.5' (en); missing values → '–'."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    try:
        if x != x:  # pandas NA-like
            return "–"
    except TypeError:
        return "–"
    thousands, decimal = SEPARATORS[lang]
    text = f"{float(x):,.{decimals}f}"
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def mvnd(x, lang: str = "vi", exact: bool = True) -> str:
    """An amount in triệu đồng: exact ('104.314 triệu đồng') or, for headlines, in tỷ ('104,3 tỷ đồng')."""
    if x is None or x != x:
        return "–"
    if not exact and abs(x) >= 1000:
        return f"{number(x / 1000, 1, lang)} {'tỷ đồng' if lang == 'vi' else 'billion VND'}"
    return f"{number(x, 0, lang)} {'triệu đồng' if lang == 'vi' else 'million VND'}"


def pct(x, decimals: int = 1, lang: str = "vi") -> str:
    if x is None or x != x:
        return "–"
    return f"{number(x, decimals, lang)}%"


def signed_pct(x, decimals: int = 1, lang: str = "vi") -> str:
    if x is None or x != x:
        return "–"
    return ("+" if x > 0 else "") + pct(x, decimals, lang)


def plotly_separators(lang: str) -> str:
    """Plotly's layout.separators: decimal mark first, then thousands."""
    thousands, decimal = SEPARATORS[lang]
    return decimal + thousands
