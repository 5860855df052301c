"""Benchmark: how fast the warehouse builds and how fast the dashboard answers, at the embedded size and at 100×.

    .venv/bin/python bench/run.py             # or `make bench`: about 4 minutes on 2 cores
    .venv/bin/python bench/run.py --quick     # the default size only, fewer repetitions (about 1 minute)
    .venv/bin/python bench/run.py --only queries   # build both sizes, then time only the named SQL

Measures, at each size: the ETL build (wall time and peak memory of `python -m etl build` in a child process);
the server-side render time of every page (Streamlit's AppTest, cold caches then warm) beside a baseline page that
draws one static chart (bench/baseline_page.py); p50/p95 of every named SQL in dashboard/queries.py on a read-only
DuckDB connection; and the bytes of the budgets map figure sent to the browser. Prints tables, the two sizes side by
side (page query p95, page ÷ baseline), and a PASS/MISS line per target (issue 13: page queries ≤ 5 ms p95 embedded
and ≤ 25 ms at 100×; every page warm ≤ 5× the baseline at both sizes). Pages are timed as ratios to the baseline in
the same run: on a shared machine the seconds move with the load, the ratios much less. Asserts nothing: numbers,
not verdicts on a build server. Results also go to bench/out/results.json.
"""
from __future__ import annotations

import argparse
import ast
import json
import logging
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: the repository, to import from

from etl.paths import ROOT  # noqa: E402

APP = ROOT / "app.py"
BASELINE = ROOT / "bench" / "baseline_page.py"

TARGETS = {  # what the product promises (docs/performance.md; issue 13)
    "build_s": 10.0,  # "builds in seconds" at the embedded size
    "page_ratio": 5.0,  # every page, warm, at most 5× the baseline page, at both sizes
    "query_p95_ms": 5.0,  # every page query at the embedded size
    "query_p95_ms_large": 25.0,  # … and at the large size (100×)
    "export_p95_ms": 50.0,  # whole-table downloads, embedded size
    "map_bytes": 2 * 1024 * 1024,
    "peak_mb_large": 1024.0,  # the 100× build
}


SECTIONS = ("pages", "queries", "map")  # what --only can pick; the build always runs (the others need its file)


@dataclass
class Size:
    label: str
    build_args: list[str]
    db: Path
    results: dict = field(default_factory=dict)


# ---------------------------------------------------------------- ETL build

def measure_build(size: Size, out: Path) -> dict:
    """Wall time and peak RSS of one build, in its own process (os.wait4 gives that child's own max RSS)."""
    log = out / f"build-{size.db.stem}.log"
    cmd = [sys.executable, "-m", "etl", "build", "--db", str(size.db), *size.build_args]
    start = time.perf_counter()
    with open(log, "w", encoding="utf-8") as f:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=f, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    res = {"command": "python -m etl " + " ".join(cmd[3:]).replace(str(ROOT) + "/", ""), "seconds": seconds,
           "peak_rss_mb": usage.ru_maxrss / 1024, "exit": proc.returncode, "log": _shown(log)}
    if proc.returncode == 0:
        import duckdb
        con = duckdb.connect(str(size.db), read_only=True)
        for table in ("budget", "project", "staffing", "collaborators"):
            res[f"rows_{table}"] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 fixed
        res["years"] = "–".join(map(str, con.execute("SELECT min(year), max(year) FROM budget").fetchone()))
        con.close()
        res["db_mb"] = size.db.stat().st_size / 2**20
    else:
        res["error"] = log.read_text(encoding="utf-8")[-400:]
    return res


def _shown(path: Path) -> str:
    """A path as the reader would type it: relative to the repository when inside it."""
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


# ---------------------------------------------------------------- pages

def app_pages() -> list[tuple[str, str]]:
    """(script path, url path) of every page app.py declares, read from its PAGES list without running it."""
    for node in ast.parse(APP.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PAGES" for t in node.targets):
            pages = ast.literal_eval(node.value)  # a list of pages, or sidebar sections → lists of pages
            if isinstance(pages, dict):
                pages = [p for section in pages.values() for p in section]
            return [(p[0], p[3]) for p in pages]
    raise SystemExit("app.py has no PAGES list")


def _quiet_streamlit() -> None:
    """Outside `streamlit run`, every cached call warns that there is no runtime; the warnings are not news."""
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)


