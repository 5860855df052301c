"""Step 2: published figures and their sources, and what each source says about itself.

Every row of data/published/figures.csv is a number a source states (or one derived from such numbers, marked
source 'derived'), with the sentence it came from. A row with a `formula` is recomputed from the figures it names;
where the recomputed value does not round to the stated one, that is a discrepancy of the source, recorded and
surfaced, never corrected.
"""
from __future__ import annotations

import ast
import math
import operator
import re
from pathlib import Path

import pandas as pd

from .errors import DataError
from .inputs import read_csv_rows
from .paths import DATA
from .paths import rel as _rel
from .vocabulary import FIRST_YEAR, era_of

FIGURE_COLUMNS = ["figure_id", "source_id", "topic", "measure", "scope", "scope_key", "year", "year_to", "period",
                  "agg", "value", "unit", "qualifier", "resolution", "value_text", "formula", "demo_target",
                  "calibrate", "quote", "note"]
QUALIFIERS = {"exact", "nearly", "over", "about", "atleast", "atmost"}
CALIBRATE = {"target", "check", "no"}
SCOPES = {"nation", "group", "province", "set", "centre"}
PARTIAL_PERIODS = {"H1", "9M", "11M"}


def load(pub_dir: Path = DATA / "published") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(figures, sources) validated: ids unique, sources known, numbers numeric, vocabularies respected."""
    spath = pub_dir / "sources.csv"
    sources = read_csv_rows(spath, ["source_id", "kind", "title", "publisher", "published", "location", "licence_note"])
    source_ids = {s["source_id"] for s in sources}
    fpath = pub_dir / "figures.csv"
    rows = read_csv_rows(fpath, FIGURE_COLUMNS)
    rel = _rel(fpath)
    seen: set[str] = set()
    for i, r in enumerate(rows, start=2):
        if r["figure_id"] in seen:
            raise DataError(rel, f"mã số liệu «{r['figure_id']}» bị trùng", f"figure id «{r['figure_id']}» is duplicated",
                            row=i, column="figure_id")
        seen.add(r["figure_id"])
        if r["source_id"] not in source_ids:
            raise DataError(rel, f"nguồn «{r['source_id']}» không có trong sources.csv",
                            f"source «{r['source_id']}» is not in sources.csv", row=i, column="source_id")
        for col, vocab in (("qualifier", QUALIFIERS), ("calibrate", CALIBRATE), ("scope", SCOPES)):
            if r[col] not in vocab:
                raise DataError(rel, f"giá trị «{r[col]}» không hợp lệ; chọn một trong {sorted(vocab)}",
                                f"value «{r[col]}» is not allowed; use one of {sorted(vocab)}", row=i, column=col)
        _require_numbers(rel, r, i, ("value", "resolution", "demo_target", "year", "year_to"))
        if not r["quote"]:
            raise DataError(rel, "thiếu câu trích dẫn nguồn", "the quoted sentence is missing", row=i, column="quote")
    figures = pd.DataFrame(rows)
    for col in ("value", "resolution", "demo_target"):
        figures[col] = pd.to_numeric(figures[col].replace("", None), errors="coerce").astype("Float64")
    for col in ("year", "year_to"):
        figures[col] = pd.to_numeric(figures[col].replace("", None), errors="coerce").astype("Int64")
    figures["note_vi"] = figures.figure_id.map(notes_vi(pub_dir / "notes_vi.csv", seen | _province_ids(pub_dir)))
    return figures, pd.DataFrame(sources)


def _province_ids(pub_dir: Path) -> set[str]:
    path = pub_dir / "province_figures.csv"
    return {r["pf_id"] for r in read_csv_rows(path, ["pf_id"])} if path.exists() else set()


def notes_vi(path: Path, figure_ids: set[str]) -> dict[str, str]:
    """The Vietnamese of each figure's note (figures.csv and province_figures.csv keep the English one), kept beside
    the data so a translator edits one small file; optional, and every row must name a known figure once."""
    if not path.exists():
        return {}
    rel, out = _rel(path), {}
    for i, r in enumerate(read_csv_rows(path, ["figure_id", "note_vi"]), start=2):
        if r["figure_id"] not in figure_ids:
            raise DataError(rel, f"mã số liệu «{r['figure_id']}» không có trong figures.csv hay province_figures.csv",
                            f"figure id «{r['figure_id']}» is not in figures.csv or province_figures.csv",
                            row=i, column="figure_id")
        if r["figure_id"] in out:
            raise DataError(rel, f"mã số liệu «{r['figure_id']}» bị trùng", f"figure id «{r['figure_id']}» is duplicated",
                            row=i, column="figure_id")
        if r["note_vi"]:
            out[r["figure_id"]] = r["note_vi"]
    return out


def qualifier_range(value: float, qualifier: str, resolution: float | None) -> tuple[float, float]:
    """The interval of values consistent with how the source wrote the number.

    exact: rounds to the stated value at its resolution; nearly ('gần'): up to 3% below; over ('hơn', 'trên'):
    up to 5% above; about ('khoảng', 'some'): within 10%; atleast / atmost: one-sided.
    """
    half = (resolution or 0) / 2
    return {
        "exact": (value - half, value + half),
        "nearly": (value * 0.97, value + half),
        "over": (value - half, value * 1.05 + half),
        "about": (value * 0.9, value * 1.1),
        "atleast": (value - half, math.inf),
        "atmost": (-math.inf, value + half),
    }[qualifier]


def source_consistency(figures: pd.DataFrame) -> pd.DataFrame:
    """Recompute every figure that has a formula from the stated figures it names; one row per check."""
    stated = {r.figure_id: float(r.value) for r in figures.itertuples() if pd.notna(r.value)}
    out = []
    for r in figures[figures["formula"] != ""].itertuples():
        recomputed = evaluate(r.formula, stated)
        res = float(r.resolution) if pd.notna(r.resolution) else 1.0
        out.append({
            "figure_id": r.figure_id, "source_id": r.source_id, "stated": float(r.value), "formula": r.formula,
            "recomputed": recomputed, "status": consistency_status(float(r.value), recomputed, res, r.qualifier),
        })
    return pd.DataFrame(out, columns=["figure_id", "source_id", "stated", "formula", "recomputed", "status"])


def consistency_status(stated: float, recomputed: float, resolution: float, qualifier: str) -> str:
    """'consistent' if the recomputed value rounds to the stated one, 'truncated' if it only truncates to it
    (the source cut digits instead of rounding), 'approximate' within an approximate qualifier, else 'discrepancy'."""
    if round_to(recomputed, resolution) == round_to(stated, resolution):
        return "consistent"
    if math.floor(recomputed / resolution + 1e-9) * resolution == round_to(stated, resolution):
        return "truncated"
    lo, hi = qualifier_range(stated, qualifier, resolution)
    if qualifier != "exact" and lo <= recomputed <= hi:
        return "approximate"
    return "discrepancy"


def round_to(x: float, resolution: float) -> float:
    return round(math.floor(x / resolution + 0.5) * resolution, 10)


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def evaluate(formula: str, values: dict[str, float]) -> float:
    """Arithmetic over figure ids and numbers only (+ − × ÷, parentheses); anything else is refused."""

    def ev(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id not in values:
                raise KeyError(f"formula refers to unknown figure «{node.id}»")
            return values[node.id]
        raise ValueError(f"formula element not allowed: {ast.dump(node)}")

    return ev(ast.parse(formula, mode="eval"))


def members(scope: str, key: str, year: int, ref: dict[str, pd.DataFrame]) -> list[str]:
    """The unit codes a figure's scope covers in a given year (63 provinces until 2024, 34 units from 2025)."""
    era = era_of(year)
    if scope == "nation":
        return sorted(ref["province"]["province_code"] if era == "63" else ref["unit_2025"]["unit_code"])
    if scope == "group":
        grouping_id, group_id = key.split("/")
        m = ref["grouping_member"]
        sel = m[(m.grouping_id == grouping_id) & (m.group_id == group_id) & (m.era == era)]
        return sorted(sel["member_code"])
    codes = key.split()
    if era == "34":  # a pre-reform province or set, asked about a post-reform year: its successor units
        cross = dict(zip(ref["reform_2025"].province_code, ref["reform_2025"].unit_code))
        codes = sorted({cross[c] for c in codes})
    return codes


