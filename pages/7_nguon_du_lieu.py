"""Nguồn & chất lượng dữ liệu / Sources & data quality: every published figure with its quote and source, the
sources' own contradictions (recorded, never corrected), what is demo and what is imported, the data dictionary,
and every table to download."""
import io
import math
import re
import zipfile

import pandas as pd
import streamlit as st

from dashboard import blocks, exports, fmt, queries, filters
from dashboard.i18n import t

lang = filters.lang()
blocks.page("page_sources", lang)
st.caption(t("src_intro", lang))

SECTIONS = ("figures", "checks", "origin", "dictionary", "downloads")  # ?section=… in the URL, same in both languages
TOPICS = ("budget", "projects", "staffing", "collaborators", "target", "reference")
UNIT_KEYS = {"triệu đồng": "unit_mvnd", "người": "unit_people", "%": "unit_pct", "đơn vị": "src_unit_units",
             "đề án": "src_unit_projects", "xã": "src_unit_communes", "tỉnh": "src_unit_provinces",
             "huyện": "src_unit_districts", "thành phố": "src_unit_cities", "nội dung": "src_unit_content_types",
             "người/đơn vị": "src_unit_people_per_unit", "cơ sở": "src_unit_establishments",
             "sản phẩm": "src_unit_products"}
STATUS_ICONS = {"discrepancy": ":red[:material/error:]", "truncated": ":orange[:material/content_cut:]",
                "approximate": ":blue[:material/approximately_equal:]", "consistent": ":green[:material/check_circle:]"}


# ------------------------------------------------------------------------------------------------ small helpers
def decimals(x, resolution=None) -> int:
    """As many decimals as the source wrote (its resolution), or as the value needs (at most 2)."""
    precise = resolution is not None and resolution == resolution and 0 < resolution < 1
    res = -math.floor(math.log10(resolution) + 1e-9) if precise else 0
    need = next((d for d in (0, 1, 2) if abs(x * 10 ** d - round(x * 10 ** d)) < 1e-6), 2) if x == x else 0
    return max(res, need)


def amount(x, unit: str, d: int | None = None) -> str:
    """A figure in its unit, in the reader's number style: '16.602 triệu đồng', '12,34%', '516 người'."""
    if fmt.missing(x):
        return "–"
    d = decimals(x) if d is None else d
    if unit == "%":
        return fmt.pct(x, d, lang)
    return f"{fmt.number(x, d, lang)} {t(UNIT_KEYS[unit], lang) if unit in UNIT_KEYS else unit}"


def md(text) -> str:
    """Source text shown as Markdown literally (quotes may hold *, _, $, [ …)."""
    return re.sub(r"([\\`*_{}\[\]<>()#+!|$~])", r"\\\1", str(text or ""))


def period(r) -> str:
    if pd.isna(r.year):
        return "–"
    years = str(r.year) if pd.isna(r.year_to) or r.year_to == r.year else f"{r.year}–{r.year_to}"
    return f"{years} · {t(f'src_period_{r.period}', lang)}" if r.period in ("H1", "9M", "11M") else years


def text(x) -> str:
    """A text cell, with missing values (None, NaN) as ''."""
    return x.strip() if isinstance(x, str) else ""


def is_url(loc) -> bool:
    return isinstance(loc, str) and loc.startswith(("http://", "https://"))


def source_line(r) -> str:
    when = f" ({t('src_published_on', lang, date=r.published)})" if text(r.published) else ""
    loc = r.source_location
    where = f" · [{md(loc)}]({loc})" if is_url(loc) else f" · `{loc}`"
    return f"**{md(r.source_title)}** — {md(r.publisher)}{when}{where}"


def spelled(formula: str, values: dict) -> str:
    """'mt17_kcdp_actual / n17_kcdp_actual * 100' → '16.602 / 134.588 × 100', each figure in the reader's style."""
    out = re.sub(r"[A-Za-z_][A-Za-z0-9_]*", lambda m: fmt.number(values[m[0]], decimals(values[m[0]]), lang), formula)
    return out.replace("*", "×")


