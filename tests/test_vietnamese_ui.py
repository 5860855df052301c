"""No English inside the Vietnamese interface: the import log's column names and outcomes on the Import and Sources
pages, and the file uploader's own "Upload" / "10MB per file" (drawn by Streamlit's frontend, replaced by CSS)."""
from __future__ import annotations

import shutil

import pytest
from conftest import ROOT, streamlit_server
from streamlit.testing.v1 import AppTest

APP = str(ROOT / "app.py")
RAW = {"import_id", "file_name", "file_sha256", "imported_at", "imported_by", "rows_budget", "outcome",
       "archive_path"}


@pytest.fixture(scope="module")
def loaded_db(tmp_path_factory):
    """A warehouse with one loaded report, so the import log has a row."""
    from etl import build
    from etl.reports.load import load_files
    tmp = tmp_path_factory.mktemp("log")
    data = tmp / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.duckdb", "imports"))
    db = tmp / "kc.duckdb"
    build.build(db, data_dir=data, log=lambda *_: None)
    csv = "Tỉnh/thành,Năm,Nguồn,Kế hoạch (triệu đồng),Thực hiện (triệu đồng)\nĐà Nẵng,2017,KCQG,1000,900\n"
    assert load_files([("da-nang-2017.csv", csv.encode())], db, imported_by="Nguyễn An", data_dir=data).ok
    return db


def _headers(df_element) -> list[str]:
    """The headers as the reader sees them: column_config labels where set, else the raw column names."""
    import json
    config = json.loads(df_element.proto.columns or "{}")
    return [config.get(c, {}).get("label") or c for c in df_element.value.columns
            if not config.get(c, {}).get("hidden")]


@pytest.mark.parametrize("page, section", [("pages/nhap_bao_cao.py", None), ("pages/nguon_goc.py", "origin")])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_import_log_speaks_the_readers_language(loaded_db, monkeypatch, page, section, lang):
    monkeypatch.setenv("KHUYENCONG_DB", str(loaded_db))
    at = AppTest.from_file(APP, default_timeout=120)
    if lang == "en":
        at.query_params["lang"] = "en"
    if section:
        at.query_params["section"] = section
    at.switch_page(page).run()
    assert not at.exception
    logs = [d for d in at.dataframe if "imported_by" in d.value.columns]
    assert len(logs) == 1
    headers = _headers(logs[0])
    assert not RAW & set(headers), headers
    assert ("Người nhập" if lang == "vi" else "Loaded by") in headers
    outcome = logs[0].value["outcome"].iloc[0]
    assert outcome == ("Đã nạp" if lang == "vi" else "Loaded")


