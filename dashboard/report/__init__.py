"""The official report: "Báo cáo tình hình thực hiện công tác khuyến công năm …" for a province (63 to 2024, 34 from
2025), a region or khuyến công area, or the nation, as a Word document in the layout of Nghị định 30/2020/NĐ-CP and
its PDF (LibreOffice headless, as for the deck), drafted from the warehouse.

    python -m dashboard.report --unit nation --year 2024 -o bc.docx --pdf bc.pdf
    python -m dashboard.report --unit "Quảng Nam" --year 2024 -o qn.docx
    python -m dashboard.report --unit kc_area/phia-nam --year 2025 -o pn.docx

A first-half-year report is refused: the warehouse holds yearly figures only, and a "6 tháng đầu năm" title over
yearly figures would state what no source says. Every number is Vietnamese-style and comes from the warehouse;
a number a demo row stands behind carries '*'. Nothing is written unless the whole request succeeds.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import ReportError
from .facts import Scope, Warehouse, gather, resolve

__all__ = ["ReportError", "ReportInfo", "Report", "build", "build_bytes", "to_pdf_bytes", "file_stem"]


@dataclass
class ReportInfo:
    scope: Scope
    year: int
    demo: bool
    tables: list[str]
    charts: list[str]
    missing_charts: list[str]


@dataclass
class Report:
    docx: bytes
    pdf: bytes | None
    info: ReportInfo


def _render(scope: str, year, half: bool, db) -> tuple[bytes, ReportInfo]:
    if half:
        raise ReportError("report_err_half", year=year)
    from .compose import compose  # python-docx and plotly only once the request is known to be good
    with Warehouse(db) as wh:
        s = resolve(wh, scope, year)
        facts = gather(wh, s, int(year))
    data, layout = compose(facts, half=False)
    return data, ReportInfo(s, int(year), layout.demo, layout.tables, layout.charts, layout.missing_charts)


def build_bytes(scope: str, year, half: bool = False, pdf: bool = True, db: Path | str | None = None) -> Report:
    """The report as bytes (and its PDF when LibreOffice is installed and pdf is asked), for the app's downloads."""
    data, info = _render(scope, year, half, db)
    from ..deck import soffice
    return Report(data, to_pdf_bytes(data) if pdf and soffice() else None, info)


def build(scope: str, year, out: Path | str, pdf: Path | str | None = None, half: bool = False,
          db: Path | str | None = None) -> ReportInfo:
    """Write the .docx to `out` (and the PDF to `pdf`); every check runs before anything is written."""
    from ..deck import soffice
    if pdf and not soffice():
        raise ReportError("report_err_no_soffice")
    data, info = _render(scope, year, half, db)
    pdf_bytes = to_pdf_bytes(data) if pdf else None
    from ..deck import atomic_write
    atomic_write(Path(out), data)
    if pdf:
        atomic_write(Path(pdf), pdf_bytes)
    return info


def to_pdf_bytes(docx: bytes, timeout: int = 300) -> bytes:
    """LibreOffice Writer headless, as for the deck (deck.office_pdf)."""
    from ..deck import office_pdf, soffice
    if not soffice():
        raise ReportError("report_err_no_soffice")
    return office_pdf(docx, "bao-cao.docx", "pdf:writer_pdf_Export", timeout,
                      fail=lambda reason: ReportError("report_err_pdf", reason=reason))


def file_stem(info: ReportInfo) -> str:
    key = info.scope.key.replace("/", "-") if info.scope.kind != "unit" else \
        info.scope.unit_name and _slug(info.scope.unit_name)
    return f"bao-cao-khuyen-cong_{key}_{info.year}" + ("_co-so-lieu-minh-hoa" if info.demo else "")


def _slug(name: str) -> str:
    from .facts import fold
    return "-".join(fold(name).replace("-", " ").split())