def section_tabs() -> list:
    labels = [t(f"src_tab_{s}", lang) for s in SECTIONS]
    filters.url_bound("section", "src_section", list(SECTIONS), SECTIONS[0], as_state=lambda v: labels[SECTIONS.index(v)],
              state_ok=lambda s: s in labels)
    tabs = st.tabs(labels, key="src_section", on_change="rerun")
    filters.to_url("section", SECTIONS[labels.index(st.session_state["src_section"])])
    return tabs


def open_(tab) -> bool:
    return tab.open is not False  # None (no state tracking) draws every tab


# ------------------------------------------------------------------------------------------------ the data
figures = queries.figures().merge(queries.figure_source_kinds(), on="figure_id", how="left")
figures["derived"] = figures["source_kind"].eq("derived")
stored = queries.origin_counts().pivot_table(index="table_name", columns="origin", values="rows", aggfunc="sum")
in_use = queries.origin_in_use().pivot_table(index="table_name", columns="origin", values="rows", aggfunc="sum")
origins_in_use = [o for o in ("demo", "imported") if o in in_use.columns and in_use[o].fillna(0).sum() > 0]
warehouse_origin = " + ".join(t(f"origin_{o}", lang) for o in origins_in_use) or "–"
warehouse_demo = "demo" in origins_in_use

tabs = section_tabs()

