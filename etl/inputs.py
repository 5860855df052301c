"""Reading the repository's own CSV inputs (data/reference/, data/published/): UTF-8, the required columns
present, every problem a located DataError."""
from __future__ import annotations

import csv
from pathlib import Path

from .errors import DataError
from .paths import rel


def read_csv_rows(path: Path, required: list[str]) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV with `required` columns present; a missing file or column is a located DataError."""
    name = rel(path)
    if not path.exists():
        raise DataError(name, "không tìm thấy tệp", "file not found")
    try:
        with open(path, encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            for col in required:
                if col not in header:
                    raise DataError(name, f"thiếu cột bắt buộc «{col}»", f"required column «{col}» is missing",
                                    row=1, column=col)
            rows = []
            for i, r in enumerate(reader, start=2):
                if None in r:
                    raise DataError(name, "dòng có nhiều ô hơn tiêu đề", "row has more cells than the header", row=i)
                rows.append({k: (v or "").strip() for k, v in r.items()})
            return rows
    except UnicodeDecodeError as e:
        raise DataError(name, f"không phải UTF-8 ({e.reason})", f"not UTF-8 ({e.reason})") from e
