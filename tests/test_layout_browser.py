"""What a ministry user sees (issue 14), measured in Debian's Chromium: no button label cut to "Tải …", no chart title,
source line or value label past its chart's edge on a phone, legends clear of axis titles, negative values clear of
the province names, and a sidebar that names the 34 units the page draws from 2025.
"""
from __future__ import annotations

import time

import pytest

# boxes of a chart's texts against its own SVG, in page pixels
OUTSIDE = """(sel) => {
  const out = [];
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const svg = plot.querySelector('.main-svg');
    if (!svg) continue;
    const r = svg.getBoundingClientRect();
    for (const el of plot.querySelectorAll(sel)) {
      const b = el.getBoundingClientRect();
      if (b.width && (b.right > r.right + 1 || b.left < r.left - 1)) out.push(el.textContent.slice(0, 80));
    }
  }
  return out;
}"""


def _open(browser, server, path: str, width: int, height: int = 900):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{server}/{path}")
    page.wait_for_selector("h1", timeout=90_000)
    idle = 0
    for _ in range(240):  # until the script has stopped running for a few polls
        idle = idle + 1 if page.locator("[data-testid=stStatusWidget]").count() == 0 else 0
        if idle >= 6:
            break
        time.sleep(0.5)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    time.sleep(1.5)
    return page


@pytest.mark.parametrize("path", ["kinh-phi?year=2025", "nhan-luc?year=2025", "cong-tac-vien?year=2024"])
def test_download_buttons_show_their_whole_label(server, browser, path):
    """The CSV/PNG/SVG/HTML buttons under the ranking (a 2/5-width column) read "Tải CSV", not "Tải …"."""
    page = _open(browser, server, path, 1440)
    try:
        labels = page.locator("[data-testid=stDownloadButton] button").evaluate_all(
            "bs => bs.map(b => [b.innerText.trim(), [b, ...b.querySelectorAll('*')].some("
            "e => e.scrollWidth > e.clientWidth + 1)])")
        assert len(labels) >= 8  # the map's four and the ranking's four at least
        assert [text for text, cut in labels if cut] == []
    finally:
        page.close()


@pytest.mark.parametrize("path", ["kinh-phi?year=2025", "kinh-phi?year=2025&lang=en", "nhan-luc?year=2025", "trinh-chieu",
                                  "tong-quan?year=2025&lang=en"])
def test_chart_titles_and_source_lines_stay_inside_the_chart_on_a_phone(server, browser, path):
    page = _open(browser, server, path, 390, 844)
    try:
        assert page.evaluate(OUTSIDE, ".gtitle") == []
        assert page.evaluate(OUTSIDE, ".annotation-text") == []  # the source line and the demo mark
    finally:
        page.close()


@pytest.mark.parametrize("width", [1440, 390])
def test_the_collaborators_ranking_shows_its_top_value_whole(server, browser, width):
    """The top bar's label ("13,3%") lies inside the chart, not cut at its right edge."""
    page = _open(browser, server, "cong-tac-vien?year=2024", width)
    try:
        assert page.evaluate(OUTSIDE, ".bartext") == []
    finally:
        page.close()


def test_the_collaborators_scatter_legend_leaves_the_axis_title_free(server, browser):
    page = _open(browser, server, "cong-tac-vien?year=2024", 1440)
    try:
        overlaps = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].filter(p =>
            p.querySelector('.scatterlayer') && p.querySelector('.xtitle') && p.querySelector('.legend')).map(p => {
              const a = p.querySelector('.xtitle').getBoundingClientRect();
              const b = p.querySelector('.legend').getBoundingClientRect();
              return !(a.bottom <= b.top || b.bottom <= a.top || a.right <= b.left || b.right <= a.left); })""")
        assert overlaps and not any(overlaps)  # a scatter with an x title and a legend, and they do not touch
    finally:
        page.close()


def test_negative_changes_on_the_overview_leave_the_province_names_readable_on_a_phone(server, browser):
    page = _open(browser, server, "tong-quan?year=2025", 390, 844)
    try:
        hits = page.evaluate("""() => {
          const out = [];
          for (const p of document.querySelectorAll('.js-plotly-plot')) {
            const names = [...p.querySelectorAll('.ytick text')].map(e => e.getBoundingClientRect());
            for (const v of p.querySelectorAll('.bartext')) {
              const b = v.getBoundingClientRect();
              if (names.some(a => !(a.bottom <= b.top || b.bottom <= a.top || a.right <= b.left || b.right <= a.left)))
                out.push(v.textContent);
            }
          }
          return out; }""")
        labels = page.locator(".js-plotly-plot .bartext").evaluate_all("ts => ts.map(t => t.textContent)")
        assert any(x.startswith(("-", "−")) for x in labels)  # the chart has falls to show
        assert hits == []
    finally:
        page.close()


@pytest.mark.parametrize("lang, words", [("vi", "34 tỉnh, thành phố"), ("en", "34 units")])
def test_the_sidebar_names_the_34_units_a_2025_page_draws(server, browser, lang, words):
    """?view=63 for 2025: the page draws the 34 units, and the sidebar's unit choice says 34 (the 63 greyed)."""
    page = _open(browser, server, f"kinh-phi?year=2025&view=63&lang={lang}", 1440)
    try:
        sidebar = page.locator("[data-testid=stSidebar]")
        chosen = sidebar.locator("[data-testid=stRadio] label:has(input:checked)")
        assert chosen.count() == 1 and words in chosen.inner_text()
        assert sidebar.locator("[data-testid=stRadio] input:checked").is_disabled()
        assert "34" in page.locator(".js-plotly-plot .gtitle").first.text_content()  # the map's subtitle names 34
    finally:
        page.close()


def test_the_unit_choice_is_whole_and_free_before_2025(server, browser):
    page = _open(browser, server, "kinh-phi?year=2024&view=63", 1440)
    try:
        radio = page.locator("[data-testid=stSidebar] [data-testid=stRadio]")
        assert "63 tỉnh, thành phố (trước 1/7/2025)" in radio.inner_text()  # whole, not "…(trước 1/7/202"
        assert not radio.locator("input:checked").is_disabled()
        assert "63" in radio.locator("label:has(input:checked)").inner_text()
    finally:
        page.close()


def test_the_present_page_table_fits_1440_without_sideways_scrolling(server, browser):
    """The twelve columns of the deck's preview fit the page: nothing scrolls sideways, nothing ends past the page."""
    page = _open(browser, server, "trinh-chieu", 1440)
    try:
        page.wait_for_selector("[data-testid=stTable] table", timeout=60_000)
        fits = page.evaluate("""() => {
          const main = document.querySelector('[data-testid=stMainBlockContainer]').getBoundingClientRect();
          const box = document.querySelector('[data-testid=stTable]');
          const scrolls = [box, ...box.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1);
          return [scrolls, box.querySelector('table').getBoundingClientRect().right <= main.right + 1]; }""")
        assert fits == [False, True]
        headers = page.locator("[data-testid=stTable] th").all_inner_texts()
        assert "KCQG kế hoạch" in [h.strip() for h in headers]
    finally:
        page.close()
