"""The errors every step raises, located: bad input names its file, sheet, row and column, in Vietnamese and
English, and is cut to a length a person reads (a 100.000-character cell must not come back whole)."""
from __future__ import annotations

import re
from dataclasses import dataclass


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


@dataclass
class DataWarning(Located):
    """Something worth a second look in a file that was loaded anyway; located like a DataError."""


class BuildError(RuntimeError):
    """The build could not produce a valid database; the previous one is left untouched."""


QUOTE_CHARS = 80  # a cell quoted in a message
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
