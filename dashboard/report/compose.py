"""The report's content in order: header, title, origins, sections I–V with their tables and charts, recipients and
signature, appendices by province. Numbers come from facts.py, words from sentences.py, layout from document.py."""
from __future__ import annotations

import pandas as pd

from . import document as D
from . import sentences as S
from .facts import Facts, ratio

FONT_STACK = "Times New Roman, Liberation Serif, serif"


def _mark(row, fund: str, status: str = "any") -> bool:
    return S.amount_demo(row, fund, status)


def counts(f: Facts) -> dict[str, tuple[int, int, int, int]]:
    """Per topic: (units with figures, units imported, units with a demo value, units with a published value) among
    the scope's units; a unit whose plan is published and whose spending is demo counts in both."""
    u = f.nation_units[f.nation_units.unit_code.isin(f.scope.members)]
    out = {}
    for what, origin, flag in (("budget", "budget_origin", None), ("projects", "project_origin", "projects_demo"),
                               ("staffing", "staffing_origin", "staffing_demo"),
                               ("collaborators", "collaborators_origin", "collaborators_demo")):
        o = u[origin].fillna("").astype(str)
        have = int((o != "").sum())
        demo = int((u.kcqg_demo | u.kcdp_demo).sum()) if flag is None else int(u[flag].sum())
        out[what] = (have, int(o.str.contains("imported").sum()), demo, int(o.str.contains("published").sum()))
    return out


# ------------------------------------------------------------------------------------------------ charts

def _figures(f: Facts) -> list[tuple[str, str, object]]:
    import plotly.graph_objects as go

    from .. import fmt
    figs = []
    tr = f.trend
    if len(tr):
        demo = bool(tr["demo"].any())
        fig = go.Figure([go.Bar(x=tr["year"], y=tr["kcqg_actual_mvnd"], name="KCQG thực hiện", marker_color="#c0392b"),
                         go.Bar(x=tr["year"], y=tr["kcdp_actual_mvnd"], name="KCĐP thực hiện", marker_color="#2874a6")])
        fig.update_layout(barmode="stack")
        fig.update_xaxes(dtick=1)
        title = f"Biểu đồ 1. Kinh phí khuyến công thực hiện của {f.scope.name_vi}, {int(tr.year.min())}–{f.year} (triệu đồng)"
        figs.append(("trend", title + (" (*)" if demo else ""), fig))
    c = f.categories
    if len(c):
        c = c.sort_values("sort_order", ascending=False)
        labels = [_short(n) for n in c["name_vi"]]
        fig = go.Figure(go.Bar(x=c["actual_mvnd"], y=labels, orientation="h", marker_color="#117a65",
                               text=[S.num(v) for v in c["actual_mvnd"]], textposition="outside"))
        fig.update_xaxes(rangemode="tozero")
        figs.append(("categories", f"Biểu đồ {3 if f.scope.kind == 'unit' else 2}. Kinh phí thực hiện đề án theo nội dung hoạt động, {f.year} (triệu đồng)"
                     + (" (*)" if bool(f.categories["demo"].any()) else ""), fig))
    u = f.units.head(15).iloc[::-1]
    if f.scope.kind != "unit" and len(u) > 1:
        fig = go.Figure([go.Bar(x=u["kcqg_actual_mvnd"], y=u["name_vi"], orientation="h", name="KCQG",
                                marker_color="#c0392b"),
                         go.Bar(x=u["kcdp_actual_mvnd"], y=u["name_vi"], orientation="h", name="KCĐP",
                                marker_color="#2874a6")])
        fig.update_layout(barmode="stack")
        top = "" if len(f.units) <= 15 else f"15 đơn vị lớn nhất, "
        demo = bool((u.kcqg_actual_demo | u.kcdp_actual_demo).any())  # the bars are actual spending
        figs.append(("units", f"Biểu đồ 3. Kinh phí thực hiện theo tỉnh, thành phố ({top}{f.year}, triệu đồng)"
                     + (" (*)" if demo else ""), fig))
    elif f.scope.kind == "unit" and f.region is not None:
        names = [f.scope.unit_name, f"Vùng {f.scope.region_name}", "Cả nước"]
        rates = [f.total["total_execution_pct"], f.region["total_execution_pct"], f.nation["total_execution_pct"]]
        fig = go.Figure(go.Bar(x=names, y=rates, marker_color=["#117a65", "#7f8c8d", "#34495e"],
                               text=[S.pct(v) for v in rates], textposition="outside"))
        fig.update_yaxes(rangemode="tozero", ticksuffix="%")
        demo = any(_mark(x, "total", "execution") for x in (f.total, f.region, f.nation))
        figs.append(("execution", f"Biểu đồ 2. Tỷ lệ thực hiện kế hoạch kinh phí, {f.year} (%)" + (" (*)" if demo else ""),
                     fig))
    for _, _, fig in figs:
        fig.update_layout(width=1000, height=520, template="plotly_white", separators=fmt.plotly_separators("vi"),
                          font=dict(family=FONT_STACK, size=17, color="#000"), margin=dict(l=10, r=30, t=20, b=10),
                          legend=dict(orientation="h", y=-0.12, x=0.5, xanchor="center"))
        fig.update_yaxes(automargin=True, tickformat=",.0f" if fig.data[0].orientation != "h" else None)
        fig.update_xaxes(automargin=True)
        if fig.data[0].orientation == "h":
            fig.update_xaxes(tickformat=",.0f")
    return figs


