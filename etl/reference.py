"""Step 1: the reference tables from data/reference/, validated: the geography (codes, names, groupings, the 2025
crosswalk) and the national programme (its periods, their targets, the agency that runs it)."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

from .errors import DataError
from .inputs import read_csv_rows
from .paths import DATA
from .paths import rel as _rel

CODE = re.compile(r"^\d{2}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# What a programme target can be compared with: a column of v_period_totals (see etl/schema.sql).
TARGET_METRICS = {"kcqg_planned_mvnd", "kcqg_actual_mvnd", "total_planned_mvnd", "total_actual_mvnd", "projects",
                  "kcqg_projects", "kcqg_projects_mo_hinh_trinh_dien"}


def load(ref_dir: Path = DATA / "reference") -> dict[str, pd.DataFrame]:
    """All reference tables as DataFrames, or a DataError naming the file, row and column at fault."""
    provinces = _units(ref_dir / "provinces.csv", "province_code", 63,
                       ["name_vi", "unit_type", "name_ascii", "slug", "capital_vi", "capital_lat", "capital_lon"])
    for i, r in enumerate(provinces, start=2):
        for col, lo, hi in (("capital_lat", 8.0, 23.5), ("capital_lon", 102.0, 110.0)):
            try:
                v = float(r[col])
            except ValueError:
                raise DataError(_rel(ref_dir / "provinces.csv"), f"«{r[col]}» không phải là số",
                                f"«{r[col]}» is not a number", row=i, column=col) from None
            if not lo <= v <= hi:
                raise DataError(_rel(ref_dir / "provinces.csv"), f"{v} nằm ngoài Việt Nam ({lo}–{hi})",
                                f"{v} lies outside Vietnam ({lo}–{hi})", row=i, column=col)
    units = _units(ref_dir / "units_2025.csv", "unit_code", 34, ["name_vi", "unit_type", "name_ascii", "slug"])
    province_codes = {r["province_code"] for r in provinces}
    unit_codes = {r["unit_code"] for r in units}

    path = ref_dir / "reform_2025.csv"
    reform = read_csv_rows(path, ["province_code", "unit_code", "source_id"])
    seen: set[str] = set()
    for i, r in enumerate(reform, start=2):
        _known(path, i, "province_code", r["province_code"], province_codes)
        _known(path, i, "unit_code", r["unit_code"], unit_codes)
        if r["province_code"] in seen:
            raise DataError(_rel(path), f"tỉnh {r['province_code']} xuất hiện hai lần",
                            f"province {r['province_code']} appears twice", row=i, column="province_code")
        seen.add(r["province_code"])
    _complete(path, "province_code", seen, province_codes)
    _complete(path, "unit_code", {r["unit_code"] for r in reform}, unit_codes)

    groupings = read_csv_rows(ref_dir / "groupings.csv", ["grouping_id", "era", "name_vi", "name_en", "source_id", "note"])
    path = ref_dir / "groups.csv"
    groups = read_csv_rows(path, ["grouping_id", "group_id", "sort_order", "name_vi", "name_en"])
    group_keys = {(g["grouping_id"], g["group_id"]) for g in groups}
    path = ref_dir / "group_members.csv"
    members = read_csv_rows(path, ["grouping_id", "era", "group_id", "member_code"])
    placed: dict[tuple[str, str], set[str]] = {}
    for i, r in enumerate(members, start=2):
        if (r["grouping_id"], r["group_id"]) not in group_keys:
            raise DataError(_rel(path), f"nhóm «{r['grouping_id']}/{r['group_id']}» không có trong groups.csv",
                            f"group «{r['grouping_id']}/{r['group_id']}» is not in groups.csv", row=i, column="group_id")
        valid = province_codes if r["era"] == "63" else unit_codes
        _known(path, i, "member_code", r["member_code"], valid)
        key = (r["grouping_id"], r["era"])
        if r["member_code"] in placed.setdefault(key, set()):
            raise DataError(_rel(path), f"{r['member_code']} thuộc hai nhóm của cùng một cách phân nhóm",
                            f"{r['member_code']} is in two groups of the same grouping", row=i, column="member_code")
        placed[key].add(r["member_code"])
    for (gid, era), codes in placed.items():
        _complete(path, f"member_code ({gid}, era {era})", codes, province_codes if era == "63" else unit_codes)

    aliases = _aliases(ref_dir / "province_aliases.csv", province_codes, unit_codes)
    periods = _programme_periods(ref_dir / "programme_periods.csv")
    targets = read_csv_rows(ref_dir / "programme_targets.csv", ["period_id", "figure_id", "warehouse_metric", "note"])
    period_ids = {r["period_id"] for r in periods}
    for i, r in enumerate(targets, start=2):
        _known(ref_dir / "programme_targets.csv", i, "period_id", r["period_id"], period_ids)
        if r["warehouse_metric"] and r["warehouse_metric"] not in TARGET_METRICS:
            _known(ref_dir / "programme_targets.csv", i, "warehouse_metric", r["warehouse_metric"], TARGET_METRICS)
    agencies = _agency_names(ref_dir / "agency_names.csv")
    frames = {
        "province": provinces, "unit_2025": units, "reform_2025": reform, "grouping": groupings,
        "grouping_group": groups, "grouping_member": members, "province_alias": aliases,
        "programme_period": periods, "programme_target_ref": targets, "agency_name": agencies,
    }
    out = {k: pd.DataFrame(v) for k, v in frames.items()}
    for col in ("sort_order", "year_from", "year_to"):
        out["programme_period"][col] = out["programme_period"][col].astype(int)
    out["agency_name"]["sort_order"] = out["agency_name"]["sort_order"].astype(int)
    for frame in ("programme_period", "agency_name"):  # an empty cell is unknown (NULL), not a name or source ''
        out[frame] = out[frame].replace("", None)
    for frame, cols in (("programme_period", ["decided_on"]), ("agency_name", ["known_from", "last_attested"])):
        for col in cols:
            out[frame][col] = pd.to_datetime(out[frame][col].replace("", None)).dt.date
    out["province"]["capital_lat"] = out["province"]["capital_lat"].astype(float)
    out["province"]["capital_lon"] = out["province"]["capital_lon"].astype(float)
    out["grouping_group"]["sort_order"] = out["grouping_group"]["sort_order"].astype(int)
    for col in ("valid_from", "valid_to"):
        out["province_alias"][col] = pd.array([int(v) if v else None for v in out["province_alias"][col]], dtype="Int64")
    return out


def _aliases(path: Path, province_codes: set[str], unit_codes: set[str]) -> list[dict[str, str]]:
    """Spellings and retired names; valid_from/valid_to are inclusive report years (blank: the whole era), and must
    lie inside the alias's era so that a name never reaches across the 2025 reform."""
    rows = read_csv_rows(path, ["era", "alias", "code", "valid_from", "valid_to", "why"])
    eras = {"63": (province_codes, 2000, 2024), "34": (unit_codes, 2025, 2100)}
    seen: set[tuple[str, str]] = set()
    for i, r in enumerate(rows, start=2):
        if r["era"] not in eras:
            raise DataError(_rel(path), f"kỷ «{r['era']}» phải là 63 hoặc 34", f"era «{r['era']}» must be 63 or 34",
                            row=i, column="era")
        codes, lo, hi = eras[r["era"]]
        _known(path, i, "code", r["code"], codes)
        years = {}
        for col in ("valid_from", "valid_to"):
            if r[col] and not (re.fullmatch(r"\d{4}", r[col]) and lo <= int(r[col]) <= hi):
                raise DataError(_rel(path), f"«{r[col]}» phải là một năm {lo}–{hi} hoặc để trống",
                                f"«{r[col]}» must be a year {lo}–{hi} or blank", row=i, column=col)
            years[col] = int(r[col]) if r[col] else None
        if None not in years.values() and years["valid_from"] > years["valid_to"]:
            raise DataError(_rel(path), "valid_from sau valid_to", "valid_from is after valid_to", row=i,
                            column="valid_from")
        key = (r["era"], unicodedata.normalize("NFC", r["alias"]).casefold())
        if key in seen:
            raise DataError(_rel(path), f"tên «{r['alias']}» lặp lại trong kỷ {r['era']}",
                            f"alias «{r['alias']}» repeats in era {r['era']}", row=i, column="alias")
        seen.add(key)
    return rows


