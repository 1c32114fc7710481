"""Cell parsers and limits of the enterprise file and the MIIT lists (beyond those in ``utilities.tabular``)."""

import datetime
import functools
import re
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext

from utilities.tabular import ErrorReport
from utilities.tabular.parsers import (
    DATE_MAX,
    DATE_MIN,
    POSITIVE_INT_MAX,
    parse_date,
    parse_list,
    parse_non_negative_int,
)

from ..credit_codes import credit_code_problem
from ..models import Enterprise

NAME_MAX_LENGTH = Enterprise._meta.get_field("name").max_length
STOCK_CODE_MAX_LENGTH = Enterprise._meta.get_field("stock_code").max_length
EMPLOYEES_MAX = POSITIVE_INT_MAX
# MIIT had announced seven batches by 2025; a two-digit ceiling accepts every realistic later batch
# while still catching a typo such as "33" for "3".
BATCH_MAX = 99
_STOCK_CODE = re.compile(r"^[0-9A-Z]{1,10}(\.[A-Z]{1,4})?$")


_CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def _chinese_number(text: str) -> int | None:
    """一 .. 九十九 (十二, 二十, 二十三); None when ``text`` is not such a numeral."""
    if not text or any(char not in _CHINESE_DIGITS and char != "十" for char in text):
        return None
    if "十" not in text:
        return _CHINESE_DIGITS[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1 or "十" in units:
        return None
    return (_CHINESE_DIGITS[tens] if tens else 1) * 10 + (_CHINESE_DIGITS[units] if units else 0)


def parse_batch(value: str) -> int:
    """`3`, `第3批`, `第三批`, `第十二批` → the batch number; raises ValueError with the reason."""
    text = value.strip()
    if not text:
        return check_batch(None)
    inner = text.removeprefix("第").removesuffix("批").strip()
    number = int(inner) if inner.isdigit() else _chinese_number(inner)
    return check_batch(0 if number is None else number)


def check_batch(number: int | None) -> int:
    """A batch number as given (the typed rows of ``rows``), or ValueError with the reason a cell would get."""
    if number is None:
        raise ValueError(gettext("批次不能为空"))
    if not 1 <= number <= BATCH_MAX:
        raise ValueError(gettext("批次应为 1..%(max)s 或 第一批、第二批……") % {"max": BATCH_MAX})
    return number


def parse_credit_code(value: str) -> str:
    code = value.upper()
    if not code:
        raise ValueError(gettext("统一社会信用代码不能为空"))
    problem = credit_code_problem(code)
    if problem:
        raise ValueError(f"统一社会信用代码无效：{problem}")
    return code


def parse_name(value: str) -> str:
    if not value:
        raise ValueError(gettext("企业名称不能为空"))
    if len(value) > NAME_MAX_LENGTH:
        raise ValueError(
            gettext("企业名称超过%(max)s字（%(length)s字）") % {"max": NAME_MAX_LENGTH, "length": len(value)}
        )
    return value


def parse_former_names(value: str) -> list[str]:
    return check_former_names(parse_list(value))


def check_former_names(given: Iterable[str]) -> list[str]:
    names = [name for name in given if name]
    for name in names:
        if len(name) > NAME_MAX_LENGTH:
            raise ValueError(gettext("曾用名 “%(name)s…” 超过%(max)s字") % {"name": name[:20], "max": NAME_MAX_LENGTH})
    return names


def parse_employees(value: str) -> int | None:
    return check_employees(parse_non_negative_int(value))


# parse_non_negative_int refuses more than 18 digits as "too large" before the count's own ceiling.
_DIGITS_MAX = 10**18


def check_employees(number: int | None) -> int | None:
    if number is not None and number < 0:
        raise ValueError(gettext("应为不小于0的整数"))
    if number is not None and number >= _DIGITS_MAX:
        raise ValueError(gettext("数值过大"))
    if number is not None and number > EMPLOYEES_MAX:
        raise ValueError(gettext("参保人数过大（最大 %(max)s）") % {"max": EMPLOYEES_MAX})
    return number


def parse_stock_code(value: str) -> str:
    code = value.upper()
    if code and (len(code) > STOCK_CODE_MAX_LENGTH or not _STOCK_CODE.match(code)):
        raise ValueError(gettext("股票代码应形如 688001 或 688001.SH"))
    return code


@functools.lru_cache(maxsize=4096)
def parse_past_date(value: str) -> datetime.date | None:
    # Cached: a file repeats the same few thousand dates (a ValueError is not cached, so each bad row
    # is still reported).
    return check_past_date(parse_date(value))


def check_past_date(date: datetime.date | None) -> datetime.date | None:
    """A date as given: within the years any date of ours lies in, and not after today."""
    if date is not None and not DATE_MIN <= date <= DATE_MAX:
        raise ValueError(gettext("日期应在 1900 至 2099 年之间"))
    if date is not None and date > timezone.localdate():
        raise ValueError(gettext("日期不能晚于今天"))
    return date


def report_duplicates(report: ErrorReport, column: str, rows_by_key: dict[str, list[int]], values: dict) -> None:
    for key, rows in rows_by_key.items():
        if len(rows) < 2:
            continue
        listed = "、".join(str(row) for row in rows)
        for row in rows:
            report.add(row, column, values[key], gettext("在文件中重复出现（第%(rows)s行）") % {"rows": listed})
