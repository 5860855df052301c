"""Sentences made from numbers and nothing else: a change is 'tăng 12,3% so với năm 2023' because the two figures say
so; no sentence judges ('tốt', 'hiệu quả') what the figures do not state. A number a demo amount stands behind carries
'*': the mark sits on each amount (a published plan beside a demo actual: only the actual and what is computed from it
are marked), as the dashboard's pages mark them."""
from __future__ import annotations

import math

from etl.vocabulary import era_of

from .. import fmt
from .facts import Facts, change, ratio

DEMO_MARK = "*"
DEMO_NOTE = ("(*) Số liệu minh họa, không phải số liệu báo cáo thực. Số không có dấu * là số nhập từ báo cáo hoặc đã "
             "được công bố.")


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or fmt.missing(x)


def num(x, demo: bool = False, decimals: int = 0) -> str:
    """1234.5 → '1.235' (Vietnamese style, as dashboard/fmt.py writes it), with '*' when a demo row stands behind."""
    if _missing(x):
        return "–"
    return fmt.number(float(x), decimals, "vi") + (DEMO_MARK if demo else "")


def pct(x, demo: bool = False, decimals: int = 1) -> str:
    if _missing(x):
        return "–"
    return fmt.pct(float(x), decimals, "vi") + (DEMO_MARK if demo else "")


def mvnd(x, demo: bool = False) -> str:
    return "–" if _missing(x) else f"{num(x, demo)} triệu đồng"


def people(x, demo: bool = False) -> str:
    return "–" if _missing(x) else f"{num(x, demo)} người"


def period_title(year: int, half: bool = False) -> str:
    return f"Tình hình thực hiện công tác khuyến công {'6 tháng đầu năm' if half else 'năm'} {year}"


def change_phrase(now, before, prev_year: int | None, demo: bool) -> str:
    """'tăng 12,3% so với năm 2023', 'giảm …', 'bằng năm 2023' — or '' when there is nothing to compare."""
    if prev_year is None:
        return ""
    c = change(now, before)
    if _missing(c):
        return ""
    if round(c, 1) == 0:
        return f"bằng năm {prev_year}"
    return f"{'tăng' if c > 0 else 'giảm'} {pct(abs(c), demo)} so với năm {prev_year}"


def execution_phrase(actual, planned, demo: bool) -> str:
    r = ratio(actual, planned)
    return "" if _missing(r) else f"đạt {pct(r, demo)} kế hoạch"


def compare_phrase(mine, other, what: str) -> str:
    """'cao hơn vùng (85,0%)': a comparison of two rates, in the figures' own words."""
    if _missing(mine) or _missing(other):
        return ""
    a, b = round(float(mine), 1), round(float(other), 1)
    return f"{'cao hơn' if a > b else 'thấp hơn' if a < b else 'bằng'} {what}"


