"""The fixed vocabulary of the warehouse, shared by the ETL and the app: the years it covers, the 2025 reform and
its two eras, the two funds, the nine activity types, the centre size bands, and the import rules' calendar."""
from __future__ import annotations

import datetime

FIRST_YEAR = 2013
REFORM_YEAR = 2025  # from 1/7/2025 reports are keyed by the 34 new units (NQ 202/2025/QH15)


def today() -> datetime.date:
    """The date the import rules are judged by; tests replace it (monkeypatch etl.vocabulary.today)."""
    return datetime.date.today()


def last_import_year() -> int:
    """The last year a report may be for: plans are made a year ahead, so next year's plan is accepted."""
    return today().year + 1


def year_has_ended(year: int) -> bool:
    return int(year) < today().year


def year_has_begun(year: int) -> bool:
    return int(year) <= today().year


def era_of(year: int) -> str:
    """Which set of provinces a year's reports are keyed by: the 63 until 2024, the 34 from 2025."""
    return "34" if int(year) >= REFORM_YEAR else "63"


FUNDS = {
    "kcqg": ("KCQG", "Khuyến công quốc gia", "National industrial extension funds"),
    "kcdp": ("KCĐP", "Khuyến công địa phương", "Local industrial extension funds"),
}

# The nine khuyến công activity types, Nghị định 45/2012/NĐ-CP, Điều 4.
CONTENT_CATEGORIES = [
    ("dao-tao-nghe", "Đào tạo nghề, truyền nghề, phát triển nghề", "Vocational training and craft development"),
    ("nang-luc-quan-ly", "Nâng cao năng lực quản lý cơ sở CNNT", "Management capacity of rural industrial establishments"),
    ("mo-hinh-trinh-dien", "Mô hình trình diễn kỹ thuật, chuyển giao công nghệ, ứng dụng máy móc tiên tiến",
     "Technical demonstration models, technology transfer, advanced machinery"),
    ("san-pham-cnnt", "Phát triển sản phẩm CNNT tiêu biểu", "Typical rural industrial products"),
    ("tu-van", "Tư vấn, trợ giúp cơ sở CNNT", "Consulting and assistance"),
    ("thong-tin", "Thông tin, tuyên truyền", "Information and communication"),
    ("lien-ket-ccn", "Liên doanh, liên kết, hợp tác kinh tế, phát triển cụm công nghiệp",
     "Linkages, economic cooperation, industrial clusters"),
    ("hop-tac-quoc-te", "Hợp tác quốc tế về khuyến công", "International cooperation"),
    ("quan-ly-chuong-trinh", "Nâng cao năng lực quản lý và tổ chức thực hiện khuyến công",
     "Programme management and implementation capacity"),
]

# Provincial khuyến công centres by head count, as the published staffing figures count them (key, lowest,
# highest; None: no upper bound).
STAFF_BANDS = (("ge30", 30, None), ("20_29", 20, 29), ("10_19", 10, 19), ("lt10", 0, 9))

