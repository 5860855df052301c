"""Shared code of the Streamlit pages: queries, metrics, formatting, labels, charts, maps, filters, page chrome."""
