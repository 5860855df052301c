"""The projector PNG (1920×1080) of a ranking is read from the back of a conference room: every province, its value,
and names of 18 px or more, even for the 63 provinces (two columns on one scale)."""
from __future__ import annotations

import io
import itertools

import pytest


@pytest.fixture()
def ranking(db_path, monkeypatch):
    monkeypatch.setenv("KHUYENCONG_DB", str(db_path))
    from dashboard import charts, queries

    def make(era: str, lang: str = "vi"):
        year = 2024 if era == "63" else 2025
        units = queries.unit_year(year, era).dropna(subset=["total_planned_mvnd"])
        fig = charts.ranked_bars(units.assign(province=units["name_vi"]), "total_planned_mvnd", "province", "vung_id",
                                 "mvnd", lang)
        charts.style(fig, "Xếp hạng", "triệu đồng", lang, True, height=charts.bar_height(len(units)))
        return units, fig
    return make


def _shown(fig):
    """(name, value label, tick font px) for every bar, and the x-axis domains of the panels."""
    rows = []
    for tr in fig.data:
        if tr.type == "bar":
            axis = fig.layout["yaxis" + (tr.yaxis or "y")[1:]]
            rows += [(y, text, axis.tickfont.size, tr.textfont.size) for y, text in zip(tr.y, tr.text)]
    domains = sorted(tuple(fig.layout[k].domain or (0, 1)) for k in fig.layout if k.startswith("xaxis") and fig.layout[k])
    return rows, domains


@pytest.mark.parametrize("era, columns", [("63", 2), ("34", 1)])
def test_every_province_with_its_value_at_18_px_or_more(ranking, era, columns):
    from dashboard import charts
    units, fig = ranking(era)
    rows, domains = _shown(charts.projector(fig))
    assert sorted(r[0] for r in rows) == sorted(units["name_vi"])  # each province once, none dropped
    assert all(r[1] for r in rows)  # each with its value label
    assert min(r[2] for r in rows) >= 18 and min(r[3] for r in rows) >= 18
    assert len(domains) == columns
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(domains))  # side by side, not over each other


def test_the_63_ranking_keeps_its_order_top_half_on_the_left(ranking):
    from dashboard import charts
    units, fig = ranking("63")
    big = charts.projector(fig)
    left = [y for tr in big.data if tr.type == "bar" and (tr.xaxis or "x") == "x" for y in tr.y]
    right = [y for tr in big.data if tr.type == "bar" and tr.xaxis == "x2" for y in tr.y]
    ranked = units.sort_values("total_planned_mvnd", ascending=False)["name_vi"].tolist()
    assert set(left) == set(ranked[:32]) and set(right) == set(ranked[32:])
    assert big.layout.xaxis.range == big.layout.xaxis2.range  # one scale: bars compare across columns


def test_the_png_is_1920_by_1080(ranking):
    from PIL import Image

    from dashboard import charts
    _, fig = ranking("63")
    assert Image.open(io.BytesIO(charts.to_png(fig))).size == (1920, 1080)