def _short(name: str, width: int = 38) -> str:
    return name if len(name) <= width else name[: width - 1].rsplit(" ", 1)[0] + "…"


def render_charts(f: Facts) -> tuple[list[tuple[str, str]], dict[str, bytes], str | None]:
    """Titles in order, PNGs by key, and why none could be drawn (kaleido's Chromium missing…) — never an error."""
    try:
        figs = _figures(f)
        from ..deck.figures import deck_pngs
        pngs = deck_pngs([fig for _, _, fig in figs], scale=2.0)
        return [(k, t) for k, t, _ in figs], dict(zip([k for k, _, _ in figs], pngs)), None
    except Exception as e:  # noqa: BLE001 — a chart the machine cannot draw is said missing, the report still builds
        from ..tools import ToolMissing
        why = "máy chủ chưa cài Chromium" if isinstance(e, ToolMissing) else None  # the document is in Vietnamese
        try:
            titles = [(k, t) for k, t, _ in _figures(f)]
        except Exception:  # noqa: BLE001
            titles = []
        return titles, {}, why or f"{type(e).__name__}: {str(e).splitlines()[0][:160] if str(e) else ''}"


# ------------------------------------------------------------------------------------------------ tables

def budget_rows(f: Facts) -> list[list[str]]:
    t, p = f.total, f.prev
    rows = []
    for fund, label in (("kcqg", "KCQG"), ("kcdp", "KCĐP"), ("total", "Tổng cộng")):
        dp, da, dx = (_mark(t, fund, st) for st in ("planned", "actual", "execution"))
        pdm = _mark(p, fund, "actual")
        rows.append([label, S.num(t[f"{fund}_planned_mvnd"], dp), S.num(t[f"{fund}_actual_mvnd"], da),
                     S.pct(t[f"{fund}_execution_pct"], dx),
                     S.num(None if p is None else p[f"{fund}_actual_mvnd"], pdm),
                     S.pct(None if p is None else _change(t[f"{fund}_actual_mvnd"], p[f"{fund}_actual_mvnd"]), da or pdm)])
    return rows


def _change(a, b):
    from .facts import change
    return change(a, b)


def compare_rows(f: Facts) -> list[list[str]]:
    s, t, r, n = f.scope, f.total, f.region, f.nation
    out = []
    for label, row in ((s.unit_name, t), (f"Vùng {s.region_name}", r), ("Cả nước", n)):
        if row is None:
            continue
        da = _mark(row, "total", "actual")
        out.append([label, S.num(row["total_planned_mvnd"], _mark(row, "total", "planned")),
                    S.num(row["total_actual_mvnd"], da), S.pct(row["total_execution_pct"], _mark(row, "total", "execution")),
                    S.pct(ratio(t["total_actual_mvnd"], row["total_actual_mvnd"]), da or _mark(t, "total", "actual"))])
    return out