# ------------------------------------------------------------------------------------------------ 1 published figures
with tabs[0]:
    if open_(tabs[0]):
        present = [x for x in TOPICS if x in set(figures.topic)]
        filters.url_bound("topic", "src_topic", present, present, many=True)
        topics = st.pills(t("src_filter_topic", lang), present, selection_mode="multi", key="src_topic",
                          format_func=lambda x: t(f"src_topic_{x}", lang))
        filters.to_url("topic", [x for x in present if x in topics] or present)  # none picked = all
        span = figures.dropna(subset=["year"])
        years = list(range(int(span.year.min()), int(span.year_to.max()) + 1))
        c2, c3 = st.columns([1, 3])
        year = filters.url_widget("fig_year", ["all"] + years, "all",
                                lambda y, lg: t("src_all_years", lg) if y == "all" else str(y),
                                t("src_filter_year", lang), lang, container=c2)
        needle = c3.text_input(t("src_filter_search", lang), key="q", placeholder=t("src_filter_search_help", lang),
                               bind="query-params")

        shown = figures[figures.topic.isin(topics or present)]
        if year != "all":
            shown = shown[((shown.year <= year) & (shown.year_to >= year)).fillna(False)]
        if needle.strip():
            hay = shown[["figure_id", "value_text", "quote", "source_title", "publisher", "note"]].fillna("")
            hay = hay.agg(" ".join, axis=1)
            shown = shown[hay.str.contains(needle.strip(), case=False, regex=False)]

        compared = shown[shown.calibrate.isin(["target", "check"])]
        k = st.columns(4)
        blocks.kpi(k[0], t("src_kpi_figures", lang), t("src_kpi_of", lang, n=fmt.number(len(shown), 0, lang),
                                                     total=fmt.number(len(figures), 0, lang)))
        quoted = shown.loc[~shown.derived, "source_id"].nunique()
        blocks.kpi(k[1], t("src_kpi_sources", lang), fmt.number(quoted, 0, lang))
        agreeing = int(compared.agrees.fillna(False).sum())
        blocks.kpi(k[2], t("src_kpi_agree", lang), t("src_kpi_of", lang, n=fmt.number(agreeing, 0, lang),
                                                   total=fmt.number(len(compared), 0, lang)))
        blocks.kpi(k[3], t("src_kpi_derived", lang), fmt.number(int(shown.derived.sum()), 0, lang))

        blocks.demo_badge(warehouse_demo, lang, imported="imported" in origins_in_use)
        st.caption(t("src_warehouse_note", lang, origin=warehouse_origin))
        with st.expander(t("src_how_agree", lang), icon=":material/rule:"):
            st.markdown(t("src_how_agree_body", lang))

        agree = shown.agrees.map({True: t("src_agree_yes", lang), False: t("src_agree_no", lang)})
        agree = agree.fillna(t("src_agree_na", lang))
        table = pd.DataFrame({
            "figure_id": shown.figure_id,
            "period": [period(r) for r in shown.itertuples()],
            "value_text": shown.value_text,
            "quote": shown.quote,
            "value_shown": [amount(r.value, r.unit, decimals(r.value, r.resolution)) for r in shown.itertuples()],
            "qualifier_shown": shown.qualifier.map(lambda x: t(f"src_q_{x}", lang)),
            "topic": shown.topic.map(lambda x: t(f"src_topic_{x}", lang)),
            "source": [f"{r.source_title} — {r.publisher}" + (f" ({r.published})" if text(r.published) else "")
                       for r in shown.itertuples()],
            "link": shown.source_location.where(shown.source_location.map(is_url)),
            "file": shown.source_location.where(~shown.source_location.map(is_url)),
            "derived": shown.derived,
            "role": shown.calibrate.map(lambda x: t(f"src_cal_{x}", lang)),
            "check": agree.where(shown.calibrate.isin(["target", "check"]), t("src_agree_na", lang)),
            "warehouse_shown": [amount(r.warehouse_value, r.unit, decimals(r.value, r.resolution))
                                for r in shown.itertuples()],
            "note": shown.note,
            # kept for the downloads, hidden on screen
            "figure_origin": shown.derived.map({True: "derived (suy ra)", False: "published (công bố)"}),
            "value": shown.value, "unit": shown.unit, "qualifier": shown.qualifier, "year": shown.year,
            "year_to": shown.year_to, "calibrate": shown.calibrate, "warehouse_value": shown.warehouse_value,
            "warehouse_origin": shown.warehouse_value.notna().map({True: "+".join(origins_in_use), False: None}),
            "source_id": shown.source_id,
        })
        tc = st.column_config.TextColumn
        config = {
            "figure_id": tc(t("src_col_figure_id", lang), pinned=True), "topic": tc(t("src_col_topic", lang)),
            "period": tc(t("src_col_period", lang)), "value_text": tc(t("src_col_value_text", lang), width="medium"),
            "value_shown": tc(t("src_col_value", lang)), "qualifier_shown": tc(t("src_col_qualifier", lang)),
            "quote": tc(t("src_col_quote", lang), width=480), "source": tc(t("src_col_source", lang), width=260),
            "link": st.column_config.LinkColumn(t("src_col_link", lang), width="small"),
            "file": tc(t("src_col_file", lang)), "derived": st.column_config.CheckboxColumn(t("src_col_derived", lang)),
            "role": tc(t("src_col_calibrate", lang)), "check": tc(t("src_col_agrees", lang)),
            "warehouse_shown": tc(f"{t('src_col_warehouse', lang)} ({warehouse_origin})"),
            "note": tc(t("src_col_note", lang), width=360),
            **{c: None for c in ("figure_origin", "value", "unit", "qualifier", "year", "year_to", "calibrate",
                                 "warehouse_value", "warehouse_origin", "source_id")},
        }
        blocks.table(table, "published-figures", lang, False, "figures", row_height=100, column_config=config)

        if shown.empty:
            st.info(t("src_detail_empty", lang))
        else:
            ids = shown.figure_id.tolist()
            filters.url_bound("figure", "src_figure", figures.figure_id.tolist(), ids[0],
                      as_state=lambda f: f if f in ids else ids[0], state_ok=lambda f: f in ids)
            as_written = dict(zip(shown.figure_id, shown.value_text))
            pick = st.selectbox(t("src_detail_pick", lang), ids, key="src_figure",
                                format_func=lambda f: f"{f} · {as_written[f]}")
            filters.to_url("figure", pick)
            r = next(shown[shown.figure_id == pick].itertuples())
            with st.container(border=True):
                tag = f" · :orange-badge[{t('src_derived_yes', lang)}]" if r.derived else ""
                st.markdown(f"### {md(r.value_text)}\n{period(r)} · {t(f'src_topic_{r.topic}', lang)} · "
                            f"{amount(r.value, r.unit, decimals(r.value, r.resolution))} "
                            f"({t(f'src_q_{r.qualifier}', lang)}){tag}")
                st.markdown("> " + md(r.quote))
                st.markdown(f"{t('src_col_source', lang)}: {source_line(r)}")
                if text(r.formula):
                    vals = figures.set_index("figure_id").value.to_dict()
                    check = queries.source_checks().set_index("figure_id").loc[r.figure_id]
                    d = decimals(r.value, r.resolution)
                    result = amount(check.recomputed, r.unit, d if float(check.recomputed).is_integer() else max(d, 2))
                    st.markdown(f"{t('src_formula', lang)}: {md(spelled(r.formula, vals))} = {result} · "
                                f"{STATUS_ICONS.get(check.status, '')} {t(f'src_status_{check.status}', lang)}  \n"
                                f"`{r.formula}`")
                if text(r.note):
                    st.markdown(f"{t('src_col_note', lang)}: {md(r.note)}")
                if r.calibrate in ("target", "check"):
                    in_warehouse = amount(r.warehouse_value, r.unit, decimals(r.value, r.resolution))
                    st.markdown(f"{t(f'src_used_{r.calibrate}', lang)} {t('src_col_warehouse', lang)} "
                                f"({warehouse_origin}): **{in_warehouse}** — {agree[shown.figure_id == pick].iloc[0]}")
                else:
                    st.markdown(t("src_used_no", lang))

