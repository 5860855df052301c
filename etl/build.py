"""Step 4: assemble one DuckDB file from data/ — atomically, deterministically.

The database is written to a temporary file beside the target, validated (calibration against every published
figure, referential checks), and only then renamed over the previous one. Any failure leaves the previous
database untouched.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from . import calibration, demo, marts, published, reference, warehouse
from .errors import BuildError
from .paths import DATA, DEFAULT_DB
from .reports import archive
from .vocabulary import CONTENT_CATEGORIES, FUNDS

SCHEMA = Path(__file__).with_name("schema.sql")
COMMENTS = Path(__file__).with_name("comments.sql")  # the data dictionary, as DuckDB comments beside the columns


def build(db_path: Path = DEFAULT_DB, data_dir: Path = DATA, demo_opts: demo.DemoOptions | None = None,
          log=print) -> dict:
    """Build the warehouse at `db_path`. Returns a summary; raises DataError/BuildError without touching the old file."""
    # under the loaders' lock: a load at the same time would be overwritten otherwise
    with warehouse.storage_errors(Path(db_path), Path(data_dir)), warehouse.exclusive(Path(data_dir) / "imports"):
        warehouse.recover(Path(db_path), Path(data_dir) / "imports")  # what a killed load or build left behind
        return _build(Path(db_path), Path(data_dir), demo_opts, log)


def gather(data_dir: Path, demo_opts: demo.DemoOptions | None = None) -> dict:
    """What the build stores, before it is stored: the reference tables, the published figures and their sources,
    and the facts (demo rows, with the published rows beside them). The docs' build figures are checked on it."""
    ref = reference.load(data_dir / "reference")
    stated, sources = published.load(data_dir / "published")
    consistency = published.source_consistency(stated)
    curated, province_figs, province_sources = published.load_province(data_dir / "published")
    # the demo is calibrated to the curated province, region and nation figures as to figures.csv
    figures = pd.concat([stated, province_figs], ignore_index=True)
    targets = reference.programme_targets(ref, stated, data_dir / "reference")
    ref["admin_count"] = reference.admin_counts(curated, data_dir / "reference")  # the demo's real denominators
    disputed = pd.concat([published.count_disagreements(curated, stated),
                          published.budget_disagreements(curated, stated)], ignore_index=True)
    consistency = pd.concat([consistency, disputed], ignore_index=True)
    # two sources disagreeing on a count or an amount: both kept and listed as a discrepancy; no demo value can meet both
    figures.loc[figures.figure_id.isin(disputed.figure_id), "calibrate"] = "no"
    facts = demo.generate(ref, figures, demo_opts)
    facts["budget"] = pd.concat([facts["budget"], published.published_facts(curated, ref, stated)],
                                ignore_index=True)
    facts["outreach"] = published.published_outreach(curated, ref)  # no demo rows: a gap where no source states one
    facts["project_count"], collab_published = published.published_counts(curated, stated, ref)
    facts["collaborators"] = pd.concat([facts["collaborators"], collab_published], ignore_index=True)
    return {"ref": ref, "sources": sources, "province_sources": province_sources, "figures": figures,
            "targets": targets, "curated": curated, "consistency": consistency, "facts": facts}