def _units(path: Path, code_col: str, expected: int, cols: list[str]) -> list[dict[str, str]]:
    rows = read_csv_rows(path, [code_col, *cols])
    rel = _rel(path)
    seen: set[str] = set()
    for i, r in enumerate(rows, start=2):
        code = r[code_col]
        if not CODE.match(code):
            raise DataError(rel, f"mã «{code}» phải gồm đúng 2 chữ số (ví dụ 01)",
                            f"code «{code}» must be exactly 2 digits (e.g. 01)", row=i, column=code_col)
        if code in seen:
            raise DataError(rel, f"mã {code} bị trùng", f"code {code} is duplicated", row=i, column=code_col)
        seen.add(code)
        if not r["name_vi"]:
            raise DataError(rel, "tên trống", "name is empty", row=i, column="name_vi")
        r["name_vi"] = unicodedata.normalize("NFC", r["name_vi"])
    if len(rows) != expected:
        raise DataError(rel, f"cần đúng {expected} đơn vị, có {len(rows)}",
                        f"expected exactly {expected} units, found {len(rows)}")
    return rows


def _known(path: Path, row: int, col: str, value: str, valid: set[str]) -> None:
    if value not in valid:
        raise DataError(_rel(path), f"mã «{value}» không có trong danh mục", f"code «{value}» is not in the reference list",
                        row=row, column=col)


