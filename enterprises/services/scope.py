"""A provincial official imports only their provinces: a file with one row elsewhere is refused whole.

Checked on the plan, before anything is committed (and in previews): the province each row names, and the
stored province of every enterprise a row would change (moving an enterprise in from another province is
refused as much as moving one out). The import record learns every province the file touched, which
decides who may see the record (``ImportRecordQuerySet.province_filter``).

An enterprise file is planned chunk by chunk (``enterprise_file``), so the check runs on each chunk's plan
(``ImportScopeCheck.add``) and reports at the end, in the order a check of the whole plan at once gives:
every row outside the official's provinces first, then every row moving an enterprise in.

A credit code already borne by an enterprise the user may not see is refused in the same words in every
channel (admin form, API, import), words that say neither that it exists nor where:
``credit_code_taken_message``.
"""

from collections.abc import Iterable

from django.utils.translation import gettext, gettext_lazy

from imports.models import ImportRecord
from regions.models import Province
from utilities.scoping import ALL_PROVINCES, VIEW, may_act_on, user_province_codes
from utilities.tabular import ErrorReport, FileRejected

from ..models import Enterprise
from .plan import Plan

# The one message for a credit code the user cannot use for a reason they may not learn (an enterprise of a
# province they do not answer for bears it). Honest (the code cannot be used), and the same whatever the
# reason, so that trying codes tells a provincial official nothing about other provinces.
CREDIT_CODE_UNUSABLE = gettext_lazy("该统一社会信用代码无法使用，请核对或联系全国管理员")


def credit_code_taken_message(*, user, holder: Enterprise, precise: str) -> str:
    """What to tell ``user`` about a credit code ``holder`` already bears: ``precise`` if they may see
    ``holder`` (national administrators, its province's officials, commands), else ``CREDIT_CODE_UNUSABLE``."""
    if user is None or may_act_on(user, holder, VIEW):
        return precise
    return str(CREDIT_CODE_UNUSABLE)


def _stored_provinces(plan: Plan) -> dict[int, str]:
    """pk -> province as stored now, for the existing enterprises the plan changes or designates."""
    pks = {e.pk for e in plan.changed_enterprises if e.pk}
    pks |= {d.enterprise_id for d in (*plan.new_designations, *plan.changed_designations) if d.enterprise_id}
    return dict(Enterprise.objects.filter(pk__in=pks).values_list("pk", "province_id"))


class ImportScopeCheck:
    """The provinces a file touches and the rows ``user`` may not import, gathered plan by plan.

    Commands (no user) are not restricted: whoever runs them has the server.
    """

    def __init__(self, user) -> None:
        codes = user_province_codes(user)
        self.codes = None if user is None or codes is ALL_PROVINCES else codes
        self.touched: set[str] = set()
        self._names: dict[str, str] | None = None
        self._outside = ErrorReport()  # rows naming a province not the official's
        self._moved = ErrorReport()  # rows changing an enterprise registered in such a province

    def add(self, plan: Plan, row_provinces: Iterable[tuple[int, str]]) -> None:
        """Check one plan; ``row_provinces``: (row number, province code) of each of its rows."""
        row_provinces = list(row_provinces)
        stored = _stored_provinces(plan)
        self.touched |= {code for _row, code in row_provinces} | set(stored.values())
        if self.codes is None:
            return
        if self._names is None:
            self._names = dict(Province.objects.values_list("code", "name"))
        reason = gettext("不在您负责的省份内：省级管理员只能导入本省的数据，整个文件未导入")
        refused_rows = set()
        for row, code in row_provinces:
            if code not in self.codes:
                self._outside.add(row, "province", self._names.get(code, code), reason)
                refused_rows.add(row)
        outside = {pk for pk, code in stored.items() if code not in self.codes}
        if not outside:
            return
        # Rows that would change an enterprise registered in another province (moving it in).
        keys = {}
        for enterprise in Enterprise.objects.filter(pk__in=outside).only("credit_code", "name"):
            if enterprise.credit_code:
                keys[enterprise.credit_code] = enterprise
            keys[enterprise.name] = enterprise
        # Not "registered in another province": that would tell which codes and names exist elsewhere.
        unusable_code = str(CREDIT_CODE_UNUSABLE)
        unusable_name = gettext("这一行的企业无法导入，请核对或联系全国管理员")
        for change in plan.changes:
            if change.row in refused_rows:
                continue
            if change.credit_code and change.credit_code in keys:
                self._moved.add(change.row, "credit_code", change.credit_code, unusable_code)
            elif change.name in keys:
                self._moved.add(change.row, "name", change.name, unusable_name)

    def refused(self) -> bool:
        return bool(self._outside or self._moved)

    def finish(self, *, record: ImportRecord, report: ErrorReport) -> None:
        """Record the provinces touched; add the refused rows to ``report``."""
        record.provinces.set(self.touched)
        report.extend(self._outside)
        report.extend(self._moved)


def import_scope_check(
    *, user, record: ImportRecord, plan: Plan, row_provinces: Iterable[tuple[int, str]], report: ErrorReport
) -> None:
    """Record the provinces the file touches; add an error for every row outside ``user``'s provinces.

    ``row_provinces``: (row number, province code) of every row of the whole ``plan``.
    """
    check = ImportScopeCheck(user)
    check.add(plan, row_provinces)
    check.finish(record=record, report=report)


# --- designations: written only by users holding the designation permissions ------------------------


class DesignationWriteRefused(FileRejected):
    """An import by a user who may change enterprises but not designations would create or change one.

    A ``FileRejected`` (the import record keeps the reason); the API answers it with 403, not 400.
    """

    def __init__(self, message: str) -> None:
        report = ErrorReport()
        report.add(0, "batch", "", message)
        self.message = message
        super().__init__(report)


def designation_write_check(*, user, counts: dict[str, int]) -> None:
    """Refuse an import whose ``counts`` create designations without ``add_designation`` or change (revoke,
    un-revoke, re-date) them without ``change_designation``.

    An enterprise row carries its designation's batch and status, so enterprise permissions alone must not
    write designations (issue #22). Commands (no user) are not restricted.
    """
    if user is None:
        return
    missing = []
    if counts.get("designations_created") and not user.has_perm("enterprises.add_designation"):
        missing.append(gettext("新建认定（enterprises.add_designation）"))
    if counts.get("designations_updated") and not user.has_perm("enterprises.change_designation"):
        missing.append(gettext("修改认定（enterprises.change_designation）"))
    if missing:
        raise DesignationWriteRefused(
            gettext("您没有%(what)s的权限：这次写入会改动认定，未写入任何数据。") % {"what": "、".join(missing)}
        )
