"""Sample import files for one province: what the import page offers a provincial official.

The static samples (``enterprises/samples/``) name firms in several provinces, as a national administrator
sees them; a provincial official may import rows of their own provinces only, so theirs are generated with
every row in the official's province and in its cities. The credit codes are valid (GB 32100) and carry
the city's division code and the serial range 99xxxxxxx of the static samples; the names say 示例.
"""

import csv
import io

from django.utils import timezone

from regions.models import City, Province
from utilities.scoping import ALL_PROVINCES

from ..credit_codes import credit_code_check_character
from ..models import Designation
from ..validity import DUE_SOON, OVERDUE, validity_condition
from .enterprise_file import ENTERPRISE_COLUMNS

ENTERPRISES_SAMPLE = "enterprises-sample.csv"
DESIGNATION_LIST_SAMPLE = "designation-list-sample.csv"
REVIEW_RESULT_SAMPLE = "review-result-sample.csv"
REVIEW_SAMPLE_ROWS = 5

# The sample's header is the file's: its keys in the spec's order (``enterprise_file.ENTERPRISE_COLUMNS``).
ENTERPRISE_HEADER = [column.key for column in ENTERPRISE_COLUMNS]
# (name after the city's short name, industry, employees, board, stock code, financing, founded, batch,
# status, designated on): the variety of the static sample, in one province.
_FIRMS = (
    ("示例精密机械有限公司", "cnc_robotics", "320", "", "", "1", "2012-03-15", "3", "confirmed", "2021-07-01"),
    (
        "示例新材料科技股份有限公司",
        "new_materials",
        "210",
        "star",
        "688999.SH",
        "1",
        "2009-11-02",
        "2",
        "confirmed",
        "2020-12-01",
    ),
    ("示例生物医药有限公司", "biomedicine", "95", "", "", "0", "2015-06-30", "4", "announced", ""),
    ("示例智能装备有限公司", "next_gen_it", "480", "", "", "", "2011-01-20", "5", "confirmed", "2023-07-14"),
    ("示例新能源汽车部件有限公司", "nev", "", "", "", "", "", "第三批", "", ""),
)


def _serial_code(city_code: str, number: int) -> str:
    first17 = f"91{city_code}99000{number:04d}"
    return first17 + credit_code_check_character(first17)


def _firms(province: Province) -> list[tuple[str, str, str, tuple]]:
    """(credit code, name, city name, the row's other values) of each sample firm, in the province's cities."""
    cities = list(City.objects.filter(province=province).order_by("code")[:3]) or [None]
    firms = []
    for number, firm in enumerate(_FIRMS, start=1):
        city = cities[(number - 1) % len(cities)]
        place = city.short_name if city is not None else province.short_name
        code = _serial_code(city.code if city is not None else province.code, number)
        firms.append((code, f"{place}{firm[0]}", city.name if city is not None else "", firm[1:]))
    return firms


def _csv(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


REVIEW_RESULT_HEADER = ("序号", "省份", "企业名称", "统一社会信用代码", "复核结果", "复核日期", "未通过原因")


def review_result_sample(codes) -> bytes | None:
    """A 复核 result list, in MIIT's columns, naming designations the user sees that are due or overdue (up
    to five, the oldest first): every row but the last passes on today's date, the last fails with a
    reason. It previews clean on the user's own data. With no such designation it is the header alone for a
    provincial official, and None for a national administrator (the static sample, which names the firms of
    the static MIIT list sample)."""
    designations = Designation.objects.filter(
        validity_condition(OVERDUE, today=timezone.localdate())
        | validity_condition(DUE_SOON, today=timezone.localdate())
    ).select_related("enterprise__province")
    if codes is not ALL_PROVINCES:
        designations = designations.filter(enterprise__province_id__in=codes)
    chosen = list(designations.order_by("designated_on", "pk")[:REVIEW_SAMPLE_ROWS])
    if not chosen and codes is ALL_PROVINCES:
        return None
    today = timezone.localdate().isoformat()
    rows = []
    for number, designation in enumerate(chosen, start=1):
        failed = number == len(chosen) and len(chosen) > 1
        enterprise = designation.enterprise
        rows.append(
            (
                number,
                enterprise.province.name,
                enterprise.name,
                enterprise.credit_code or "",
                "未通过" if failed else "通过",
                today,
                "研发投入占比未达到要求" if failed else "",
            )
        )
    return _csv(REVIEW_RESULT_HEADER, rows)


def province_sample(name: str, codes) -> bytes | None:
    """The sample file ``name`` for an official of the provinces ``codes`` (the first of them), or None for
    a national administrator (all provinces: the static sample). The review result sample is generated
    whenever it can name the user's own designations (``review_result_sample``)."""
    if name == REVIEW_RESULT_SAMPLE:
        return review_result_sample(codes)
    if codes is ALL_PROVINCES or not codes:
        return None
    province = Province.objects.get(code=min(codes))
    firms = _firms(province)
    if name == ENTERPRISES_SAMPLE:
        rows = []
        for number, (code, firm_name, city, values) in enumerate(firms, start=1):
            former = firm_name.replace("股份有限公司", "有限公司") if "股份" in firm_name else ""
            # The province as a name, and once as its division code: both are accepted.
            region = province.code if number == len(firms) else province.name
            rows.append((code, firm_name, former, region, city, *values))
        return _csv(ENTERPRISE_HEADER, rows)
    if name == DESIGNATION_LIST_SAMPLE:
        rows = [
            (number, province.name, firm_name, code if number == 1 else "")
            for number, (code, firm_name, _city, _values) in enumerate(firms[:4], start=1)
        ]
        return _csv(("序号", "省份", "企业名称", "统一社会信用代码"), rows)
    return None
