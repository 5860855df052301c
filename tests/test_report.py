"""The official report: a Word document in the layout of Nghị định 30/2020/NĐ-CP (page, margins, font, header block,
page numbers), whose tables say what the warehouse says, whose demo marks sit exactly on demo values, and which is
refused — in both languages, with no file — for a unit or a year the warehouse does not know."""
from __future__ import annotations

import shutil
import subprocess
import sys

import duckdb
import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from conftest import ROOT
from import_corpus import make_corpus as corpus

from dashboard.report import ReportError, build

MM = Mm(1)


def vi(x, decimals: int = 0) -> str:
    """Vietnamese number, written here independently of dashboard/fmt.py."""
    if x is None or x != x:
        return "–"
    return f"{float(x):,.{decimals}f}".replace(",", "\0").replace(".", ",").replace("\0", ".")


def tables(doc) -> dict:
    """Tables by the name each carries as w:tblCaption."""
    out = {}
    for t in doc.tables:
        cap = t._tbl.tblPr.find(qn("w:tblCaption"))
        out[cap.get(qn("w:val"))] = t
    return out


def rows(table) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in table.rows]


@pytest.fixture(scope="module")
def nation(db_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("rep") / "nation-2024.docx"
    info = build("nation", 2024, out, db=db_path)
    return Document(str(out)), info


@pytest.fixture(scope="module")
def province(db_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("rep") / "quang-nam-2024.docx"
    info = build("Quảng Nam", 2024, out, db=db_path)
    return Document(str(out)), info


@pytest.fixture(scope="module")
def sql(db_path):
    con = duckdb.connect(str(db_path), read_only=True)
    yield lambda q, p=(): con.execute(q, list(p)).fetchall()
    con.close()


# ------------------------------------------------------------------------------------------------ the layout

def test_page_is_a4_with_the_decrees_margins(nation):
    doc, _ = nation
    s = doc.sections[0]
    assert (round(s.page_width / MM), round(s.page_height / MM)) == (210, 297)
    assert 20 <= round(s.top_margin / MM) <= 25 and 20 <= round(s.bottom_margin / MM) <= 25
    assert 30 <= round(s.left_margin / MM) <= 35 and 15 <= round(s.right_margin / MM) <= 20


def test_every_run_is_times_new_roman_and_the_body_is_13_to_14_pt_justified_and_indented(nation):
    doc, _ = nation
    assert doc.styles["Normal"].font.name == "Times New Roman"
    runs = [r for p in doc.paragraphs for r in p.runs]
    runs += [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert runs and all(r.font.name in (None, "Times New Roman") for r in runs)
    body = [p for p in doc.paragraphs if p.text.startswith("Năm 2024, tổng kinh phí")]
    assert len(body) == 1
    p = body[0]
    assert p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert Pt(13) <= p.runs[0].font.size <= Pt(14)
    assert 10 <= round(p.paragraph_format.first_line_indent / MM) <= 13  # 1 cm or 1,27 cm


def test_the_header_block_has_the_issuer_the_national_name_and_motto_with_rules(nation, province):
    for (doc, _), left in ((nation, ["BỘ CÔNG THƯƠNG"]), (province, ["UBND TỈNH QUẢNG NAM", "SỞ CÔNG THƯƠNG"])):
        head = tables(doc)["header-block"]
        assert doc.tables[0]._tbl is head._tbl  # first on the first page
        issuer, state = head.rows[0].cells
        assert [p.text for p in issuer.paragraphs if p.text] == left
        assert [p.text for p in state.paragraphs if p.text] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                                                  "Độc lập - Tự do - Hạnh phúc"]
        for cell in (issuer, state):  # a short solid rule under each
            assert cell._tc.xpath(".//w:pBdr/w:top[@w:val='single']")
        number, date = head.rows[1].cells
        assert number.text.startswith("Số:") and ("/BC-BCT" in number.text or "/BC-SCT" in number.text)
        assert ", ngày" in date.text and "tháng" in date.text and all(r.font.italic for r in date.paragraphs[0].runs)
    texts = [p.text for p in nation[0].paragraphs]
    assert "BÁO CÁO" in texts and "Tình hình thực hiện công tác khuyến công năm 2024" in texts
    assert "Quảng Nam, ngày" in tables(province[0])["header-block"].rows[1].cells[1].text


def test_pages_are_numbered_at_the_top_centre_from_page_two(nation):
    doc, _ = nation
    s = doc.sections[0]
    assert s.different_first_page_header_footer
    assert not "".join(p.text for p in s.first_page_header.paragraphs).strip()
    head = s.header.paragraphs[0]
    assert head.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "PAGE" in "".join(head._p.xpath(".//w:instrText/text()"))


def test_recipients_and_signature_are_left_to_fill(nation):
    sig = tables(nation[0])["signature"]
    left, right = sig.rows[0].cells
    assert left.paragraphs[0].text == "Nơi nhận:" and left.paragraphs[0].runs[0].font.italic
    assert "Lưu: VT" in left.text and "(Họ và tên)" in right.text and "(CHỨC VỤ NGƯỜI KÝ)" in right.text


# ------------------------------------------------------------------------------------------------ the numbers

def test_the_budget_table_equals_the_nations_figures(nation, sql):
    b = tables(nation[0])["budget"]
    now = sql("SELECT kcqg_planned_mvnd, kcqg_actual_mvnd, kcdp_planned_mvnd, kcdp_actual_mvnd FROM v_nation_year "
              "WHERE year = 2024")[0]
    before = sql("SELECT kcqg_actual_mvnd, kcdp_actual_mvnd FROM v_nation_year WHERE year = 2023")[0]
    body = [[c.rstrip("*") for c in r] for r in rows(b)[1:]]
    assert body[0][:5] == ["KCQG", vi(now[0]), vi(now[1]), vi(100 * now[1] / now[0], 1) + "%", vi(before[0])]
    assert body[1][:5] == ["KCĐP", vi(now[2]), vi(now[3]), vi(100 * now[3] / now[2], 1) + "%", vi(before[1])]
    assert body[2][1:3] == [vi(now[0] + now[2]), vi(now[1] + now[3])]
    change = 100 * (now[1] - before[0]) / before[0]
    assert body[0][5] == vi(change, 1) + "%"  # the change on 2023, signed, as the warehouse gives it


def test_each_province_in_the_appendix_has_its_warehouse_figures(nation, sql):
    t = rows(tables(nation[0])["appendix-budget"])
    db = {r[0]: r[1:] for r in sql("SELECT name_vi, kcqg_planned_mvnd, kcqg_actual_mvnd, kcdp_planned_mvnd, "
                                   "kcdp_actual_mvnd, total_actual_mvnd FROM v_unit_year WHERE year = 2024 AND era = '63'")}
    body = t[1:-1]
    assert len(body) == 63 and {r[1] for r in body} == set(db)
    for r in body:
        assert [c.rstrip("*") for c in r[2:7]] == [vi(v) for v in db[r[1]]], r[1]
    people = {r[1]: r for r in rows(tables(nation[0])["appendix-people"])[1:-1]}
    staff = {r[0]: r[1:] for r in sql("SELECT name_vi, projects, staff_total, staff_grassroots FROM v_unit_year "
                                      "WHERE year = 2024 AND era = '63'")}
    for name, r in people.items():
        assert [c.rstrip("*") for c in r[2:5]] == [vi(v) for v in staff[name]], name
    totals = sql("SELECT sum(total_actual_mvnd), sum(projects) FROM v_unit_year WHERE year = 2024 AND era = '63'")[0]
    assert t[-1][6].rstrip("*") == vi(totals[0]) and rows(tables(nation[0])["appendix-people"])[-1][2].rstrip("*") == vi(totals[1])


def test_projects_by_activity_type_equal_the_warehouse(nation, sql):
    t = rows(tables(nation[0])["categories"])[1:-1]
    db = sql("SELECT c.name_vi, count(*), sum(p.actual_mvnd) FROM project_current p JOIN content_category c "
             "USING (category_id) WHERE p.era = '63' AND p.year = 2024 GROUP BY ALL ORDER BY min(c.sort_order)")
    assert [(r[0], r[1].rstrip("*"), r[5].rstrip("*")) for r in t] == [(n, vi(k), vi(a)) for n, k, a in db]


def test_a_province_is_compared_with_its_region_and_the_nation(province, sql):
    doc, info = province
    assert info.scope.region_id == "btb-dhmt"
    t = rows(tables(doc)["compare"])
    mine = sql("SELECT total_actual_mvnd FROM v_unit_year WHERE era='63' AND year=2024 AND unit_code='49'")[0][0]
    region = sql("SELECT total_actual_mvnd FROM v_group_year WHERE grouping_id='vung' AND group_id='btb-dhmt' "
                 "AND year=2024")[0][0]
    nation_ = sql("SELECT total_actual_mvnd FROM v_nation_year WHERE year=2024")[0][0]
    assert [r[0] for r in t[1:]] == ["Quảng Nam", "Vùng Bắc Trung Bộ và duyên hải miền Trung", "Cả nước"]
    assert [r[2].rstrip("*") for r in t[1:]] == [vi(mine), vi(region), vi(nation_)]
    assert t[3][4].rstrip("*") == vi(100 * mine / nation_, 1) + "%"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"so với năm 2023" in text and "đứng thứ" in text


# ------------------------------------------------------------------------------------------------ origins

def test_a_demo_warehouse_marks_every_demo_number_and_says_so_on_page_one(nation, db_path):
    """Every number that rests on a demo amount carries '*', and an amount from a published row does not."""
    doc, info = nation
    assert info.demo
    first = "\n".join(p.text for p in doc.paragraphs[:8])
    assert "số liệu minh họa" in first and "*" in first
    con = duckdb.connect(str(db_path), read_only=True)
    demo = {(name, fund): ("demo" in (po or ""), "demo" in (ao or "")) for name, fund, po, ao in con.execute(
        """SELECT p.name_vi, b.fund, b.planned_origin, b.actual_origin FROM budget_current b
           JOIN province p ON p.province_code = b.unit_code WHERE b.era = '63' AND b.year = 2024""").fetchall()}
    con.close()
    for name in ("budget", "appendix-budget", "appendix-people"):
        for r in rows(tables(doc)[name])[1:]:
            numbers = [c for c in r[2:] if c not in ("", "–")]
            assert numbers, (name, r)
            if name == "appendix-budget" and (r[1], "kcqg") in demo:
                (qp, qa), (dp, da) = demo[(r[1], "kcqg")], demo[(r[1], "kcdp")]  # each amount by its own origin
                expected = [qp, qa, dp, da, qa or da, qp or qa or dp or da]  # plans, actuals, total actual, execution
                got = [c.endswith("*") for c in r[2:8]]
                assert [g for g, c in zip(got, r[2:8]) if c != "–"] == [e for e, c in zip(expected, r[2:8]) if c != "–"], r
            else:
                assert all(c.endswith("*") for c in numbers), (name, r)


def test_a_published_plan_beside_a_demo_actual_is_marked_per_amount(db_path, tmp_path, sql):
    """Ninh Thuận 2024: the KCĐP plan is published (630 triệu), the KCĐP actual is demo. The plan stands unmarked,
    the actual and the execution rate computed from it carry '*', and page one says both origins are present."""
    (plan, actual, po, ao), = sql("""SELECT planned_mvnd, actual_mvnd, planned_origin, actual_origin FROM budget_current
                                     WHERE era = '63' AND unit_code = '58' AND year = 2024 AND fund = 'kcdp'""")
    assert (po, ao) == ("published", "demo")
    out = tmp_path / "nt.docx"
    build("Ninh Thuận", 2024, out, db=db_path)
    doc = Document(str(out))
    kcdp = rows(tables(doc)["budget"])[2]
    assert kcdp[0] == "KCĐP" and kcdp[1] == vi(plan) and kcdp[2] == vi(actual) + "*"
    assert kcdp[3].endswith("*")  # execution = demo actual / published plan
    own = [r for r in rows(tables(doc)["appendix-budget"])[1:] if r[1] == "Ninh Thuận"][0]
    assert own[4] == vi(plan) and own[5] == vi(actual) + "*"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"KCĐP): kế hoạch {vi(plan)} triệu đồng, thực hiện {vi(actual)}* triệu đồng" in text
    first = "\n".join(p.text for p in doc.paragraphs[:8])
    assert "kinh phí: 1 đơn vị có số liệu đã công bố, 1 đơn vị có số liệu minh họa" in first
    assert "số không có dấu * là số nhập từ báo cáo hoặc đã được công bố" in first


def test_imported_figures_lose_the_mark_and_only_they(db_path, tmp_path):
    from etl.reports import load
    data = tmp_path / "data"
    for part in ("reference", "published"):
        shutil.copytree(ROOT / "data" / part, data / part)
    db = tmp_path / "kc.duckdb"
    shutil.copy(db_path, db)
    src = corpus.filled(tmp_path / "quang-nam-2024.xlsx", {
        "Kinh phí": [["Quảng Nam", 2024, "KCQG", 1500, 1400], ["Quảng Nam", 2024, "KCĐP", 3000, 2750]],
        "Đề án": [["QN-01", "Quảng Nam", 2024, "KCQG", "Đào tạo nghề", "Đào tạo nghề mây tre", 1500, 1400],
                  ["QN-02", "Quảng Nam", 2024, "KCĐP", 3, "Máy sấy nông sản", 3000, 2750]],
        "Nhân lực": [["Quảng Nam", 2024, 21, 9]],
        "Cộng tác viên": [["Quảng Nam", 2024, 5, 6, 30, 35, 18, 241]],
    })
    r = load.load_files([src], db, "kiem-thu", data)
    assert r.ok, load.report(r)
    out = tmp_path / "btb.docx"
    build("vung/btb-dhmt", 2024, out, db=db)
    t = {r[1]: r for r in rows(tables(Document(str(out)))["appendix-budget"])[1:-1]}
    p = {r[1]: r for r in rows(tables(Document(str(out)))["appendix-people"])[1:-1]}
    assert t["Quảng Nam"][2:8] == ["1.500", "1.400", "3.000", "2.750", "4.150", "92,2%"]
    assert p["Quảng Nam"][2:8] == ["2", "21", "9", "6", "35", "30"]
    con = duckdb.connect(str(db), read_only=True)
    all_demo = {name for (name,) in con.execute(
        """SELECT p.name_vi FROM budget_current b JOIN province p ON p.province_code = b.unit_code
           WHERE b.era = '63' AND b.year = 2024 GROUP BY ALL HAVING bool_and(b.origin = 'demo')""").fetchall()}
    con.close()
    others = [r for name, r in t.items() if name in all_demo]
    assert others and all(c.endswith("*") for r in others for c in r[2:8] if c != "–")
    # the province's own report: this year's figures unmarked, the year before (demo) still marked
    own = tmp_path / "qn.docx"
    build("49", 2024, own, db=db)
    budget = rows(tables(Document(str(own)))["budget"])
    assert budget[1][1:4] == ["1.500", "1.400", "93,3%"] and budget[1][4].endswith("*")
    assert rows(tables(Document(str(own)))["people"])[1][1:] == ["21", "9", "6", "35", "30"]


# ------------------------------------------------------------------------------------------------ bad requests

@pytest.mark.parametrize("scope,year,half,vi_text,en_text", [
    ("Quang Namm", 2024, False, "Không có đơn vị «Quang Namm»", "There is no unit «Quang Namm»"),
    ("nation", 2031, False, "Không có số liệu năm 2031", "There are no figures for 2031"),
    ("Hòa Bình", 2025, False, "không phải đơn vị hành chính của năm 2025", "is not an administrative unit in 2025"),
    ("nation", 2024, True, "chỉ có số liệu cả năm", "holds yearly figures only"),
])
def test_a_bad_request_fails_in_both_languages_and_writes_nothing(db_path, tmp_path, scope, year, half, vi_text,
                                                                  en_text):
    out = tmp_path / "x.docx"
    with pytest.raises(ReportError) as e:
        build(scope, year, out, tmp_path / "x.pdf", half=half, db=db_path)
    assert vi_text in e.value.vi and en_text in e.value.en
    assert list(tmp_path.iterdir()) == []


def test_the_command_reports_a_bad_unit_and_exits_2(db_path, tmp_path):
    r = subprocess.run([sys.executable, "-m", "dashboard.report", "--unit", "Atlantis", "--year", "2024",
                        "-o", str(tmp_path / "a.docx"), "--db", str(db_path)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2 and "Atlantis" in r.stderr and "There is no unit" in r.stderr
    assert not (tmp_path / "a.docx").exists()


def test_2025_is_reported_in_the_34_units(db_path, tmp_path, sql):
    out = tmp_path / "n25.docx"
    info = build("nation", 2025, out, db=db_path)
    body = rows(tables(Document(str(out)))["appendix-budget"])[1:-1]
    assert len(body) == 34 == info.scope.members.__len__()
    before = sql("SELECT sum(kcqg_actual_mvnd) FROM v_unit34_year WHERE year = 2024")[0][0]
    assert rows(tables(Document(str(out)))["budget"])[1][4].rstrip("*") == vi(before)


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils (pdftoppm) is not installed")
def test_the_pdf_renders_every_page(db_path, tmp_path):
    pdf = tmp_path / "qn.pdf"
    build("Quảng Nam", 2024, tmp_path / "qn.docx", pdf, db=db_path)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    pages = tmp_path / "pages"
    pages.mkdir()
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(pages / "p")], check=True)
    assert len(list(pages.glob("p-*.png"))) >= 4  # body, appendices I and II
