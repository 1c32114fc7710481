"""Writes of the enterprises app: importing enterprise files and official MIIT batch lists.

Both imports follow the same shape (NetBox's bulk import, HackSoft's services):

1. ``recorded_import`` opens the audit record, outside any data transaction, so a rejected file keeps its
   record and error report.
2. Every row is parsed and validated first; all problems are collected (row, column, value, reason) and
   any problem rejects the whole file (``FileRejected``) before a single row is written.
3. A *plan* is computed against the database with a handful of set-based queries (never one per row):
   which enterprises and designations to create, update or leave unchanged, and which fields change.
   A dry run stops here and reports the plan.
4. The plan is applied inside one ``transaction.atomic()``: set-based INSERT/UPDATE (COPY on
   PostgreSQL) plus one simple-history row per created or changed object, with the same columns
   simple-history's ``bulk_create_with_history``/``bulk_update_with_history`` write (tracked values,
   importing user, change reason naming the ImportRecord), so the change history stays complete.
   Those helpers go through ``bulk_create``/``bulk_update``, which took 15-30 s for 15,000 rows;
   see ``_insert_returning_pks``, ``_update_rows`` and ``_write_history``. ``enterprises_changed`` is
   sent inside the transaction with the ids that were touched.

Decisions a user of the import must know (also in the admin import page):

- **An empty optional cell keeps the stored value.** The spec says "empty cell = unknown", and an unknown
  value must not overwrite a known one: nothing a user entered in the portal is ever silently lost by
  importing a file that lacks the column or the value. Re-importing an export gives the same data
  because the export writes every known value. Clearing a value is done in the admin, where the change
  history records who cleared it. ``former_names`` in a file are *added* to the stored ones, never
  removed. The importer never deletes enterprises or designations.
- A new designation without ``designation_status`` is ``confirmed`` (the spec's default); an existing
  one keeps its stored status when the cell is empty, so an old file cannot silently un-revoke a firm.
- A rename (the normalised name differs) moves the old name into ``former_names``.
- A row whose credit code is unknown but whose name (or one of its former names) matches an
  *incomplete* enterprise (no credit code, created from an official list) completes that enterprise
  instead of creating a duplicate; two rows claiming the same incomplete enterprise reject the file.
- Official lists never change an enterprise's own data except to give an incomplete one the list's
  credit code; they create or update the designation of the batch. Where the list gives no city, the
  city is inferred when the name starts with a city name of that province (``沈阳美行科技股份有限公司``
  → 沈阳市, ``安徽省六安恒源机械有限公司`` → 六安市); otherwise the city stays empty for an official
  to fill in.
"""

import datetime
import functools
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from regions.choices import CityKind
from regions.selectors import RegionNotFound, RegionResolver, ResolvedRegion
from utilities.tabular import (
    Column,
    ErrorReport,
    FileRejected,
    choice_parser,
    open_table,
    parse_bool,
    parse_date,
    parse_list,
    parse_non_negative_int,
)

from .choices import DesignationStatus, IndustryField, ListingBoard, Program
from .credit_codes import credit_code_problem
from .import_records import ImportOutcome, file_fingerprint, import_record_reject, recorded_import
from .models import Designation, Enterprise, ImportRecord
from .names import normalize_name
from .signals import enterprises_changed

NAME_MAX_LENGTH = 200
STOCK_CODE_MAX_LENGTH = 16
# PositiveIntegerField's range on every backend we run on.
EMPLOYEES_MAX = 2_147_483_647
# MIIT had announced seven batches by 2025; a two-digit ceiling accepts every realistic later batch
# while still catching a typo such as "33" for "3".
BATCH_MAX = 99
_BULK_BATCH_SIZE = 500

