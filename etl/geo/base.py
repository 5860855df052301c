"""What every boundary step shares: where the files are, the two errors, the reference geography, and the polygon
clean-up every layer goes through (valid, snapped to the output grid, RFC 7946 ring order)."""
from __future__ import annotations

import csv

import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon

from etl.paths import GEO_DIR, REFERENCE_DIR

PROVINCES_63 = GEO_DIR / "provinces_63.geojson"
PROVINCES_63_SIMPLIFIED = GEO_DIR / "provinces_63_simplified.geojson"
UNITS_34_SIMPLIFIED = GEO_DIR / "units_34_simplified.geojson"
REGIONS_SIMPLIFIED = GEO_DIR / "regions_simplified.geojson"
ATTRIBUTION = GEO_DIR / "ATTRIBUTION.md"
CORRECTIONS = GEO_DIR / "corrections.csv"

PRECISION = 1e-5  # output grid: 5 decimals (~1 m), far finer than the source quantisation (~80–160 m)
SLIVER_AREA = 1e-6  # deg² (~0.01 km²): polygon scraps left by make_valid on a self-crossing ring


class GeoBuildError(RuntimeError):
    """The source did not look as expected; nothing is written."""


class BoundaryError(ValueError):
    """A user boundary file cannot be used; the message is in Vietnamese and English."""


def read_reference(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def provinces() -> pd.DataFrame:
    """provinces.csv with the capital as a point column."""
    df = pd.DataFrame(read_reference("provinces.csv"))
    df["capital"] = [Point(float(x), float(y)) for x, y in zip(df.capital_lon, df.capital_lat)]
    return df.set_index("province_code", drop=False)


def polygon_parts(geom) -> list[Polygon]:
    """Polygon parts of any geometry (lines and points from make_valid are dropped)."""
    if geom is None or geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in polygon_parts(g)]
    return []


def polygonal(parts: list[Polygon]) -> Polygon | MultiPolygon:
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def repair(geom, fixes: list[str] | None = None, label: str = "") -> Polygon | MultiPolygon:
    """make_valid, keep polygon parts, drop zero-size scraps; records a fix when something changed."""
    if geom.is_valid:
        return geom
    reason = shapely.is_valid_reason(geom)
    kept = [p for p in polygon_parts(shapely.make_valid(geom)) if p.area >= SLIVER_AREA]
    fixed = polygonal(kept)
    if not fixed.is_valid:
        fixed = fixed.buffer(0)
    if fixes is not None:
        fixes.append(
            f"{label}: geometry invalid in the source ({reason}); repaired with shapely make_valid, "
            f"scraps under {SLIVER_AREA:g} deg² dropped (area {geom.area:.5f} → {fixed.area:.5f} deg²)."
        )
    return fixed


def clean(geom) -> Polygon | MultiPolygon:
    """Snap to the output grid, keep polygon parts, orient rings RFC 7946 style (exterior counter-clockwise)."""
    snapped = shapely.set_precision(geom, PRECISION)
    parts = [p for p in polygon_parts(snapped) if not p.is_empty]
    out = shapely.orient_polygons(polygonal(parts))
    if not out.is_valid:
        raise GeoBuildError(f"geometry invalid after snapping: {shapely.is_valid_reason(out)}")
    return out

