"""Importing an enterprise file (enterprises.csv / .xlsx of the spec's data-formats.md): upsert by credit code.

The file is read in two passes, so that memory does not grow with it (a provincial 专精特新 list has
130,000 rows; holding every row, its plan and its preview made the import's peak RSS 436 MB):

1. every row is parsed and validated, and staged in a TEMP table (its credit code; for a valid row its
   parsed values as JSON). The duplicates inside the file are found in SQL over the staged codes. Any
   problem rejects the file here, before the import's transaction, exactly as a one-pass check did;
2. inside the import's transaction, the staged rows are planned against the database ``CHUNK_ROWS`` at a
   time and each chunk's plan is written before the next is read. The transaction makes it all or
   nothing: a problem found in a later chunk (two rows claiming one incomplete enterprise, a row outside
   a provincial official's provinces, a conflict with a concurrent change) rolls back every chunk, and
   the report is the one a whole-file plan gives. The rows of different chunks cannot interact: a credit
   code is in one row only, and the incomplete enterprises claimed so far are remembered.
"""

import csv
import datetime
import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import groupby
from typing import IO

from django.db import DatabaseError, connection
from django.utils.translation import gettext

from imports.models import ImportRecord
from imports.records import import_transaction, recorded_import
from regions.selectors import RegionCache, RegionResolver
from utilities.bulk import drop_tables, insert_rows
from utilities.tabular import ErrorReport, FileRejected
from utilities.tabular.cells import Column
from utilities.tabular.parsers import choice_parser, parse_bool
from utilities.tabular.table import open_table

from ..choices import DesignationStatus, IndustryField, ListingBoard, Program
from ..names import normalize_name
from .cells import (
    parse_batch,
    parse_credit_code,
    parse_employees,
    parse_former_names,
    parse_name,
    parse_past_date,
    parse_stock_code,
    report_duplicates,
)
from .enterprise_plan import _Claims, _EnterpriseRow, _plan_enterprise_import
from .plan import ChangeList, DetailedImportOutcome, Plan, RowChange, enterprises_notify, statistics_renewed
from .scope import ImportScopeCheck, designation_write_check

# Rows planned and written at a time: one chunk's plan (model instances, history rows) is a few MB, and
# a chunk costs a dozen queries, which 5,000 rows amortise.
CHUNK_ROWS = 5_000
# How many changed (and how many unchanged) rows an outcome lists; the admin preview shows 500.
CHANGES_LISTED = 1_000
# The staged rows: TEMP, private to this connection.
_STAGE = "_enterprise_import_row"

ENTERPRISE_COLUMNS = (
    Column("credit_code", "统一社会信用代码", required=True),
    Column("name", "企业名称", required=True, verbatim=True),
    Column("former_names", "曾用名", verbatim=True),
    Column("province", "省份", required=True),
    Column("city", "城市"),
    Column("industry_field", "产业领域"),
    Column("employees", "参保人数"),
    Column("listing_board", "上市板块"),
    Column("stock_code", "股票代码"),
    Column("primary_financing", "一级市场融资"),
    Column("founded_on", "成立日期"),
    Column("batch", "批次", required=True),
    Column("designation_status", "认定状态"),
    Column("designated_on", "认定日期"),
)
# Optional, after the spec's columns: the programme of the row's designation. A file without it (or an
# empty cell) lists 小巨人, as the MIIT lists do; a provincial 专精特新中小企业 list says ``sme``.
PROGRAM_COLUMN = Column("program", "项目")


def _enterprise_parsers() -> dict:
    return {
        "credit_code": parse_credit_code,
        "name": parse_name,
        "former_names": parse_former_names,
        "industry_field": choice_parser(IndustryField),
        "employees": parse_employees,
        "listing_board": choice_parser(ListingBoard),
        "stock_code": parse_stock_code,
        "primary_financing": parse_bool,
        "founded_on": parse_past_date,
        "batch": parse_batch,
        "designation_status": choice_parser(DesignationStatus),
        "designated_on": parse_past_date,
        "program": _program_parser(),
    }


def _program_parser():
    parse = choice_parser(Program)

    def program(value: str) -> str:
        return parse(value) or Program.LITTLE_GIANT

    return program


_DATE_FIELDS = ("founded_on", "designated_on")


def _staged(values: dict[str, object]) -> str:
    """A valid row's parsed values as JSON (dates as ISO text)."""
    values = {**values, **{name: values[name] and values[name].isoformat() for name in _DATE_FIELDS}}
    return json.dumps(values, ensure_ascii=False)


def _unstaged(number: int, payload: str) -> _EnterpriseRow:
    values = json.loads(payload)
    for name in _DATE_FIELDS:
        values[name] = values[name] and datetime.date.fromisoformat(values[name])
    return _EnterpriseRow(row=number, **values)


