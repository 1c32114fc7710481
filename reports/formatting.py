"""Indicator values as an official reads them in the admin (口径指标): no raw floats, no bare codes.

The public site has its own formatting (``portal/formatting.py``, above this app); this is the admin's:
counts with thousands separators, shares and growth rates as percentages, other ratios to two decimals,
and the codes of boards, industries and batches by their names in the page's language.
"""

from django.utils.formats import number_format
from django.utils.translation import gettext

from enterprises.choices import IndustryField, ListingBoard, batch_display

from .choices import NATIONAL_NAME, UNLISTED_NAME, Scope

# Keys of metrics.md whose value is a share or a growth rate (a fraction: 0.125 is 12.5 %).
PERCENT_KEYS = frozenset({"invention_share", "invention_grant_rate", "pct_share", "growth_cagr", "pct_growth_cagr"})
# Breakdowns keyed by a code, and how each code is named.
CODE_NAMERS = {
    "board_counts": lambda code: board_name(code),
    "industry_counts": lambda code: industry_name(code),
    "industry_applications": lambda code: industry_name(code),
    "batch_counts": lambda code: batch_display(int(code)) if str(code).isdigit() else str(code),
}


def board_name(code: str) -> str:
    if code == "unlisted":
        return str(UNLISTED_NAME)
    return str(dict(ListingBoard.choices).get(code, code))


def industry_name(code: str) -> str:
    return str(dict(IndustryField.choices).get(code, code))


def scope_code_name(scope: str, code: str) -> str:
    """What a scope's code stands for: 北交所 for board ``bse``, 第三批 for batch ``3``; other codes unchanged."""
    if scope == Scope.BOARD:
        return board_name(code)
    if scope == Scope.INDUSTRY:
        return industry_name(code)
    if scope == Scope.BATCH and code.isdigit():
        return batch_display(int(code))
    if scope == Scope.NATIONAL:
        return str(NATIONAL_NAME)
    return code


def value_text(key: str, value) -> str:
    """One indicator value: ``—`` when it has none, a percentage for shares and rates, grouped digits."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if key in PERCENT_KEYS and isinstance(value, int | float):
        return f"{number_format(round(value * 100, 1), 1, force_grouping=True)} %"
    if isinstance(value, float):
        return number_format(round(value, 2), 2, force_grouping=True)
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    if isinstance(value, dict):
        name = CODE_NAMERS.get(key, str)
        return "；".join(f"{name(code)}: {value_text('', item)}" for code, item in value.items()) or "—"
    return str(value)
