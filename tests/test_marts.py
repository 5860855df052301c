"""The marts: the views the pages read, stored by every build and every load (etl/marts.py). A page that reads a
mart must show what the view would: after a build, and after a load changed the facts underneath."""
from __future__ import annotations

import io
import re
import shutil
import tokenize

import duckdb
import pytest

from conftest import ROOT
from import_corpus import make_corpus as corpus

from dashboard import queries
from etl.marts import MARTS
from etl.reports import load

HOA_BINH = "17"  # province_code of Hòa Bình (63 provinces), the unit tests/import_corpus's good template reports


def differences(con, mart: str, view: str) -> tuple[int, int, int]:
    """(rows in the mart, rows only in the mart, rows only in the view), duplicates counted."""
    n = con.execute(f"SELECT count(*) FROM {mart}").fetchone()[0]  # noqa: S608 — fixed names
    only_mart = con.execute(f"SELECT count(*) FROM (FROM {mart} EXCEPT ALL FROM {view})").fetchone()[0]  # noqa: S608
    only_view = con.execute(f"SELECT count(*) FROM (FROM {view} EXCEPT ALL FROM {mart})").fetchone()[0]  # noqa: S608
    return n, only_mart, only_view


def columns(con, name: str) -> list[tuple]:
    return con.execute("SELECT column_name, data_type, comment FROM duckdb_columns() WHERE table_name = ? "
                       "AND schema_name = 'main' ORDER BY column_index", [name]).fetchall()


@pytest.mark.parametrize("mart,view", MARTS.items())
def test_after_a_build_each_mart_holds_exactly_its_views_rows_columns_and_comments(con, mart, view):
    n, only_mart, only_view = differences(con, mart, view)
    assert n > 0 and (only_mart, only_view) == (0, 0)
    # the data dictionary page lists the mart with the same words as its view: one definition, written once
    assert columns(con, mart) == columns(con, view)
    assert all(comment for _, _, comment in columns(con, mart))
    table_comment = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = ?", [mart]).fetchone()[0]
    assert view in table_comment and "etl/marts.py" in table_comment


def test_a_load_refills_the_marts_so_the_pages_show_the_loaded_report(tmp_path, db_path):
    data = tmp_path / "data"
    for part in ("reference", "published"):
        shutil.copytree(ROOT / "data" / part, data / part)
    db = tmp_path / "kc.duckdb"
    shutil.copy(db_path, db)
    files = tmp_path / "files"
    files.mkdir()
    before = duckdb.connect(str(db), read_only=True)
    try:
        old = before.execute(queries.UNIT_SERIES, ["63", HOA_BINH]).df().set_index("year").loc[2023]
    finally:
        before.close()
    assert old.staffing_origin != "imported"  # otherwise the load below would prove nothing
    result = load.load_files([corpus.good_template(files)], db, "kiem-thu", data)
    assert result.ok and result.db_changed, load.report(result)
    con = duckdb.connect(str(db), read_only=True)
    try:
        for mart, view in MARTS.items():
            assert differences(con, mart, view)[1:] == (0, 0), mart
        # what the Province profile reads for Hòa Bình in 2023: the imported KCQG plan and spending (1,25 tỷ and
        # 1.180.000 nghìn đồng in the file = 1.250 and 1.180 triệu đồng) and the imported staffing (14, 6)
        row = con.execute(queries.UNIT_SERIES, ["63", HOA_BINH]).df().set_index("year").loc[2023]
        assert row[["kcqg_planned_mvnd", "kcqg_actual_mvnd", "staff_total", "staff_grassroots"]].tolist() == \
            [1250, 1180, 14, 6]
        assert (row.budget_origin, row.staffing_origin) == ("demo+imported", "imported")
        # the year's map and table (every unit of the year) and the Compare page's peer series carry it too
        year = con.execute(queries.UNIT_YEAR_SAME_ERA, [2023, "63"]).df().set_index("unit_code")
        assert year.loc[HOA_BINH, "kcqg_planned_mvnd"] == 1250
        peer = con.execute(queries.PEER_SERIES["63"], ["vung", [HOA_BINH]]).df()
        assert peer.query("year == 2023 and metric == 'kcqg_planned_mvnd'").value.tolist() == [1250]
    finally:
        con.close()


def _sql_literals(source: str) -> list[str]:
    """Every string literal of a module (f-strings included), none of its comments."""
    out, parts = [], []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.STRING:
            out.append(tok.string)
        elif tok.type == getattr(tokenize, "FSTRING_MIDDLE", -1):  # Python ≥ 3.12 splits f-strings
            parts.append(tok.string)
    return out + parts


def test_page_sql_reads_the_marts_not_the_views_recomputed_on_every_call():
    """A page query over v_unit_year & co. recomputes their joins and unpivots on every call; a mart is a filtered
    read. Other views (budget_current, v_period_totals, …) are not materialised and may stay."""
    source = (ROOT / "dashboard" / "queries.py").read_text(encoding="utf-8")
    slow = re.compile(r"\b(" + "|".join(MARTS.values()) + r")\b")
    offenders = sorted({m.group(1) for s in _sql_literals(source) for m in slow.finditer(s)})
    assert offenders == []
    assert all(re.search(rf"\b{mart}\b", source) for mart in MARTS)  # and it does read every mart