def years_of(fig) -> list[int]:
    return list(range(int(fig.year), int(fig.year_to) + 1))


# Vietnamese writes 27.708 (thousands) and 1,5 (decimal); English the other way round. A quote's language decides.
_VI_LETTERS = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)
_AMOUNT = re.compile(r"(?:VND\s*)?(?<![\d.,/])([.,]?\d+(?:[.,]\d+)*)(?:/([.,]?\d+(?:[.,]\d+)*))?"
                     r"(?:\s*(nghìn tỷ|nghìn tỉ|tỷ|tỉ|triệu|trillion|billion|million)(?!\w)(?:\s*(?:đồng|VND))?)?",
                     re.IGNORECASE)
_SCALE = {"nghìn tỷ": 1_000_000, "nghìn tỉ": 1_000_000, "trillion": 1_000_000, "tỷ": 1000, "tỉ": 1000,
          "billion": 1000, "triệu": 1, "million": 1}


def is_vietnamese(text: str) -> bool:
    return bool(_VI_LETTERS.search(text))


def _require_numbers(rel: str, r: dict, i: int, columns) -> None:
    """Each of `columns` in row `i` is empty or a number; the first that is neither is refused, with its place."""
    for col in columns:
        if r[col] != "":
            try:
                float(r[col])
            except ValueError:
                raise DataError(rel, f"«{r[col]}» không phải là số", f"«{r[col]}» is not a number",
                                row=i, column=col) from None


