"""The dashboard, run headlessly with Streamlit's AppTest against a freshly built warehouse."""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, app_pages, scalar

APP = str(ROOT / "app.py")
PAGES = {path: key for path, key, _, _ in app_pages()}


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
    from dashboard.i18n import t
    assert [h.value for h in at.title][:1] == [t(PAGES[page], lang)]
    if page == "pages/nhap_bao_cao.py":  # nothing imported in the test warehouse: a sentence, not an empty grid
        assert any(("Chưa nạp báo cáo nào", "No report loaded yet")[lang == "en"] in i.value for i in at.info)
    else:
        assert len(at.get("plotly_chart")) + len(at.dataframe) + len(at.get("download_button")) + len(at.button) > 0


def test_filters_survive_a_page_switch():
    at = run("pages/kinh_phi.py", year="2017", fund="kcqg")
    at.switch_page("pages/tong_quan.py").run()
    at.switch_page("pages/kinh_phi.py").run()
    values = {s.key.split("@")[0]: s.value for s in at.selectbox}
    assert values["w_year"] == 2017 and values["w_fund"] == "kcqg"


def test_english_switch_changes_the_sidebar_labels():
    vi, en = run("pages/kinh_phi.py"), run("pages/kinh_phi.py", lang="en")
    assert [s.label for s in vi.selectbox][:2] == ["Năm", "Nguồn kinh phí"]
    assert [s.label for s in en.selectbox][:2] == ["Year", "Fund"]
    # the units as a radio: its two long options wrap instead of ending in "…"
    assert [r.label for r in vi.radio][:1] == ["Đơn vị hành chính"] and [r.label for r in en.radio][:1] == [
        "Administrative units"]


def test_filters_round_trip_through_the_url():
    at = run("pages/kinh_phi.py", year="2017", fund="kcqg", status="actual", measure="share_nation", view="63")
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
    at = run("pages/kinh_phi.py", **{name: value})
    assert not at.exception
    assert any(name in w.value for w in at.warning), [w.value for w in at.warning]
    # the page shows the default instead, and the URL now says so: a copied link no longer carries the bad value
    import duckdb
    con = duckdb.connect(str(db_path), read_only=True)
    latest = scalar(con, "SELECT max(year) FROM budget WHERE actual_mvnd IS NOT NULL")
    con.close()
    default = {"year": latest, "fund": "total", "measure": "amount", "view": "63", "grouping": "vung"}[name]
    if name == "view" and latest >= 2025:  # the 34 units only: the choice is shown greyed on 34, the URL keeps 63
        chosen = next(r for r in at.radio if r.key.startswith("w_view_fixed@"))
        assert chosen.value == "34" and chosen.disabled and _qp(at, name) == str(default)
        return
    shown = next(s.value for s in [*at.selectbox, *at.radio] if s.key.startswith(f"w_{name}@"))
    assert shown == default and _qp(at, name) == str(default)


def test_overview_numbers_equal_the_database(db_path):
    """The 2017 KPIs show what independent SQL says (imported > published > demo), to the last digit in the tooltip
    and in tỷ đồng with one decimal on the tile, in Vietnamese and English number style."""
    import duckdb
    con = duckdb.connect(str(db_path), read_only=True)
    kcqg_actual = scalar(con, "SELECT sum(actual_mvnd) FROM budget_current WHERE year=2017 AND fund='kcqg'")
    kcdp_plan = scalar(con, "SELECT sum(planned_mvnd) FROM budget_current WHERE year=2017 AND fund='kcdp'")
    con.close()
    assert kcqg_actual == int(kcqg_actual)  # the demo and the 2017 published figures are whole triệu đồng
    tile_en = f"{round(float(kcqg_actual) / 1000, 1):.1f}"
    at = run(None, year="2017")
    metrics = {m.label: (m.value, m.help) for m in at.metric}
    label = next(k for k in metrics if k.startswith("KCQG thực hiện"))
    assert metrics[label][1] == f"{int(kcqg_actual):,} triệu đồng".replace(",", ".")
    assert metrics[label][0] == tile_en.replace(".", ",")
    label = next(k for k in metrics if k.startswith("KCĐP kế hoạch 2017"))
    assert metrics[label][1] == f"{int(kcdp_plan):,} triệu đồng".replace(",", ".")
    en = run(None, year="2017", lang="en")
    assert any(v == (tile_en, f"{int(kcqg_actual):,} million VND") for v in {m.label: (m.value, m.help) for m in en.metric}.values())


def test_demo_data_is_badged_on_every_chart_page():
    for page in ("pages/tong_quan.py", "pages/kinh_phi.py"):
        at = run(page)
        badges = [m.value for m in at.markdown if m.value.startswith(":orange-badge[")]
        charts = at.get("plotly_chart")
        assert badges and all("Dữ liệu minh họa" in b for b in badges), page
        # and inside every figure, so a downloaded PNG carries it too
        for c in charts:
            notes = [a.get("text", "") for a in json.loads(c.proto.spec)["layout"].get("annotations", [])]
            assert any("DỮ LIỆU MINH HỌA" in n for n in notes), page


def test_budget_ranking_lists_every_province_in_the_year():
    at = run("pages/kinh_phi.py", year="2024", view="63")
    assert not at.exception
    traces = [tr for c in at.get("plotly_chart") for tr in json.loads(c.proto.spec)["data"]]
    ranking = next(tr for tr in traces if tr.get("type") == "bar" and tr.get("orientation") == "h")
    assert len(set(ranking["y"])) == 63 and "Hà Nội" in ranking["y"]


