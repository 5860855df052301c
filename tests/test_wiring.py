"""What the warehouse knows, on the pages: the "real figures only" switch, the province profile's year, ranks and
published figures, per-capita spending, the programme periods, and a 2026 plan shown as plans only."""
from __future__ import annotations

import datetime
import shutil

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, run_page
from import_corpus import make_corpus as corpus

from etl import build, vocabulary
from etl.reports import load

APP = str(ROOT / "app.py")


def run(db, page: str, **params) -> AppTest:
    at = run_page(page, **params)
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """Everything the page wrote as text (markdown, captions, notices, metrics)."""
    parts = [e.value for kind in (at.markdown, at.caption, at.info, at.warning, at.subheader) for e in kind]
    parts += [f"{m.label}: {m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


def metric(at: AppTest, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def frames(at: AppTest):
    return [d.value for d in at.dataframe]


@pytest.fixture()
def warehouse(db_path, monkeypatch):
    monkeypatch.setenv("KHUYENCONG_DB", str(db_path))
    return db_path


def one(db, sql, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchone()
    finally:
        con.close()


# --------------------------------------------------------------------------- the real-only switch

def test_real_only_hides_demo_amounts_and_keeps_published_ones(warehouse):
    # Bình Định 2016: both plans are published (900 KCQG + 2.025 KCĐP triệu đồng), both actuals are demo.
    assert one(warehouse, "SELECT string_agg(planned_origin || '/' || actual_origin, ' ' ORDER BY fund) FROM "
                          "budget_current WHERE era='63' AND unit_code='52' AND year=2016") == ("published/demo published/demo",)
    shown = run(warehouse, "pages/ho_so_tinh.py", unit="52", year="2016")
    real = run(warehouse, "pages/ho_so_tinh.py", unit="52", year="2016", real="1")
    assert metric(real, "Tổng kế hoạch") == "2,9"  # 900 + 2.025 = 2.925 triệu đồng: published, kept
    assert metric(real, "Tổng thực hiện") == "chưa có số liệu"  # demo: a gap, never filled
    assert metric(shown, "Tổng thực hiện") != "chưa có số liệu"
    assert metric(real, "Cán bộ trung tâm") == "chưa có số liệu"  # staffing is demo everywhere
    assert "Khi chỉ hiện số liệu thực" in texts(real) and "Khi chỉ hiện số liệu thực" not in texts(shown)
    assert real.query_params["real"] in ("1", ["1"])


def test_real_only_blanks_national_totals_that_rest_on_demo_and_stays_off_elsewhere(warehouse):
    at = run(warehouse, "pages/tong_quan.py", year="2024", real="1", lang="en")
    assert metric(at, "KCQG planned") == "–"  # a total of 63 units, most of them demo: not a national figure
    assert "With real figures only" in texts(at)
    deck = run(warehouse, "pages/trinh_chieu.py", real="1")
    assert not deck.toggle  # the deck and the report never run on hidden values


def test_real_only_keeps_a_published_amount_in_the_query_the_pages_call(warehouse):
    from dashboard import queries, realonly
    df = queries._unit_year(2016, "63")
    amounts = queries.amount_origins("63")
    shown = realonly.unit_rows(df, amounts).set_index("unit_code")
    assert shown.loc["52", "kcqg_planned_mvnd"] == 900 and shown.loc["52", "kcdp_planned_mvnd"] == 2025
    assert shown["kcqg_actual_mvnd"].isna().loc["52"] and shown.loc["52", "budget_origin"] == "published"
    assert shown["staff_total"].isna().all()


# --------------------------------------------------------------------------- the province profile

def test_profile_opens_on_the_latest_year_with_its_34_units_and_lists_published_quotes(warehouse):
    latest = one(warehouse, "SELECT max(year) FROM budget WHERE actual_mvnd IS NOT NULL")[0]
    at = run(warehouse, "pages/ho_so_tinh.py", unit="52")
    assert next(s for s in at.selectbox if s.key.startswith("w_year@")).value == latest  # the year selector defaults to the latest year with actual figures
    assert f"Năm {latest}: 34 đơn vị" in texts(at)  # the 63 became 34 on 1/7/2025
    assert "Hạng 2013" not in texts(at) and not any(str(c).startswith("2013 ·") for d in frames(at) for c in d.columns)
    quote = one(warehouse, "SELECT quote FROM published_figure WHERE scope='province' AND scope_key='52' "
                           "ORDER BY figure_id LIMIT 1")[0]
    quotes = [q for d in frames(at) if "Trích dẫn" in d.columns for q in d["Trích dẫn"]]
    assert quote in quotes
    assert any(str(u).startswith("http") for d in frames(at) if "Nguồn (liên kết)" in d.columns
               for u in d["Nguồn (liên kết)"])
    old = run(warehouse, "pages/ho_so_tinh.py", unit="52", year="2019")
    assert "Năm 2019: 63 đơn vị" in texts(old)


def test_profile_does_not_rank_a_province_without_a_network(warehouse):
    # a province with no collaborators in a year: all the zeros tie, which is not a rank («27/63»)
    unit, year = one(warehouse, "SELECT unit_code, year FROM v_unit_year WHERE era = '63' AND "
                                "collaborators_district + collaborators_commune = 0 ORDER BY year, unit_code LIMIT 1")
    at = run(warehouse, "pages/ho_so_tinh.py", unit=unit, year=str(year), lang="en")
    assert metric(at, "All collaborators") == "0"
    captions = [c.value for c in at.caption]
    assert "No network: not ranked" in captions
    assert sum(c.startswith("Rank ") and "/63 in the nation" in c for c in captions) == 5  # the other five KPIs


def test_per_capita_is_kcdp_actual_over_a_confirmed_population(warehouse):
    kcdp, people = one(warehouse, "SELECT b.kcdp_actual_mvnd, n.population FROM v_unit_year b JOIN population n "
                                  "ON n.province_code = b.unit_code AND n.confirmed WHERE b.era='63' "
                                  "AND b.unit_code='79' AND b.year=2019 AND n.year=2019")
    at = run(warehouse, "pages/ho_so_tinh.py", unit="79", year="2019")
    expected = float(kcdp) / people * 1000
    from dashboard import fmt
    assert metric(at, "KCĐP thực hiện / 1.000 dân") == fmt.number(expected, 2, "vi")
    assert "8.993.082 người (năm 2019)" in texts(at)
    gap = run(warehouse, "pages/ho_so_tinh.py", unit="89", year="2019")  # An Giang: no confirmed population
    assert metric(gap, "KCĐP thực hiện / 1.000 dân") == "–"
    budgets = run(warehouse, "pages/kinh_phi.py", year="2019", measure="per_1000", view="63")
    n = one(warehouse, "SELECT count(*) FROM v_unit_year WHERE era='63' AND year=2019 AND population IS NOT NULL")[0]
    assert f"Dân số có nguồn cho {n}/63 đơn vị" in texts(budgets)


# --------------------------------------------------------------------------- the programme page

@pytest.mark.parametrize("lang", ["vi", "en"])
def test_programme_page_shows_the_2021_2025_totals_of_the_warehouse(warehouse, lang):
    at = run(warehouse, "pages/chuong_trinh.py", lang=lang, period="kcqg-2025")
    assert at.title[0].value == ("Chương trình khuyến công", "Programme")[lang == "en"]
    kcqg, projects = one(warehouse, "SELECT sum(kcqg_actual_mvnd), sum(projects) FROM v_nation_year "
                                    "WHERE year BETWEEN 2021 AND 2025")
    from dashboard import fmt
    table = next(d for d in frames(at) if "kcqg_actual_mvnd" in d.columns)
    row = table[table.period_id == "kcqg-2025"].iloc[0]
    assert row["kcqg_actual_mvnd"] == pytest.approx(float(kcqg)) and row["projects"] == projects
    shown = row[("KCQG thực hiện", "KCQG actual")[lang == "en"]]
    assert shown == fmt.mvnd(float(kcqg), lang)
    body = texts(at)
    assert "QĐ 1881/QĐ-TTg" in " ".join(str(x) for d in frames(at) for x in d.to_numpy().ravel())
    assert ("minh họa", "demo")[lang == "en"] in " ".join(str(x) for d in frames(at) for x in d.to_numpy().ravel())
    assert ("Cục Đổi mới sáng tạo", "Agency of Innovation")[lang == "en"] in " ".join(
        str(x) for d in frames(at) for x in d.to_numpy().ravel())
    assert body


# --------------------------------------------------------------------------- 2026 on the pages

@pytest.fixture()
def with_2026(tmp_path, monkeypatch):
    """A warehouse with a 2026 plan loaded for the new Gia Lai (a 34-unit), today being 29/11/2026."""
    monkeypatch.setattr(vocabulary, "today", lambda: datetime.date(2026, 11, 29))
    data = tmp_path / "data"
    for part in ("reference", "published"):
        shutil.copytree(ROOT / "data" / part, data / part)
    db = tmp_path / "kc.duckdb"
    build.build(db, data_dir=data, log=lambda *_: None)
    plan = corpus.filled(tmp_path / "gia-lai-2026.xlsx", corpus.budget("Gia Lai", 2026, "KCQG", 2500, None))
    r = load.load_files([plan], db, "kiem-thu", data)
    assert r.ok, load.report(r)
    monkeypatch.setenv("KHUYENCONG_DB", str(db))
    return db


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_2026_plan_shows_as_plans_only_with_its_origin(with_2026, lang):
    plans_only = ("chỉ có kế hoạch", "plans only")[lang == "en"]
    imported = ("nhập từ báo cáo", "imported")[lang == "en"]
    for page in ("pages/tong_quan.py", "pages/kinh_phi.py"):
        at = run(with_2026, page, year="2026", lang=lang)
        body = texts(at)
        assert plans_only in body and imported in body, page
        assert "2026" in body
    profile = run(with_2026, "pages/ho_so_tinh.py", unit="52", year="2026", lang=lang)
    none = ("chưa có số liệu", "no figures")[lang == "en"]
    assert [m.value for m in profile.metric][1:6] == [none] * 5  # actual, rate, đề án, staff, collaborators: not 0
    assert plans_only in texts(profile)
    budgets = run(with_2026, "pages/kinh_phi.py", year="2026", view="34", status="planned", fund="kcqg")
    ranking = [d for d in frames(budgets)]
    assert budgets.query_params["view"] in ("34", ["34"])
    assert not budgets.exception and ranking is not None


def test_no_deck_for_a_year_with_plans_only(with_2026):
    """A deck compares whole years: one unit's 2026 plan against all of 2025 would read as a −78% fall."""
    from dashboard import deck
    with pytest.raises(deck.DeckError) as refused:
        deck.build_bytes("kc_area/mien-trung-tay-nguyen", 2026, pdf=False)
    assert "Năm 2026 mới có kế hoạch" in refused.value.vi and "2026 has plans only" in refused.value.en
    assert "2025" in refused.value.vi  # where to go instead


def test_no_report_for_a_year_with_plans_only(with_2026, tmp_path):
    from dashboard.report import ReportError, build as report_build
    out = tmp_path / "r.docx"
    with pytest.raises(ReportError) as refused:
        report_build("nation", 2026, out, db=with_2026)
    assert "2026" in refused.value.vi and "2025" in refused.value.vi and not out.exists()
