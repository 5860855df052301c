"""Every choice that lives in the URL, in one place: a copied link reproduces the view; bad values fall back with
one notice (`_notice`).

Each value is one of a fixed list of options, written to the URL as the option's id (?fund=kcqg, whatever the
language) and kept in the session across page switches. Links pin every value, defaults included, so a link made
today shows the same view next year (when the default year has moved on). A URL value is only ever compared with the
options, so a stale or hostile value produces a visible notice and the default — it never reaches SQL.

Why not Streamlit's own `bind="query-params"` for the selects: it writes the *formatted* option (a translated label)
to the URL, drops a value equal to the default, and discards an invalid value silently. It serves free text (the
Sources page's search box) and is used there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

import streamlit as st

from . import metrics, queries
from .i18n import name_col, t


def lang() -> str:
    """The interface language, from the URL (?lang=en) or the session; Vietnamese by default."""
    raw = st.query_params.get("lang")
    if raw in ("vi", "en"):
        st.session_state["_lang"] = raw
    return st.session_state.get("_lang", "vi")


def language_switch() -> str:
    current = lang()
    choice = st.sidebar.segmented_control(t("language", current), ["vi", "en"], default=current, key="lang_switch",
                                          format_func=lambda x: {"vi": "Tiếng Việt", "en": "English"}[x])
    if choice and choice != current:
        st.session_state["_lang"] = choice
        st.query_params["lang"] = choice
        st.rerun()
    if current != "vi":
        st.query_params["lang"] = current
    elif "lang" in st.query_params:
        del st.query_params["lang"]
    return current


@dataclass
class Filter:
    name: str
    label_key: str
    options: Callable[[], list]
    default: Callable[[list], Any]
    label: Callable[[Any, str], str]
    kind: str = "select"  # select | segmented | radio


def _group_label(grouping: str) -> Callable[[Any, str], str]:
    def label(value, lg):
        if value == "all":
            return t("all_regions", lg)
        g = queries.groups(grouping, "63")
        row = g[g.group_id == value]
        return value if row.empty else row.iloc[0][name_col(lg)]
    return label


FILTERS: dict[str, Filter] = {
    "year": Filter("year", "year", lambda: queries.years(), lambda o: queries.default_year(), lambda v, lg: str(v)),
    # radio: the two long options wrap in the sidebar ("63 tỉnh, thành phố (trước 1/7/202…" in a select box)
    "view": Filter("view", "view", lambda: ["63", "34"], lambda o: "63", lambda v, lg: t(f"view_{v}", lg),
                   kind="radio"),
    "fund": Filter("fund", "fund", lambda: list(metrics.FUNDS), lambda o: "total", lambda v, lg: t(f"fund_{v}", lg)),
    "status": Filter("status", "status", lambda: list(metrics.STATUSES), lambda o: "planned",
                     lambda v, lg: t(f"status_{v}", lg), kind="segmented"),
    "measure": Filter("measure", "measure", lambda: list(metrics.MEASURES), lambda o: "amount",
                      lambda v, lg: t(f"measure_{v}", lg)),
    "grouping": Filter("grouping", "grouping", lambda: ["vung", "kc_area"], lambda o: "vung",
                       lambda v, lg: t(f"grouping_{v}", lg)),
}


def sidebar(*names: str) -> dict[str, Any]:
    """Draw the named filters in the sidebar (in a fixed order) and return their values."""
    lg = lang()
    values: dict[str, Any] = {}
    st.sidebar.markdown(f"**{t('filters', lg)}**")
    for name in names:
        if name == "region":
            grouping = values.get("grouping", "vung")
            opts = ["all"] + queries.groups(grouping, "63")["group_id"].tolist()
            values[name] = url_widget(name, opts, "all", _group_label(grouping), t("region", lg), lg)
            continue
        f = FILTERS[name]
        opts = f.options()
        if name == "view" and "year" in values and queries.era_of(values["year"]) == "34":
            values[name] = _view_fixed(f, lg)
            continue
        values[name] = url_widget(name, opts, f.default(opts), f.label, t(f.label_key, lg), lg, f.kind)
    if "year" in values and queries.year_state(values["year"]) != "actual":
        st.sidebar.warning(t(f"year_{queries.year_state(values['year'])}", lg, year=values["year"]))
    if "year" in values:
        real_only_note(values["year"], lg)
        plans_only_note(values["year"], lg)
    st.sidebar.caption(t("share_link", lg))
    return values


def _view_fixed(f: Filter, lg: str) -> str:
    """From 1/7/2025 there are only the 34 units: the selector shows 34, greyed, so the sidebar names what the page
    draws; the reader's choice for earlier years stays in the URL and the session, untouched."""
    st.sidebar.radio(t(f.label_key, lg), ["63", "34"], index=1, format_func=lambda v: f.label(v, lg), disabled=True,
                     key=f"w_view_fixed@{_page_id()}")
    raw, opts = st.query_params.get("view"), f.options()
    if raw is not None and raw not in opts:
        _notice("view", raw, f.label(f.default(opts), lg))
    wanted = raw if raw in opts else st.session_state.get("keep_view", f.default(opts))
    _pin("view", str(wanted))  # the link keeps the reader's choice for the years before
    if wanted == "63":
        st.sidebar.info(t("notice_2025_63", lg))
    return "34"


