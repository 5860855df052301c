"""Which areas a deck can be built for (conference areas and regions), and how a user or a URL names one."""
from __future__ import annotations

import difflib
from dataclasses import dataclass

from .. import queries
from ..db import connection
from ..i18n import name_col, t
from .errors import DeckError

GROUPINGS = ("kc_area", "vung")
DEFAULT_AREA = "kc_area/mien-trung-tay-nguyen"


@dataclass(frozen=True)
class Area:
    grouping: str
    group_id: str
    name_vi: str
    name_en: str
    era: str
    members: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.grouping}/{self.group_id}"

    def name(self, lang: str) -> str:
        return getattr(self, name_col(lang))

    def kind(self, lang: str) -> str:
        return t(f"deck_kind_{self.grouping}", lang)


def area_choices() -> list[str]:
    """Every area a deck can be built for, as 'grouping/group' (conference areas first)."""
    groups = queries.deck_groups()
    keys = [f"{r.grouping_id}/{r.group_id}" for r in groups.itertuples()]
    return sorted(dict.fromkeys(keys), key=lambda k: (GROUPINGS.index(k.split("/")[0]), keys.index(k)))


def area_label(key: str, lang: str) -> str:
    grouping, group_id = key.split("/", 1)
    groups = queries.deck_groups()
    row = groups[(groups.grouping_id == grouping) & (groups.group_id == group_id)].iloc[0]
    return f"{row[name_col(lang)]} ({t(f'deck_grouping_{grouping}', lang).lower()})"


def resolve(area: str, year: int) -> Area:
    """The area named by 'group' (unique across groupings) or 'grouping/group', with its members in the year's era."""
    connection()  # a warehouse file replaced since the last deck drops the cached results first (a page does the same)
    years = queries.years()
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise DeckError("deck_err_year", year=year, years=years_text(years)) from None
    if year not in years:
        raise DeckError("deck_err_year", year=year, years=years_text(years))
    if queries.year_state(year) != "actual":  # a few units' plans against a whole year would make false headlines
        done = [y for y in years if queries.year_state(y) == "actual"]
        raise DeckError("deck_err_plans_only", year=year, last=max(done) if done else "–")
    text = str(area or "").strip().lower()
    choices = area_choices()
    matches = _matches(text, choices)
    if not matches:
        slugs = [k.split("/", 1)[1] for k in choices]
        near = difflib.get_close_matches(text, choices + slugs, n=3, cutoff=0.5)
        raise DeckError("deck_err_area", area=area, options=", ".join(near or slugs))
    if len(matches) > 1:
        raise DeckError("deck_err_area_ambiguous", area=area, options=", ".join(matches))
    grouping, group_id = matches[0].split("/", 1)
    era = queries.era_of(year)
    groups = queries.deck_groups()
    row = groups[(groups.grouping_id == grouping) & (groups.group_id == group_id) & (groups.era == era)]
    if row.empty or not len(row.iloc[0]["members"]):
        raise DeckError("deck_err_members", area=matches[0], year=year)
    found = row.iloc[0]
    return Area(grouping, group_id, found["name_vi"], found["name_en"], era, tuple(str(m) for m in found["members"]))


def _matches(text: str, choices: list[str]) -> list[str]:
    return [k for k in choices if k == text] or [k for k in choices if k.split("/", 1)[1] == text]


def area_key(text: str | None) -> str | None:
    """'grouping/group' for a name a URL or a user gave ('phia-nam' or 'kc_area/phia-nam'), or None."""
    found = _matches(str(text or "").strip().lower(), area_choices())
    return found[0] if len(found) == 1 else None


def years_text(years: list[int]) -> str:
    """'2013–2025' for a run of years, else the years listed."""
    if years and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(map(str, years))
