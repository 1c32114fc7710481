"""Planning one chunk of an enterprise file (``enterprise_file``) against the database.

A chunk's plan is made in named steps: the enterprises its credit codes already name, the incomplete
enterprises (from official lists) its other rows may complete and the claims on them, the former names it
would add that other enterprises bear, and then every row's enterprise and designation changes.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext

from regions.selectors import RegionResolver
from utilities.bulk import chunks
from utilities.tabular import ErrorReport

from ..former_names import current_name_holders, former_name_problem
from ..models import Enterprise
from ..names import normalize_name
from .plan import Plan, designations_of, plan_designation


@dataclass
class ResolvedRow:
    """A row checked (``rows.row_values``): its region resolved to codes, its choices as keys; what is planned."""

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
    program: str


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


def _enterprise_diff(enterprise: Enterprise, row: ResolvedRow, resolver: RegionResolver) -> list[tuple[str, str]]:
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


@dataclass
class _Claims:
    """The incomplete enterprises rows have claimed so far (pk → row), kept across chunks.

    ``by_name`` holds them as stored when claimed (by their normalised name then): once an earlier chunk
    is written a claimed enterprise has its credit code and the database no longer lists it as incomplete,
    but a later row naming it must still be refused, as a plan of the whole file refuses it.
    """

    rows: dict[int, int] = field(default_factory=dict)
    by_name: dict[str, list[Enterprise]] = field(default_factory=lambda: defaultdict(list))

    def claim(self, enterprise: Enterprise, row: int) -> None:
        self.rows[enterprise.pk] = row
        self.by_name[enterprise.name_normalized].append(
            Enterprise(pk=enterprise.pk, name=enterprise.name, province_id=enterprise.province_id)
        )


def _report_former_name_clashes(
    rows: list[ResolvedRow], by_code: dict[str, Enterprise], completes: dict[int, Enterprise], report: ErrorReport
) -> None:
    """Every former name a row adds that is another enterprise's current name (``enterprises.former_names``).

    Names the enterprise already has are left alone, so re-importing an old file is not refused for them.
    """
    added: list[tuple[ResolvedRow, Enterprise | None, str]] = []
    for row in rows:
        enterprise = by_code.get(row.credit_code) or completes.get(row.row)
        stored = {normalize_name(n) for n in (enterprise.former_names or [])} if enterprise else set()
        added += [(row, enterprise, name) for name in row.former_names if normalize_name(name) not in stored]
    if not added:
        return
    holders = current_name_holders(name for _row, _enterprise, name in added)
    for row, enterprise, name in added:
        problem = former_name_problem(name, holders, enterprise_pk=enterprise.pk if enterprise else None)
        if problem:
            report.add(row.row, "former_names", name, problem)


def _row_names(row: ResolvedRow) -> set[str]:
    """The normalised names a row may match an incomplete enterprise by: its name and former names."""
    return {normalize_name(n) for n in (row.name, *row.former_names)}


def _enterprises_by_code(rows: list[ResolvedRow]) -> dict[str, Enterprise]:
    by_code: dict[str, Enterprise] = {}
    for chunk in chunks({row.credit_code for row in rows}):
        for enterprise in Enterprise.objects.filter(credit_code__in=chunk).defer("created_at", "updated_at"):
            by_code[enterprise.credit_code] = enterprise
    return by_code


def _incomplete_by_name(
    rows: list[ResolvedRow], by_code: dict[str, Enterprise], claims: _Claims
) -> dict[str, list[Enterprise]]:
    """Incomplete enterprises (from official lists) that a row may complete, by normalised name.

    Those claimed by an earlier chunk are listed too, though the database no longer has them incomplete.
    """
    wanted_names: dict[str, list[ResolvedRow]] = defaultdict(list)
    for row in rows:
        if row.credit_code not in by_code:
            for name in _row_names(row):
                wanted_names[name].append(row)
    incomplete: dict[str, list[Enterprise]] = defaultdict(list)
    for chunk in chunks(wanted_names):
        for enterprise in Enterprise.objects.filter(credit_code__isnull=True, name_normalized__in=chunk).order_by("pk"):
            incomplete[enterprise.name_normalized].append(enterprise)
    for name in wanted_names:
        found = {e.pk for e in incomplete.get(name, ())}
        earlier = [e for e in claims.by_name.get(name, ()) if e.pk not in found]
        if earlier:
            incomplete[name] = sorted((*incomplete[name], *earlier), key=lambda e: e.pk)
    return incomplete


def _claim_incomplete(
    rows: list[ResolvedRow],
    by_code: dict[str, Enterprise],
    incomplete: dict[str, list[Enterprise]],
    claims: _Claims,
    report: ErrorReport,
) -> dict[int, Enterprise]:
    """The incomplete enterprise each row without a known credit code completes (row number → enterprise).

    Two rows may not complete one enterprise: the later one is reported, naming the row that claimed it.
    """
    completes: dict[int, Enterprise] = {}
    claimed_by = claims.rows
    for row in rows:
        if row.credit_code in by_code:
            continue
        candidates = {e.pk: e for name in _row_names(row) for e in incomplete.get(name, ())}
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
                gettext("与第%(row)s行匹配到同一家待补全企业 “%(name)s”")
                % {"row": claimed_by[enterprise.pk], "name": enterprise.name},
            )
            continue
        claims.claim(enterprise, row.row)
        completes[row.row] = enterprise
    return completes


def _new_enterprise(row: ResolvedRow) -> Enterprise:
    return Enterprise(
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


def _plan_enterprise_change(
    plan: Plan, enterprise: Enterprise, row: ResolvedRow, resolver: RegionResolver, *, completed: bool
) -> tuple[str, ...]:
    """Plan the row's change of a stored enterprise; the changes as shown to the user."""
    diff = _enterprise_diff(enterprise, row, resolver)
    if diff:
        plan.changed_enterprises.append(enterprise)
        plan.enterprise_fields.update(name for name, _ in diff)
        plan.counts["enterprises_updated"] += 1
        if completed:
            plan.counts["enterprises_completed"] += 1
    else:
        plan.counts["enterprises_unchanged"] += 1
    return tuple(text for _, text in diff)


