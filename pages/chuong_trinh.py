"""Chương trình khuyến công / Programme: the national programme's periods (to 2012 … 2026–2030) with their legal
basis and sources, each period's totals and targets against the warehouse, the years of a period (actual, plans only,
nothing yet) and the agency that ran the programme each year. ?period=<id> opens a period in detail."""
import datetime

import pandas as pd
import streamlit as st

from dashboard import blocks, charts, coverage, filters, fmt, palette, queries
from dashboard.i18n import name_col, t

lang = filters.lang()
blocks.page("page_programme", lang)
st.caption(t("prog_intro", lang))
names_in = name_col(lang)

periods = queries.programme_periods()
totals = queries.period_totals()
status = queries.years_in_programme().set_index("year")["status"]


def source_link(title, loc) -> str:
    return f"[{fmt.md(title)}]({loc})" if fmt.is_url(loc) else fmt.md(title or "")


def day(d) -> str:
    """A date as Vietnamese documents write it (23/9/2025), or a dash where the source gives none."""
    return "–" if fmt.missing(d) else f"{d.day}/{d.month}/{d.year}"


def origin_text(origin) -> str:
    return t("prog_no_data", lang) if fmt.missing(origin) else coverage.label(origin, lang)


# ---- the periods, their legal basis and sources
st.subheader(t("prog_periods", lang))
table = pd.DataFrame({
    t("prog_col_period", lang): periods[names_in],
    t("prog_col_years", lang): [f"{a}–{b}" for a, b in zip(periods.year_from, periods.year_to)],
    t("prog_col_basis", lang): periods.legal_basis,
    t("prog_col_decided", lang): [day(d) for d in periods.decided_on],
    t("prog_col_by", lang): periods.decided_by.fillna("–"),
    t("col_quote", lang): periods.quote.fillna(""),
    t("col_link", lang): [loc if fmt.is_url(loc) else None for loc in periods.source_location],
})
st.dataframe(table, hide_index=True, width="stretch",
             column_config={t("col_quote", lang): st.column_config.TextColumn(width="large"),
                            t("col_link", lang): st.column_config.LinkColumn(display_text=t("open_source", lang))})
st.caption(" · ".join(f"{r.legal_basis}: {source_link(r.source_title, r.source_location)}" for r in periods.itertuples()))

# ---- totals per period: budget by fund, đề án
st.subheader(t("prog_totals", lang))
held = totals[totals.years_held > 0]
amounts = ("kcqg_planned_mvnd", "kcqg_actual_mvnd", "kcdp_planned_mvnd", "kcdp_actual_mvnd")
demo = bool(held.budget_origin.fillna("").str.contains("demo").any())
if len(held):
    bars = held.assign(period=held[names_in].map(lambda n: charts.wrap(n, 28)))
    fig = charts.grouped_bars(bars, "period", {c: t(c, lang) for c in amounts}, "mvnd", lang,
                              colors={"kcqg_planned_mvnd": palette.FUND_PLANNED["kcqg"], "kcqg_actual_mvnd": palette.FUND["kcqg"],
                                      "kcdp_planned_mvnd": palette.FUND_PLANNED["kcdp"], "kcdp_actual_mvnd": palette.FUND["kcdp"]})
    charts.style(fig, t("prog_totals_title", lang), t("unit_mvnd", lang), lang, demo, source_gap=80)
    fig.update_xaxes(tickangle=0)
    blocks.chart(fig, held[["period_id", names_in, "year_from", "year_to", "years_held", *amounts, "total_planned_mvnd",
                            "total_actual_mvnd", "projects", "budget_origin"]], "programme-totals", lang, demo,
                 key="totals")


def amount_or_gap(v, years_held) -> str:
    return t("prog_no_data", lang) if years_held == 0 or fmt.missing(v) else fmt.mvnd(v, lang)


shown = pd.DataFrame({
    t("prog_col_period", lang): totals[names_in],
    t("prog_col_held", lang): [f"{h}/{b - a + 1}" for h, a, b in zip(totals.years_held, totals.year_from, totals.year_to)],
    **{t(c, lang): [amount_or_gap(v, h) for v, h in zip(totals[c], totals.years_held)]
       for c in (*amounts, "total_planned_mvnd", "total_actual_mvnd")},
    t("projects", lang): [t("prog_no_data", lang) if h == 0 else fmt.number(v, 0, lang)
                          for v, h in zip(totals.projects, totals.years_held)],
    t("origin", lang): [origin_text(o) for o in totals.budget_origin],
})
raw = totals.drop(columns=["name_vi", "name_en"]).reset_index(drop=True)
blocks.table(pd.concat([shown, raw], axis=1), "programme-period-totals", lang, demo, key="totals-table",
             column_config={**{c: None for c in raw.columns},
                            **{t(c, lang): st.column_config.TextColumn(alignment="right")
                               for c in (*amounts, "total_planned_mvnd", "total_actual_mvnd", "projects")}})

# ---- one period in detail: its targets against the warehouse, its years, its agency
today = datetime.date.today().year
running = periods[(periods.year_from <= today) & (periods.year_to >= today)]
default = running.period_id.iloc[0] if len(running) else periods.period_id.iloc[-1]
labels = dict(zip(periods.period_id, periods[names_in]))
period = filters.url_widget("period", list(periods.period_id), default, lambda p, lg: labels[p], t("prog_pick", lang),
                            lang, container=st)
this = periods.set_index("period_id").loc[period]
total = totals.set_index("period_id").loc[period]

st.subheader(t("prog_targets", lang))
targets = queries.period_progress()
targets = targets[targets.period_id == period]
if targets.empty:
    st.info(t("prog_no_targets", lang))
else:
    st.dataframe(pd.DataFrame({
        t("prog_col_target", lang): targets.value_text,
        t("prog_col_warehouse", lang): [t("prog_no_data", lang) if fmt.missing(v) else fmt.amount(v, u, lang)
                                        for v, u in zip(targets.warehouse_value, targets.unit)],
        t("prog_col_progress", lang): [fmt.pct(v, 1, lang) for v in targets.progress_pct],
        t("origin", lang): [origin_text(o) for o in targets.origin],
        t("col_link", lang): [loc if fmt.is_url(loc) else None for loc in targets.source_location],
    }), hide_index=True, width="stretch",
        column_config={t("col_link", lang): st.column_config.LinkColumn(display_text=t("open_source", lang))})
    if targets.origin.fillna("").str.contains("demo").any():
        blocks.demo_badge(True, lang)
        st.caption(t("prog_demo_note", lang))

st.subheader(t("prog_years", lang, name=this[names_in]))
years = list(range(int(this.year_from), int(this.year_to) + 1))
agency = queries.agency_years().set_index("year")
year_rows = pd.DataFrame({
    t("col_year", lang): [str(y) for y in years],
    t("prog_col_status", lang): [t(f"prog_year_{status.get(y, 'none')}", lang) for y in years],
    t("prog_col_agency", lang): [agency[names_in].get(y, "–") for y in years],
    t("prog_col_since", lang): [day(agency.known_from[y]) if y in agency.index else "–" for y in years],
    t("col_link", lang): [agency.source_location.get(y) if fmt.is_url(agency.source_location.get(y)) else None
                          for y in years],
})
st.dataframe(year_rows, hide_index=True, width="stretch",
             column_config={t("col_link", lang): st.column_config.LinkColumn(display_text=t("open_source", lang))})
actual = sum(status.get(y) == "actual" for y in years)
st.markdown(t("prog_to_date", lang, name=this[names_in], held=int(total.years_held), years=len(years), actual=actual))
st.caption(t("prog_agency_note", lang))