ENTERPRISE_COLUMNS = (
    Column("credit_code", "统一社会信用代码", required=True),
    Column("name", "企业名称", required=True),
    Column("former_names", "曾用名"),
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

# The official MIIT shape `序号, 省份, 企业名称[, 统一社会信用代码]`, plus two optional columns a list
# sometimes carries: 城市 and 批次 (a file spanning several batches).
DESIGNATION_LIST_COLUMNS = (
    Column("sequence", "序号"),
    Column("province", "省份", required=True),
    Column("name", "企业名称", required=True),
    Column("credit_code", "统一社会信用代码"),
    Column("city", "城市"),
    Column("batch", "批次"),
)

# The research sample of real MIIT rows (tests/data/little_giants_key_support_sample.csv) carries the
# official columns under other names next to columns derived from them. Its `province`/`city` columns
# are a later join, not what MIIT printed, so the adapter takes the printed region (`source_region`,
# which holds 厦门市 / 大连市 for the 计划单列市 exactly as the official table does).
_RESEARCH_SAMPLE_COLUMNS = {
    "source_sequence": "序号",
    "source_region": "省份",
    "enterprise_name": "企业名称",
    "designation_batch": "批次",
}
_RESEARCH_SAMPLE_DERIVED = {
    "province",
    "province_code",
    "city",
    "city_code",
    "designation_batch_cn",
    "source_list_key",
    "source_list_title",
    "source_pdf_url",
}

# Fields of Enterprise an enterprise file sets, in the order the preview lists changes.
_ENTERPRISE_FIELDS = (
    "credit_code",
    "name",
    "former_names",
    "province_id",
    "city_id",
    "industry_field",
    "employees",
    "listing_board",
    "stock_code",
    "primary_financing",
    "founded_on",
)
_STOCK_CODE = re.compile(r"^[0-9A-Z]{1,10}(\.[A-Z]{1,4})?$")


# --- outcome --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowChange:
    """What an import does (or would do) with one row: shown in the admin preview."""

    row: int
    action: str  # "create" | "update" | "unchanged"
    credit_code: str
    name: str
    changes: tuple[str, ...] = ()


@dataclass
class DetailedImportOutcome(ImportOutcome):
    """The counts and record of ``ImportOutcome`` plus the per-row plan, for previews."""

    changes: list[RowChange] = field(default_factory=list)


def _counts() -> dict[str, int]:
    return {
        "enterprises_created": 0,
        "enterprises_updated": 0,
        "enterprises_unchanged": 0,
        "enterprises_completed": 0,
        "designations_created": 0,
        "designations_updated": 0,
        "designations_unchanged": 0,
    }


# --- cell parsers specific to these files -----------------------------------------------------------

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
        raise ValueError("批次不能为空 (batch is required)")
    inner = text.removeprefix("第").removesuffix("批").strip()
    number = int(inner) if inner.isdigit() else _chinese_number(inner)
    if number is None or not 1 <= number <= BATCH_MAX:
        raise ValueError(
            f"批次应为 1..{BATCH_MAX} 或 第一批、第二批…… (batch must be 1..{BATCH_MAX} or 第一批, 第二批, ...)"
        )
    return number


def _parse_credit_code(value: str) -> str:
    code = value.upper()
    if not code:
        raise ValueError("统一社会信用代码不能为空 (credit code is required)")
    problem = credit_code_problem(code)
    if problem:
        raise ValueError(f"统一社会信用代码无效：{problem}")
    return code


def _parse_name(value: str) -> str:
    if not value:
        raise ValueError("企业名称不能为空 (name is required)")
    if len(value) > NAME_MAX_LENGTH:
        raise ValueError(f"企业名称超过{NAME_MAX_LENGTH}字（{len(value)}字） (name longer than {NAME_MAX_LENGTH})")
    return value


def _parse_former_names(value: str) -> list[str]:
    names = [name for name in parse_list(value) if name]
    for name in names:
        if len(name) > NAME_MAX_LENGTH:
            raise ValueError(f"曾用名 “{name[:20]}…” 超过{NAME_MAX_LENGTH}字 (former name too long)")
    return names


def _parse_employees(value: str) -> int | None:
    number = parse_non_negative_int(value)
    if number is not None and number > EMPLOYEES_MAX:
        raise ValueError(f"参保人数过大（最大 {EMPLOYEES_MAX}） (too large)")
    return number


def _parse_stock_code(value: str) -> str:
    code = value.upper()
    if code and (len(code) > STOCK_CODE_MAX_LENGTH or not _STOCK_CODE.match(code)):
        raise ValueError("股票代码应形如 688001 或 688001.SH (stock code must look like 688001 or 688001.SH)")
    return code


@functools.lru_cache(maxsize=4096)
def _parse_past_date(value: str) -> datetime.date | None:
    # Cached: a file repeats the same few thousand dates (a ValueError is not cached, so each bad row
    # is still reported).
    date = parse_date(value)
    if date is not None and date > timezone.localdate():
        raise ValueError("日期不能晚于今天 (date is in the future)")
    return date


def _chunks(values: Iterable, size: int | None = None) -> Iterator[list]:
    """Split ``values`` for ``__in`` lookups: SQLite accepts at most 999 parameters per query."""
    size = size or (900 if connection.vendor == "sqlite" else 10_000)
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _RegionCache:
    """Resolves each distinct (province, city) pair of a file once: 15,000 rows name a few hundred places."""

    def __init__(self, resolver: RegionResolver) -> None:
        self.resolver = resolver
        self._seen: dict[tuple[str, str], tuple[ResolvedRegion | None, str, str]] = {}

    def resolve(self, report: ErrorReport, row: int, province: str, city: str) -> ResolvedRegion | None:
        """Province and city, reporting against the column that is wrong; None on error."""
        key = (province, city)
        if key not in self._seen:
            self._seen[key] = self._resolve(province, city)
        region, column, problem = self._seen[key]
        if problem:
            report.add(row, column, province if column == "province" else city, problem)
        return region

    def _resolve(self, province: str, city: str) -> tuple[ResolvedRegion | None, str, str]:
        try:
            region = self.resolver.province(province)
        except RegionNotFound as exc:
            return None, "province", str(exc)
        if not city:
            return region, "", ""
        try:
            return self.resolver.resolve(province, city), "", ""
        except RegionNotFound as exc:
            return None, "city", str(exc)


def _report_duplicates(report: ErrorReport, column: str, rows_by_key: dict[str, list[int]], values: dict) -> None:
    for key, rows in rows_by_key.items():
        if len(rows) < 2:
            continue
        listed = "、".join(str(row) for row in rows)
        for row in rows:
            report.add(
                row, column, values[key], f"在文件中重复出现（第{listed}行） (duplicate in the file: rows {listed})"
            )


def _update_rows(model, objs: list, field_names: Iterable[str]) -> None:
    """UPDATE the given fields of ``objs`` set-based; history rows are written by ``_write_history``.

    ``QuerySet.bulk_update`` builds a CASE WHEN per field and row: updating 15,000 enterprises took
    half a minute on SQLite. SQLite runs one prepared statement over all rows (executemany stays
    inside the sqlite3 module); PostgreSQL COPYs the new values into a temporary table and updates
    from it in one statement (a statement per row costs a round trip each).
    """
    fields = [model._meta.get_field(name.removesuffix("_id")) for name in field_names]
    pk = model._meta.pk
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    params = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk] for obj in objs]
    with _bulk_cursor() as cursor:
        if connection.vendor == "postgresql":
            temporary = quote(f"import_{model._meta.db_table}")
            columns = [quote(f.column) for f in fields] + [quote(pk.column)]
            cursor.execute(
                f"CREATE TEMPORARY TABLE {temporary} AS SELECT {', '.join(columns)} FROM {table} WITH NO DATA"
            )
            _copy(cursor, temporary, columns, params)
            assignments = ", ".join(f"{column} = {temporary}.{column}" for column in columns[:-1])
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM {temporary} "
                f"WHERE {table}.{columns[-1]} = {temporary}.{columns[-1]}"
            )
            cursor.execute(f"DROP TABLE {temporary}")
            return
        assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        sql = f"UPDATE {table} SET {assignments} WHERE {quote(pk.column)} = %s"
        for chunk in _chunks(params, 5_000):
            cursor.executemany(sql, chunk)


def _copy(cursor, table: str, columns: list[str], rows: Iterable[list]) -> None:
    """PostgreSQL COPY: psycopg formats the rows in C (Django's client-side binding quotes in Python)."""
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


@contextmanager
def _bulk_cursor():
    """The psycopg cursor of the current transaction on PostgreSQL (for COPY); Django's cursor otherwise."""
    with connection.cursor() as cursor:
        yield cursor.cursor if connection.vendor == "postgresql" else cursor


