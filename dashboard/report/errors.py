"""The one error a report request can end in: its message in Vietnamese and in English (dashboard/i18n.py)."""
from __future__ import annotations

from ..i18n import t


class ReportError(ValueError):
    """A request that cannot give a report; nothing has been written."""

    def __init__(self, key: str, **kw):
        self.key = key
        self.vi, self.en = t(key, "vi", **kw), t(key, "en", **kw)
        super().__init__(f"{self.vi}\n{self.en}")