def url_widget(name: str, opts: list, default: Any, label: Callable[[Any, str], str], title: str, lg: str,
               kind: str = "select", container=None) -> Any:
    """A select widget whose value lives in the URL as ?name=<option> (the option itself, whatever the language)
    and in the session (so it survives page switches). A URL value that is not an option: notice, then default."""
    box = container or st.sidebar
    key, keep = f"w_{name}", f"keep_{name}"
    valid = [str(o) for o in opts]
    raw = st.query_params.get(name)
    if raw is not None and str(raw) in valid:
        wanted = opts[valid.index(str(raw))]
    else:
        if raw is not None:
            _notice(name, raw, label(default, lg))
        wanted = st.session_state.get(keep, default)
        if wanted not in opts:
            wanted = default
    key = f"{key}@{_page_id()}"  # a widget belongs to one page: a fresh key per page takes the session value
    if st.session_state.get(key) != wanted:
        st.session_state[key] = wanted

    def to_url() -> None:  # runs before the rerun, so the page reads the new value from the URL
        st.query_params[name] = str(st.session_state[key])

    def show(x) -> str:
        return label(x, lg)

    if kind == "radio":
        value = box.radio(title, opts, key=key, format_func=show, on_change=to_url)
    elif kind == "segmented":
        value = box.segmented_control(title, opts, key=key, format_func=show, on_change=to_url, required=True)
    else:
        value = box.selectbox(title, opts, key=key, format_func=show, on_change=to_url)
    value = wanted if value is None else value
    st.session_state[keep] = value
    _pin(name, str(value))
    return value


def real_only_switch(page_key: str, lg: str) -> bool:
    """The "real figures only" toggle (?real=1), drawn on the analysis pages (realonly.PAGES, by title key) and kept
    across them; every other page runs with it off, so the deck and the report never draw from hidden values."""
    from . import realonly
    topic = realonly.PAGES.get(page_key)
    if topic is None:
        realonly.set_state(None)
        return False
    raw = st.query_params.get("real")
    if raw in ("0", "1"):
        wanted = raw == "1"
    else:
        if raw is not None:
            _notice("real", raw, "0")
        wanted = bool(st.session_state.get("keep_real", False))
    key = f"w_real@{_page_id()}"
    if st.session_state.get(key) != wanted:
        st.session_state[key] = wanted

    def to_url() -> None:
        st.query_params["real"] = "1" if st.session_state[key] else "0"

    on = st.sidebar.toggle(t("real_only", lg), key=key, on_change=to_url, help=t("real_only_help", lg))
    st.session_state["keep_real"] = on
    st.query_params["real"] = "1" if on else "0"
    realonly.set_state(topic if on else None)
    return on


