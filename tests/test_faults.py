"""Bad conditions: a build killed halfway, a missing or corrupt database, broken boundary files, hostile links and
hostile imported text. In each the user gets the last good data or a clear way out, never a traceback, and nothing
a visitor types reaches SQL or the page as code."""
from __future__ import annotations

import ast
import hashlib
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT

TABLES = ("budget", "project", "staffing", "collaborators", "published_figure", "source", "province", "unit_2025")
CODE_DIRS = [ROOT / "dashboard", ROOT / "pages"]


def app_pages() -> list[str]:
    """Every page app.py declares, read from its PAGES sections without running it."""
    for node in ast.parse((ROOT / "app.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PAGES" for t in node.targets):
            return [p[0] for pages in ast.literal_eval(node.value).values() for p in pages]
    raise AssertionError("app.py has no PAGES list")


PAGES = app_pages()


def run_page(page: str, db: Path, monkeypatch, params: dict[str, str] | None = None, clear: bool = True):
    import streamlit as st
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("KHUYENCONG_DB", str(db))
    if clear:
        st.cache_data.clear()  # query results are cached by their arguments, not by the database file
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.switch_page(page)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    return at


def content(db: Path) -> dict[str, str]:
    """A digest of every row of the main tables, read the way the app reads (read-only)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: hashlib.sha256(repr(con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()).encode()).hexdigest()
                for t in TABLES}  # noqa: S608 — fixed names
    finally:
        con.close()


@pytest.fixture()
def db_copy(db_path, tmp_path) -> Path:
    db = tmp_path / "khuyencong.duckdb"
    shutil.copy(db_path, db)
    return db


# ---------------------------------------------------------------- a build killed halfway

BUILD_CMD = [sys.executable, "-m", "etl", "build", "--db"]


def _kill_when_temp_appears(db: Path) -> subprocess.Popen:
    """SIGKILL a real `python -m etl build` while it is writing its new database beside the old one."""
    proc = subprocess.Popen(BUILD_CMD + [str(db)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.name.endswith(".tmp") for p in db.parent.iterdir()):
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return proc


def _kill_inside_calibration(db: Path) -> subprocess.Popen:
    """SIGKILL the build from inside, after every fact is written to the new file and before it is swapped in."""
    code = (f"import os, signal, sys; sys.path.insert(0, {str(ROOT)!r})\n"
            "from pathlib import Path\nfrom etl import build, calibration\n"
            "calibration.check_all = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)\n"
            f"build.build(Path({str(db)!r}))\n")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proc.wait(timeout=120)
    return proc


@pytest.mark.parametrize("kill", [_kill_when_temp_appears, _kill_inside_calibration], ids=["from-outside", "mid-step"])
def test_build_killed_midway_leaves_the_previous_database_serving(db_copy, monkeypatch, kill):
    before_bytes = hashlib.sha256(db_copy.read_bytes()).hexdigest()
    before = content(db_copy)
    proc = kill(db_copy)
    assert proc.returncode == -signal.SIGKILL, "the build finished before it could be killed: nothing was tested"
    assert hashlib.sha256(db_copy.read_bytes()).hexdigest() == before_bytes
    assert content(db_copy) == before
    at = run_page(PAGES[0], db_copy, monkeypatch)
    assert not at.exception and not at.error
    assert at.title, "the page drew nothing"


# ---------------------------------------------------------------- a database missing or corrupt

def _missing(db: Path) -> None:
    db.unlink()


def _garbage(db: Path) -> None:
    db.write_bytes(b"this is not a database\n" * 4096)


def _truncated(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])


def _empty(db: Path) -> None:
    db.write_bytes(b"")


def _foreign(db: Path) -> None:
    """A valid DuckDB file, but not ours (someone pointed KHUYENCONG_DB at the wrong file)."""
    db.unlink()
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE budget AS SELECT 1 AS x")
    con.close()


@pytest.mark.parametrize("damage", [_missing, _garbage, _truncated, _empty,
                                    _foreign], ids=["missing", "garbage", "truncated", "empty", "foreign"])
def test_unusable_database_shows_the_recovery_page_on_every_page(db_copy, monkeypatch, damage):
    damage(db_copy)
    for page in PAGES:
        at = run_page(page, db_copy, monkeypatch)
        assert not at.exception, (page, [e.value for e in at.exception])
        assert at.error, f"{page}: no error shown for an unusable database"
        said = " ".join([e.value for e in at.error] + [c.value for c in at.code])
        assert "python -m etl build" in said, (page, said)


def test_rebuilding_restores_a_corrupt_database(db_copy, monkeypatch):
    _garbage(db_copy)
    r = subprocess.run(BUILD_CMD + [str(db_copy)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    at = run_page(PAGES[0], db_copy, monkeypatch)
    assert not at.exception and not at.error
    assert at.title


# ---------------------------------------------------------------- boundary files missing or broken

BROKEN_GEO = {
    "missing": None,
    "not-json": "{ this is not json",
    "binary": "\x00\xff garbage",
    "no-features": '{"type": "FeatureCollection", "features": []}',
    "bad-ring": '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"province_code": "01",'
                ' "unit_code": "01"}, "geometry": {"type": "Polygon", "coordinates": [[1, 2]]}}]}',
    "not-a-collection": "[1, 2, 3]",
}


@pytest.mark.parametrize("case", list(BROKEN_GEO) + ["null-geometry"])
def test_broken_boundary_files_fall_back_to_a_labelled_tile_grid(db_path, tmp_path, monkeypatch, case):
    from dashboard import db, maps, metrics, queries
    from dashboard.i18n import t
    monkeypatch.setenv("KHUYENCONG_DB", str(db_path))
    text = BROKEN_GEO.get(case, '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
                                '{"province_code": "01", "unit_code": "01"}, "geometry": null}]}')
    geo = tmp_path / "geo"
    geo.mkdir()
    if text is not None:
        for name in list(maps.FILES.values()) + ["regions_simplified.geojson"]:
            (geo / name).write_text(text, encoding="utf-8", errors="surrogateescape")
    for view, year, n in (("63", 2024, 63), ("34", 2025, 34)):
        df = metrics.derive(db.query(queries.UNIT_YEAR_SAME_ERA, [year, view]))
        for lang in ("vi", "en"):
            fig, real = maps.choropleth(df, "total_planned_mvnd", view, "mvnd", lang, grouping="vung", geo_dir=str(geo))
            assert real is False
            notes = [a.text for a in fig.layout.annotations]
            assert t("map_fallback", lang) in notes
            assert {c[0] for c in fig.data[0].customdata} == set(df.unit_code), "every unit keeps its tile"
            assert len(df) == n
    assert "tile grid" in t("map_fallback", "en") and "lưới ô" in t("map_fallback", "vi")


@pytest.mark.parametrize("view,year", [("63", 2024), ("34", 2025)])
def test_tile_grid_draws_one_tile_per_unit(db_path, monkeypatch, view, year):
    from dashboard import db, maps, metrics, queries
    monkeypatch.setenv("KHUYENCONG_DB", str(db_path))
    df = metrics.derive(db.query(queries.UNIT_YEAR_SAME_ERA, [year, view]))
    fig = maps.tile_grid(df, "total_planned_mvnd", view, "mvnd", "vi")
    codes = [c[0] for c in fig.data[0].customdata]
    assert sorted(codes) == sorted(df.unit_code)


# ---------------------------------------------------------------- hostile links

HOSTILE = [
    "2024; DROP TABLE budget; --",
    "' OR 1=1 -- <script>alert(1)</script>",
    "HUGE",  # 100,000 characters (see _values): also far past int()'s 4,300-digit limit
    "ZZ,99,01,01x,\u202e\U0001f642\u0301\ufffd\u0000",  # unknown codes, right-to-left override, emoji, NUL
    "-1",
]
QUERY_STRING_LIMIT = 500_000  # Streamlit ignores a whole query string above 524,288 characters: stay under it
MARKERS = ("DROP TABLE", "1=1", "<script", "ZZ,99", "9" * 200, "\u202e")
# The brief's list of URL parameters; the source adds whatever else pages read or bind.
KNOWN_PARAMS = {"year", "view", "fund", "status", "measure", "grouping", "region", "units", "unit", "lang", "mode",
                "metric", "groups", "section", "area"}


def url_params() -> list[str]:
    names = set(KNOWN_PARAMS)
    from dashboard import filters
    names |= set(filters.FILTERS)
    for path in [ROOT / "app.py", ROOT / "dashboard" / "filters.py", *sorted((ROOT / "pages").rglob("*.py"))]:
        src = path.read_text(encoding="utf-8")
        names |= set(re.findall(r"query_params(?:\.get\(|\[)\s*[\"'](\w+)[\"']", src))
        names |= set(re.findall(r"(?:url_widget|multi_param|one_param)\(\s*[\"'](\w+)[\"']", src))
        for m in re.finditer(r"bind\s*=\s*[\"']query-params[\"']", src):
            keys = re.findall(r"key\s*=\s*[\"'](\w+)[\"']", src[max(0, m.start() - 500):m.start()])
            names |= set(keys[-1:])
    return sorted(names)


class _Recorder:
    """Stands in for the DuckDB connection and keeps every SQL text the pages send."""

    def __init__(self, con, seen: list):
        self._con, self._seen = con, seen

    def cursor(self):
        return _Recorder(self._con.cursor(), self._seen)

    def execute(self, sql, *args, **kw):
        self._seen.append(sql)
        return self._con.execute(sql, *args, **kw)

    def __getattr__(self, name):
        return getattr(self._con, name)


def _values(names: list[str], k: int) -> dict[str, str]:
    """Run k of a Latin square: parameter i gets HOSTILE[(i + k) mod 5], so over 5 runs every parameter gets every
    value once; the huge value is 100,000 characters unless that many parameters would pass Streamlit's limit."""
    per_run = -(-len(names) // len(HOSTILE))
    huge = "9" * min(100_000, QUERY_STRING_LIMIT // per_run)
    return {n: (huge if v == "HUGE" else v) for i, n in enumerate(names) for v in [HOSTILE[(i + k) % len(HOSTILE)]]}


@pytest.mark.parametrize("page", PAGES)
def test_hostile_url_values_never_raise_and_never_reach_sql(db_copy, monkeypatch, page):
    """Every URL parameter the app knows, with SQL fragments, markup, a huge value, unknown codes and unicode junk:
    the page draws (a notice is fine), the SQL it sends contains none of it, the database is untouched."""
    from dashboard import db
    seen: list[str] = []
    real = db.connection
    monkeypatch.setattr(db, "connection", lambda: _Recorder(real(), seen))
    before = hashlib.sha256(db_copy.read_bytes()).hexdigest()
    names = url_params()
    for k in range(len(HOSTILE)):
        # caches cleared once: a hostile value that reached a cached query would be a new key, so it runs and is seen
        at = run_page(page, db_copy, monkeypatch, _values(names, k), clear=k == 0)
        assert not at.exception, (page, k, [str(e.value)[:300] for e in at.exception])
        assert at.title, f"{page} drew no title with hostile parameters (run {k})"
    if page == PAGES[0]:
        assert seen, "no SQL was recorded: the recorder is not in the path the pages use"
    leaked = [s[:120] for s in seen if any(m in s for m in MARKERS) or len(s) > 20_000]
    assert leaked == [], "user text reached SQL"
    assert hashlib.sha256(db_copy.read_bytes()).hexdigest() == before
    con = duckdb.connect(str(db_copy), read_only=True)
    assert all(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] > 0 for t in TABLES)  # noqa: S608
    con.close()


SQL_CALLS = {"execute", "executemany", "sql", "query", "query_df", "from_query"}


def test_sql_is_never_assembled_at_request_time():
    """SQL handed to DuckDB is a named constant or a literal: no f-string, concatenation, % or .format at the call.
    (Named SQL may be assembled from fixed fragments when queries.py is imported; no user value exists then.)"""
    bad = []
    for path in [ROOT / "app.py", *sorted(p for d in CODE_DIRS for p in d.glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
            if name not in SQL_CALLS:
                continue
            arg = node.args[0]
            if isinstance(arg, (ast.JoinedStr, ast.BinOp)) or (
                    isinstance(arg, ast.Call) and getattr(arg.func, "attr", None) == "format"):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert bad == []


# ---------------------------------------------------------------- no data rendered as HTML

HTML_CALLS = {"html"}  # st.html, components.html


def test_no_data_is_rendered_as_html_in_the_source():
    """unsafe_allow_html / st.html only ever with a literal: data goes through markdown, which escapes HTML."""
    bad = []
    for path in [ROOT / "app.py", *sorted(p for d in CODE_DIRS for p in d.glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
            unsafe = any(k.arg == "unsafe_allow_html" and not (isinstance(k.value, ast.Constant) and not k.value.value)
                         for k in node.keywords)
            if unsafe or name in HTML_CALLS:
                body = node.args[0] if node.args else None
                if not (isinstance(body, ast.Constant) and isinstance(body.value, str)):
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert bad == []


XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def test_imported_text_with_html_is_shown_as_text(db_copy, tmp_path, monkeypatch):
    """A report whose file name, loader and đề án title carry HTML: every page shows it as text, never as markup."""
    from etl.reports import load  # a broken import is a failure, never a skip
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.duckdb", "*.tmp", "imports"))
    csv = ("Mã đề án,Tỉnh/thành,Năm,Nguồn (KCQG/KCĐP),Nội dung,Tên đề án,Kế hoạch (triệu đồng),Thực hiện (triệu đồng)\n"
           f"XSS-1,Hà Nội,2024,KCQG,Đào tạo nghề,\"{XSS}\",100,90\n").encode("utf-8")
    result = load.load_files([(f"{XSS}.csv", csv)], db_copy, XSS, data)
    assert result.ok, load.report(result)
    con = duckdb.connect(str(db_copy), read_only=True)
    assert con.execute("SELECT count(*) FROM project WHERE title_vi = ?", [XSS]).fetchone()[0] == 1
    con.close()
    for page in PAGES:  # the profile page opens on Hà Nội (01), the province of the loaded đề án
        at = run_page(page, db_copy, monkeypatch)
        assert not at.exception, (page, [str(e.value)[:300] for e in at.exception])
        for el in _walk(at._tree):
            proto = getattr(el, "proto", None)
            body = getattr(proto, "body", None)
            if not isinstance(body, str) or ("<script" not in body and "onerror" not in body):
                continue
            assert proto.DESCRIPTOR.name != "Html", f"{page}: imported text inside st.html"
            assert not getattr(proto, "allow_html", False), f"{page}: imported text in markdown with HTML allowed"
