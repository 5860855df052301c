"""A user's own boundary file (GeoJSON, GeoPackage, Shapefile, …) of the 63 provinces or the 34 units, keyed by code
or by name in any spelling etl.names accepts; and the committed boundaries, for code that wants a GeoDataFrame."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Iterable

import geopandas as gpd
import shapely
from shapely.geometry import Polygon

from etl.names import UnknownProvince, fold, resolver

from .base import PROVINCES_63, BoundaryError, polygon_parts, polygonal
from .corrections import ARCHIPELAGOS

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
    gdf["geometry"] = [g if g.is_valid else polygonal(polygon_parts(shapely.make_valid(g)) or [Polygon()]) for g in gdf.geometry]
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
