"""Curation of the research team's PROVINCE_FIGURES.csv (snapshot) into data/published/province_figures.csv.

Run `python -m etl.curate` after refreshing the snapshot; review the diff. Each row keeps the source's sentence and
the number exactly as written there (`value_text`, found in the quote); `value` is that text read the Vietnamese way
("27.708 triệu" = 27708, "1,5 tỷ" = 1500 triệu) or, in an English quote, the English way ("VND1.4 billion" = 1400).
Nothing is guessed silently: what the row leaves open (counterpart funds, plan or actual, an inferred year, an
undated article, a repost) is written into `flags`.
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from .names import UnknownProvince, province_code
from .paths import DATA
from .published import amounts_in

SNAPSHOT_CSV = DATA / "published/snapshot/research/PROVINCE_FIGURES.csv"
OUT = DATA / "published/province_figures.csv"
FIXES = DATA / "published/province_figures_fixes.csv"  # corrections kept as data, each with why
COLUMNS = ["pf_id", "scope", "scope_key", "scope_name", "year", "year_to", "period", "year_as_written",
           "measure", "measure_as_written", "value", "unit", "qualifier", "value_text", "flags", "reliability",
           "confirmation", "published", "url", "quote", "use", "demo_target", "note"]

# What makes a row unfit to stand as a unit's own figure, or as a calibration target of the model's measures
NOT_A_FACT = {"plan_or_actual_unclear", "proposed_not_approved", "estimate", "partial_period", "first_tranche_only",
              "includes_counterpart_funds", "counterpart_funds_unclear", "counterpart_funds_likely_included",
              "programme_envelope", "programme_period", "year_not_stated", "district_not_province",
              "from_multi_year_plan", "year_inferred", "misprint_in_source"}
FACT_MEASURES = {"budget.kcqg.planned", "budget.kcqg.actual", "budget.kcdp.planned", "budget.kcdp.actual"}
# Counts the model holds per unit and year (đề án by fund, district collaborators): a province's own count for one
# year, written exactly, is shown as the province's figure (origin 'published'), as a budget amount is
COUNT_FACT_MEASURES = {"projects.count.kcqg", "projects.count.kcdp", "projects.count.all", "collab.district_people"}
HEADCOUNTS = {"collab.district_people"}  # a number of people at a time: over a span of years it is no sum
TARGET_MEASURES = FACT_MEASURES | COUNT_FACT_MEASURES | {"budget.total.planned", "budget.total.actual"}
FIRST, LAST = 2013, 2025
# People trained and establishments supported: facts only (a unit's own figure for one year); the demo does not
# generate them, so a multi-year or regional figure has nothing to be a target for and stays shown, not modelled.
OUTREACH_MEASURES = {"training.people", "support.establishments"}

MONEY = {"tỷ đồng", "tỉ đồng", "triệu đồng", "VND billion", "VND million"}
MEASURE = {  # the research vocabulary → the model's measures (budget.<fund>.<status>, projects.count.<fund>, …)
    "KCQG_plan": "budget.kcqg.planned", "KCĐP_plan": "budget.kcdp.planned",
    "KCQG_actual": "budget.kcqg.actual", "KCĐP_actual": "budget.kcdp.actual",
    "total_plan": "budget.total.planned", "total_plan (KCQG+KCĐP)": "budget.total.planned",
    "total_actual": "budget.total.actual", "total_state_support": "budget.total.unclear",
    "total_state_support_approved": "budget.total.planned", "total_state_budget": "budget.total.unclear",
    "KCQG_approved": "budget.kcqg.planned", "KCQG_actually_allocated": "budget.kcqg.allocated",
    "n_de_an_total": "projects.count.all", "n_de_an_KCQG": "projects.count.kcqg",
    "n_de_an_KCĐP": "projects.count.kcdp", "n_de_an_KCĐP_approved": "projects.count.kcdp",
    "collaborators_district": "collab.district_people", "trained_workers": "training.people",
    "trained_workers_KCQG": "training.people.kcqg", "trained_workers_KCĐP": "training.people.kcdp",
    "n_districts": "ref.districts_total", "n_communes": "ref.communes_total",
    "population": "ref.population", "population_thousand": "ref.population",
    "n_facilities_supported_machinery": "support.establishments", "n_facilities_benefited": "support.establishments",
    "n_facilities_supported_KCQG": "support.establishments.kcqg",
}
REGIONS = {"Miền Trung–Tây Nguyên (15 tỉnh)": "kc_area/mien-trung-tay-nguyen", "Khu vực phía Nam": "kc_area/phia-nam",
           "Khu vực phía Bắc": "kc_area/phia-bac"}
QUALIFIER = [("(hơn)", "over"), ("(trên)", "over"), ("more than", "over"), ("(over)", "over"), ("(gần)", "nearly"),
             ("(nearly)", "nearly"), ("(khoảng)", "about")]


def _year(text: str) -> tuple[str, str, str, list[str]]:
    """(year, year_to, period, flags) from the research note's year column."""
    flags = []
    t = text.strip()
    if "inferred" in t or "omitted" in t:
        flags.append("year_inferred")
    if t.startswith("undated") or t.startswith("cumulative") or t.startswith("typical") or t.startswith("5-year"):
        flags.append("year_not_stated")
        return "", "", "undated", flags
    if m := re.match(r"(\d{4})-(\d{2})-(\d{2})", t):  # a data date (unit lists of 4/1/2025)
        return m.group(1), m.group(1), "date", flags
    m = re.match(r"(\d{4})\s*-\s*(?:(9M|H1 )\s*)?(\d{4})", t)
    if m:
        period = "multi"
        if m.group(2) or "to 7/2025" in t or "to 6/2025" in t:
            period = "multi_partial"
            flags.append("partial_period")
        if "programme" in t or "plan" in t or "target" in t:
            flags.append("programme_period")
        return m.group(1), m.group(3), period, flags
    m = re.search(r"(\d{4})", t) if t.startswith("early ") else re.match(r"(\d{4})", t)
    if not m:
        if t.startswith("to "):
            flags.append("year_not_stated")
            return "", "", "undated", flags
        raise ValueError(f"unreadable year {text!r}")
    y = m.group(1)
    if "7 months" in t:
        return y, y, "7M", flags + ["partial_period"]
    if "9 months" in t:
        return y, y, "9M", flags + ["partial_period"]
    if "(H1)" in t:
        return y, y, "H1", flags + ["partial_period"]
    if "partial" in t:
        return y, y, "partial", flags + ["partial_period"]
    if "đợt" in t:
        return y, y, "tranche", flags + ["first_tranche_only"]
    return y, y, "year", flags