def _reserve_pks(cursor, model, count: int) -> list[int]:
    """``count`` new primary keys of ``model``'s table, never used before, safe against concurrent writers.

    PostgreSQL draws them from the identity sequence. SQLite (AUTOINCREMENT) takes the write lock first,
    then continues after the highest key ever issued (``sqlite_sequence``), so a deleted enterprise's
    key, which its history rows still carry, is never reused.
    """
    table, pk = model._meta.db_table, model._meta.pk.column
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, count])
        return [key for (key,) in cursor.fetchall()]
    # A write statement (matching no row) makes this transaction the only writer until it commits.
    cursor.execute(f"UPDATE {quote(table)} SET {quote(pk)} = {quote(pk)} WHERE 0 = 1")
    cursor.execute(
        f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
        f"COALESCE((SELECT MAX({quote(pk)}) FROM {quote(table)}), 0))",
        [table],
    )
    start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def _db_values(fields) -> Callable[[Callable[[str], object]], list]:
    """A function turning ``get(attname)`` into the row's column values, preparing only what needs it.

    ``Field.get_db_prep_save`` per value was a third of a large import; strings, integers, booleans and
    NULL go to both drivers unchanged, so only dates, timestamps and JSON are prepared by their field.
    """
    passthrough = {"CharField", "IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "BooleanField"}
    passthrough |= {"BigIntegerField", "AutoField", "BigAutoField", "ForeignKey"}
    plans = [
        (model_field.attname, model_field.get_internal_type() in passthrough, model_field) for model_field in fields
    ]

    def values(get: Callable[[str], object]) -> list:
        row = []
        for attname, plain, model_field in plans:
            value = get(attname)
            row.append(value if plain or value is None else model_field.get_db_prep_save(value, connection))
        return row

    return values


def _insert_returning_pks(model, objs: list) -> None:
    """INSERT new objects with freshly reserved primary keys and set them: designations and history need them.

    ``bulk_create`` spent most of a 15,000-row import compiling SQL (and SQLite caps it at 999 parameters,
    about 60 rows per statement); here the rows are COPYed (PostgreSQL) or inserted by one prepared
    statement run over all rows (SQLite).
    """
    pk = model._meta.pk
    fields = [pk] + [field for field in model._meta.concrete_fields if not field.primary_key]
    with _bulk_cursor() as cursor:
        for obj, key in zip(objs, _reserve_pks(cursor, model, len(objs)), strict=True):
            obj.pk = key
            obj._state.adding = False
            obj._state.db = connection.alias
    values = _db_values(fields)
    _execute_many(model, fields, [values(functools.partial(getattr, obj)) for obj in objs])


def _write_history(model, objs: list, *, history_type: str, user, reason: str) -> None:
    """One history row per object, as simple-history's ``bulk_history_create`` builds it, inserted fast.

    Same columns and values as ``bulk_create_with_history``/``bulk_update_with_history`` write (tracked
    fields, date, user, change reason, type ``+``/``~``), inserted by ``_execute_many`` (COPY or one
    prepared statement): Django's ``bulk_create`` spent most of a 15,000-row import compiling these rows
    (SQLite also caps it at 999 parameters, about 60 rows per statement). A history column we do not
    know raises KeyError instead of being left empty, so a new column cannot silently go missing.
    """
    if not objs or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history_model = model.history.model
    tracked = [field.attname for field in history_model.tracked_fields]
    common = {
        "history_date": timezone.now(),
        "history_user_id": getattr(user, "pk", None),
        "history_change_reason": reason,
        "history_type": history_type,
    }
    fields = [field for field in history_model._meta.concrete_fields if field.attname != "history_id"]
    values = _db_values(fields)
    rows = []
    for obj in objs:
        row = {**common, **{attname: getattr(obj, attname) for attname in tracked}}
        rows.append(values(row.__getitem__))
    _execute_many(history_model, fields, rows)


def _execute_many(model, fields, rows: list[list]) -> None:
    """INSERT rows without returning keys: COPY on PostgreSQL, one prepared statement (executemany) on SQLite."""
    quote = connection.ops.quote_name
    columns = [quote(field.column) for field in fields]
    table = quote(model._meta.db_table)
    with _bulk_cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor, table, columns, rows)
            return
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        for chunk in _chunks(rows, 5_000):
            cursor.executemany(sql, chunk)


def _save_enterprises(
    *, created: list[Enterprise], updated: list[Enterprise], fields: set[str], user, reason: str
) -> None:
    """Bulk writes plus their history rows naming the user; ``name_normalized`` is what ``save()`` sets."""
    now = timezone.now()
    for enterprise in (*created, *updated):
        enterprise.name_normalized = normalize_name(enterprise.name)
        enterprise.updated_at = now
    for enterprise in created:
        enterprise.created_at = now
    if created:
        # The new primary keys are set on the objects: designations and history rows need them.
        _insert_returning_pks(Enterprise, created)
        _write_history(Enterprise, created, history_type="+", user=user, reason=reason)
    if updated:
        _update_rows(Enterprise, updated, sorted(fields | {"name_normalized", "updated_at"}))
        _write_history(Enterprise, updated, history_type="~", user=user, reason=reason)


def _save_designations(
    *, created: list[Designation], updated: list[Designation], fields: set[str], user, reason: str
) -> None:
    now = timezone.now()
    for designation in updated:
        designation.updated_at = now
    for designation in created:
        designation.created_at = designation.updated_at = now
        # The enterprise may have been created in this import: take its fresh primary key.
        designation.enterprise_id = designation.enterprise.pk
    if created:
        _insert_returning_pks(Designation, created)
        _write_history(Designation, created, history_type="+", user=user, reason=reason)
    if updated:
        _update_rows(Designation, updated, sorted(fields | {"updated_at"}))
        _write_history(Designation, updated, history_type="~", user=user, reason=reason)


def _notify(enterprise_ids: set[int]) -> None:
    if enterprise_ids:
        enterprises_changed.send(sender=Enterprise, enterprise_ids=frozenset(enterprise_ids))


