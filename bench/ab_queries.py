"""Before/after for the named SQL: each page query of an older tree on its own build against this tree's on its own,
run alternately, so both see the same load (on a shared machine the absolute times move, the ratios much less).

    git archive <commit> | tar -x -C /tmp/old && ln -s "$PWD/.venv" /tmp/old/.venv
    (cd /tmp/old && .venv/bin/python -m etl build --db /tmp/old.duckdb)          # add --scale 100 --first-year 2006
    .venv/bin/python bench/ab_queries.py /tmp/old /tmp/old.duckdb . bench/out/default.duckdb [runs]

Parameters are bench/run.py's (Params). Prints p50/p95 of both and their ratios; writes bench/out/ab_queries.json.
"""
from __future__ import annotations

import importlib
import json
import logging
import sys
import time
from pathlib import Path


def _load(root: str):
    """dashboard.queries of one tree (the module is imported afresh from that root)."""
    sys.path.insert(0, root)
    try:
        for m in [k for k in sys.modules if k.startswith(("dashboard", "etl"))]:
            del sys.modules[m]
        return importlib.import_module("dashboard.queries")
    finally:
        sys.path.pop(0)


def main(argv: list[str]) -> int:
    old_root, old_db, new_root, new_db = argv[:4]
    runs = int(argv[4]) if len(argv) > 4 else 40
    import duckdb
    import streamlit  # noqa: F401 — quiet its loggers before the query modules' caches warn
    logging.disable(logging.WARNING)
    here = Path(__file__).resolve().parent.parent
    if Path(new_root).resolve() != here:  # the "after" side is the tree this script is run from
        raise SystemExit(f"run bench/ab_queries.py of {new_root} itself (this one is {here})")
    sys.path.insert(0, str(here))
    from bench.run import Params, _pct, _run, named_sql
    new_sql = named_sql()  # this tree's
    old_q = _load(str(Path(old_root).resolve()))
    old_sql = {}
    for name, value in vars(old_q).items():
        if isinstance(value, dict):
            old_sql.update({f"{name}[{k}]": v for k, v in value.items() if isinstance(v, str)})
        elif isinstance(value, str):
            old_sql[name] = value
    old_sql.setdefault("PERIOD_TOTALS", "SELECT * FROM v_period_totals ORDER BY sort_order")  # was inline
    co, cn = duckdb.connect(old_db, read_only=True), duckdb.connect(new_db, read_only=True)
    po, pn = Params(co), Params(cn)
    out = []
    for name, sql in new_sql.items():
        if name.startswith("EXPORTS") or "{" in sql:
            continue
        sn = pn.known(name) or pn.guess(sql)
        so = (po.known(name) or po.guess(old_sql[name])) if name in old_sql else None
        if name == "DECK_AREA_TOTALS":  # before: the area's members; now: its group
            so = [[pn.era(y), y, po.members.get((grp, pn.era(y)), [])] for _, grp, y in sn]
        if sn is None:
            continue
        if so is not None:
            try:
                _run(co, old_sql[name], so[0])
            except duckdb.Error:
                so = None  # the parameters changed with the query
        _run(cn, sql, sn[0])
        a, b = [], []
        for i in range(runs):
            for con, text, sets, times in ((co, old_sql.get(name), so, a), (cn, sql, sn, b)):
                if sets is None:
                    continue
                t0 = time.perf_counter()
                _run(con, text, sets[i % len(sets)])
                times.append((time.perf_counter() - t0) * 1000)
        row = {"query": name, "new_p50": _pct(b, 50), "new_p95": _pct(b, 95)}
        if a:
            row.update(old_p50=_pct(a, 50), old_p95=_pct(a, 95))
            row.update(ratio_p50=row["old_p50"] / row["new_p50"], ratio_p95=row["old_p95"] / row["new_p95"])
        out.append(row)
        nan = float("nan")
        print(f"{name:24} before p50 {row.get('old_p50', nan):7.1f} p95 {row.get('old_p95', nan):7.1f} | "
              f"after p50 {row['new_p50']:6.1f} p95 {row['new_p95']:6.1f} | "
              f"÷ p50 {row.get('ratio_p50', nan):5.1f} p95 {row.get('ratio_p95', nan):5.1f}", flush=True)
    dest = Path(__file__).resolve().parent / "out" / "ab_queries.json"
    dest.parent.mkdir(exist_ok=True)
    dest.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
