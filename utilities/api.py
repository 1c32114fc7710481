"""The shared base of the public REST API: refused input, keyset pagination, exports and ETags.

Every list endpoint of ``/api/v1/`` inherits ``PortalListAPIView`` so that they all behave alike:

- unknown query parameters and invalid filter values are answered 400 naming them (never a silently ignored
  filter that returns everything);
- pages are cut by a keyset cursor (``?cursor=``) over a total order, with no COUNT(*): page 10,000 of the
  patents costs what page 1 costs, and rows inserted meanwhile never shift a page;
- ``?format=csv`` streams the whole filtered selection, ``?format=xlsx`` writes up to ``XLSX_MAX_ROWS``.
"""

import datetime
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from .export import XLSX_MAX_ROWS, copy_csv_response, csv_response, export_filename, neutralise, xlsx_response

# --- renderers --------------------------------------------------------------------------------------


class _ExportRenderer(BaseRenderer):
    """Lets content negotiation accept ``?format=csv|xlsx``; the export views answer with a streaming
    response of their own, so ``render`` only ever formats an error."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data, ensure_ascii=False).encode("utf-8")


class CSVExportRenderer(_ExportRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXExportRenderer(_ExportRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"


LIST_RENDERERS = [JSONRenderer, BrowsableAPIRenderer, CSVExportRenderer, XLSXExportRenderer]
DETAIL_RENDERERS = [JSONRenderer, BrowsableAPIRenderer]

EXPORT_PARAMETERS = [
    OpenApiParameter(
        "format",
        OpenApiTypes.STR,
        enum=["json", "csv", "xlsx"],
        description="json (default): one page. csv: the whole filtered selection, streamed; for enterprises and "
        f"patents in the interchange format of data-formats.md, so it imports back. xlsx: the same as a "
        f"workbook, at most {XLSX_MAX_ROWS:,} rows (larger selections: use csv). Text cells starting with "
        "= + - @ are written with a leading apostrophe (formula injection); the importers remove it.",
    ),
    OpenApiParameter(
        "bom", OpenApiTypes.STR, enum=["0", "1"], description="csv only: 1 starts the file with a UTF-8 BOM (Excel)."
    ),
]


# --- refused input ----------------------------------------------------------------------------------


def filterset_parameters(filterset_class) -> set[str]:
    """Every query parameter a FilterSet reads: range filters read ``<name>_after``/``_before`` etc."""
    names: set[str] = set()
    form = filterset_class().form
    for name, field in form.fields.items():
        widget = field.widget
        suffixes = getattr(widget, "suffixes", None)
        if suffixes:
            names.update(widget.suffixed(name, suffix) for suffix in suffixes)
        else:
            names.add(name)
    return names


def refuse_unknown_parameters(request, allowed: Iterable[str]) -> None:
    unknown = sorted(set(request.query_params) - set(allowed))
    if unknown:
        raise ValidationError(
            {
                "detail": gettext("未知的查询参数：%(names)s") % {"names": ", ".join(unknown)},
                "unknown_parameters": unknown,
            }
        )


def flag_parameter(request, name: str) -> bool:
    """A 0/1 switch such as ``?bom=1``; anything else is refused."""
    value = request.query_params.get(name)
    if value in (None, "", "0"):
        return False
    if value == "1":
        return True
    raise ValidationError({name: [f"Expected 0 or 1, got '{value}'."]})


class StrictParametersMixin:
    """Refuses query parameters the view does not read (400 naming them) before anything else runs.

    A view reads its FilterSet's parameters, its paginator's, ``format`` and ``extra_query_parameters``.
    """

    extra_query_parameters: Sequence[str] = ()
    formats: Sequence[str] = ("json", "api")

    def allowed_query_parameters(self) -> set[str]:
        allowed = {"format", *self.extra_query_parameters}
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            allowed |= filterset_parameters(filterset_class)
        paginator = getattr(self, "paginator", None)
        if paginator is not None:
            allowed |= set(getattr(paginator, "query_parameters", ()))
        return allowed

    def initial(self, request, *args, **kwargs):
        refuse_unknown_parameters(request, self.allowed_query_parameters())
        requested = request.query_params.get("format")
        if requested is not None and requested not in self.formats:
            raise ValidationError({"format": [f"Expected one of {', '.join(self.formats)}, got '{requested}'."]})
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(getattr(self.request, "accepted_renderer", None), _ExportRenderer):
            # An error of an export request is still a JSON error body, not a file.
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return response


# --- keyset pagination --------------------------------------------------------------------------------


def _ordering_of(queryset: QuerySet) -> list[tuple[str, bool]]:
    """(field name, descending) for each term of the queryset's ORDER BY (or the model's default)."""
    terms = queryset.query.order_by or queryset.query.get_meta().ordering or ["pk"]
    ordering = []
    for term in terms:
        if isinstance(term, str):
            ordering.append((term.lstrip("-"), term.startswith("-")))
        elif isinstance(term, OrderBy) and isinstance(term.expression, F):
            ordering.append((term.expression.name, term.descending))
        else:
            raise TypeError(f"keyset pagination cannot order by {term!r}")
    return ordering


def _json_value(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class KeysetPagination(BasePagination):
    """Cursor pagination over any total order, without COUNT(*) and stable while rows are inserted.

    The cursor is the signed list of the ordering values of the last row sent; the next page is the rows
    strictly after it. When the order is one direction over non-null columns the condition is a row
    comparison ``(a, b) > (x, y)`` that a composite index answers directly; otherwise (mixed directions,
    nullable columns, which sort last) it is the equivalent OR of prefixes, led by a bound on the first
    column so that its index still narrows the scan. A cursor that was tampered with, or was made for
    another ordering, is a 400.
    """

    page_size = 50
    max_page_size = 500
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    query_parameters = (cursor_query_param, page_size_query_param)
    salt = "utilities.api.KeysetPagination"

    # --- the order ---
    def _fields(self, queryset: QuerySet) -> list[tuple[object, bool]]:
        """Model fields and directions of the order, cut after the first unique non-null field (or
        completed by the primary key, in the direction of the last term) so that the order is total."""
        meta = queryset.model._meta
        fields = []
        for name, descending in _ordering_of(queryset):
            try:
                field = meta.pk if name == "pk" else meta.get_field(name)
            except FieldDoesNotExist:
                raise TypeError(f"keyset pagination needs a field of {meta.label}, not {name!r}") from None
            if not getattr(field, "concrete", False) or getattr(field, "many_to_many", False):
                raise TypeError(f"keyset pagination cannot order by {name!r}")
            fields.append((field, descending))
            if field.unique and not field.null:
                return fields
        fields.append((meta.pk, fields[-1][1] if fields else False))
        return fields

    @staticmethod
    def _order_by(fields) -> list:
        terms = []
        for field, descending in fields:
            expression = F(field.attname)
            if field.null:
                # NULL (unknown) last in both directions, on every backend.
                terms.append(expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True))
            else:
                terms.append(expression.desc() if descending else expression.asc())
        return terms

    # --- the cursor ---
    @staticmethod
    def _signature(fields) -> list[str]:
        return [("-" if descending else "") + field.attname for field, descending in fields]

    def _encode(self, row, fields) -> str:
        values = [_json_value(getattr(row, field.attname)) for field, _ in fields]
        return signing.dumps({"o": self._signature(fields), "v": values}, salt=self.salt, compress=True)

    def _decode(self, cursor: str, fields) -> list:
        try:
            payload = signing.loads(cursor, salt=self.salt)
            if payload["o"] != self._signature(fields):
                raise ValidationError({self.cursor_query_param: ["The cursor was made for another ordering."]})
            values = payload["v"]
            if len(values) != len(fields):
                raise ValueError
            return [
                None if value is None else field.to_python(value)
                for (field, _), value in zip(fields, values, strict=True)
            ]
        except (signing.BadSignature, ValueError, TypeError, KeyError, DjangoValidationError):
            raise ValidationError({self.cursor_query_param: ["Invalid cursor."]}) from None

    # --- the condition "after the cursor" ---
    @staticmethod
    def _after(queryset: QuerySet, fields, values) -> QuerySet:
        same_direction = len({descending for _, descending in fields}) == 1
        if same_direction and all(not field.null for field, _ in fields):
            quote = connection.ops.quote_name
            table = quote(queryset.model._meta.db_table)
            columns = ", ".join(f"{table}.{quote(field.column)}" for field, _ in fields)
            placeholders = ", ".join(["%s"] * len(fields))
            params = [
                field.get_db_prep_value(value, connection) for (field, _), value in zip(fields, values, strict=True)
            ]
            operator = "<" if fields[0][1] else ">"
            # Row comparison: what a composite index on these columns answers without scanning the skipped rows.
            return queryset.extra(where=[f"({columns}) {operator} ({placeholders})"], params=params)
        condition = Q(pk__in=[])
        equal = Q()
        for (field, descending), value in zip(fields, values, strict=True):
            name = field.attname
            if value is None:
                # Rows with NULL sort last: after a NULL only other NULLs (broken by the later fields).
                equal &= Q(**{f"{name}__isnull": True})
                continue
            beyond = Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
            if field.null:
                beyond |= Q(**{f"{name}__isnull": True})
            condition |= equal & beyond
            equal &= Q(**{name: value})
        first, first_descending = fields[0]
        if values[0] is not None:
            # Redundant with the OR above but index-friendly: lets the first column's index narrow the scan.
            bound = Q(**{f"{first.attname}__{'lte' if first_descending else 'gte'}": values[0]})
            if first.null:
                bound |= Q(**{f"{first.attname}__isnull": True})
            queryset = queryset.filter(bound)
        return queryset.filter(condition)

    # --- the page ---
    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [f"Expected a whole number 1..{self.max_page_size}."]})
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self.get_page_size(request)
        fields = self._fields(queryset)
        queryset = queryset.order_by(*self._order_by(fields))
        cursor = request.query_params.get(self.cursor_query_param)
        if cursor:
            queryset = self._after(queryset, fields, self._decode(cursor, fields))
        rows = list(queryset[: size + 1])
        self.next_cursor = self._encode(rows[size - 1], fields) if len(rows) > size else None
        return rows[:size]

    def get_next_link(self) -> str | None:
        if self.next_cursor is None:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, self.next_cursor)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "URL of the next page (same filters, a cursor after this page's last row); "
                    "null on the last page. There is no total count.",
                },
                "results": {**schema, "description": "This page's rows, in the requested order."},
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque cursor taken from the `next` link of the previous page.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1..{self.max_page_size} (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


# --- the list base ------------------------------------------------------------------------------------


_SCOPE_UNSAFE = re.compile(r"[^0-9A-Za-z_.-]+")


class PortalListAPIView(StrictParametersMixin, generics.ListAPIView):
    """A filtered, keyset-paginated list that also exports its whole selection as CSV or XLSX.

    Subclasses set ``filterset_class`` and ``export_name`` and implement ``export_header`` and
    ``export_rows(queryset)`` (rows of plain values; text cells are neutralised here).
    """

    filter_backends = [DjangoFilterBackend]
    pagination_class = KeysetPagination
    renderer_classes = LIST_RENDERERS
    formats = ("json", "api", "csv", "xlsx")
    extra_query_parameters = ("bom",)
    export_name = "export"
    export_header: Sequence[str] = ()

    def export_rows(self, queryset) -> Iterable[Sequence]:
        raise NotImplementedError

    def export_copy(self, queryset) -> tuple[QuerySet, dict[str, str]] | None:
        """Optionally, on PostgreSQL: (a ``values_list`` of the export rows, the kind of each column) for
        ``COPY … TO STDOUT``, which writes a large CSV several times faster than Python can."""
        return None

    def export_scope(self) -> str:
        """What the file holds, for its name: ``patents-jurisdiction-WO-province-320000``."""
        parts = [self.export_name]
        ignored = {"format", "bom", "cursor", "page_size", "ordering"}
        for name in sorted(self.request.query_params):
            if name in ignored:
                continue
            value = ",".join(self.request.query_params.getlist(name))
            cleaned = _SCOPE_UNSAFE.sub("_", value).strip("_")
            parts.append(f"{name}-{cleaned}" if cleaned else name)
        return "-".join(parts)[:120]

    def list(self, request, *args, **kwargs):
        requested = request.query_params.get("format")
        bom = flag_parameter(request, "bom")
        if requested in ("csv", "xlsx"):
            queryset = self.filter_queryset(self.get_queryset())
            filename = export_filename(self.export_scope(), requested)
            if requested == "csv":
                copy = self.export_copy(queryset)
                if copy is not None:
                    return copy_csv_response(*copy, filename=filename, bom=bom)
                return csv_response(
                    self.export_header,
                    lambda: self._neutralised(self.export_rows(queryset)),
                    filename=filename,
                    bom=bom,
                )
            if queryset[: XLSX_MAX_ROWS + 1].count() > XLSX_MAX_ROWS:
                raise ValidationError(
                    {
                        "format": [
                            f"The selection has more than {XLSX_MAX_ROWS:,} rows, too many for XLSX: use format=csv "
                            "(streamed, any size), or narrow the selection with filters."
                        ]
                    }
                )
            return xlsx_response(self.export_header, self._neutralised(self.export_rows(queryset)), filename=filename)
        return super().list(request, *args, **kwargs)

    @staticmethod
    def _neutralised(rows: Iterable[Sequence]) -> Iterable[list]:
        for row in rows:
            yield [neutralise(value) for value in row]


# --- ETags from the snapshot ------------------------------------------------------------------------


def snapshot_etag(request, snapshot) -> str:
    """An ETag for a response computed from ``snapshot``: changes when it is recomputed or refreshed
    (``data_read_at`` moves), and differs per URL and representation."""
    computed = snapshot.data_read_at.isoformat() if snapshot and snapshot.data_read_at else "none"
    renderer = getattr(getattr(request, "accepted_renderer", None), "format", "")
    key = f"{getattr(snapshot, 'pk', 'none')}|{computed}|{request.get_full_path()}|{renderer}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def _etag_matches(request, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    if header.strip() == "*":
        return True
    candidates = {candidate.strip().removeprefix("W/") for candidate in header.split(",")}
    return etag in candidates


class SnapshotETagMixin:
    """``ETag`` from the snapshot a response is computed from; a conditional GET that matches gets 304.

    The view sets ``self.etag_snapshot`` while handling the request; the 304 is decided before the
    response body is serialised where the view can (``not_modified``) and after it otherwise.
    """

    def not_modified(self, request, snapshot) -> Response | None:
        etag = snapshot_etag(request, snapshot)
        self._etag = etag
        if _etag_matches(request, etag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        etag = getattr(self, "_etag", None)
        if etag and response.status_code in (200, 304):
            response["ETag"] = etag
        return response


def as_of_parameter(request) -> datetime.date | None:
    """``?as_of=YYYY-MM-DD`` or None; a malformed date is a 400 naming the parameter."""
    raw = request.query_params.get("as_of")
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({"as_of": [f"'{raw}' is not a date in the form YYYY-MM-DD."]}) from None


AS_OF_PARAMETER = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="Cut-off date YYYY-MM-DD of the indicator snapshot to read (default: the newest complete snapshot).",
)