def _compile_once() -> None:
    """A server compiles each script once (its ScriptCache lives as long as the process); AppTest makes a new cache
    on every run, which would charge every warm run for parsing and compiling app.py and the page again."""
    import streamlit.testing.v1.app_test as app_test
    import streamlit.testing.v1.local_script_runner as local_runner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    shared = ScriptCache()
    app_test.ScriptCache = local_runner.ScriptCache = lambda: shared


def measure_pages(db: Path, warm_runs: int) -> list[dict]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    _compile_once()

    os.environ["KHUYENCONG_DB"] = str(db)
    AppTest.from_file(str(APP), default_timeout=180).run()  # import every module once: cold means caches, not imports
    _quiet_streamlit()
    rows = []
    for name, script, page in [("baseline (1 static chart)", BASELINE, None)] + \
                              [(url, APP, path) for path, url in app_pages()]:
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(script), default_timeout=180)
        if page:
            at.switch_page(page)
        row = {"page": name, "script": page or str(script.relative_to(ROOT))}
        try:
            start = time.perf_counter()
            at.run()
            row["cold_s"] = time.perf_counter() - start
            warm, cpu = [], []
            for _ in range(warm_runs):
                start, start_cpu = time.perf_counter(), time.process_time()
                at.run()
                warm.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            row["warm_s"] = statistics.median(warm)
            # CPU seconds of this process (the script runs in a thread of it): what a render costs the server,
            # and much steadier than wall time when other work shares the machine
            row["warm_cpu_s"] = statistics.median(cpu)
            row["warm_min_s"] = min(warm)
            row["charts"] = len(at.get("plotly_chart"))
            row["chart_json_kb"] = sum(len(e.proto.spec) for e in at.get("plotly_chart")) / 1024
            row["exception"] = "; ".join(str(e.value).splitlines()[0][:160] for e in at.exception)
        except Exception as e:  # a timeout: report it, keep measuring the rest
            row["exception"] = f"{type(e).__name__}: {str(e)[:160]}"
        rows.append(row)
    base = rows[0].get("warm_s")
    for r in rows:
        if base and r.get("warm_s") is not None:
            r["ratio"] = r["warm_s"] / base
            if rows[0].get("warm_cpu_s"):
                r["cpu_ratio"] = r["warm_cpu_s"] / rows[0]["warm_cpu_s"]
            if r.get("charts"):  # for reading the ratio: the baseline has one chart, most pages four or five
                r["per_chart_ratio"] = r["ratio"] / r["charts"]
    return rows


# ---------------------------------------------------------------- queries

def named_sql() -> dict[str, str]:
    """Every named SQL in dashboard/queries.py: upper-case string constants (and dicts of them) that are SELECTs."""
    import streamlit  # noqa: F401 — its loggers exist once imported; quiet them before queries' caches warn
    _quiet_streamlit()
    import dashboard.queries as q
    out = {}
    for name, value in vars(q).items():
        if not name.isupper() or name.startswith("_"):  # _NAMES are fragments other SQL is made from
            continue
        if isinstance(value, str) and re.match(r"\s*(SELECT|WITH)\b", value, re.I):
            out[name] = value
        elif isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, str) and re.match(r"\s*(SELECT|WITH)\b", v, re.I):
                    out[f"{name}[{k}]"] = v
    return out


