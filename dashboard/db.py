"""The one read-only DuckDB connection, shared by every session, and the one way pages run SQL."""
from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from etl.paths import served_db

ALIAS = "kc"
# DuckDB's file layout: three 4 KiB headers, then block i at HEADER_BYTES + i * block_size.
HEADER_BYTES = 3 * 4096


class DatabaseUnavailable(RuntimeError):
    def __init__(self, path: Path, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"{path}: {reason}")


class _Replaced(Exception):
    """The file at the path changed while it was being opened: open it again."""


def db_path() -> Path:
    return served_db()


def _identity(st_: os.stat_result) -> tuple[int, int, int, int]:
    # etl build/load write a new file and rename it over the old one: a new inode. An in-place rewrite (a copy
    # over the file) keeps the inode but changes mtime_ns or size.
    return st_.st_dev, st_.st_ino, st_.st_mtime_ns, st_.st_size


def _close(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.close()
    except duckdb.Error:
        pass


# One entry: a new file's connection evicts the previous one, and eviction closes it (freeing the replaced file).
@st.cache_resource(show_spinner=False, max_entries=1, on_release=_close)
def _connect(path: str, dev: int, ino: int, mtime_ns: int, size: int) -> duckdb.DuckDBPyConnection:
    # duckdb.connect(path) would hand back the instance already open for that path, i.e. the file that was just
    # replaced; an in-memory database with the file ATTACHed opens the file now at the path.
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH ? AS kc (READ_ONLY)", [path])
        if _identity(os.stat(path)) != (dev, ino, mtime_ns, size):
            raise _Replaced  # renamed over between our stat and the open: the checks below would read another file
        con.execute("USE kc")
        con.execute("SELECT count(*) FROM build_info").fetchone()  # a corrupt or foreign file fails here
        _check_complete(con, size)
    except BaseException:
        _close(con)
        raise
    return con


def _check_complete(con: duckdb.DuckDBPyConnection, size: int) -> None:
    """A truncated copy keeps its catalog but lost data blocks: every block the catalog uses must lie in the file.
    (total_blocks counts free blocks too, and DuckDB cuts free blocks off the end of the file, so a valid file is
    often shorter than total_blocks × block_size: that is not the test.)"""
    block_size = con.execute("SELECT block_size FROM pragma_database_size() WHERE database_name = ?",
                             [ALIAS]).fetchone()[0]
    highest = con.execute("SELECT max(block_id) FROM pragma_metadata_info(?)", [ALIAS]).fetchone()[0] or 0
    tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ?",
                                        [ALIAS]).fetchall()]
    for table in tables:
        used = con.execute("SELECT max(greatest(block_id, coalesce(list_max(additional_block_ids), -1))) "
                           "FROM pragma_storage_info(?) WHERE persistent", [f"{ALIAS}.main.{table}"]).fetchone()[0]
        highest = max(highest, used if used is not None else -1)
    if size < HEADER_BYTES + (highest + 1) * block_size:
        raise duckdb.IOException("the file is shorter than its own catalog says (truncated)")


def identity() -> tuple:
    """The file now at db_path() as (path, device, inode, mtime_ns, size): what cached figures are keyed on, so a
    rebuild or load renamed over it is drawn afresh (raises OSError when there is no file)."""
    path = db_path()
    return (str(path), *_identity(os.stat(path)))


_seen: dict[str, tuple] = {}


def connection() -> duckdb.DuckDBPyConnection:
    """The connection to the file now at db_path(): a load or rebuild that renamed a new file over it is seen on
    the next call (one stat), and the old file's cached query results are dropped."""
    path = db_path()
    for _ in range(5):
        try:
            key = _identity(os.stat(path))
        except FileNotFoundError:
            raise DatabaseUnavailable(path, "file not found") from None
        except OSError as e:
            raise DatabaseUnavailable(path, str(e)) from e
        if _seen.get("db", (str(path), key)) != (str(path), key):
            st.cache_data.clear()  # another file, or a rebuild/load replaced it: cached results describe the old one
        _seen["db"] = (str(path), key)
        try:
            return _connect(str(path), *key)
        except _Replaced:
            continue
        except duckdb.Error as e:
            raise DatabaseUnavailable(path, str(e).splitlines()[0]) from e
    raise DatabaseUnavailable(path, "the file keeps being replaced; try again")


def query(sql: str, params: list | tuple = ()) -> pd.DataFrame:
    """Run named SQL (see queries.py) with user-influenced values only as ? parameters."""
    return _run(sql, params, lambda cur: cur.df())


def query_exact(sql: str, params: list | tuple = ()) -> pd.DataFrame:
    """Like query(), but DECIMAL amounts come back as Python Decimals (object columns), not float64: for downloads,
    which must carry the stored value digit for digit. Pages that plot or compute use query()."""
    return _run(sql, params, lambda cur: pd.DataFrame(cur.fetchall(), columns=[d[0] for d in cur.description],
                                                      dtype=object))


def _run(sql: str, params, read):
    for attempt in range(2):
        con, cur = connection(), None
        try:
            cur = con.cursor()  # a cursor per call: DuckDB connections are not shared across threads
            cur.execute("USE kc")  # a cursor starts in the in-memory database the file is attached to
            cur.execute(sql, list(params))
            return read(cur)
        except duckdb.IOException as e:  # damaged under us: say so and how to rebuild, never a stack trace
            raise DatabaseUnavailable(db_path(), str(e).splitlines()[0]) from e
        except (duckdb.ConnectionException, duckdb.InterruptException):
            # a newer file's connection closed this one while the query ran: run it once more, on the new file
            if attempt:
                raise
        finally:
            if cur is not None:
                cur.close()
    raise AssertionError("unreachable")
