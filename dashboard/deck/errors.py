"""The deck's one error type: a request that cannot give a deck, explained in Vietnamese and in English."""
from __future__ import annotations

from ..i18n import t


class DeckError(ValueError):
    """A request that cannot give a deck; the message says why in Vietnamese and in English."""

    def __init__(self, key: str, **kw):
        self.vi, self.en = t(key, "vi", **kw), t(key, "en", **kw)
        super().__init__(f"{self.vi}\n{self.en}")
