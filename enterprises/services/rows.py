"""One row of enterprises.csv as typed values (``EnterpriseRow``), and the rules every row is held to.

The enterprise file importer reads its cells into ``EnterpriseRow`` values; the API builds them from its
validated JSON. Both hand them to ``enterprise_rows_apply`` (``enterprise_file``), which checks them here
with the same rules and messages, whichever way they came: the file is not the only way in, but its rules
are the only rules.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, replace

from django.utils import timezone
from django.utils.translation import gettext

from regions.selectors import RegionCache
from utilities.tabular import ErrorReport, FileRejected
from utilities.tabular.cells import cell_problem, clean_cell, is_neutralised, printable
from utilities.tabular.parsers import DATE_MIN, choice_parser

from ..choices import DesignationStatus, IndustryField, ListingBoard, Program
from ..names import normalize_name
from .cells import (
    check_batch,
    check_employees,
    check_former_names,
    check_past_date,
    parse_credit_code,
    parse_name,
    parse_stock_code,
)


@dataclass(frozen=True, slots=True)
class EnterpriseRow:
    """An enterprise and its designation of one batch, in the words of enterprises.csv (data-formats.md).

    Text is as a person gives it: the province and city by name, short name or code, the industry, board,
    status and programme by key or label. An empty optional value (``""``, ``None``, no former names)
    keeps what is stored. ``row`` is the row's line in its file (the header is line 1); rows given without
    one are numbered as a file's would be. ``unread`` holds the cells of a file that could not be read as
    their type, (column, cell text, reason): reported in their column's turn, as every other problem.
    """

    credit_code: str
    name: str
    province: str
    batch: int | None
    city: str = ""
    former_names: tuple[str, ...] = ()
    industry_field: str = ""
    employees: int | None = None
    listing_board: str = ""
    stock_code: str = ""
    primary_financing: bool | None = None
    founded_on: datetime.date | None = None
    designation_status: str = ""
    designated_on: datetime.date | None = None
    program: str = ""
    row: int | None = None
    unread: tuple[tuple[str, str, str], ...] = ()


# Kept as written (only trimmed), as the file's verbatim columns are.
_VERBATIM = frozenset({"name", "former_names"})
_TEXT_FIELDS = tuple(f.name for f in fields(EnterpriseRow) if f.name not in {"row", "unread"})


def _program_parser() -> Callable[[str], str]:
    parse = choice_parser(Program)

    def program(value: str) -> str:
        return parse(value) or Program.LITTLE_GIANT

    return program


def _past_date_rule() -> Callable[[datetime.date | None], datetime.date | None]:
    # The rule of ``check_past_date`` with today read once per import, not twice per row.
    today = timezone.localdate()

    def past_date(date: datetime.date | None) -> datetime.date | None:
        return date if date is None or DATE_MIN <= date <= today else check_past_date(date)

    return past_date


def _kept(value):
    return value


def row_rules(*, checked: Iterable[str] = ()) -> dict[str, Callable]:
    """Each column's rule, in the order a row's problems are reported: the value given → the value kept.

    Raises ValueError with the reason. Built once per import (the choice lookups, today's date). The
    ``checked`` columns were held to their rule as they were read (a file's cells are, so that a problem
    names the cell as written): their values are kept as they are.
    """
    past_date = _past_date_rule()
    rules = {
        "credit_code": parse_credit_code,
        "name": parse_name,
        "former_names": check_former_names,
        "industry_field": choice_parser(IndustryField),
        "employees": check_employees,
        "listing_board": choice_parser(ListingBoard),
        "stock_code": parse_stock_code,
        "primary_financing": _kept,
        "founded_on": past_date,
        "batch": check_batch,
        "designation_status": choice_parser(DesignationStatus),
        "designated_on": past_date,
        "program": _program_parser(),
    }
    return {key: _kept if key in checked else rule for key, rule in rules.items()}


def _shown(value: object) -> str:
    """A value as the error report shows it: as a file's cell would have it."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ";".join(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


_NOTHING_UNREAD: dict = {}


def row_values(
    row: EnterpriseRow, number: int, rules: dict[str, Callable], regions: RegionCache, report: ErrorReport
) -> tuple[str | None, dict | None]:
    """``row`` checked into ``report``: (its credit code or None, its values to plan with or None).

    The values are given only while ``report`` is empty: from the first problem on the rows are rejected.
    """
    values: dict[str, object] = {}
    unread = {column: (text, reason) for column, text, reason in row.unread} if row.unread else _NOTHING_UNREAD
    ok = True
    for key, rule in rules.items():
        given = getattr(row, key)
        try:
            if key in unread:
                raise ValueError(unread[key][1])
            values[key] = rule(given)
        except ValueError as exc:
            report.add(number, key, unread[key][0] if key in unread else _shown(given), str(exc))
            ok = False
    region = regions.resolve(report, number, row.province, row.city)
    if region is not None and region.city_code is None:
        report.add(number, "city", row.city, gettext("城市不能为空（省份列为直辖市或计划单列市时可省略）"))
        region = None
    if ok and values["former_names"] and values["name"]:
        own = normalize_name(values["name"])
        if any(normalize_name(former) == own for former in values["former_names"]):
            report.add(number, "former_names", _shown(row.former_names), gettext("曾用名不能与现名相同"))
            ok = False
    if not ok or region is None or report:
        return values.get("credit_code") or None, None
    return values["credit_code"], {**values, "province_id": region.province_code, "city_id": region.city_code}


def _cleaned(row: EnterpriseRow, number: int, report: ErrorReport) -> EnterpriseRow:
    """``row``'s text cleaned as a file's cells are; what cannot be data of ours reported, as a file's is."""
    changes: dict[str, object] = {}
    for key in _TEXT_FIELDS:
        value = getattr(row, key)
        texts = value if key == "former_names" else (value,)
        if not all(isinstance(text, str) for text in texts):
            continue
        verbatim = key in _VERBATIM
        joined = ";".join(texts)
        reason = joined and cell_problem(clean_cell(joined, verbatim=verbatim), neutralised=is_neutralised(joined))
        if reason:
            report.add(number, key, printable(clean_cell(joined, verbatim=verbatim)), reason)
        cleaned = tuple(clean_cell(text, verbatim=verbatim) for text in texts)
        changes[key] = cleaned if key == "former_names" else cleaned[0]
    return replace(row, **changes)


def rows_cleaned(rows: Iterable[EnterpriseRow]) -> list[EnterpriseRow]:
    """Rows given as values (not read from a file), numbered and cleaned as a file's rows would be.

    Raises ``FileRejected`` with every cell that cannot be data of ours, and those alone, as reading a file
    with such cells does.
    """
    report = ErrorReport()
    numbered = [row if row.row is not None else replace(row, row=index) for index, row in enumerate(rows, start=2)]
    cleaned = [_cleaned(row, row.row, report) for row in numbered]
    if report:
        raise FileRejected(report)
    return cleaned