class Params:
    """Realistic parameters: every year, the provinces and units in turn, both groupings."""

    def __init__(self, con):
        self.years = [r[0] for r in con.execute("SELECT DISTINCT year FROM budget ORDER BY year").fetchall()]
        self.codes = {era: [r[0] for r in con.execute("SELECT unit_code FROM unit WHERE era = ? ORDER BY unit_code",
                                                        [era]).fetchall()] for era in ("63", "34")}
        self.figures = [r[0] for r in con.execute("SELECT figure_id FROM published_figure ORDER BY 1").fetchall()]
        self.groups = [r[0] for r in con.execute("SELECT group_id FROM grouping_group ORDER BY 1").fetchall()]
        self.group_pairs = con.execute("SELECT grouping_id, group_id FROM grouping_group ORDER BY ALL").fetchall()
        self.group_of: dict[str, list[str]] = {}
        self.members: dict[tuple[str, str], list[str]] = {}
        for g, era, code in con.execute("SELECT group_id, era, member_code FROM grouping_member ORDER BY ALL").fetchall():
            self.members.setdefault((g, era), []).append(code)
            if era == "63":
                self.group_of.setdefault(code, []).append(g)

    @staticmethod
    def era(year: int) -> str:
        return "34" if year >= 2025 else "63"

    def known(self, name: str) -> list[list] | None:
        """The parameters the cached functions in queries.py pass, for the queries this benchmark knows."""
        y63 = [y for y in self.years if y < 2025]
        return {
            "UNIT_YEAR_SAME_ERA": [[y, self.era(y)] for y in self.years],
            "UNIT_YEAR_AS_34": [[y] for y in y63],
            "UNIT_SERIES": [["63", c] for c in self.codes["63"]] + [["34", c] for c in self.codes["34"]],
            "GROUP_SERIES": [["vung"], ["kc_area"]],
            "GROUPS": [[g, e] for g in ("vung", "kc_area") for e in ("63", "34")],
            "UNITS": [["63"], ["34"]],
            "SUCCESSOR": [[c] for c in self.codes["63"]],
            "CATEGORY_SHARES": [[y, self.era(y), self.codes[self.era(y)]] for y in self.years],
            "PROVINCE_FIGURES": [[c, c, self.group_of.get(c, [])] for c in self.codes["63"]],
            "DECK_PUBLISHED": [[y, g, self.members.get((g, self.era(y)), [])]
                               for y in self.years for g in self.groups],
            "DECK_AREA_TOTALS": [[g, grp, y] for y in self.years for g, grp in self.group_pairs],
            "DECK_AREA_TOTALS_AS_34": [[y, self.codes["34"][i % 30:i % 30 + 5]] for i, y in enumerate(y63)],
            "DECK_ORIGINS": [[self.era(y), y, self.members.get((g, self.era(y)), [])]
                             for y in self.years for g in self.groups],
            "OUTREACH_FOR": [[e, c, e, c] for e in ("63", "34") for c in self.codes[e]],
            "PEER_SERIES[63]": [[g, self.codes["63"][i:i + 5]] for i, g in enumerate(["vung", "kc_area"] * 6)],
            "PEER_SERIES[34]": [[g, self.codes["34"][i:i + 5]] for i, g in enumerate(["vung", "kc_area"] * 6)],
        }.get(name)

    GUESSES = [  # for queries added later: the column a ? is compared with, read from the SQL just before it
        (r"\byear\s*(=|<=|>=|<|>)\s*$|\bbetween\s*$|\byear\s*between\s*\?\s*and\s*$", "year"),
        (r"\bera\s*=\s*$", "era"),
        (r"(unit_code|province_code|member_code|\bcode)\s*=\s*$", "unit"),
        (r"list_contains\(\s*$|\bin\s*\(?\s*$|any\s*\(\s*$|unnest\(\s*$", "units"),
        (r"grouping(_id)?\s*=\s*$", "grouping"),
        (r"group_id\s*=\s*$", "group"),
        (r"\bfund\s*=\s*$", "fund"),
        (r"figure_id\s*=\s*$", "figure"),
        (r"category_id\s*=\s*$", "category"),
        (r"\btopic\s*=\s*$", "topic"),
    ]

    def guess(self, sql: str) -> list[list] | None:
        kinds = []
        for m in re.finditer(r"\?", sql):
            before = sql[max(0, m.start() - 60):m.start()].lower()
            kind = next((k for rx, k in self.GUESSES if re.search(rx, before)), None)
            if kind is None:
                return None
            kinds.append(kind)
        if not kinds:
            return [[]]
        sets = []
        for i, year in enumerate(self.years):
            era = self.era(year)
            codes = self.codes[era]
            value = {"year": year, "era": era, "unit": codes[i % len(codes)], "units": codes,
                     "grouping": ("vung", "kc_area")[i % 2], "group": self.groups[i % len(self.groups)],
                     "fund": ("kcqg", "kcdp")[i % 2], "figure": self.figures[i % len(self.figures)],
                     "category": "dao-tao-nghe", "topic": "budget"}
            sets.append([value[k] for k in kinds])
        return sets


