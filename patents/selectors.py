"""Reads over patents for the officials' data-quality view (the indicator engine reads its own way)."""

from django.db.models import Count, Exists, Max, Min, OuterRef, QuerySet

from enterprises.models import Enterprise
from enterprises.names import normalize_name

from .models import PatentApplicant


def unmatched_applicant_names(
    *, applicants: QuerySet[PatentApplicant] | None = None, search: str = "", offset: int = 0, limit: int = 50
) -> list[dict]:
    """Applicant names that link to no enterprise, most patents first: one row per normalised name.

    Each row: ``name_normalized``, ``name`` (one printed form), ``credit_code`` (one given code, '' if
    none), ``patents`` (distinct patents) and ``applicants`` (rows). Grouped and sliced in SQL; no total
    count, which over millions of rows would cost more than the page itself. ``applicants`` narrows the
    rows read (an official's provinces, ``officials.scoping.restrict``); all applicants by default.
    """
    applicants = (PatentApplicant.objects.all() if applicants is None else applicants).filter(enterprise__isnull=True)
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
