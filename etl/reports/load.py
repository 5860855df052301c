"""Loading filled templates and plain CSV/XLSX files into the warehouse.

A load is all-or-nothing per file and never touches the live database until the new one is complete: the database
is copied beside itself, the files are applied and validated in the copy, the raw files are archived under
<data_dir>/imports/ (so that `python -m etl build` replays them), and only then is the copy renamed over the
original. A rejected file, a file loaded before, or a crash at any point leave the database byte for byte as it was.

The lock, the scratch copy, the rename and the recovery after a kill are etl/warehouse.py's, shared with the build.
"""
from __future__ import annotations

import contextlib
import getpass
import os
import stat
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from .. import calibration, marts, published, reference, warehouse
from ..errors import BuildError, DataError, DataWarning, shorten
from ..paths import DATA, DEFAULT_DB
from ..vocabulary import REFORM_YEAR
from . import archive
from .archive import Manifest
from .kinds import TABLES
from .parse import MAX_BYTES, ParsedFile, parse, safe_name, too_big

JUMP = 3  # a value above 3× or below 1/3 of the previous year's is worth a second look


@dataclass
class FileOutcome:
    file: str  # the name the user gave it
    outcome: str  # 'loaded' | 'already loaded' | 'rejected' | 'valid' (dry run)
    sha256: str | None = None
    rows: dict[str, int] = field(default_factory=dict)
    warnings: list[DataWarning] = field(default_factory=list)
    errors: list[DataError] = field(default_factory=list)

    @property
    def source_id(self) -> str | None:
        return archive.source_id(self.sha256) if self.sha256 else None


@dataclass
class LoadResult:
    files: list[FileOutcome]
    db_changed: bool = False
    calibration_failed: list[str] = field(default_factory=list)  # published figures the loaded data now contradicts

    @property
    def ok(self) -> bool:
        return all(f.outcome != "rejected" for f in self.files)

    @property
    def rows(self) -> dict[str, int]:
        total = dict.fromkeys(TABLES, 0)
        for f in self.files:
            if f.outcome == "loaded":
                for t, n in f.rows.items():
                    total[t] += n
        return total

    @property
    def warnings(self) -> list[DataWarning]:
        return [w for f in self.files for w in f.warnings]

    @property
    def errors(self) -> list[DataError]:
        return [e for f in self.files for e in f.errors]


