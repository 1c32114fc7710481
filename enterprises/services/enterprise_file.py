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

import datetime
import io
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import asdict
from itertools import groupby
from typing import IO

from django.db import DatabaseError, connection

from imports.models import ImportRecord
from imports.pipeline import ImportPipeline
from regions.selectors import RegionCache, RegionResolver
from utilities.bulk import drop_tables, insert_rows
from utilities.tabular import ErrorReport
from utilities.tabular.cells import Column
from utilities.tabular.parsers import parse_bool
from utilities.tabular.table import open_table

from .cells import (
    parse_batch,
    parse_employees,
    parse_former_names,
    parse_past_date,
    report_duplicates,
)
from .enterprise_plan import ResolvedRow, _Claims, _plan_enterprise_import
from .plan import ChangeList, DetailedImportOutcome, Plan, RowChange, enterprises_notify, statistics_renewed
from .rows import EnterpriseRow, row_rules, row_values, rows_cleaned
from .scope import ImportScopeCheck, designation_write_check

# Rows planned and written at a time: one chunk's plan (model instances, history rows) is a few MB, and
# a chunk costs a dozen queries, which 5,000 rows amortise.
CHUNK_ROWS = 5_000
# How many changed (and how many unchanged) rows an outcome lists; the admin preview shows 500.
CHANGES_LISTED = 1_000
# The staged rows: TEMP, private to this connection.
_STAGE = "_enterprise_import_row"

# The enterprise's own data (the designation's columns follow): what the admin's enterprise form edits too.
ENTERPRISE_OWN_COLUMNS = (
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
)
ENTERPRISE_FIELDS = tuple(column.key for column in ENTERPRISE_OWN_COLUMNS)
ENTERPRISE_COLUMNS = (
    *ENTERPRISE_OWN_COLUMNS,
    Column("batch", "批次", required=True),
    Column("designation_status", "认定状态"),
    Column("designated_on", "认定日期"),
)
# Optional, after the spec's columns: the programme of the row's designation. A file without it (or an
# empty cell) lists 小巨人, as the MIIT lists do; a provincial 专精特新中小企业 list says ``sme``.
PROGRAM_COLUMN = Column("program", "项目")


# The file's cells read as the types of ``EnterpriseRow`` (the rules of ``rows`` are checked there too, so
# that a problem names the cell as written).
_CELL_READERS = {
    "former_names": parse_former_names,
    "employees": parse_employees,
    "primary_financing": parse_bool,
    "founded_on": parse_past_date,
    "batch": parse_batch,
    "designated_on": parse_past_date,
}
_TEXT_COLUMNS = ("credit_code", "name", "province", "city", "industry_field", "listing_board", "stock_code")
_TEXT_COLUMNS += ("designation_status", "program")


def _file_rows(table) -> Iterator[EnterpriseRow]:
    """The file's rows as ``EnterpriseRow`` values; a cell that is not of its type goes in ``unread``.

    Its readers hold each cell to its column's rule (``row_rules(checked=_CELL_READERS)``).
    """
    for number, cells in table.rows():
        values: dict[str, object] = {key: cells.get(key, "") for key in _TEXT_COLUMNS}
        unread = ()
        for key, read in _CELL_READERS.items():
            text = cells.get(key, "")
            try:
                values[key] = read(text)
            except ValueError as exc:
                values[key] = None
                unread += ((key, text, str(exc)),)
        values["former_names"] = tuple(values["former_names"] or ())
        yield EnterpriseRow(**values, row=number, unread=unread)


_DATE_FIELDS = ("founded_on", "designated_on")


def _staged(values: dict[str, object]) -> str:
    """A valid row's parsed values as JSON (dates as ISO text)."""
    values = {**values, **{name: values[name] and values[name].isoformat() for name in _DATE_FIELDS}}
    return json.dumps(values, ensure_ascii=False)


def _unstaged(number: int, payload: str) -> ResolvedRow:
    values = json.loads(payload)
    for name in _DATE_FIELDS:
        values[name] = values[name] and datetime.date.fromisoformat(values[name])
    return ResolvedRow(row=number, **values)


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


