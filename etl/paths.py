"""Where things are: the repository, its data/ and the warehouse file. The only module that works out the
repository's root; everything else (etl, dashboard, bench, tests) imports it from here."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
REFERENCE_DIR = DATA / "reference"
GEO_DIR = DATA / "geo"
DEFAULT_DB = DATA / "khuyencong.duckdb"  # where `python -m etl build` writes unless told --db


def served_db() -> Path:
    """The database the app reads: the file KHUYENCONG_DB names (tests, deployments), else DEFAULT_DB."""
    return Path(os.environ.get("KHUYENCONG_DB", DEFAULT_DB))


def rel(path: Path) -> str:
    """`path` as a message shows it: relative to the repository when it is inside it."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
