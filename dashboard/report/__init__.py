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

import os
import subprocess
import tempfile
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
    _atomic_write(Path(out), data)
    if pdf:
        _atomic_write(Path(pdf), pdf_bytes)
    return info


def to_pdf_bytes(docx: bytes, timeout: int = 300) -> bytes:
    """LibreOffice Writer headless, with its own throwaway profile (parallel runs don't collide) and the fonts the
    deck uses visible."""
    from ..deck import font_config, soffice
    exe = soffice()
    if not exe:
        raise ReportError("report_err_no_soffice")
    env = dict(os.environ)
    conf = font_config()
    if conf and "FONTCONFIG_FILE" not in env:
        env["FONTCONFIG_FILE"] = str(conf)
    with tempfile.TemporaryDirectory(prefix="report-pdf-") as tmp:
        src = Path(tmp) / "bao-cao.docx"
        src.write_bytes(docx)
        cmd = [exe, f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", "pdf:writer_pdf_Export", "--outdir", tmp, str(src)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise ReportError("report_err_pdf", reason=f"soffice > {timeout} s") from None
        out = Path(tmp) / "bao-cao.pdf"
        if done.returncode != 0 or not out.exists() or out.stat().st_size < 1000:
            reason = (done.stderr or done.stdout or f"exit {done.returncode}").strip().splitlines()[-1:] or ["?"]
            raise ReportError("report_err_pdf", reason=reason[0][:200])
        return out.read_bytes()


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def file_stem(info: ReportInfo) -> str:
    key = info.scope.key.replace("/", "-") if info.scope.kind != "unit" else \
        info.scope.unit_name and _slug(info.scope.unit_name)
    return f"bao-cao-khuyen-cong_{key}_{info.year}" + ("_co-so-lieu-minh-hoa" if info.demo else "")


def _slug(name: str) -> str:
    from .facts import fold
    return "-".join(fold(name).replace("-", " ").split())