def _stage_enterprise_rows(
    rows: Iterable[EnterpriseRow], rules: dict, resolver: RegionResolver, report: ErrorReport, stage
) -> None:
    """Check every row (``rules``) into ``report``; ``stage`` each row's credit code and a valid row's values.

    From the first problem the rows will be rejected: only the codes are staged then, for the
    duplicates check.
    """
    regions = RegionCache(resolver)
    for position, row in enumerate(rows, start=2):
        number = position if row.row is None else row.row
        code, values = row_values(row, number, rules, regions, report)
        if code is not None:
            stage.add(number, code, values)
    stage.flush()
    for code, numbers in stage.repeated():
        report_duplicates(report, "credit_code", {code: numbers}, {code: code})


class _TableStage:
    """A file's rows in a TEMP table (``_staging``), so that memory does not grow with the file."""

    def __init__(self) -> None:
        self.batch: list[tuple[int, str, str | None]] = []

    def resources(self):
        return _staging()

    def add(self, number: int, code: str, values: dict | None) -> None:
        self.batch.append((number, code, None if values is None else _staged(values)))
        if len(self.batch) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        with connection.cursor() as cursor:
            insert_rows(cursor, _STAGE, ("row_number", "credit_code", "payload"), self.batch)
        self.batch.clear()

    def repeated(self) -> Iterator[tuple[str, list[int]]]:
        """Every credit code the file repeats with its rows, codes in the order of their first row."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT s.credit_code, s.row_number FROM {_STAGE} s JOIN (
                        SELECT credit_code, MIN(row_number) AS first_row FROM {_STAGE}
                        WHERE credit_code IS NOT NULL GROUP BY credit_code HAVING COUNT(*) > 1
                    ) d ON d.credit_code = s.credit_code
                    ORDER BY d.first_row, s.row_number"""
            )
            found = cursor.fetchall()
        for code, rows in groupby(found, key=lambda item: item[0]):
            yield code, [number for _, number in rows]

    def chunks(self) -> Iterator[list[ResolvedRow]]:
        return _staged_chunks()


