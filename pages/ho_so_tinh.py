"""Hồ sơ tỉnh / Province profile: one of the 63 provinces — its figures and ranks in a chosen year (as its successor
unit among the 34 from 2025), its rank history, every metric over 2013–2024, its 2025 successor unit, per-capita
spending, and the sources and published figures behind it. ?unit=<code> opens a province, ?year= a year."""
import streamlit as st

from dashboard import blocks, coverage, filters, fmt, profile, queries
from dashboard.i18n import name_col, t

lang = filters.lang()
blocks.page("page_profile", lang)
year = filters.sidebar("year")["year"]  # default: the latest year with actual figures
names_in = name_col(lang)
PRE_REFORM = queries.REFORM_YEAR - 1

# The province: ?unit=<code> (from a map or bar click, or a shared link), else the last one opened, else Hà Nội.
# ?era=34 reads the code among the 34 units of 2025 (52 is then the new Gia Lai, not Bình Định).
era = filters.one_param("era", lambda r: r if r in ("63", "34") else None, "63") or "63"
st.query_params["era"] = era
names = dict(zip(*[queries.units(era)[c] for c in ("unit_code", "name_vi")]))
wanted = filters.unit_param(names, "01") or st.session_state.get("_profile_url", "01")
wanted = wanted if wanted in names else "01"
if "profile_unit" not in st.session_state or st.session_state.get("_profile_url") != wanted \
        or st.session_state["profile_unit"] not in names:
    st.session_state["profile_unit"] = wanted
code = st.selectbox(t("profile_pick_34" if era == "34" else "profile_pick", lang), list(names), key="profile_unit", format_func=names.get)
st.session_state["_profile_url"] = code
st.query_params["unit"] = code
name = names[code]


def right_aligned(columns) -> dict:
    return {c: st.column_config.TextColumn(alignment="right") for c in columns}


series = queries.unit_series(code, era)
peer = queries.peer_series(era, "vung", (code,))
y0, y1 = int(series.year.min()), int(series.year.max())
last = series[series.year == PRE_REFORM].iloc[0]
region_names = {g: queries.groups(g, era).set_index("group_id")[names_in] for g in ("vung", "kc_area")}
demo = bool(series.any_demo.any())
# each chart is badged by the topic it shows (a province whose budgets are all imported shows no badge on them)
budget_demo = bool(series.budget_demo.any())
people_demo = bool((series.staffing_demo | series.collaborators_demo).any())
peers_demo = bool(queries.nation_series().query("year <= @y1").budget_demo.any())  # region and nation rates

st.header(name)
st.markdown(t("profile_where", lang, vung=region_names["vung"][last.vung_id], area=region_names["kc_area"][last.kc_area_id],
              code=code))
blocks.demo_badge(demo, lang, imported=bool(series.any_imported.any()))

# Headline figures of the chosen year, each with its rank among the units of that year (63, or 34 from 2025).
peer_y, unit_y, view_y = profile.peer_in_year(code, era, year)
units_y = queries.units(view_y)
st.sidebar.caption(t("profile_units_in_year", lang, year=year, n=len(units_y), units=t(f"view_{view_y}", lang)))
ranks = peer_y[peer_y.year == year].set_index("metric")
unit_name_y = dict(zip(units_y.unit_code, units_y.name_vi)).get(unit_y, name)
heading = t("profile_kpi_year", lang, year=year) + ("" if unit_y == code and view_y == era else
                                                   " · " + t("successor_unit_label", lang, unit=unit_name_y))
st.markdown(f"**{heading}**")
if queries.year_state(year) != "actual":
    st.info(t(f"profile_year_{queries.year_state(year)}", lang, year=year))
collab = profile.collaborators_metric(view_y, year)
for i, metric in enumerate(("total_planned_mvnd", "total_actual_mvnd", "total_execution_pct", "projects",
                            "staff_total", collab)):
    if i % 3 == 0:
        row = st.columns(3)
    r = ranks.loc[metric] if metric in ranks.index else None
    v = None if r is None else r.value
    label = t("execution_pct" if metric in profile.RATES else metric, lang)
    if metric.endswith("_mvnd"):
        label += f" ({fmt.billions(lang)})"
    blocks.kpi(row[i % 3], label, profile.value_text(v, metric, lang),
               help=fmt.mvnd(v, lang) if metric.endswith("_mvnd") and not fmt.missing(v) else None)
    caption = profile.rank_text(r, metric, lang)
    if caption:
        row[i % 3].caption(caption)