def _join(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


def scope_intro(f: Facts, half: bool = False) -> str:
    s = f.scope
    if s.kind == "nation":
        who = f"cả nước ({num(f.total['units'])} tỉnh, thành phố{' theo 34 đơn vị hành chính mới' if s.era == '34' else ''})"
    elif s.kind == "group":
        who = f"{s.name_vi} ({num(f.total['units'])} tỉnh, thành phố)"
    else:
        who = s.name_vi
    return (f"Báo cáo tổng hợp tình hình thực hiện công tác khuyến công năm {f.year} của {who}, lập từ cơ sở dữ liệu "
            f"khuyến công; số liệu kinh phí tính bằng triệu đồng.")


def overview(f: Facts) -> list[str]:
    t, p, y0 = f.total, f.prev, f.prev_year
    pa = amount_demo(t, "total", "actual") or amount_demo(p, "total", "actual")
    money = (f"Năm {f.year}, tổng kinh phí khuyến công kế hoạch là "
             f"{mvnd(t['total_planned_mvnd'], amount_demo(t, 'total', 'planned'))} "
             f"(KCQG {mvnd(t['kcqg_planned_mvnd'], amount_demo(t, 'kcqg', 'planned'))}, "
             f"KCĐP {mvnd(t['kcdp_planned_mvnd'], amount_demo(t, 'kcdp', 'planned'))}); "
             f"kinh phí thực hiện là {mvnd(t['total_actual_mvnd'], amount_demo(t, 'total', 'actual'))}")
    tail = _join(execution_phrase(t["total_actual_mvnd"], t["total_planned_mvnd"], amount_demo(t, "total", "execution")),
                 change_phrase(t["total_actual_mvnd"], None if p is None else p["total_actual_mvnd"], y0, pa))
    out = [money + (", " + tail if tail else "") + "."]
    extra = []
    if not _missing(t["projects"]):
        extra.append(f"thực hiện {num(t['projects'], bool(t['projects_demo']))} đề án khuyến công")
    if not _missing(t["staff_total"]):
        extra.append(f"{people(t['staff_total'], bool(t['staffing_demo']))} làm công tác khuyến công")
    if not _missing(t["collaborators_total"]):
        extra.append(f"{people(t['collaborators_total'], bool(t['collaborators_demo']))} cộng tác viên khuyến công")
    if extra:
        out.append("Trong năm, " + "; ".join(extra) + ".")
    return out


FUND_NAMES = {"kcqg": "Kinh phí khuyến công quốc gia (KCQG)", "kcdp": "Kinh phí khuyến công địa phương (KCĐP)",
              "total": "Tổng kinh phí khuyến công (KCQG và KCĐP)"}


def amount_demo(row, fund: str, status: str = "any") -> bool:
    """Whether a demo amount stands behind `row`'s figure for `fund` (kcqg, kcdp, total) and `status`: planned,
    actual, execution (planned and actual both count), or any."""
    if row is None:
        return False
    funds = ("kcqg", "kcdp") if fund == "total" else (fund,)
    statuses = {"planned": ("planned",), "actual": ("actual",)}.get(status, ("planned", "actual"))
    return any(bool(row[f"{x}_{st}_demo"]) for x in funds for st in statuses)


def fund_sentence(f: Facts, fund: str) -> str:
    t, p, y0 = f.total, f.prev, f.prev_year
    planned, actual = t[f"{fund}_planned_mvnd"], t[f"{fund}_actual_mvnd"]
    text = (f"{FUND_NAMES[fund]}: kế hoạch {mvnd(planned, amount_demo(t, fund, 'planned'))}, "
            f"thực hiện {mvnd(actual, amount_demo(t, fund, 'actual'))}")
    ex = execution_phrase(actual, planned, amount_demo(t, fund, "execution"))
    if ex:
        text += f", {ex}"
    if p is not None:
        before_demo = amount_demo(p, fund, "actual")
        ch = change_phrase(actual, p[f"{fund}_actual_mvnd"], y0, amount_demo(t, fund, "actual") or before_demo)
        if ch:
            text += f"; kinh phí thực hiện {ch} ({mvnd(p[f'{fund}_actual_mvnd'], before_demo)})"
    return text + "."


def comparison(f: Facts) -> list[str]:
    """For a unit: its share of its region and of the nation, its rank, its execution rate beside theirs."""
    s, t, r, n = f.scope, f.total, f.region, f.nation
    d, rd, nd = (amount_demo(x, "total", "actual") for x in (t, r, n))  # shares of actual spending
    share_r = ratio(t["total_actual_mvnd"], r["total_actual_mvnd"]) if r is not None else float("nan")
    share_n = ratio(t["total_actual_mvnd"], n["total_actual_mvnd"])
    out = []
    first = f"Kinh phí thực hiện của {s.name_vi} chiếm {pct(share_n, d or nd)} tổng kinh phí thực hiện của cả nước"
    if r is not None and s.region_name:
        first += f" và {pct(share_r, d or rd)} của vùng {s.region_name}"
    if f.rank:
        first += f"; đứng thứ {f.rank}/{num(n['units'])} tỉnh, thành phố về kinh phí thực hiện"
    out.append(first + ".")
    mine, reg, nat = t["total_execution_pct"], None if r is None else r["total_execution_pct"], n["total_execution_pct"]
    d, rd, nd = (amount_demo(x, "total", "execution") for x in (t, r, n))
    parts = [compare_phrase(mine, reg, f"vùng ({pct(reg, rd)})") if s.region_name else "",
             compare_phrase(mine, nat, f"cả nước ({pct(nat, nd)})")]
    parts = [x for x in parts if x]
    if parts and not _missing(mine):
        out.append(f"Tỷ lệ thực hiện kế hoạch kinh phí của {s.name_vi} là {pct(mine, d)}, " + ", ".join(parts) + ".")
    return out


def categories(f: Facts) -> list[str]:
    c = f.categories
    if c.empty:
        return [f"Cơ sở dữ liệu không có đề án khuyến công nào của {f.scope.name_vi} năm {f.year}."]
    d = bool(c["demo"].any())
    n, nq, nd = c["projects"].sum(), c["projects_kcqg"].sum(), c["projects_kcdp"].sum()
    out = [f"Năm {f.year} thực hiện {num(n, d)} đề án khuyến công (KCQG {num(nq, d)}, KCĐP {num(nd, d)}), kinh phí "
           f"kế hoạch {mvnd(c['planned_mvnd'].sum(), d)}, thực hiện {mvnd(c['actual_mvnd'].sum(), d)}."]
    top = c.sort_values(["actual_mvnd", "sort_order"], ascending=[False, True]).iloc[0]
    share = ratio(top["actual_mvnd"], c["actual_mvnd"].sum())
    out.append(f"Nội dung có kinh phí thực hiện lớn nhất là «{top['name_vi']}»: {num(top['projects'], bool(top['demo']))} "
               f"đề án, {mvnd(top['actual_mvnd'], bool(top['demo']))} ({pct(share, d)} kinh phí thực hiện các đề án).")
    return out


def _staffing_body(f: Facts, t, d: bool) -> str:
    return (f"Tổng số cán bộ làm công tác khuyến công là {people(t['staff_total'], d)}, trong đó "
            f"{people(t['staff_grassroots'], d)} làm việc đến cơ sở "
            f"({pct(ratio(t['staff_grassroots'], t['staff_total']), d)})")


def _staffing_after(f: Facts, t, d: bool) -> list[str]:
    return [f"Bình quân {num(t['staff_total'] / t['units'], d, 1)} người mỗi đơn vị."] \
        if f.scope.kind != "unit" and t["units"] else []


def _collaborators_body(f: Facts, t, d: bool) -> str:
    parts = []
    for level, covered, total, name in (("district", "districts_covered", "districts_total", "huyện"),
                                        ("commune", "communes_covered", "communes_total", "xã")):
        if not _missing(t[f"collaborators_{level}"]):
            cover = "" if _missing(t[covered]) else f" tại {num(t[covered], d)}" + (
                "" if _missing(t[total]) else f"/{num(t[total], d)} {name}")
            parts.append(f"{people(t[f'collaborators_{level}'], d)} cấp {name}{cover}")
    text = f"Mạng lưới cộng tác viên khuyến công có {people(t['collaborators_total'], d)}"
    return text + (": " + "; ".join(parts) if parts else "")


def _collaborators_after(f: Facts, t, d: bool) -> list[str]:
    return ["Từ ngày 01/7/2025 không còn cấp huyện; mạng lưới tính theo cấp xã."] if f.scope.era == "34" else []


# The two people topics (sections IV and V) follow one pattern: a gap sentence when the total is missing, else the
# body, the change against the year before, and what follows. Staff are counted per centre (63 centres before
# 1/7/2025, 34 after), so no staff change is stated across the reform; the collaborator network is.
PEOPLE_TOPICS = {
    "staffing": dict(total="staff_total", flag="staffing_demo", missing="nhân lực", change="tổng số cán bộ",
                     before_shown=True, across_reform=False, body=_staffing_body, after=_staffing_after),
    "collaborators": dict(total="collaborators_total", flag="collaborators_demo", missing="cộng tác viên",
                          change="tổng số cộng tác viên", before_shown=False, across_reform=True,
                          body=_collaborators_body, after=_collaborators_after),
}


def people_topic(f: Facts, topic: str) -> list[str]:
    """Section IV ('staffing') or V ('collaborators') in sentences."""
    spec, t, p = PEOPLE_TOPICS[topic], f.total, f.prev
    total, flag = spec["total"], spec["flag"]
    if _missing(t[total]):
        return [f"Cơ sở dữ liệu không có số liệu {spec['missing']} của {f.scope.name_vi} năm {f.year}."]
    d = bool(t[flag])
    text = spec["body"](f, t, d)
    if p is not None and (spec["across_reform"] or era_of(f.year) == era_of(f.prev_year)):
        ch = change_phrase(t[total], p[total], f.prev_year, d or bool(p[flag]))
        if ch:
            text += f"; {spec['change']} {ch}" + (f" ({people(p[total], bool(p[flag]))})" if spec["before_shown"] else "")
    return [text + "."] + spec["after"](f, t, d)