@contextmanager
def _staging() -> Iterator[None]:
    # Never left behind: dropped below, or rolled back with the transaction that created it.
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE {_STAGE} (row_number integer PRIMARY KEY, credit_code text, payload text)")
    try:
        yield
    finally:
        # Dropped here because a caller's transaction may run several imports. After a database error that
        # aborted the caller's transaction this fails too (the original error is the one raised), and the
        # caller's rollback removes the table.
        try:
            with connection.cursor() as cursor:
                drop_tables(cursor, _STAGE)
        except DatabaseError:
            pass


def _parsed_row(
    number: int, cells: dict[str, str], parsers: dict, regions: RegionCache, report: ErrorReport
) -> tuple[str | None, str | None]:
    """One row parsed and validated into ``report``: (its credit code, its values to stage or None).

    The values are staged only while the file has no problem: from the first one on it will be rejected.
    """
    values: dict[str, object] = {}
    ok = True
    for key, parser in parsers.items():
        raw = cells.get(key, "")
        try:
            values[key] = parser(raw)
        except ValueError as exc:
            report.add(number, key, raw, str(exc))
            ok = False
    province, city = cells.get("province", ""), cells.get("city", "")
    region = regions.resolve(report, number, province, city)
    if region is not None and region.city_code is None:
        report.add(number, "city", city, gettext("城市不能为空（省份列为直辖市或计划单列市时可省略）"))
        region = None
    if ok and values["former_names"] and values["name"]:
        own = normalize_name(values["name"])
        if any(normalize_name(former) == own for former in values["former_names"]):
            report.add(number, "former_names", cells.get("former_names"), gettext("曾用名不能与现名相同"))
            ok = False
    payload = None
    if ok and region is not None and not report:
        payload = _staged({**values, "province_id": region.province_code, "city_id": region.city_code})
    return values.get("credit_code") or None, payload


def _stage_enterprise_rows(table, resolver: RegionResolver, report: ErrorReport) -> None:
    """Parse and validate every row into ``report``; stage each row's credit code and a valid row's values.

    From the first problem on the file will be rejected: only the codes are staged then, for the
    duplicates check.
    """
    parsers = _enterprise_parsers()
    regions = RegionCache(resolver)
    batch: list[tuple[int, str | None, str | None]] = []

    def flush() -> None:
        with connection.cursor() as cursor:
            insert_rows(cursor, _STAGE, ("row_number", "credit_code", "payload"), batch)
        batch.clear()

    for number, cells in table.rows():
        code, payload = _parsed_row(number, cells, parsers, regions, report)
        if code is not None:
            batch.append((number, code, payload))
            if len(batch) >= CHUNK_ROWS:
                flush()
    flush()
    _report_duplicate_codes(report)


def _report_duplicate_codes(report: ErrorReport) -> None:
    """Every row of a credit code the file repeats, codes in the order of their first row (as before)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT s.credit_code, s.row_number FROM {_STAGE} s JOIN (
                    SELECT credit_code, MIN(row_number) AS first_row FROM {_STAGE}
                    WHERE credit_code IS NOT NULL GROUP BY credit_code HAVING COUNT(*) > 1
                ) d ON d.credit_code = s.credit_code
                ORDER BY d.first_row, s.row_number"""
        )
        for code, rows in groupby(cursor.fetchall(), key=lambda item: item[0]):
            report_duplicates(report, "credit_code", {code: [number for _, number in rows]}, {code: code})


def _staged_chunks() -> Iterator[list[_EnterpriseRow]]:
    """The staged rows, in file order, ``CHUNK_ROWS`` at a time (keyset on the row number)."""
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT row_number, payload FROM {_STAGE} WHERE row_number > %s AND payload IS NOT NULL "
                f"ORDER BY row_number LIMIT {CHUNK_ROWS}",
                [last],
            )
            found = cursor.fetchall()
        if found:
            yield [_unstaged(number, payload) for number, payload in found]
        if len(found) < CHUNK_ROWS:
            return
        last = found[-1][0]


def _staged_file(stream: IO[bytes], *, ignore_unknown: bool) -> tuple[RegionResolver, ErrorReport]:
    """Pass one: the file read, validated and staged; ``FileRejected`` with every problem it has."""
    report = ErrorReport()
    table = open_table(stream, (*ENTERPRISE_COLUMNS, PROGRAM_COLUMN), ignore_unknown=ignore_unknown)
    resolver = RegionResolver()
    _stage_enterprise_rows(table, resolver, report)
    if report:
        raise FileRejected(report)
    return resolver, report


