"""The data-quality report: what is demo, what disagrees with itself in the sources, what fails calibration."""
from __future__ import annotations

from pathlib import Path

import duckdb


def report(db_path: Path, out=print) -> int:
    """Print the report; return 0 when clean, 1 when there are errors (calibration failures, missing database)."""
    if not Path(db_path).exists():
        out(f"LỖI / ERROR: không có cơ sở dữ liệu {db_path} — chạy `python -m etl build` / no database, run `python -m etl build`")
        return 1
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        errors = 0
        out("== Nguồn gốc dữ liệu / Data origin ==")
        for t in ("budget", "project", "staffing", "collaborators", "outreach"):
            rows = con.execute(f"SELECT origin, count(*) FROM {t} GROUP BY origin ORDER BY origin").fetchall()  # noqa: S608
            out(f"  {t:<14} " + ", ".join(f"{o}: {n:,}".replace(",", ".") for o, n in rows))
        out("== Mâu thuẫn trong nguồn / Source discrepancies ==")
        for fid, src, stated, rec, status, formula in con.execute("""
                SELECT figure_id, source_id, stated, recomputed, status, formula FROM source_check
                WHERE status <> 'consistent' ORDER BY status, figure_id""").fetchall():
            out(f"  [{status}] {fid} ({src}): stated {stated:g}, recomputed {rec:.4g} = {formula}")
        out("== Đối chiếu số liệu công bố / Calibration against published figures ==")
        rows = con.execute("SELECT figure_id, warehouse_value, low, high, ok FROM calibration_check ORDER BY ok, figure_id").fetchall()
        bad = [r for r in rows if not r[4]]
        out(f"  {len(rows) - len(bad)} / {len(rows)} published figures agree with the warehouse")
        for fid, v, lo, hi, _ in bad:
            out(f"  FAIL {fid}: warehouse {v}, allowed {lo:g}–{hi:g}")
            errors += 1
        imported = con.execute("SELECT count(*) FROM import_log WHERE outcome = 'loaded'").fetchone()[0]
        out(f"== Nhập liệu / Imports == {imported} file(s) loaded")
        return 1 if errors else 0
    finally:
        con.close()
