"""The programs outside Python that some exports need, and what to tell a user when one is missing.

Chromium draws PNG images of charts (kaleido, for the PNG buttons, the deck and the report), LibreOffice turns the
deck and the report into PDF, poppler's pdftoppm checks PDF pages in tests. `make run` installs them when it runs as
root (Debian); otherwise the pages say, in the user's language, what is missing and the command that adds it —
never a traceback. `python -m dashboard.tools` prints the same for the person at the terminal.
"""
from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from .i18n import t


@dataclass(frozen=True)
class Tool:
    name: str
    commands: tuple[str, ...]
    packages: tuple[str, ...]  # Debian packages
    needed_for_vi: str
    needed_for_en: str
    libraries: tuple[str, ...] = ()  # parts of the program that must be installed beside it


TOOLS = {
    "chromium": Tool("Chromium", ("chromium", "chromium-browser"), ("chromium", "fonts-noto-core"),
                     "ảnh PNG của biểu đồ, bản trình chiếu và biểu đồ trong báo cáo",
                     "PNG images of charts, the slide deck and the charts in the report"),
    "soffice": Tool("LibreOffice (Impress, Writer)", ("soffice", "libreoffice"),
                    ("libreoffice-impress-nogui", "libreoffice-writer-nogui"),
                    "bản PDF của bản trình chiếu và của báo cáo",
                    "the PDF of the slide deck and of the report",
                    libraries=("libsdlo.so", "libswlo.so")),  # Impress and Writer: soffice alone converts neither
    "pdftoppm": Tool("poppler (pdftoppm)", ("pdftoppm",), ("poppler-utils",),
                     "kiểm tra trang PDF trong bộ kiểm thử", "checking PDF pages in the test suite"),
}
APP_TOOLS = ("chromium", "soffice")  # what the pages need; pdftoppm only serves the tests


def chromium() -> str | None:
    """The browser kaleido will drive: $BROWSER_PATH when it is a program, else Chromium on the PATH."""
    env = os.environ.get("BROWSER_PATH")
    if env and os.path.isfile(env) and os.access(env, os.X_OK):
        return env
    return next(filter(None, map(shutil.which, TOOLS["chromium"].commands)), None)


def _present(key: str) -> bool:
    if key == "chromium":
        return chromium() is not None
    tool = TOOLS[key]
    exe = next(filter(None, map(shutil.which, tool.commands)), None)
    if not exe or not tool.libraries:
        return exe is not None
    program = Path(os.path.realpath(exe)).parent  # Debian: /usr/bin/soffice -> /usr/lib/libreoffice/program/soffice
    return all((program / lib).exists() for lib in tool.libraries)


def missing_tools(*keys: str) -> list[str]:
    """Which of `keys` (default: all of chromium, soffice, pdftoppm) are not installed, in that order."""
    return [k for k in (keys or tuple(TOOLS)) if not _present(k)]


def install_command(keys: list[str] | tuple[str, ...]) -> str:
    packages = [p for k in keys for p in TOOLS[k].packages]
    return "sudo apt-get install -y " + " ".join(dict.fromkeys(packages))


def advice(keys: list[str] | tuple[str, ...], lang: str, terminal: bool = False) -> str:
    """One paragraph (Markdown) saying what is missing, what it prevents, and the command that adds it; for a page,
    or (`terminal`) for the person running `make run`."""
    if not keys:
        return ""
    names = ", ".join(TOOLS[k].name for k in keys)
    needs = "; ".join(getattr(TOOLS[k], f"needed_for_{lang}") for k in keys)
    head = t("tools_missing_head", lang, names=names, needs=needs)
    return t("tools_missing_terminal" if terminal else "tools_missing_page", lang, head=head, cmd=install_command(keys))


class ToolError(RuntimeError):
    """An export that a missing or failing program cannot make; `vi` and `en` say why and what to do."""

    def __init__(self, vi: str, en: str):
        self.vi, self.en = vi, en
        super().__init__(f"{vi}\n{en}")

    def text(self, lang: str) -> str:
        return getattr(self, lang)


class ToolMissing(ToolError):
    def __init__(self, keys: list[str]):
        self.keys = list(keys)
        super().__init__(advice(self.keys, "vi"), advice(self.keys, "en"))


class ToolFailed(ToolError):
    """The program is there but gave no result (a crash, a sandbox refusal…); the reason is kept for the admin."""

    def __init__(self, key: str, reason: str):
        name, reason = TOOLS[key].name, " ".join(str(reason).split())[:200]
        super().__init__(f"{name} chạy nhưng không tạo được kết quả ({reason}). Hãy thử lại; nếu vẫn lỗi, báo người "
                         "quản trị máy chủ.",
                         f"{name} ran but produced nothing ({reason}). Try again; if it keeps failing, tell the "
                         "server's administrator.")


def require(*keys: str) -> None:
    missing = missing_tools(*keys)
    if missing:
        raise ToolMissing(missing)


def png_unavailable_note(lang: str) -> str:
    """One line beside a PNG button that cannot work here (the full advice is in the button's tooltip)."""
    return t("tools_no_png", lang, cmd=install_command(["chromium"]))


def notice(keys: tuple[str, ...] | list[str], lang: str) -> list[str]:
    """An info box on the page for whatever of `keys` is missing; returns what is missing."""
    missing = missing_tools(*keys)
    if missing:
        import streamlit as st
        st.info(advice(missing, lang), icon=":material/build:")
    return missing


def main(argv: list[str] | None = None) -> int:
    """Print what is missing and the command that adds it; exit 1 if something is. `--packages`: the Debian
    packages of what is missing, for `apt-get install` in the Makefile."""
    argv = sys.argv[1:] if argv is None else argv
    missing = missing_tools()
    if "--packages" in argv:
        print(" ".join(dict.fromkeys(p for k in missing for p in TOOLS[k].packages)))
        return 1 if missing else 0
    if missing and "--quiet" not in argv:
        for lang in ("vi", "en"):
            print("!! " + advice(missing, lang, terminal=True).replace("**", "").replace("`", ""))
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