def _designations_of(enterprise_ids: Iterable[int]) -> dict[tuple[int, int], Designation]:
    found = {}
    for chunk in _chunks(enterprise_ids):
        designations = Designation.objects.filter(program=Program.LITTLE_GIANT, enterprise_id__in=chunk)
        # Timestamps are set on write, never compared: not parsing 15,000 datetimes saves a second.
        for designation in designations.defer("created_at", "updated_at"):
            found[(designation.enterprise_id, designation.batch)] = designation
    return found


def _plan_designation(
    *,
    plan: "_Plan",
    enterprise: Enterprise,
    existing: Designation | None,
    batch: int,
    status: str,
    designated_on: datetime.date | None,
) -> tuple[str, ...]:
    """Create the designation or update the fields the file gives; returns the changed field labels."""
    if existing is None:
        plan.new_designations.append(
            Designation(
                enterprise=enterprise,
                program=Program.LITTLE_GIANT,
                batch=batch,
                status=status or DesignationStatus.CONFIRMED,
                designated_on=designated_on,
            )
        )
        plan.counts["designations_created"] += 1
        return (f"新增第{batch}批认定",)
    changes = []
    if status and existing.status != status:
        changes.append(f"认定状态 {existing.get_status_display()} → {DesignationStatus(status).label}")
        existing.status = status
        plan.designation_fields.add("status")
    if designated_on and existing.designated_on != designated_on:
        changes.append(f"认定日期 {existing.designated_on or '—'} → {designated_on}")
        existing.designated_on = designated_on
        plan.designation_fields.add("designated_on")
    if changes:
        plan.changed_designations.append(existing)
        plan.counts["designations_updated"] += 1
    else:
        plan.counts["designations_unchanged"] += 1
    return tuple(changes)


@dataclass
class _Plan:
    counts: dict[str, int] = field(default_factory=_counts)
    changes: list[RowChange] = field(default_factory=list)
    new_enterprises: list[Enterprise] = field(default_factory=list)
    changed_enterprises: list[Enterprise] = field(default_factory=list)
    enterprise_fields: set[str] = field(default_factory=set)
    new_designations: list[Designation] = field(default_factory=list)
    changed_designations: list[Designation] = field(default_factory=list)
    designation_fields: set[str] = field(default_factory=set)

    def apply(self, *, user, record: ImportRecord) -> None:
        # The history's change reason points at the import record, so "where did this value come from?"
        # is answered from an enterprise's history page.
        reason = f"导入 {record.file_name} (ImportRecord #{record.pk})"[:100]
        _save_enterprises(
            created=self.new_enterprises,
            updated=self.changed_enterprises,
            fields=self.enterprise_fields,
            user=user,
            reason=reason,
        )
        _save_designations(
            created=self.new_designations,
            updated=self.changed_designations,
            fields=self.designation_fields,
            user=user,
            reason=reason,
        )
        touched = {enterprise.pk for enterprise in (*self.new_enterprises, *self.changed_enterprises)}
        touched |= {designation.enterprise_id for designation in (*self.new_designations, *self.changed_designations)}
        _notify(touched)

    def record(self, row: int, credit_code: str | None, name: str, enterprise_changes, designation_changes) -> None:
        changes = (*enterprise_changes, *designation_changes)
        if not changes:
            action = "unchanged"
        elif enterprise_changes and enterprise_changes[0] == _CREATED:
            action = "create"
            changes = changes[1:]
        else:
            action = "update"
        self.changes.append(RowChange(row, action, credit_code or "", name, tuple(changes)))


_CREATED = "__created__"


def _outcome(recorded: ImportOutcome, plan: _Plan) -> DetailedImportOutcome:
    return DetailedImportOutcome(
        counts=recorded.counts, record=recorded.record, warnings=recorded.warnings, changes=plan.changes
    )


# --- enterprises.csv ---------------------------------------------------------------------------------


@dataclass
class _EnterpriseRow:
    row: int
    credit_code: str
    name: str
    former_names: list[str]
    province_id: str
    city_id: str | None
    industry_field: str
    employees: int | None
    listing_board: str
    stock_code: str
    primary_financing: bool | None
    founded_on: datetime.date | None
    batch: int
    designation_status: str
    designated_on: datetime.date | None


def _enterprise_parsers() -> dict:
    return {
        "credit_code": _parse_credit_code,
        "name": _parse_name,
        "former_names": _parse_former_names,
        "industry_field": choice_parser(IndustryField),
        "employees": _parse_employees,
        "listing_board": choice_parser(ListingBoard),
        "stock_code": _parse_stock_code,
        "primary_financing": parse_bool,
        "founded_on": _parse_past_date,
        "batch": parse_batch,
        "designation_status": choice_parser(DesignationStatus),
        "designated_on": _parse_past_date,
    }


def _parse_enterprise_rows(table, resolver: RegionResolver, report: ErrorReport) -> list[_EnterpriseRow]:
    parsed: list[_EnterpriseRow] = []
    rows_by_code: dict[str, list[int]] = defaultdict(list)
    parsers = _enterprise_parsers()
    regions = _RegionCache(resolver)
    for number, cells in table.rows():
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
            report.add(
                number,
                "city",
                city,
                "城市不能为空（省份列为直辖市或计划单列市时可省略） (city is required unless implied by the province)",
            )
            region = None
        if ok and values["former_names"] and values["name"]:
            own = normalize_name(values["name"])
            if any(normalize_name(former) == own for former in values["former_names"]):
                report.add(
                    number,
                    "former_names",
                    cells.get("former_names"),
                    "曾用名不能与现名相同 (a former name equals the name)",
                )
                ok = False
        if values.get("credit_code"):
            rows_by_code[values["credit_code"]].append(number)
        if not ok or region is None:
            continue
        parsed.append(
            _EnterpriseRow(
                row=number,
                province_id=region.province_code,
                city_id=region.city_code,
                **values,  # type: ignore[arg-type]
            )
        )
    _report_duplicates(report, "credit_code", rows_by_code, {code: code for code in rows_by_code})
    return parsed


def _merge_former_names(stored: list[str], additions: Iterable[str], current_name: str) -> list[str]:
    """Stored former names first, then new ones; none equal (normalised) to the current name or each other."""
    merged: list[str] = []
    seen = {normalize_name(current_name)}
    for name in (*stored, *additions):
        key = normalize_name(name)
        if key not in seen:
            seen.add(key)
            merged.append(name)
    return merged