# KCĐP per 1.000 people: only where a source gives the province's population (never an estimate).
per_capita, p0 = profile.per_capita(unit_y, year, view_y)
c1, c2 = st.columns([1, 2])
blocks.kpi(c1, t("per_1000_kpi", lang, year=year), fmt.number(per_capita.get("kcdp_actual_per_1000"), 2, lang),
           help=t("unit_mvnd_per_1000", lang))
if p0 is not None:
    src = f"[{fmt.md(p0.source_title)}]({p0.source_location})" if fmt.is_url(p0.source_location) else fmt.md(p0.source_title)
    c2.caption(t("per_1000_profile_source", lang, people=fmt.number(p0.population, 0, lang), year=p0.population_year,
                 source=src))
else:
    c2.caption(t("per_1000_profile_gap", lang))

left, right = st.columns(2)
with left:
    fig = profile.funds_figure(series, lang, t("profile_budget_title", lang, name=name, y0=y0, y1=y1), budget_demo)
    blocks.chart(fig, series[["year", *profile.FUNDS, "budget_origin"]], f"profile-{code}-funds", lang, budget_demo, key="funds")
with right:
    d = peer[peer.metric == "total_execution_pct"]
    labels = {f"region:{last.vung_id}": t("peer_region_rate", lang, region=region_names["vung"][last.vung_id]),
              "nation": t("peer_nation_rate", lang)}
    fig = profile.execution_figure(d, code, labels, lang, t("profile_exec_title", lang, name=name, y0=y0, y1=y1),
                                   peers_demo)
    blocks.chart(fig, d[["year", "unit_code", "value", "region_value", "nation_value", "rank_nation", "rank_region",
                     "origin"]], f"profile-{code}-execution", lang, peers_demo, key="execution")

mix = queries.project_mix(era, code)
cats = mix.drop_duplicates("category_id").set_index("category_id")[names_in]
mix_demo = bool(mix.origin.fillna("").str.contains("demo").any())
fig = profile.mix_figure(mix, dict(cats.items()), lang, t("profile_mix_title", lang, name=name, y0=y0, y1=y1), mix_demo)
blocks.chart(fig, mix.drop(columns=[c for c in ("name_vi", "name_en") if c != names_in]), f"profile-{code}-projects", lang,
         mix_demo, key="projects")

left, right = st.columns(2)
with left:
    fig = profile.people_figure(series, lang, t("profile_people_title", lang, name=name, y0=y0, y1=y1), people_demo)
    blocks.chart(fig, series[["year", *profile.PEOPLE, "staffing_origin", "collaborators_origin"]], f"profile-{code}-people", lang,
             people_demo, key="people")
with right:  # the 2025 successor unit
    st.subheader(t("profile_successor" if era == "63" else "profile_members", lang))
    succ = queries.successor(code) if era == "63" else None
    if era == "34":  # a 2025 unit: the provinces it was formed from, each a link to its own profile
        provinces = dict(zip(*[queries.units("63")[c] for c in ("unit_code", "name_vi")]))
        st.markdown(t("profile_members_text", lang, unit=name) + "\n\n" + "\n".join(
            f"- [{provinces[m]}](/ho-so-tinh?unit={m}&era=63&lang={lang})"
            for m in queries.deck_merged_from((code,))))
    elif succ is None:
        st.info(t("successor_none", lang))
    else:
        members = list(succ["merged_from"])
        key = "successor_same" if len(members) == 1 else "successor_merged"
        st.markdown(t(key, lang, name=name, unit=succ["name_vi"], code=succ["unit_code"], members=", ".join(members)))
        if len(members) > 1:
            share = profile.share_of_successor(last.total_planned_mvnd, succ["unit_code"])
            st.markdown(t("successor_share", lang, name=name, unit=succ["name_vi"], pct=fmt.pct(share, 1, lang)))
        s25 = profile.reform_year_row(succ["unit_code"])
        if s25 is not None:
            st.markdown(f"**{t('successor_2025', lang, unit=succ['name_vi'])}**")
            blocks.demo_badge(bool(s25.any_demo), lang, imported=bool(s25.any_imported))
            c = st.columns(2)
            blocks.kpi(c[0], f"{t('total_planned_mvnd', lang)} ({fmt.billions(lang)})",
                   fmt.mvnd_headline(s25.total_planned_mvnd, lang), help=fmt.mvnd(s25.total_planned_mvnd, lang))
            blocks.kpi(c[1], f"{t('total_actual_mvnd', lang)} ({fmt.billions(lang)}) · {fmt.pct(s25.total_execution_pct, 1, lang)}",
                   fmt.mvnd_headline(s25.total_actual_mvnd, lang), help=fmt.mvnd(s25.total_actual_mvnd, lang))
            c = st.columns(3)
            blocks.kpi(c[0], t("projects", lang), fmt.number(s25.projects, 0, lang))
            blocks.kpi(c[1], t("staff_total", lang), fmt.number(s25.staff_total, 0, lang))
            blocks.kpi(c[2], t("profile_collaborators_short", lang), fmt.number(s25.collaborators_total, 0, lang),
                   help=t("collaborators_commune", lang))

