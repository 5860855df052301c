"""A real browser: Debian's Chromium, driven by Playwright, against the app served on 127.0.0.1 (conftest.py's
`server` and `browser` fixtures).

Every page app.py declares loads, the analysis pages' plotly charts render, no Streamlit error box appears; a
screenshot per page is saved in tests/artifacts/ for a human to look at. A click on a province in a ranking opens
its profile.
"""
from __future__ import annotations

import time

import pytest
from conftest import ROOT, app_pages, streamlit_server

ARTIFACTS = ROOT / "tests" / "artifacts"
# every page app.py declares, by url path (the home page is the root; the profile of Đà Nẵng, 48, rather than the
# default province)
PAGES = [("" if i == 0 else url) + ("?unit=48" if url == "ho-so-tinh" else "") for i, (_, _, _, url) in
         enumerate(app_pages())]
CHARTED = {"" if i == 0 else url for i, (path, _, _, url) in enumerate(app_pages()) if path in {
    "pages/tong_quan.py", "pages/kinh_phi.py", "pages/nhan_luc.py", "pages/cong_tac_vien.py", "pages/so_sanh.py",
    "pages/ho_so_tinh.py", "pages/trinh_chieu.py"}}


def _settle(page) -> None:
    page.wait_for_selector("[data-testid=stAppViewContainer]", timeout=60_000)
    page.wait_for_selector("h1", timeout=60_000)
    for _ in range(120):  # Streamlit shows a running indicator until the script finishes
        if page.locator("[data-testid=stStatusWidget]").count() == 0:
            break
        time.sleep(0.5)
    time.sleep(1.5)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_page_renders_in_chromium(server, browser, path, lang):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    try:
        sep = "&" if "?" in path else "?"
        page.goto(f"{server}/{path}{sep}lang={lang}" if lang == "en" else f"{server}/{path}")
        _settle(page)
        if path.split("?")[0] in CHARTED:
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
            assert page.locator(".js-plotly-plot").count() >= 1
        else:  # the data and tool pages are tables, downloads and forms
            page.wait_for_selector("[data-testid=stDataFrame], [data-testid=stDownloadButton], "
                                   "[data-testid=stMarkdownContainer]", timeout=60_000)
        assert page.locator("[data-testid=stException]").count() == 0
        assert page.locator("text=Page not found").count() == 0
        title = page.locator("h1").first.inner_text()
        assert title.strip()
        name = (path.split("?")[0] or "home") + f"-{lang}"
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    finally:
        page.close()


def test_map_draws_provinces_and_archipelagos(server, browser):
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    fetched = []  # the borders come as a static file the figure names, not inside every rerun's figure
    page.on("response", lambda r: fetched.append((r.url.split("/app/static/geo/")[1].split("?")[0], r.status))
            if "/app/static/geo/" in r.url else None)
    try:
        page.goto(f"{server}/kinh-phi?year=2024&view=63")
        _settle(page)
        page.wait_for_selector(".js-plotly-plot .choroplethlayer path", timeout=60_000)
        # 63 provinces + Hoàng Sa + Trường Sa, each a path of the choropleth layer
        assert page.locator(".js-plotly-plot .choroplethlayer .choroplethlocation").count() >= 65
        assert ("provinces_63.json", 200) in fetched and ("regions_vung.json", 200) in fetched
        assert page.locator("text=Hoàng Sa").count() >= 1 and page.locator("text=Trường Sa").count() >= 1
    finally:
        page.close()


def test_clicking_a_province_in_the_ranking_opens_its_profile(server, browser):
    """The budget ranking's bars are provinces: clicking Đà Nẵng's bar opens Đà Nẵng's profile (?unit=48)."""
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    try:
        page.goto(f"{server}/kinh-phi?year=2024&view=63")
        _settle(page)
        ranking = page.locator(".js-plotly-plot").nth(1)  # beside the map
        ranking.locator(".barlayer .point").first.wait_for(timeout=60_000)
        labels = ranking.locator(".yaxislayer-above .ytick text").evaluate_all("ts => ts.map(t => t.textContent)")
        bars = ranking.locator(".barlayer .point")
        assert bars.count() == 63 and "Đà Nẵng" in labels
        # plotly draws bars bottom-up and labels in the same order: the label's index is the bar's
        idle = 0
        for _ in range(240):  # a click while the script still runs is dropped with its rerun: wait for quiet
            idle = idle + 1 if page.locator("[data-testid=stStatusWidget]").count() == 0 else 0
            if idle >= 6:
                break
            time.sleep(0.5)
        bar = bars.nth(labels.index("Đà Nẵng"))
        bar.scroll_into_view_if_needed()
        box = bar.bounding_box()  # plotly's drag layer lies over the bars: click where the bar is, as a reader does
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        profile = page.locator("h2", has_text="Đà Nẵng")
        for _ in range(3):  # on a cold server the first click can land before plotly's selection is wired up
            page.mouse.move(x, y)  # plotly picks the clicked point from its hover, which follows the pointer
            time.sleep(1)
            page.mouse.click(x, y)
            try:
                profile.wait_for(timeout=30_000)
                break
            except Exception:
                continue
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "click-through.png"))
        assert profile.count() >= 1, "clicking Đà Nẵng's bar did not open its profile"
        assert page.locator("h1").first.inner_text().strip() == "Hồ sơ tỉnh"
        assert "unit=48" in page.evaluate("location.search")
        assert page.locator("[data-testid=stException]").count() == 0
    finally:
        page.close()


