"""The two eras of the administrative map: 63 provinces until 30/6/2025, 34 units from 1/7/2025 (the reform year
counts as the 34's). A module of its own so that modules queries.py depends on can use it without a cycle."""
from __future__ import annotations

REFORM_YEAR = 2025


def era_of(year: int) -> str:
    return "34" if int(year) >= REFORM_YEAR else "63"
