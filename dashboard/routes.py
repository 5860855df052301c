"""Every page answers at its own URL path, the default page included.

Streamlit serves the default page at "/" only: its `url_path` ("tong-quan") is reserved but answers "Page not
found" (st.Page docs, 1.67). A hidden twin of the default page, running the same script, takes that path, so
links and bookmarks to /tong-quan open the overview; the menu still shows the page once, at "/".
"""
from __future__ import annotations

import streamlit as st

ROOT_SUFFIX = "-goc"  # the default page's reserved (never linked) path becomes e.g. "tong-quan-goc"


def with_default_path(pages: list) -> list:
    """`pages` (st.Page objects for st.navigation) plus a hidden twin serving the default page at its url_path.

    Reads st.Page's private `_default`, `_page`, `_url_path` (streamlit is pinned; tests/test_chrome.py opens
    /tong-quan in Chromium and fails if this stops working)."""
    out = list(pages)
    for p in pages:
        path = getattr(p, "_url_path", "")
        if getattr(p, "_default", False) and path and getattr(p, "_page", None) is not None:
            p._url_path = path + ROOT_SUFFIX  # the page hash derives from it; the default is still served at "/"
            out.append(st.Page(p._page, title=p.title, icon=p.icon or None, url_path=path, visibility="hidden"))
    return out