def category_rows(f: Facts) -> list[list[str]]:
    rows = []
    for r in f.categories.itertuples():
        d = bool(r.demo)
        rows.append([r.name_vi, S.num(r.projects, d), S.num(r.projects_kcqg, d), S.num(r.projects_kcdp, d),
                     S.num(r.planned_mvnd, d), S.num(r.actual_mvnd, d)])
    c = f.categories
    if len(c):
        d = bool(c["demo"].any())
        rows.append(["Tổng cộng", S.num(c.projects.sum(), d), S.num(c.projects_kcqg.sum(), d),
                     S.num(c.projects_kcdp.sum(), d), S.num(c.planned_mvnd.sum(), d), S.num(c.actual_mvnd.sum(), d)])
    return rows


def people_rows(f: Facts) -> list[list[str]]:
    rows = []
    for label, row in (("Năm " + str(f.year), f.total), ("Năm " + str(f.prev_year), f.prev)):
        if row is None:
            continue
        sd, cd = bool(row["staffing_demo"]), bool(row["collaborators_demo"])
        rows.append([label, S.num(row["staff_total"], sd), S.num(row["staff_grassroots"], sd),
                     S.num(row["collaborators_district"], cd), S.num(row["collaborators_commune"], cd),
                     S.num(row["communes_covered"], cd)])
    return rows


def _budget_cells(row) -> list[str]:
    """KCQG plan and actual, KCĐP plan and actual, total actual, execution: each marked by its own amounts' origin."""
    cells = [S.num(row[f"{fund}_{st}_mvnd"], _mark(row, fund, st)) for fund in ("kcqg", "kcdp")
             for st in ("planned", "actual")]
    return cells + [S.num(row["total_actual_mvnd"], _mark(row, "total", "actual")),
                    S.pct(ratio(row["total_actual_mvnd"], row["total_planned_mvnd"]), _mark(row, "total", "execution"))]


def appendix_budget(units: pd.DataFrame, total: pd.Series, focus: str | None) -> tuple[list[list[str]], set[int]]:
    rows, bold = [], set()
    for i, u in enumerate(units.itertuples(), start=1):
        rows.append([str(i), u.name_vi, *_budget_cells(u._asdict())])
        if focus and u.unit_code == focus:
            bold.add(i - 1)
    rows.append(["", "Tổng cộng", *_budget_cells(total)])
    bold.add(len(rows) - 1)
    return rows, bold


def appendix_people(units: pd.DataFrame, total: pd.Series, focus: str | None) -> tuple[list[list[str]], set[int]]:
    rows, bold = [], set()
    for i, u in enumerate(units.itertuples(), start=1):
        p, s, c = bool(u.projects_demo), bool(u.staffing_demo), bool(u.collaborators_demo)
        rows.append([str(i), u.name_vi, S.num(u.projects, p), S.num(u.staff_total, s), S.num(u.staff_grassroots, s),
                     S.num(u.collaborators_district, c), S.num(u.collaborators_commune, c),
                     S.num(u.communes_covered, c)])
        if focus and u.unit_code == focus:
            bold.add(i - 1)
    p, s, c = bool(total["projects_demo"]), bool(total["staffing_demo"]), bool(total["collaborators_demo"])
    rows.append(["", "Tổng cộng", S.num(total["projects"], p), S.num(total["staff_total"], s),
                 S.num(total["staff_grassroots"], s), S.num(total["collaborators_district"], c),
                 S.num(total["collaborators_commune"], c), S.num(total["communes_covered"], c)])
    bold.add(len(rows) - 1)
    return rows, bold


