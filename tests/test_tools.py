"""A server where Chromium and LibreOffice are missing (only `make run` was done, as a non-root user): every page
still works, says in the user's language what cannot be made and the command that adds it, and never shows a
traceback. The programs are hidden the way a bare machine hides them: PATH holds none of them."""
from __future__ import annotations

import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT

APP = str(ROOT / "app.py")


@pytest.fixture()
def bare_server(db_path, monkeypatch, tmp_path):
    monkeypatch.setenv("KHUYENCONG_DB", str(db_path))
    monkeypatch.setenv("PATH", str(tmp_path))  # no chromium, soffice, libreoffice or pdftoppm on it
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "chromium"))  # where kaleido would look: nothing there


def run(page: str, lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if lang == "en":
        at.query_params["lang"] = "en"
    at.switch_page(page)
    return at.run()


def texts(at: AppTest) -> str:
    return " ".join(e.value for kind in (at.info, at.error, at.caption, at.markdown, at.success) for e in kind)


EXPLAINS = {"vi": ("Máy chủ chưa cài Chromium", "sudo apt-get install -y chromium"),
            "en": ("Not installed on the server: Chromium", "sudo apt-get install -y chromium")}


def test_the_helper_names_what_is_missing(bare_server):
    from dashboard import tools
    assert tools.missing_tools() == ["chromium", "soffice", "pdftoppm"]
    assert "libreoffice-writer-nogui" in tools.install_command(["soffice"])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_deck_explains_what_is_missing_instead_of_a_traceback(bare_server, lang):
    at = run("pages/trinh_chieu.py", lang)
    assert not at.exception
    info = " ".join(i.value for i in at.info)
    assert all(s in info for s in EXPLAINS[lang]) and "libreoffice-impress-nogui" in info
    next(b for b in at.button if b.label in ("Tạo bản trình chiếu", "Build the deck")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    errors = " ".join(e.value for e in at.error)
    assert EXPLAINS[lang][0] in errors and EXPLAINS[lang][1] in errors
    assert "Traceback" not in texts(at)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_png_buttons_say_why_they_cannot_work(bare_server, lang):
    at = run("pages/tong_quan.py", lang)
    assert not at.exception
    pngs = [b for b in at.get("download_button") if b.proto.id and b.proto.label in ("Tải PNG", "PNG")]
    assert pngs and all(b.proto.disabled for b in pngs)
    assert all(EXPLAINS[lang][0] in b.proto.help for b in pngs)
    notes = [c.value for c in at.caption if "Chromium" in c.value]
    assert len(notes) == len(pngs) and all(EXPLAINS[lang][1] in n for n in notes)


def test_the_report_still_builds_and_says_what_it_left_out(bare_server):
    at = run("pages/bao_cao.py", "vi")
    assert not at.exception
    assert EXPLAINS["vi"][0] in " ".join(i.value for i in at.info)
    next(b for b in at.button if b.label == "Lập báo cáo").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success  # the Word file is there; its charts are said missing in Vietnamese, not as an exception name
    built = at.session_state["report"]["built"]
    assert built.pdf is None and built.info.missing_charts
    import io

    import docx
    body = "\n".join(p.text for p in docx.Document(io.BytesIO(built.docx)).paragraphs)
    assert "Biểu đồ chưa tạo được: máy chủ chưa cài Chromium" in body and "Error" not in body


def test_the_command_line_prints_the_advice_in_both_languages(tmp_path):
    done = subprocess.run([sys.executable, "-m", "dashboard.tools"], cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": str(tmp_path), "BROWSER_PATH": str(tmp_path / "none")})
    assert done.returncode == 1
    assert "Máy chủ chưa cài Chromium, LibreOffice (Impress, Writer), poppler (pdftoppm)" in done.stdout
    assert "Not installed on the server: Chromium" in done.stdout
    assert "sudo apt-get install -y chromium fonts-noto-core libreoffice-impress-nogui libreoffice-writer-nogui " \
           "poppler-utils" in done.stdout