def _write_staged_rows(
    resolver: RegionResolver, report: ErrorReport, changes: ChangeList, *, dry_run: bool, user, record: ImportRecord
) -> dict[str, int]:
    """Pass two: the staged rows planned and written chunk by chunk in the import's transaction; the counts.

    Raises ``FileRejected`` (every chunk rolled back) when a chunk's plan has a problem or refuses a row.
    """
    counts = Plan().counts
    # A conflict with a concurrent write names a value of the chunk being written.
    rows_by_value: dict[str, int] = {}
    with import_transaction(kind=ImportRecord.Kind.ENTERPRISES, dry_run=dry_run, rows_by_value=rows_by_value):
        claims, scope = _Claims(), ImportScopeCheck(user)
        touched: set[int] = set()
        for rows in _staged_chunks():
            plan = _plan_enterprise_import(rows, resolver, report, claims)
            if report:
                continue  # rejected for the claims: only the claims of the remaining rows matter
            scope.add(plan, [(row.row, row.province_id) for row in rows])
            if scope.refused():
                continue  # rejected: only the refusals of the remaining rows matter
            for key, value in plan.counts.items():
                counts[key] += value
            changes.extend(plan.changes)
            if not dry_run:
                rows_by_value.clear()
                rows_by_value.update((row.credit_code, row.row) for row in rows)
                touched |= plan.apply(user=user, record=record, notify=False)
        if not report:
            scope.finish(record=record, report=report)
        if report:
            raise FileRejected(report)
        if not dry_run:
            # Every write (the API's one-row imports included) rolls back here when it would create or
            # change a designation without the permission; a preview (dry run) shows the plan, and the
            # admin refuses it in its own words before it can be confirmed.
            designation_write_check(user=user, counts=counts)
        # Once, with every id (a few bytes each): as a one-piece import announced them.
        enterprises_notify(touched)
    return counts


def enterprise_import(
    *,
    stream: IO[bytes],
    file_name: str,
    dry_run: bool = False,
    ignore_unknown: bool = False,
    user=None,
    via: str = "command",
    on_change: Callable[[RowChange], None] | None = None,
) -> DetailedImportOutcome:
    """Import an enterprises.csv/.xlsx file: all rows or none, idempotent upsert by credit code.

    Raises ``FileRejected`` (with the full error report) when any row is invalid; nothing is written
    then, but the ImportRecord keeps the errors. A dry run computes exactly what would change and
    writes no data row. The outcome lists the first ``CHANGES_LISTED`` changed and unchanged rows;
    ``on_change`` is called with every row's outcome, in file order, as it is planned (before the
    import is known to succeed).
    """
    with (
        recorded_import(
            kind=ImportRecord.Kind.ENTERPRISES,
            stream=stream,
            file_name=file_name,
            dry_run=dry_run,
            user=user,
            via=via,
            options={"ignore_unknown": ignore_unknown},
        ) as recorded,
        _staging(),
    ):
        resolver, report = _staged_file(stream, ignore_unknown=ignore_unknown)
        changes = ChangeList(limit=CHANGES_LISTED, on_change=on_change)
        recorded.counts = _write_staged_rows(
            resolver, report, changes, dry_run=dry_run, user=user, record=recorded.record
        )
        if not dry_run:
            statistics_renewed(recorded.counts)
    return DetailedImportOutcome(
        counts=recorded.counts,
        record=recorded.record,
        warnings=recorded.warnings,
        changes=changes.listed,
        unchanged_rows=changes.unchanged,
        changes_not_listed=changes.not_listed,
    )


# --- single-row writes (the API) ---------------------------------------------------------------------


def enterprise_row_write(*, cells: dict[str, str], user, via: str = "api", label: str = "") -> DetailedImportOutcome:
    """Create or update one enterprise and its designation of ``cells["batch"]`` as a one-row enterprise file.

    The API writes through the importer rather than beside it, so that a write made there is parsed,
    validated, recorded (ImportRecord, history rows naming the user) and refreshes the indicators exactly
    as an import or admin upload does. ``cells`` are the interchange columns as text; an empty optional
    cell keeps the stored value. Raises ``FileRejected`` with the importer's report on an invalid value,
    ``DesignationWriteRefused`` (a ``FileRejected``) when the row would create or change a designation that
    ``user`` may not.
    """
    keys = [column.key for column in ENTERPRISE_COLUMNS]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(keys)
    writer.writerow([cells.get(key, "") for key in keys])
    return enterprise_import(
        stream=io.BytesIO(text.getvalue().encode("utf-8")),
        file_name=(label or f"{via}:{cells.get('credit_code', '')}")[:255],
        user=user,
        via=via,
    )
