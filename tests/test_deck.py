"""The conference deck: what a presenter gets for an area and a year (nine slides, charts as images, numbers equal to
the database's, the demo badge), what a bad request gets (a bilingual error and no file), and the PDF's pages."""
from __future__ import annotations

import shutil
import subprocess

import duckdb
import pytest
from pptx import Presentation

from conftest import ROOT

MEMBERS = ("SELECT list(member_code ORDER BY member_code) FROM grouping_member "
           "WHERE grouping_id = ? AND group_id = ? AND era = ?")
BUDGET = """SELECT sum(planned_mvnd) FILTER (fund = 'kcqg'), sum(actual_mvnd) FILTER (fund = 'kcqg'),
                   sum(planned_mvnd) FILTER (fund = 'kcdp'), sum(actual_mvnd) FILTER (fund = 'kcdp')
            FROM budget_current WHERE era = ? AND year = ? AND list_contains(?, unit_code)"""
VI_TITLES_2017 = [
    "Khu vực miền Trung – Tây Nguyên", "Cả nước năm 2017", "Khu vực so với cả nước, 2017",
    "Các tỉnh trong khu vực: kinh phí thực hiện 2017", "Bản đồ khu vực: kinh phí thực hiện 2017",
    "Nhân lực trung tâm khuyến công, 2017", "Mạng lưới cộng tác viên, 2017", "Thay đổi so với năm 2016",
    "Nguồn số liệu"]


def vi(x: float, decimals: int = 0) -> str:
    """Vietnamese number, written here independently of dashboard/fmt.py."""
    return f"{x:,.{decimals}f}".replace(",", "\0").replace(".", ",").replace("\0", ".")


def en(x: float, decimals: int = 0) -> str:
    return f"{x:,.{decimals}f}"


@pytest.fixture(scope="module")
def deck(db_path):
    """The deck module pointed at the test warehouse (built in tmp by conftest), with fresh query caches."""
    import streamlit as st
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KHUYENCONG_DB", str(db_path))
        st.cache_data.clear()
        from dashboard import deck as module
        yield module
    st.cache_data.clear()


@pytest.fixture(scope="module")
def sql(db_path):
    con = duckdb.connect(str(db_path), read_only=True)
    yield lambda q, p=(): con.execute(q, list(p)).fetchall()
    con.close()


@pytest.fixture(scope="module")
def mttn_2017(deck, tmp_path_factory):
    out = tmp_path_factory.mktemp("deck") / "mttn-2017.pptx"
    info = deck.build("mien-trung-tay-nguyen", 2017, out)
    return out, Presentation(str(out)), info


def shapes(slide, name):
    return [s for s in slide.shapes if s.name == name]


def table_rows(slide, name):
    (frame,) = shapes(slide, name)
    return [[c.text for c in row.cells] for row in frame.table.rows]


def slide_text(slide) -> str:
    parts = []
    for s in slide.shapes:
        if s.has_text_frame:
            parts.append(s.text_frame.text)
        if s.has_table:
            parts.extend(c.text for row in s.table.rows for c in row.cells)
    return "\n".join(parts)


def test_the_deck_is_16_9_with_nine_titled_slides(mttn_2017):
    out, prs, info = mttn_2017
    assert round(prs.slide_width / prs.slide_height, 3) == round(16 / 9, 3)
    assert [s.shapes.title.text for s in prs.slides] == VI_TITLES_2017 == info.titles


