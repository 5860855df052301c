"""Paths, the fixed vocabulary of the warehouse (eras, funds, content categories) and the one error type
every step raises for bad input: it names the file, row and column, in Vietnamese and English."""
from __future__ import annotations

import csv
import datetime
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
DEFAULT_DB = DATA / "khuyencong.duckdb"

FIRST_YEAR = 2013
LAST_YEAR = 2025  # the demo generator's last year; imports are bounded by last_import_year() instead
REFORM_YEAR = 2025  # from 1/7/2025 reports are keyed by the 34 new units (NQ 202/2025/QH15)


def today() -> datetime.date:
    """The date the import rules are judged by; tests replace it (monkeypatch etl.common.today)."""
    return datetime.date.today()


def last_import_year() -> int:
    """The last year a report may be for: plans are made a year ahead, so next year's plan is accepted."""
    return today().year + 1


def year_has_ended(year: int) -> bool:
    return int(year) < today().year


def year_has_begun(year: int) -> bool:
    return int(year) <= today().year


def era_of(year: int) -> str:
    """Which set of provinces a year's reports are keyed by: the 63 until 2024, the 34 from 2025."""
    return "34" if int(year) >= REFORM_YEAR else "63"


FUNDS = {
    "kcqg": ("KCQG", "Khuyến công quốc gia", "National industrial extension funds"),
    "kcdp": ("KCĐP", "Khuyến công địa phương", "Local industrial extension funds"),
}

# The nine khuyến công activity types, Nghị định 45/2012/NĐ-CP, Điều 4.
CONTENT_CATEGORIES = [
    ("dao-tao-nghe", "Đào tạo nghề, truyền nghề, phát triển nghề", "Vocational training and craft development"),
    ("nang-luc-quan-ly", "Nâng cao năng lực quản lý cơ sở CNNT", "Management capacity of rural industrial establishments"),
    ("mo-hinh-trinh-dien", "Mô hình trình diễn kỹ thuật, chuyển giao công nghệ, ứng dụng máy móc tiên tiến",
     "Technical demonstration models, technology transfer, advanced machinery"),
    ("san-pham-cnnt", "Phát triển sản phẩm CNNT tiêu biểu", "Typical rural industrial products"),
    ("tu-van", "Tư vấn, trợ giúp cơ sở CNNT", "Consulting and assistance"),
    ("thong-tin", "Thông tin, tuyên truyền", "Information and communication"),
    ("lien-ket-ccn", "Liên doanh, liên kết, hợp tác kinh tế, phát triển cụm công nghiệp",
     "Linkages, economic cooperation, industrial clusters"),
    ("hop-tac-quoc-te", "Hợp tác quốc tế về khuyến công", "International cooperation"),
    ("quan-ly-chuong-trinh", "Nâng cao năng lực quản lý và tổ chức thực hiện khuyến công",
     "Programme management and implementation capacity"),
]

ORIGINS = ("published", "demo", "imported")


@dataclass
class Located:
    """A message about a place in an input file, in Vietnamese and English. `row` is the 1-based line as a user
    sees it (header = row 1)."""

    file: str
    message_vi: str
    message_en: str
    row: int | None = None
    column: str | None = None
    sheet: str | None = None

    def __str__(self) -> str:
        where_vi = [f"tệp {self.file}"]
        where_en = [f"file {self.file}"]
        if self.sheet:
            where_vi.append(f"trang {self.sheet}")
            where_en.append(f"sheet {self.sheet}")
        if self.row is not None:
            where_vi.append(f"dòng {self.row}")
            where_en.append(f"row {self.row}")
        if self.column:
            where_vi.append(f"cột «{self.column}»")
            where_en.append(f"column «{self.column}»")
        return f"{', '.join(where_vi)}: {self.message_vi}\n{', '.join(where_en)}: {self.message_en}"


@dataclass
class DataError(Located, ValueError):
    """Bad input, located: the file is rejected and nothing already loaded changes."""

    __str__ = Located.__str__


class BuildError(RuntimeError):
    """The build could not produce a valid database; the previous one is left untouched."""


QUOTE_CHARS = 80  # a cell quoted in a message; a 100.000-character cell must not come back whole
MESSAGE_CHARS = 600


def shorten(text, limit: int = QUOTE_CHARS):
    """`text` cut to `limit` characters with «…»; None stays None."""
    if text is None:
        return None
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "…"


def short_message(text: str) -> str:
    """A message whose quoted cells («…») are cut to QUOTE_CHARS, and the whole to MESSAGE_CHARS."""
    text = re.sub(r"«([^»]{%d,})»" % (QUOTE_CHARS + 1), lambda m: f"«{shorten(m.group(1))}»", str(text))
    return shorten(text, MESSAGE_CHARS)


def read_csv_rows(path: Path, required: list[str]) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV with `required` columns present; a missing file or column is a located DataError."""
    rel = _rel(path)
    if not path.exists():
        raise DataError(rel, "không tìm thấy tệp", "file not found")
    try:
        with open(path, encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            for col in required:
                if col not in header:
                    raise DataError(rel, f"thiếu cột bắt buộc «{col}»", f"required column «{col}» is missing",
                                    row=1, column=col)
            rows = []
            for i, r in enumerate(reader, start=2):
                if None in r:
                    raise DataError(rel, "dòng có nhiều ô hơn tiêu đề", "row has more cells than the header", row=i)
                rows.append({k: (v or "").strip() for k, v in r.items()})
            return rows
    except UnicodeDecodeError as e:
        raise DataError(rel, f"không phải UTF-8 ({e.reason})", f"not UTF-8 ({e.reason})") from e


def _rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