class _MemoryStage:
    """Rows given as values (an API write's one row): kept in memory, in the order given, and planned as a
    file's rows are, without a TEMP table and a round trip through JSON."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, str, ResolvedRow | None]] = []

    def resources(self):
        return nullcontext()

    def add(self, number: int, code: str, values: dict | None) -> None:
        self.rows.append((number, code, None if values is None else ResolvedRow(row=number, **values)))

    def flush(self) -> None:
        pass

    def repeated(self) -> Iterator[tuple[str, list[int]]]:
        by_code: dict[str, list[int]] = {}
        for number, code, _row in self.rows:  # in row order: a code's first row comes first
            by_code.setdefault(code, []).append(number)
        return ((code, numbers) for code, numbers in by_code.items() if len(numbers) > 1)

    def chunks(self) -> Iterator[list[ResolvedRow]]:
        valid = [row for _number, _code, row in self.rows if row is not None]
        for start in range(0, len(valid), CHUNK_ROWS):
            yield valid[start : start + CHUNK_ROWS]


def _staged_chunks() -> Iterator[list[ResolvedRow]]:
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


class _EnterpriseImport(ImportPipeline):
    """Rows of enterprises.csv, checked and staged (pass one), then planned and written a chunk at a time in
    the import's transaction (pass two); what ``open`` gives as ``EnterpriseRow`` values is up to a subclass.

    Any problem (a bad row, two rows claiming one incomplete enterprise, a row outside a provincial
    official's provinces, a concurrent change) rolls back every chunk. History rows are written with each
    chunk's rows (``Plan.apply``), so ``history`` is part of ``apply``.
    """

    kind = ImportRecord.Kind.ENTERPRISES
    rows: Iterable[EnterpriseRow] = ()

    def __init__(self, *, rules: dict, stage, on_change: Callable[[RowChange], None] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rules = rules
        self.staged = stage
        self.resolver = RegionResolver()
        self.changes = ChangeList(limit=CHANGES_LISTED, on_change=on_change)
        self.totals = Plan().counts
        self.touched: set[int] = set()

    def resources(self):
        return self.staged.resources()

    def validate(self) -> None:
        """Pass one: every row checked into the report and staged (its values only while it has none)."""
        _stage_enterprise_rows(self.rows, self.rules, self.resolver, self.report, self.staged)

    def plan(self) -> Iterator[Plan]:
        """Pass two: the staged rows planned ``CHUNK_ROWS`` at a time, each chunk's plan written before the next."""
        claims, scope = _Claims(), ImportScopeCheck(self.user)
        for rows in self.staged.chunks():
            plan = _plan_enterprise_import(rows, self.resolver, self.report, claims)
            if self.report:
                continue  # rejected for the claims: only the claims of the remaining rows matter
            scope.add(plan, [(row.row, row.province_id) for row in rows])
            if scope.refused():
                continue  # rejected: only the refusals of the remaining rows matter
            for key, value in plan.counts.items():
                self.totals[key] += value
            self.changes.extend(plan.changes)
            # A conflict with a concurrent write names a value of the chunk being written.
            self.rows_by_value.clear()
            self.rows_by_value.update((row.credit_code, row.row) for row in rows)
            yield plan
        if not self.report:
            scope.finish(record=self.outcome.record, report=self.report)
        if not self.report and not self.dry_run:
            # Every write (the API's included) rolls back here when it would create or change a designation
            # without the permission; a preview (dry run) shows the plan, and the admin refuses it in its own
            # words before it can be confirmed.
            designation_write_check(user=self.user, counts=self.totals)

    def apply(self, plan: Plan) -> None:
        self.touched |= plan.apply(user=self.user, record=self.outcome.record, notify=False)

    def notify(self) -> None:
        # Once, with every id (a few bytes each): as a one-piece import announced them.
        enterprises_notify(self.touched)

    def counts(self) -> dict[str, int]:
        return self.totals

    def finish(self) -> None:
        if not self.dry_run:
            statistics_renewed(self.totals)

    def result(self) -> DetailedImportOutcome:
        return DetailedImportOutcome(
            counts=self.outcome.counts,
            record=self.outcome.record,
            warnings=self.outcome.warnings,
            changes=self.changes.listed,
            unchanged_rows=self.changes.unchanged,
            changes_not_listed=self.changes.not_listed,
        )


class EnterpriseFileImport(_EnterpriseImport):
    """An enterprises.csv/.xlsx file: its cells read into ``EnterpriseRow`` values as the table is read."""

    def __init__(self, *, ignore_unknown: bool = False, **kwargs) -> None:
        super().__init__(rules=row_rules(checked=_CELL_READERS), stage=_TableStage(), **kwargs)
        self.ignore_unknown = ignore_unknown

    @classmethod
    def from_upload(cls, *, options: dict, **upload) -> "EnterpriseFileImport":
        return cls(ignore_unknown=bool(options.get("ignore_unknown")), **upload)

    def options(self) -> dict:
        return {"ignore_unknown": self.ignore_unknown}

    def open(self) -> None:
        table = open_table(self.stream, (*ENTERPRISE_COLUMNS, PROGRAM_COLUMN), ignore_unknown=self.ignore_unknown)
        self.rows = _file_rows(table)


class EnterpriseRowsImport(_EnterpriseImport):
    """Rows given as values (the API's writes): cleaned and checked by the same cell rules as a file's."""

    def __init__(self, *, rows: list[EnterpriseRow], **kwargs) -> None:
        super().__init__(rules=row_rules(), stage=_MemoryStage(), **kwargs)
        self.given = rows

    def open(self) -> None:
        self.rows = rows_cleaned(self.given)


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
    return EnterpriseFileImport(
        stream=stream,
        file_name=file_name,
        dry_run=dry_run,
        ignore_unknown=ignore_unknown,
        user=user,
        via=via,
        on_change=on_change,
    ).run()


def _rows_fingerprint(rows: list[EnterpriseRow]) -> bytes:
    """What the record hashes for rows given as values: the rows themselves, as JSON."""
    return json.dumps([asdict(row) for row in rows], ensure_ascii=False, default=str).encode("utf-8")


def enterprise_rows_apply(
    rows: Iterable[EnterpriseRow], *, user, via: str = "api", label: str = "", dry_run: bool = False
) -> DetailedImportOutcome:
    """Create or update enterprises and their designations from rows given as values (the API's writes).

    The same service as a file's import, without a file: the rows are cleaned and checked by the same cell
    rules (same problems, same messages; ``FileRejected``), recorded (an ImportRecord ``via`` with the
    user, history rows naming it), planned and written, and the indicators refreshed, exactly as an import
    or admin upload does. An empty optional value keeps the stored one. ``DesignationWriteRefused`` (a
    ``FileRejected``) when a row would create or change a designation that ``user`` may not.
    """
    rows = list(rows)
    if not rows:
        raise ValueError("enterprise_rows_apply needs at least one row")
    return EnterpriseRowsImport(
        rows=rows,
        stream=io.BytesIO(_rows_fingerprint(rows)),
        file_name=(label or f"{via}:{rows[0].credit_code}")[:255],
        dry_run=dry_run,
        user=user,
        via=via,
    ).run()