def _flags(r: dict) -> list[str]:
    m, unit = r["measure"], r["unit_as_written"]
    out = []
    if "(unclear)" in m:
        out.append("counterpart_funds_unclear")
    if "(likely)" in m:
        out.append("counterpart_funds_likely_included")
    if "incl_counterpart" in m or m.startswith("programme_total_incl") or m == "total_plan_incl_counterpart":
        out.append("includes_counterpart_funds")
    if "programme_envelope" in m or m.startswith("programme_"):
        out.append("programme_envelope")
    if "(proposed)" in m or "proposal" in m:
        out.append("proposed_not_approved")
    if "(estimate)" in m:
        out.append("estimate")
    if "partial" in m:
        out.append("partial_period")
    if "tranche" in m:
        out.append("first_tranche_only")
    if "(multi-year plan)" in m:
        out.append("from_multi_year_plan")
    if MEASURE.get(m, "").endswith(".unclear") or m in ("total_support", "total_support_machinery"):
        out.append("plan_or_actual_unclear")
    if "printed" in unit:
        out.append("misprint_in_source")
    if r["scope"] == "district":
        out.append("district_not_province")
    return out


def _confirmation(r: dict, rows: list[dict]) -> str:
    """A repost stands only where a non-repost row states the same figure for the same unit and year."""
    if "confirm before use" not in r["reliability"]:
        return "primary"
    for o in rows:
        if (o is not r and "confirm before use" not in o["reliability"] and o["scope_name"] == r["scope_name"]
                and MEASURE.get(o["measure"]) == MEASURE.get(r["measure"]) and o["year"][:4] == r["year"][:4]
                and _norm_value(o) == _norm_value(r)):
            return "confirmed by " + o["url"]
    return "unconfirmed"


