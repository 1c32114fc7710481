"""Importing an official MIIT batch list (`序号, 省份, 企业名称[, 统一社会信用代码]`): designations of a batch.

Official lists never change an enterprise's own data except to give an incomplete one the list's credit
code; they create or update the designation of the batch. Where the list gives no city, the city is
inferred from the name (``regions.selectors.CityGuesser``).
"""

import datetime
import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import IO

from django.utils.translation import gettext

from imports.models import ImportRecord
from imports.pipeline import ImportPipeline
from regions.selectors import CityGuesser, RegionCache, RegionResolver
from utilities.bulk import chunks
from utilities.tabular import ErrorReport, FileRejected
from utilities.tabular.cells import Column
from utilities.tabular.table import open_table

from ..choices import DesignationStatus
from ..models import Enterprise
from ..names import normalize_name
from .cells import parse_batch, parse_credit_code, parse_name, report_duplicates
from .plan import (
    DetailedImportOutcome,
    Plan,
    designations_of,
    detailed_outcome,
    enterprises_notify,
    plan_designation,
    statistics_renewed,
)
from .review_results import ReviewResult, parse_review_cells, plan_review_rows
from .scope import designation_write_check, import_scope_check

# The official MIIT shape `序号, 省份, 企业名称[, 统一社会信用代码]`, plus two optional columns a list
# sometimes carries: 城市 and 批次 (a file spanning several batches).
DESIGNATION_LIST_COLUMNS = (
    Column("sequence", "序号"),
    Column("province", "省份", required=True),
    Column("name", "企业名称", required=True, verbatim=True),
    Column("credit_code", "统一社会信用代码"),
    Column("city", "城市"),
    Column("batch", "批次"),
    # A 复核 result list (services.review_results): these make the list record review results instead.
    Column("review_result", "复核结果"),
    Column("reviewed_on", "复核日期"),
    Column("review_reason", "未通过原因", verbatim=True),
)
_REVIEW_ONLY = ("reviewed_on", "review_reason")

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


@dataclass
class _ListRow:
    row: int
    name: str
    credit_code: str | None
    province_id: str
    city_id: str | None
    batch: int
    review: ReviewResult | None = None


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
                report.add(1, name, name, gettext("未知列"))
            raise FileRejected(report)
    return table


@dataclass
class _Repeats:
    """The rows each credit code and each normalised name is on, per batch: a list names a firm once a batch."""

    rows_by_code: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    rows_by_name: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    codes: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def note(self, number: int, batch: int | None, credit_code: str | None, name: str) -> None:
        if credit_code:
            self.rows_by_code[f"{batch}:{credit_code}"].append(number)
            self.codes[f"{batch}:{credit_code}"] = credit_code
        if name:
            key = normalize_name(name)
            self.rows_by_name[f"{batch}:{key}"].append(number)
            self.names[f"{batch}:{key}"] = name

    def report(self, report: ErrorReport) -> None:
        report_duplicates(report, "credit_code", self.rows_by_code, self.codes)
        report_duplicates(report, "name", self.rows_by_name, self.names)


def _row_batch(
    number: int, cells: dict[str, str], batch: int | None, has_batch_column: bool, report: ErrorReport, optional=False
) -> tuple[int | None, bool]:
    """The row's batch (its 批次 cell, else ``batch``) and whether it is valid; problems into ``report``.

    ``optional``: the rows of a 复核 result list need no batch (``review_results``)."""
    if has_batch_column and cells.get("batch"):
        try:
            row_batch = parse_batch(cells["batch"])
        except ValueError as exc:
            report.add(number, "batch", cells["batch"], str(exc))
            return batch, False
        if batch is not None and row_batch != batch:
            report.add(number, "batch", cells["batch"], gettext("与指定的第%(batch)s批不一致") % {"batch": batch})
            return row_batch, False
        return row_batch, True
    if batch is None and not optional:
        report.add(number, "batch", "", gettext("批次不能为空"))
        return None, False
    return batch, True