def test_an_empty_import_log_says_so_in_vietnamese(db_path, monkeypatch):
    monkeypatch.setenv("KHUYENCONG_DB", str(db_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/nhap_bao_cao.py").run()
    assert not at.exception
    assert not [d for d in at.dataframe if "imported_by" in d.value.columns]  # no grid reading "empty"
    assert any("Chưa nạp báo cáo nào" in i.value for i in at.info)


@pytest.fixture(scope="module")
def uploader_page(tmp_path_factory):
    """The uploader helper alone on a server (the Import page shows it only to a signed-in editor)."""
    tmp = tmp_path_factory.mktemp("uploader")
    (tmp / "page.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nimport streamlit as st\nfrom dashboard import uploader\n"
        "uploader.file_uploader('Chọn tệp báo cáo', ['xlsx', 'csv'], st.query_params.get('lang', 'vi'), "
        "accept_multiple_files=True)\n", encoding="utf-8")
    with streamlit_server("page.py", tmp, None, "--server.maxUploadSize", "10") as base:
        yield base


@pytest.mark.parametrize("lang, button, limit", [("vi", "Tải lên", "Tối đa 10 MB mỗi tệp • XLSX, CSV"),
                                                 ("en", "Upload", "Up to 10 MB per file • XLSX, CSV")])
def test_the_uploader_box_reads_in_the_readers_language(uploader_page, browser, lang, button, limit):
    page = browser.new_page()
    try:
        page.goto(f"{uploader_page}/?lang={lang}")
        zone = page.wait_for_selector("[data-testid=stFileUploaderDropzone]", timeout=60_000)
        page.wait_for_timeout(500)
        seen = zone.evaluate("""z => {
            const p = z.querySelector('button [data-testid=stMarkdownContainer] p');
            const after = getComputedStyle(p, '::after').content.replace(/^"|"$/g, '');
            return {button: getComputedStyle(p).fontSize === '0px' ? after : p.innerText,
                    limit: z.querySelector('[data-testid=stFileUploaderDropzoneInstructions]').checkVisibility()};
        }""")
        caption = page.locator("[data-testid=stCaptionContainer]").inner_text()
    finally:
        page.close()
    assert seen["button"] == button
    assert seen["limit"] == (lang == "en")  # Streamlit's English "10MB per file" only for English readers
    assert limit in caption


# dnb13_parts_sum's note: the research note's paraphrase is flagged first, then the sum that falls short
@pytest.mark.parametrize("lang, shown, hidden", [
    ("vi", ("Ghi chú: Trích dẫn đã lược bớt hoặc diễn giải trong ghi chú nghiên cứu (FACTS.md), không phải nguyên văn "
            "của trang nguồn. 5,32 + 31,44 = 36,76 tỷ, thiếu 10 triệu so với tổng"), "10 triệu short of the total"),
    ("en", ("Note: Quote elided or paraphrased by the research note (FACTS.md), not the page's own words. "
            "5,32 + 31,44 = 36,76 tỷ, 10 triệu short of the total"), "thiếu 10 triệu so với tổng")])
def test_source_notes_are_in_the_readers_language(db_path, monkeypatch, lang, shown, hidden):
    monkeypatch.setenv("KHUYENCONG_DB", str(db_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["section"] = "checks"
    if lang == "en":
        at.query_params["lang"] = "en"
    at.switch_page("pages/mau_thuan.py").run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    text = text.replace("\\", "")  # the page escapes Markdown characters of source text (+, *, …)
    assert shown in text and hidden not in text


def test_every_english_note_has_its_vietnamese(con):
    missing = con.execute("SELECT figure_id FROM published_figure WHERE coalesce(note, '') <> '' "
                          "AND coalesce(note_vi, '') = ''").fetchall()
    assert missing == []


def test_a_note_flagging_a_paraphrased_quote_says_so_in_vietnamese_too(con):
    rows = con.execute("SELECT figure_id, note_vi FROM published_figure "
                       "WHERE note LIKE 'Quote elided or paraphrased%'").fetchall()
    assert len(rows) >= 20  # the FACTS.md figures of Miền Trung – Tây Nguyên, Đông Nam Bộ 2013, TT 26/2014 ceilings…
    assert [f for f, vi in rows if not (vi or "").startswith("Trích dẫn đã lược bớt hoặc diễn giải")] == []


def test_a_province_figures_note_reaches_vietnamese_readers(con):
    # pf005 comes from province_figures.csv, not figures.csv; the Sources page lists it with the others
    note_vi, = con.execute("SELECT note_vi FROM published_figure WHERE figure_id = 'pf005'").fetchone()
    assert (note_vi or "").startswith("Giao cho 46 địa phương")


def test_a_translation_of_an_unknown_figure_is_refused_with_its_place(tmp_path):
    from etl import published
    from etl.errors import DataError
    shutil.copytree(ROOT / "data" / "published", tmp_path / "published")
    with open(tmp_path / "published" / "notes_vi.csv", "a", encoding="utf-8", newline="") as f:
        f.write("khong_co,Ghi chú lạc\r\n")
    with pytest.raises(DataError) as err:
        published.load(tmp_path / "published")
    assert "khong_co" in str(err.value) and "notes_vi.csv" in str(err.value) and "figure_id" in str(err.value)
