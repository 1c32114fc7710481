"""Reads over patents for the officials' data-quality view (the indicator engine reads its own way)."""

from functools import reduce
from operator import or_

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet

from enterprises.models import Enterprise
from enterprises.names import normalize_name

from .models import PatentApplicant

# Words that mark a university or research institute rather than a firm (they are never Little Giants).
INSTITUTION_WORDS = ("大学", "学院", "学校", "研究院", "研究所", "研究中心", "科学院", "实验室", "医院")


def _institution_names() -> Q:
    return reduce(or_, (Q(name_normalized__contains=word) for word in INSTITUTION_WORDS))


def unmatched_applicant_names(
    *,
    applicants: QuerySet[PatentApplicant] | None = None,
    institutions: bool | None = None,
    search: str = "",
    offset: int = 0,
    limit: int = 50,
) -> list[dict]:
    """Applicant names that link to no enterprise, most patents first: one row per normalised name.

    Each row: ``name_normalized``, ``name`` (one printed form), ``credit_code`` (one given code, '' if
    none), ``patents`` (distinct patents) and ``applicants`` (rows). Grouped and sliced in SQL; no total
    count, which over millions of rows would cost more than the page itself. ``applicants`` narrows the
    rows read (an official's provinces, ``utilities.scoping.restrict``); all applicants by default.
    ``institutions`` True keeps universities and research institutes only, False leaves them out.
    """
    applicants = (PatentApplicant.objects.all() if applicants is None else applicants).filter(enterprise__isnull=True)
    if institutions is True:
        applicants = applicants.filter(_institution_names())
    elif institutions is False:
        applicants = applicants.exclude(_institution_names())
    key = normalize_name(search)
    if key:
        applicants = applicants.filter(name_normalized__contains=key)
    rows = (
        applicants.values("name_normalized")
        .annotate(
            name=Min("name"),
            credit_code=Max("credit_code"),
            patents=Count("patent", distinct=True),
            applicants=Count("id"),
        )
        .order_by("-patents", "name_normalized")
    )
    return list(rows[offset : offset + limit])


def enterprises_without_credit_code(*, enterprises: QuerySet[Enterprise] | None = None) -> QuerySet[Enterprise]:
    """Incomplete enterprises (from official lists, not matched yet): they can only be linked by name."""
    enterprises = Enterprise.objects.all() if enterprises is None else enterprises
    return enterprises.without_credit_code().select_related("province", "city").order_by("name", "pk")


def enterprises_without_patents(*, enterprises: QuerySet[Enterprise] | None = None) -> QuerySet[Enterprise]:
    """Enterprises no patent applicant is linked to: a missing name variant or a truly patent-less firm."""
    linked = PatentApplicant.objects.filter(enterprise=OuterRef("pk"))
    enterprises = Enterprise.objects.all() if enterprises is None else enterprises
    return enterprises.filter(~Exists(linked)).select_related("province", "city").order_by("name", "pk")