def _plan_rows(
    rows: list[ResolvedRow],
    by_code: dict[str, Enterprise],
    completes: dict[int, Enterprise],
    resolver: RegionResolver,
) -> Plan:
    """Every row's enterprise (new, or its stored one changed) and designation, recorded in file order."""
    plan = Plan()
    existing_ids = [e.pk for e in by_code.values()] + [e.pk for e in completes.values()]
    designations = {
        program: designations_of(existing_ids, program=program) for program in sorted({row.program for row in rows})
    }
    for row in rows:
        enterprise = by_code.get(row.credit_code) or completes.get(row.row)
        if enterprise is None:
            enterprise = _new_enterprise(row)
            plan.new_enterprises.append(enterprise)
            plan.counts["enterprises_created"] += 1
            created, enterprise_changes = True, ()
            existing_designation = None
        else:
            enterprise_changes = _plan_enterprise_change(
                plan, enterprise, row, resolver, completed=row.row in completes
            )
            created = False
            existing_designation = designations[row.program].get((enterprise.pk, row.batch))
        designation_changes = plan_designation(
            plan=plan,
            enterprise=enterprise,
            existing=existing_designation,
            batch=row.batch,
            status=row.designation_status,
            designated_on=row.designated_on,
            program=row.program,
        )
        plan.record(row.row, row.credit_code, row.name, enterprise_changes, designation_changes, created=created)
    return plan


def _plan_enterprise_import(
    rows: list[ResolvedRow], resolver: RegionResolver, report: ErrorReport, claims: _Claims
) -> Plan:
    """One chunk's plan; an empty plan when ``report`` holds a problem (of this chunk or an earlier one)."""
    by_code = _enterprises_by_code(rows)
    incomplete = _incomplete_by_name(rows, by_code, claims)
    completes = _claim_incomplete(rows, by_code, incomplete, claims, report)
    if report:
        return Plan()
    _report_former_name_clashes(rows, by_code, completes, report)
    if report:
        return Plan()
    return _plan_rows(rows, by_code, completes, resolver)