def _quiet(page) -> None:
    """Wait until no script has run for a few polls (a click while the script runs is dropped with its rerun)."""
    idle = 0
    for _ in range(240):
        idle = idle + 1 if page.locator("[data-testid=stStatusWidget]").count() == 0 else 0
        if idle >= 6:
            return
        time.sleep(0.5)


def test_back_undoes_one_page_switch_and_urls_carry_only_their_page_s_values(server, browser):
    """One user action, one history entry: Back after a page switch shows the previous page, and a page's URL holds
    no parameter of the page before (the profile's ?unit= on the Overview)."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    try:
        page.goto(f"{server}/ho-so-tinh?unit=48")
        _settle(page)
        _quiet(page)
        opened = page.evaluate("history.length")
        page.locator("[data-testid=stSidebarNavLink]", has_text="Kinh phí").click()
        page.locator("h1", has_text="Kinh phí").wait_for(timeout=60_000)
        _quiet(page)
        assert "unit=" not in page.evaluate("location.search")
        assert page.evaluate("history.length") == opened + 1
        page.locator("[data-testid=stSidebarNavLink]", has_text="Nhân lực").click()
        page.locator("h1", has_text="Nhân lực").wait_for(timeout=60_000)
        _quiet(page)
        page.go_back()
        page.locator("h1", has_text="Kinh phí").wait_for(timeout=60_000)
        _quiet(page)
        page.go_back()
        page.locator("h1", has_text="Hồ sơ tỉnh").wait_for(timeout=60_000)
        assert "unit=48" in page.evaluate("location.search")
    finally:
        page.close()


def test_a_34_unit_profile_link_opens_that_unit(server, browser):
    """?unit=52&era=34 (what a click on the 2025 map sends) is the new Gia Lai, not Bình Định (52 among the 63)."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    try:
        page.goto(f"{server}/ho-so-tinh?unit=52&era=34")
        _settle(page)
        assert page.locator("h2").first.inner_text().strip() == "Gia Lai"
        assert "era=34" in page.evaluate("location.search")
    finally:
        page.close()


@pytest.mark.parametrize("size", [(1440, 900), (1920, 1080), (390, 844)])
@pytest.mark.parametrize("path", ["?year=2025", "?year=2025&lang=en", "nhan-luc?year=2024"])
def test_no_kpi_text_is_cut(server, browser, path, size):
    """Every KPI tile's label and value fit their box (the execution % at the end of a label was cut off)."""
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    try:
        page.goto(f"{server}/{path}")
        _settle(page)
        page.wait_for_selector("[data-testid=stMetric]", timeout=60_000)
        cut = page.evaluate("""() => [...document.querySelectorAll(
            '[data-testid=stMetricLabel] p, [data-testid=stMetricLabel] div, [data-testid=stMetricValue] div')]
            .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)""")
        assert cut == []
    finally:
        page.close()


@pytest.mark.parametrize("path", ["", "tong-quan", "kinh-phi"])
def test_the_first_session_after_a_server_start_finds_its_page(db_path, browser, path):
    """Streamlit's "Page not found" dialog covered the first session after a server start on any page but the home
    page (dashboard/serve.py says why): a fresh server each time, and its very first visitor."""
    with streamlit_server(db_path=db_path) as base:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        try:
            page.goto(f"{base}/{path}")
            _settle(page)
            assert page.locator("text=Page not found").count() == 0
            assert page.locator("[role=dialog]").count() == 0
            assert page.locator("h1").first.inner_text().strip()
        finally:
            page.close()


@pytest.mark.parametrize("width, phone", [(390, True), (1440, False)])
def test_downloads_rows_say_what_each_cell_is_on_a_phone(server, browser, con, width, phone):
    """Streamlit stacks a row's columns on a phone: there the header row goes and each cell names itself."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(f"{server}/tai-ve")
        _settle(page)
        assert page.locator(".st-key-dl-head").is_visible() != phone
        row = page.locator(".st-key-dl-row-budget")
        labels = [el.inner_text().strip() for el in row.locator("[data-testid=stCaptionContainer]").all()
                  if el.is_visible()]
        assert labels == (["Bảng", "Mô tả", "Số dòng", "Nguồn gốc"] if phone else [])
        from dashboard import fmt
        assert fmt.number(con.execute("SELECT count(*) FROM budget").fetchone()[0], 0, "vi") in row.inner_text()
    finally:
        page.close()