def _norm_value(r: dict) -> float:
    v = float(r["value"])
    return round(v * 1000) if r["measure"] == "population_thousand" else v


def _unit(r: dict) -> str:
    u = r["unit_as_written"]
    if any(u.startswith(m) for m in MONEY) or "VND" in u:
        return "triệu đồng"
    if r["measure"] in ("population", "population_thousand"):
        return "triệu người" if u.startswith("triệu") else "người"
    if r["measure"] in ("n_districts",):
        return "đơn vị cấp huyện"
    if r["measure"] in ("n_communes",):
        return "đơn vị cấp xã"
    return re.sub(r"\s*\(.*\)$", "", u) or u


def _value_text(r: dict, unit: str) -> tuple[str, float]:
    """The number as the quote writes it, and its value in `unit`; the one that equals the research value."""
    want = float(r["value_mvnd"]) if r["value_mvnd"] not in ("", None) else _norm_value(r)
    if r["measure"] == "population_thousand":
        want = float(r["value"])  # kept in thousands as written; converted in the reference step
    found = amounts_in(r["quote"])
    for text, v in found:
        if abs(v - want) < 1e-6 * max(1, abs(want)):
            return text, v
    return "", want


def curate(src: Path = SNAPSHOT_CSV) -> list[dict]:
    with open(src, encoding="utf-8") as f:
        raw = list(csv.DictReader(f))
    out = []
    for i, r in enumerate(raw, start=2):
        year, year_to, period, yflags = _year(r["year"])
        scope = {"national": "nation"}.get(r["scope"], r["scope"])
        key = ""
        if scope == "region":
            key = REGIONS[r["scope_name"]]
        elif scope in ("province", "district"):
            name = re.sub(r"^.*\((.*)\)$", r"\1", r["scope_name"]) if scope == "district" else r["scope_name"]
            try:
                key = province_code(name)
            except UnknownProvince as e:
                raise ValueError(f"{src.name} row {i}: {e}") from None
        unit = _unit(r)
        if r["measure"] == "population_thousand":
            unit = "nghìn người"
        text, value = _value_text(r, unit)
        flags = yflags + _flags(r)
        if r["published"].startswith("undated"):
            flags.append("article_undated")
        if not text and "misprint_in_source" not in flags and r["value"] not in ("0",):
            flags.append("value_not_in_quote")
        if r["value"] == "0":
            text = r["unit_as_written"].strip("()")  # "(không được giao)": a stated nil
            value = 0.0
            unit = "triệu đồng"
        qualifier = next((q for pat, q in QUALIFIER if pat in r["unit_as_written"]), "exact")
        out.append({
            "pf_id": f"pf{i:03d}", "scope": scope, "scope_key": key, "scope_name": r["scope_name"],
            "year": year, "year_to": year_to, "period": period, "year_as_written": r["year"],
            "measure": MEASURE.get(r["measure"], ""), "measure_as_written": r["measure"],
            "value": format(value, ".15g"), "unit": unit, "qualifier": qualifier,
            "value_text": text, "flags": " ".join(dict.fromkeys(flags)), "reliability": r["reliability"],
            "confirmation": _confirmation(r, raw), "published": r["published"], "url": r["url"], "quote": r["quote"],
        })
    for r in out:
        r["use"] = _use(r)
        if r["period"] != "year" and r["measure"] in TARGET_MEASURES:
            # a span of years, or part of one: never shown as one year's figure (at most a calibration target)
            r["flags"] = (r["flags"] + " period_total").strip()
        r["demo_target"] = r.get("demo_target", "")
        r["note"] = r.get("note", "")
    _total_from_parts(out)
    _apply_fixes(out)
    return out


