"""The one read-only DuckDB connection, shared by every session, and the one way pages run SQL."""
from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "khuyencong.duckdb"


class DatabaseUnavailable(RuntimeError):
    def __init__(self, path: Path, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"{path}: {reason}")


def db_path() -> Path:
    return Path(os.environ.get("KHUYENCONG_DB", DEFAULT_DB))


@st.cache_resource(show_spinner=False)
def _connect(path: str, mtime: float) -> duckdb.DuckDBPyConnection:
    # mtime in the key: a rebuilt file (atomic rename) gets a fresh connection
    con = duckdb.connect(path, read_only=True)
    con.execute("SELECT count(*) FROM build_info").fetchone()  # a corrupt or foreign file fails here
    size, blocks = con.execute("SELECT block_size, total_blocks FROM pragma_database_size()").fetchone()
    if Path(path).stat().st_size < size * blocks:  # a truncated copy keeps its catalog but lost data blocks
        con.close()
        raise duckdb.IOException("the file is shorter than its own catalog says (truncated)")
    return con


_seen: dict[str, tuple[str, float]] = {}


def connection() -> duckdb.DuckDBPyConnection:
    path = db_path()
    if not path.exists():
        raise DatabaseUnavailable(path, "file not found")
    mtime = path.stat().st_mtime
    if _seen.get("db", (str(path), mtime)) != (str(path), mtime):
        st.cache_data.clear()  # another file, or a rebuild/load replaced it: cached results describe the old one
    _seen["db"] = (str(path), mtime)
    try:
        return _connect(str(path), mtime)
    except duckdb.Error as e:
        raise DatabaseUnavailable(path, str(e).splitlines()[0]) from e


def query_exact(sql: str, params: list | tuple = ()) -> pd.DataFrame:
    """Like query(), but DECIMAL amounts come back as Python Decimals (object columns), not float64: for downloads,
    which must carry the stored value digit for digit. Pages that plot or compute use query()."""
    cur = connection().cursor()
    try:
        cur.execute(sql, list(params))
        return pd.DataFrame(cur.fetchall(), columns=[d[0] for d in cur.description], dtype=object)
    except duckdb.IOException as e:
        raise DatabaseUnavailable(db_path(), str(e).splitlines()[0]) from e
    finally:
        cur.close()


def query(sql: str, params: list | tuple = ()) -> pd.DataFrame:
    """Run named SQL (see queries.py) with user-influenced values only as ? parameters."""
    cur = connection().cursor()  # a cursor per call: DuckDB connections are not shared across threads
    try:
        return cur.execute(sql, list(params)).df()
    except duckdb.IOException as e:  # damaged under us: say so and how to rebuild, never a stack trace
        raise DatabaseUnavailable(db_path(), str(e).splitlines()[0]) from e
    finally:
        cur.close()
