"""Command line: python -m etl build | check | geo … (python -m etl --help)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import DEFAULT_DB, BuildError, DataError


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
    except (DataError, BuildError) as e:
        print(f"LỖI / ERROR: {e}", file=sys.stderr)
        print("Cơ sở dữ liệu cũ (nếu có) được giữ nguyên. / The previous database (if any) is unchanged.", file=sys.stderr)
        return 2
    return 1


if __name__ == "__main__":
    sys.exit(main())