# ------------------------------------------------------------------------------------------------ 2 discrepancies
with tabs[1]:
    if open_(tabs[1]):
        checks = queries.source_checks().merge(
            figures[["figure_id", "value_text", "unit", "resolution", "calibrate", "publisher", "published"]],
            on="figure_id", how="left")
        st.info(t("src_checks_intro", lang), icon=":material/gavel:")
        counts = checks.status.value_counts()
        k = st.columns(4)
        for col, status in zip(k, ("discrepancy", "truncated", "approximate", "consistent")):
            blocks.kpi(col, t(f"src_status_{status}", lang), fmt.number(int(counts.get(status, 0)), 0, lang),
                   help=t(f"src_status_{status}_help", lang))
        values = figures.set_index("figure_id").value.to_dict()

        def stated_text(r) -> str:
            return amount(r.stated, r.unit, decimals(r.stated, r.resolution))

        def recomputed_text(r) -> str:
            d = decimals(r.stated, r.resolution)
            return amount(r.recomputed, r.unit, d if float(r.recomputed).is_integer() else max(d, 2))

        for r in checks[checks.status != "consistent"].itertuples():
            with st.container(border=True):
                st.markdown(f"#### {STATUS_ICONS.get(r.status, '')} {t(f'src_status_{r.status}', lang)}: "
                            f"{md(r.value_text)}  \n:small[{t(f'src_status_{r.status}_help', lang)} · `{r.figure_id}`]")
                diff = r.recomputed - r.stated
                unit = t("src_points", lang) if r.unit == "%" else None
                diff_text = (f"{'+' if diff > 0 else ''}{fmt.number(diff, 2, lang)} {unit}" if unit
                             else ("+" if diff > 0 else "") + amount(diff, r.unit))
                st.markdown(f"{t('src_stated', lang)}: **{stated_text(r)}** · {t('src_recomputed', lang)}: "
                            f"**{recomputed_text(r)}** · {t('src_difference', lang)}: **{diff_text}**  \n"
                            f"{t('src_formula', lang)}: {md(spelled(r.formula, values))} = {recomputed_text(r)} · "
                            f"`{r.formula}`")
                st.markdown("> " + md(r.quote))
                st.markdown(f"{t('src_col_source', lang)}: {source_line(r)}")
                if text(r.note):
                    st.markdown(f"{t('src_col_note', lang)}: {md(r.note)}")
                st.caption(t(f"src_used_{r.calibrate}", lang))

        st.subheader(t("src_checks_table", lang))
        table = pd.DataFrame({
            "status_shown": checks.status.map(lambda s: t(f"src_status_{s}", lang)),
            "figure_id": checks.figure_id, "value_text": checks.value_text,
            "stated_shown": [stated_text(r) for r in checks.itertuples()],
            "recomputed_shown": [recomputed_text(r) for r in checks.itertuples()],
            "calculation": [spelled(f, values) for f in checks.formula],
            "formula": checks.formula, "quote": checks.quote, "source": checks.source_title,
            "status": checks.status, "stated": checks.stated, "recomputed": checks.recomputed, "unit": checks.unit,
        })
        tc = st.column_config.TextColumn
        blocks.table(table, "source-checks", lang, False, "checks", row_height=100, column_config={
            "status_shown": tc(t("src_col_status", lang), pinned=True), "figure_id": tc(t("src_col_figure_id", lang)),
            "value_text": tc(t("src_col_value_text", lang)), "stated_shown": tc(t("src_col_stated", lang)),
            "recomputed_shown": tc(t("src_col_recomputed", lang)),
            "calculation": tc(t("src_col_formula_values", lang), width="medium"),
            "formula": tc(t("src_col_formula", lang), width="medium"), "quote": tc(t("src_col_quote", lang), width=560),
            "source": tc(t("src_col_source", lang), width=260),
            "status": None, "stated": None, "recomputed": None, "unit": None})

