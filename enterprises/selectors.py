"""Reads of enterprises (HackSoft's selectors): other apps, the API and the pages go through here, not the models."""

from collections.abc import Iterator

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import JSONObject

from .choices import Program
from .models import Designation, Enterprise
from .names import normalize_name
from .search import search
from .services.enterprise_file import ENTERPRISE_COLUMNS


def enterprise_name_index() -> dict[str, tuple[int | None, bool]]:
    """normalised current or former name -> (enterprise id or None when ambiguous, has a credit code).

    Read once per operation (~13k enterprises). Names are normalised here with the one normalize_name,
    not read from the name_normalized column, so enterprises written by bulk operations match too.
    """
    names: dict[str, tuple[int | None, bool]] = {}
    rows = Enterprise.objects.values_list("id", "name", "former_names", "credit_code").iterator(chunk_size=5000)
    for enterprise_id, name, former_names, credit_code in rows:
        keys = {normalize_name(name)}
        if isinstance(former_names, list):
            keys.update(normalize_name(former) for former in former_names if isinstance(former, str))
        keys.discard("")
        for key in keys:
            known = names.get(key)
            if known is None:
                names[key] = (enterprise_id, bool(credit_code))
            elif known[0] != enterprise_id:
                # Two enterprises share this name: linking by it would be a guess.
                names[key] = (None, False)
    return names


def little_giant_batches() -> list[int]:
    """The 小巨人 batch numbers that have any designation, ascending."""
    return sorted(set(Designation.objects.filter(program=Program.LITTLE_GIANT).values_list("batch", flat=True)))


# The columns of enterprises.csv, in the importer's order: an export is a file the importer reads back.
ENTERPRISE_EXPORT_HEADER = tuple(column.key for column in ENTERPRISE_COLUMNS)


def _little_giant_designations() -> QuerySet[Designation]:
    return Designation.objects.filter(program=Program.LITTLE_GIANT).order_by("batch")


def enterprise_list() -> QuerySet[Enterprise]:
    """Every enterprise with its region and 小巨人 designations (two queries per page whatever its size; the
    API reads it as ``enterprise_rows``, one)."""
    return (
        Enterprise.objects.select_related("province", "city")
        .prefetch_related(Prefetch("designations", queryset=_little_giant_designations()))
        .order_by("name", "pk")
    )


def enterprise_suggestions(*, text: str, limit: int = 10) -> list[Enterprise]:
    """Up to ``limit`` enterprises whose current or former name contains ``text`` or whose credit code
    begins with it (the list's ``q=``, through its bigram index), for the header search's suggestions.

    Unordered in SQL on purpose: ordering by name would sort every match of a common text (科技: tens of
    thousands) to keep ten; without it the index scan stops at the tenth. Names beginning with the text
    come first among the ten (``suggestion_order``)."""
    rows = search(Enterprise.objects.order_by(), text).only("pk", "credit_code", "name", "former_names")[:limit]
    return sorted(rows, key=lambda e: suggestion_order(e, text))


def suggestion_order(enterprise: Enterprise, text: str) -> tuple:
    """Current names beginning with ``text`` first, then names containing it, then former names and codes."""
    upper = text.upper()
    name = enterprise.name.upper()
    return (not name.startswith(upper), upper not in name, len(enterprise.name), enterprise.name)


def former_name_matching(enterprise: Enterprise, text: str) -> str:
    """The former name ``text`` was found in, when the current name does not hold it ("" otherwise)."""
    upper = text.upper()
    if upper in enterprise.name.upper():
        return ""
    names = enterprise.former_names if isinstance(enterprise.former_names, list) else []
    return next((n for n in names if isinstance(n, str) and upper in n.upper()), "")


def enterprise_get(*, credit_code: str) -> Enterprise | None:
    return enterprise_list().filter(credit_code=credit_code.upper()).first()


# An enterprise's own columns with its regions' names: the cells of enterprises.csv before its designation
# (``enterprise_export_rows``), and with the ids below, an enterprise's row in the API (``enterprise_rows``).
# One list for both, so a column added to the one reaches the other.
ENTERPRISE_FILE_FIELDS = (
    "credit_code",
    "name",
    "former_names",
    "province__name",
    "city__name",
    "industry_field",
    "employees",
    "listing_board",
    "stock_code",
    "primary_financing",
    "founded_on",
)
# The API's row: the file's columns, the regions' codes, and the key every list ordering is made of.
ENTERPRISE_ROW_FIELDS = ("id", *ENTERPRISE_FILE_FIELDS, "province_id", "city_id", "updated_at")
DESIGNATION_ROW_FIELDS = (
    "program",
    "batch",
    "status",
    "designated_on",
    "reviewed_on",
    "revoked_on",
    "revocation_reason",
    "updated_at",
)


def enterprise_rows(queryset: QuerySet[Enterprise]) -> QuerySet:
    """``queryset`` (``enterprise_list``, filtered and ordered) as plain values, each with its 小巨人
    designations as one array of JSON objects, oldest batch first: one query for a page of any size, and
    no model instances to build (what the API's lists and details serialise, #28)."""
    designations = _little_giant_designations().filter(enterprise=OuterRef("pk"))
    array = ArraySubquery(designations.values(row=JSONObject(**{f: f for f in DESIGNATION_ROW_FIELDS})))
    return (
        queryset.prefetch_related(None)
        .select_related(None)
        .annotate(designation_rows=array)
        .values(*ENTERPRISE_ROW_FIELDS, "designation_rows")
    )


def enterprise_row_get(*, credit_code: str) -> dict | None:
    """One enterprise as ``enterprise_rows`` gives it, by credit code (case-insensitive): one query."""
    return enterprise_rows(Enterprise.objects.filter(credit_code=credit_code.upper())).first()


def enterprise_export_rows(queryset: QuerySet[Enterprise]) -> Iterator[tuple]:
    """``queryset`` as rows of enterprises.csv, read in chunks (constant memory).

    The file holds one designation per enterprise: its first 小巨人 designation (lowest batch). Region
    cells are the names the importer resolves back to the same codes (a city by name within its province).
    Booleans are written 1/0, lists ``;``-separated, dates ``YYYY-MM-DD``, unknown values empty.
    """
    first = _little_giant_designations().filter(enterprise=OuterRef("pk"))
    rows = (
        queryset.order_by(*(queryset.query.order_by or ("name", "pk")))
        .annotate(
            first_batch=Subquery(first.values("batch")[:1]),
            first_status=Subquery(first.values("status")[:1]),
            first_designated_on=Subquery(first.values("designated_on")[:1]),
        )
        .values_list(*ENTERPRISE_FILE_FIELDS, "first_batch", "first_status", "first_designated_on")
    )
    for row in rows.iterator(chunk_size=2000):
        (code, name, former, province, city, industry, employees, board, stock, financing, founded, *designation) = row
        yield (
            code or "",
            name,
            ";".join(former or []),
            province,
            city or "",
            industry,
            employees,
            board,
            stock,
            "" if financing is None else int(financing),
            founded,
            *designation,
        )
