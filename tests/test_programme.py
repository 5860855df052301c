"""The national programme in the warehouse: its periods and targets with their sources, the agency of each year,
totals per period that add up, which years hold actuals, plans or nothing — and no invented actuals for a year
that has not ended."""
from __future__ import annotations

import csv
import re
import shutil
import unicodedata
from datetime import date

import duckdb
import pytest

from conftest import ROOT, scalar
from etl import demo, published, reference, vocabulary
from etl.errors import BuildError, DataError

NOTES = ROOT / "docs/programme_sources.md"


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s))


def test_the_four_programme_periods_are_in_the_warehouse_with_their_decisions(con):
    rows = con.execute("""SELECT period_id, year_from, year_to, legal_basis, decided_on, decided_by, s.location
                          FROM programme_period JOIN source s USING (source_id) ORDER BY sort_order""").fetchall()
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("kcqg-2012", 2007, 2012, "QĐ 136/2007/QĐ-TTg"),
        ("kcqg-2020", 2013, 2020, "QĐ 1288/QĐ-TTg"),
        ("kcqg-2025", 2021, 2025, "QĐ 1881/QĐ-TTg"),
        ("kcqg-2030", 2026, 2030, "QĐ 2646/QĐ-BCT"),
    ]
    current = rows[-1]
    assert current[4] == date(2025, 9, 23) and current[5] == "Bộ trưởng Bộ Công Thương"
    assert rows[1][4] == date(2014, 8, 1)
    assert all(r[6].startswith("http") for r in rows)  # every period traced to a page a reader can open
    # one programme per year, no gap: every year of the warehouse belongs to exactly one period
    assert all(a[2] + 1 == b[1] for a, b in zip(rows, rows[1:]))


def test_every_programme_fact_is_quoted_from_the_research_notes():
    """Periods, agency names and targets quote a sentence that the notes hold under the source's own URL."""
    notes = NOTES.read_text(encoding="utf-8")
    sources = {r["source_id"]: r["location"] for r in csv.DictReader(open(ROOT / "data/published/sources.csv", encoding="utf-8"))}
    quoted = []
    for name in ("data/reference/programme_periods.csv", "data/reference/agency_names.csv", "data/published/figures.csv"):
        quoted += [(r["source_id"], r["quote"]) for r in csv.DictReader(open(ROOT / name, encoding="utf-8"))
                   if r["source_id"].startswith("prog-")]
    assert len(quoted) >= 7
    for source_id, quote in quoted:
        section = notes.split(f"## {source_id} ")[1].split("\n## ")[0]
        assert sources[source_id] in section, source_id
        assert _norm(quote) in _norm(section), (source_id, quote[:60])


def test_a_target_carries_its_published_figure_and_source(con):
    rows = con.execute("""SELECT t.period_id, t.value, t.unit, t.source_id, f.value, f.quote
                          FROM programme_target t JOIN published_figure f USING (figure_id)
                          ORDER BY t.period_id""").fetchall()
    assert ("kcqg-2025", 340.0, "mô hình", "prog-ven-2021") == rows[1][:4]
    assert ("kcqg-2012", 400000.0, "triệu đồng", "prog-arit-2007") == rows[0][:4]
    assert all(r[1] == r[4] and r[5] for r in rows)  # the number lives once, in published_figure


@pytest.mark.parametrize("year, name", [
    (2017, "Cục Công Thương địa phương"),
    (2024, "Cục Công Thương địa phương"),
    (2025, "Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công"),
    (2026, "Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công"),
])
def test_the_agency_of_a_year(con, year, name):
    assert scalar(con, "SELECT name_vi FROM v_agency_year WHERE year = ?", [year]) == name


def test_no_agency_is_named_for_a_year_no_source_dates(con):
    """No source dates the Cục Công nghiệp địa phương, so 2016 gets no name rather than a guessed one."""
    assert scalar(con, "SELECT count(*) FROM v_agency_year WHERE year = 2016") == 0


def test_period_totals_equal_the_sum_of_their_years(con):
    periods = con.execute("""SELECT period_id, year_from, year_to, kcqg_planned_mvnd, kcqg_actual_mvnd,
                                    kcdp_planned_mvnd, kcdp_actual_mvnd, projects, years_held FROM v_period_totals""").fetchall()
    checked = 0
    for pid, y0, y1, *totals, years_held in periods:
        by_year = con.execute("""
            SELECT sum(planned_mvnd) FILTER (fund = 'kcqg'), sum(actual_mvnd) FILTER (fund = 'kcqg'),
                   sum(planned_mvnd) FILTER (fund = 'kcdp'), sum(actual_mvnd) FILTER (fund = 'kcdp'),
                   count(DISTINCT year)
            FROM budget_current WHERE year BETWEEN ? AND ?""", [y0, y1]).fetchone()
        projects = scalar(con, "SELECT count(*) FROM project_current WHERE year BETWEEN ? AND ?", [y0, y1])
        assert list(totals[:4]) == list(by_year[:4]), pid
        assert years_held == by_year[4]
        assert (totals[4] or 0) == projects, pid
        checked += years_held > 0
    assert checked == 2  # 2013–2020 and 2021–2025 hold data; to 2012 and 2026–2030 (so far) hold none