def test_every_chart_slide_holds_a_projector_sized_image(mttn_2017):
    _, prs, _ = mttn_2017
    for i in range(1, 8):  # the nation … the changes
        pics = [s for s in prs.slides[i].shapes if s.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
        assert pics, f"slide {i + 1} has no chart"
        for p in pics:
            assert p.image.content_type == "image/png" and len(p.image.blob) > 20_000
            px_w, _ = p.image.size
            assert px_w / (p.width / 914400) >= 150, "the image is rendered at projector resolution"


def test_the_area_against_the_nation_equals_the_database(mttn_2017, sql):
    """The 15 provinces of Miền Trung – Tây Nguyên carry 27.708 triệu đồng of KCQG actual spending in 2017 (26,6% of
    the nation's 104.314), as the 2018 conference reported — and every cell of the table is the database's."""
    _, prs, _ = mttn_2017
    (members,) = sql(MEMBERS, ["kc_area", "mien-trung-tay-nguyen", "63"])[0]
    area = sql(BUDGET, ["63", 2017, members])[0]
    nation = sql(BUDGET.replace("AND list_contains(?, unit_code)", ""), ["63", 2017])[0]
    rows = {r[0]: r[1:] for r in table_rows(prs.slides[2], "region-table")}
    for label, a, n in zip(["KCQG kế hoạch", "KCQG thực hiện", "KCĐP kế hoạch", "KCĐP thực hiện"], area, nation):
        assert rows[label] == [vi(a), vi(n), vi(100 * a / n, 1) + "%"]
    assert rows["KCQG thực hiện"] == ["27.708", "104.314", "26,6%"]
    assert rows["Tổng thực hiện"][0] == vi(area[1] + area[3])
    assert rows["KCQG: tỷ lệ thực hiện"][:2] == [vi(100 * area[1] / area[0], 1) + "%", vi(100 * nation[1] / nation[0], 1) + "%"]
    assert rows["Tỷ lệ thực hiện chung"][0] == vi(100 * (area[1] + area[3]) / (area[0] + area[2]), 1) + "%"
    nation_text = slide_text(prs.slides[1])
    for value in nation:
        assert vi(value) in nation_text


def test_each_province_on_the_map_list_has_its_database_total(mttn_2017, sql):
    _, prs, _ = mttn_2017
    (members,) = sql(MEMBERS, ["kc_area", "mien-trung-tay-nguyen", "63"])[0]
    expected = sql("""SELECT p.name_vi, sum(b.actual_mvnd) AS total FROM budget_current b
                      JOIN province p ON p.province_code = b.unit_code
                      WHERE b.era = '63' AND b.year = 2017 AND list_contains(?, b.unit_code)
                      GROUP BY ALL ORDER BY total DESC, p.name_vi""", [members])
    listing = table_rows(prs.slides[4], "map-list")[1:]
    assert [(r[1], r[2]) for r in listing] == [(name, vi(total)) for name, total in expected]
    assert [r[0] for r in listing] == [str(i) for i in range(1, 16)]


def test_staffing_and_collaborator_tiles_equal_the_database(mttn_2017, sql):
    _, prs, _ = mttn_2017
    (members,) = sql(MEMBERS, ["kc_area", "mien-trung-tay-nguyen", "63"])[0]
    staff, grassroots, district, commune = sql(
        """SELECT sum(s.staff_total), sum(s.staff_grassroots), sum(c.collaborators_district), sum(c.collaborators_commune)
           FROM staffing_current s JOIN collaborators_current c USING (era, unit_code, year)
           WHERE era = '63' AND year = 2017 AND list_contains(?, unit_code)""", [members])[0]
    staff_text, collab_text = slide_text(prs.slides[5]), slide_text(prs.slides[6])
    assert f"Cán bộ trung tâm (người)\n{vi(staff)}\n" in staff_text
    assert f"Cán bộ làm việc đến cơ sở (người)\n{vi(grassroots)}\n" in staff_text
    assert f"Cán bộ mỗi trung tâm\n{vi(staff / 15, 1)}\n" in staff_text
    assert f"Tổng số cộng tác viên (người)\n{vi(district + commune)}\n" in collab_text
    assert f"CTV cấp xã\n{vi(commune)}\n" in collab_text


def test_changes_compare_with_the_previous_year_in_the_database(mttn_2017, sql):
    _, prs, _ = mttn_2017
    (members,) = sql(MEMBERS, ["kc_area", "mien-trung-tay-nguyen", "63"])[0]
    before, now = sql(BUDGET, ["63", 2016, members])[0], sql(BUDGET, ["63", 2017, members])[0]
    rows = {r[0]: r[1:] for r in table_rows(prs.slides[7], "change-table")}
    change = 100 * (now[2] - before[2]) / before[2]
    assert rows["KCĐP kế hoạch"] == [vi(before[2]), vi(now[2]), ("+" if change > 0 else "") + vi(change, 1) + "%"]


def test_every_slide_with_demo_values_carries_the_badge(mttn_2017):
    """The test warehouse holds demo data only: every slide must say so, on the slide and in its source line."""
    _, prs, info = mttn_2017
    assert info.demo
    for i, s in enumerate(prs.slides):
        (badge,) = shapes(s, "demo-badge")
        assert badge.text_frame.text == "⚠ DỮ LIỆU MINH HỌA", f"slide {i + 1}"
        if i:
            (footer,) = shapes(s, "footer")
            assert "dữ liệu minh họa" in footer.text_frame.text


def test_sources_slide_lists_origins_and_published_figures(mttn_2017, sql):
    _, prs, _ = mttn_2017
    (members,) = sql(MEMBERS, ["kc_area", "mien-trung-tay-nguyen", "63"])[0]
    demo, published = sql("SELECT count(*) FILTER (origin LIKE '%demo%'), count(*) FILTER (origin LIKE '%published%') "
                          "FROM budget_current WHERE era='63' AND year=2017 AND list_contains(?, unit_code)", [members])[0]
    assert published > 0  # some provinces' own 2017 figures are published (Lâm Đồng, Ninh Thuận, Bình Định)
    origins = {r[0]: r[1] for r in table_rows(prs.slides[8], "origin-table")}
    assert origins["Kinh phí"] == f"{demo} minh họa · {published} công bố · 0 nhập"
    # đề án counts a source states (Lâm Đồng's 56 + 9, Đà Nẵng's 14, Bình Định's 20 KCĐP in 2017) count as published
    demo, published = sql("SELECT count(*) FILTER (origin LIKE '%demo%'), count(*) FILTER (origin LIKE '%published%') "
                          "FROM project_count_current WHERE era='63' AND year=2017 AND list_contains(?, unit_code)",
                          [members])[0]
    assert published >= 3
    assert origins["Đề án"] == f"{demo} minh họa · {published} công bố · 0 nhập"
    published = table_rows(prs.slides[8], "published-table")
    assert ["Khu vực", "KCQG thực hiện", "27.708 triệu đồng", "27.708 triệu đồng (khớp)"] in [r[:4] for r in published]


def test_text_is_set_in_noto_sans(mttn_2017):
    _, prs, _ = mttn_2017
    fonts = {r.font.name for s in prs.slides for sh in s.shapes if sh.has_text_frame
             for p in sh.text_frame.paragraphs for r in p.runs}
    assert fonts == {"Noto Sans"}
    assert (ROOT / "fonts" / "NotoSans-Regular.ttf").exists() and (ROOT / "fonts" / "OFL.txt").exists()


def test_2025_is_shown_in_the_34_units_and_compared_across_the_reform(deck, sql, tmp_path):
    """In English, for the northern area in 2025: 18 units, English numbers, and 2024 summed into the same units."""
    out = tmp_path / "north-2025.pptx"
    info = deck.build("kc_area/phia-bac", 2025, out, lang="en")
    prs = Presentation(str(out))
    assert info.titles[1:3] == ["The nation in 2025", "The area against the nation, 2025"]
    (members,) = sql(MEMBERS, ["kc_area", "phia-bac", "34"])[0]
    assert len(members) == 18
    area = sql(BUDGET, ["34", 2025, members])[0]
    rows = {r[0]: r[1:] for r in table_rows(prs.slides[2], "region-table")}
    assert rows["KCĐP actual"][0] == en(area[3])
    merged = [r[0] for r in sql("SELECT province_code FROM reform_2025 WHERE list_contains(?, unit_code)", [members])]
    before = sql(BUDGET, ["63", 2024, merged])[0]
    change_rows = {r[0]: r[1:] for r in table_rows(prs.slides[7], "change-table")}
    assert change_rows["KCQG planned"][:2] == [en(before[0]), en(area[0])]
    assert "2024 is summed into the 34 new units" in slide_text(prs.slides[7])
    assert sum(len(f.table.rows) - 1 for f in shapes(prs.slides[4], "map-list")) == 18


def test_the_first_year_says_there_is_nothing_to_compare(deck, tmp_path):
    out = tmp_path / "tn-2013.pptx"
    deck.build("vung/tay-nguyen", 2013, out)
    prs = Presentation(str(out))
    assert "Không có số liệu năm 2012 để so sánh." in slide_text(prs.slides[7])
    assert not [s for s in prs.slides[7].shapes if s.shape_type == 13]


def test_an_area_is_named_by_its_slug_or_with_its_grouping(deck):
    a = deck.resolve("mien-trung-tay-nguyen", 2017)
    assert a == deck.resolve("kc_area/mien-trung-tay-nguyen", 2017) == deck.resolve(" KC_AREA/Mien-Trung-Tay-Nguyen ", 2017)
    assert len(a.members) == 15 and a.era == "63"
    assert len(deck.resolve("mien-trung-tay-nguyen", 2025).members) == 8
    assert deck.resolve("tay-nguyen", 2020).key == "vung/tay-nguyen"


@pytest.mark.parametrize("area, year, vi_text, en_text", [
    ("atlantis", 2017, "Không có vùng hoặc khu vực «atlantis»", "Unknown region or area «atlantis»"),
    ("mien-trung", 2017, "mien-trung-tay-nguyen", "Choose one of"),
    ("mien-trung-tay-nguyen", 2030, "Không có số liệu năm 2030. Các năm có số liệu: 2013–2025",
     "There are no figures for 2030"),
])
def test_a_bad_request_fails_in_both_languages_and_writes_nothing(deck, tmp_path, area, year, vi_text, en_text):
    out = tmp_path / "deck.pptx"
    with pytest.raises(deck.DeckError) as err:
        deck.build(area, year, out, pdf=tmp_path / "deck.pdf")
    assert vi_text in err.value.vi and en_text in err.value.en
    assert list(tmp_path.iterdir()) == []


def test_a_failed_build_leaves_an_earlier_deck_untouched(deck, tmp_path, monkeypatch):
    out = tmp_path / "deck.pptx"
    out.write_bytes(b"last year's deck")

    def broken(*_a, **_k):
        raise RuntimeError("kaleido died mid-way")
    monkeypatch.setattr(deck.figures, "deck_pngs", broken)
    with pytest.raises(RuntimeError):
        deck.build("mien-trung-tay-nguyen", 2017, out)
    assert out.read_bytes() == b"last year's deck"
    assert [p.name for p in tmp_path.iterdir()] == ["deck.pptx"]


def test_asking_for_a_pdf_without_libreoffice_fails_before_writing(deck, tmp_path, monkeypatch):
    monkeypatch.setattr(deck, "soffice", lambda: None)
    with pytest.raises(deck.DeckError) as err:
        deck.build("mien-trung-tay-nguyen", 2017, tmp_path / "d.pptx", pdf=tmp_path / "d.pdf")
    assert "libreoffice-impress-nogui" in err.value.en and "Chưa cài LibreOffice" in err.value.vi
    assert list(tmp_path.iterdir()) == []


def test_the_command_reports_a_bad_area_and_exits_2(deck, tmp_path, capsys):
    code = deck.main(["--area", "atlantis", "--year", "2017", "-o", str(tmp_path / "d.pptx")])
    err = capsys.readouterr().err
    assert code == 2 and "Không có vùng" in err and "Unknown region" in err
    assert not (tmp_path / "d.pptx").exists()


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed: "
                    "apt-get install libreoffice-impress-nogui fonts-noto-core")