# ------------------------------------------------------------------------------------------------ 3 origin
with tabs[2]:
    if open_(tabs[2]):
        log = queries.imports()
        st.markdown(t("src_origin_intro", lang))
        c = st.columns(3)
        with c[0].container(border=True, height="stretch"):
            st.markdown(f"#### :material/menu_book: {t('src_origin_published_title', lang)}")
            st.markdown(t("src_origin_published_body", lang, figures=fmt.number(len(figures), 0, lang),
                          sources=fmt.number(figures.loc[~figures.derived, "source_id"].nunique(), 0, lang),
                          derived=fmt.number(int(figures.derived.sum()), 0, lang)))
        with c[1].container(border=True, height="stretch"):
            st.markdown(f"#### :material/science: {t('src_origin_demo_title', lang)}")
            blocks.demo_badge(True, lang)
            st.markdown(t("src_origin_demo_body", lang,
                          rows=fmt.number(stored.get("demo", pd.Series()).sum(), 0, lang), targets=fmt.number(int((figures.calibrate == "target").sum()), 0, lang)))
        with c[2].container(border=True, height="stretch"):
            st.markdown(f"#### :material/verified: {t('src_origin_imported_title', lang)}")
            blocks.demo_badge(False, lang, imported=True)
            st.markdown(t("src_origin_imported_body", lang,
                          rows=fmt.number(stored.get("imported", pd.Series()).sum(), 0, lang),
                          files=fmt.number(int((log.outcome == "loaded").sum()) if len(log) else 0, 0, lang)))

        st.subheader(t("src_origin_table", lang))
        tables = ["budget", "project", "staffing", "collaborators"]
        def rows_of(df: pd.DataFrame, origin: str) -> list[int]:
            return [int(df[origin].get(x, 0) or 0) if origin in df.columns else 0 for x in tables]

        counts = pd.DataFrame({"table_name": tables, "description": [t(f"src_table_{x}", lang) for x in tables],
                               "stored_demo": rows_of(stored, "demo"), "stored_imported": rows_of(stored, "imported"),
                               "used_demo": rows_of(in_use, "demo"), "used_imported": rows_of(in_use, "imported")})
        shown = counts[["table_name", "description"]].copy()
        for c_ in ("stored_demo", "stored_imported", "used_demo", "used_imported"):
            shown[f"{c_}_shown"] = counts[c_].map(lambda n: fmt.number(n, 0, lang))
        shown["imported_share"] = [fmt.pct(100 * i / (d + i) if d + i else float("nan"), 2, lang)
                                   for d, i in zip(counts.used_demo, counts.used_imported)]
        shown = shown.join(counts[["stored_demo", "stored_imported", "used_demo", "used_imported"]])
        tc = st.column_config.TextColumn
        blocks.table(shown, "rows-by-origin", lang, False, key="origin", column_config={
            "table_name": tc(t("src_col_table", lang)),
            "description": tc(t("src_col_description", lang), width="medium"),
            "stored_demo_shown": tc(t("src_col_stored_demo", lang)),
            "stored_imported_shown": tc(t("src_col_stored_imported", lang)),
            "used_demo_shown": tc(t("src_col_used_demo", lang)),
            "used_imported_shown": tc(t("src_col_used_imported", lang)),
            "imported_share": tc(t("src_col_imported_share", lang)),
            **{c_: None for c_ in ("stored_demo", "stored_imported", "used_demo", "used_imported")}})

        st.subheader(t("src_import_log", lang))
        if log.empty:
            st.info(t("src_no_imports", lang), icon=":material/info:")
            st.code('python -m etl template             # mẫu nhập liệu / the import template\n'
                    'python -m etl load bao-cao-tinh.xlsx --by "Họ tên"', language="bash")
        else:
            shown = log[["file_name", "imported_at", "imported_by"]].copy()
            for c_ in ("rows_budget", "rows_project", "rows_staffing", "rows_collaborators"):
                shown[f"{c_}_shown"] = log[c_].map(lambda n: fmt.number(n, 0, lang))
            shown = shown.join(log.drop(columns=["file_name", "imported_at", "imported_by"]))
            blocks.table(shown, "import-log", lang, False, key="imports", column_config={
                "file_name": tc(t("src_col_file_name", lang), width="medium"),
                "imported_at": tc(t("src_col_imported_at", lang)), "imported_by": tc(t("src_col_imported_by", lang)),
                **{f"rows_{table}_shown": tc(f"{t('src_col_rows', lang)}: {t(f'src_topic_{topic}', lang).lower()}")
                   for table, topic in (("budget", "budget"), ("project", "projects"), ("staffing", "staffing"),
                                        ("collaborators", "collaborators"))},
                "outcome": tc(t("src_col_outcome", lang)), "import_id": tc(t("src_col_import_id", lang)),
                "file_sha256": tc("SHA-256", width="small"), "archive_path": tc(t("src_col_archive", lang)),
                **{c_: None for c_ in ("rows_budget", "rows_project", "rows_staffing", "rows_collaborators")}})

