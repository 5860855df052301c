"""Figures built once per (data, view, filters, language, real-only switch, warehouse file) and shared by every
session and rerun.

Building and styling a plotly figure costs 5–300 ms of Python per chart (a map with its animation frames, small
multiples), and every widget change reruns the whole page: sixty delegates opening the same page would build the
same figures sixty times. A function that builds a finished figure is decorated with @figcache.cached; its
arguments (the rows drawn, the titles, the language, the view) are the key, and two things no argument carries are
added to it: the warehouse file's identity (a rebuild or load renamed over it: new figures) and the real-only switch
(?real=1; the rows it hides usually change the arguments too, but a figure never depends on that luck).

The figure is the same object for every caller (st.cache_resource: no copy, no pickling), so nothing may change it
after it is returned: st.plotly_chart only reads it, and charts.to_png styles a copy. Its to_dict() is worked out
once too: plotly re-encodes every array on each call, which was most of a cached chart's remaining cost; and so is
the JSON st.plotly_chart sends (see _spec_once: plotly walked every list of a 200 KB map on every rerun).

The key hashes a DataFrame argument by its values (fingerprint), not with Streamlit's default (pandas'
hash_pandas_object: 10–15 ms for a 63-row frame of 50 columns, paid for every figure on every rerun).
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Callable, TypeVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from . import db, realonly

F = TypeVar("F", bound=Callable)

pio.json.config.default_engine = "orjson"  # every chart is serialised on every rerun: orjson is several times faster


class FrozenSpec(dict):
    """A finished figure's dict, which remembers its JSON (worked out on first use by _spec_once)."""
    json: str | None = None


class FrozenFigure(go.Figure):
    """A finished figure: to_dict() is worked out once (a figure nobody changes always gives the same dict)."""

    def to_dict(self) -> dict:
        frozen = self.__dict__.get("_frozen_dict")
        if frozen is None:
            frozen = self.__dict__["_frozen_dict"] = FrozenSpec(super().to_dict())
        return frozen


# st.plotly_chart has no argument for a serialised spec: it calls fig.to_dict() and then plotly.io.to_json(that
# dict, validate=False), looked up on the module at each call. The one patch is here: a FrozenSpec is encoded once,
# with plotly's own encoder and arguments, and anything else goes to plotly unchanged.
# tests/test_figcache.py::test_a_cached_figure_is_serialised_once fails if Streamlit stops taking this path.
_plotly_to_json = pio.to_json


def _spec_once(fig, validate=True, pretty=False, remove_uids=True, engine=None):
    if type(fig) is FrozenSpec and not pretty and remove_uids and engine is None:
        if fig.json is None:
            fig.json = _plotly_to_json(fig, validate=validate, pretty=False, remove_uids=True)
        return fig.json
    return _plotly_to_json(fig, validate=validate, pretty=pretty, remove_uids=remove_uids, engine=engine)


pio.to_json = _spec_once


def fingerprint(df: pd.DataFrame) -> str:
    """A DataFrame's identity for a cache key: index, column names, dtypes and every value (numbers by their bytes,
    anything else by its repr, which for str, int, float, bool, None and NA is exact). Two frames with equal
    contents give the same key, whichever query or copy made them."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr((type(df.index).__name__, df.index.names, df.index.tolist(), df.columns.names,
                   df.columns.tolist(), [repr(d) for d in df.dtypes])).encode())  # repr: a category's order too
    for _, column in df.items():  # not iloc: a third slower on a 50-column frame
        if isinstance(column.dtype, np.dtype) and column.dtype.kind in "biufmM":
            h.update(np.ascontiguousarray(column.to_numpy()).tobytes())
        else:
            h.update(repr(column.tolist()).encode())
    return h.hexdigest()


def _freeze(value):
    if type(value) is go.Figure:
        value.__class__ = FrozenFigure
    elif isinstance(value, tuple):
        return tuple(_freeze(v) for v in value)
    return value


def warehouse() -> tuple | None:
    """The identity of the file now served (path, device, inode, mtime, size); None when it cannot be read (the
    page's own query then says so)."""
    try:
        return db.identity()
    except OSError:
        return None


def cached(build: F) -> F:
    """Decorator for a function returning a finished figure (or a tuple holding figures)."""
    def keyed(warehouse_file, real_only, *args, **kwargs):
        return _freeze(build(*args, **kwargs))

    # Streamlit names a cache by its function's module and qualified name: one cache per builder. A builder in a
    # page script has the module __main__, so its file and line name it too. (Not functools.wraps: Streamlit
    # would then read the builder's parameter names for these positional arguments.)
    code = build.__code__
    keyed.__module__ = build.__module__
    keyed.__qualname__ = f"{build.__qualname__}@{Path(code.co_filename).name}:{code.co_firstlineno}"
    # A budget map with its 13 frames holds about 0.8 MB (dict included): 128 views per builder keep the worst case
    # near 100 MB, and a conference opens a handful of views.
    keyed = st.cache_resource(show_spinner=False, max_entries=128, ttl=3600,
                              hash_funcs={pd.DataFrame: fingerprint})(keyed)

    @functools.wraps(build)
    def figure(*args, **kwargs):
        return keyed(warehouse(), realonly.topic(), *args, **kwargs)

    figure.clear = keyed.clear
    return figure
