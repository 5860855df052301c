"""Files for the presenter: the shipped fonts made visible to Chromium and LibreOffice, the PPTX → PDF conversion
(LibreOffice headless), and writes that never leave a half-written file. The report module uses these too."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from etl.paths import ROOT

from .errors import DeckError

FONT_NAME = "Noto Sans"
FONT_DIR = ROOT / "fonts"


def font_config() -> Path | None:
    """A fontconfig file that adds the shipped fonts/ (Noto Sans, OFL) to the system's, for Chromium and LibreOffice."""
    if not FONT_DIR.is_dir():
        return None
    path = Path(tempfile.gettempdir()) / f"khuyencong-fonts-{os.getuid() if hasattr(os, 'getuid') else 0}.conf"
    text = ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
            '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
            f"  <dir>{xml_escape(str(FONT_DIR))}</dir>\n</fontconfig>\n")
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return path


def fonts_for_children() -> dict:
    """The environment for the browser and LibreOffice: the shipped fonts visible, unless the user chose a config."""
    conf = font_config()
    if conf and "FONTCONFIG_FILE" not in os.environ:
        os.environ["FONTCONFIG_FILE"] = str(conf)  # kaleido's Chromium inherits the environment
    return dict(os.environ)


def soffice() -> str | None:
    """LibreOffice's command, when it is installed with the parts that convert (tools.missing_tools decides)."""
    from .. import tools
    return None if tools.missing_tools("soffice") else (shutil.which("soffice") or shutil.which("libreoffice"))


def to_pdf(pptx: Path, pdf: Path, timeout: int = 300) -> None:
    """The deck's PDF, written atomically."""
    if not soffice():
        raise DeckError("deck_err_no_soffice")
    data = office_pdf(Path(pptx).read_bytes(), "deck.pptx", "pdf", timeout,
                      fail=lambda reason: DeckError("deck_err_pdf", reason=reason))
    atomic_write(pdf, data)


def office_pdf(data: bytes, name: str, convert_to: str, timeout: int, fail) -> bytes:
    """A document converted to PDF by LibreOffice headless, with its own throwaway profile (parallel runs don't
    collide) and the shipped fonts visible. `fail(reason)` is the error to raise: the deck and the report each
    speak their own."""
    exe = soffice()
    with tempfile.TemporaryDirectory(prefix="office-pdf-") as tmp:
        src = Path(tmp) / name
        src.write_bytes(data)
        cmd = [exe, f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", convert_to, "--outdir", tmp, str(src)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=fonts_for_children(),
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise fail(f"soffice > {timeout} s") from None
        out = src.with_suffix(".pdf")
        if done.returncode != 0 or not out.exists() or out.stat().st_size < 1000:
            reason = (done.stderr or done.stdout or f"exit {done.returncode}").strip().splitlines()[-1:] or ["?"]
            raise fail(reason[0][:200])
        return out.read_bytes()


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary name beside `path` and rename: a reader sees the old file or the whole new one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