def test_the_2021_2025_models_target_against_the_warehouse(con):
    value, pct, origin = con.execute("""SELECT warehouse_value, progress_pct, origin FROM v_period_progress
                                        WHERE figure_id = 'prog25_models'""").fetchone()
    models = scalar(con, """SELECT count(*) FROM project_current WHERE fund = 'kcqg' AND category_id = 'mo-hinh-trinh-dien'
                            AND year BETWEEN 2021 AND 2025""")
    assert value == models > 0 and pct == pytest.approx(100 * models / 340)
    assert origin == "demo"  # a demo count: the page must say so
    assert scalar(con, "SELECT warehouse_value FROM v_period_progress WHERE figure_id = 'prog12_budget'") is None


def test_year_status_2025_has_actuals_and_2026_nothing(con):
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT year, status, has_actual, has_planned, is_latest_actual, year_ended, period_id FROM year_status").fetchall()}
    assert rows[2025][:4] == ("actual", True, True, True) and rows[2025][5] == "kcqg-2025"
    assert rows[2026][:3] == ("none", False, False) and rows[2026][5] == "kcqg-2030"
    assert rows[2026][4] == (date.today().year > 2026)  # tied to the clock, not to a constant
    assert max(rows) == max(2025, date.today().year) + 1  # plans are made a year ahead: next year is offered
    assert scalar(con, "SELECT count(*) FROM budget WHERE year >= 2026") == 0


def test_a_2026_report_fills_year_status(db_path, tmp_path):
    """Loading 2026 rows turns 2026 from nothing to plans, then to actuals. The import window still stops at 2025
    (another change widens it), so the 2026 rows are inserted directly into a copy of the warehouse."""
    db = tmp_path / "kc.duckdb"
    shutil.copy(db_path, db)
    con = duckdb.connect(str(db))
    try:
        con.execute("""INSERT INTO budget VALUES ('34', '01', 2026, 'kcqg', 1200, NULL, 'imported', 'import:test'),
                                                 ('34', '01', 2026, 'kcdp', 3400, NULL, 'imported', 'import:test')""")
        assert con.execute("SELECT status, has_planned, has_actual, units_reporting, budget_origin FROM year_status "
                           "WHERE year = 2026").fetchone() == ("planned", True, False, 1, "imported")
        assert scalar(con, "SELECT year FROM year_status WHERE is_latest_actual") == 2025
        totals = con.execute("SELECT years_held, years_with_actual, total_planned_mvnd FROM v_period_totals "
                             "WHERE period_id = 'kcqg-2030'").fetchone()
        assert totals == (1, 0, 4600)  # progress of 2026–2030 to date: one year of plans
        con.execute("UPDATE budget SET actual_mvnd = 900 WHERE year = 2026 AND fund = 'kcqg'")
        assert scalar(con, "SELECT status FROM year_status WHERE year = 2026") == "actual"
    finally:
        con.close()


def test_demo_data_never_invents_actuals_for_a_year_that_has_not_ended(con):
    ref = reference.load()
    figures, _ = published.load()
    with pytest.raises(BuildError, match="2026"):
        demo.generate(ref, figures, demo.DemoOptions(last_year=2026), today=date(2026, 11, 29))
    with pytest.raises(BuildError, match="2025"):  # built during 2025, the default would reach a running year
        demo.generate(ref, figures, today=date(2025, 6, 30))
    assert demo.last_ended_year(date(2026, 1, 1)) == 2025
    running = date.today().year
    for table in ("budget", "project", "staffing", "collaborators"):
        assert scalar(con, f"SELECT count(*) FROM {table} WHERE origin = 'demo' AND year >= ?", [running]) == 0  # noqa: S608


def test_demo_and_imports_judge_the_calendar_by_the_same_today(monkeypatch):
    """One clock for the whole warehouse: moved to March 2031, demo data may reach 2030 (the last year that has
    ended) and an import of 2030 actuals is accepted as a year that has ended."""
    monkeypatch.setattr(vocabulary, "today", lambda: date(2031, 3, 1))
    assert demo.last_ended_year() == 2030
    assert vocabulary.year_has_ended(2030) and not vocabulary.year_has_ended(2031)


def test_overlapping_periods_are_refused_naming_row_and_column(tmp_path):
    ref_dir = tmp_path / "reference"
    shutil.copytree(ROOT / "data/reference", ref_dir)
    path = ref_dir / "programme_periods.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",2021,2025,", ",2020,2025,"), encoding="utf-8")
    with pytest.raises(DataError) as e:
        reference.load(ref_dir)
    assert (e.value.row, e.value.column) == (4, "year_from")
    assert "chồng lên nhau" in str(e.value) and "overlap" in str(e.value)
