"""The three-year validity of a 小巨人 designation, and what falls due for 复核 (the review).

Rule (stated on the workbench and in docs/admin-guide.zh.md): a 小巨人 designation is valid for three years
from its 认定日期 (``designated_on``). One with status 认定通过 (confirmed) whose validity ends within the
next ``DUE_WITHIN_DAYS`` days is *due for review*; one whose validity has ended and that has no review
result yet (still 认定通过: neither 复核通过 nor 撤销) is *overdue*. A designation without a known date
(an announcement not in force yet) has no validity to count, and one that was revoked has its result.
One that passed review (复核通过, from a review result list) is valid for three years from its 复核日期
(``reviewed_on``) and falls due again then; one marked reviewed without a date has no validity to count.
The indicators' population rule does not change by default (metrics.md): an overdue designation still
counts until a result revokes it, unless settings.INDICATORS_EXCLUDE_LAPSED says otherwise
(``reports.sql.measures.population``).
"""

import datetime

from django.db.models import F, Q

from .choices import DesignationStatus, Program

VALID_YEARS = 3
DUE_WITHIN_DAYS = 90

DUE_SOON = "due"
OVERDUE = "overdue"
# The two results a 复核 can have (the admin's 复核状态 filter): passed (复核通过) and revoked (撤销).
PASSED = "passed"
REVOKED = "revoked"
# Why a designation was revoked (撤销原因 in the admin, ``revocation_cause`` in the API): by a failed 复核
# (a 复核 result list's 未通过 row), or otherwise (an official, an enterprise file's status).
FAILED_REVIEW = "failed_review"
REVOKED_OTHERWISE = "other"


def years_before(day: datetime.date, years: int) -> datetime.date:
    """``day`` shifted back by whole years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def validity_condition(which: str, *, today: datetime.date, prefix: str = "") -> Q:
    """Designations (``prefix`` "designations__" from enterprises) that are ``DUE_SOON`` or ``OVERDUE``.

    Validity ends three years after its start (``designated_on`` while 认定通过, ``reviewed_on`` once
    复核通过): it ends within 90 days exactly when the start lies in (today - 3 years, today + 90 days -
    3 years], and has ended when the start is on or before today - 3 years. Plain date ranges, so the
    index on the date serves them and no row is computed.
    """
    started_before = years_before(today, VALID_YEARS)
    if which == DUE_SOON:
        last = years_before(today + datetime.timedelta(days=DUE_WITHIN_DAYS), VALID_YEARS)
        return _started_in(prefix, gt=started_before, lte=last)
    if which == OVERDUE:
        return _started_in(prefix, gt=None, lte=started_before)
    raise ValueError(f"unknown validity {which!r}")


def review_state_condition(which: str, *, today: datetime.date, prefix: str = "") -> Q:
    """小巨人 designations in the 复核 state ``which``: ``DUE_SOON`` or ``OVERDUE`` (``validity_condition``),
    ``PASSED`` (复核通过) or ``REVOKED`` (撤销, by a failed 复核 or otherwise: either way its result)."""
    if which in (DUE_SOON, OVERDUE):
        return validity_condition(which, today=today, prefix=prefix)
    statuses = {PASSED: DesignationStatus.REVIEWED, REVOKED: DesignationStatus.REVOKED}
    if which not in statuses:
        raise ValueError(f"unknown review state {which!r}")
    return Q(**{f"{prefix}program": Program.LITTLE_GIANT, f"{prefix}status": statuses[which]})


def _started_in(prefix: str, *, gt: datetime.date | None, lte: datetime.date) -> Q:
    """小巨人 designations whose validity started in (``gt``, ``lte``] (no lower bound when ``gt`` is None)."""
    which = Q()
    for status, start in ((DesignationStatus.CONFIRMED, "designated_on"), (DesignationStatus.REVIEWED, "reviewed_on")):
        bounds = {f"{prefix}{start}__lte": lte}
        if gt is not None:
            bounds[f"{prefix}{start}__gt"] = gt
        which |= Q(**{f"{prefix}status": status}, **bounds)
    return Q(**{f"{prefix}program": Program.LITTLE_GIANT}) & which


def revocation_cause(status: str, reviewed_on: datetime.date | None, revoked_on: datetime.date | None) -> str | None:
    """``FAILED_REVIEW``, ``REVOKED_OTHERWISE``, or None for a designation that is not revoked.

    Derived, not stored: a failed 复核 revokes on the 复核日期 and records that date as ``reviewed_on``
    (``services.review_results``), so a revocation is the 复核's exactly when the two dates are one. A
    revocation by other means leaves ``reviewed_on`` empty, or at the date of an earlier passed review.
    """
    if status != DesignationStatus.REVOKED:
        return None
    if reviewed_on is not None and reviewed_on == revoked_on:
        return FAILED_REVIEW
    return REVOKED_OTHERWISE


def revocation_cause_condition(which: str, *, prefix: str = "") -> Q:
    """Revoked 小巨人 designations whose ``revocation_cause`` is ``which`` (the admin's 撤销原因 filter)."""
    failed = Q(**{f"{prefix}reviewed_on": F(f"{prefix}revoked_on")})
    revoked = Q(**{f"{prefix}program": Program.LITTLE_GIANT, f"{prefix}status": DesignationStatus.REVOKED})
    if which == FAILED_REVIEW:
        return revoked & failed
    if which == REVOKED_OTHERWISE:
        # reviewed_on = revoked_on is unknown (NULL) when either is empty: those are revoked otherwise.
        return revoked & ~(failed & Q(**{f"{prefix}reviewed_on__isnull": False, f"{prefix}revoked_on__isnull": False}))
    raise ValueError(f"unknown revocation cause {which!r}")