def _parse_list_cells(
    number: int, cells: dict[str, str], batch: int | None, has_batch_column: bool, report: ErrorReport, optional=False
) -> tuple[bool, str, str | None, int | None]:
    """A row's cells but its region parsed: (valid, name, credit code, batch); problems into ``report``."""
    ok = True
    sequence = cells.get("sequence", "")
    if sequence and not sequence.isdigit():
        report.add(number, "sequence", sequence, gettext("序号应为正整数"))
        ok = False
    try:
        name = parse_name(cells.get("name", ""))
    except ValueError as exc:
        report.add(number, "name", cells.get("name", ""), str(exc))
        name, ok = "", False
    credit_code = None
    if cells.get("credit_code"):
        try:
            credit_code = parse_credit_code(cells["credit_code"])
        except ValueError as exc:
            report.add(number, "credit_code", cells["credit_code"], str(exc))
            ok = False
    row_batch, batch_ok = _row_batch(number, cells, batch, has_batch_column, report, optional)
    return ok and batch_ok, name, credit_code, row_batch


def _parse_list_rows(
    table,
    resolver: RegionResolver,
    guesser: CityGuesser,
    batch: int | None,
    report: ErrorReport,
    reviewed_on: datetime.date | None = None,
    *,
    review_list: bool = False,
) -> list[_ListRow]:
    """The list's rows, problems into ``report``. ``reviewed_on`` is a 复核 result list's date for the rows
    whose 复核日期 cell is empty; any other list refuses it. A ``review_list`` needs no batch."""
    parsed: list[_ListRow] = []
    repeats = _Repeats()
    has_batch_column = "batch" in table.keys
    regions = RegionCache(resolver)
    if batch is None and not has_batch_column and not review_list:
        report.add(1, "batch", "", gettext("缺少批次：请填写批次（命令行 --batch N）或在文件中提供“批次”列"))
        return parsed
    reviews = "review_result" in table.keys
    if review_list and not reviews:
        report.add(1, "review_result", "", gettext("复核结果名单须有“复核结果”列（通过/未通过）"))
        return parsed
    if not reviews and any(key in table.keys for key in _REVIEW_ONLY):
        report.add(1, "review_result", "", gettext("缺少“复核结果”列：复核日期和未通过原因只用于复核结果名单"))
        return parsed
    if not reviews and reviewed_on is not None:
        report.add(
            1, "reviewed_on", reviewed_on.isoformat(), gettext("导入页的复核日期只用于复核结果名单（含“复核结果”列）")
        )
        return parsed
    for number, cells in table.rows():
        ok, name, credit_code, row_batch = _parse_list_cells(
            number, cells, batch, has_batch_column, report, review_list
        )
        review = parse_review_cells(number, cells, report, reviewed_on=reviewed_on) if reviews else None
        ok = ok and (review is not None or not reviews)
        region = regions.resolve(report, number, cells.get("province", ""), cells.get("city", ""))
        repeats.note(number, row_batch, credit_code, name)
        if not ok or region is None:
            continue
        city_id = region.city_code or guesser.guess(region.province_code, name)
        parsed.append(_ListRow(number, name, credit_code, region.province_code, city_id, row_batch, review))  # type: ignore[arg-type]
    repeats.report(report)
    return parsed


def _match_candidates(rows: list[_ListRow]) -> tuple[dict[str, Enterprise], dict[str, dict[int, Enterprise]]]:
    """The enterprises the rows may name: by credit code, and by normalised current or former name."""
    by_code: dict[str, Enterprise] = {}
    for chunk in chunks({row.credit_code for row in rows if row.credit_code}):
        for enterprise in Enterprise.objects.filter(credit_code__in=chunk):
            by_code[enterprise.credit_code] = enterprise
    by_name: dict[str, dict[int, Enterprise]] = defaultdict(dict)
    for chunk in chunks({normalize_name(row.name) for row in rows}):
        for enterprise in Enterprise.objects.filter(name_normalized__in=chunk):
            by_name[enterprise.name_normalized][enterprise.pk] = enterprise
    # Former names live in a JSON list; the enterprises that have any are a small minority.
    for enterprise in Enterprise.objects.exclude(former_names=[]).only("pk", "name", "former_names", "province_id"):
        for former in enterprise.former_names or []:
            by_name[normalize_name(former)].setdefault(enterprise.pk, enterprise)
    return by_code, by_name


