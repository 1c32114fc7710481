"""Numbers as the 2023 report prints them (件/家, %, 万余件), in the active language.

Pure functions of a value, used by the template filters (``portal/templatetags/portal.py``) and by the
browser tests, which format the API's value the same way and compare it with what a page shows.
A missing value (a ratio whose denominator is 0, metrics.md) is shown as an em dash, never as 0.
"""

import datetime
import math

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

MISSING = "—"


def _is_zh() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def paren(value) -> str:
    """A unit after a label: "（件/家）" in Chinese, " (per enterprise)" with half-width brackets in English."""
    return f"（{value}）" if _is_zh() else f" ({value})"


def number(value, decimals: int = 0) -> str:
    """1234.5 → "1,234.5" (both languages group thousands with commas)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    return f"{value:,.{decimals}f}"


def percent(value, decimals: int = 1) -> str:
    """A fraction as a percentage with one decimal, as the report prints shares (0.454 → "45.4%")."""
    if value is None:
        return MISSING
    return f"{value * 100:.{decimals}f}%"


def signed_percent_points(value) -> str:
    """A change of a fraction in percentage points: 0.012 → "+1.2个百分点"."""
    if value is None:
        return MISSING
    text = "±0.0" if round(value * 100, 1) == 0 else f"{value * 100:+.1f}"
    return _("%(value)s个百分点") % {"value": text}


def count(value, unit: str) -> str:
    """A count with its unit: 1477, "家" → "1,477家" / "1,477 enterprises"."""
    if value is None:
        return MISSING
    text = number(value)
    n = int(value)
    units = {
        "家": ngettext("%(n)s家", "%(n)s家", n),
        "件": _("%(n)s件"),
        "次": ngettext("%(n)s次", "%(n)s次", n),
        "个": _("%(n)s个"),
        "人": ngettext("%(n)s人", "%(n)s人", n),
    }
    return units.get(unit, "%(n)s") % {"n": text}


def wan(value) -> str:
    """A large total the way the report's headline prints it: 95,432 → "9.54万余件" (en: "95,400+").

    Rounded down, so "余" (more than) stays true; below ten thousand the exact count is shown.
    """
    if value is None:
        return MISSING
    if value < 10_000:
        return count(value, "件")
    if _is_zh():
        return _("%(n)s万余件") % {"n": f"{math.floor(value / 100) / 100:.2f}".rstrip("0").rstrip(".")}
    return _("%(n)s万余件") % {"n": f"{math.floor(value / 100) * 100:,}"}


def date(value: datetime.date | None) -> str:
    if value is None:
        return MISSING
    if _is_zh():
        return f"{value.year}年{value.month}月{value.day}日"
    return value.strftime("%-d %B %Y")


def as_of(value: datetime.date | None) -> str:
    """ "截至2023年7月31日": every number on a page says as of when it holds."""
    return _("截至%(date)s") % {"date": date(value)}


# How each indicator of the eight-indicator panel and the enterprise page is printed: decimals as the
# report prints them (two for per-enterprise citations, one for percentages).
METRIC_FORMATS: dict[str, tuple[str, int]] = {
    "enterprise_count": ("number", 0),
    "applications_total": ("number", 0),
    "applications_per_enterprise": ("number", 1),
    "invention_share": ("percent", 1),
    "invention_grant_rate": ("percent", 1),
    "valid_inventions_per_enterprise": ("number", 1),
    "citations_per_enterprise": ("number", 2),
    "licenses_per_enterprise": ("number", 2),
    "transfers_per_enterprise": ("number", 2),
    "pct_per_enterprise": ("number", 2),
    "pct_share": ("percent", 1),
    "overseas_markets_per_enterprise": ("number", 2),
    "employees_per_enterprise": ("number", 0),
    "invention_density": ("number", 1),
    "growth_cagr": ("percent", 1),
    "pct_growth_cagr": ("percent", 1),
}


def metric_in_file(key: str, value):
    """An indicator's value for a person's spreadsheet ("数据" downloads): a number, rounded as the page
    prints it, shares in per cent (``metric_unit_in_file`` names the unit); None stays None. The API keeps
    the raw fractions."""
    if value is None:
        return None
    kind, decimals = METRIC_FORMATS.get(key, ("number", 2))
    rounded = round(value * 100 if kind == "percent" else value, decimals)
    return int(rounded) if decimals == 0 else rounded


def metric_unit_in_file(key: str, unit) -> str:
    """The unit column beside ``metric_in_file``'s value: "%" for a share, else the indicator's own unit."""
    kind, _decimals = METRIC_FORMATS.get(key, ("number", 2))
    return "%" if kind == "percent" else str(unit)


def metric(key: str, value) -> str:
    """An indicator's value formatted as its kind requires (see ``METRIC_FORMATS``)."""
    kind, decimals = METRIC_FORMATS.get(key, ("number", 2))
    if kind == "percent":
        return percent(value, decimals)
    return number(value, decimals)


def metric_change(key: str, value) -> str:
    """A change between two snapshots: percentage points for shares, a signed number otherwise."""
    if value is None:
        return MISSING
    kind, decimals = METRIC_FORMATS.get(key, ("number", 2))
    if kind == "percent":
        return signed_percent_points(0.0 if round(value * 100, 1) == 0 else value)
    if round(value, decimals) == 0:
        return f"±{0:.{decimals}f}"
    return f"{value:+,.{decimals}f}"