def test_a_profile_link_opens_that_province():
    at = run("pages/ho_so_tinh.py", unit="79")
    assert not at.exception
    text = " ".join(m.value for m in at.markdown) + " ".join(h.value for h in at.header) + \
        " ".join(h.value for h in at.subheader)
    assert "Hồ Chí Minh" in text


def test_a_viewer_cannot_reach_the_upload_action():
    at = run("pages/nhap_bao_cao.py")
    assert not at.exception
    assert len(at.get("file_uploader")) == 0
    assert not any(b.label == "Nạp vào cơ sở dữ liệu" for b in at.button)
    assert any("Chỉ biên tập viên" in i.value for i in at.info)


def test_only_the_right_password_signs_an_editor_in():
    import bcrypt
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["editors"] = {"passwords": {"an": bcrypt.hashpw(b"dung-mat-khau-123", bcrypt.gensalt()).decode()}}
    at.switch_page("pages/nhap_bao_cao.py")
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
    rows = con.execute("""SELECT p.name_vi, b.fund, b.planned_mvnd, b.actual_mvnd FROM budget_current b
                          JOIN province p ON p.province_code = b.unit_code WHERE b.year = 2017 ORDER BY ALL""").fetchall()
    con.close()
    lines = ["Tỉnh/thành,Năm,Nguồn,Kế hoạch (triệu đồng),Thực hiện (triệu đồng)"]
    # demo amounts are whole triệu đồng; written plainly, as a province would, not as DECIMAL text (500.000)
    lines += [f"{name},2017,{'KCQG' if fund == 'kcqg' else 'KCĐP'},{int(plan)},{int(actual)}"
              for name, fund, plan, actual in rows]
    result = load_files([("kinh-phi-2017.csv", "\n".join(lines).encode("utf-8"))], db, imported_by="test", data_dir=data)
    assert result.ok and result.rows["budget"] == 126
    monkeypatch.setenv("KHUYENCONG_DB", str(db))
    at = run("pages/kinh_phi.py", year="2017")
    assert not at.exception
    figures = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    badged = ["DỮ LIỆU MINH HỌA" in " ".join(a.get("text", "") for a in f["layout"].get("annotations", [])) for f in figures]
    assert badged[:2] == [False, False]  # map, ranking
    assert badged[-1] is True  # đề án by activity type: still demo


def _qp(at, name):
    v = at.query_params[name]
    return v[0] if isinstance(v, list) else v


def test_a_copied_link_pins_every_value_defaults_included():
    """A link made today must show the same view next year, when the default year has moved on: the URL carries
    every filter's value even when the reader changed nothing."""
    at = run("pages/kinh_phi.py")
    assert not at.exception
    for name in ("year", "view", "fund", "status", "measure", "grouping", "scale"):
        assert name in at.query_params, name
    assert _qp(at, "fund") == "total" and _qp(at, "measure") == "amount"
    deck = run("pages/trinh_chieu.py")
    assert _qp(deck, "area") == "mien-trung-tay-nguyen" and "year" in deck.query_params
    sources = run("pages/nguon_du_lieu.py")
    assert set(_qp(sources, "topic").split(",")) >= {"budget", "staffing", "collaborators"}



def test_years_come_from_the_data_and_a_year_with_only_plans_says_so(db_path, tmp_path, monkeypatch):
    """When the latest year holds plans but no actual figures (and no staffing report yet), the pages open on the
    latest year with actual figures, still offer the planned year, and say plainly what it lacks."""
    import shutil

    import duckdb
    db = tmp_path / "plans-only.duckdb"
    shutil.copy(db_path, db)
    con = duckdb.connect(str(db))
    latest = scalar(con, "SELECT max(year) FROM budget")
    con.execute("UPDATE budget SET actual_mvnd = NULL WHERE year = ?", [latest])
    con.execute("DELETE FROM staffing WHERE year = ?", [latest])
    con.close()
    monkeypatch.setenv("KHUYENCONG_DB", str(db))
    at = run("pages/kinh_phi.py")
    assert not at.exception
    year = next(s for s in at.selectbox if s.key.startswith("w_year@"))
    assert year.value == latest - 1
    assert str(latest) in year.options
    at = run("pages/kinh_phi.py", year=str(latest))
    assert not at.exception
    assert any(w.value == f"Năm {latest} mới có kế hoạch, chưa có số liệu thực hiện." for w in at.warning)
    at = run("pages/nhan_luc.py", year=str(latest))
    assert not at.exception
    assert f"Năm {latest} chưa có số liệu." in [i.value for i in at.info]
    assert not at.get("plotly_chart")  # nothing invented for the missing year
    for page in (None, "pages/cong_tac_vien.py", "pages/so_sanh.py", "pages/trinh_chieu.py"):
        at = run(page, year=str(latest))
        assert not at.exception, (page, [e.value for e in at.exception])


@pytest.mark.parametrize("section,title", [("checks", "Mâu thuẫn trong nguồn"), ("dictionary", "Từ điển dữ liệu"),
                                           ("downloads", "Tải dữ liệu"), ("origin", "Nguồn gốc dữ liệu")])
def test_links_to_a_former_sources_tab_open_its_page(section, title):
    """Links shared when the Sources page had tabs (/nguon-du-lieu?section=checks) open the page that tab became."""
    at = run("pages/nguon_du_lieu.py", section=section)
    assert not at.exception
    assert [h.value for h in at.title][:1] == [title]
    assert "section" not in at.query_params