def load_files(paths, db_path: Path = DEFAULT_DB, imported_by: str | None = None, data_dir: Path = DATA, *,
               max_bytes: int = MAX_BYTES, dry_run: bool = False, now: datetime | None = None) -> LoadResult:
    """Load each file into the database at `db_path`, archiving it under `data_dir`/imports.

    A file is a path, a (name, bytes) pair or a Streamlit UploadedFile. Returns one outcome per file, in order.
    Data errors never raise: they reject their file. Anything else (a crash, a full disk, no database) raises, with
    the database and the archive as they were. Readers holding a connection keep seeing the old database until
    they reconnect (the file is replaced, not edited)."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    db_path, data_dir = Path(db_path), Path(data_dir)
    imported_by = imported_by or _login()
    outcomes: list[FileOutcome] = []
    pending: list[tuple[FileOutcome, ParsedFile, bytes]] = []
    for item in paths:
        outcome, parsed, data = _parse_item(item, max_bytes)
        outcomes.append(outcome)
        if parsed is not None:
            pending.append((outcome, parsed, data))
    result = LoadResult(outcomes)
    if not pending:
        return result
    if not db_path.exists():
        raise BuildError(f"không có cơ sở dữ liệu {db_path}; chạy `python -m etl build` trước / "
                         f"no database at {db_path}; run `python -m etl build` first")
    imports_dir = data_dir / "imports"
    # module attributes, not imported names: the fault tests replace them
    with warehouse.storage_errors(db_path, data_dir), warehouse.exclusive(imports_dir):
        warehouse.recover(db_path, imports_dir)
        with warehouse.scratch_copy(db_path) as tmp:
            con = duckdb.connect(str(tmp))
            try:
                applied = _apply_all(con, pending, imports_dir, imported_by, now or datetime.now(timezone.utc))
                if not applied:
                    return result
                warehouse.validate(con)
                result.calibration_failed = _recalibrate(con, data_dir)
                marts.refresh(con)  # the pages read these: they must show the loaded rows
                if dry_run:
                    for outcome, *_ in applied:
                        outcome.outcome = "valid"
                    return result
                with archive.archived(imports_dir, applied, db_path):
                    # The digest covers data/, archive included, so it must be taken after archiving.
                    con.execute("UPDATE build_info SET value = ? WHERE key = 'input_sha256'",
                                [warehouse.input_digest(data_dir)])
                    con.execute("CHECKPOINT")
                    con.close()
                    warehouse.commit(tmp, db_path)
                (imports_dir / warehouse.PENDING).unlink(missing_ok=True)  # committed: the archive is the database's now
            finally:
                con.close()
    for outcome, *_ in applied:
        outcome.outcome = "loaded"
    result.db_changed = True
    return result


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _parse_item(item, max_bytes: int) -> tuple[FileOutcome, ParsedFile | None, bytes | None]:
    if isinstance(item, tuple):
        name, data = item
    elif hasattr(item, "getvalue"):  # a Streamlit UploadedFile
        name, data = item.name, item.getvalue()
    else:
        name, data = safe_name(Path(item).name), None
        try:
            data = _read_regular_file(Path(item), max_bytes)
        except _Refused as e:
            return _rejected(name, *e.args)
    name = safe_name(name)  # what the import log, the archive's manifest and every message call the file
    parsed = parse(name, data, max_bytes)
    outcome = FileOutcome(name, "rejected" if parsed.errors else "pending", parsed.sha256, parsed.counts(),
                          list(parsed.warnings), list(parsed.errors))
    return (outcome, None, None) if parsed.errors else (outcome, parsed, data)


class _Refused(Exception):
    """(vi, en): the path cannot be read as an upload."""


def _read_regular_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of an ordinary file, at most max_bytes + 1 of them. A symlink is refused rather than followed (it
    can point anywhere the loader's account may read), and so is a device or a pipe (/dev/zero never ends)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise _Refused("không tìm thấy tệp", "file not found") from None
    except OSError as e:
        raise _Refused(f"không đọc được tệp ({e.strerror})", f"the file cannot be read ({e.strerror})") from None
    if stat.S_ISLNK(st.st_mode):
        raise _Refused("đây là liên kết tượng trưng (symlink); hãy nạp chính tệp gốc",
                       "this is a symbolic link; load the file it points to instead")
    if not stat.S_ISREG(st.st_mode):
        raise _Refused("không phải là tệp thông thường (thư mục, thiết bị hay ống dẫn)",
                       "not a regular file (a folder, device or pipe)")
    if st.st_size > max_bytes:  # refuse before reading a runaway file into memory
        raise _Refused(*too_big(st.st_size, max_bytes))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:  # swapped for a symlink since lstat, or unreadable
        raise _Refused(f"không đọc được tệp ({e.strerror})", f"the file cannot be read ({e.strerror})") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise _Refused("không phải là tệp thông thường", "not a regular file")
        return f.read(max_bytes + 1)  # a file still growing cannot pass the limit either


def _rejected(name: str, vi: str, en: str) -> tuple[FileOutcome, None, None]:
    return FileOutcome(name, "rejected", errors=[DataError(name, vi, en)]), None, None


def _apply_all(con, pending, imports_dir: Path, imported_by: str, now: datetime) -> list[tuple]:
    """Apply every new file to the scratch copy, in order; each in its own transaction so one failing file does
    not take the others with it. Returns (outcome, parsed, manifest, raw bytes) for the files applied."""
    loaded = {r[0] for r in con.execute("SELECT file_sha256 FROM import_log").fetchall()}
    sequence = max([m.sequence for m in archive.read_manifests(imports_dir)] if imports_dir.exists() else [], default=0)
    applied = []
    for outcome, parsed, data in pending:
        if parsed.sha256 in loaded:  # same bytes as a file already in the database: nothing to do, nothing to say
            outcome.outcome = "already loaded"
            outcome.rows, outcome.warnings = {}, []
            continue
        sequence += 1
        manifest = Manifest(parsed.sha256, parsed.name, imported_by, now.strftime("%Y-%m-%dT%H:%M:%SZ"), sequence,
                            parsed.sha256 + parsed.suffix, parsed.counts())
        con.execute("BEGIN")
        try:
            archive.apply(con, parsed, manifest)  # a module attribute: the fault tests replace it
            outcome.warnings += jump_warnings(con, parsed)
            con.execute("COMMIT")
        except duckdb.IOException:  # the disk, not the file: no file can be loaded, say so once (storage_errors)
            _rollback(con)
            raise
        except Exception as e:  # noqa: BLE001 — whatever this file did wrong, the next file stands or falls alone
            _rollback(con)
            outcome.outcome = "rejected"
            detail = shorten(f"{type(e).__name__}: {e}", 200)
            outcome.errors.append(e if isinstance(e, DataError) else DataError(
                parsed.name, f"không ghi được vào cơ sở dữ liệu ({detail}); các tệp khác không bị ảnh hưởng",
                f"could not be written to the database ({detail}); other files are not affected"))
            sequence -= 1
            continue
        loaded.add(parsed.sha256)
        applied.append((outcome, parsed, manifest, data))
    return applied


def _rollback(con) -> None:
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK")


def jump_warnings(con, parsed: ParsedFile) -> list[DataWarning]:
    """Budget rows far from the same unit and fund's previous year, as the database now stands (earlier years in
    the same file count). Across the 2025 reform the previous year is the sum of the provinces a unit absorbed."""
    rows = parsed.tables["budget"]
    if not rows:
        return []
    prev = {}
    for era, unit, year, fund, planned, actual in con.execute("""
            SELECT era, unit_code, year + 1, fund, planned_mvnd, actual_mvnd FROM budget_current
            UNION ALL
            SELECT '34', r.unit_code, b.year + 1, b.fund, sum(b.planned_mvnd), sum(b.actual_mvnd)
            FROM budget_current b JOIN reform_2025 r ON b.era = '63' AND r.province_code = b.unit_code
            WHERE b.year + 1 = ? GROUP BY ALL""", [REFORM_YEAR]).fetchall():
        prev[(era, unit, year, fund)] = {"planned_mvnd": planned, "actual_mvnd": actual}
    out = []
    for r in rows:
        before = prev.get((r["era"], r["unit_code"], r["year"], r["fund"]))
        if before is None:
            continue
        for col in ("planned_mvnd", "actual_mvnd"):
            old, new = before[col], r[col]
            if old and new is not None and (new > JUMP * old or new * JUMP < old):
                label = parsed.headers[(r["_sheet"], col)]
                ratio, last = f"{new / old:.2g}", r["year"] - 1
                out.append(DataWarning(parsed.name, f"{new} triệu đồng so với {old} triệu đồng năm {last} (gấp {ratio} lần)",
                                       f"{new} triệu đồng against {old} triệu đồng in {last} ({ratio}×)",
                                       row=r["_row"], column=label, sheet=r["_sheet"]))
    return out


def _recalibrate(con, data_dir: Path) -> list[str]:
    """Recompute the calibration table as a rebuild would, so that a load and a rebuild give the same database."""
    figures = published.calibration_figures(data_dir / "published")
    checks = calibration.check_all(con, figures, reference.load(data_dir / "reference"))
    con.execute("DELETE FROM calibration_check")
    warehouse.insert(con, "calibration_check", checks)
    return sorted(checks[~checks.ok].figure_id)


def report(result: LoadResult) -> str:
    """The outcome as the CLI prints it."""
    lines = []
    for f in result.files:
        mark = {"loaded": "✓ đã nạp / loaded", "already loaded": "= đã nạp trước đó / already loaded",
                "rejected": "✗ bị từ chối / rejected", "valid": "✓ hợp lệ (chưa nạp) / valid (dry run)"}[f.outcome]
        counts = ", ".join(f"{t} {n}" for t, n in f.rows.items() if n)
        lines.append(f"{mark}: {f.file}" + (f" — {counts}" if counts and f.outcome != "rejected" else "")
                     + (f" [{f.source_id}]" if f.outcome == "loaded" else ""))
        for e in f.errors:
            lines.append("    LỖI / ERROR  " + str(e).replace("\n", "\n                 "))
        for w in f.warnings:
            lines.append("    CHÚ Ý / NOTE " + str(w).replace("\n", "\n                 "))
    if result.calibration_failed:
        lines.append("Số liệu công bố không còn khớp / published figures now contradicted: "
                     + ", ".join(result.calibration_failed))
    if not result.ok:
        lines.append("Tệp bị từ chối không được nạp gì; cơ sở dữ liệu không đổi vì các tệp đó. / "
                     "Nothing was loaded from a rejected file.")
    return "\n".join(lines)
