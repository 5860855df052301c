"""python -m dashboard.deck: build a conference deck from the command line (--help for the manual)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard import queries
from dashboard.deck import DeckError, area_choices, area_label, build, years_text
from dashboard.i18n import LANGS
from dashboard.tools import ToolError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard.deck",
        description="Build a 16:9 conference deck (PowerPoint, optionally PDF) of one region's or conference area's "
                    "khuyến công figures for one year. / Tạo bản trình chiếu 16:9 cho một vùng hoặc khu vực.",
        epilog="Areas: kc_area/phia-bac, kc_area/mien-trung-tay-nguyen, kc_area/phia-nam, vung/tdmnpb, vung/dbsh, "
               "vung/btb-dhmt, vung/tay-nguyen, vung/dong-nam-bo, vung/dbscl (the part after / alone is enough). "
               "Years up to 2024 use the 63 provinces, 2025 the 34 units. The database is data/khuyencong.duckdb "
               "or $KHUYENCONG_DB. The PDF needs LibreOffice (apt-get install libreoffice-impress-nogui).")
    parser.add_argument("--area", help="group id, e.g. mien-trung-tay-nguyen, or grouping/group, e.g. vung/dbscl")
    parser.add_argument("--year", type=int, help="e.g. 2017")
    parser.add_argument("-o", "--output", type=Path, help="the .pptx to write")
    parser.add_argument("--pdf", type=Path, help="also write this PDF (LibreOffice headless)")
    parser.add_argument("--lang", default="vi", choices=LANGS, help="language of the slides (default vi)")
    parser.add_argument("--list", action="store_true", help="list the areas and years and exit")
    args = parser.parse_args(argv)
    try:
        if args.list:
            for key in area_choices():
                print(f"{key:34s} {area_label(key, 'vi')} / {area_label(key, 'en')}")
            print("years:", years_text(queries.years()))
            return 0
        if not (args.area and args.year and args.output):
            parser.error("--area, --year and -o/--output are required")
        info = build(args.area, args.year, args.output, args.pdf, args.lang)
    except DeckError as e:
        print(str(e), file=sys.stderr)
        return 2
    except ToolError as e:  # Chromium missing or failing: what to install, not a traceback
        print(str(e).replace("**", "").replace("`", ""), file=sys.stderr)
        return 3
    print(f"{args.output}: {len(info.titles)} slides — {info.area.name(args.lang)}, {info.year}"
          + (" (demo data)" if info.demo else ""))
    if args.pdf:
        print(f"{args.pdf}: PDF")
    return 0


if __name__ == "__main__":
    sys.exit(main())
