"""Every colour the app draws with: one per region, fund and metric series, so a series looks the same on every page
(and, once it adopts this module, in the deck)."""
from __future__ import annotations

REGION = {
    # vùng kinh tế – xã hội
    "tdmnpb": "#1b9e77", "dbsh": "#d95f02", "btb-dhmt": "#7570b3", "tay-nguyen": "#e7298a",
    "dong-nam-bo": "#66a61e", "dbscl": "#1f78b4",
    # khu vực khuyến công
    "phia-bac": "#b2182b", "mien-trung-tay-nguyen": "#ef8a62", "phia-nam": "#2166ac",
}
FUND = {"kcqg": "#c0392b", "kcdp": "#2c7fb8", "total": "#34495e"}
# planned funds in a lighter shade of their fund where planned and actual stand side by side as bars
FUND_PLANNED = {"kcqg": "#e8a39b", "kcdp": "#9ecae1"}
SERIES = {  # people series, the same colour on the staffing, collaborator and profile pages
    "staff_total": "#34495e", "staff_grassroots": "#e69500",
    "collaborators_district": "#7570b3", "collaborators_commune": "#1b9e77",
}
UNIT = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#e6850e"]  # the 2–5 units being compared
CATEGORY = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f"]
NATION = "#222222"
OTHER = "#888"  # a region without a colour of its own
MUTED = "#cfcfcf"  # units not highlighted
RISE, FALL = "#2166ac", "#b2182b"  # signed changes
DEMO_TEXT, DEMO_FILL, DEMO_EDGE = "#8a4b00", "#ffe8c2", "#e69500"  # the demo mark inside figures
SEQUENTIAL = "YlGnBu"
DIVERGING = "RdBu"