def _enterprise_diff(enterprise: Enterprise, row: _EnterpriseRow, resolver: RegionResolver) -> list[tuple[str, str]]:
    """Apply ``row`` to ``enterprise`` in memory; return (field, human-readable change) for every change.

    Empty optional cells keep the stored value (see the module docstring).
    """
    changes: list[tuple[str, str]] = []

    def put(field_name: str, value, label: str, shown_old=None, shown_new=None) -> None:
        old = getattr(enterprise, field_name)
        if old != value:
            setattr(enterprise, field_name, value)
            before = old if shown_old is None else shown_old
            after = value if shown_new is None else shown_new
            changes.append((field_name, f"{label} {before if before not in (None, '') else '—'} → {after}"))

    if enterprise.credit_code != row.credit_code:
        put("credit_code", row.credit_code, "统一社会信用代码")
    stored_former = list(enterprise.former_names or [])
    if enterprise.name != row.name:
        if normalize_name(enterprise.name) != normalize_name(row.name):
            stored_former.append(enterprise.name)
        put("name", row.name, "企业名称")
    former = _merge_former_names(stored_former, row.former_names, row.name)
    if former != list(enterprise.former_names or []):
        put("former_names", former, "曾用名", "；".join(enterprise.former_names or []), "；".join(former))
    put(
        "province_id",
        row.province_id,
        "省份",
        resolver.provinces[enterprise.province_id].name if enterprise.province_id else None,
        resolver.provinces[row.province_id].name,
    )
    put(
        "city_id",
        row.city_id,
        "城市",
        resolver.cities[enterprise.city_id].name if enterprise.city_id else None,
        resolver.cities[row.city_id].name if row.city_id else None,
    )
    if row.industry_field:
        put("industry_field", row.industry_field, "产业领域")
    if row.employees is not None:
        put("employees", row.employees, "参保人数")
    if row.listing_board:
        put("listing_board", row.listing_board, "上市板块")
    if row.stock_code:
        put("stock_code", row.stock_code, "股票代码")
    if row.primary_financing is not None:
        put("primary_financing", row.primary_financing, "一级市场融资")
    if row.founded_on is not None:
        put("founded_on", row.founded_on, "成立日期")
    return changes


def _plan_enterprise_import(rows: list[_EnterpriseRow], resolver: RegionResolver, report: ErrorReport) -> _Plan:
    plan = _Plan()
    by_code: dict[str, Enterprise] = {}
    for chunk in _chunks({row.credit_code for row in rows}):
        for enterprise in Enterprise.objects.filter(credit_code__in=chunk).defer("created_at", "updated_at"):
            by_code[enterprise.credit_code] = enterprise

    # Incomplete enterprises (from official lists) that a row may complete, by normalised name.
    wanted_names: dict[str, list[_EnterpriseRow]] = defaultdict(list)
    for row in rows:
        if row.credit_code not in by_code:
            for name in {normalize_name(n) for n in (row.name, *row.former_names)}:
                wanted_names[name].append(row)
    incomplete: dict[str, list[Enterprise]] = defaultdict(list)
    for chunk in _chunks(wanted_names):
        for enterprise in Enterprise.objects.filter(credit_code__isnull=True, name_normalized__in=chunk).order_by("pk"):
            incomplete[enterprise.name_normalized].append(enterprise)

    completes: dict[int, Enterprise] = {}
    claimed_by: dict[int, int] = {}
    for row in rows:
        if row.credit_code in by_code:
            continue
        candidates = {
            e.pk: e
            for name in {normalize_name(n) for n in (row.name, *row.former_names)}
            for e in incomplete.get(name, ())
        }
        if not candidates:
            continue
        # The same firm listed twice in different provinces is unlikely; prefer the row's province.
        in_province = [e for e in candidates.values() if e.province_id == row.province_id]
        enterprise = (in_province or list(candidates.values()))[0]
        if enterprise.pk in claimed_by:
            report.add(
                row.row,
                "name",
                row.name,
                f"与第{claimed_by[enterprise.pk]}行匹配到同一家待补全企业 “{enterprise.name}” "
                f"(two rows match the same incomplete enterprise)",
            )
            continue
        claimed_by[enterprise.pk] = row.row
        completes[row.row] = enterprise
    if report:
        return plan

    existing_ids = [e.pk for e in by_code.values()] + [e.pk for e in completes.values()]
    designations = _designations_of(existing_ids)
    for row in rows:
        enterprise = by_code.get(row.credit_code) or completes.get(row.row)
        if enterprise is None:
            enterprise = Enterprise(
                credit_code=row.credit_code,
                name=row.name,
                former_names=_merge_former_names([], row.former_names, row.name),
                province_id=row.province_id,
                city_id=row.city_id,
                industry_field=row.industry_field,
                employees=row.employees,
                listing_board=row.listing_board,
                stock_code=row.stock_code,
                primary_financing=row.primary_financing,
                founded_on=row.founded_on,
            )
            plan.new_enterprises.append(enterprise)
            plan.counts["enterprises_created"] += 1
            enterprise_changes: tuple[str, ...] = (_CREATED,)
            existing_designation = None
        else:
            diff = _enterprise_diff(enterprise, row, resolver)
            if diff:
                plan.changed_enterprises.append(enterprise)
                plan.enterprise_fields.update(name for name, _ in diff)
                plan.counts["enterprises_updated"] += 1
                if row.row in completes:
                    plan.counts["enterprises_completed"] += 1
            else:
                plan.counts["enterprises_unchanged"] += 1
            enterprise_changes = tuple(text for _, text in diff)
            existing_designation = designations.get((enterprise.pk, row.batch))
        designation_changes = _plan_designation(
            plan=plan,
            enterprise=enterprise,
            existing=existing_designation,
            batch=row.batch,
            status=row.designation_status,
            designated_on=row.designated_on,
        )
        plan.record(row.row, row.credit_code, row.name, enterprise_changes, designation_changes)
    return plan