def _complete(path: Path, col: str, present: set[str], valid: set[str]) -> None:
    missing = sorted(valid - present)
    if missing:
        raise DataError(_rel(path), f"thiếu các mã: {', '.join(missing)}", f"codes missing: {', '.join(missing)}",
                        column=col)


def programme_targets(ref: dict[str, pd.DataFrame], figures: pd.DataFrame,
                      ref_dir: Path = DATA / "reference") -> pd.DataFrame:
    """Each period's targets, with value, unit and source taken from the published figure it names — the number
    lives once, in data/published/figures.csv, beside its quote."""
    path = ref_dir / "programme_targets.csv"
    targets = ref["programme_target_ref"]
    known = figures.set_index("figure_id")
    for i, r in enumerate(targets.itertuples(), start=2):
        if r.figure_id not in known.index:
            raise DataError(_rel(path), f"số liệu «{r.figure_id}» không có trong figures.csv",
                            f"figure «{r.figure_id}» is not in figures.csv", row=i, column="figure_id")
        if known.loc[r.figure_id, "topic"] != "target":
            raise DataError(_rel(path), f"số liệu «{r.figure_id}» không phải là mục tiêu (topic = target)",
                            f"figure «{r.figure_id}» is not a target (topic = target)", row=i, column="figure_id")
    cols = ["figure_id", "source_id", "measure", "value", "unit", "qualifier", "value_text"]
    return targets.merge(figures[cols], on="figure_id", how="left")


def _programme_periods(path: Path) -> list[dict[str, str]]:
    rows = read_csv_rows(path, ["period_id", "sort_order", "name_vi", "name_en", "year_from", "year_to", "legal_basis",
                                "decided_on", "decided_by", "source_id", "quote", "note"])
    rel = _rel(path)
    spans = []
    for i, r in enumerate(rows, start=2):
        for col in ("sort_order", "year_from", "year_to"):
            if not r[col].isdigit():
                raise DataError(rel, f"«{r[col]}» không phải là số nguyên", f"«{r[col]}» is not a whole number",
                                row=i, column=col)
        if int(r["year_from"]) > int(r["year_to"]):
            raise DataError(rel, "năm bắt đầu sau năm kết thúc", "the period starts after it ends", row=i,
                            column="year_from")
        _date_or_empty(rel, i, "decided_on", r["decided_on"])
        for col in ("source_id", "quote", "legal_basis"):
            if not r[col]:
                raise DataError(rel, "ô bắt buộc đang trống", "a required cell is empty", row=i, column=col)
        spans.append((int(r["year_from"]), int(r["year_to"]), i))
    spans.sort()
    for (_, end, _), (start, _, row) in zip(spans, spans[1:]):
        if start <= end:  # a year belongs to one programme, or period totals would count it twice
            raise DataError(rel, "hai giai đoạn chồng lên nhau", "two periods overlap", row=row, column="year_from")
    return rows


