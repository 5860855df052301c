"""Step 3: demo data — generated, seeded, and calibrated so that it agrees with every published figure.

Budgets: for each year, per-unit priors (KCQG/KCĐP, planned/actual) are adjusted by weighted least squares so
that every sum a published figure constrains ('calibrate = target' in figures.csv) holds exactly, then rounded to
whole triệu đồng without breaking those sums. Đề án split each unit's fund budget; staffing and collaborator
networks are fitted to the 2022 national report. Every row carries origin 'demo'.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import vocabulary
from .errors import BuildError
from .published import members, years_of
from .vocabulary import CONTENT_CATEGORIES, FIRST_YEAR, era_of

SEED = 20250701
SOURCE_ID = "demo-generator"
# The last year published figures calibrate demo data against. Not the import window (vocabulary.last_import_year):
# reports may be loaded for years that have not ended (plans), demo data may not (see last_ended_year).
DEMO_LAST_YEAR = 2025


def last_ended_year(today: date | None = None) -> int:
    """The latest calendar year that is over. Demo data invents actual spending (thực hiện), which exists only for a
    year that has ended, so no demo row may be dated later: where a year has no report, the warehouse holds nothing."""
    return (today or vocabulary.today()).year - 1

# National priors (triệu đồng), before calibration: a smooth path through what sources say
# (~100 tỷ KCQG a year set aside in 2016–2018 — a plan, seed 000 — and ~287 tỷ a year in 2021–2025).
NATION_PRIOR = {
    # year: (kcqg_planned, kcdp_planned)
    2013: (55_000, 120_000), 2014: (70_000, 125_000), 2015: (88_000, 130_000), 2016: (104_000, 138_000),
    2017: (112_000, 146_000), 2018: (95_000, 162_000), 2019: (104_000, 170_000), 2020: (98_000, 168_000),
    2021: (110_000, 175_000), 2022: (118_000, 180_000), 2023: (120_000, 185_000), 2024: (118_000, 190_000),
    2025: (118_000, 185_000),
}
# 2024 is not halved: a 130 tỷ KCQG plan was approved for 38 localities (web-vn-2024-h1); only Miền Trung – Tây
# Nguyên had no KCQG that year, and that zero is a published figure the calibration imposes.
AVG_PROJECT_MVND = {"kcqg": 420.0, "kcdp": 160.0}
KCQG_DEMO_MODEL_CEILING = 500  # TT 26/2014/TTLT-BTC-BCT: ≤ 500 triệu đồng per demonstration model
CATEGORY_WEIGHTS = [0.20, 0.07, 0.25, 0.10, 0.07, 0.11, 0.10, 0.03, 0.07]


@dataclass
class DemoOptions:
    seed: int = SEED
    first_year: int = FIRST_YEAR
    last_year: int = DEMO_LAST_YEAR
    project_scale: float = 1.0  # the benchmark's scale factor: more, smaller đề án


def generate(ref: dict[str, pd.DataFrame], figures: pd.DataFrame, opts: DemoOptions | None = None,
             today: date | None = None) -> dict[str, pd.DataFrame]:
    opts = opts or DemoOptions()
    if opts.last_year > last_ended_year(today):
        raise BuildError(f"dữ liệu minh họa không được có số thực hiện cho năm {opts.last_year}, năm chưa kết thúc "
                         f"(năm gần nhất đã kết thúc: {last_ended_year(today)})\n"
                         f"demo data may not invent actual figures for {opts.last_year}, a year that has not ended "
                         f"(the last ended year is {last_ended_year(today)})")
    rng = np.random.default_rng(opts.seed)
    years = list(range(opts.first_year, opts.last_year + 1))
    targets = figures[figures.calibrate == "target"]
    budget = _budgets(ref, targets, years, rng)
    projects = _projects(ref, targets, budget, years, rng, opts.project_scale)
    staffing = _staffing(ref, targets, years, rng)
    collaborators = _collaborators(ref, figures, years, rng)
    for df in (budget, projects, staffing, collaborators):
        df["origin"] = "demo"
        df["source_id"] = SOURCE_ID
    return {"budget": budget, "project": projects, "staffing": staffing, "collaborators": collaborators}


def _codes(ref, era: str) -> list[str]:
    return sorted(ref["province"].province_code) if era == "63" else sorted(ref["unit_2025"].unit_code)


def _successor_sum(ref, values: dict[str, float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for p, u in zip(ref["reform_2025"].province_code, ref["reform_2025"].unit_code):
        out[u] = out.get(u, 0.0) + values[p]
    return out


def _target(fig) -> float:
    return float(fig.demo_target) if pd.notna(fig.demo_target) else float(fig.value)


# ---------------------------------------------------------------- budgets

def _budgets(ref, targets, years, rng) -> pd.DataFrame:
    prov = sorted(ref["province"].province_code)
    # Unit weights: bigger economies carry more local funds; KCQG is spread more evenly.
    size = dict(zip(prov, rng.lognormal(0.0, 0.45, len(prov))))
    for big in ("01", "79"):
        size[big] *= 2.2
    kcqg_w = {p: size[p] ** 0.5 * rng.lognormal(0, 0.25) for p in prov}
    kcdp_w = {p: size[p] * rng.lognormal(0, 0.3) for p in prov}
    budget_targets = targets[targets.measure.str.startswith("budget.")]
    per_year = _split_multi_year(ref, budget_targets, years, kcqg_w, kcdp_w)
    plan_prior: dict[int, dict] = {}
    plan_cons: dict[int, list[Constraint]] = {}
    rates: dict[int, dict] = {}
    for y in years:
        era = era_of(y)
        codes = _codes(ref, era)
        kq, kd = NATION_PRIOR.get(y, _extrapolate(y))
        wq = kcqg_w if era == "63" else _successor_sum(ref, kcqg_w)
        wd = kcdp_w if era == "63" else _successor_sum(ref, kcdp_w)
        sq, sd = sum(wq[c] for c in codes), sum(wd[c] for c in codes)
        # Plans: priors from national totals and unit weights. Where a source fixes only the national total, the
        # national split between the funds is held at the prior ratio (a demo assumption).
        prior = {}
        for c in codes:
            prior[(c, "kcqg", "planned")] = kq * wq[c] / sq * rng.lognormal(0, 0.15)
            prior[(c, "kcdp", "planned")] = kd * wd[c] / sd * rng.lognormal(0, 0.12)
        cons = [c for c in per_year.get(y, []) if c.keys[0][2] == "planned"]
        nation_total = [c for c in cons if len(c.keys) == 2 * len(codes)]
        nation_fund = [c for c in cons if len(c.keys) == len(codes)]
        if nation_total and not nation_fund:
            t = nation_total[0].total
            cons.append(Constraint("demo:nation-fund-split", [(c, "kcqg", "planned") for c in codes],
                                   float(round(t * kq / (kq + kd)))))
        rates[y] = {(c, f): rng.uniform(0.8, 0.99) for c in codes for f in ("kcqg", "kcdp")}
        # A unit whose actual spending a source states, but not its plan: the demo plan is that actual at the
        # unit's execution rate, so no demo plan sits below a published actual (Lâm Đồng 2017: 8,3 tỷ KCĐP spent).
        planned_keys = {c.keys[0] for c in cons if len(c.keys) == 1}
        for a in per_year.get(y, []):
            if len(a.keys) == 1 and a.keys[0][2] == "actual" and a.total > 0:
                u, f, _ = a.keys[0]
                if (u, f, "planned") not in planned_keys:
                    cons.append(Constraint(f"demo:plan-from-{a.figure_id}", [(u, f, "planned")],
                                           float(round(a.total / rates[y][(u, f)]))))
        cons += _unfunded(ref, targets, y, prior, cons)
        plan_prior[y], plan_cons[y] = prior, cons
    _carry_local_calibration(plan_prior, plan_cons, years)
    _carry_across_reform(plan_prior, plan_cons, years, ref)
    rows = []
    for y in years:
        era, codes = era_of(y), _codes(ref, era_of(y))
        plans = _calibrate_year(plan_prior[y], plan_cons[y], y)
        # Actuals: each unit executes 80–99% of its own plan, then the published actuals are imposed.
        act_prior = {(c, f, "actual"): plans[(c, f, "planned")] * rates[y][(c, f)] for c in codes for f in ("kcqg", "kcdp")}
        actuals = _calibrate_year(act_prior, [c for c in per_year.get(y, []) if c.keys[0][2] == "actual"], y)
        solved = {**plans, **actuals}
        for c in codes:
            for fund in ("kcqg", "kcdp"):
                rows.append({"era": era, "unit_code": c, "year": y, "fund": fund,
                             "planned_mvnd": solved[(c, fund, "planned")], "actual_mvnd": solved[(c, fund, "actual")]})
    df = pd.DataFrame(rows)
    df[["planned_mvnd", "actual_mvnd"]] = df[["planned_mvnd", "actual_mvnd"]].astype("int64")
    return df


def _unfunded(ref, targets, year: int, prior: dict, cons: list) -> list:
    """"KCQG for 38 localities" (2024): exactly that many units get a plan. Units a published zero already
    excludes stay out, units with a published positive figure are in, and the rest are filled by their prior
    (the largest plans); every other member gets a zero plan."""
    out = []
    for fig in targets[targets.measure.str.startswith("units_funded.")].itertuples():
        if not int(fig.year) <= year <= int(fig.year_to):
            continue
        fund, status = fig.measure.split(".")[1:]
        units = members(fig.scope, fig.scope_key, year, ref)
        zero = {k[0] for c in cons if c.total == 0 for k in c.keys if k[1] == fund}
        funded = sorted({c.keys[0][0] for c in cons if len(c.keys) == 1 and c.total > 0 and c.keys[0][1] == fund})
        rest = sorted((u for u in units if u not in zero and u not in funded),
                      key=lambda u: -prior[(u, fund, status)])
        need = int(fig.value) - len(funded)
        if need < 0 or need > len(rest):
            raise BuildError(f"demo: {fig.figure_id} says {int(fig.value)} units had {fund} in {year}; published "
                             f"figures fix {len(funded)} with and {len(zero)} without it among {len(units)}")
        out += [Constraint(f"demo:{fig.figure_id}-none", [(u, fund, status)], 0.0) for u in rest[need:]]
    return out


def _carry_local_calibration(priors: dict[int, dict], cons: dict[int, list], years: list[int]) -> None:
    """A source that fixes a region's or a province's plan in one year should shape the years around it too:
    otherwise a region calibrated to 12% of the nation in 2017 would sit at its prior 25% in 2016 and 2018, a jump
    no report shows. For each unit and fund, the calibration factor of the years a local figure touches it is
    interpolated over the years in between (and held beyond them); nation-wide figures and published zeros
    (a year without KCQG) are not carried. Pre-reform years only: the 34 units have their own figures."""
    factors: dict[tuple, dict[int, float]] = {}
    touched: dict[int, set] = {}
    for y in years:
        if era_of(y) != "63":
            continue
        n = len(priors[y])
        local = [c for c in cons[y] if c.total > 0 and len(c.keys) not in (n, n // 2)]
        touched[y] = {k for c in local for k in c.keys}
        if not local:
            continue
        solved = _calibrate_year(priors[y], cons[y], y)
        zero = {k for c in cons[y] if c.total == 0 for k in c.keys}
        for k in touched[y] - zero:
            if priors[y][k] > 0:
                factors.setdefault(k, {})[y] = solved[k] / priors[y][k]
    for k, by_year in factors.items():
        known = sorted(by_year)
        for y in years:
            if era_of(y) != "63" or k in touched.get(y, set()) or k not in priors[y]:
                continue
            before = [z for z in known if z < y]
            after = [z for z in known if z > y]
            if before and after:
                a, b = before[-1], after[0]
                f = by_year[a] + (by_year[b] - by_year[a]) * (y - a) / (b - a)
            else:
                f = by_year[(before or after)[-1 if before else 0]]
            priors[y][k] *= f


def _carry_across_reform(priors: dict[int, dict], cons: dict[int, list], years: list[int], ref) -> None:
    """The 34 units start where their provinces ended: a new unit's prior is scaled by how far its old provinces'
    calibrated plans of the last pre-reform year sat from their priors. Without it a unit whose provinces a
    regional figure held low in 2024 (Khánh Hòa + Ninh Thuận: 1,35 % of the nation's KCĐP) went back to its prior in
    2025 (5,1 %), and the Overview's biggest movers (+350 %) were a headline no source states. Units whose provinces
    all had a zero plan (a year without KCQG) keep their prior: a zero is not a level."""
    before = [y for y in years if era_of(y) == "63"]
    after = [y for y in years if era_of(y) == "34"]
    if not before or not after:
        return
    last = before[-1]
    solved = _calibrate_year(priors[last], cons[last], last)
    members: dict[str, list[str]] = {}
    for p, u in zip(ref["reform_2025"].province_code, ref["reform_2025"].unit_code):
        members.setdefault(u, []).append(p)
    for y in after:
        for (u, fund, status) in priors[y]:
            keys = [(p, fund, status) for p in members.get(u, []) if solved.get((p, fund, status), 0) > 0]
            prior = sum(priors[last][k] for k in keys)
            if keys and prior > 0:
                priors[y][(u, fund, status)] *= min(max(sum(solved[k] for k in keys) / prior, 0.25), 4.0)


def _extrapolate(y: int) -> tuple[float, float]:
    """Priors outside 2013–2025 (used by the benchmark's longer histories): the nearest known year."""
    return NATION_PRIOR[min(max(y, 2013), 2025)]


@dataclass
class Constraint:
    figure_id: str
    keys: list[tuple[str, str, str]]  # (unit, fund, status)
    total: float


def _constraint(ref, fig, year: int, total: float) -> Constraint:
    _, fund, status = fig.measure.split(".")
    funds = ["kcqg", "kcdp"] if fund == "total" else [fund]
    units = members(fig.scope, fig.scope_key, year, ref)
    return Constraint(fig.figure_id, [(u, f, status) for u in units for f in funds], total)


def _split_multi_year(ref, figs, years, kcqg_w, kcdp_w) -> dict[int, list[Constraint]]:
    """Per-year constraints. A multi-year total is split across its years in proportion to the national priors;
    a national one first takes, in each year a single-year national figure fixes, that figure (e.g. the 2021 plan
    within 2021–2025's 1.436 tỷ), and spreads only the remainder over the other years."""
    out: dict[int, list[Constraint]] = {}
    single = {}
    for fig in figs.itertuples():
        if fig.scope == "nation" and int(fig.year) == int(fig.year_to):
            single[(int(fig.year), fig.measure.split(".")[1], fig.measure.split(".")[2])] = _target(fig)
    spans = {(f.scope, f.scope_key, int(f.year), int(f.year_to), f.measure) for f in figs.itertuples()}
    for fig in figs.itertuples():
        span = [y for y in years_of(fig) if y in years]
        if not span:
            continue
        _, fund, status = fig.measure.split(".")
        if len(span) > 1 and fund == "total" and all(
                (fig.scope, fig.scope_key, int(fig.year), int(fig.year_to), f"budget.{f}.{status}") in spans
                for f in ("kcqg", "kcdp")):
            continue  # its two funds are split year by year; the total follows from them (calibration checks it)
        if len(span) == 1:
            out.setdefault(span[0], []).append(_constraint(ref, fig, span[0], _target(fig)))
            continue
        total = _target(fig)
        if fig.scope == "nation":
            fixed = {}
            for y in span:
                if (y, fund, status) in single:
                    fixed[y] = single[(y, fund, status)]
                elif fund == "total" and (y, "kcqg", status) in single and (y, "kcdp", status) in single:
                    fixed[y] = single[(y, "kcqg", status)] + single[(y, "kcdp", status)]
            for y, v in fixed.items():
                out.setdefault(y, []).append(_constraint(ref, fig, y, v))
            total -= sum(fixed.values())
            span = [y for y in span if y not in fixed]
            if total < 0 or (not span and abs(total) > 0.5):
                raise BuildError(f"demo calibration: {fig.figure_id} ({_target(fig):g}) is less than its years' own "
                                 f"national figures ({sum(fixed.values()):g}) — the sources contradict each other")
        weight = []
        for y in span:
            kq, kd = NATION_PRIOR.get(y, _extrapolate(y))
            weight.append({"kcqg": kq, "kcdp": kd, "total": kq + kd}[fund])
        if fig.scope == "nation" and span:
            weight = _smooth_spread(total, span, fixed, fund, int(fig.year))
        parts = _apportion(total, weight)
        for y, part in zip(span, parts):
            out.setdefault(y, []).append(_constraint(ref, fig, y, part))
    return out


def _prior_of(y: int, fund: str) -> float:
    kq, kd = NATION_PRIOR.get(y, _extrapolate(y))
    return {"kcqg": kq, "kcdp": kd, "total": kq + kd}[fund]


def _smooth_spread(total: float, span: list[int], fixed: dict[int, float], fund: str, first: int) -> list[float]:
    """What a national period total leaves over, spread over its open years as smoothly as possible: the values
    that add up to `total` with the least sum of squared year-on-year changes along the period, anchored on the
    year before it (its prior) and on the years a national figure fixes. A remainder put into one year would make
    a jump no source states (the landing page once led with "KCQG 2025 ↑ +96,7%" from exactly that)."""
    years = list(range(first - 1, max(span) + 1))
    known = {first - 1: _prior_of(first - 1, fund), **{y: float(v) for y, v in fixed.items()}}
    idx = {y: i for i, y in enumerate(span)}
    n = len(span)
    q = np.zeros((n + 1, n + 1))
    b = np.zeros(n + 1)
    for a, c in zip(years, years[1:]):
        ia, ic = idx.get(a), idx.get(c)
        if ia is not None and ic is not None:
            q[ia, ia] += 1
            q[ic, ic] += 1
            q[ia, ic] -= 1
            q[ic, ia] -= 1
        elif ic is not None:
            q[ic, ic] += 1
            b[ic] += known[a]
        elif ia is not None:
            q[ia, ia] += 1
            b[ia] += known[c]
    q[n, :n] = q[:n, n] = 1  # Lagrange row: the open years add up to the remainder
    b[n] = total
    x = np.linalg.solve(q, b)[:n]
    if (x <= 0).any():  # a remainder too small to spread smoothly: fall back to the priors' proportions
        return [_prior_of(y, fund) for y in span]
    return x.tolist()


def _apportion(total: float, weights: list[float]) -> list[int]:
    """Whole numbers proportional to `weights` that add up to `total` exactly (largest remainder)."""
    raw = np.array(weights, dtype=float) / sum(weights) * total
    base = np.floor(raw).astype(int)
    short = int(round(total)) - int(base.sum())
    for i in np.argsort(-(raw - base), kind="stable")[:short]:
        base[i] += 1
    return base.tolist()


def _calibrate_year(prior: dict, constraints: list[Constraint], year: int) -> dict:
    """Closest integers to `prior` (weighted least squares) that meet every constraint exactly."""
    fixed: dict = {}
    active = []
    for c in constraints:
        if c.total == 0:  # a published zero (e.g. no KCQG in a region): every member is zero
            fixed.update({k: 0.0 for k in c.keys})
        else:
            active.append(c)
    # A unit's own figure larger than a total that contains it (a province spending more than its region) can
    # never be met: say which two figures disagree rather than let the fitting fail without a culprit.
    single = {c.keys[0]: c for c in active if len(c.keys) == 1}
    for c in active:
        inside = [single[k] for k in c.keys if k in single and single[k] is not c]
        if inside and sum(s.total for s in inside) > c.total + 0.5:
            raise BuildError(f"demo calibration for {year}: " + " + ".join(
                f"{s.figure_id} ({s.total:g})" for s in inside) + f" exceed {c.figure_id} ({c.total:g}) that "
                "contains them — a published figure the demo cannot agree with")
    # Iterative proportional fitting: scale each constrained set in turn until all hold. It keeps every value
    # positive and stays as close to the priors as the constraints allow (minimum relative-entropy change).
    values = {k: v for k, v in prior.items() if k not in fixed}
    for _ in range(5000):
        worst = 0.0
        for c in active:
            keys = [k for k in c.keys if k in values]
            current = sum(values[k] for k in keys)
            if current <= 0:
                raise BuildError(f"demo calibration for {year}: {c.figure_id} constrains units whose budgets are all zero")
            factor = c.total / current
            worst = max(worst, abs(factor - 1))
            for k in keys:
                values[k] *= factor
        if worst < 1e-12:
            break
    else:
        off = []
        for c in active:
            keys = [k for k in c.keys if k in values]
            current = sum(values[k] for k in keys)
            if abs(current - c.total) > 1e-6 * max(1.0, c.total):
                off.append(f"{c.figure_id} (stated {c.total:g}, reachable {current:.0f})")
        raise BuildError(f"demo calibration for {year} does not converge: published figures contradict each other: "
                         + ", ".join(off))
    values.update(fixed)
    return _round_preserving(values, active, year)


def _round_preserving(values: dict, constraints: list[Constraint], year: int) -> dict:
    """Round to whole triệu đồng, then repair each constraint (smallest first) on a member no earlier one uses."""
    out = {k: int(np.floor(v + 0.5)) for k, v in values.items()}
    done: set = set()
    for c in sorted(constraints, key=lambda c: len(c.keys)):
        gap = int(round(c.total)) - sum(out[k] for k in c.keys)
        if gap:
            free = [k for k in c.keys if k not in done and out[k] + gap >= 0]
            if not free:
                raise BuildError(f"demo calibration for {year}: cannot meet {c.figure_id} in whole triệu đồng")
            slack = max(free, key=lambda k: out[k])
            out[slack] += gap
        done.update(c.keys)
    for c in constraints:
        assert sum(out[k] for k in c.keys) == int(round(c.total)), (year, c.figure_id)
    return out


# ---------------------------------------------------------------- đề án

def _projects(ref, targets, budget: pd.DataFrame, years, rng, scale: float) -> pd.DataFrame:
    """Đề án that split each unit's fund budget. Built column-wise (numpy arrays per budget row, concatenated once,
    low-cardinality columns as categoricals): the benchmark's 100× build has millions of rows, which per-row Python
    dicts would hold in gigabytes. The random draws happen per budget row in the same order as ever, so a seed
    gives the same đề án."""
    counts = _project_counts(ref, targets, budget, years, rng, scale)
    cats = [c[0] for c in CONTENT_CATEGORIES]
    model, training, advice = (cats.index(c) for c in ("mo-hinh-trinh-dien", "dao-tao-nghe", "tu-van"))
    forced_models = _forced_model_counts(targets)
    per_row = np.zeros(len(budget), dtype=np.int64)
    planned_parts, actual_parts, cat_parts = [], [], []
    for i, (unit, year, fund, planned_total, actual_total) in enumerate(zip(
            budget.unit_code, budget.year, budget.fund, budget.planned_mvnd, budget.actual_mvnd)):
        n = counts.get((unit, year, fund), 0)
        if n == 0:
            continue
        planned = _split_amount(int(planned_total), n, rng)
        actual = (_apportion_np(int(actual_total), np.maximum(planned, 1e-9)) if actual_total
                  else np.zeros(n, dtype=np.int64))
        chosen = rng.choice(len(cats), size=n, p=CATEGORY_WEIGHTS).astype(np.int8)
        if fund == "kcqg":  # a demonstration model above the KCQG ceiling is re-labelled as training
            chosen[(chosen == model) & (planned > KCQG_DEMO_MODEL_CEILING)] = training
        spec = forced_models.get((unit, fund))
        if spec and year in spec["years"]:
            chosen[chosen == model] = advice
        per_row[i] = n
        planned_parts.append(planned)
        actual_parts.append(actual)
        cat_parts.append(chosen)
    rows = np.repeat(np.arange(len(budget), dtype=np.int32), per_row)

    def concat(parts: list, dtype) -> np.ndarray:
        out = np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
        parts.clear()
        return out

    def repeat(col: str) -> pd.Categorical:  # a budget column repeated per đề án, as codes into its few values
        values = budget[col].astype(str)
        levels = sorted(set(values))
        return pd.Categorical.from_codes(pd.Index(levels).get_indexer(values)[rows], levels)

    df = pd.DataFrame({
        "era": repeat("era"), "unit_code": repeat("unit_code"),
        "year": budget.year.to_numpy(dtype=np.int64)[rows], "fund": repeat("fund"),
        "category_id": pd.Categorical.from_codes(concat(cat_parts, np.int8), cats),
        "planned_mvnd": concat(planned_parts, np.int64), "actual_mvnd": concat(actual_parts, np.int64),
    }, copy=False)
    _force_models(df, forced_models, model_id=cats[model])
    df.insert(0, "project_id", _project_ids(budget, rows))
    df["title_vi"] = df["category_id"].cat.rename_categories({c: f"Đề án minh họa ({c})" for c in cats})
    return df


def _project_ids(budget: pd.DataFrame, rows: np.ndarray) -> pd.Series:
    """DEMO-<year>-<unit>-<fund>-<running number, 5+ digits>, joined in Arrow: millions of ids without a Python
    string per id, and the pool's scratch memory handed back before the database insert needs it."""
    prefix = pa.array(("DEMO-" + budget.year.astype(str) + "-" + budget.unit_code.astype(str) + "-"
                       + budget.fund.astype(str) + "-").tolist(), pa.string()).take(pa.array(rows))
    seq = pc.utf8_lpad(pc.cast(pa.array(np.arange(len(rows))), pa.string()), 5, "0")
    ids = pd.Series(pc.binary_join_element_wise(prefix, seq, ""), dtype="str")
    del prefix, seq
    pa.default_memory_pool().release_unused()
    return ids


def _project_counts(ref, targets, budget, years, rng, scale) -> dict:
    """Đề án per (unit, year, fund): Poisson around budget / average size × scale; published counts are met exactly
    (at every scale — the benchmark's larger builds must still agree with every published figure)."""
    counts = {}
    fixed: set = set()
    fixed_by: dict = {}  # which published figure fixed each count, to name it when a broader one cannot be met
    for unit, year, fund, planned in zip(budget.unit_code, budget.year, budget.fund, budget.planned_mvnd):
        if planned <= 0:
            continue
        mean = max(planned / AVG_PROJECT_MVND[fund] * scale, 1.0)
        counts[(unit, year, fund)] = max(1, int(rng.poisson(mean)))
    budget_of = dict(zip(zip(budget.unit_code, budget.year, budget.fund), budget.planned_mvnd))
    # Narrow counts first (a province's KCĐP đề án before its total, a province before the nation): a broader count
    # then spreads only what its fixed members leave over, so every published count holds at once.
    jobs = []
    for fig in targets[targets.measure.str.startswith("projects.count")].itertuples():
        parts = fig.measure.split(".")
        if len(parts) == 4:  # a category count: handled when categories are drawn
            continue
        funds = ["kcqg", "kcdp"] if parts[2] == "all" else [parts[2]]
        keys_of = {y: [(u, y, f) for u in members(fig.scope, fig.scope_key, y, ref) for f in funds
                       if budget_of.get((u, y, f), 0) > 0] for y in years_of(fig) if y in years}
        if fig.period == "multi":  # a period total (Quảng Bình's 152 KCĐP đề án in 2016–2020): one sum over its years
            if keys_of:
                jobs.append((fig, f"{min(keys_of)}–{max(keys_of)}", [k for ks in keys_of.values() for k in ks]))
            continue
        jobs.extend((fig, y, ks) for y, ks in keys_of.items())
    for fig, y, keys in sorted(jobs, key=lambda j: (len(j[2]), j[0].figure_id)):
        free = [k for k in keys if k not in fixed]
        stated = int(_target(fig))  # 'at most 106 đề án and tasks' (2024): the demo's share, see the figure's note
        left = stated - sum(counts[k] for k in keys if k in fixed)
        if left < len(free) or (not free and left != 0):
            inside = sorted({fixed_by[k] for k in keys if k in fixed})
            raise BuildError(f"demo: {fig.figure_id} states {stated} đề án in {y}, which the đề án other "
                             f"published figures fix inside it ({stated - left}: {', '.join(inside) or '–'}) "
                             f"and one per other funded budget ({len(free)}) cannot meet")
        if free:
            # at least one đề án per funded budget, at least 1 triệu each: proportional shares within those bounds.
            # At larger scales the drawn counts dwarf the published one (230 national đề án against thousands
            # drawn), so a plain proportional share would round small units to 0 and break the total.
            new = _apportion_bounded(left, [max(counts[k], 1) for k in free], [1] * len(free),
                                     [max(1, int(budget_of[k])) for k in free], fig.figure_id)
            for k, n in zip(free, new):
                counts[k] = n
                fixed.add(k)
                fixed_by[k] = fig.figure_id
        assert sum(counts[k] for k in keys) == stated, fig.figure_id
    # A published count of one activity type (e.g. Quảng Ninh's 13 KCQG demonstration models in 2014–2018) needs
    # enough đề án under the 500 triệu ceiling: split those budgets finer (never a count fixed above).
    for fig in targets[targets.measure.str.startswith("projects.count.")].itertuples():
        parts = fig.measure.split(".")
        if len(parts) != 4:
            continue
        keys = [(fig.scope_key, y, parts[2]) for y in years_of(fig) if budget_of.get((fig.scope_key, y, parts[2]), 0) > 0]
        need = max(int(fig.value) + 3, math.ceil(sum(budget_of[k] for k in keys) / (KCQG_DEMO_MODEL_CEILING * 0.6)))
        while sum(counts[k] for k in keys) < need:
            free = [k for k in keys if k not in fixed and counts[k] < budget_of[k]]
            if not free:
                break
            k = max(free, key=lambda k: budget_of[k] / counts[k])
            counts[k] += 1
    return counts


def _apportion_bounded(total: int, weights: list[float], lo: list[int], hi: list[int], what: str) -> list[int]:
    """Whole numbers proportional to `weights`, each within [lo, hi], adding up to `total` exactly. Where plain
    proportional shares already respect the bounds they are returned unchanged (so the embedded build's đề án stay
    as they were); otherwise every value starts at its floor and the rest is shared in proportion, capping at the
    ceilings and handing what a capped value cannot take to the others (water-filling)."""
    plain = _apportion(total, weights)
    if all(a <= v <= b for v, a, b in zip(plain, lo, hi)):
        return plain
    if not sum(lo) <= total <= sum(hi):
        raise BuildError(f"demo: {what} = {total} cannot be split with each part within its bounds "
                         f"({sum(lo)}–{sum(hi)} possible)")
    out = list(lo)
    open_ = [i for i in range(len(out)) if out[i] < hi[i]]
    rest = total - sum(lo)
    while rest > 0:
        share = _apportion(rest, [max(weights[i], 1e-9) for i in open_])
        capped = [i for i, s in zip(open_, share) if out[i] + s >= hi[i]]
        if not capped:
            for i, s in zip(open_, share):
                out[i] += s
            break
        for i in capped:  # fill these to their ceiling, share the remainder again among the rest
            rest -= hi[i] - out[i]
            out[i] = hi[i]
        open_ = [i for i in open_ if i not in set(capped)]
    return out


def _apportion_np(total: int, weights: np.ndarray) -> np.ndarray:
    """_apportion for numpy weights, returning an int64 array (same arithmetic, so the same result)."""
    w = np.asarray(weights, dtype=float)
    raw = w / sum(w.tolist()) * total
    base = np.floor(raw).astype(np.int64)
    short = int(round(total)) - int(base.sum())
    base[np.argsort(-(raw - base), kind="stable")[:short]] += 1
    return base


def _split_amount(total: int, n: int, rng) -> np.ndarray:
    if total <= 0:
        return np.zeros(n, dtype=np.int64)
    if n >= total:
        return _apportion_np(total, np.ones(n))
    weights = rng.gamma(2.0, 1.0, n)
    return _apportion_np(total - n, weights) + 1  # every đề án carries at least 1 triệu đồng


def _forced_model_counts(targets) -> dict:
    out = {}
    for fig in targets[targets.measure.str.startswith("projects.count.")].itertuples():
        parts = fig.measure.split(".")
        if len(parts) == 4:
            out[(fig.scope_key, parts[2])] = {"years": set(years_of(fig)), "n": int(fig.value), "figure": fig.figure_id}
    return out


def _force_models(df: pd.DataFrame, forced: dict, model_id: str) -> None:
    """Exactly n demonstration-model đề án for a unit and fund over a span of years (e.g. Quảng Ninh's 13)."""
    for (unit, fund), spec in forced.items():
        sel = df[(df.unit_code == unit) & (df.fund == fund) & df.year.isin(spec["years"])
                 & (df.planned_mvnd <= KCQG_DEMO_MODEL_CEILING)]
        if len(sel) < spec["n"]:
            raise BuildError(f"demo: {spec['figure']} needs {spec['n']} eligible đề án, only {len(sel)} generated")
        df.loc[sel.index[: spec["n"]], "category_id"] = model_id


# ---------------------------------------------------------------- staffing

BANDS = [("staffing.units_ge30", 30, 45), ("staffing.units_20_29", 20, 29), ("staffing.units_10_19", 10, 19),
         ("staffing.units_lt10", 5, 9)]


def _staffing(ref, targets, years, rng) -> pd.DataFrame:
    prov = sorted(ref["province"].province_code)
    t = {f.measure + ("/set" if f.scope == "set" else ""): f for f in targets.itertuples()
         if f.measure.startswith("staffing.")}
    named = t["staffing.units_ge30/set"].scope_key.split()
    others = [p for p in prov if p not in named]
    size = dict(zip(others, rng.lognormal(0, 0.4, len(others))))
    ranked = sorted(others, key=lambda p: -size[p])
    n_band = [int(t[b[0]].value) for b in BANDS]
    if n_band[0] != len(named) or sum(n_band) != len(prov):
        raise BuildError("demo staffing: the size bands do not add up to the 63 centres")
    band_of = {p: 0 for p in named}
    pos = 0
    for bi in (1, 2, 3):
        for p in ranked[pos: pos + n_band[bi]]:
            band_of[p] = bi
        pos += n_band[bi]
    lo = {p: BANDS[band_of[p]][1] for p in prov}
    hi = {p: BANDS[band_of[p]][2] for p in prov}
    total = {p: int(rng.integers(lo[p], hi[p] + 1)) for p in prov}
    _fit_sum(total, int(_target(t["staffing.total"])), lo, hi, rng)
    share = {p: rng.uniform(0.3, 0.5) for p in prov}
    grass = {p: max(1, int(round(total[p] * share[p]))) for p in prov}
    _fit_sum(grass, int(_target(t["staffing.grassroots"])), {p: 1 for p in prov}, {p: total[p] - 1 for p in prov}, rng)

    rows = []
    drift = {p: rng.normal(0.015, 0.02) for p in prov}
    for y in years:
        if y == 2022:
            vals = {p: (total[p], grass[p]) for p in prov}
        else:
            vals = {}
            for p in prov:
                f = (1 + drift[p]) ** (y - 2022)
                tt = max(4, int(round(total[p] * f + rng.normal(0, 0.8))))
                vals[p] = (tt, min(tt - 1, max(1, int(round(grass[p] * f)))))
        if era_of(y) == "34":  # merged centres: the members' staff, streamlined by about 15%
            merged: dict[str, list[int]] = {}
            for p, u in zip(ref["reform_2025"].province_code, ref["reform_2025"].unit_code):
                m = merged.setdefault(u, [0, 0])
                m[0] += vals[p][0]
                m[1] += vals[p][1]
            vals = {u: (int(round(a * 0.85)), int(round(g * 0.85))) for u, (a, g) in merged.items()}
        for c, (a, g) in sorted(vals.items()):
            rows.append({"era": era_of(y), "unit_code": c, "year": y, "staff_total": a, "staff_grassroots": g})
    return pd.DataFrame(rows)


def _fit_sum(values: dict, total: int, lo: dict, hi: dict, rng) -> None:
    """Move values one at a time, within their bounds, until they add up to `total`."""
    keys = sorted(values)
    gap = total - sum(values.values())
    guard = 0
    while gap:
        k = keys[int(rng.integers(len(keys)))]
        step = 1 if gap > 0 else -1
        if lo[k] <= values[k] + step <= hi[k]:
            values[k] += step
            gap -= step
        guard += 1
        if guard > 1_000_000:
            raise BuildError(f"demo: cannot reach a total of {total} within the bands")


# ---------------------------------------------------------------- collaborators

def _collaborators(ref, figures, years, rng) -> pd.DataFrame:
    prov = sorted(ref["province"].province_code)
    t = {f.figure_id: f for f in figures[figures.calibrate == "target"].itertuples() if f.measure.startswith("collab.")}
    # provinces a published figure says have collaborators (e.g. Long Khánh's six, in Đồng Nai) get a network
    must_have = {f.scope_key for f in figures.itertuples() if f.measure == "collab.total_people" and f.value > 0}
    # a province's district collaborators stated for one year (Tuyên Quang 2017: none; Ninh Bình 2016: 8, one per
    # district): the demo holds that many, in as many districts, and the network exists from then on
    district_people = {(f.scope_key, int(f.year)): int(f.value) for f in t.values()
                       if f.measure == "collab.district_people" and f.period == "year"}
    must_have |= {p for (p, _), n in district_people.items() if n > 0}
    at_least = [f for f in figures.itertuples() if f.measure == "collab.total_people" and f.qualifier == "atleast"]
    by_measure = {f.measure: f for f in t.values() if f.scope == "nation"}
    developed = next(f for f in t.values() if f.measure == "collab.developed").scope_key.split()
    # Denominators are real: the official January 2025 counts (admin_count), held for every pre-reform year — the
    # counts of earlier years per province are not sourced (the nation had 705 districts and 10.598 communes in 2023).
    counts = ref.get("admin_count")
    if counts is None:  # a caller that loaded only reference.load() (the benchmark): the repository's counts
        from .published import load_province
        from .reference import admin_counts
        counts = admin_counts(load_province()[0])
    pre = counts[counts.era == "63"].set_index("province_code")
    districts_total = {p: int(pre.districts[p]) for p in prov}
    communes_total = {p: int(pre.communes[p]) for p in prov}
    post = counts[counts.era == "34"].set_index("province_code")
    communes_2025 = {u: (None if pd.isna(post.communes[u]) else int(post.communes[u])) for u in post.index}


    # 2022: which provinces have a network, and how far it reaches
    n_d = int(_target(by_measure["collab.districts_covered"]))
    n_c = int(_target(by_measure["collab.communes_covered"]))
    others = [p for p in prov if p not in developed]
    with_network = sorted(set(rng.choice(others, size=22, replace=False).tolist()) | (must_have - set(developed)))
    dcov = {p: 0 for p in prov}
    for p in developed:
        dcov[p] = districts_total[p]  # developed networks: every district
    for p in with_network:
        dcov[p] = max(1, int(districts_total[p] * rng.uniform(0.15, 0.6)))
    lo = {p: (districts_total[p] if p in developed else (1 if p in with_network else 0)) for p in prov}
    hi = {p: (districts_total[p] if p in developed else (int(districts_total[p] * 0.8) if p in with_network else 0))
          for p in prov}
    # a network a source saw never shrinks below what it saw (Ninh Bình: every district from 2016)
    seen = {}
    for (p, y), n in district_people.items():
        if n > 0:
            seen[p] = (y, min(districts_total[p], n))
            lo[p] = max(lo[p], seen[p][1])
            hi[p] = max(hi[p], lo[p])
            dcov[p] = max(dcov[p], lo[p])
    _fit_sum(dcov, n_d, lo, hi, rng)
    commune_net = developed + sorted(rng.choice(with_network, size=9, replace=False).tolist())
    ccov = {p: (int(rng.integers(8, 30)) if p in commune_net else 0) for p in prov}
    _fit_sum(ccov, n_c, {p: (1 if p in commune_net else 0) for p in prov},
             {p: (communes_total[p] if p in commune_net else 0) for p in prov}, rng)

    start = {p: int(rng.integers(2013, 2021)) for p in prov}
    for (p, y), n in district_people.items():
        if n > 0:
            start[p] = min(start[p], y)
    rows = []
    for y in years:
        vals = {}
        for p in prov:
            grow = 1.0 if y == 2022 else (min(1.0, max(0.0, (y - start[p] + 1) / (2022 - start[p] + 1))) if y < 2022
                                          else 1 + 0.04 * (y - 2022))
            d = min(districts_total[p], int(round(dcov[p] * grow)))
            if p in seen and y > seen[p][0]:
                d = max(d, seen[p][1])
            c = min(communes_total[p], int(round(ccov[p] * grow)))
            vals[p] = [d, d + int(round(d * 0.3)), c, c, districts_total[p], communes_total[p]]
            if (p, y) in district_people:
                people = district_people[(p, y)]
                vals[p][:2] = [min(districts_total[p], people), people]
        for f in t.values():
            if f.measure == "collab.total_people" and int(f.year) == y and f.calibrate == "target":
                v = vals[f.scope_key]
                v[3] = max(0, int(f.value) - v[1])  # commune collaborators make up the stated network size
                v[2] = min(v[2], v[3]) if v[3] else 0
        for f in at_least:  # "six collaborators in one city of Đồng Nai": the province's network is no smaller
            if int(f.year) == y and vals[f.scope_key][1] + vals[f.scope_key][3] < int(f.value):
                v = vals[f.scope_key]
                v[3] = int(f.value) - v[1]
                v[2] = max(v[2], min(v[3], v[5]))
        if era_of(y) == "34":
            vals = _merge_2025(ref, vals, communes_2025)
        for c, v in sorted(vals.items()):
            rows.append({"era": era_of(y), "unit_code": c, "year": y, "districts_covered": v[0],
                         "collaborators_district": v[1], "communes_covered": v[2], "collaborators_commune": v[3],
                         "districts_total": v[4], "communes_total": v[5]})
    df = pd.DataFrame(rows)
    for col in ("districts_covered", "collaborators_district", "districts_total"):
        df[col] = df[col].astype("Int64")
    return df


def _merge_2025(ref, vals: dict, communes_2025: dict[str, int | None]) -> dict:
    """After 1/7/2025 there is no district level and communes were merged (10.035 → 3.321, FACTS.md §2):
    district fields are empty; each unit's communes are its new ones (admin_count, NULL where no source gives
    them) and its covered communes shrink with the merger, never above that count."""
    merged: dict[str, list] = {}
    for p, u in zip(ref["reform_2025"].province_code, ref["reform_2025"].unit_code):
        m = merged.setdefault(u, [None, None, 0, 0, None, 0])
        m[2] += vals[p][2]
        m[3] += vals[p][3]
        m[5] += vals[p][5]
    out = {}
    for u in sorted(merged):
        total = communes_2025.get(u)
        ratio = total / merged[u][5] if total else 3321 / 10035
        covered = int(round(merged[u][2] * ratio))
        out[u] = [None, None, min(total, covered) if total is not None else covered, merged[u][3], None, total]
    return out
