"""Numbers read the way users write them: Vietnamese 1.234,5 and English 1,234.5."""
import math
from decimal import Decimal

import pandas as pd
import pytest

from dashboard import fmt


@pytest.mark.parametrize("x,decimals,vi,en", [
    (1234.5, 1, "1.234,5", "1,234.5"),
    (104314, 0, "104.314", "104,314"),
    (-2500.25, 2, "-2.500,25", "-2,500.25"),
    (0.5, 0, "1", "1"),  # half up, as reports round (not Python's half to even)
    (12.25, 1, "12,3", "12.3"),
    (94.476, 1, "94,5", "94.5"),
])
def test_numbers(x, decimals, vi, en):
    assert fmt.number(x, decimals, "vi") == vi
    assert fmt.number(x, decimals, "en") == en


def test_amounts_and_percentages():
    assert fmt.mvnd(27708, "vi") == "27.708 triệu đồng"
    assert fmt.mvnd(27708, "en") == "27,708 million VND"
    assert fmt.mvnd(Decimal("1234.500"), "vi") == "1.234,5 triệu đồng"  # an exact amount keeps its decimals
    assert fmt.mvnd(12345678.125, "en") == "12,345,678.125 million VND"
    assert fmt.mvnd(1436000, "vi", exact=False) == "1.436,0 tỷ đồng"
    assert fmt.pct(26.562, 2, "vi") == "26,56%"
    assert fmt.signed_pct(3.21, 1, "en") == "+3.2%"


@pytest.mark.parametrize("missing", [None, math.nan, pd.NA, float("nan")])
def test_missing_values_show_a_dash(missing):
    assert fmt.number(missing) == fmt.mvnd(missing) == fmt.pct(missing) == "–"


def test_plotly_separators_match():
    assert fmt.plotly_separators("vi") == ",." and fmt.plotly_separators("en") == ".,"