def _build(db_path: Path, data_dir: Path, demo_opts: demo.DemoOptions | None, log) -> dict:
    g = gather(data_dir, demo_opts)
    ref, sources, province_sources, figures = g["ref"], g["sources"], g["province_sources"], g["figures"]
    targets, curated, consistency, facts = g["targets"], g["curated"], g["consistency"], g["facts"]
    imported = archive.replay(data_dir / "imports", ref)  # real reports loaded earlier, kept across rebuilds

    tmp = warehouse.new_temporary(db_path)
    try:
        con = duckdb.connect(str(tmp))
        try:
            con.execute(SCHEMA.read_text(encoding="utf-8"))
            warehouse.insert(con, "source", pd.concat(
                [sources, province_sources, reference.population_sources(data_dir / "published")], ignore_index=True))
            warehouse.insert(con, "province", ref["province"])
            warehouse.insert(con, "unit_2025", ref["unit_2025"])
            warehouse.insert(con, "reform_2025", ref["reform_2025"])
            warehouse.insert(con, "province_alias", ref["province_alias"])
            warehouse.insert(con, '"grouping"', ref["grouping"])
            warehouse.insert(con, "grouping_group", ref["grouping_group"])
            warehouse.insert(con, "grouping_member", ref["grouping_member"])
            warehouse.insert(con, "fund", pd.DataFrame([(k, *v) for k, v in FUNDS.items()],
                                                       columns=["fund", "label", "name_vi", "name_en"]))
            warehouse.insert(con, "content_category", pd.DataFrame(
                [(c[0], i + 1, c[1], c[2]) for i, c in enumerate(CONTENT_CATEGORIES)],
                columns=["category_id", "sort_order", "name_vi", "name_en"]))
            warehouse.insert(con, "published_figure", figures)
            warehouse.insert(con, "programme_period", ref["programme_period"])
            warehouse.insert(con, "programme_target", targets)
            warehouse.insert(con, "agency_name", ref["agency_name"])
            warehouse.insert(con, "province_figure", curated)
            warehouse.insert(con, "admin_count", ref["admin_count"])
            warehouse.insert(con, "population", reference.populations(curated, data_dir / "published"))
            warehouse.insert(con, "source_check", consistency)
            con.execute("INSERT INTO source VALUES ('demo-generator', 'demo', 'Dữ liệu minh họa (etl/demo.py)', "
                        "'this product', '', 'etl/demo.py', 'generated; calibrated to published figures')")
            for table in ("budget", "project", "project_count", "staffing", "collaborators", "outreach"):
                warehouse.insert(con, table, facts[table])
            facts.clear()  # stored now; at 100× the đề án frames are hundreds of MB the marts below would sit on top of
            archive.insert_replayed(con, imported)
            checks = calibration.check_all(con, figures, ref)
            warehouse.insert(con, "calibration_check", checks)
            failed = checks[~checks.ok]
            has_imports = con.execute("SELECT count(*) FROM import_log").fetchone()[0] > 0
            if len(failed) and not has_imports:
                raise BuildError("demo data disagrees with published figures: " + ", ".join(
                    f"{r.figure_id} (warehouse {r.warehouse_value}, allowed {r.low}–{r.high})" for r in failed.itertuples()))
            # a published value replaces the demo's on screen; the demo's own value beneath must still agree with it
            contradicting = calibration.demo_contradictions(con)
            if len(contradicting) and not has_imports:
                raise BuildError("demo data contradicts published values: " + ", ".join(
                    f"{r.figure_id} {r.what} (published {r.published}, demo {r.demo})"
                    for r in contradicting.itertuples()))
            warehouse.validate(con)
            con.execute(COMMENTS.read_text(encoding="utf-8"))
            marts.refresh(con)  # after the comments: each mart takes its view's
            digest = warehouse.input_digest(data_dir)
            con.executemany("INSERT INTO build_info VALUES (?, ?)", [
                ("input_sha256", digest), ("demo_seed", str((demo_opts or demo.DemoOptions()).seed)),
                ("schema", SCHEMA.name),
            ])
            con.execute("CHECKPOINT")
            summary = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 — fixed table names
                       for t in ("budget", "project", "staffing", "collaborators", "outreach",
                                 "published_figure")}
            summary["discrepancies"] = int((consistency.status == "discrepancy").sum())
            summary["calibration_failed"] = int(len(failed))
        finally:
            con.close()
        warehouse.commit(tmp, db_path)
    except BaseException:
        warehouse.discard(tmp)
        raise
    log(f"built {db_path} · " + " · ".join(f"{k}: {v}" for k, v in summary.items() if k != "discrepancies"))
    if summary["discrepancies"]:  # the sources' own contradictions, kept as found: information, not a build error
        n = summary["discrepancies"]
        log(f"  {n} mâu thuẫn giữa các nguồn đã ghi nhận / {n} disagreements between sources recorded "
            "(xem / see: python -m etl check)")
    return summary