def read_number(digits: str, vietnamese: bool) -> float:
    """'27.708' → 27708 and '1,5' → 1.5 in Vietnamese; '1.4' → 1.4 and '3,870' → 3870 in English."""
    if vietnamese:
        return float(digits.replace(".", "").replace(",", "."))
    return float(digits.replace(",", ""))


def amounts_in(quote: str, vietnamese: bool | None = None) -> list[tuple[str, float]]:
    """Every number a quote writes, as (text as written, value): money in triệu đồng, anything else as a count.
    `vietnamese` (default: guessed from the text) says which way the digits read."""
    vi = is_vietnamese(quote) if vietnamese is None else vietnamese
    out = []
    for m in _AMOUNT.finditer(quote):
        scale = _SCALE.get((m.group(3) or "").lower(), 1)
        # '11,07/11,14 tỷ đồng' (actual/plan) and '18/20 tỉnh': both numbers are written, with the unit after the pair
        for digits in (m.group(1), m.group(2)):
            if digits is None or digits.startswith((".", ",")):
                continue  # a misprint such as ',993 tỷ': no value can be read from it
            try:
                out.append((m.group(0).strip(), read_number(digits, vi) * scale))
            except ValueError:
                continue
    return out


PROVINCE_COLUMNS = ["pf_id", "scope", "scope_key", "scope_name", "year", "year_to", "period", "year_as_written",
                    "measure", "measure_as_written", "value", "unit", "qualifier", "value_text", "flags", "reliability",
                    "confirmation", "published", "url", "quote", "use", "demo_target", "note"]
USES = {"fact", "target", "no"}


def source_id_of(url: str) -> str:
    import hashlib
    return "pf-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:10]