def _total_from_parts(rows: list[dict]) -> None:
    """A total stated beside both its funds ('trên 10 tỷ' = 8,3 tỷ KCĐP + 1,8 tỷ KCQG): the demo meets the parts, so
    the total's demo target is their sum where the total's wording allows it; where it does not, the source
    contradicts itself and the total is kept, flagged, and not modelled."""
    from .published import qualifier_range
    index = {(r["scope_key"], r["year"], r["year_to"], r["measure"]): r for r in rows if r["use"] != "no"}
    for r in rows:
        if r["use"] == "no" or not r["measure"].startswith("budget.total."):
            continue
        status = r["measure"].split(".")[2]
        parts = [index.get((r["scope_key"], r["year"], r["year_to"], f"budget.{f}.{status}")) for f in ("kcqg", "kcdp")]
        if None in parts:
            continue
        total = sum(float(p["demo_target"] or p["value"]) for p in parts)
        lo, hi = qualifier_range(float(r["value"]), r["qualifier"], None)
        if lo <= total <= hi:
            if total != float(r["value"]):
                r["demo_target"] = format(total, ".15g")
        else:
            r["use"] = "no"
            r["flags"] = (r["flags"] + " total_disagrees_with_parts").strip()

def _use(r: dict) -> str:
    """'fact': the unit's own figure for a year (origin 'published'); 'target': the demo is calibrated to agree;
    'no': kept and shown, not modelled (the flags say why)."""
    flags = set(r["flags"].split())
    if r["measure"] in OUTREACH_MEASURES:
        return _outreach_use(r, flags)
    if (r["measure"] not in TARGET_MEASURES or flags & NOT_A_FACT or not r["year"] or r["period"] not in ("year", "multi")
            or not (FIRST <= int(r["year"]) and int(r["year_to"]) <= LAST) or r["confirmation"] == "unconfirmed"
            or r["scope"] not in ("province", "region")):
        return "no"
    if r["period"] == "multi" and int(r["year_to"]) >= 2025:
        return "no"  # a span across the 2025 reform has no single set of units
    if r["period"] == "multi" and r["measure"] in HEADCOUNTS:
        return "no"
    if (r["scope"] == "province" and r["period"] == "year" and r["measure"] in FACT_MEASURES | COUNT_FACT_MEASURES
            and r["qualifier"] == "exact"):
        return "fact"
    return "target"


def _outreach_use(r: dict, flags: set[str]) -> str:
    """'fact' for a province's exact count in one year the warehouse holds; anything else 'no'."""
    if (r["scope"] == "province" and r["period"] == "year" and r["qualifier"] == "exact" and r["year"]
            and FIRST <= int(r["year"]) <= LAST and not flags & NOT_A_FACT and r["confirmation"] != "unconfirmed"):
        return "fact"
    return "no"


def _apply_fixes(rows: list[dict]) -> None:
    by_id = {r["pf_id"]: r for r in rows}
    with open(FIXES, encoding="utf-8") as f:
        for fix in csv.DictReader(f):
            r = by_id[fix["pf_id"]]
            if fix["field"] == "note" or fix["field"] == "use" and fix["why"]:
                r["note"] = " ".join(x for x in (r["note"], fix["value"] if fix["field"] == "note" else fix["why"]) if x)
            if fix["field"] == "note":
                continue
            if fix["field"] == "flags":
                r["flags"] = " ".join(dict.fromkeys(
                    [x for x in r["flags"].split() if x != "value_not_in_quote"] + fix["value"].split()))
            else:
                r[fix["field"]] = fix["value"]


def main() -> int:
    rows = curate()
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    missing = [r["pf_id"] for r in rows if "value_not_in_quote" in r["flags"]]
    print(f"wrote {OUT} · {len(rows)} rows · value not found in quote: {len(missing)} {missing[:20]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
