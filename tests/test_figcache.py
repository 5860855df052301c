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


def _one_cached_chart():
    """A page with one cached figure drawn from a DataFrame, as the pages draw theirs."""
    import pandas as pd
    import plotly.graph_objects as go
    import streamlit as st

    from dashboard import figcache

    @figcache.cached
    def bars(rows):
        return go.Figure(go.Bar(x=rows.unit, y=rows.value))

    n = st.session_state.get("n", 63)
    st.plotly_chart(bars(pd.DataFrame({"unit": [f"u{i}" for i in range(n)], "value": [i * 1.5 for i in range(n)]})),
                    key="bars")


def test_a_rerun_sends_the_cached_figure_without_encoding_or_hashing_it_again(monkeypatch):
    """A rerun of a page whose figure is cached costs neither plotly's JSON encoder (the spec is kept with the
    figure) nor pandas' row hashing (the key fingerprints the rows). Also the guard on the one patch figcache makes:
    if Streamlit stops serialising through plotly.io.to_json(fig.to_dict()), the encoder count rises and this fails."""
    import pandas as pd
    import plotly.graph_objects as go
    import plotly.io as pio
    import plotly.io._json as plotly_json
    from streamlit.testing.v1 import AppTest

    calls = Counter()
    for module, name in [(plotly_json, "to_json_plotly"), (pd.util, "hash_pandas_object")]:
        def counted(*args, _f=getattr(module, name), _name=name, **kwargs):
            calls[_name] += 1
            return _f(*args, **kwargs)
        monkeypatch.setattr(module, name, counted)

    at = AppTest.from_function(_one_cached_chart)
    at.run()
    first = specs(at)
    encoded = calls["to_json_plotly"]
    assert encoded >= 1
    for _ in range(3):
        at.run()
    assert specs(at) == first
    assert calls["to_json_plotly"] == encoded  # the rerun sent the JSON kept from the first
    assert calls["hash_pandas_object"] == 0
    # what is sent is what plotly itself makes of the same figure
    rows = pd.DataFrame({"unit": [f"u{i}" for i in range(63)], "value": [i * 1.5 for i in range(63)]})
    plain = go.Figure(go.Bar(x=rows.unit, y=rows.value))
    assert first[0] == json.loads(pio.to_json(plain, validate=False))

    at.session_state["n"] = 34  # other rows: another figure, encoded anew
    at.run()
    assert len(specs(at)[0]["data"][0]["x"]) == 34 and calls["to_json_plotly"] > encoded


@pytest.mark.parametrize("change", [
    lambda d: d.assign(value=d.value.where(d.index != 5, d.value + 1e-9)),  # one value, by a hair
    lambda d: d.rename(columns={"value": "amount"}),  # the column a builder reads
    lambda d: d.astype({"value": "float32"}),  # same numbers, another type
    lambda d: d.assign(unit=d.unit.where(d.index != 0, None)),  # a name missing
    lambda d: d.assign(unit=d.unit.astype("category").cat.reorder_categories(sorted(d.unit, reverse=True))),  # order
    lambda d: d.iloc[::-1],  # the same rows in another order
    lambda d: d.set_index("unit"),
])
def test_the_figure_key_tells_apart_rows_that_differ(change):
    """Equal rows give the same key whichever copy carries them; rows that differ in any way a chart could show
    give another."""
    import pandas as pd

    from dashboard.figcache import fingerprint

    rows = pd.DataFrame({"unit": [f"u{i}" for i in range(63)], "value": [i * 1.5 for i in range(63)],
                         "n": pd.array([i if i % 7 else None for i in range(63)], dtype="Int64"),
                         "demo": [i % 2 == 0 for i in range(63)]})
    assert fingerprint(rows) == fingerprint(rows.copy()) == fingerprint(pd.DataFrame(rows.to_dict("list")).astype(
        {"n": "Int64"}))
    assert fingerprint(change(rows)) != fingerprint(rows)


def _title(spec: dict) -> str:
    return spec["layout"]["title"]["text"]


@pytest.mark.parametrize("page, module, builder, analysis", [
    ("pages/tong_quan.py", charts, "grouped_bars", True),  # the regions in the year (the trend spans every year)
    ("pages/muc_do_day_du.py", None, "origin_map", False),
    ("pages/trinh_chieu.py", charts, "ranked_bars", False),
])
def test_overview_coverage_and_deck_pages_reuse_their_figures_until_what_they_show_changes(page, module, builder,
                                                                                          analysis, monkeypatch):
    """Tổng quan, Mức độ đầy đủ and Trình chiếu draw cached figures too: a rerun builds nothing, and another
    language, another year or (on an analysis page, the only ones with the switch) ?real=1 draws a figure of its
    own."""
    import streamlit as st

    from dashboard import coverage
    module = module or coverage
    built = Counter()
    original = getattr(module, builder)

    def counted(*args, **kwargs):
        built["n"] += 1
        return original(*args, **kwargs)
    monkeypatch.setattr(module, builder, counted)
    st.cache_resource.clear()

    at = run_page(page, year="2024")
    first = specs(at)
    once = built["n"]
    assert once >= 1
    at.run()
    assert built["n"] == once and specs(at) == first

    en = specs(run_page(page, year="2024", lang="en"))
    assert built["n"] > once and _title(en[0]) != _title(first[0])
    before = built["n"]
    other_year = specs(run_page(page, year="2017"))
    assert built["n"] > before and [_title(f) for f in other_year] != [_title(f) for f in first]
    before = built["n"]
    run_page(page, year="2024", real="1")
    assert built["n"] == (before + 1 if analysis else before)  # elsewhere the switch is not drawn: same figure


def test_a_rerun_of_kinh_phi_sums_the_activity_types_once(monkeypatch):
    """The Budgets page's activity-type chart: its per-type sums are made once per year and fund, not on every
    rerun, and the rerun draws the same charts."""
    import streamlit as st

    from dashboard import queries
    calls = Counter()
    original = queries.category_shares

    def counted(*args, **kwargs):
        calls["n"] += 1
        return original(*args, **kwargs)
    monkeypatch.setattr(queries, "category_shares", counted)
    st.cache_data.clear()

    at = run_page("pages/kinh_phi.py", year="2024", fund="kcqg")
    shown = specs(at)
    once = calls["n"]
    assert once == 1
    at.run()
    at.run()
    assert calls["n"] == once and specs(at) == shown
