"""So sánh / Compare: 2–5 provinces (or regions) side by side on every metric, each against its region and the
nation, over the years. View '63' covers 2013–2024; view '34' every year through the 34 units (2025 included)."""
import pandas as pd
import streamlit as st

from dashboard import blocks, charts, filters, fmt, palette, queries
from dashboard.i18n import name_col, t

lang = filters.lang()
blocks.page("page_compare", lang)
f = filters.sidebar("year", "view", "grouping")
year, view, grouping = f["year"], f["view"], f["grouping"]
grouping_name = filters.FILTERS["grouping"].label(grouping, lang)
names_in = name_col(lang)
RATES = {"total_execution_pct", "kcqg_execution_pct", "kcdp_execution_pct"}


def kind_of(metric: str) -> str:
    return "mvnd" if metric.endswith("_mvnd") else "pct" if metric in RATES else "count"


def shown(v, metric: str, average: bool = False) -> str:
    """A value as users read it; per-province averages of counts keep one decimal."""
    kind = kind_of(metric)
    return fmt.pct(v, 1, lang) if kind == "pct" else fmt.number(v, 1 if average and kind == "count" else 0, lang)


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
    metrics = [m for m in queries.PEER_METRICS if m in set(peer.metric)]
    metric = choose("metric", metrics, metrics[0], "compare_metric")
    colors = dict(zip(chosen, palette.UNIT))
    regions = queries.groups(grouping, view).set_index("group_id")[names_in]
    rate = metric in RATES
    labels = {f"region:{g}": t("peer_region_rate" if rate else "peer_region", lang, region=n) for g, n in regions.items()}
    labels["nation"] = t("peer_nation_rate" if rate else "peer_nation", lang)
    d = peer[peer.metric == metric].assign(order=lambda x: x.unit_code.map(chosen.index)).sort_values(["order", "year"])
    y0, y1 = int(peer.year.min()), int(peer.year.max())
    demo = bool(d.origin.fillna("").str.contains("demo").any())
    fig = charts.compare_lines(d, kind_of(metric), lang, colors, labels)
    charts.mark_reform(fig, lang, t("reform_mark", lang))
    charts.style(fig, t("compare_title", lang, metric=t(f"peer_{metric}", lang), who=t("compare_who_units", lang),
                        y0=y0, y1=y1), t(f"view_{view}", lang), lang, demo, height=560)
    charts.legend_right(fig)
    blocks.chart(fig, d[["unit_code", "name_vi", "region_id", "year", "metric", "value", "region_value", "nation_value",
                     "rank_nation", "units_nation", "rank_region", "units_region", "origin"]],
             f"compare-{metric}-{view}-{grouping}", lang, demo, key="compare")
    st.caption(t("peer_note", lang, grouping=grouping_name) + (" " + t("view34_note", lang) if view == "34" else ""))

    panels = {m: (t(f"peer_{m}", lang), kind_of(m)) for m in metrics}
    fig = charts.small_multiples(peer.assign(order=peer.unit_code.map(chosen.index)).sort_values(["order", "year"]),
                                 panels, lang, colors, t("nation", lang))
    charts.mark_reform(fig, lang, "")
    all_demo = bool(peer.origin.fillna("").str.contains("demo").any())
    charts.style(fig, t("compare_every_metric", lang, y0=y0, y1=y1), t(f"view_{view}", lang), lang, all_demo,
                 height=fig.layout.height)
    charts.legend_top(fig)
    blocks.chart(fig, peer, f"compare-every-metric-{view}", lang, all_demo, key="every")
    st.caption(t("compare_every_note", lang))

    st.subheader(t("compare_year_table", lang, year=year))
    ty = peer[peer.year == year].assign(m_order=lambda x: x.metric.map(metrics.index),
                                        u_order=lambda x: x.unit_code.map(chosen.index)).sort_values(["m_order", "u_order"])
    table = pd.DataFrame({
        t("col_metric", lang): [t(f"peer_{m}", lang) for m in ty.metric],
        t("col_unit", lang): ty.name_vi,
        t("col_value", lang): [shown(v, m) for v, m in zip(ty.value, ty.metric)],
        t("col_region", lang): ty.region_id.map(regions),
        t("col_region_value", lang): [shown(v, m, True) for v, m in zip(ty.region_value, ty.metric)],
        t("col_nation_value", lang): [shown(v, m, True) for v, m in zip(ty.nation_value, ty.metric)],
        t("col_rank_nation", lang): [f"{r}/{n}" for r, n in zip(ty.rank_nation, ty.units_nation)],
        t("col_rank_region", lang): [f"{r}/{n}" for r, n in zip(ty.rank_region, ty.units_region)],
        t("origin", lang): ty.origin,
    })
    raw = ty[["year", "metric", "unit_code", "value", "region_value", "nation_value", "rank_nation", "units_nation",
              "rank_region", "units_region"]].reset_index(drop=True)
    both = pd.concat([table.reset_index(drop=True), raw], axis=1)  # shown formatted; exported with exact numbers
    numbers = [t(c, lang) for c in ("col_value", "col_region_value", "col_nation_value", "col_rank_nation",
                                     "col_rank_region")]
    blocks.table(both, f"compare-{year}-{view}", lang, bool(ty.origin.fillna("").str.contains("demo").any()),
             key="year-table", column_config={**{c: None for c in raw.columns},
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
    g = queries.groups_with_nation(grouping)
    g = g[g.group_id.isin(["nation", *chosen])].copy()
    nation_col = g[g.group_id == "nation"].set_index("year")[metric]
    g["shown"] = (g[metric] if rate or basis == "total" else g[metric] / g["units"] if basis == "per_unit"
                  else 100 * g[metric] / g.year.map(nation_col))
    if basis == "share" and not rate:
        g = g[g.group_id != "nation"]
    wide = g.pivot_table(index="year", columns="group_id", values="shown").reset_index()
    order = [c for c in [*chosen, "nation"] if c in wide.columns]
    kind = "pct" if rate or basis == "share" else kind_of(metric)
    nation_label = t("nation", lang)
    fig = charts.trend(wide, "year", {c: names.get(c, nation_label) for c in order}, kind, lang,
                       colors={**palette.REGION, "nation": palette.NATION}, dash={"nation": "dot"})
    charts.mark_reform(fig, lang, t("reform_mark", lang)).update_yaxes(tickformat=",~r")
    demo = bool(g.any_demo.fillna(False).any())
    if rate or basis == "total":  # the metric's own label carries its unit
        what, unit = t(f"peer_{metric}", lang), "%" if rate else t("basis_total", lang)
    else:
        what = f"{t(metric, lang)} – {t(f'basis_{basis}', lang).lower()}"
        unit = "%" if basis == "share" else t("unit_mvnd" if kind == "mvnd" else
                                              "projects" if metric == "projects" else "unit_people", lang)
    charts.style(fig, t("compare_title", lang, metric=what, who=t("compare_who_groups", lang),
                        y0=int(wide.year.min()), y1=int(wide.year.max())), f"{unit} · {grouping_name}", lang, demo,
                 height=540)
    blocks.chart(fig, g[["year", "era", "group_id", "name_vi", "name_en", "units", metric, "shown"]],
             f"compare-regions-{grouping}-{metric}-{basis}", lang, demo, key="regions")
    st.caption(t("basis_rate_note", lang) if rate else t("groups_2025_note", lang)
               + (" " + t("per_unit_2025_note", lang) if basis == "per_unit" and not rate else ""))

    st.subheader(t("compare_groups_table", lang, year=year))
    gy = queries.groups_with_nation(grouping)
    gy = gy[gy.year == year].sort_values("sort_order")
    share = 100 * gy[metric] / gy.loc[gy.group_id == "nation", metric].iloc[0]
    gy = gy.assign(per_unit=gy[metric] / gy.units, share_nation_pct=share,
                   rank=gy[gy.group_id != "nation"][metric].rank(ascending=False, method="min"))
    gy = gy[gy.group_id.isin(["nation", *chosen])]
    table = pd.DataFrame({
        t("col_region", lang): gy.group_id.map(names).fillna(nation_label),
        t("col_units", lang): [fmt.number(u, 0, lang) for u in gy.units],
        t("col_total", lang): [shown(v, metric) for v in gy[metric]],
        t("col_per_unit", lang): ["–" if rate else shown(v, metric, True) for v in gy.per_unit],
        t("col_share_nation", lang): ["–" if rate else fmt.pct(v, 1, lang) for v in gy.share_nation_pct],
        t("rank", lang): [f"{int(r)}/{len(names)}" if r == r else "–" for r in gy["rank"]],
    })
    raw = gy[["year", "group_id", metric, "per_unit", "share_nation_pct", "rank"]].reset_index(drop=True)
    numbers = [t(c, lang) for c in ("col_units", "col_total", "col_per_unit", "col_share_nation", "rank")]
    blocks.table(pd.concat([table.reset_index(drop=True), raw], axis=1), f"compare-regions-{grouping}-{year}", lang,
             bool(gy.any_demo.fillna(False).any()), key="groups-table",
             column_config={**{c: None for c in raw.columns},
                            **{c: st.column_config.TextColumn(alignment="right") for c in numbers}})