def _agency_names(path: Path) -> list[dict[str, str]]:
    rows = read_csv_rows(path, ["agency_id", "sort_order", "name_vi", "name_en", "known_from", "known_from_basis",
                                "last_attested", "source_id", "quote", "note"])
    rel = _rel(path)
    for i, r in enumerate(rows, start=2):
        _date_or_empty(rel, i, "known_from", r["known_from"])
        _date_or_empty(rel, i, "last_attested", r["last_attested"])
        if r["known_from_basis"] not in {"", "legal", "attested"}:
            raise DataError(rel, "chọn «legal» (văn bản pháp luật) hoặc «attested» (nguồn có ghi ngày)",
                            "use «legal» (a legal text) or «attested» (a dated source)", row=i, column="known_from_basis")
        if r["known_from"] and not (r["known_from_basis"] and r["source_id"] and r["quote"]):
            raise DataError(rel, "một ngày phải có căn cứ, nguồn và trích dẫn", "a date needs its basis, source and quote",
                            row=i, column="known_from")
        r["name_vi"] = unicodedata.normalize("NFC", r["name_vi"])
    return rows


def _date_or_empty(rel: str, row: int, col: str, value: str) -> None:
    if value and not ISO_DATE.match(value):
        raise DataError(rel, f"«{value}» không phải ngày dạng YYYY-MM-DD", f"«{value}» is not a YYYY-MM-DD date",
                        row=row, column=col)


# ---------------------------------------------------------------- denominators: administrative counts, population

ADMIN_SNAPSHOT = "admin_counts_vietnamadminunits.csv"
ADMIN_SOURCE = "pypi-vietnamadminunits"


def vietnamadminunits_counts() -> pd.DataFrame:
    """District and commune counts per unit as the PyPI package `vietnamadminunits` ships them (its bundled
    dataset: the 63 provinces before 1/7/2025 and the 34 units after). The build reads the snapshot of this in
    data/reference/ (so it never depends on the package); tests compare the snapshot with the installed package."""
    import sqlite3
    from importlib.resources import files

    db = files("vietnamadminunits") / "data" / "dataset.db"
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        legacy = con.execute("SELECT provinceCode, count(DISTINCT districtCode), count(DISTINCT wardCode) "
                             "FROM admin_units_legacy GROUP BY 1 ORDER BY 1").fetchall()
        new = con.execute("SELECT provinceCode, count(DISTINCT wardCode) FROM admin_units GROUP BY 1 ORDER BY 1").fetchall()
    finally:
        con.close()
    rows = [{"era": "63", "unit_code": c, "districts": d, "communes": w} for c, d, w in legacy]
    rows += [{"era": "34", "unit_code": c, "districts": None, "communes": w} for c, w in new]
    return pd.DataFrame(rows, columns=["era", "unit_code", "districts", "communes"]).astype(
        {"districts": "Int64", "communes": "Int64"})


def admin_counts(curated: pd.DataFrame, ref_dir: Path = DATA / "reference") -> pd.DataFrame:
    """admin_count: official district and commune counts per unit, with the year each count holds for.

    Pre-reform provinces: the curated January 2025 counts (GSO list of 4/1/2025, PROVINCE_FIGURES.csv). Where the
    package `vietnamadminunits` disagrees, the package's count is used and the curated one kept beside it: the
    national total the government published for the same date (10.035 communes, pf488) is the package's sum, not
    the GSO export's (10.051) — the export still lists communes merged on 1/1/2025. From 2025 the 34 units have no
    district level (NULL) and their communes are the new ones (the package's counts add up to the published 3.321)."""
    path = ref_dir / ADMIN_SNAPSHOT
    snap = read_csv_rows(path, ["era", "unit_code", "districts", "communes"])
    pkg = {(r["era"], r["unit_code"]): r for r in snap}
    rows = []
    ref_rows = curated[(curated.scope == "province") & curated.measure.isin(["ref.districts_total", "ref.communes_total"])]
    by_code: dict[str, dict] = {}
    for r in ref_rows.itertuples():
        d = by_code.setdefault(r.scope_key, {"source_id": r.source_id, "year": int(r.year)})
        d[r.measure.split(".")[1]] = int(r.value)
    for code, d in sorted(by_code.items()):
        p = pkg.get(("63", code))
        if p is None:
            raise DataError(_rel(path), f"không có số đếm cho tỉnh {code}", f"no count for province {code}",
                            column="unit_code")
        districts, communes, source = d["districts_total"], d["communes_total"], d["source_id"]
        if int(p["districts"]) != districts or int(p["communes"]) != communes:
            districts, communes, source = int(p["districts"]), int(p["communes"]), ADMIN_SOURCE
        rows.append({"era": "63", "province_code": code, "year_of_count": d["year"], "districts": districts,
                     "communes": communes, "source_id": source, "districts_curated": d["districts_total"],
                     "communes_curated": d["communes_total"]})
    for (era, code), p in sorted(pkg.items()):
        if era == "34":
            rows.append({"era": "34", "province_code": code, "year_of_count": 2025, "districts": None,
                         "communes": int(p["communes"]), "source_id": ADMIN_SOURCE, "districts_curated": None,
                         "communes_curated": None})
    out = pd.DataFrame(rows)
    for col in ("districts", "communes", "districts_curated", "communes_curated", "year_of_count"):
        out[col] = out[col].astype("Int64")
    return out


