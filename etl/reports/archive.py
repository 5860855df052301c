"""The archive of loaded reports, data/imports/: each file as it was loaded, with a manifest beside it (who, when,
in which order). A load applies a parsed file to the database and archives it; every rebuild replays the archive in
load order, so what users loaded survives a rebuild. Files still listed as pending (`warehouse.PENDING`: a load
killed before its rename) are not replayed.
"""
from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from .. import warehouse
from ..errors import DataError
from .parse import ParsedFile, parse, sha256_of


def source_id(sha256: str) -> str:
    return f"import:{sha256[:12]}"


@dataclass
class Manifest:
    """What the archive keeps beside a loaded file: enough to replay it exactly, in the same order."""

    sha256: str
    original_name: str
    imported_by: str
    imported_at: str  # UTC, ISO 8601
    sequence: int  # load order; a later file overrides an earlier one for the same keys
    archive: str  # file name inside data/imports/
    rows: dict[str, int]
    format: int = 1

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


@dataclass
class Replayed:
    parsed: ParsedFile
    manifest: Manifest


def apply(con, parsed: ParsedFile, manifest: Manifest) -> None:
    """Insert a parsed file's rows as origin 'imported', replacing earlier imported rows for the same keys (and,
    for đề án, earlier imported đề án of the same unit, year and fund), and record the import."""
    sid = source_id(parsed.sha256)
    con.execute("INSERT INTO source VALUES (?, 'import', ?, ?, ?, ?, ?)", [
        sid, manifest.original_name, manifest.imported_by, manifest.imported_at[:10], f"imports/{manifest.archive}",
        "imported report; takes precedence over demo rows"])
    keys = {"budget": ("era", "unit_code", "year", "fund"), "project": ("era", "unit_code", "year", "fund"),
            "staffing": ("era", "unit_code", "year"), "collaborators": ("era", "unit_code", "year"),
            "outreach": ("era", "unit_code", "year")}
    for table, cols in keys.items():
        rows = parsed.tables[table]
        if not rows:
            continue
        names = [c[0] for c in con.execute(f"SELECT * FROM {table} LIMIT 0").description]  # noqa: S608 — fixed names
        frame = pd.DataFrame(rows, dtype=object).assign(origin="imported", source_id=sid).reindex(columns=names)
        con.register("import_rows", frame)
        try:
            match = " AND ".join(f"t.{c} = f.{c}" for c in cols)
            con.execute(f"DELETE FROM {table} t USING (SELECT DISTINCT {', '.join(cols)} FROM import_rows) f "
                        f"WHERE t.origin = 'imported' AND {match}")  # noqa: S608 — fixed names
            con.execute(f"INSERT INTO {table} SELECT * FROM import_rows")  # noqa: S608 — fixed names
        finally:
            con.unregister("import_rows")
    n = parsed.counts()
    con.execute("INSERT INTO import_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'loaded', ?, ?)", [
        sid, manifest.original_name, parsed.sha256, manifest.imported_at, manifest.imported_by,
        n["budget"], n["project"], n["staffing"], n["collaborators"], f"imports/{manifest.archive}", n["outreach"]])


def read_manifests(imports_dir: Path) -> list[Manifest]:
    """The archive's manifests in load order. A data file without a manifest is an interrupted load, and so is
    a manifest still listed as pending: both ignored."""
    out = []
    pending = warehouse.pending_shas(imports_dir)
    for p in sorted(Path(imports_dir).glob("*.json")):
        if p.stem in pending:
            continue
        try:
            m = Manifest(**json.loads(p.read_text(encoding="utf-8")))
        except (ValueError, TypeError) as e:
            raise DataError(f"imports/{p.name}", f"tệp mô tả lưu trữ hỏng ({e})",
                            f"archive manifest is damaged ({e})") from e
        out.append(m)
    return sorted(out, key=lambda m: (m.sequence, m.imported_at, m.sha256))


def replay(imports_dir: Path, ref=None) -> list[Replayed]:
    """Every archived import, parsed again, in load order, so that a rebuild keeps what users loaded. An archived
    file that no longer parses stops the build (the previous database stays) rather than silently vanishing."""
    imports_dir = Path(imports_dir)
    if not imports_dir.exists():
        return []
    out = []
    for m in read_manifests(imports_dir):
        path = imports_dir / m.archive
        label = f"imports/{m.archive} ({m.original_name})"
        if not path.exists():
            raise DataError(label, "thiếu tệp lưu trữ", "the archived file is missing")
        data = path.read_bytes()
        if sha256_of(data) != m.sha256:
            raise DataError(label, "tệp lưu trữ đã bị sửa (mã băm khác)",
                            "the archived file was altered (hash differs)")
        parsed = parse(m.archive, data, max_bytes=None, label=label)
        if parsed.errors:
            raise parsed.errors[0]
        out.append(Replayed(parsed, m))
    return out


def insert_replayed(con, imported: list[Replayed]) -> None:
    for r in imported:
        apply(con, r.parsed, r.manifest)


@contextlib.contextmanager
def archived(imports_dir: Path, applied: list[tuple], db_path: Path):
    """Archive each applied file and its manifest; undo exactly that if the block fails. The manifest is written
    last: a data file without one is an interrupted load that replay ignores. Before anything is archived the
    files are listed as pending, a list the caller removes once the database holds them: a kill in between leaves
    a list that `warehouse.recover` settles against the database."""
    undo: list[tuple[Path, bytes | None]] = []
    journal = imports_dir / warehouse.PENDING
    try:
        warehouse.write_pending(imports_dir, db_path, [p.sha256 for _, p, *_ in applied])
        for _, parsed, manifest, data in applied:
            for path, content in ((imports_dir / manifest.archive, data),
                                  (imports_dir / f"{parsed.sha256}.json", manifest.to_json().encode("utf-8"))):
                undo.append((path, path.read_bytes() if path.exists() else None))
                part = path.with_name(path.name + ".part")
                part.write_bytes(content)
                os.replace(part, path)
        yield
    except BaseException:
        for path, previous in reversed(undo):
            if previous is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(previous)
        for part in imports_dir.glob("*.part"):
            part.unlink(missing_ok=True)
        journal.unlink(missing_ok=True)
        raise
