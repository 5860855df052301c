"""While the app serves: a load or a rebuild renames a new database over the one the app reads. Readers see the new
file within seconds, never an error, and a truncated file is still refused."""
from __future__ import annotations

import shutil
import threading
import time

import pytest

from conftest import ROOT

HEADER = "Tỉnh/thành,Năm,Nguồn,Kế hoạch (triệu đồng),Thực hiện (triệu đồng)"
HANOI_2017_KCQG = """SELECT b.planned_mvnd FROM budget_current b JOIN province p ON p.province_code = b.unit_code
                     WHERE p.name_vi = 'Hà Nội' AND b.year = 2017 AND b.fund = 'kcqg'"""


@pytest.fixture()
def served(db_path, tmp_path, monkeypatch):
    """A private warehouse (a copy of the session one) and its data folder, served through dashboard.db."""
    import streamlit as st
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.duckdb", "imports"))
    db = tmp_path / "kc.duckdb"
    shutil.copy(db_path, db)
    monkeypatch.setenv("KHUYENCONG_DB", str(db))
    st.cache_data.clear()
    yield data, db
    st.cache_resource.clear()  # closes the connection to this test's file


def test_a_reader_sees_every_load_and_a_rebuild_promptly_and_never_an_error(served):
    from dashboard import db as dashboard_db
    from etl import build
    from etl.reports.load import load_files
    data, db = served
    errors: list[BaseException] = []
    seen: list[tuple[int, float]] = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                n = int(dashboard_db.query("SELECT count(*) AS n FROM import_log")["n"].iloc[0])
                planned = float(dashboard_db.query(HANOI_2017_KCQG)["planned_mvnd"].iloc[0])
                seen.append((n, planned))
            except BaseException as e:  # noqa: BLE001 — any failure is what this test looks for
                errors.append(e)
            time.sleep(0.005)

    assert int(dashboard_db.query("SELECT count(*) AS n FROM import_log")["n"].iloc[0]) == 0
    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        for i in range(1, 7):
            planned = 1000 + i
            csv = f"{HEADER}\nHà Nội,2017,KCQG,{planned},{planned - 100}\n"
            result = load_files([(f"kinh-phi-{i}.csv", csv.encode("utf-8"))], db, imported_by="test", data_dir=data)
            assert result.ok and result.db_changed, [str(e) for e in result.errors]
            _wait_for(seen, (i, planned), errors, f"load {i}")
        build.build(db, data_dir=data, log=lambda *_: None)  # a rebuild replays the six archived files
        count_before = len(seen)
        _wait_for(seen, (6, 1006), errors, "rebuild", after=count_before)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert errors == [], [f"{type(e).__name__}: {e}" for e in errors[:3]]


def _wait_for(seen, expected, errors, what, after: int = 0, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not errors:
        if expected in seen[after:]:
            return
        time.sleep(0.02)
    assert not errors, f"{what}: {type(errors[0]).__name__}: {errors[0]}"
    raise AssertionError(f"{what}: the reader still saw {seen[-1:]} after {timeout} s, expected {expected}")


def test_the_connection_follows_the_file_and_the_old_one_is_closed(served):
    import duckdb

    from dashboard import db as dashboard_db
    from etl.reports.load import load_files
    data, db = served
    first = dashboard_db.connection()
    assert dashboard_db.connection() is first  # the same file: the same connection, no reopening per query
    csv = f"{HEADER}\nHà Nội,2017,KCQG,4321,4000\n"
    assert load_files([("k.csv", csv.encode("utf-8"))], db, imported_by="test", data_dir=data).ok
    second = dashboard_db.connection()
    assert second is not first
    with pytest.raises(duckdb.ConnectionException):
        first.cursor()  # closed: the replaced file is no longer held open
    assert float(dashboard_db.query(HANOI_2017_KCQG)["planned_mvnd"].iloc[0]) == 4321


def test_a_valid_file_shorter_than_its_block_count_is_served(served):
    """DuckDB cuts free blocks off the end of a file: after a few loads total_blocks × block_size is often past the
    end of a perfectly valid file. The app must open it."""
    import duckdb

    from dashboard import db as dashboard_db
    from etl.reports.load import load_files
    data, db = served
    shorter = 0
    for i in range(8):
        csv = f"{HEADER}\nHà Nội,2017,KCQG,{2000 + i},1500\n"
        assert load_files([(f"s{i}.csv", csv.encode("utf-8"))], db, imported_by="test", data_dir=data).ok
        con = duckdb.connect(str(db), read_only=True)
        size, blocks = con.execute("SELECT block_size, total_blocks FROM pragma_database_size()").fetchone()
        con.close()
        shorter += db.stat().st_size < size * blocks
        assert float(dashboard_db.query(HANOI_2017_KCQG)["planned_mvnd"].iloc[0]) == 2000 + i
    assert shorter, "no load left a file shorter than its block count: the case this test is about did not occur"


@pytest.mark.parametrize("keep", [0.97, 0.6, 0.34])
def test_a_truncated_file_is_refused(served, keep):
    from dashboard import db as dashboard_db
    _, db = served
    data = db.read_bytes()
    db.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(dashboard_db.DatabaseUnavailable) as e:
        dashboard_db.query("SELECT count(*) FROM budget")
    assert "truncated" in e.value.reason or "read" in e.value.reason, e.value.reason


# ---------------------------------------------------------------- downloads never carry live formulas

HOSTILE_TEXT = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "+1", "\tTab", "\rCR",
                "Hà\x07Nội", "Bắc Ninh"]


