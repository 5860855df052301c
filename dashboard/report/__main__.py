"""python -m dashboard.report --unit … --year … [--half] -o F.docx [--pdf [F.pdf]]"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __name__ == "__main__":  # cached queries outside `streamlit run` warn once per function; expected here
    from streamlit.logger import set_log_level
    set_log_level("error")

from ..tools import ToolError  # noqa: E402
from . import ReportError, build  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard.report",
        description="Draft the official khuyến công report (Word, optionally PDF) in the layout of Nghị định "
                    "30/2020/NĐ-CP. / Lập dự thảo báo cáo tình hình thực hiện công tác khuyến công (Word, PDF).",
        epilog="Scopes: 'nation'; a region or area as vung/<id> or kc_area/<id> (e.g. kc_area/phia-nam, vung/dbscl); "
               "a province or city by code, slug or name (63 provinces for years to 2024, 34 units from 2025). "
               "--half is refused: the warehouse holds yearly figures only. The database is "
               "data/khuyencong.duckdb or $KHUYENCONG_DB. The PDF needs LibreOffice Writer "
               "(apt-get install libreoffice-writer-nogui).")
    parser.add_argument("--unit", required=True, help="nation | vung/<id> | kc_area/<id> | a province's code or name")
    parser.add_argument("--year", required=True, help="e.g. 2024")
    parser.add_argument("--half", action="store_true", help="first half-year (refused: yearly figures only)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the .docx to write")
    parser.add_argument("--pdf", nargs="?", const=True, default=None,
                        help="also write the PDF (to this path, or beside the .docx)")
    parser.add_argument("--db", type=Path, help="the warehouse (default $KHUYENCONG_DB or data/khuyencong.duckdb)")
    args = parser.parse_args(argv)
    pdf = args.output.with_suffix(".pdf") if args.pdf is True else (Path(args.pdf) if args.pdf else None)
    try:
        info = build(args.unit, args.year, args.output, pdf, half=args.half, db=args.db)
    except ReportError as e:
        print(str(e), file=sys.stderr)
        return 2
    except ToolError as e:
        print(str(e).replace("**", "").replace("`", ""), file=sys.stderr)
        return 3
    print(f"{args.output}: {info.scope.name_vi}, {info.year} — {len(info.tables)} tables, {len(info.charts)} charts"
          + (f", {len(info.missing_charts)} charts missing" if info.missing_charts else "")
          + (" (có số liệu minh họa / demo figures marked *)" if info.demo else ""))
    if pdf:
        print(f"{pdf}: PDF")
    return 0


if __name__ == "__main__":
    sys.exit(main())