MEASURES = {"budget.kcqg.planned": "KCQG kế hoạch", "budget.kcqg.actual": "KCQG thực hiện",
            "budget.kcdp.planned": "KCĐP kế hoạch", "budget.kcdp.actual": "KCĐP thực hiện",
            "budget.total.planned": "Tổng kinh phí kế hoạch", "budget.total.actual": "Tổng kinh phí thực hiện",
            "staffing.total": "Tổng số cán bộ", "staffing.grassroots": "Cán bộ làm việc đến cơ sở",
            "projects.count.all": "Số đề án", "collab.districts_covered": "Số huyện có cộng tác viên",
            "collab.communes_covered": "Số xã có cộng tác viên", "collab.total_people": "Số cộng tác viên"}
QUALIFIERS = {"about": "khoảng ", "nearly": "gần ", "over": "trên ", "atleast": "ít nhất ", "atmost": "nhiều nhất "}


def published_rows(f: Facts) -> list[list[str]]:
    rows = []
    for i, r in enumerate(f.published.itertuples(), start=1):
        measure = MEASURES.get(r.measure or "", r.measure or (str(r.quote)[:60] + "…" if r.quote else r.figure_id))
        decimals = 0 if float(r.value).is_integer() else 2
        value = QUALIFIERS.get(r.qualifier or "", "") + f"{S.num(r.value, False, decimals)} {r.unit}"
        who = str(r.publisher or r.source_title or "").split(" (")[0]
        rows.append([str(i), measure, value, f"{who}{', ' + str(r.published)[:10] if r.published else ''}"])
    return rows


# ------------------------------------------------------------------------------------------------ the document