def enterprise_import(
    *,
    stream: IO[bytes],
    file_name: str,
    dry_run: bool = False,
    ignore_unknown: bool = False,
    user=None,
    via: str = "command",
) -> DetailedImportOutcome:
    """Import an enterprises.csv/.xlsx file: all rows or none, idempotent upsert by credit code.

    Raises ``FileRejected`` (with the full error report) when any row is invalid; nothing is written
    then, but the ImportRecord keeps the errors. A dry run computes exactly what would change and
    writes no data row.
    """
    with recorded_import(
        kind=ImportRecord.Kind.ENTERPRISES,
        stream=stream,
        file_name=file_name,
        dry_run=dry_run,
        user=user,
        via=via,
        options={"ignore_unknown": ignore_unknown},
    ) as recorded:
        report = ErrorReport()
        table = open_table(stream, ENTERPRISE_COLUMNS, ignore_unknown=ignore_unknown)
        resolver = RegionResolver()
        rows = _parse_enterprise_rows(table, resolver, report)
        if report:
            raise FileRejected(report)
        with transaction.atomic():
            plan = _plan_enterprise_import(rows, resolver, report)
            if report:
                raise FileRejected(report)
            if not dry_run:
                plan.apply(user=user, record=recorded.record)
        recorded.counts = plan.counts
    return _outcome(recorded, plan)


# --- official MIIT batch lists -----------------------------------------------------------------------


@dataclass
class _ListRow:
    row: int
    name: str
    credit_code: str | None
    province_id: str
    city_id: str | None
    batch: int


class CityGuesser:
    """Infers a city from an enterprise name that starts with a city of the province (沈阳美行… → 沈阳市).

    Only prefecture-level cities count (not the 省直辖县级 groups), the longest name wins, and a leading
    province name is skipped first (安徽省六安… → 六安市). A bare short name equal to the province's own
    short name (吉林…) is ambiguous and gives no city.
    """

    def __init__(self, resolver: RegionResolver) -> None:
        self._prefixes: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self._province_prefixes: dict[str, tuple[str, ...]] = {}
        for code, province in resolver.provinces.items():
            self._province_prefixes[code] = (province.name, province.short_name)
        for city in resolver.cities.values():
            if city.kind != CityKind.CITY or city.is_municipality:
                continue
            province = resolver.provinces[city.province_id]
            for text in {city.name, city.short_name}:
                if len(text) >= 2 and text != province.short_name:
                    self._prefixes[city.province_id].append((text, city.code))
        for prefixes in self._prefixes.values():
            prefixes.sort(key=lambda item: -len(item[0]))

    def guess(self, province_code: str, name: str) -> str | None:
        candidates = [name]
        for prefix in self._province_prefixes.get(province_code, ()):
            if name.startswith(prefix):
                candidates.append(name[len(prefix) :])
        for text in candidates:
            for prefix, code in self._prefixes.get(province_code, ()):
                if text.startswith(prefix):
                    return code
        return None


_IGNORED = "__ignored__:"


def _research_sample_adapter(stream: IO[bytes]) -> tuple[IO[bytes], bool]:
    """The research sample's header renamed to the official shape; any other file is returned as is.

    Only the header row changes, so row numbers in error reports still match the original file. The
    sample's derived columns are marked as deliberately ignored; any other column stays unknown.
    """
    stream.seek(0)
    first_line = stream.readline().decode("utf-8-sig", errors="replace").strip()
    names = [name.strip() for name in first_line.split(",")]
    if not set(_RESEARCH_SAMPLE_COLUMNS) <= set(names):
        stream.seek(0)
        return stream, False
    renamed = [
        _RESEARCH_SAMPLE_COLUMNS.get(name, f"{_IGNORED}{name}" if name in _RESEARCH_SAMPLE_DERIVED else name)
        for name in names
    ]
    adapted = io.BytesIO(",".join(renamed).encode("utf-8") + b"\n" + stream.read())
    stream.seek(0)
    return adapted, True


def _open_designation_list(stream: IO[bytes]):
    source, adapted = _research_sample_adapter(stream)
    table = open_table(source, DESIGNATION_LIST_COLUMNS, ignore_unknown=adapted)
    if adapted:
        unknown = [name for name in table.unknown if not name.startswith(_IGNORED)]
        if unknown:
            report = ErrorReport()
            for name in unknown:
                report.add(1, name, name, "未知列 (unknown column)")
            raise FileRejected(report)
    return table


def _parse_list_rows(
    table, resolver: RegionResolver, guesser: CityGuesser, batch: int | None, report: ErrorReport
) -> list[_ListRow]:
    parsed: list[_ListRow] = []
    rows_by_code: dict[str, list[int]] = defaultdict(list)
    rows_by_name: dict[str, list[int]] = defaultdict(list)
    names: dict[str, str] = {}
    codes: dict[str, str] = {}
    has_batch_column = "batch" in table.keys
    regions = _RegionCache(resolver)
    if batch is None and not has_batch_column:
        report.add(1, "batch", "", "缺少批次：请指定 --batch N 或在文件中提供“批次”列 (batch is required)")
        return parsed
    for number, cells in table.rows():
        ok = True
        sequence = cells.get("sequence", "")
        if sequence and not sequence.isdigit():
            report.add(number, "sequence", sequence, "序号应为正整数 (sequence must be a positive integer)")
            ok = False
        try:
            name = _parse_name(cells.get("name", ""))
        except ValueError as exc:
            report.add(number, "name", cells.get("name", ""), str(exc))
            name, ok = "", False
        credit_code = None
        if cells.get("credit_code"):
            try:
                credit_code = _parse_credit_code(cells["credit_code"])
            except ValueError as exc:
                report.add(number, "credit_code", cells["credit_code"], str(exc))
                ok = False
        row_batch = batch
        if has_batch_column and cells.get("batch"):
            try:
                row_batch = parse_batch(cells["batch"])
            except ValueError as exc:
                report.add(number, "batch", cells["batch"], str(exc))
                ok = False
            else:
                if batch is not None and row_batch != batch:
                    report.add(
                        number,
                        "batch",
                        cells["batch"],
                        f"与指定的第{batch}批不一致 (contradicts --batch {batch})",
                    )
                    ok = False
        elif row_batch is None:
            report.add(number, "batch", "", "批次不能为空 (batch is required)")
            ok = False
        region = regions.resolve(report, number, cells.get("province", ""), cells.get("city", ""))
        if credit_code:
            # A file spanning batches names a firm once per batch it was designated in.
            rows_by_code[f"{row_batch}:{credit_code}"].append(number)
            codes[f"{row_batch}:{credit_code}"] = credit_code
        if name:
            key = normalize_name(name)
            rows_by_name[f"{row_batch}:{key}"].append(number)
            names[f"{row_batch}:{key}"] = name
        if not ok or region is None:
            continue
        city_id = region.city_code or guesser.guess(region.province_code, name)
        parsed.append(_ListRow(number, name, credit_code, region.province_code, city_id, row_batch))  # type: ignore[arg-type]
    _report_duplicates(report, "credit_code", rows_by_code, codes)
    _report_duplicates(report, "name", rows_by_name, names)
    return parsed


