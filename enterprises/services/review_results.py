"""A 复核 (review) result list: an MIIT list with the columns 复核结果, 复核日期 and 未通过原因.

MIIT announces, for the designations whose three years have run, which passed the review and which did
not. A list carrying a 复核结果 column records those results on the designations it names, and only on
them: every row must name a stored enterprise with a 小巨人 designation that is in force (认定通过 or
复核通过): the one of the row's batch when the list gives batches, else the enterprise's one in force.
通过 renews the validity from the 复核日期 (status 复核通过, ``reviewed_on``); 未通过 revokes the
designation on that date with the reason (未通过原因, else "复核未通过"), ``reviewed_on`` then telling
the revocation's cause. Any row that names no such designation rejects the whole list, like any other
row error. Such a list is imported as its own kind (``review_list``) or as an MIIT list with these columns.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext

from utilities.tabular import ErrorReport

from ..choices import DesignationStatus, Program
from ..models import Designation, Enterprise
from .cells import parse_past_date
from .plan import Plan, designations_of

PASSED = "passed"
FAILED = "failed"
# What a list prints in its 复核结果 column, normalised (lower case, no spaces).
_RESULTS = {
    "通过": PASSED,
    "复核通过": PASSED,
    "passed": PASSED,
    "未通过": FAILED,
    "复核未通过": FAILED,
    "failed": FAILED,
}
REASON_MAX_LENGTH = Designation._meta.get_field("revocation_reason").max_length
DEFAULT_FAILED_REASON = "复核未通过"
_IN_FORCE = (DesignationStatus.CONFIRMED, DesignationStatus.REVIEWED)


@dataclass(frozen=True)
class ReviewResult:
    result: str
    reviewed_on: datetime.date
    reason: str


def parse_review_cells(
    number: int, cells: dict[str, str], report: ErrorReport, *, reviewed_on: datetime.date | None = None
) -> ReviewResult | None:
    """The row's 复核结果, 复核日期 and 未通过原因, or None with the problems in ``report``.

    ``reviewed_on`` (the import form's 复核日期) stands for an empty 复核日期 cell; a cell's date wins.
    """
    raw_result = cells.get("review_result", "")
    result = _RESULTS.get(raw_result.replace(" ", "").lower())
    if result is None:
        report.add(number, "review_result", raw_result, gettext("复核结果应为“通过”或“未通过”"))
    raw_date = cells.get("reviewed_on", "")
    try:
        reviewed_on = parse_past_date(raw_date) if raw_date else reviewed_on
        if reviewed_on is None:
            report.add(
                number, "reviewed_on", raw_date, gettext("复核日期不能为空：请在该行填写，或在导入页填写复核日期")
            )
    except ValueError as exc:
        reviewed_on = None
        report.add(number, "reviewed_on", raw_date, str(exc))
    reason = cells.get("review_reason", "")
    if len(reason) > REASON_MAX_LENGTH:
        report.add(number, "review_reason", reason, gettext("不能超过%(n)s个字符") % {"n": REASON_MAX_LENGTH})
        return None
    if reason and result == PASSED:
        report.add(number, "review_reason", reason, gettext("复核通过的行不应填写未通过原因"))
        return None
    if result is None or reviewed_on is None:
        return None
    return ReviewResult(result, reviewed_on, reason or (DEFAULT_FAILED_REASON if result == FAILED else ""))


def _review_changes(designation: Designation, review: ReviewResult, plan: Plan) -> tuple[str, ...]:
    """Set the result on ``designation``; the changes as shown in the preview (none when already recorded)."""
    before = designation.get_status_display()
    if review.result == PASSED:
        wanted = {"status": DesignationStatus.REVIEWED, "reviewed_on": review.reviewed_on, "revocation_reason": ""}
    else:
        # reviewed_on = revoked_on is what tells a revocation by a failed 复核 from any other
        # (``validity.revocation_cause``).
        wanted = {
            "status": DesignationStatus.REVOKED,
            "reviewed_on": review.reviewed_on,
            "revoked_on": review.reviewed_on,
            "revocation_reason": review.reason,
        }
    changed = [name for name, value in wanted.items() if getattr(designation, name) != value]
    if not changed:
        plan.counts["designations_unchanged"] += 1
        return ()
    for name in changed:
        setattr(designation, name, wanted[name])
    plan.designation_fields.update(changed)
    plan.changed_designations.append(designation)
    plan.counts["designations_updated"] += 1
    key = "designations_reviewed" if review.result == PASSED else "designations_revoked"
    plan.counts[key] = plan.counts.get(key, 0) + 1
    if review.result == PASSED:
        return (
            f"复核通过（{review.reviewed_on}），有效期自复核日期起重新计算：{before} → {designation.get_status_display()}",
        )
    return (f"复核未通过，{review.reviewed_on} 撤销（{review.reason}）：{before} → {designation.get_status_display()}",)


def _row_designation(row, enterprise: Enterprise, designations: dict, report: ErrorReport) -> Designation | None:
    """The designation the row's result is for, or None with the problem in ``report``.

    A row with a batch (the list's 批次 column, or the batch given with the list) names that batch's
    designation. A row without one, as MIIT prints a 复核 result list, names the enterprise's one 小巨人
    designation in force (or the one this very result revoked already, so a list imports twice).
    """
    if row.batch is not None:
        designation = designations.get((enterprise.pk, row.batch))
        if designation is None:
            report.add(
                row.row, "batch", str(row.batch), gettext("该企业没有第%(batch)s批小巨人认定") % {"batch": row.batch}
            )
        return designation
    own = [d for (pk, _batch), d in sorted(designations.items()) if pk == enterprise.pk]
    candidates = [d for d in own if d.status in _IN_FORCE] or [d for d in own if _already(d, row.review)]
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        batches = "、".join(str(d.batch) for d in candidates)
        report.add(
            row.row,
            "name",
            row.name,
            gettext("该企业有多个有效的小巨人认定（第%(batches)s批），请在名单中加“批次”列") % {"batches": batches},
        )
    else:
        report.add(row.row, "name", row.name, gettext("该企业没有有效的小巨人认定：复核结果只能记录在已有的认定上"))
    return None


def plan_review_rows(rows, matched: dict[int, Enterprise], report: ErrorReport) -> Plan:
    """Every row's review result on its enterprise's designation (``_row_designation``); problems into ``report``.

    ``rows`` are the list's parsed rows (``miit_list._ListRow``) carrying ``review``.
    """
    plan = Plan()
    designations = designations_of({e.pk for e in matched.values()}, program=Program.LITTLE_GIANT)
    for row in rows:
        enterprise = matched.get(row.row)
        if enterprise is None:
            report.add(row.row, "name", row.name, gettext("未找到该企业：复核结果只能记录在已有的认定上"))
            continue
        designation = _row_designation(row, enterprise, designations, report)
        if designation is None:
            continue
        if designation.status not in _IN_FORCE and not _already(designation, row.review):
            report.add(
                row.row,
                "review_result",
                row.review.result,
                gettext("该认定的状态为“%(status)s”，无法记录复核结果") % {"status": designation.get_status_display()},
            )
            continue
        changes = _review_changes(designation, row.review, plan)
        plan.record(row.row, enterprise.credit_code, row.name, (), changes)
    return plan


def _already(designation: Designation, review: ReviewResult) -> bool:
    """Whether a revoked designation was revoked by this very result (importing a list twice changes nothing)."""
    return (
        review.result == FAILED
        and designation.status == DesignationStatus.REVOKED
        and designation.revoked_on == review.reviewed_on
        and designation.revocation_reason == review.reason
    )