def load_province(pub_dir: Path = DATA / "published") -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(all curated rows, the rows the model uses as figures in figures.csv's shape, their sources).

    Rows with use 'fact' are a unit's own figure for a year (fact rows of origin 'published'); 'fact' and 'target'
    rows both become calibration targets, so the demo agrees with every one of them."""
    path = pub_dir / "province_figures.csv"
    if not path.exists():
        empty = pd.DataFrame(columns=PROVINCE_COLUMNS)
        return empty, pd.DataFrame(columns=FIGURE_COLUMNS), pd.DataFrame()
    rows = read_csv_rows(path, PROVINCE_COLUMNS)
    rel = _rel(path)
    for i, r in enumerate(rows, start=2):
        if r["use"] not in USES:
            raise DataError(rel, f"giá trị «{r['use']}» không hợp lệ; chọn một trong {sorted(USES)}",
                            f"value «{r['use']}» is not allowed; use one of {sorted(USES)}", row=i, column="use")
        _require_numbers(rel, r, i, ("value", "demo_target"))
    curated = pd.DataFrame(rows)
    for col in ("year", "year_to"):
        curated[col] = pd.to_numeric(curated[col].replace("", None), errors="coerce").astype("Int64")
    for col in ("value", "demo_target"):
        curated[col] = pd.to_numeric(curated[col].replace("", None), errors="coerce").astype("Float64")
    curated["source_id"] = curated["url"].map(source_id_of)
    used = curated[curated.use.isin(["fact", "target"])]
    figs = pd.DataFrame({
        "figure_id": used.pf_id, "source_id": used.source_id,
        "topic": used.measure.str.split(".").str[0].replace({"projects": "projects", "budget": "budget"}),
        "measure": used.measure, "scope": used.scope.replace({"region": "group"}), "scope_key": used.scope_key,
        "year": used.year, "year_to": used.year_to, "period": used.period, "agg": "sum", "value": used.value,
        "unit": used.unit, "qualifier": used.qualifier, "resolution": "", "value_text": used.value_text,
        "formula": "", "demo_target": used.demo_target, "calibrate": "target", "quote": used.quote,
        "note": used.note,
    })
    # the Sources pages show these notes beside figures.csv's, so Vietnamese readers get them translated too
    known = {r["figure_id"] for r in read_csv_rows(pub_dir / "figures.csv", ["figure_id"])} | set(curated.pf_id)
    figs["note_vi"] = figs.figure_id.map(notes_vi(pub_dir / "notes_vi.csv", known))
    for col in ("value", "resolution", "demo_target"):
        figs[col] = pd.to_numeric(figs[col].replace("", None), errors="coerce").astype("Float64")
    for col in ("year", "year_to"):
        figs[col] = pd.to_numeric(figs[col].replace("", None), errors="coerce").astype("Int64")
    first = curated.drop_duplicates("url")
    sources = pd.DataFrame({
        "source_id": first.source_id, "kind": "web",
        "title": "Số liệu khuyến công " + first.scope_name + " (PROVINCE_FIGURES.csv)",
        "publisher": first.url.str.extract(r"https?://([^/]+)")[0].fillna(""),
        "published": first.published, "location": first.url,
        "licence_note": "quoted for reference; " + first.reliability,
    })
    return curated, figs.reset_index(drop=True), sources.reset_index(drop=True)


BUDGET_MEASURE = re.compile(r"^budget\.(kcqg|kcdp)\.(planned|actual)$")


def budget_rows(curated: pd.DataFrame, stated: pd.DataFrame) -> pd.DataFrame:
    """Every single-year amount of one province's KCQG or KCĐP, plan or actual, that a source states exactly: the
    curated rows with use 'fact' and the figures.csv rows of the same kind (a province, one whole year, written
    exactly, not set aside with calibrate 'no'). 'Hơn 2 tỷ' or a KCQG + KCĐP total is no amount the model holds: those
    stay calibration targets."""
    cur = curated[(curated.use == "fact") & curated.measure.str.match(BUDGET_MEASURE.pattern)]
    keep = ((stated.scope == "province") & (stated.period == "year") & (stated.year == stated.year_to)
            & (stated.qualifier == "exact") & (stated.calibrate != "no")
            & stated.measure.str.match(BUDGET_MEASURE.pattern) & (stated.year >= FIRST_YEAR))
    own = stated[keep.fillna(False).astype(bool)]
    return _stated_rows(cur, own)


def _stated_rows(cur: pd.DataFrame, own: pd.DataFrame) -> pd.DataFrame:
    """Curated rows (`cur`) and figures.csv rows (`own`) in one shape: figure, source, measure, unit, year, value."""
    return pd.concat([
        pd.DataFrame({"figure_id": cur.pf_id, "source_id": cur.source_id, "measure": cur.measure,
                      "unit_code": cur.scope_key, "year": cur.year, "value": cur.value}),
        pd.DataFrame({"figure_id": own.figure_id, "source_id": own.source_id, "measure": own.measure,
                      "unit_code": own.scope_key, "year": own.year, "value": own.value}),
    ], ignore_index=True).sort_values("figure_id", kind="stable")


def _disagreements(rows: pd.DataFrame) -> pd.DataFrame:
    """Pairs of rows stating different values for the same unit, year and measure, in source_check's shape (status
    'discrepancy', `formula` naming the other figure) so the Mâu thuẫn page lists them."""
    out = []
    for _, g in rows.groupby(["unit_code", "year", "measure"]):
        if g.value.astype(float).nunique() < 2:
            continue
        for a in g.itertuples():
            for b in g.itertuples():
                if a.figure_id != b.figure_id and float(a.value) != float(b.value):
                    out.append({"figure_id": a.figure_id, "source_id": a.source_id, "stated": float(a.value),
                                "formula": b.figure_id, "recomputed": float(b.value), "status": "discrepancy"})
    return pd.DataFrame(out, columns=["figure_id", "source_id", "stated", "formula", "recomputed", "status"])


def budget_disagreements(curated: pd.DataFrame, stated: pd.DataFrame) -> pd.DataFrame:
    """Two sources stating different amounts for the same province, year, fund and status: both kept as written,
    neither is the province's figure (the demo fills the gap, calibrated to neither), each pair listed. Never averaged."""
    return _disagreements(budget_rows(curated, stated))