def _plan_list_import(rows: list[_ListRow], status: str, report: ErrorReport) -> _Plan:
    plan = _Plan()
    by_code: dict[str, Enterprise] = {}
    for chunk in _chunks({row.credit_code for row in rows if row.credit_code}):
        for enterprise in Enterprise.objects.filter(credit_code__in=chunk):
            by_code[enterprise.credit_code] = enterprise
    by_name: dict[str, dict[int, Enterprise]] = defaultdict(dict)
    for chunk in _chunks({normalize_name(row.name) for row in rows}):
        for enterprise in Enterprise.objects.filter(name_normalized__in=chunk):
            by_name[enterprise.name_normalized][enterprise.pk] = enterprise
    # Former names live in a JSON list; the enterprises that have any are a small minority.
    for enterprise in Enterprise.objects.exclude(former_names=[]).only("pk", "name", "former_names", "province_id"):
        for former in enterprise.former_names or []:
            by_name[normalize_name(former)].setdefault(enterprise.pk, enterprise)

    matched: dict[int, Enterprise] = {}
    matched_by: dict[tuple[int, int], int] = {}
    for row in rows:
        enterprise = by_code.get(row.credit_code) if row.credit_code else None
        if enterprise is None:
            candidates = list(by_name.get(normalize_name(row.name), {}).values())
            if row.credit_code:
                # A code unknown to us may complete an incomplete enterprise of that name, nothing else.
                candidates = [e for e in candidates if e.credit_code is None]
            in_province = [e for e in candidates if e.province_id == row.province_id]
            candidates = in_province or candidates
            if len(candidates) > 1:
                listed = "、".join(e.credit_code or f"待补全#{e.pk}" for e in candidates[:5])
                report.add(
                    row.row,
                    "name",
                    row.name,
                    f"名称匹配到多家企业（{listed}），请补充统一社会信用代码 (ambiguous name)",
                )
                continue
            enterprise = candidates[0] if candidates else None
        if enterprise is not None:
            key = (enterprise.pk, row.batch)
            if key in matched_by:
                report.add(
                    row.row,
                    "name",
                    row.name,
                    f"与第{matched_by[key]}行匹配到同一家企业 “{enterprise.name}” (two rows match the same enterprise)",
                )
                continue
            matched_by[key] = row.row
            matched[row.row] = enterprise
    if report:
        return plan

    designations = _designations_of({e.pk for e in matched.values()})
    changed: dict[int, Enterprise] = {}
    # A file spanning batches names a new firm once per batch: all its rows share one new enterprise.
    created_here: dict[str, Enterprise] = {}
    for row in rows:
        enterprise = matched.get(row.row) or created_here.get(normalize_name(row.name))
        if enterprise is not None and enterprise.pk is None:
            if row.credit_code and not enterprise.credit_code:
                enterprise.credit_code = row.credit_code
            enterprise_changes: tuple[str, ...] = ()
        elif enterprise is None:
            enterprise = Enterprise(
                credit_code=row.credit_code,
                name=row.name,
                former_names=[],
                province_id=row.province_id,
                city_id=row.city_id,
            )
            created_here[normalize_name(row.name)] = enterprise
            plan.new_enterprises.append(enterprise)
            plan.counts["enterprises_created"] += 1
            enterprise_changes = (_CREATED,)
            if not row.credit_code:
                plan.counts["enterprises_incomplete_created"] = plan.counts.get("enterprises_incomplete_created", 0) + 1
        elif row.credit_code and enterprise.credit_code is None:
            enterprise.credit_code = row.credit_code
            changed[enterprise.pk] = enterprise
            plan.enterprise_fields.add("credit_code")
            plan.counts["enterprises_updated"] += 1
            plan.counts["enterprises_completed"] += 1
            enterprise_changes = (f"补全统一社会信用代码 {row.credit_code}",)
        else:
            plan.counts["enterprises_unchanged"] += 1
            enterprise_changes = ()
        designation_changes = _plan_designation(
            plan=plan,
            enterprise=enterprise,
            existing=designations.get((enterprise.pk, row.batch)) if enterprise.pk else None,
            batch=row.batch,
            status=status,
            designated_on=None,
        )
        plan.record(row.row, enterprise.credit_code, row.name, enterprise_changes, designation_changes)
    plan.changed_enterprises = list(changed.values())
    return plan


def designation_list_import(
    *,
    stream: IO[bytes],
    file_name: str,
    batch: int | None,
    dry_run: bool = False,
    status: str = DesignationStatus.CONFIRMED,
    user=None,
    via: str = "command",
) -> DetailedImportOutcome:
    """Import an official MIIT batch list (`序号, 省份, 企业名称[, 统一社会信用代码]`), all rows or none.

    ``batch`` applies to every row; a file with a 批次 column may omit it (each row then names its own
    batch), and when both are given they must agree. Enterprises are matched by credit code, else by
    normalised current or former name (the row's province first); unmatched rows create incomplete
    enterprises. The designation of the batch is created or set to ``status``.
    """
    status = DesignationStatus(status).value
    with recorded_import(
        kind=ImportRecord.Kind.DESIGNATION_LIST,
        stream=stream,
        file_name=file_name,
        dry_run=dry_run,
        user=user,
        via=via,
        options={"batch": batch, "status": status},
    ) as recorded:
        report = ErrorReport()
        table = _open_designation_list(stream)
        resolver = RegionResolver()
        rows = _parse_list_rows(table, resolver, CityGuesser(resolver), batch, report)
        if report:
            raise FileRejected(report)
        with transaction.atomic():
            plan = _plan_list_import(rows, status, report)
            if report:
                raise FileRejected(report)
            if not dry_run:
                plan.apply(user=user, record=recorded.record)
        recorded.counts = plan.counts
    return _outcome(recorded, plan)