# Ranks among the units of the year (63, or 34 from 2025) and within the region: the chosen year beside another.
st.subheader(t("profile_ranks_year", lang, units=t(f"view_{view_y}", lang)))
years = sorted(int(y) for y in peer_y.year.unique() if y != year)
before = [y for y in years if y < year]
other = filters.url_widget("rank_year", years, before[-1] if before else years[0], lambda y, lg: str(y),
                           t("profile_rank_year", lang), lang, container=st) if years else year
table, numbers, raw = profile.rank_table(peer_y, (year, other), lang)
ranks_demo = bool(peer_y[peer_y.year.isin([year, other])].origin.fillna("").str.contains("demo").any())
blocks.table(table, f"profile-{code}-ranks-{year}-{other}", lang, ranks_demo,
             key="ranks", column_config={**{c: None for c in raw}, **right_aligned(numbers)})
st.caption(t("rank_hint", lang) + " " + t("col_region", lang) + ": " + region_names["vung"][last.vung_id] + ".")

hist = profile.rank_history(code, era)
if len(hist):
    hist_demo = bool(hist.origin.fillna("").str.contains("demo").any())
    fig = profile.rank_history_styled(hist, lang, t("profile_rank_history_title", lang, name=name), hist_demo)
    blocks.chart(fig, hist, f"profile-{code}-rank-history", lang, hist_demo, key="rank-history")

# Sources behind each figure: the rows as shown, then every published figure that concerns the province.
st.subheader(t("profile_sources", lang))
st.caption(t("profile_rows_caption", lang, name=name))
rows = profile.row_sources(era, code, name, succ, lang)
blocks.table(profile.row_sources_table(rows, lang), f"profile-{code}-row-sources", lang,
         bool((rows.origin == "demo").any()), key="row-sources",
         column_config={**{c: None for c in rows.columns}, **right_aligned([t("col_rows", lang)])})

# Every figure a source states about the province itself: its words, and a link to where it was published.
st.markdown(f"**{t('profile_published_own', lang, name=name)}**")
own = coverage.published_figures_for(code, era)
if own.empty:
    st.info(t("profile_no_published_own", lang, name=name))
else:
    st.dataframe(profile.own_figures_table(own, lang), hide_index=True, width="stretch", row_height=70, height=min(len(own), 6) * 70 + 40,
        column_config={t("col_quote", lang): st.column_config.TextColumn(width="large"),
                       t("col_link", lang): st.column_config.LinkColumn(display_text=t("open_source", lang))})
    st.caption(t("profile_published_own_caption", lang, n=fmt.number(len(own), 0, lang)))

# People trained and establishments supported: only what a report or a source states (there is no demo), with origin.
st.markdown(f"**{t('profile_outreach', lang)}**")
outreach = queries.outreach(code, era)
if outreach.empty:
    st.info(t("profile_outreach_none", lang, name=name))
else:
    st.dataframe(profile.outreach_table(outreach, lang), hide_index=True, width="stretch", key="outreach",
                 column_config={t("col_quote", lang): st.column_config.TextColumn(width="large"),
                                t("col_link", lang): st.column_config.LinkColumn(display_text=t("open_source", lang))})
    st.caption(t("profile_outreach_caption", lang))

# Figures about its region, its khuyến công area, or a named set of provinces that includes it.
figs = profile.group_figures(code, era, last.vung_id, last.kc_area_id)
st.markdown(f"**{t('profile_published', lang, name=name)}**")
if figs.empty:
    st.info(t("profile_no_published", lang))
else:
    blocks.table(profile.group_figures_table(figs, lang), f"profile-{code}-published", lang, False, key="published",
             column_config={**{c: None for c in figs.columns},
                            t("col_published_value", lang): st.column_config.TextColumn(width="medium"),
                            t("col_source", lang): st.column_config.TextColumn(width="medium"),
                            t("col_quote", lang): st.column_config.TextColumn(width="large")})
    st.caption(t("profile_published_caption", lang))

st.subheader(t("profile_table", lang, name=name, y0=y0, y1=y1))
table, numbers, raw = profile.series_table(series, lang)
blocks.table(table, f"profile-{code}-{y0}-{y1}", lang, demo, key="province-table",
         column_config={**{c: None for c in raw}, **right_aligned(numbers),
                        t("col_year", lang): st.column_config.TextColumn(pinned=True)})
