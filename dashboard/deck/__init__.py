"""Conference deck: a 16:9 PowerPoint (and its PDF) of one region's or conference area's khuyến công figures for
one year, built from the warehouse so a presenter can show it unchanged.

    python -m dashboard.deck --area mien-trung-tay-nguyen --year 2017 -o deck.pptx --pdf deck.pdf
    python -m dashboard.deck --area vung/tay-nguyen --year 2025 -o tn.pptx --lang en
    python -m dashboard.deck --list

Slides: title; the nation; the area against the nation; provinces ranked; map; staffing; collaborators; changes
since the previous year; sources (which figures are demo, imported or published). Numbers in slide text use
dashboard/fmt.py, charts are static images (kaleido), text uses Noto Sans (fonts/, OFL). The PDF is the PPTX
converted by LibreOffice headless. Files are written to a temporary name and renamed when complete.

areas.py names the area, facts.py asks the warehouse, slides.py lays out the nine slides (layout.py is the house
style, figures.py their charts), pdf.py writes the files.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

if sys.argv[:1] == ["-m"]:  # imported by `python -m dashboard.deck` (runpy sets argv[0] to "-m" while it locates
    # __main__): cached queries outside `streamlit run` warn once per function, expected for the command line
    from streamlit.logger import set_log_level
    set_log_level("error")

from ..i18n import LANGS  # noqa: E402
from . import figures  # noqa: E402
from .areas import DEFAULT_AREA, GROUPINGS, Area, area_choices, area_key, area_label, resolve, years_text  # noqa: E402
from .errors import DeckError  # noqa: E402
from .facts import PREVIEW_COLS, Facts, gather, origin_of, origin_text, preview  # noqa: E402
from .layout import Slides  # noqa: E402
from .pdf import FONT_DIR, FONT_NAME, atomic_write, font_config, fonts_for_children, office_pdf, soffice, to_pdf  # noqa: E402
from .slides import DeckInfo, render  # noqa: E402

__all__ = ["DEFAULT_AREA", "FONT_DIR", "FONT_NAME", "GROUPINGS", "PREVIEW_COLS", "Area", "DeckError", "DeckInfo",
           "Facts", "Slides", "area_choices", "area_key", "area_label", "atomic_write", "build", "build_bytes",
           "figures", "file_stem", "font_config", "fonts_for_children", "gather", "main", "office_pdf", "origin_of", "origin_text",
           "preview", "render", "resolve", "soffice", "to_pdf", "years_text"]


def build(area: str, year: int, out: Path | str, pdf: Path | str | None = None, lang: str = "vi") -> DeckInfo:
    """Write the deck to `out` (and its PDF to `pdf`). Every check happens before anything is written."""
    if lang not in LANGS:
        raise DeckError("deck_err_lang", lang=lang)
    if pdf and not soffice():
        raise DeckError("deck_err_no_soffice")
    chosen = resolve(area, year)
    data, info = render(gather(chosen, int(year)), lang)
    atomic_write(Path(out), data)
    if pdf:
        to_pdf(Path(out), Path(pdf))
    return info


def build_bytes(area: str, year: int, lang: str = "vi", pdf: bool = True) -> tuple[bytes, bytes | None, DeckInfo]:
    """The deck as bytes (PPTX, and PDF when LibreOffice is installed), for the Present page's downloads."""
    if lang not in LANGS:
        raise DeckError("deck_err_lang", lang=lang)
    chosen = resolve(area, year)
    data, info = render(gather(chosen, int(year)), lang)
    pdf_bytes = None
    if pdf and soffice():
        with tempfile.TemporaryDirectory(prefix="deck-") as tmp:
            src, dst = Path(tmp) / "deck.pptx", Path(tmp) / "deck.pdf"
            src.write_bytes(data)
            to_pdf(src, dst)
            pdf_bytes = dst.read_bytes()
    return data, pdf_bytes, info


def file_stem(info: DeckInfo) -> str:
    stem = f"khuyen-cong_{info.area.group_id}_{info.year}_{info.lang}"
    return stem + ("_DU-LIEU-MINH-HOA_demo-data" if info.demo else "")


def main(argv: list[str] | None = None) -> int:
    """The command line (python -m dashboard.deck); see __main__.py."""
    from .__main__ import main as cli
    return cli(argv)