def _sole_unit(code: str, era: str, ref: dict) -> bool:
    """A figure about `code` is a unit's own: always before the reform; from 2025 only for a unit that is one
    pre-reform province's successor alone (a merged province's figure is only part of its unit's)."""
    if era != "34":
        return True
    cross = list(zip(ref["reform_2025"].province_code, ref["reform_2025"].unit_code))
    return code in set(ref["unit_2025"].unit_code) and [u for _, u in cross].count(code) == 1


def published_facts(curated: pd.DataFrame, ref: dict, stated: pd.DataFrame | None = None) -> pd.DataFrame:
    """Budget rows of origin 'published': a unit's own KCQG / KCĐP plan or actual in one year, as a source states it
    (budget_rows: the curated CSV and figures.csv). A column no source states is NULL (the demo, calibrated to agree,
    fills it in the views). An amount two sources disagree on is no row (budget_disagreements lists it); two sources
    stating the same amount give one row, from the first figure. One published row per unit, year and fund holds one
    source: where a second source states the other status, the build stops rather than drop it silently."""
    cols = ["era", "unit_code", "year", "fund", "planned_mvnd", "actual_mvnd", "origin", "source_id"]
    stated = stated if stated is not None else pd.DataFrame(columns=FIGURE_COLUMNS)
    rows = budget_rows(curated, stated)
    disputed = set(_disagreements(rows).figure_id)
    out: dict[tuple, dict] = {}
    for r in rows.drop_duplicates(["unit_code", "year", "measure"]).itertuples():
        if r.figure_id in disputed:
            continue
        year = int(r.year)
        era = era_of(year)
        if not _sole_unit(r.unit_code, era, ref):
            continue
        _, fund, status = r.measure.split(".")
        row = out.setdefault((era, r.unit_code, year, fund), {
            "era": era, "unit_code": r.unit_code, "year": year, "fund": fund, "planned_mvnd": None,
            "actual_mvnd": None, "origin": "published", "source_id": r.source_id, "figure_id": r.figure_id})
        if row["source_id"] != r.source_id:
            raise DataError("data/published", f"{r.figure_id} và {row['figure_id']}: hai nguồn nêu kế hoạch và thực "
                            f"hiện của cùng quỹ {fund} năm {year}; mỗi dòng ngân sách chỉ giữ một nguồn",
                            f"{r.figure_id} and {row['figure_id']}: two sources state the plan and the actual of the "
                            f"same fund {fund} in {year}; a budget row holds one source", column="source_id")
        row[f"{status}_mvnd"] = float(r.value)
    df = pd.DataFrame(list(out.values()), columns=cols)
    for c in ("planned_mvnd", "actual_mvnd"):
        df[c] = df[c].astype("Float64")
    return df


# ---------------------------------------------------------------- outreach (people trained, establishments supported)
OUTREACH_COLUMNS = {"training.people": "people_trained", "support.establishments": "establishments_supported"}


def published_outreach(curated: pd.DataFrame, ref: dict) -> pd.DataFrame:
    """Outreach rows of origin 'published': a unit's people trained or establishments supported in one year, as its
    source states it (curated rows with use 'fact'). One row per unit, year and source; a measure the source does not
    state is NULL. A pre-reform province inside a merged 2025 unit is skipped: its figure is only part of the unit's."""
    cols = ["era", "unit_code", "year", "people_trained", "establishments_supported", "origin", "source_id"]
    facts = curated[(curated.use == "fact") & curated.measure.isin(list(OUTREACH_COLUMNS))]
    cross = dict(zip(ref["reform_2025"].province_code, ref["reform_2025"].unit_code))
    units_34 = set(ref["unit_2025"].unit_code)
    out: dict[tuple, dict] = {}
    for r in facts.itertuples():
        year, code = int(r.year), r.scope_key
        era = era_of(year)
        if era == "34" and (code not in units_34 or list(cross.values()).count(code) != 1):
            continue
        row = out.setdefault((era, code, year, r.source_id), dict.fromkeys(cols) | {
            "era": era, "unit_code": code, "year": year, "origin": "published", "source_id": r.source_id})
        col = OUTREACH_COLUMNS[r.measure]
        if row[col] is not None and row[col] != int(r.value):
            raise DataError("data/published/province_figures.csv", f"{r.pf_id}: nguồn nêu hai giá trị khác nhau",
                            f"{r.pf_id}: the source states two different values", column="value")
        row[col] = int(r.value)
    df = pd.DataFrame(list(out.values()), columns=cols)
    for c in ("people_trained", "establishments_supported"):
        df[c] = df[c].astype("Int64")
    return df


