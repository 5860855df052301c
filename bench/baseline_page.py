"""Benchmark floor: the app's chrome (page config, language switch, title) and one static plotly chart.

bench/run.py reports every page's render time as a multiple of this page's: what a page costs beyond the least a
Streamlit page with a chart can cost. No database, no query, no cache.
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run bench/baseline_page.py` puts only bench/ on the path
    sys.path.insert(0, str(ROOT))

import plotly.graph_objects as go  # noqa: E402
import streamlit as st  # noqa: E402

from dashboard import charts, filters  # noqa: E402

st.set_page_config(page_title="Baseline", layout="wide")
lang = filters.language_switch()
st.title("Baseline")
fig = go.Figure(go.Bar(x=[str(y) for y in range(2013, 2026)], y=list(range(100, 230, 10))))
charts.style(fig, "Baseline: one static chart", "unit", lang, demo=False)
st.plotly_chart(fig, config=charts.PLOTLY_CONFIG)
