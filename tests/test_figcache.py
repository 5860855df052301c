"""Figures are built once per (rows, view, filters, language, real-only switch, warehouse file) and shared by every
rerun and every session (dashboard/figcache.py): a rerun draws the same charts without building them again, and
whatever a figure shows (the language, ?real=1, a new warehouse file) builds it anew."""
from __future__ import annotations

import base64
import json
import os
import shutil
from collections import Counter

import numpy as np
import pytest

from conftest import run_page
from dashboard import charts, compare, indicator, maps


@pytest.fixture(autouse=True)
def _warehouse(db_path, monkeypatch):
    monkeypatch.setenv("KHUYENCONG_DB", str(db_path))


@pytest.fixture
def builds(monkeypatch) -> Counter:
    """How often the costly figure functions run (the map, the small multiples), from an empty figure cache."""
    counts = Counter()
    for module, name in [(maps, "choropleth"), (charts, "small_multiples")]:
        def counted(*args, _build=getattr(module, name), _name=name, **kwargs):
            counts[_name] += 1
            return _build(*args, **kwargs)
        monkeypatch.setattr(module, name, counted)
    for cached in (indicator.map_figures, indicator.ranking_figures, indicator.series_figure,
                   compare.units_figure, compare.every_metric_figure, compare.groups_figure):
        cached.clear()
    return counts


def specs(at) -> list[dict]:
    assert not at.exception, [e.value for e in at.exception]
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_a_rerun_and_a_second_visitor_of_so_sanh_reuse_its_figures(builds):
    at = run_page("pages/so_sanh.py")
    first = specs(at)
    assert builds["small_multiples"] == 1 and len(first) == 2
    at.run()  # a widget change elsewhere on the page reruns the whole script
    assert specs(at) == first
    other = run_page("pages/so_sanh.py")  # another delegate opening the same link
    assert specs(other) == first
    assert builds["small_multiples"] == 1


def coloured(map_: dict) -> int:
    """How many units the choropleth colours (plotly sends its values as a typed array, NaN for a gap)."""
    assert map_["data"][0]["type"] == "choropleth"
    z = map_["data"][0]["z"]
    values = np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"]) if isinstance(z, dict) else \
        np.array([np.nan if v is None else v for v in z], dtype=float)
    return int(np.isfinite(values).sum())


def test_the_budget_map_is_built_once_per_language_and_real_only_switch(builds):
    at = run_page("pages/kinh_phi.py", lang="vi")
    vi = specs(at)[0]
    at.run()
    assert builds["choropleth"] == 1 and specs(at)[0] == vi

    en = specs(run_page("pages/kinh_phi.py", lang="en"))[0]
    assert builds["choropleth"] == 2
    assert "planned" in en["layout"]["title"]["text"] and "planned" not in vi["layout"]["title"]["text"]

    assert specs(run_page("pages/kinh_phi.py", lang="vi"))[0] == vi and builds["choropleth"] == 2

    real = run_page("pages/kinh_phi.py", lang="vi", real="1")
    assert builds["choropleth"] == 3
    assert 0 < coloured(specs(real)[0]) < coloured(vi)  # the demo values are gaps, not the cached map's colours


def test_a_new_warehouse_file_draws_new_figures(builds, db_path, tmp_path, monkeypatch):
    served = tmp_path / "khuyencong.duckdb"
    shutil.copy(db_path, served)
    monkeypatch.setenv("KHUYENCONG_DB", str(served))
    first = specs(run_page("pages/kinh_phi.py"))[0]
    assert builds["choropleth"] == 1
    replaced = tmp_path / "rebuilt.duckdb"  # a rebuild writes a new file and renames it over the served one
    shutil.copy(db_path, replaced)
    os.replace(replaced, served)
    again = specs(run_page("pages/kinh_phi.py"))[0]
    assert builds["choropleth"] == 2 and again == first
