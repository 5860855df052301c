"""The dashboard, run headlessly with Streamlit's AppTest against a freshly built warehouse."""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, scalar

APP = str(ROOT / "app.py")
PAGES = {
    "pages/1_tong_quan.py": ("Tổng quan", "Overview"),
    "pages/2_kinh_phi.py": ("Kinh phí", "Budgets"),
    "pages/3_nhan_luc.py": ("Nhân lực", "Staffing"),
    "pages/4_cong_tac_vien.py": ("Cộng tác viên", "Collaborators"),
    "pages/5_so_sanh.py": ("So sánh", "Compare"),
    "pages/6_ho_so_tinh.py": ("Hồ sơ tỉnh", "Province profile"),
    "pages/7_nguon_du_lieu.py": ("Nguồn & chất lượng dữ liệu", "Sources & data quality"),
    "pages/8_trinh_chieu.py": ("Trình chiếu", "Present"),
    "pages/9_nhap_bao_cao.py": ("Nhập báo cáo", "Import reports"),
}


@pytest.fixture(autouse=True)
def _warehouse(db_path, monkeypatch):
    monkeypatch.setenv("KHUYENCONG_DB", str(db_path))


def run(page: str | None = None, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    if page:
        at.switch_page(page)
    at.run()
    return at


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_in_both_languages(page, lang):
    at = run(page, lang=lang)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    title = PAGES[page][lang == "en"]
    assert [t.value for t in at.title][:1] == [title]
    assert len(at.get("plotly_chart")) + len(at.dataframe) > 0


def test_filters_survive_a_page_switch():
    at = run("pages/2_kinh_phi.py", year="2017", fund="kcqg")
    at.switch_page("pages/1_tong_quan.py").run()
    at.switch_page("pages/2_kinh_phi.py").run()
    values = {s.key.split("@")[0]: s.value for s in at.selectbox}
    assert values["w_year"] == 2017 and values["w_fund"] == "kcqg"


def test_english_switch_changes_the_sidebar_labels():
    vi, en = run("pages/2_kinh_phi.py"), run("pages/2_kinh_phi.py", lang="en")
    assert [s.label for s in vi.selectbox][:3] == ["Năm", "Đơn vị hành chính", "Nguồn kinh phí"]
    assert [s.label for s in en.selectbox][:3] == ["Year", "Administrative units", "Fund"]


def test_filters_round_trip_through_the_url():
    at = run("pages/2_kinh_phi.py", year="2017", fund="kcqg", status="actual", measure="share_nation", view="63")
    assert not at.exception
    values = {s.key.split("@")[0]: s.value for s in at.selectbox}
    assert values["w_year"] == 2017 and values["w_fund"] == "kcqg" and values["w_measure"] == "share_nation"
    assert at.query_params["fund"] == ["kcqg"] or at.query_params["fund"] == "kcqg"
    # a user changing a filter changes the URL too
    next(s for s in at.selectbox if s.key.startswith("w_fund@")).select("kcdp").run()
    qp = at.query_params["fund"]
    assert (qp[0] if isinstance(qp, list) else qp) == "kcdp"


@pytest.mark.parametrize("name,value", [("year", "1999"), ("fund", "x'; DROP TABLE budget; --"), ("measure", "a" * 5000),
                                        ("view", "99"), ("grouping", "<script>alert(1)</script>")])
def test_bad_query_values_fall_back_with_a_notice(name, value, db_path):
    at = run("pages/2_kinh_phi.py", **{name: value})
    assert not at.exception
    assert any(name in w.value for w in at.warning), [w.value for w in at.warning]
    import duckdb
    con = duckdb.connect(str(db_path), read_only=True)
    assert scalar(con, "SELECT count(*) FROM budget") > 0
    con.close()


def test_overview_numbers_equal_the_database(db_path):
    """The 2017 KPIs show what independent SQL says, to the last digit in the tooltip."""
    import duckdb
    con = duckdb.connect(str(db_path), read_only=True)
    kcqg_actual = scalar(con, "SELECT sum(actual_mvnd) FROM budget WHERE year=2017 AND fund='kcqg'")
    kcdp_plan = scalar(con, "SELECT sum(planned_mvnd) FROM budget WHERE year=2017 AND fund='kcdp'")
    con.close()
    at = run(None, year="2017")
    metrics = {m.label: (m.value, m.help) for m in at.metric}
    label = next(k for k in metrics if k.startswith("KCQG thực hiện"))
    assert metrics[label][1] == f"{int(kcqg_actual):,} triệu đồng".replace(",", ".") == "104.314 triệu đồng"
    assert metrics[label][0] == "104,3"
    label = next(k for k in metrics if k.startswith("KCĐP kế hoạch 2017"))
    assert metrics[label][1] == f"{int(kcdp_plan):,} triệu đồng".replace(",", ".")
    en = run(None, year="2017", lang="en")
    assert any(v == ("104.3", "104,314 million VND") for v in {m.label: (m.value, m.help) for m in en.metric}.values())


def test_demo_data_is_badged_on_every_chart_page():
    for page in ("pages/1_tong_quan.py", "pages/2_kinh_phi.py"):
        at = run(page)
        badges = [m.value for m in at.markdown if m.value.startswith(":orange-badge[")]
        charts = at.get("plotly_chart")
        assert badges and all("Dữ liệu minh họa" in b for b in badges), page
        # and inside every figure, so a downloaded PNG carries it too
        for c in charts:
            notes = [a.get("text", "") for a in json.loads(c.proto.spec)["layout"].get("annotations", [])]
            assert any("DỮ LIỆU MINH HỌA" in n for n in notes), page


def test_budget_ranking_lists_every_province_in_the_year():
    at = run("pages/2_kinh_phi.py", year="2024", view="63")
    assert not at.exception
    traces = [tr for c in at.get("plotly_chart") for tr in json.loads(c.proto.spec)["data"]]
    ranking = next(tr for tr in traces if tr.get("type") == "bar" and tr.get("orientation") == "h")
    assert len(set(ranking["y"])) == 63 and "Hà Nội" in ranking["y"]


def test_clicking_through_to_a_province_profile():
    at = run("pages/6_ho_so_tinh.py", unit="79")
    assert not at.exception
    text = " ".join(m.value for m in at.markdown) + " ".join(h.value for h in at.header) + \
        " ".join(h.value for h in at.subheader)
    assert "Hồ Chí Minh" in text


def test_a_viewer_cannot_reach_the_upload_action():
    at = run("pages/9_nhap_bao_cao.py")
    assert not at.exception
    assert len(at.get("file_uploader")) == 0
    assert not any(b.label == "Nạp vào cơ sở dữ liệu" for b in at.button)
    assert any("Chỉ biên tập viên" in i.value for i in at.info)


def test_only_the_right_password_signs_an_editor_in():
    import bcrypt
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["editors"] = {"passwords": {"an": bcrypt.hashpw(b"dung-mat-khau-123", bcrypt.gensalt()).decode()}}
    at.switch_page("pages/9_nhap_bao_cao.py")
    at.run()

    def sign_in(password):
        at.text_input[0].input("an")
        at.text_input[1].input(password)
        next(b for b in at.button if b.label == "Đăng nhập").click().run()

    sign_in("sai-mat-khau")
    assert len(at.get("file_uploader")) == 0 and any("Sai tên" in e.value for e in at.error)
    sign_in("dung-mat-khau-123")
    assert len(at.get("file_uploader")) == 1
    assert any("Đã đăng nhập" in s.value for s in at.success)


def test_imported_budgets_take_the_demo_badge_off_the_budget_map(tmp_path, monkeypatch):
    """Once every province's 2017 budget comes from a real report, the budget map and ranking are no longer demo;
    the đề án chart, still generated, keeps its badge."""
    import shutil

    import duckdb

    from etl import build
    from etl.reports.load import load_files
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.duckdb", "imports"))
    db = tmp_path / "kc.duckdb"
    build.build(db, data_dir=data, log=lambda *_: None)
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("""SELECT p.name_vi, b.fund, b.planned_mvnd, b.actual_mvnd FROM budget b
                          JOIN province p ON p.province_code = b.unit_code WHERE b.year = 2017 ORDER BY ALL""").fetchall()
    con.close()
    lines = ["Tỉnh/thành,Năm,Nguồn,Kế hoạch (triệu đồng),Thực hiện (triệu đồng)"]
    # demo amounts are whole triệu đồng; written plainly, as a province would, not as DECIMAL text (500.000)
    lines += [f"{name},2017,{'KCQG' if fund == 'kcqg' else 'KCĐP'},{int(plan)},{int(actual)}"
              for name, fund, plan, actual in rows]
    result = load_files([("kinh-phi-2017.csv", "\n".join(lines).encode("utf-8"))], db, imported_by="test", data_dir=data)
    assert result.ok and result.rows["budget"] == 126
    monkeypatch.setenv("KHUYENCONG_DB", str(db))
    at = run("pages/2_kinh_phi.py", year="2017")
    assert not at.exception
    figures = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    badged = ["DỮ LIỆU MINH HỌA" in " ".join(a.get("text", "") for a in f["layout"].get("annotations", [])) for f in figures]
    assert badged[:2] == [False, False]  # map, ranking
    assert badged[-1] is True  # đề án by activity type: still demo