def _name_candidates(row: _ListRow, by_name: dict[str, dict[int, Enterprise]]) -> list[Enterprise]:
    """The enterprises the row's name may name, those of the row's province when there are any."""
    candidates = list(by_name.get(normalize_name(row.name), {}).values())
    if row.credit_code:
        # A code unknown to us may complete an incomplete enterprise of that name, nothing else.
        candidates = [e for e in candidates if e.credit_code is None]
    in_province = [e for e in candidates if e.province_id == row.province_id]
    return in_province or candidates


def _match_list_rows(rows: list[_ListRow], report: ErrorReport) -> dict[int, Enterprise]:
    """The stored enterprise each row names (row number → enterprise); two rows of one batch may not share one."""
    by_code, by_name = _match_candidates(rows)
    matched: dict[int, Enterprise] = {}
    matched_by: dict[tuple[int, int], int] = {}
    for row in rows:
        enterprise = by_code.get(row.credit_code) if row.credit_code else None
        if enterprise is None:
            candidates = _name_candidates(row, by_name)
            if len(candidates) > 1:
                listed = "、".join(e.credit_code or f"待补全#{e.pk}" for e in candidates[:5])
                report.add(
                    row.row,
                    "name",
                    row.name,
                    gettext("名称匹配到多家企业（%(listed)s），请补充统一社会信用代码") % {"listed": listed},
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
                    gettext("与第%(row)s行匹配到同一家企业 “%(name)s”")
                    % {"row": matched_by[key], "name": enterprise.name},
                )
                continue
            matched_by[key] = row.row
            matched[row.row] = enterprise
    return matched


def _list_row_enterprise(
    plan: Plan, row: _ListRow, enterprise: Enterprise | None, created_here: dict[str, Enterprise]
) -> tuple[Enterprise, bool, tuple[str, ...]]:
    """The row's enterprise, planned: (enterprise, created by this row, its changes as shown to the user).

    A list changes a stored enterprise only to complete its credit code; any other row it names is new.
    """
    if enterprise is not None and enterprise.pk is None:
        # Created by an earlier row of the file (another batch); a later row may bring its code.
        if row.credit_code and not enterprise.credit_code:
            enterprise.credit_code = row.credit_code
        return enterprise, False, ()
    if enterprise is None:
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
        if not row.credit_code:
            plan.counts["enterprises_incomplete_created"] = plan.counts.get("enterprises_incomplete_created", 0) + 1
        return enterprise, True, ()
    if row.credit_code and enterprise.credit_code is None:
        enterprise.credit_code = row.credit_code
        plan.enterprise_fields.add("credit_code")
        plan.counts["enterprises_updated"] += 1
        plan.counts["enterprises_completed"] += 1
        return enterprise, False, (f"补全统一社会信用代码 {row.credit_code}",)
    plan.counts["enterprises_unchanged"] += 1
    return enterprise, False, ()


def _plan_list_rows(rows: list[_ListRow], matched: dict[int, Enterprise], status: str) -> Plan:
    """Every row's enterprise and its designation of the row's batch set to ``status``, in file order."""
    plan = Plan()
    designations = designations_of({e.pk for e in matched.values()})
    changed: dict[int, Enterprise] = {}
    # A file spanning batches names a new firm once per batch: all its rows share one new enterprise.
    created_here: dict[str, Enterprise] = {}
    for row in rows:
        enterprise = matched.get(row.row) or created_here.get(normalize_name(row.name))
        enterprise, created, enterprise_changes = _list_row_enterprise(plan, row, enterprise, created_here)
        if enterprise_changes:
            changed[enterprise.pk] = enterprise
        designation_changes = plan_designation(
            plan=plan,
            enterprise=enterprise,
            existing=designations.get((enterprise.pk, row.batch)) if enterprise.pk else None,
            batch=row.batch,
            status=status,
            designated_on=None,
        )
        plan.record(row.row, enterprise.credit_code, row.name, enterprise_changes, designation_changes, created=created)
    plan.changed_enterprises = list(changed.values())
    return plan