def calibration_figures(pub_dir: Path = DATA / "published") -> pd.DataFrame:
    """Every figure the warehouse must agree with: figures.csv and the curated province figures the model uses.
    The build and every load check against this one set."""
    stated, _ = load(pub_dir)
    _, province_figs, _ = load_province(pub_dir)
    return pd.concat([stated, province_figs], ignore_index=True)


# ----------------------------------------------------------------------- published counts (đề án, collaborators)
COUNT_MEASURES = {"projects.count.all": "all", "projects.count.kcqg": "kcqg", "projects.count.kcdp": "kcdp"}
COLLAB_COLUMNS = {"collab.district_people": "collaborators_district"}  # a model column a source can state alone


def _count_rows(curated: pd.DataFrame, stated: pd.DataFrame) -> pd.DataFrame:
    """A province's own count for one year, as a source writes it exactly: the curated rows with use 'fact', and the
    figures.csv rows of the same kind (a province, one whole year, written exactly, a calibration target)."""
    cur = curated[(curated.use == "fact") & curated.measure.isin(set(COUNT_MEASURES) | set(COLLAB_COLUMNS))]
    own = stated[(stated.scope == "province") & (stated.period == "year") & (stated.qualifier == "exact")
                 & (stated.calibrate == "target") & stated.measure.isin(set(COUNT_MEASURES) | set(COLLAB_COLUMNS))]
    return _stated_rows(cur, own)


def count_disagreements(curated: pd.DataFrame, stated: pd.DataFrame) -> pd.DataFrame:
    """Two sources stating different counts for the same province, year and measure: both are kept as they are
    written, neither is shown as the province's figure, and each pair is listed (source_check's shape, status
    'discrepancy', `formula` naming the other figure) so the Mâu thuẫn page shows it. Never averaged."""
    return _disagreements(_count_rows(curated, stated))


def published_counts(curated: pd.DataFrame, stated: pd.DataFrame, ref: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(project counts, collaborator rows) of origin 'published': each a unit's own count in one year as its source
    states it. Precedence imported > published > demo holds per value (schema.sql: project_count_current,
    collaborators_current); what the source does not state stays NULL and the demo, calibrated to agree, fills it.
    A count two sources disagree on is no unit's figure (count_disagreements lists it)."""
    rows = _count_rows(curated, stated)
    disputed = set(count_disagreements(curated, stated).figure_id)
    counts, collab = [], {}
    for r in rows.drop_duplicates(["unit_code", "year", "measure"]).itertuples():
        if r.figure_id in disputed:
            continue
        year = int(r.year)
        era = era_of(year)
        if era == "34":  # the 34 units hold only their own counts; a merged province's count is a part of one
            cross = dict(zip(ref["reform_2025"].province_code, ref["reform_2025"].unit_code))
            if r.unit_code not in set(ref["unit_2025"].unit_code) or list(cross.values()).count(r.unit_code) != 1:
                continue
        if r.measure in COUNT_MEASURES:
            counts.append({"era": era, "unit_code": r.unit_code, "year": year, "fund": COUNT_MEASURES[r.measure],
                           "projects": int(r.value), "origin": "published", "source_id": r.source_id,
                           "figure_id": r.figure_id})
        else:
            row = collab.setdefault((era, r.unit_code, year), {
                "era": era, "unit_code": r.unit_code, "year": year, "districts_covered": None,
                "collaborators_district": None, "communes_covered": None, "collaborators_commune": None,
                "districts_total": None, "communes_total": None, "origin": "published", "source_id": r.source_id})
            row[COLLAB_COLUMNS[r.measure]] = int(r.value)
    counts_df = pd.DataFrame(counts, columns=["era", "unit_code", "year", "fund", "projects", "origin", "source_id",
                                              "figure_id"])
    collab_df = pd.DataFrame(list(collab.values()), columns=[
        "era", "unit_code", "year", "districts_covered", "collaborators_district", "communes_covered",
        "collaborators_commune", "districts_total", "communes_total", "origin", "source_id"])
    for c in collab_df.columns[3:9]:
        collab_df[c] = collab_df[c].astype("Int64")
    return counts_df, collab_df
