"""Step 4: assemble one DuckDB file from data/ — atomically, deterministically.

The database is written to a temporary file beside the target, validated (calibration against every published
figure, referential checks), and only then renamed over the previous one. Any failure leaves the previous
database untouched.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from . import calibration, demo, imports, published, reference
from .common import CONTENT_CATEGORIES, DATA, DEFAULT_DB, FUNDS, BuildError

SCHEMA = Path(__file__).with_name("schema.sql")
COMMENTS = Path(__file__).with_name("comments.sql")  # the data dictionary, as DuckDB comments beside the columns


def build(db_path: Path = DEFAULT_DB, data_dir: Path = DATA, demo_opts: demo.DemoOptions | None = None,
          log=print) -> dict:
    """Build the warehouse at `db_path`. Returns a summary; raises DataError/BuildError without touching the old file."""
    from .load import _exclusive, recover, storage_errors  # a load at the same time would be overwritten otherwise
    with storage_errors(Path(db_path), Path(data_dir)), _exclusive(Path(data_dir) / "imports"):
        recover(Path(db_path), Path(data_dir) / "imports")  # what a killed load or build left behind
        return _build(Path(db_path), Path(data_dir), demo_opts, log)


def _build(db_path: Path, data_dir: Path, demo_opts: demo.DemoOptions | None, log) -> dict:
    ref = reference.load(data_dir / "reference")
    stated, sources = published.load(data_dir / "published")
    consistency = published.source_consistency(stated)
    curated, province_figs, province_sources = published.load_province(data_dir / "published")
    # the demo is calibrated to the curated province, region and nation figures as to figures.csv
    figures = pd.concat([stated, province_figs], ignore_index=True)
    targets = reference.programme_targets(ref, stated, data_dir / "reference")
    ref["admin_count"] = reference.admin_counts(curated, data_dir / "reference")  # the demo's real denominators
    facts = demo.generate(ref, figures, demo_opts)
    facts["budget"] = pd.concat([facts["budget"], published.published_facts(curated, ref)], ignore_index=True)
    imported = imports.replay(data_dir / "imports", ref)  # real reports loaded earlier, kept across rebuilds

    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=db_path.name + ".", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    os.unlink(tmp_name)  # DuckDB creates the file itself
    tmp = Path(tmp_name)
    try:
        con = duckdb.connect(str(tmp))
        try:
            con.execute(SCHEMA.read_text(encoding="utf-8"))
            _insert(con, "source", pd.concat([sources, province_sources], ignore_index=True))
            _insert(con, "province", ref["province"])
            _insert(con, "unit_2025", ref["unit_2025"])
            _insert(con, "reform_2025", ref["reform_2025"])
            _insert(con, "province_alias", ref["province_alias"])
            _insert(con, '"grouping"', ref["grouping"])
            _insert(con, "grouping_group", ref["grouping_group"])
            _insert(con, "grouping_member", ref["grouping_member"])
            _insert(con, "fund", pd.DataFrame([(k, *v) for k, v in FUNDS.items()],
                                              columns=["fund", "label", "name_vi", "name_en"]))
            _insert(con, "content_category", pd.DataFrame(
                [(c[0], i + 1, c[1], c[2]) for i, c in enumerate(CONTENT_CATEGORIES)],
                columns=["category_id", "sort_order", "name_vi", "name_en"]))
            _insert(con, "published_figure", figures)
            _insert(con, "programme_period", ref["programme_period"])
            _insert(con, "programme_target", targets)
            _insert(con, "agency_name", ref["agency_name"])
            _insert(con, "province_figure", curated)
            _insert(con, "admin_count", ref["admin_count"])
            _insert(con, "population", reference.populations(curated))
            _insert(con, "source_check", consistency)
            con.execute("INSERT INTO source VALUES ('demo-generator', 'demo', 'Dữ liệu minh họa (etl/demo.py)', "
                        "'this product', '', 'etl/demo.py', 'generated; calibrated to published figures')")
            for table in ("budget", "project", "staffing", "collaborators"):
                _insert(con, table, facts[table])
            imports.insert_replayed(con, imported)
            checks = calibration.check_all(con, figures, ref)
            _insert(con, "calibration_check", checks)
            failed = checks[~checks.ok]
            has_imports = con.execute("SELECT count(*) FROM import_log").fetchone()[0] > 0
            if len(failed) and not has_imports:
                raise BuildError("demo data disagrees with published figures: " + ", ".join(
                    f"{r.figure_id} (warehouse {r.warehouse_value}, allowed {r.low}–{r.high})" for r in failed.itertuples()))
            _validate(con)
            con.execute(COMMENTS.read_text(encoding="utf-8"))
            digest = _input_digest(data_dir)
            con.executemany("INSERT INTO build_info VALUES (?, ?)", [
                ("input_sha256", digest), ("demo_seed", str((demo_opts or demo.DemoOptions()).seed)),
                ("schema", SCHEMA.name),
            ])
            con.execute("CHECKPOINT")
            summary = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 — fixed table names
                       for t in ("budget", "project", "staffing", "collaborators", "published_figure")}
            summary["discrepancies"] = int((consistency.status == "discrepancy").sum())
            summary["calibration_failed"] = int(len(failed))
        finally:
            con.close()
        if db_path.exists():  # keep the previous file's permissions: a viewer under another account must open it
            os.chmod(tmp, db_path.stat().st_mode & 0o7777)
        os.replace(tmp, db_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        raise
    log(f"built {db_path} · " + " · ".join(f"{k}: {v}" for k, v in summary.items() if k != "discrepancies"))
    if summary["discrepancies"]:  # the sources' own contradictions, kept as found: information, not a build error
        n = summary["discrepancies"]
        log(f"  {n} mâu thuẫn giữa các nguồn đã ghi nhận / {n} disagreements between sources recorded "
            "(xem / see: python -m etl check)")
    return summary


def _insert(con, table: str, df: pd.DataFrame) -> None:
    cols = [c[0] for c in con.execute(f"SELECT * FROM {table} LIMIT 0").description]  # noqa: S608 — fixed names
    frame = df.reindex(columns=cols)
    con.register("frame_in", frame)
    con.execute(f"INSERT INTO {table} SELECT * FROM frame_in")  # noqa: S608 — fixed names
    con.unregister("frame_in")


def _validate(con) -> None:
    """Referential checks: every fact points at a unit of its era, a known fund and category, a known source."""
    problems = con.execute("""
        SELECT 'budget' t, count(*) FROM budget b ANTI JOIN unit u USING (era, unit_code)
        UNION ALL SELECT 'staffing', count(*) FROM staffing s ANTI JOIN unit u USING (era, unit_code)
        UNION ALL SELECT 'collaborators', count(*) FROM collaborators c ANTI JOIN unit u USING (era, unit_code)
        UNION ALL SELECT 'project', count(*) FROM project p ANTI JOIN unit u USING (era, unit_code)
        UNION ALL SELECT 'project category', count(*) FROM project p ANTI JOIN content_category USING (category_id)
        UNION ALL SELECT 'budget fund', count(*) FROM budget ANTI JOIN fund USING (fund)
        UNION ALL SELECT 'budget source', count(*) FROM budget ANTI JOIN source USING (source_id)
        UNION ALL SELECT 'figure source', count(*) FROM published_figure ANTI JOIN source USING (source_id)
        UNION ALL SELECT 'negative amount', count(*) FROM budget WHERE planned_mvnd < 0 OR actual_mvnd < 0
        UNION ALL SELECT 'programme period source', count(*) FROM programme_period ANTI JOIN source USING (source_id)
        UNION ALL SELECT 'agency source', count(*) FROM agency_name a
            WHERE a.source_id IS NOT NULL AND a.source_id NOT IN (SELECT source_id FROM source)
    """).fetchall()
    bad = [f"{t}: {n}" for t, n in problems if n]
    if bad:
        raise BuildError("referential checks failed: " + "; ".join(bad))


def _input_digest(data_dir: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(data_dir.rglob("*")):
        if p.is_file() and p.suffix in {".csv", ".geojson", ".json", ".xlsx"} and "khuyencong" not in p.name:
            h.update(str(p.relative_to(data_dir)).encode())
            h.update(p.read_bytes())
    for p in sorted(Path(__file__).parent.glob("*.py")) + [SCHEMA, COMMENTS]:
        h.update(p.read_bytes())
    return h.hexdigest()
