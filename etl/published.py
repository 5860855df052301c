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
from pathlib import Path

import pandas as pd

from .common import DATA, DataError, _rel, era_of, read_csv_rows

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
        for col in ("value", "resolution", "demo_target", "year", "year_to"):
            if r[col] != "":
                try:
                    float(r[col])
                except ValueError:
                    raise DataError(rel, f"«{r[col]}» không phải là số", f"«{r[col]}» is not a number",
                                    row=i, column=col) from None
        if not r["quote"]:
            raise DataError(rel, "thiếu câu trích dẫn nguồn", "the quoted sentence is missing", row=i, column="quote")
    figures = pd.DataFrame(rows)
    for col in ("value", "resolution", "demo_target"):
        figures[col] = pd.to_numeric(figures[col].replace("", None), errors="coerce").astype("Float64")
    for col in ("year", "year_to"):
        figures[col] = pd.to_numeric(figures[col].replace("", None), errors="coerce").astype("Int64")
    figures["note_vi"] = figures.figure_id.map(notes_vi(pub_dir / "notes_vi.csv", seen))
    return figures, pd.DataFrame(sources)


def notes_vi(path: Path, figure_ids: set[str]) -> dict[str, str]:
    """The Vietnamese of each figure's note (figures.csv keeps the English one), kept beside the data so a
    translator edits one small file; optional, and every row must name a known figure once."""
    if not path.exists():
        return {}
    rel, out = _rel(path), {}
    for i, r in enumerate(read_csv_rows(path, ["figure_id", "note_vi"]), start=2):
        if r["figure_id"] not in figure_ids:
            raise DataError(rel, f"mã số liệu «{r['figure_id']}» không có trong figures.csv",
                            f"figure id «{r['figure_id']}» is not in figures.csv", row=i, column="figure_id")
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