@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils (pdftoppm) is not installed")
def test_the_pdf_has_one_readable_page_per_slide(deck, mttn_2017, tmp_path):
    """Rendered to PNG, every page is a full picture (not blank), and the PDF embeds Noto Sans."""
    from PIL import Image
    pptx, prs, _ = mttn_2017
    pdf = tmp_path / "deck.pdf"
    deck.to_pdf(pptx, pdf)
    pages = ROOT / "tests" / "artifacts" / "deck"  # kept (git-ignored) for a person to look at
    shutil.rmtree(pages, ignore_errors=True)
    pages.mkdir(parents=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(pages / "page")], check=True)
    pngs = sorted(pages.glob("page-*.png"))
    assert len(pngs) == len(prs.slides) == 9
    for png in pngs:
        img = Image.open(png).convert("RGB")
        assert img.width > img.height * 1.7  # 16:9
        assert png.stat().st_size > 15_000
        colours = img.getcolors(maxcolors=100_000)
        assert colours is None or len(colours) > 200, f"{png.name} looks blank"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "NotoSans-Regular" in fonts and "NotoSans-Bold" in fonts


def test_source_lines_say_how_many_provinces_are_imported_and_how_many_demo(deck):
    import pandas as pd
    units = pd.DataFrame({"budget_origin": ["imported"] * 3 + ["demo"] * 11 + ["demo+imported"],
                          "staffing_origin": ["imported"] * 15})
    counts = deck.origin_of(units, "budget_origin")
    assert counts == (12, 4)
    assert deck.origin_text(counts, "vi") == "báo cáo nhập (4 tỉnh) và dữ liệu minh họa (12 tỉnh)"
    assert deck.origin_text(deck.origin_of(units, "staffing_origin"), "en") == "imported reports of 15 provinces"