def import_counts_lines(counts: dict[str, int], *, dry_run: bool = False) -> list[str]:
    """Human-readable count lines shared by the import commands and the admin messages."""
    prefix = "试运行，未写入 (dry run, nothing written): " if dry_run else ""
    lines = [
        f"{prefix}{label}: 新建 created {counts.get(f'{entity}_created', 0)}, "
        f"更新 updated {counts.get(f'{entity}_updated', 0)}, 未变 unchanged {counts.get(f'{entity}_unchanged', 0)}"
        for entity, label in (("enterprises", "企业 (enterprises)"), ("designations", "认定 (designations)"))
    ]
    extras = {
        "enterprises_completed": "补全信用代码的待补全企业 (incomplete enterprises completed)",
        "enterprises_incomplete_created": "新建待补全企业 (incomplete enterprises created)",
    }
    lines += [f"{prefix}{label}: {counts[key]}" for key, label in extras.items() if counts.get(key)]
    return lines


# --- admin previews: upload → dry run → confirm or cancel --------------------------------------------

IMPORT_STORAGE_DIR = "imports"


def _run_import(*, kind: str, stream: IO[bytes], file_name: str, options: dict, dry_run: bool, user, via: str):
    if kind == ImportRecord.Kind.ENTERPRISES:
        return enterprise_import(
            stream=stream,
            file_name=file_name,
            dry_run=dry_run,
            ignore_unknown=bool(options.get("ignore_unknown")),
            user=user,
            via=via,
        )
    if kind == ImportRecord.Kind.DESIGNATION_LIST:
        return designation_list_import(
            stream=stream,
            file_name=file_name,
            batch=options.get("batch"),
            status=options.get("status") or DesignationStatus.CONFIRMED,
            dry_run=dry_run,
            user=user,
            via=via,
        )
    raise ValueError(f"unknown import kind {kind!r}")


def _stored_name(sha256: str) -> str:
    return f"{IMPORT_STORAGE_DIR}/{sha256}"


def _discard_stored_file(record: ImportRecord) -> None:
    """Delete the kept upload unless another preview still waits on the same bytes."""
    still_needed = (
        ImportRecord.objects.filter(outcome=ImportRecord.Outcome.PREVIEWED, sha256=record.sha256)
        .exclude(pk=record.pk)
        .exists()
    )
    name = _stored_name(record.sha256)
    if not still_needed and default_storage.exists(name):
        default_storage.delete(name)


def import_preview(*, kind: str, stream: IO[bytes], file_name: str, options: dict, user) -> DetailedImportOutcome:
    """Dry-run an uploaded file and keep it (MEDIA_ROOT/imports/<sha256>) until confirmed or cancelled.

    Raises ``FileRejected`` for an invalid file (its record is then ``rejected`` and nothing is kept).
    """
    outcome = _run_import(
        kind=kind, stream=stream, file_name=file_name, options=options, dry_run=True, user=user, via="admin"
    )
    record = outcome.record
    name = _stored_name(record.sha256)
    if not default_storage.exists(name):
        stream.seek(0)
        # Content-addressed: the same bytes are stored once, under exactly this name.
        default_storage.save(name, File(stream, name=record.sha256))
    record.outcome = ImportRecord.Outcome.PREVIEWED
    record.options = {**record.options, **options, "stored_file": name}
    record.save(update_fields=["outcome", "options"])
    return outcome


def import_confirm(*, record: ImportRecord, user) -> DetailedImportOutcome:
    """Apply a previewed upload through the same service; the preview's record becomes ``applied``.

    The apply run writes its own ImportRecord (the data changes' audit entry); the preview record links
    to it. If the data changed since the preview so that the file is now invalid, ``FileRejected`` is
    raised, nothing is written and the preview is closed as ``rejected``.
    """
    if record.outcome != ImportRecord.Outcome.PREVIEWED:
        raise ValueError("只能确认待确认的导入 (only a previewed import can be confirmed)")
    name = _stored_name(record.sha256)
    try:
        with default_storage.open(name, "rb") as stream:
            if file_fingerprint(stream)[1] != record.sha256:
                raise ValueError("保存的文件与预览时不一致 (the kept file does not match the preview)")
            outcome = _run_import(
                kind=record.kind,
                stream=stream,
                file_name=record.file_name,
                options=record.options,
                dry_run=False,
                user=user,
                via="admin",
            )
    except FileRejected as rejected:
        import_record_reject(record, report=rejected.report)
        _discard_stored_file(record)
        raise
    applied = outcome.record
    applied.options = {**applied.options, "preview_record_id": record.pk}
    applied.save(update_fields=["options"])
    record.outcome = ImportRecord.Outcome.APPLIED
    record.counts = outcome.counts
    record.options = {**record.options, "applied_record_id": applied.pk}
    record.finished_at = timezone.now()
    record.save(update_fields=["outcome", "counts", "options", "finished_at"])
    _discard_stored_file(record)
    return outcome


def import_cancel(*, record: ImportRecord, user) -> None:
    """Close a previewed upload without applying it and delete the kept file."""
    if record.outcome != ImportRecord.Outcome.PREVIEWED:
        raise ValueError("只能取消待确认的导入 (only a previewed import can be cancelled)")
    record.outcome = ImportRecord.Outcome.CANCELLED
    record.finished_at = timezone.now()
    record.options = {**record.options, "cancelled_by": getattr(user, "pk", None)}
    record.save(update_fields=["outcome", "finished_at", "options"])
    _discard_stored_file(record)


def import_change_lines(changes: Iterable[RowChange]) -> Iterator[str]:
    """One line per row that is (or would be) created or updated, for dry runs and verbose imports."""
    actions = {"create": "新建 create", "update": "更新 update"}
    for change in changes:
        if change.action in actions:
            details = f": {'；'.join(change.changes)}" if change.changes else ""
            yield f"第{change.row}行 {actions[change.action]} {change.credit_code or '（无信用代码）'} {change.name}{details}"
