"""So sánh / Compare: 2–5 provinces (or regions) side by side on every metric, each against its region and the
nation, over the years. View '63' covers 2013–2024; view '34' every year through the 34 units (2025 included)."""
import streamlit as st

from dashboard import blocks, compare, filters, palette, queries
from dashboard.i18n import name_col, t

lang = filters.lang()
blocks.page("page_compare", lang)
f = filters.sidebar("year", "view", "grouping")
year, view, grouping = f["year"], f["view"], f["grouping"]
grouping_name = filters.FILTERS["grouping"].label(grouping, lang)
names_in = name_col(lang)
RATES, kind_of = compare.RATES, compare.kind_of


def pick(name: str, label: str, options: dict[str, str], default: list[str], scope: str) -> list[str]:
    """A 2–5 multiselect whose choice lives in the URL as codes (?units=01,79); a changed URL re-seeds it."""
    key = f"compare_{name}_{scope}"
    default = st.session_state.get(f"_{key}_url") or default  # back on the page without ?units=: the last choice
    codes = filters.multi_param(name, list(options), default, lo=2, hi=5)
    if key not in st.session_state or st.session_state.get(f"_{key}_url") != codes:
        st.session_state[key] = codes
    chosen = st.multiselect(label, list(options), key=key, max_selections=5, format_func=options.get)
    if len(chosen) < 2:  # the URL keeps the last valid choice until there are two again
        st.info(t("compare_need_two", lang))
        st.stop()
    st.session_state[f"_{key}_url"] = chosen
    filters.to_url(name, chosen)
    return chosen


def choose(name: str, options: list, default, label_key: str, kind: str = "select"):
    """A page control kept in the URL as the option itself (?mode=regions), whatever the language."""
    labels = {"mode": lambda m, lg: t(f"mode_{m}", lg), "metric": lambda m, lg: t(f"peer_{m}", lg),
              "basis": lambda b, lg: t(f"basis_{b}", lg)}
    return filters.url_widget(name, options, default, labels[name], t(label_key, lang), lang, kind, container=st)


mode = choose("mode", ["provinces", "regions"], "provinces", "compare_by", "segmented")

if mode == "provinces":
    units = queries.units(view)
    names = dict(zip(units.unit_code, units.name_vi))
    chosen = pick("units", t("compare_units", lang), names, ["01", "79", "48"], view)
    peer = queries.peer_series(view, grouping, tuple(chosen))
    present = set(peer.metric)
    metrics = [m for m in queries.PEER_METRICS if m in present]
    metric = choose("metric", metrics, metrics[0], "compare_metric")
    colors = dict(zip(chosen, palette.UNIT))
    regions = queries.groups(grouping, view).set_index("group_id")[names_in]
    rate = metric in RATES
    labels = {f"region:{g}": t("peer_region_rate" if rate else "peer_region", lang, region=n) for g, n in regions.items()}
    labels["nation"] = t("peer_nation_rate" if rate else "peer_nation", lang)
    d = queries.peer_metric(peer, metric, chosen)
    y0, y1 = int(peer.year.min()), int(peer.year.max())
    demo = bool(d.origin.fillna("").str.contains("demo").any())
    fig = compare.units_figure(d, kind_of(metric), lang, colors, labels,
                               t("compare_title", lang, metric=t(f"peer_{metric}", lang),
                                 who=t("compare_who_units", lang), y0=y0, y1=y1), t(f"view_{view}", lang), demo)
    blocks.chart(fig, d[["unit_code", "name_vi", "region_id", "year", "metric", "value", "region_value", "nation_value",
                     "rank_nation", "units_nation", "rank_region", "units_region", "origin"]],
             f"compare-{metric}-{view}-{grouping}", lang, demo, key="compare")
    st.caption(t("peer_note", lang, grouping=grouping_name) + (" " + t("view34_note", lang) if view == "34" else ""))

    panels = {m: (t(f"peer_{m}", lang), kind_of(m)) for m in metrics}
    all_demo = bool(peer.origin.fillna("").str.contains("demo").any())
    fig = compare.every_metric_figure(queries.in_chosen_order(peer, chosen), panels, lang, colors,
                                      t("compare_every_metric", lang, y0=y0, y1=y1), t(f"view_{view}", lang),
                                      all_demo)
    blocks.chart(fig, peer, f"compare-every-metric-{view}", lang, all_demo, key="every")
    st.caption(t("compare_every_note", lang))

    st.subheader(t("compare_year_table", lang, year=year))
    ty = queries.peer_year(peer, year, metrics, chosen)
    both, numbers, raw = compare.units_table(ty, regions, lang)  # shown formatted; exported with exact numbers
    blocks.table(both, f"compare-{year}-{view}", lang, bool(ty.origin.fillna("").str.contains("demo").any()),
             key="year-table", column_config={**{c: None for c in raw},
                                              **{c: st.column_config.TextColumn(alignment="right") for c in numbers}})
    st.caption(t("average_hint", lang) + " " + t("rank_hint", lang))

else:
    gs = queries.groups(grouping, "63")
    names = dict(zip(gs.group_id, gs[names_in]))
    chosen = pick("groups", t("compare_groups", lang), names, list(names)[:3], grouping)
    metrics = list(queries.PEER_METRICS)
    metric = choose("metric", metrics, metrics[0], "compare_metric")
    rate = metric in RATES  # a rate has no total, per-province or share basis: it is the overall rate
    basis = "total" if rate else choose("basis", ["total", "per_unit", "share"], "total", "compare_basis", "segmented")
    g, wide = queries.group_compare(grouping, chosen, metric, basis, rate)
    order = [c for c in [*chosen, "nation"] if c in wide.columns]
    kind = "pct" if rate or basis == "share" else kind_of(metric)
    nation_label = t("nation", lang)
    demo = bool(g.any_demo.fillna(False).any())
    if rate or basis == "total":  # the metric's own label carries its unit
        what, unit = t(f"peer_{metric}", lang), "%" if rate else t("basis_total", lang)
    else:
        what = f"{t(metric, lang)} – {t(f'basis_{basis}', lang).lower()}"
        unit = "%" if basis == "share" else t("unit_mvnd" if kind == "mvnd" else
                                              "projects" if metric == "projects" else "unit_people", lang)
    fig = compare.groups_figure(wide, {c: names.get(c, nation_label) for c in order}, kind, lang,
                                t("compare_title", lang, metric=what, who=t("compare_who_groups", lang),
                                  y0=int(wide.year.min()), y1=int(wide.year.max())), f"{unit} · {grouping_name}",
                                demo)
    blocks.chart(fig, g[["year", "era", "group_id", "name_vi", "name_en", "units", metric, "shown"]],
             f"compare-regions-{grouping}-{metric}-{basis}", lang, demo, key="regions")
    st.caption(t("basis_rate_note", lang) if rate else t("groups_2025_note", lang)
               + (" " + t("per_unit_2025_note", lang) if basis == "per_unit" and not rate else ""))

    st.subheader(t("compare_groups_table", lang, year=year))
    gy = queries.groups_year(grouping, year, metric, chosen)
    both, numbers, raw = compare.groups_table(gy, metric, names, rate, lang)
    blocks.table(both, f"compare-regions-{grouping}-{year}", lang,
             bool(gy.any_demo.fillna(False).any()), key="groups-table",
             column_config={**{c: None for c in raw},
                            **{c: st.column_config.TextColumn(alignment="right") for c in numbers}})