def _plan_list_import(rows: list[_ListRow], status: str, report: ErrorReport, *, reviews: bool) -> Plan:
    """The list's plan; an empty plan when a row names no one enterprise (the problems are in ``report``).

    A review result list (``reviews``) records each row's result on its designation and creates nothing.
    """
    matched = _match_list_rows(rows, report)
    if report:
        return Plan()
    if reviews:
        plan = plan_review_rows(rows, matched, report)
        return Plan() if report else plan
    return _plan_list_rows(rows, matched, status)


class DesignationListImport(ImportPipeline):
    """An official MIIT batch list on the import skeleton: read and matched in memory (a list is a few
    thousand rows), planned and written at once."""

    kind = ImportRecord.Kind.DESIGNATION_LIST

    def __init__(self, *, batch: int | None, status: str, reviewed_on: datetime.date | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.batch = batch
        self.status = DesignationStatus(status).value
        # A 复核 result list's date for the rows whose 复核日期 cell is empty (the import form's field).
        self.reviewed_on = reviewed_on
        self.rows: list[_ListRow] = []
        self.planned = Plan()
        self.touched: set[int] = set()
        self.reviews = False

    @classmethod
    def from_upload(cls, *, options: dict, **upload) -> "DesignationListImport":
        status = options.get("status") or DesignationStatus.CONFIRMED
        reviewed_on = datetime.date.fromisoformat(options["reviewed_on"]) if options.get("reviewed_on") else None
        return cls(batch=options.get("batch"), status=status, reviewed_on=reviewed_on, **upload)

    def options(self) -> dict:
        options = {"batch": self.batch, "status": self.status}
        if self.reviewed_on is not None:
            options["reviewed_on"] = self.reviewed_on.isoformat()
        return options

    def open(self) -> None:
        self.table = _open_designation_list(self.stream)
        self.reviews = "review_result" in self.table.keys

    def validate(self) -> None:
        resolver = RegionResolver()
        guesser = CityGuesser(resolver)
        self.rows = _parse_list_rows(self.table, resolver, guesser, self.batch, self.report, self.reviewed_on)

    def stage(self) -> None:
        # The rows stay in memory; a conflict with a concurrent write names the row of its credit code.
        self.rows_by_value.update((row.credit_code, row.row) for row in self.rows if getattr(row, "credit_code", None))

    def plan(self):
        plan = _plan_list_import(self.rows, self.status, self.report, reviews=self.reviews)
        if not self.report:
            row_provinces = [(row.row, row.province_id) for row in self.rows]
            import_scope_check(
                user=self.user, record=self.outcome.record, plan=plan, row_provinces=row_provinces, report=self.report
            )
        if self.report:
            return
        if not self.dry_run:
            # A preview (dry run) shows the plan; the admin refuses it in its own words.
            designation_write_check(user=self.user, counts=plan.counts)
        self.planned = plan
        yield plan

    def apply(self, plan: Plan) -> None:
        self.touched = plan.apply(user=self.user, record=self.outcome.record, notify=False)

    def notify(self) -> None:
        enterprises_notify(self.touched)

    def counts(self) -> dict[str, int]:
        return self.planned.counts

    def finish(self) -> None:
        if not self.dry_run:
            statistics_renewed(self.planned.counts)

    def result(self) -> DetailedImportOutcome:
        return detailed_outcome(self.outcome, self.planned)


def designation_list_import(
    *,
    stream: IO[bytes],
    file_name: str,
    batch: int | None,
    dry_run: bool = False,
    status: str = DesignationStatus.CONFIRMED,
    reviewed_on: datetime.date | None = None,
    user=None,
    via: str = "command",
) -> DetailedImportOutcome:
    """Import an official MIIT batch list (`序号, 省份, 企业名称[, 统一社会信用代码]`), all rows or none.

    ``batch`` applies to every row; a file with a 批次 column may omit it (each row then names its own
    batch), and when both are given they must agree. Enterprises are matched by credit code, else by
    normalised current or former name (the row's province first); unmatched rows create incomplete
    enterprises. The designation of the batch is created or set to ``status``. A 复核 result list records
    each row's result instead, on the row's 复核日期 or, where the cell is empty, ``reviewed_on``.
    """
    return DesignationListImport(
        stream=stream,
        file_name=file_name,
        batch=batch,
        status=status,
        reviewed_on=reviewed_on,
        dry_run=dry_run,
        user=user,
        via=via,
    ).run()