def measure_queries(db: Path, budget_s: float, max_runs: int) -> list[dict]:
    import duckdb
    con = duckdb.connect(str(db), read_only=True)
    params = Params(con)
    rows = []
    for name, sql in named_sql().items():
        sets = params.known(name) or params.guess(sql)
        row = {"query": name, "kind": "export" if name.startswith("EXPORTS") else "page"}
        if re.search(r"\{\w+\}", sql):
            continue  # a template that named SQL is made from, not SQL itself
        if sets is None:
            row["note"] = "parameters unknown to the benchmark: add them to Params.known"
            rows.append(row)
            continue
        times, n_rows = [], 0
        try:
            _run(con, sql, sets[0])  # first touch of the file's pages is not what a user waits for twice
            start = time.perf_counter()
            i = 0
            while i < max_runs and (i < 5 or time.perf_counter() - start < budget_s):
                t0 = time.perf_counter()
                n_rows = _run(con, sql, sets[i % len(sets)])
                times.append((time.perf_counter() - t0) * 1000)
                i += 1
                if i >= 3 and time.perf_counter() - start > 4 * budget_s:
                    break  # a slow export: three runs say enough
        except Exception as e:
            row["note"] = f"{type(e).__name__}: {str(e).splitlines()[0][:120]}"
        if times:
            row.update(runs=len(times), rows=n_rows, p50_ms=_pct(times, 50), p95_ms=_pct(times, 95),
                       max_ms=max(times), param_sets=len(sets))
        rows.append(row)
    con.close()
    return rows


def _run(con, sql: str, params: list) -> int:
    cur = con.cursor()  # as dashboard/db.query does: a cursor per call, the result as a DataFrame
    try:
        return len(cur.execute(sql, params).df())
    finally:
        cur.close()


def _pct(values: list[float], p: float) -> float:
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


# ---------------------------------------------------------------- map payload

def measure_map(db: Path) -> list[dict]:
    """The budgets choropleth exactly as pages/kinh_phi.py builds it, serialised as the browser receives it."""
    import streamlit as st

    os.environ["KHUYENCONG_DB"] = str(db)
    st.cache_data.clear()
    st.cache_resource.clear()
    from dashboard import charts, exports, maps, metrics, queries
    rows = []
    last = queries.years()[-1]
    for year, view in ((last, "34"), (last - 1, "63"), (last - 1, "34")):
        df = queries.unit_year(year, view)
        col = metrics.metric_col("total", "planned", "amount")
        fig, real = maps.choropleth(df, col, view, "mvnd", "vi", grouping="vung")
        charts.style(fig, f"Kinh phí {year}", "triệu đồng", "vi", bool(df.any_demo.any()), height=680)
        # the borders go once per browser as static files (maps.STATIC_DIR); "inline" is the figure carrying them,
        # as every rerun did before, and as the HTML/PNG/SVG exports still do
        served = [tr.geojson for tr in fig.data if isinstance(getattr(tr, "geojson", None), str)]
        rows.append({"year": year, "view": view, "real_map": real, "bytes": len(fig.to_json().encode("utf-8")),
                     "inline_bytes": len(exports.with_borders(fig).to_json().encode("utf-8")),
                     "static_bytes": sum((maps.STATIC_DIR / u.rsplit("/", 1)[1].split("?")[0]).stat().st_size
                                        for u in served)})
    return rows


# ---------------------------------------------------------------- report