# ------------------------------------------------------------------------------------------------ 4 dictionary
with tabs[3]:
    if open_(tabs[3]):
        st.markdown(t("src_dict_intro", lang))
        dictionary = queries.dictionary()
        about = queries.table_comments().set_index("table_name")
        no_comments = dictionary.comment.isna().all()
        dictionary = dictionary.fillna({"comment": "–"})
        if no_comments:
            st.warning(t("src_dict_missing", lang))
        names = ["all"] + about.index.tolist()
        filters.url_bound("table", "src_table", names, "all")
        which = st.selectbox(t("src_dict_pick", lang), names, key="src_table",
                             format_func=lambda n: t("src_all_tables", lang) if n == "all"
                             else f"{n} ({t('src_kind_' + about.at[n, 'kind'], lang)})")
        filters.to_url("table", which)
        if which != "all":
            st.markdown(f"**{which}** — {md(about.at[which, 'comment'] or '–')}")
            dictionary = dictionary[dictionary.table_name == which]
        else:
            overview = about.reset_index().assign(kind=lambda d: d.kind.map(lambda k: t(f"src_kind_{k}", lang)),
                                                  comment=lambda d: d.comment.fillna("–"))
            tc = st.column_config.TextColumn
            blocks.table(overview, "data-dictionary-tables", lang, False, "dict-tables", column_config={
                "table_name": tc(t("src_col_table", lang), width=150), "kind": tc(t("src_col_kind", lang), width=60),
                "comment": tc(t("src_col_description", lang), width=520)}, row_height=72, visible_rows=8)
        tc = st.column_config.TextColumn
        blocks.table(dictionary, "data-dictionary", lang, False, "dict", column_config={
            "table_name": tc(t("src_col_table", lang), width=120),
            "column_name": tc(t("src_col_column", lang), width=150),
            "data_type": tc(t("src_col_type", lang), width=75),
            "comment": tc(t("src_col_description", lang), width=400)}, row_height=84, visible_rows=8)