_POPULATION_SCALE = {"người": 1, "nghìn người": 1_000, "triệu người": 1_000_000}
POPULATION_COLUMNS = ["era", "province_code", "year", "population", "source_id", "confirmed", "pf_id", "value_text",
                      "qualifier", "quote", "url"]
SOURCED_POPULATION = "population.csv"  # in data/published/: figures found beyond the research CSV, each with its snapshot
SNAPSHOT_DIR = "snapshot/population"


def vn_count(text: str) -> float:
    """A count as Vietnamese writes it: '.' groups thousands, ',' is the decimal mark ("1.865.270", "13,6",
    "1506331"). Raises ValueError for anything else, so that an English-style "4,491,408" is never misread."""
    if not re.fullmatch(r"\d{1,3}(\.\d{3})*(,\d+)?|\d+(,\d+)?", text):
        raise ValueError(text)
    return float(text.replace(".", "").replace(",", "."))


def populations(curated: pd.DataFrame, pub_dir: Path = DATA / "published") -> pd.DataFrame:
    """population: one row per population figure, in people, for the 63 provinces (era 63) and the 34 units of
    1/7/2025 (era 34). From the curated research rows (confirmed where the source is not a repost) and from
    data/published/population.csv (confirmed as that file says). Only confirmed exact counts feed per-capita
    figures; an unconfirmed row is kept so that a disagreement between sources stays visible."""
    rows = []
    for r in curated[curated.measure == "ref.population"].itertuples():
        if r.unit not in _POPULATION_SCALE:
            raise DataError("data/published/province_figures.csv", f"đơn vị dân số «{r.unit}» không rõ",
                            f"population unit «{r.unit}» is unknown", row=None, column="unit")
        people = round(float(r.value) * _POPULATION_SCALE[r.unit])  # 1029,4 nghìn → 1.029.400: exact, not rounded
        rows.append({"era": "63", "province_code": r.scope_key, "year": int(r.year), "population": people,
                     "source_id": r.source_id, "confirmed": r.confirmation == "primary", "pf_id": r.pf_id,
                     "value_text": r.value_text, "qualifier": r.qualifier or "exact", "quote": r.quote, "url": r.url})
    rows += [{k: v for k, v in r.items() if k in POPULATION_COLUMNS} for r in sourced_populations(pub_dir)]
    # The 11 units the reform left whole and alone (Nghị quyết 202/2025/QH15: "11 tỉnh, thành phố không thực hiện
    # sắp xếp") are the same territory as their province: a confirmed count of the province also counts the unit.
    alone = _unchanged_units(pub_dir.parent / "reference")
    rows += [{**r, "era": "34", "province_code": alone[r["province_code"]]} for r in list(rows)
             if r["era"] == "63" and r["confirmed"] and r["qualifier"] == "exact" and r["province_code"] in alone]
    out = pd.DataFrame(rows, columns=POPULATION_COLUMNS)
    return out.astype({"year": "Int64", "population": "Int64", "confirmed": bool})


def _unchanged_units(ref_dir: Path) -> dict[str, str]:
    """Province code → unit code for the provinces that alone make a unit of 2025 (reform_2025.csv)."""
    by_unit: dict[str, list[str]] = {}
    for r in read_csv_rows(ref_dir / "reform_2025.csv", ["province_code", "unit_code"]):
        by_unit.setdefault(r["unit_code"], []).append(r["province_code"])
    return {codes[0]: unit for unit, codes in by_unit.items() if len(codes) == 1}