def table(rows: list[dict], cols: list[tuple[str, str, str]]) -> str:
    """Fixed-width text table; cols are (key, header, format)."""
    def cell(r, k, f):
        v = r.get(k)
        if v is None or v == "":
            return "–"
        return format(v, f) if f else str(v)
    body = [[h for _, h, _ in cols]] + [[cell(r, k, f) for k, _, f in cols] for r in rows]
    widths = [max(len(line[i]) for line in body) for i in range(len(cols))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths)))
             for line in body]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def verdicts(sizes: list[Size]) -> list[dict]:
    out = []

    def add(target, value, ok, detail=""):
        out.append({"target": target, "measured": value, "result": "PASS" if ok else "MISS", "detail": detail})

    default, large = sizes[0], (sizes[1] if len(sizes) > 1 else None)
    b = default.results["build"]
    add(f"build at default size < {TARGETS['build_s']:.0f} s", f"{b['seconds']:.1f} s",
        b["exit"] == 0 and b["seconds"] < TARGETS["build_s"])
    for s in sizes if "pages" in default.results else []:
        pages = [r for r in s.results["pages"][1:]]
        bad = [r for r in pages if r.get("ratio") is None or r["ratio"] > TARGETS["page_ratio"] or r.get("exception")]
        worst = max((r.get("ratio") or 0 for r in pages), default=0)
        add(f"every page warm ≤ {TARGETS['page_ratio']:.0f}× baseline ({s.label})", f"worst {worst:.2f}×", not bad,
            ", ".join(f"{r['page']} {r.get('ratio') or 0:.2f}×" + (" (exception)" if r.get("exception") else "")
                      for r in bad))
    checks = [(default, "page", TARGETS["query_p95_ms"]), (default, "export", TARGETS["export_p95_ms"])]
    if large:
        checks.insert(1, (large, "page", TARGETS["query_p95_ms_large"]))
    for size, kind, limit in checks if "queries" in default.results else []:
        part = [r for r in size.results["queries"] if r["kind"] == kind and r.get("p95_ms") is not None]
        bad = [r for r in part if r["p95_ms"] > limit]
        unknown = [r for r in size.results["queries"] if r["kind"] == kind and r.get("p95_ms") is None]
        worst = max((r["p95_ms"] for r in part), default=0)
        add(f"every {'page query' if kind == 'page' else 'export query'} p95 ≤ {limit:g} ms ({size.label})",
            f"worst {worst:.1f} ms", not bad and not unknown,
            ", ".join([f"{r['query']} {r['p95_ms']:.1f} ms" for r in bad] + [f"{r['query']} not run" for r in unknown]))
    if "map" in default.results:
        worst_map = max(r["bytes"] for s in sizes for r in s.results["map"])
        add("map payload < 2 MB", f"{worst_map / 1024:.0f} KB", worst_map < TARGETS["map_bytes"]
            and all(r["real_map"] for s in sizes for r in s.results["map"]))
    if large:
        lb = large.results["build"]
        add(f"peak memory of the {large.label} build < 1 GB", f"{lb['peak_rss_mb']:.0f} MB",
            lb["exit"] == 0 and lb["peak_rss_mb"] < TARGETS["peak_mb_large"])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=100, help="the large size's đề án scale factor (default 100)")
    ap.add_argument("--first-year", type=int, default=2006, help="the large size's first year (default 2006)")
    ap.add_argument("--quick", action="store_true", help="default size only, fewer repetitions")
    ap.add_argument("--warm-runs", type=int, default=None, help="warm renders per page (default 9, quick 3)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--only", choices=SECTIONS, action="append",
                    help="measure only these sections after the build (repeatable; default: all)")
    args = ap.parse_args(argv)
    only = set(args.only or SECTIONS)
    warm_runs = args.warm_runs or (3 if args.quick else 9)  # the median of 9: the floor page is 10–30 ms, noise shows
    args.out.mkdir(parents=True, exist_ok=True)
    scale = f"{args.scale:g}×"
    sizes = [Size("default", [], args.out / "default.duckdb")]
    if not args.quick:
        sizes.append(Size(scale, ["--scale", f"{args.scale:g}", "--first-year", str(args.first_year)],
                          args.out / f"scale{args.scale:g}.duckdb"))
    started = time.perf_counter()
    load_before = os.getloadavg()
    print(f"# khuyến công benchmark · {os.cpu_count()} CPUs · Python {platform.python_version()} · "
          f"load average {load_before[0]:.1f} (other work on the machine inflates every number)")

    for s in sizes:
        print(f"building {s.label} …", flush=True)
        s.results["build"] = measure_build(s, args.out)
    print("\n## ETL build (python -m etl build, one child process each; peak = its max RSS)")
    print(table([{"size": s.label, **s.results["build"]} for s in sizes], [
        ("size", "size", ""), ("seconds", "wall s", ".1f"), ("peak_rss_mb", "peak MB", ".0f"),
        ("rows_project", "đề án rows", ",d"), ("rows_budget", "budget rows", ",d"), ("years", "years", ""),
        ("db_mb", "file MB", ".1f"), ("exit", "exit", "")]))
    for s in sizes:
        if s.results["build"]["exit"] != 0:
            print(f"\nthe {s.label} build failed ({s.results['build']['log']}):\n{s.results['build']['error']}")
            return 1

    for s in sizes if "pages" in only else []:
        print(f"\nrendering pages ({s.label}) …", flush=True)
        s.results["pages"] = measure_pages(s.db, warm_runs)
        print(f"\n## Page render, server side ({s.label}; AppTest; cold = caches cleared; warm = median of {warm_runs})")
        print(table(s.results["pages"], [
            ("page", "page", ""), ("cold_s", "cold s", ".2f"), ("warm_s", "warm s", ".3f"),
            ("ratio", "warm ÷ baseline", ".2f"), ("warm_cpu_s", "warm CPU s", ".3f"),
            ("cpu_ratio", "CPU ÷ baseline", ".2f"), ("charts", "charts", ""), ("per_chart_ratio", "÷ charts", ".2f"),
            ("chart_json_kb", "chart JSON KB", ".0f"),
            ("exception", "exception", "")]))

    for s in sizes if "queries" in only else []:
        print(f"\nqueries ({s.label}) …", flush=True)
        s.results["queries"] = measure_queries(s.db, budget_s=1.0 if args.quick else 2.0,
                                               max_runs=30 if args.quick else 100)
        print(f"\n## Named SQL in dashboard/queries.py ({s.label}; read-only DuckDB, cursor per call, result as DataFrame)")
        print(table(s.results["queries"], [
            ("query", "query", ""), ("kind", "kind", ""), ("p50_ms", "p50 ms", ".1f"), ("p95_ms", "p95 ms", ".1f"),
            ("max_ms", "max ms", ".1f"), ("runs", "runs", ""), ("rows", "rows", ",d"), ("note", "note", "")]))

    if len(sizes) > 1 and "queries" in only:  # the two sizes side by side: what issue 13's targets are stated in
        print("\n## Page queries, p95 ms at each size (target ≤ "
              f"{TARGETS['query_p95_ms']:g} ms embedded, ≤ {TARGETS['query_p95_ms_large']:g} ms at {sizes[1].label})")
        by = [{r["query"]: r for r in s.results["queries"]} for s in sizes]
        print(table([{"query": q, "a": r.get("p95_ms"), "a50": r.get("p50_ms"), "b": by[1].get(q, {}).get("p95_ms"),
                      "b50": by[1].get(q, {}).get("p50_ms"), "rows": by[1].get(q, {}).get("rows")}
                     for q, r in by[0].items() if r["kind"] == "page"], [
            ("query", "query", ""), ("a50", f"p50 {sizes[0].label}", ".1f"), ("a", f"p95 {sizes[0].label}", ".1f"),
            ("b50", f"p50 {sizes[1].label}", ".1f"), ("b", f"p95 {sizes[1].label}", ".1f"),
            ("rows", f"rows {sizes[1].label}", ",d")]))
    if len(sizes) > 1 and "pages" in only:
        print(f"\n## Pages, warm ÷ baseline at each size (target ≤ {TARGETS['page_ratio']:g}×; measured in this run)")
        pb = [{r["page"]: r for r in s.results["pages"]} for s in sizes]
        print(table([{"page": p, "a": r.get("ratio"), "b": pb[1].get(p, {}).get("ratio"), "ms": r.get("warm_s"),
                      "msb": pb[1].get(p, {}).get("warm_s")} for p, r in pb[0].items()], [
            ("page", "page", ""), ("a", f"ratio {sizes[0].label}", ".2f"), ("b", f"ratio {sizes[1].label}", ".2f"),
            ("ms", f"warm s {sizes[0].label}", ".3f"), ("msb", f"warm s {sizes[1].label}", ".3f")]))

    for s in sizes if "map" in only else []:
        s.results["map"] = measure_map(s.db)
    if "map" in only:
        print("\n## Budgets map as sent to the browser on each rerun (fig.to_json(), built as pages/kinh_phi.py does); "
              "its borders are static files fetched once per browser")
        print(table([{"size": s.label, **r, "kb": r["bytes"] / 1024, "ikb": r["inline_bytes"] / 1024,
                      "skb": r["static_bytes"] / 1024} for s in sizes for r in s.results["map"]], [
            ("size", "size", ""), ("year", "year", ""), ("view", "units", ""), ("real_map", "real map", ""),
            ("kb", "KB per rerun", ".0f"), ("ikb", "KB with borders inline", ".0f"), ("skb", "static KB once", ".0f")]))

    v = verdicts(sizes)
    print("\n## Targets")
    print(table(v, [("target", "target", ""), ("measured", "measured", ""), ("result", "result", "")]))
    for r in v:
        if r["detail"]:
            print(f"  {r['result']} {r['target']}: {r['detail']}")
    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()
    print(f"\n(benchmark took {elapsed:.0f} s; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after; "
          f"results in {_shown(args.out / 'results.json')})")
    (args.out / "results.json").write_text(json.dumps({
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_before": load_before, "load_after": load_after},
        "elapsed_s": elapsed, "targets": v, "sizes": {s.label: s.results for s in sizes}},
        indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