# ------------------------------------------------------------------------------------------------ 5 downloads
with tabs[4]:
    if open_(tabs[4]):
        st.markdown(t("src_dl_intro", lang))
        rows = queries.export_rows().set_index("table_name")["rows"]

        def demo_in(name: str) -> bool:  # a table with demo rows, or checks computed from them
            if name == "calibration_check":
                return warehouse_demo
            return name in stored.index and stored.loc[name].get("demo", 0) > 0

        def origin_of(name: str) -> str:
            if name in stored.index:
                present_ = [o for o in ("demo", "imported") if stored.loc[name].get(o, 0) > 0]
                return " + ".join(t(f"origin_{o}", lang) for o in present_)
            if name in ("published_figure", "source_check"):
                return t("origin_published", lang)
            if name == "calibration_check":
                return t("origin_published", lang) + " · " + warehouse_origin
            return t("src_origin_metadata" if name in ("source", "import_log") else "src_origin_reference", lang)

        def as_zip() -> bytes:
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                for name in queries.EXPORTS:
                    demo = demo_in(name)
                    z.writestr(f"{exports.file_stem(name, demo)}.csv", exports.csv_bytes(queries.export_table(name), demo))
                z.writestr("data-dictionary.csv", exports.csv_bytes(queries.dictionary(), False))
            return buf.getvalue()

        st.download_button(t("src_dl_zip", lang), as_zip, file_name="khuyencong-tables.zip", mime="application/zip",
                           key="dl-zip", icon=":material/folder_zip:", type="primary")
        head = st.columns([2, 3, 1, 2, 1, 1])
        for col, key in zip(head, ("src_col_table", "src_col_description", "src_col_rows", "src_col_origin_kind")):
            col.markdown(f"**{t(key, lang)}**")
        for name in queries.EXPORTS:
            demo = demo_in(name)
            c = st.columns([2, 3, 1, 2, 1, 1], vertical_alignment="center")
            c[0].markdown(f"`{name}`")
            c[1].markdown(t(f"src_table_{name}", lang))
            c[2].markdown(fmt.number(int(rows.get(name, 0)), 0, lang))
            c[3].markdown(origin_of(name))
            stem = exports.file_stem(name, demo)
            c[4].download_button("CSV", lambda n=name, d=demo: exports.csv_bytes(queries.export_table(n), d),
                                 file_name=f"{stem}.csv", mime="text/csv", key=f"dl-{name}-csv", icon=":material/download:",
                                 help=t("download_csv", lang))
            c[5].download_button("XLSX", lambda n=name, d=demo: exports.xlsx_bytes(queries.export_table(n), d),
                                 file_name=f"{stem}.xlsx", key=f"dl-{name}-xlsx", icon=":material/table:",
                                 mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                 help=t("download_xlsx", lang))
