"""What a ministry user sees around the pages: no developer chrome, nothing fetched from outside the server (an
intranet blocks it), and every page's own URL path answers — the overview's /tong-quan included."""
from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest
from conftest import ROOT
# the fixtures `server` and `browser` live in conftest.py
from test_browser import _settle

LOCAL = {"127.0.0.1"}


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    _settle(page)
    return page, requests


@pytest.mark.parametrize("path, title", [("", "Tổng quan"), ("tong-quan", "Tổng quan"),
                                         ("tong-quan?lang=en", "Overview"), ("kinh-phi", "Kinh phí")])
def test_each_url_path_opens_its_page_and_only_this_server_is_asked(server, browser, path, title):
    page, requests = _open(browser, f"{server}/{path}")
    try:
        assert page.locator("h1").first.inner_text().strip() == title
        assert urlsplit(page.url).path == "/" + path.split("?")[0]  # the address stays what was asked for
        assert page.locator("text=Page not found").count() == 0
        outside = sorted({u for u in requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                          and urlsplit(u).hostname not in LOCAL})
        assert outside == []  # e.g. the favicon from fonts.gstatic.com, a font or a map outline from a CDN
        icons = page.evaluate("Array.from(document.querySelectorAll('link[rel*=icon]')).map(l => l.href)")
        assert icons and all(urlsplit(i).hostname in LOCAL for i in icons)
    finally:
        page.close()


def test_no_deploy_button_or_developer_menu(server, browser):
    page, _ = _open(browser, f"{server}/tong-quan")
    try:
        assert page.get_by_text("Deploy", exact=True).count() == 0
        page.locator("[data-testid=stMainMenu] button, [data-testid=stMainMenu]").first.click()
        page.wait_for_timeout(500)
        menu = page.locator("[data-testid=stMainMenuPopover]").inner_text()
        assert "Print" in menu  # the viewer's items stay
        assert "Rerun" not in menu and "Clear cache" not in menu and "Developer" not in menu
    finally:
        page.close()


def test_users_are_shown_no_error_details(monkeypatch):
    """Tracebacks go to the server's console, not to a ministry user's screen (option names as Streamlit 1.67)."""
    from streamlit import config
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(os.path, "expanduser", lambda p: p.replace("~", str(ROOT / "tests" / "no-home")))
    config.get_config_options(force_reparse=True)
    try:
        assert config.get_option("client.showErrorDetails") == "none"
        assert config.get_option("client.toolbarMode") == "viewer"
    finally:
        monkeypatch.undo()
        config.get_config_options(force_reparse=True)
