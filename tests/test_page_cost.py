"""What a page view costs the server: nothing is made for a download nobody asked for."""
from __future__ import annotations

import pytest

from conftest import run_page


@pytest.mark.parametrize("page", ["pages/tong_quan.py", "pages/so_sanh.py"])
def test_csv_downloads_are_made_only_when_clicked(db_path, monkeypatch, page):
    from dashboard import exports
    monkeypatch.setenv("KHUYENCONG_DB", str(db_path))
    made = []
    real = exports.csv_bytes
    monkeypatch.setattr(exports, "csv_bytes", lambda df, demo: made.append(len(df)) or real(df, demo))
    at = run_page(page)
    assert not at.exception
    csv = [b for b in at.get("download_button") if b.proto.label in ("Tải CSV", "CSV")]
    assert csv, "the page still offers its CSV downloads"
    assert made == []  # every page view used to build each chart's and table's CSV bytes (3,5 % of server CPU)
