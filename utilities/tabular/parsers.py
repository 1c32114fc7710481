"""Cell parsers: each returns the parsed value or raises ValueError with the reason, in the user's language."""

import datetime
import re
from collections.abc import Callable

from django.db import models
from django.utils import translation

_LIST_SEPARATOR = re.compile(r"[;；]")


# No date of ours lies outside these years; 0001-01-01 or 9999-12-31 is a placeholder or a typo.
DATE_MIN, DATE_MAX = datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)


def parse_date(value: str) -> datetime.date | None:
    if not value:
        return None
    text = value.replace("/", "-").replace(".", "-")
    text = re.sub(r"[年月]", "-", text).removesuffix("日")
    text = text.split(" ")[0].split("T")[0]
    try:
        date = datetime.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        raise ValueError(translation.gettext("日期应为 YYYY-MM-DD")) from None
    if not DATE_MIN <= date <= DATE_MAX:
        raise ValueError(translation.gettext("日期应在 1900 至 2099 年之间"))
    return date


# PositiveIntegerField's upper bound on every backend we run on (Django's integer_field_ranges): the
# largest count a cell may give.
POSITIVE_INT_MAX = 2_147_483_647


def parse_non_negative_int(value: str) -> int | None:
    if not value:
        return None
    text = value.replace(",", "")
    if text.endswith(".0"):
        text = text[:-2]
    if not (text.isascii() and text.isdigit()):
        raise ValueError(translation.gettext("应为不小于0的整数"))
    if len(text) > 18:
        raise ValueError(translation.gettext("数值过大"))
    return int(text)


_TRUE = {"1", "true", "yes", "y", "是", "有", "t"}
_FALSE = {"0", "false", "no", "n", "否", "无", "f"}


def parse_bool(value: str) -> bool | None:
    if not value:
        return None
    text = value.casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(translation.gettext("应为 1/0、true/false 或 是/否"))


def parse_list(value: str) -> list[str]:
    return [item.strip() for item in _LIST_SEPARATOR.split(value)] if value else []


def choice_parser(choices: type[models.TextChoices]) -> Callable[[str], str]:
    """A parser turning a key or label into the key ('' stays ''), built once per import.

    Labels are matched in Chinese and in English whatever language the request runs in: an official's
    file carries the Chinese label even when the admin is used in English.
    """
    lookup: dict[str, str] = {}
    for key, label in choices.choices:
        lookup[key.casefold()] = key
        for language in ("zh-hans", "en"):
            with translation.override(language):
                lookup[str(label).casefold()] = key
    with translation.override("zh-hans"):
        allowed = "、".join(f"{key} {label}" for key, label in choices.choices)

    def parse(value: str) -> str:
        if not value:
            return ""
        try:
            return lookup[value.casefold()]
        except KeyError:
            raise ValueError(
                translation.gettext("不是允许的取值（可用：%(allowed)s）") % {"allowed": allowed}
            ) from None

    return parse