def real_only_note(year: int, lg: str, topic: str | None = None) -> None:
    """Under the page title, with the switch on: how many units show real figures of the page's topic that year."""
    from . import coverage, realonly
    topic = topic or realonly.topic()
    if not topic:
        return
    text = coverage.real_only_note(topic, int(year), lg)
    if topic == "budget":  # budgets are shown per amount: a published KCQG actual stays beside a hidden demo plan
        amounts = queries.amount_origins(queries.era_of(year))
        amounts = amounts[amounts.year == int(year)].drop(columns=["unit_code", "year"])
        n = int(amounts.apply(lambda col: col.map(coverage.is_real)).any(axis=1).sum())
        text += " " + t("real_only_amounts", lg, n=n)
    st.info(text, icon=":material/filter_alt:")


def plans_only_note(year: int, lg: str) -> None:
    """Under the page title, for a year that has only plans (e.g. the running year): say so, and where the plans come
    from, so that empty actual figures read as «not yet», not as zero."""
    if queries.year_state(year) != "planned":
        return
    from . import coverage
    status = queries.years_in_programme().set_index("year")
    origin = status["budget_origin"].get(int(year)) if "budget_origin" in status else None
    units = status["units_reporting"].get(int(year)) if "units_reporting" in status else None
    st.info(t("year_plans_only", lg, year=year, origin=coverage.label(origin or coverage.NONE, lg),
              units="–" if units is None else int(units)), icon=":material/event_upcoming:")


# Choices that are not sidebar selects (tabs, multiselects) keep their ids in the URL with these three.
def from_url(name: str, options: list, default, many: bool = False):
    """A choice read from the URL by id (?topic=budget,staffing), so a copied link works in either language.
    Unknown ids fall back to the default with a notice, as everywhere in the app."""
    if many:
        return multi_param(name, options, default)
    valid = {str(o): o for o in options}
    value = one_param(name, valid.get, str(default))
    return default if value is None else value


def url_bound(name: str, key: str, options: list, default, many: bool = False, as_state=lambda v: v,
              state_ok=lambda s: True) -> None:
    """Before drawing widget `key`: take the URL's choice when the URL changed (first load, a shared link), or when
    the widget's state no longer fits (labels of the other language). A user's click is never overridden: the URL
    then still says what this page wrote last time (see to_url)."""
    wanted = from_url(name, options, default, many)
    if st.session_state.get(f"_url_{name}") != wanted or key not in st.session_state \
            or not state_ok(st.session_state[key]):
        st.session_state[key] = as_state(wanted)


def to_url(name: str, value) -> None:
    """After the widget: write its choice's id(s) to the URL — the default too, so the link keeps meaning the same."""
    st.session_state[f"_url_{name}"] = value
    _pin(name, ",".join(map(str, value)) if isinstance(value, list) else str(value))


def multi_param(name: str, options: list, default: list, lo: int = 1, hi: int | None = None) -> list:
    """Several ids from the URL (?units=01,79), in the URL's order; unknown or repeated ids are dropped with the
    notice; fewer than `lo` left: the default."""
    _uses(name)
    raw = st.query_params.get(name)
    if raw is None:
        return default
    valid = {str(o): o for o in options}
    parts = [p.strip() for p in str(raw)[:500].split(",") if p.strip()]
    good = [valid[p] for p in dict.fromkeys(parts) if p in valid][:hi]
    if len(good) != len(parts) or len(good) < lo:
        _notice(name, raw, ",".join(map(str, default)))
    return good if len(good) >= lo else default


def one_param(name: str, parse: Callable[[str], Any], default_label: str):
    """One id from the URL, or None when the URL has none or `parse` rejects it (then with the notice)."""
    _uses(name)
    raw = st.query_params.get(name)
    if raw is None:
        return None
    value = parse(str(raw))
    if value is None:
        _notice(name, raw, default_label)
    return value


def unit_param(codes: dict[str, str], default: str, name: str = "unit") -> str | None:
    """A province code from the URL (?unit=79), checked against `codes` (code → name)."""
    return one_param(name, lambda raw: raw if raw in codes else None, codes[default])


