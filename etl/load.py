"""Loading filled templates and plain CSV/XLSX files into the warehouse.

A load is all-or-nothing per file and never touches the live database until the new one is complete: the database
is copied beside itself, the files are applied and validated in the copy, the raw files are archived under
<data_dir>/imports/ (so that `python -m etl build` replays them), and only then is the copy renamed over the
original. A rejected file, a file loaded before, or a crash at any point leave the database byte for byte as it was.

A kill between archiving and the rename would leave manifests for a load the database never committed. So the
files about to be archived are first listed in imports/.pending-loads; replay skips listed files, and the next
load or build (under the same lock) keeps those the database's import_log holds and deletes the rest, together
with temporary files a killed load or build left behind.
"""
from __future__ import annotations

import contextlib
import errno
import getpass
import json
import os
import re
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from . import build, calibration, imports, published, reference
from .common import DATA, DEFAULT_DB, REFORM_YEAR, BuildError, DataError
from .imports import DataWarning, Manifest, ParsedFile

MAX_BYTES = imports.MAX_BYTES
PENDING = imports.PENDING
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
        return imports.source_id(self.sha256) if self.sha256 else None


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
        total = dict.fromkeys(imports.TABLES, 0)
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
    with storage_errors(db_path, data_dir), _exclusive(imports_dir):
        recover(db_path, imports_dir)
        with _scratch_copy(db_path) as tmp:
            con = duckdb.connect(str(tmp))
            try:
                applied = _apply_all(con, pending, imports_dir, imported_by, now or datetime.now(timezone.utc))
                if not applied:
                    return result
                build._validate(con)
                result.calibration_failed = _recalibrate(con, data_dir)
                if dry_run:
                    for outcome, *_ in applied:
                        outcome.outcome = "valid"
                    return result
                with _archived(imports_dir, applied, db_path):
                    # The digest covers data/, archive included, so it must be taken after archiving.
                    con.execute("UPDATE build_info SET value = ? WHERE key = 'input_sha256'",
                                [build._input_digest(data_dir)])
                    con.execute("CHECKPOINT")
                    con.close()
                    _commit(tmp, db_path)
                (imports_dir / PENDING).unlink(missing_ok=True)  # committed: the archive is the database's now
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
        name, data = imports.safe_name(Path(item).name), None
        try:
            data = _read_regular_file(Path(item), max_bytes)
        except _Refused as e:
            return _rejected(name, *e.args)
    name = imports.safe_name(name)  # what the import log, the archive's manifest and every message call the file
    parsed = imports.parse(name, data, max_bytes)
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
        raise _Refused(*imports.too_big(st.st_size, max_bytes))
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
    sequence = max([m.sequence for m in imports.read_manifests(imports_dir)] if imports_dir.exists() else [], default=0)
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
            imports.apply(con, parsed, manifest)
            outcome.warnings += jump_warnings(con, parsed)
            con.execute("COMMIT")
        except duckdb.IOException:  # the disk, not the file: no file can be loaded, say so once (storage_errors)
            _rollback(con)
            raise
        except Exception as e:  # noqa: BLE001 — whatever this file did wrong, the next file stands or falls alone
            _rollback(con)
            outcome.outcome = "rejected"
            detail = imports.shorten(f"{type(e).__name__}: {e}", 200)
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
    build._insert(con, "calibration_check", checks)
    return sorted(checks[~checks.ok].figure_id)


@contextlib.contextmanager
def _exclusive(imports_dir: Path):
    """One load at a time: two app sessions loading together would each replace the other's database."""
    imports_dir.mkdir(parents=True, exist_ok=True)
    with open(imports_dir / ".lock", "a") as f:
        try:
            import fcntl
        except ImportError:  # not on POSIX: no lock, loads must not overlap
            yield
            return
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@contextlib.contextmanager
def _scratch_copy(db_path: Path):
    """A copy of the database beside it (same file system, so the final rename is atomic), removed on the way out
    unless it has become the database."""
    if Path(str(db_path) + ".wal").exists():
        raise BuildError(f"{db_path} đang được ghi (có tệp .wal); thử lại sau / {db_path} is being written "
                         "(a .wal file exists); try again later")
    fd, name = tempfile.mkstemp(prefix=db_path.name + ".tmp-", dir=db_path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        shutil.copyfile(db_path, tmp)
        # mkstemp makes the copy 0600; a viewer running under another account must still open the new file
        os.chmod(tmp, stat.S_IMODE(db_path.stat().st_mode))
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)