def sourced_populations(pub_dir: Path = DATA / "published") -> list[dict]:
    """The rows of data/published/population.csv, validated: a known unit of its era, the number found as written
    in its quote, the quote found in its snapshot (data/published/snapshot/population/), a confirmed row an exact
    count. Each row also carries its source (URL and publisher from the snapshot's header)."""
    path = pub_dir / SOURCED_POPULATION
    rows = read_csv_rows(path, ["pop_id", "era", "unit_code", "unit_name", "year", "value_text", "unit", "qualifier",
                                "confirmed", "snapshot", "quote", "reliability", "note"])
    ref = pub_dir.parent / "reference"
    codes = {"63": {r["province_code"] for r in read_csv_rows(ref / "provinces.csv", ["province_code"])},
             "34": {r["unit_code"] for r in read_csv_rows(ref / "units_2025.csv", ["unit_code"])}}
    rel, out, seen = _rel(path), [], set()
    for i, r in enumerate(rows, start=2):
        def bad(column: str, vi: str, en: str):
            return DataError(rel, vi, en, row=i, column=column)
        if r["pop_id"] in seen:
            raise bad("pop_id", f"mã «{r['pop_id']}» bị trùng", f"id «{r['pop_id']}» is duplicated")
        seen.add(r["pop_id"])
        if r["era"] not in codes:
            raise bad("era", f"kỷ «{r['era']}» phải là 63 hoặc 34", f"era «{r['era']}» must be 63 or 34")
        _known(path, i, "unit_code", r["unit_code"], codes[r["era"]])
        if not re.fullmatch(r"\d{4}", r["year"]):
            raise bad("year", f"«{r['year']}» không phải một năm", f"«{r['year']}» is not a year")
        if r["unit"] not in _POPULATION_SCALE:
            raise bad("unit", f"đơn vị dân số «{r['unit']}» không rõ", f"population unit «{r['unit']}» is unknown")
        try:
            people = round(vn_count(r["value_text"]) * _POPULATION_SCALE[r["unit"]])
        except ValueError:
            raise bad("value_text", f"«{r['value_text']}» không phải số viết kiểu Việt Nam (1.234.567)",
                      f"«{r['value_text']}» is not a number in Vietnamese writing (1.234.567)") from None
        if r["value_text"] not in r["quote"]:
            raise bad("value_text", f"«{r['value_text']}» không có trong câu trích",
                      f"«{r['value_text']}» is not in the quote")
        if r["confirmed"] not in ("true", "false"):
            raise bad("confirmed", "phải là true hoặc false", "must be true or false")
        confirmed = r["confirmed"] == "true"
        if confirmed and r["qualifier"] != "exact":
            raise bad("qualifier", "số đã xác nhận phải là số chính xác", "a confirmed count must be exact")
        snap = pub_dir / SNAPSHOT_DIR / r["snapshot"]
        if not snap.is_file():
            raise bad("snapshot", f"không có bản lưu «{r['snapshot']}»", f"no snapshot «{r['snapshot']}»")
        text = snap.read_text(encoding="utf-8")
        if " ".join(r["quote"].split()) not in " ".join(text.split()):
            raise bad("quote", f"câu trích không có trong bản lưu {r['snapshot']}",
                      f"the quote is not in the snapshot {r['snapshot']}")
        head = dict(line.split(": ", 1) for line in text.splitlines()[:2] if ": " in line)
        out.append({"era": r["era"], "province_code": r["unit_code"], "year": int(r["year"]), "population": people,
                    "source_id": f"pop-{snap.stem}", "confirmed": confirmed, "pf_id": r["pop_id"],
                    "value_text": r["value_text"], "qualifier": r["qualifier"], "quote": r["quote"],
                    "url": head.get("URL", ""), "publisher": head.get("Publisher", ""),
                    "snapshot": f"data/published/{snap.relative_to(pub_dir).as_posix()}",  # same wherever data/ is
                    "reliability": r["reliability"], "note": r["note"]})
    return out


def population_sources(pub_dir: Path = DATA / "published") -> pd.DataFrame:
    """The source rows (source table's shape) of data/published/population.csv: one per snapshot."""
    seen: dict[str, dict] = {}
    for r in sourced_populations(pub_dir):
        seen.setdefault(r["source_id"], {
            "source_id": r["source_id"], "kind": "web", "title": r["publisher"].split(",")[0],
            "publisher": r["publisher"], "published": "", "location": r["url"],
            "licence_note": f"quoted for reference; text kept in {r['snapshot']}"})
    return pd.DataFrame(list(seen.values()), columns=["source_id", "kind", "title", "publisher", "published",
                                                      "location", "licence_note"])
