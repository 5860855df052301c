"""What a provincial report may contain: the five kinds of data (budgets, đề án, staffing, collaborator networks,
people trained and establishments supported),
their columns with the template's headers and the other spellings real reports use, and the units a money header
may declare. The template writes from this table and the parser reads by it, so a filled template always loads."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from ..vocabulary import FIRST_YEAR
from .cells import key


@dataclass(frozen=True)
class Column:
    field: str  # the warehouse column it fills ('province' and 'year' become era, unit_code, year)
    header: str  # the template's header, with its unit
    type: str  # province | year | fund | category | money | count | text | code
    help_vi: str
    help_en: str
    aliases: tuple[str, ...] = ()  # other header spellings seen in reports (units stripped, compared folded)
    required: bool = True  # the column must be present
    blank_ok: bool = False  # a cell may be empty (stored as NULL)

    @property
    def name(self) -> str:
        """The header without its unit: 'Kế hoạch (triệu đồng)' → 'Kế hoạch'."""
        return split_unit(self.header)[0]


@dataclass(frozen=True)
class Kind:
    table: str
    sheet: str  # the template's sheet name
    sheet_aliases: tuple[str, ...]
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # no two rows of one file may share it
    title_vi: str
    title_en: str


PROVINCE = Column("province", "Tỉnh/thành", "province",
                  "Tên tỉnh/thành: 63 tỉnh cũ đến năm 2024, 34 đơn vị mới từ năm 2025; mọi cách viết thông dụng",
                  "Province name: the 63 provinces until 2024, the 34 units from 2025; any common spelling",
                  ("tinh thanh pho", "tinh tp", "tinh", "thanh pho", "dia phuong", "don vi", "ten tinh", "province",
                   "unit", "unit code", "province code"))
YEAR = Column("year", "Năm", "year",
              f"Năm báo cáo, từ {FIRST_YEAR} đến năm sau năm hiện tại (kế hoạch lập trước một năm)",
              f"Reporting year, from {FIRST_YEAR} to next year (plans are made a year ahead)", ("nam bao cao", "year"))
FUND = Column("fund", "Nguồn (KCQG/KCĐP)", "fund", "KCQG (khuyến công quốc gia) hoặc KCĐP (khuyến công địa phương)",
              "KCQG (national funds) or KCĐP (local funds)", ("nguon kinh phi", "nguon von", "fund"))
PLANNED = Column("planned_mvnd", "Kế hoạch (triệu đồng)", "money", "Kinh phí kế hoạch", "Planned funds",
                 ("kinh phi ke hoach", "ke hoach kinh phi", "kh", "du toan", "planned", "planned mvnd"))
ACTUAL = Column("actual_mvnd", "Thực hiện (triệu đồng)", "money",
                "Kinh phí thực hiện (giải ngân); để trống cho năm chưa kết thúc nếu chưa có",
                "Funds actually spent; may be blank for a year that has not ended",
                ("kinh phi thuc hien", "thuc hien kinh phi", "th", "giai ngan", "quyet toan",
                                         "actual", "actual mvnd"))



def _count(field_: str, header: str, help_vi: str, help_en: str, *aliases: str) -> Column:
    """A head or place count. Any may be blank or absent: reports often give some and not others, and district
    counts end with the districts on 1/7/2025."""
    return Column(field_, header, "count", help_vi, help_en, aliases, required=False, blank_ok=True)


KINDS: dict[str, Kind] = {k.table: k for k in (
    Kind("budget", "Kinh phí", ("kinh phi", "ngan sach", "budget"), (PROVINCE, YEAR, FUND, PLANNED, ACTUAL),
         ("unit_code", "year", "fund"), "Kinh phí khuyến công theo tỉnh, năm và nguồn",
         "Khuyến công funds by province, year and fund"),
    Kind("project", "Đề án", ("de an", "project"), (
        Column("project_code", "Mã đề án", "code", "Mã đề án do tỉnh đặt (để trống được)",
               "The province's project code (may be blank)", ("ma", "ma so", "ma de an", "project code", "project id"),
               required=False, blank_ok=True),
        PROVINCE, YEAR, FUND,
        Column("category_id", "Nội dung", "category", "Một trong chín nội dung khuyến công (NĐ 45/2012, Điều 4)",
               "One of the nine activity types (Decree 45/2012, art. 4)",
               ("noi dung khuyen cong", "noi dung hoat dong", "linh vuc", "category")),
        Column("title_vi", "Tên đề án", "text", "Tên đề án", "Project title", ("ten", "ten de an", "title"),
               required=False, blank_ok=True),
        PLANNED, ACTUAL), ("project_id",), "Đề án khuyến công", "Khuyến công projects (đề án)"),
    Kind("staffing", "Nhân lực", ("nhan luc", "can bo", "staffing"), (
        PROVINCE, YEAR,
        _count("staff_total", "Tổng số cán bộ (người)", "Tổng số cán bộ làm công tác khuyến công",
               "Total khuyến công staff", "tong so can bo", "tong can bo"),
        _count("staff_grassroots", "Cán bộ làm việc đến cơ sở (người)", "Số cán bộ làm việc trực tiếp đến cơ sở",
               "Staff working directly with establishments", "can bo co so", "can bo lam viec tai co so")),
         ("unit_code", "year"), "Nhân lực khuyến công", "Khuyến công staffing"),
    Kind("collaborators", "Cộng tác viên", ("cong tac vien", "ctv", "collaborators"), (
        PROVINCE, YEAR,
        _count("districts_covered", "Số huyện có CTV", "Số huyện có cộng tác viên khuyến công",
               "Districts with collaborators", "so huyen co cong tac vien"),
        _count("collaborators_district", "CTV cấp huyện (người)", "Số cộng tác viên cấp huyện",
               "District-level collaborators", "cong tac vien cap huyen"),
        _count("communes_covered", "Số xã có CTV", "Số xã có cộng tác viên khuyến công",
               "Communes with collaborators", "so xa co cong tac vien"),
        _count("collaborators_commune", "CTV cấp xã (người)", "Số cộng tác viên cấp xã",
               "Commune-level collaborators", "cong tac vien cap xa"),
        _count("districts_total", "Tổng số huyện", "Tổng số huyện của tỉnh (để trống từ 2025)",
               "All districts of the province (blank from 2025)"),
        _count("communes_total", "Tổng số xã", "Tổng số xã của tỉnh", "All communes of the province")),
         ("unit_code", "year"), "Mạng lưới cộng tác viên khuyến công", "Collaborator networks"),
    Kind("outreach", "Đào tạo, hỗ trợ", ("dao tao ho tro", "dao tao", "ket qua", "outreach"), (
        PROVINCE, YEAR,
        _count("people_trained", "Số người được đào tạo (người)",
               "Số người được đào tạo nghề, truyền nghề, tập huấn trong năm",
               "People trained in the year (vocational training, craft teaching, courses)",
               "so nguoi duoc dao tao", "nguoi duoc dao tao", "so lao dong duoc dao tao", "lao dong duoc dao tao",
               "so hoc vien", "dao tao nghe", "people trained", "trained"),
        _count("establishments_supported", "Số cơ sở được hỗ trợ (cơ sở)",
               "Số cơ sở công nghiệp nông thôn được hỗ trợ trong năm",
               "Rural industrial establishments supported in the year",
               "so co so duoc ho tro", "co so duoc ho tro", "so co so cnnt duoc ho tro", "co so cnnt duoc ho tro",
               "establishments supported", "establishments")),
         ("unit_code", "year"), "Người được đào tạo, cơ sở được hỗ trợ", "People trained, establishments supported"),
)}
TABLES = tuple(KINDS)
COVERAGE_PAIRS = (("staff_grassroots", "staff_total"), ("districts_covered", "districts_total"),
                  ("communes_covered", "communes_total"))

# Units a money header may declare, in triệu đồng per unit.
UNIT_FACTORS = {
    "dong": Decimal("0.000001"), "vnd": Decimal("0.000001"),
    "nghin dong": Decimal("0.001"), "ngan dong": Decimal("0.001"), "1000 dong": Decimal("0.001"),
    "trieu dong": Decimal(1), "trieu": Decimal(1), "tr dong": Decimal(1), "tr d": Decimal(1), "trd": Decimal(1),
    "million vnd": Decimal(1), "mvnd": Decimal(1),
    "ty dong": Decimal(1000), "ty": Decimal(1000), "ti dong": Decimal(1000), "billion vnd": Decimal(1000),
}


def split_unit(header: str) -> tuple[str, str | None]:
    """'Kế hoạch (tỷ đồng)' → ('Kế hoạch', 'tỷ đồng'); also 'Kế hoạch, tỷ đồng' and 'Kế hoạch [đơn vị: đồng]'."""
    h = unicodedata.normalize("NFC", str(header)).strip()
    m = re.fullmatch(r"(.*?)\s*[(\[]([^)\]]*)[)\]]\s*", h)
    if m:
        unit = re.sub(r"^\s*(đơn vị|đvt|dvt|unit)\s*[:.]?\s*", "", m.group(2), flags=re.I)
        return m.group(1).strip(), unit.strip()
    m = re.fullmatch(r"(.*?)\s*(?:,|\s-\s|\s–\s)\s*([^,]+)", h)
    if m and key(m.group(2)) in UNIT_FACTORS:
        return m.group(1).strip(), m.group(2).strip()
    return h, None