def _commit(tmp: Path, db_path: Path) -> None:
    os.replace(tmp, db_path)


@contextlib.contextmanager
def _archived(imports_dir: Path, applied: list[tuple], db_path: Path):
    """Archive each applied file and its manifest; undo exactly that if the block fails. The manifest is written
    last: a data file without one is an interrupted load that replay ignores. Before anything is archived the
    files are listed in PENDING, which the caller removes once the database holds them: a kill in between leaves
    a list that `recover` settles against the database."""
    undo: list[tuple[Path, bytes | None]] = []
    journal = imports_dir / PENDING
    try:
        _write_atomic(journal, json.dumps({"db": str(Path(db_path).resolve()),
                                           "sha256": [p.sha256 for _, p, *_ in applied]}).encode("utf-8"))
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


def _write_atomic(path: Path, content: bytes) -> None:
    part = path.with_name(path.name + ".part")
    with open(part, "wb") as f:
        f.write(content)
        f.flush()
        os.fsync(f.fileno())
    os.replace(part, path)


def recover(db_path: Path, imports_dir: Path) -> list[str]:
    """Settle what a killed load or build left; call it holding the lock (`_exclusive`). Archived files listed as
    pending are kept if the database they were loaded into holds them (the kill came after the rename) and deleted
    otherwise; temporary files no live process holds are deleted. Returns what was deleted, for tests and logs."""
    removed = []
    imports_dir = Path(imports_dir)
    journal = imports_dir / PENDING
    if journal.exists():
        try:
            pending = json.loads(journal.read_text(encoding="utf-8"))
            target, shas = Path(pending["db"]), [s for s in pending["sha256"] if re.fullmatch(r"[0-9a-f]{64}", s)]
        except (ValueError, KeyError, TypeError):  # a journal cut short: nothing was archived after it
            target, shas = Path(db_path), []
        committed = _committed(target, shas)
        for sha in shas:
            if sha not in committed:
                for p in imports_dir.glob(sha + ".*"):
                    p.unlink(missing_ok=True)
                    removed.append(p.name)
        journal.unlink(missing_ok=True)
    for part in imports_dir.glob("*.part"):
        part.unlink(missing_ok=True)
        removed.append(part.name)
    db_path = Path(db_path)
    if db_path.parent.is_dir():
        temps = set(db_path.parent.glob(db_path.name + ".tmp-*")) | set(db_path.parent.glob(db_path.name + ".*.tmp*"))
        for p in sorted(temps):
            owner = Path(str(p).removesuffix(".wal"))
            if p.is_file() and not _held(owner):
                p.unlink(missing_ok=True)
                removed.append(p.name)
    return removed


def _committed(db_path: Path, shas: list[str]) -> set[str]:
    if not shas or not db_path.exists():
        return set()
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error:  # no readable database to vouch for them: they were never committed anywhere usable
        return set()
    try:
        return {r[0] for r in con.execute("SELECT file_sha256 FROM import_log WHERE file_sha256 IN (SELECT unnest(?))",
                                          [shas]).fetchall()}
    finally:
        con.close()


def _held(path: Path) -> bool:
    """Whether another process holds a lock on the file: DuckDB locks the database files it has open."""
    try:
        import fcntl
    except ImportError:
        return True  # cannot tell: keep it
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}


class StorageError(BuildError):
    """The disk, not the data: full, read-only, or gone. The previous database is untouched."""


@contextlib.contextmanager
def storage_errors(db_path: Path, data_dir: Path):
    """A full disk or a read-only folder as a short message in both languages instead of a traceback."""
    try:
        yield
    except StorageError:
        raise
    except (OSError, duckdb.IOException) as e:
        if isinstance(e, OSError) and e.errno not in STORAGE_ERRNOS:
            raise  # a missing input file is not a storage problem, and says so itself
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT) or "space" in str(e).lower():
            vi, en = "ổ đĩa đã đầy", "the disk is full"
        elif isinstance(e, OSError) and e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            vi, en = "thư mục chỉ đọc hoặc không có quyền ghi", "the folder is read-only or not writable"
        else:
            vi = en = imports.shorten(getattr(e, "strerror", None) or str(e), 160)
        where = imports.shorten(str(getattr(e, "filename", None) or db_path.parent), 160)
        raise StorageError(f"không ghi được ({vi}: {where}); cơ sở dữ liệu cũ được giữ nguyên, không tệp nào được "
                           f"nạp / could not write ({en}: {where}); the previous database is unchanged and no file "
                           "was loaded") from e


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
