"""Writing the warehouse file safely, for both writers (`etl/build.py` and the report loader): one writer at a time,
work in a temporary file beside the live one, validate, then rename it into place keeping the old file's
permissions. Anything left by a writer killed half-way is settled here, under the same lock.

A load archives report files under data/imports/ before its rename; a kill in between would leave archived files
the database never committed. So the files about to be archived are first listed in imports/.pending-loads
(`write_pending`); replay skips listed files (`pending_shas`), and the next load or build keeps those the
database's import_log holds and deletes the rest (`recover`).
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from .errors import BuildError, shorten

ETL_DIR = Path(__file__).parent
PENDING = ".pending-loads"  # files of a load not yet committed, in data/imports/


@contextlib.contextmanager
def exclusive(imports_dir: Path):
    """One writer at a time: two app sessions loading together, or a load during a build, would each replace the
    other's database."""
    imports_dir.mkdir(parents=True, exist_ok=True)
    with open(imports_dir / ".lock", "a") as f:
        try:
            import fcntl
        except ImportError:  # not on POSIX: no lock, writers must not overlap
            yield
            return
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def new_temporary(db_path: Path) -> Path:
    """A fresh, not yet existing path beside `db_path` (same file system, so the final rename is atomic) for a
    database built from nothing; DuckDB creates the file itself. `recover` knows its name pattern."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=db_path.name + ".", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    os.unlink(name)
    return Path(name)


@contextlib.contextmanager
def scratch_copy(db_path: Path):
    """A copy of the database beside it, to change and then `commit`; removed on the way out unless it has become
    the database."""
    if Path(str(db_path) + ".wal").exists():
        raise BuildError(f"{db_path} đang được ghi (có tệp .wal); thử lại sau / {db_path} is being written "
                         "(a .wal file exists); try again later")
    fd, name = tempfile.mkstemp(prefix=db_path.name + ".tmp-", dir=db_path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        shutil.copyfile(db_path, tmp)
        yield tmp
    finally:
        discard(tmp)


def discard(tmp: Path) -> None:
    """Remove a temporary database and its write-ahead log, if they are there."""
    tmp.unlink(missing_ok=True)
    Path(str(tmp) + ".wal").unlink(missing_ok=True)


def commit(tmp: Path, db_path: Path) -> None:
    """Rename the finished temporary file over the database. Readers holding a connection keep the old file until
    they reconnect. The previous file's permission bits are kept: mkstemp makes the new file 0600, and a viewer
    running under another account must still open it."""
    if db_path.exists():
        os.chmod(tmp, stat.S_IMODE(db_path.stat().st_mode))
    os.replace(tmp, db_path)


def insert(con, table: str, df: pd.DataFrame) -> None:
    """Append `df` to `table`, matching columns by name (missing ones become NULL)."""
    cols = [c[0] for c in con.execute(f"SELECT * FROM {table} LIMIT 0").description]  # noqa: S608 — fixed names
    frame = df.reindex(columns=cols)
    con.register("frame_in", frame)
    con.execute(f"INSERT INTO {table} SELECT * FROM frame_in")  # noqa: S608 — fixed names
    con.unregister("frame_in")


def validate(con) -> None:
    """Referential checks: every fact points at a unit of its era, a known fund and category, a known source."""
    problems = con.execute("""
        SELECT 'budget' t, count(*) FROM budget b ANTI JOIN unit u USING (era, unit_code)
        UNION ALL SELECT 'staffing', count(*) FROM staffing s ANTI JOIN unit u USING (era, unit_code)
        UNION ALL SELECT 'collaborators', count(*) FROM collaborators c ANTI JOIN unit u USING (era, unit_code)
        UNION ALL SELECT 'project', count(*) FROM project p ANTI JOIN unit u USING (era, unit_code)
        UNION ALL SELECT 'outreach', count(*) FROM outreach o ANTI JOIN unit u USING (era, unit_code)
        UNION ALL SELECT 'outreach source', count(*) FROM outreach ANTI JOIN source USING (source_id)
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


def input_digest(data_dir: Path) -> str:
    """SHA-256 of everything a build reads: data/ (the archive of loaded reports included) and the etl code and
    SQL, so that two databases with the same digest were built from the same inputs."""
    h = hashlib.sha256()
    for p in sorted(data_dir.rglob("*")):
        if p.is_file() and p.suffix in {".csv", ".geojson", ".json", ".xlsx"} and "khuyencong" not in p.name:
            h.update(str(p.relative_to(data_dir)).encode())
            h.update(p.read_bytes())
    for p in sorted(p for p in ETL_DIR.rglob("*") if p.suffix in {".py", ".sql"}):
        h.update(p.read_bytes())
    return h.hexdigest()


def write_atomic(path: Path, content: bytes) -> None:
    """Write `path` whole or not at all: a `.part` file, flushed to disk, then renamed."""
    part = path.with_name(path.name + ".part")
    with open(part, "wb") as f:
        f.write(content)
        f.flush()
        os.fsync(f.fileno())
    os.replace(part, path)


def write_pending(imports_dir: Path, db_path: Path, shas: list[str]) -> None:
    """List the files a load is about to archive for `db_path`, before it archives any of them."""
    write_atomic(imports_dir / PENDING, json.dumps({"db": str(Path(db_path).resolve()), "sha256": shas}).encode("utf-8"))


def pending_shas(imports_dir: Path) -> set[str]:
    """Files listed as part of a load in progress (or killed): not the database's until `recover` says so."""
    try:
        return set(json.loads((Path(imports_dir) / PENDING).read_text(encoding="utf-8"))["sha256"])
    except FileNotFoundError:
        return set()
    except (ValueError, KeyError, TypeError):
        return set()


def recover(db_path: Path, imports_dir: Path) -> list[str]:
    """Settle what a killed load or build left; call it holding the lock (`exclusive`). Archived files listed as
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
        # the names scratch_copy (db.tmp-*) and new_temporary (db.*.tmp) give, with their .wal files
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
            vi = en = shorten(getattr(e, "strerror", None) or str(e), 160)
        where = shorten(str(getattr(e, "filename", None) or db_path.parent), 160)
        raise StorageError(f"không ghi được ({vi}: {where}); cơ sở dữ liệu cũ được giữ nguyên, không tệp nào được "
                           f"nạp / could not write ({en}: {where}); the previous database is unchanged and no file "
                           "was loaded") from e