def _hostile_frame():
    import pandas as pd
    n = len(HOSTILE_TEXT)
    return pd.DataFrame({"note": HOSTILE_TEXT, "amount": [-1234.5] + [float(i) for i in range(1, n)],
                         "count": [-3] + list(range(1, n))})


def test_csv_download_writes_formula_like_text_as_text():
    import csv
    import io

    from dashboard.exports import csv_bytes
    rows = list(csv.reader(io.StringIO(csv_bytes(_hostile_frame(), False).decode("utf-8-sig"), newline="")))
    assert rows[0] == ["note", "amount", "count"]
    notes = [r[0] for r in rows[1:]]
    assert notes == ["'" + v for v in HOSTILE_TEXT[:7]] + ["Hà\x07Nội", "Bắc Ninh"]
    assert rows[1][1:] == ["-1234.5", "-3"]  # negative numbers are numbers, not escaped text


def test_xlsx_download_writes_formula_like_text_as_string_cells_and_survives_control_characters():
    import io
    import zipfile

    import openpyxl

    from dashboard.exports import xlsx_bytes
    data = xlsx_bytes(_hostile_frame(), False)  # raised IllegalCharacterError before
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()  # no formula anywhere in the sheet
    ws = openpyxl.load_workbook(io.BytesIO(data))["data"]
    cells = list(ws.iter_rows(min_row=2, values_only=False))
    for cell, text in zip([r[0] for r in cells], HOSTILE_TEXT):
        assert cell.data_type == "s", (text, cell.data_type)
        assert cell.value == text.replace("\x07", "\ufffd")
    assert (cells[0][1].value, cells[0][1].data_type) == (-1234.5, "n")
    assert (cells[0][2].value, cells[0][2].data_type) == (-3, "n")


# ---------------------------------------------------------------- a bad URL value is echoed as plain text

LINK = "[Đăng nhập lại](https://evil.example)"
IMAGE = "![](https://evil.example/beacon.png)"
BARE = "xem https://evil.example hoặc www.evil.example"


def _rendered(markdown: str) -> str:
    """HTML as a GFM renderer with autolinks (what Streamlit's frontend uses) would draw the notice."""
    from markdown_it import MarkdownIt
    return MarkdownIt("gfm-like", {"linkify": True}).enable("linkify").render(markdown)


def test_the_renderer_used_here_would_draw_the_hostile_values():
    """The check below means something: unescaped, each value renders as a link or an image."""
    assert "<a " in _rendered(LINK) and "<img " in _rendered(IMAGE) and "<a " in _rendered(BARE)


@pytest.mark.parametrize("page,name,value", [
    ("pages/kinh_phi.py", "year", LINK), ("pages/kinh_phi.py", "fund", IMAGE), ("pages/tong_quan.py", "year", BARE),
    ("pages/ho_so_tinh.py", "unit", LINK), ("pages/trinh_chieu.py", "area", LINK),
    ("pages/so_sanh.py", "groups", LINK + ",x&mode=regions"), ("pages/so_sanh.py", "units", IMAGE + ",01")])
def test_a_bad_url_value_is_echoed_as_plain_shortened_text(db_path, monkeypatch, page, name, value):
    import re

    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("KHUYENCONG_DB", str(db_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    value, _, extra = value.partition("&")
    for k, v in [extra.split("=")] if extra else []:
        at.query_params[k] = v
    at.query_params[name] = value + " " + "đuôi rất dài " * 20
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    notices = [w.value for w in at.warning if f"«{name}»" in w.value]
    assert notices, [w.value for w in at.warning]
    html = _rendered(notices[0])
    assert "<a " not in html and "<img " not in html, html
    shown = re.search(r"«(.*?)»", re.sub(r"<[^>]+>", "", html)).group(1)
    assert shown.startswith(value[:10]) and len(shown) <= 41, shown  # the visitor's text, as typed, cut short


def test_sources_origin_tab_renders_when_only_budgets_hold_imported_rows(served):
    """Imported rows in budget, none in project, staffing or collaborators: the origin tab counts them, no NaN crash."""
    from streamlit.testing.v1 import AppTest

    from etl.reports.load import load_files
    data, db = served
    csv = f"{HEADER}\nHà Nội,2017,KCQG,4321,4000\nHải Phòng,2017,KCQG,1200,1100\n"
    assert load_files([("kinh-phi.csv", csv.encode("utf-8"))], db, imported_by="test", data_dir=data).ok
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["section"] = "origin"
    at.switch_page("pages/nguon_goc.py")
    at.run()
    assert not at.exception, [str(e.value)[:300] for e in at.exception]
    table = next(d.value for d in at.dataframe if "stored_imported" in d.value.columns).set_index("table_name")
    assert table.loc["budget", "stored_imported"] == 2
    assert table.loc[["project", "staffing", "collaborators"], "stored_imported"].tolist() == [0, 0, 0]
