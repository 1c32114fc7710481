"""Reads over patents for the officials' data-quality view (the indicator engine reads its own way)."""

from collections.abc import Iterator
from functools import reduce
from operator import or_

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.db import transaction
from django.db.models import CharField, Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import JSONObject

from enterprises.models import Enterprise
from enterprises.names import normalize_name

from .models import Patent, PatentApplicant
from .services.validation import PATENT_FIELDS

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


# --- the public API -----------------------------------------------------------------------------------

# The columns of patents.csv (data-formats.md), in the importer's order: the patent's own fields as the
# importer reads them, then its applicants.
PATENT_EXPORT_HEADER = (*PATENT_FIELDS, "applicant_names", "applicant_credit_codes")
_DATES = {"application_date", "publication_date", "grant_date"}
_NUMBERS = {"cited_by_count", "license_count", "transfer_count"}
PATENT_EXPORT_COLUMN_KINDS = {
    name: "date" if name in _DATES else "plain" if name in _NUMBERS else "text" for name in PATENT_EXPORT_HEADER
}


def patent_list() -> QuerySet[Patent]:
    """Every patent, newest publication first, with its applicants and their linked enterprises prefetched."""
    applicants = PatentApplicant.objects.select_related("enterprise").order_by("position")
    return Patent.objects.prefetch_related(Prefetch("applicants", queryset=applicants)).order_by(
        "-publication_date", "-pk"
    )


def patent_rows(queryset: QuerySet[Patent]) -> QuerySet:
    """``queryset`` (``patent_list``, filtered and ordered) as plain values, each with its applicants in
    print order as one array of JSON objects (the linked enterprise's code and name joined in): one query
    for a page of any size, and no model instances to build (what the API serialises, #28)."""
    applicants = (
        PatentApplicant.objects.filter(patent=OuterRef("pk"))
        .order_by("position")
        .values(
            row=JSONObject(
                position="position",
                name="name",
                credit_code="credit_code",
                enterprise_id="enterprise_id",
                enterprise_credit_code="enterprise__credit_code",
                enterprise_name="enterprise__name",
            )
        )
    )
    return (
        queryset.prefetch_related(None)
        .annotate(applicant_rows=ArraySubquery(applicants))
        .values("id", *PATENT_FIELDS, "updated_at", "applicant_rows")
    )


def patent_row_get(*, publication_number: str) -> dict | None:
    """One patent as ``patent_rows`` gives it, by publication number (case-insensitive): one query."""
    return patent_rows(Patent.objects.filter(publication_number=publication_number.upper())).first()


def _applicant_list(column: str):
    """The applicants' ``column`` in print order, ``;``-separated, as one aggregate per patent."""
    return StringAgg(f"applicants__{column}", ";", order_by="applicants__position", output_field=CharField())


def patent_export_queryset(queryset: QuerySet[Patent], *, ordering: list[str] | None = None) -> QuerySet:
    """``queryset`` as the rows of patents.csv: one grouped query, patents joined to their applicants and
    aggregated per patent, in ``ordering`` (default: by id, which PostgreSQL streams with a merge join and
    no sort)."""
    return (
        queryset.prefetch_related(None)
        .order_by(*(ordering or ["pk"]))
        .annotate(applicant_names=_applicant_list("name"), applicant_credit_codes=_applicant_list("credit_code"))
        .values_list(*PATENT_EXPORT_HEADER)
    )


def patent_export_rows(queryset: QuerySet[Patent], *, ordering: list[str] | None = None) -> Iterator[tuple]:
    """The rows of ``patent_export_queryset``, read in chunks (constant memory).

    Read through a server-side cursor on PostgreSQL (``iterator``), inside a transaction so that the cursor
    streams instead of being materialised first (outside one, Django declares it ``WITH HOLD``).
    """
    with transaction.atomic():
        yield from patent_export_queryset(queryset, ordering=ordering).iterator(chunk_size=10_000)