def compose(f: Facts, half: bool = False) -> tuple[bytes, D.Layout]:
    layout = D.Layout()
    doc = D.new_document()
    D.header_block(doc, f, layout)
    D.title(doc, f, half)
    cnt = counts(f)
    demo = any(v[2] for v in cnt.values()) or bool(f.prev is not None and any(bool(f.prev[k]) for k in
                                                                             ("kcqg_demo", "kcdp_demo", "staffing_demo",
                                                                              "collaborators_demo")))
    demo = demo or bool(f.scope.kind == "unit" and f.region is not None and (_mark(f.region, "total") or
                                                                            _mark(f.nation, "total")))
    demo = demo or bool(len(f.trend) and f.trend["demo"].any())
    D.origin_note(doc, f, cnt, demo)
    D.body(doc, S.scope_intro(f, half))
    titles, pngs, why = render_charts(f)
    chart = dict(titles)

    D.heading(doc, "I. TỔNG QUAN")
    for s in S.overview(f):
        D.body(doc, s)

    D.heading(doc, "II. KINH PHÍ KHUYẾN CÔNG")
    for fund in ("kcqg", "kcdp", "total"):
        D.body(doc, S.fund_sentence(f, fund))
    D.table_title(doc, f"Bảng 1. Kinh phí khuyến công năm {f.year}")
    prev = f.prev_year or "trước"
    D.grid(doc, "budget", ["Nguồn kinh phí", "Kế hoạch", "Thực hiện", "Tỷ lệ thực hiện (%)",
                           f"Thực hiện năm {prev}", f"So với năm {prev} (%)"], budget_rows(f),
           [30, 24, 24, 26, 28, 28], layout, bold_rows={2})
    if f.scope.kind == "unit":
        for s in S.comparison(f):
            D.body(doc, s)
        D.table_title(doc, f"Bảng 2. So sánh với vùng và cả nước, năm {f.year}")
        D.grid(doc, "compare", ["Phạm vi", "Tổng kế hoạch", "Tổng thực hiện", "Tỷ lệ thực hiện (%)",
                                f"Tỷ trọng của {f.scope.unit_name} (%)"], compare_rows(f), [50, 26, 26, 28, 30], layout)
    if "trend" in chart:
        D.picture(doc, pngs.get("trend"), chart["trend"], why, layout, "trend")
    if "execution" in chart:
        D.picture(doc, pngs.get("execution"), chart["execution"], why, layout, "execution")

    D.heading(doc, "III. ĐỀ ÁN KHUYẾN CÔNG THEO NỘI DUNG HOẠT ĐỘNG")
    for s in S.categories(f):
        D.body(doc, s)
    if len(f.categories):
        n = 3 if f.scope.kind == "unit" else 2
        D.table_title(doc, f"Bảng {n}. Đề án khuyến công theo nội dung hoạt động, năm {f.year}",
                      "Kinh phí: triệu đồng")
        D.grid(doc, "categories", ["Nội dung hoạt động", "Số đề án", "KCQG", "KCĐP", "Kế hoạch", "Thực hiện"],
               category_rows(f), [62, 18, 16, 16, 25, 25], layout, bold_rows={len(f.categories)})
    if "categories" in chart:
        D.picture(doc, pngs.get("categories"), chart["categories"], why, layout, "categories")

    D.heading(doc, "IV. NHÂN LỰC LÀM CÔNG TÁC KHUYẾN CÔNG")
    for s in S.people_topic(f, "staffing"):
        D.body(doc, s)
    D.heading(doc, "V. MẠNG LƯỚI CỘNG TÁC VIÊN KHUYẾN CÔNG")
    for s in S.people_topic(f, "collaborators"):
        D.body(doc, s)
    n = 4 if f.scope.kind == "unit" else 3
    D.table_title(doc, f"Bảng {n}. Nhân lực và cộng tác viên khuyến công", "Đơn vị tính: người")
    D.grid(doc, "people", ["Năm", "Tổng số cán bộ", "Cán bộ đến cơ sở", "CTV cấp huyện", "CTV cấp xã",
                           "Số xã có CTV"], people_rows(f), [24, 28, 28, 28, 28, 29], layout)
    if "units" in chart:
        D.picture(doc, pngs.get("units"), chart["units"], why, layout, "units")
    D.body(doc, "Số liệu chi tiết theo tỉnh, thành phố tại các phụ lục kèm theo.")
    D.signature(doc, f, layout)

    focus = f.scope.key if f.scope.kind == "unit" else None
    where = f"vùng {f.scope.region_name}" if f.scope.kind == "unit" else f.scope.name_vi
    base = f.region if f.scope.kind == "unit" else f.total
    rows, bold = appendix_budget(f.units, base, focus)
    D.appendix_head(doc, "I", f"Kinh phí khuyến công theo tỉnh, thành phố năm {f.year}", f)
    D.para(doc, f"Phạm vi: {where}; sắp xếp theo tổng kinh phí thực hiện.", 12, italic=True,
           align=D.WD_ALIGN_PARAGRAPH.CENTER)
    D.table_title(doc, "", "Đơn vị tính: triệu đồng")
    D.grid(doc, "appendix-budget", ["STT", "Tỉnh, thành phố", "KCQG kế hoạch", "KCQG thực hiện", "KCĐP kế hoạch",
                                    "KCĐP thực hiện", "Tổng thực hiện", "Tỷ lệ TH (%)"], rows,
           [12, 31, 20, 20, 20, 20, 21, 19], layout, numeric_from=2, bold_rows=bold, size=10.5)
    rows, bold = appendix_people(f.units, base, focus)
    D.appendix_head(doc, "II", f"Đề án, nhân lực và cộng tác viên khuyến công theo tỉnh, thành phố năm {f.year}", f)
    D.table_title(doc, "", "Đơn vị tính: đề án, người, xã")
    D.grid(doc, "appendix-people", ["STT", "Tỉnh, thành phố", "Số đề án", "Tổng số cán bộ", "Cán bộ đến cơ sở",
                                    "CTV cấp huyện", "CTV cấp xã", "Số xã có CTV"], rows,
           [12, 31, 18, 21, 21, 21, 20, 19], layout, numeric_from=2, bold_rows=bold, size=10.5)
    if len(f.published):
        D.appendix_head(doc, "III", f"Số liệu đã công bố năm {f.year}", f)
        D.grid(doc, "appendix-published", ["STT", "Chỉ tiêu", "Số liệu công bố", "Nguồn"], published_rows(f),
               [10, 55, 40, 58], layout, numeric_from=99)
    layout.demo = demo
    doc.core_properties.title = f"Báo cáo {S.period_title(f.year, half)} — {f.scope.name_vi}"
    return D.to_bytes(doc), layout