def area_param(parse: Callable[[str], str | None], default_label: str, name: str = "area") -> str | None:
    """A region or khuyến công area from the URL (?area=phia-nam), checked by `parse` (the deck's area_key)."""
    return one_param(name, parse, default_label)


# One user action, one history entry. Streamlit's browser side pushes a history entry for every change of the query
# string it is sent, and each `st.query_params[...] = ` sends one: a page pinning six values made six entries, and a
# page switch (which carries the old page's query string to the new path) one more before the new page's own. So a
# run only records what its URL should say (`_pin`, `_uses`), and app.py writes the whole query string once at the
# end of the run (`settle_url`), dropping what the page does not use (a profile's ?unit= on the Budgets page).
# A small script in app.py folds the remaining browser-side entries of one action (page switch, then the new
# page's values) into one.

def start_run() -> None:
    """Called by app.py before the page runs: nothing pinned yet, and the writes wait for settle_url."""
    st.session_state["_url_plan"] = {}
    st.session_state["_url_deferred"] = True
    st.session_state.pop("_units_shown", None)


def units_shown() -> str:
    """The era of the units this run's page draws ('63' or '34'), as its sidebar chose them; '63' without one."""
    return st.session_state.get("_units_shown", "63")


def _plan() -> dict:
    return st.session_state.setdefault("_url_plan", {})


def _pin(name: str, value: str) -> None:
    """This run's URL says ?name=value. A page run without app.py (a test running one page file) writes at once."""
    _plan()[name] = value
    if not st.session_state.get("_url_deferred"):
        st.query_params[name] = value


def _uses(name: str) -> None:
    """This run's page reads ?name=: keep whatever the URL (or the page itself) says."""
    _plan().setdefault(name, None)


KEEP_ALWAYS = ("lang",)


def settle_url() -> None:
    """Write this run's query string in one message: the pinned values, the used ones as they are, the language;
    nothing else. Widgets bound with bind="query-params" keep their own parameter (Streamlit writes it)."""
    st.session_state["_url_deferred"] = False
    plan, qp = _plan(), st.query_params
    current = {k: qp.get(k) for k in qp}
    bound = [k for k in current if qp.is_bound(k)] if hasattr(qp, "is_bound") else []
    target = {k: v for k, v in current.items() if k in plan or k in KEEP_ALWAYS or k in bound}
    for k, v in plan.items():
        if v is not None:
            target[k] = v
    if list(target.items()) == list(current.items()):
        return
    if not bound:
        qp.from_dict(target)
        return
    for k in [k for k in current if k not in target]:
        del qp[k]
    changed = {k: v for k, v in target.items() if k not in bound and current.get(k) != v}
    if changed:
        qp.update(changed)


# Drawn once per run by app.py (st.html runs it in the page itself, not in an iframe). Streamlit pushes a history
# entry for a page switch and another for every later change of the query string; this turns every push after the
# first one following a click or key press into a replace, so Back undoes one user action. Installed once per tab.
def _notice(name: str, raw, default_label: str) -> None:
    """The one notice for a URL value that is not an option: which parameter, what it said, what is used instead.
    Pages with their own parsers call it too. The value is a visitor's text: shortened and shown as plain text,
    never as Markdown (a link or an image in it must not render)."""
    st.warning(t("notice_bad_param", lang(), name=_plain(name), value=_plain(_short(raw)), default=default_label))


def _plain(text: str) -> str:
    # Markdown lets any ASCII punctuation be escaped; escaping all of it also breaks autolinks (https\:, www\.),
    # Streamlit's :color[] and :icon: directives and $math$. Line breaks would start new blocks: spaces instead.
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", re.sub(r"\s+", " ", text))


def _page_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    ctx = get_script_run_ctx()
    return ctx.page_script_hash[:8] if ctx else "page"


def _short(raw) -> str:
    text = str(raw)
    return text if len(text) <= 40 else text[:40] + "…"
