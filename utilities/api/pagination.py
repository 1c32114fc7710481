"""Keyset pagination: pages cut by a cursor over a total order, with no COUNT(*), so that page 10,000 of
the patents costs what page 1 costs and rows inserted meanwhile never shift a page."""

import datetime
from decimal import Decimal

from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param


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
    # The module it was first written in: a new salt would make every cursor handed out so far a 400.
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
        # A model instance, or a row of ``values()`` (the lean lists select every ordering column).
        read = row.__getitem__ if isinstance(row, dict) else lambda name: getattr(row, name)
        values = [_json_value(read(field.attname)) for field, _ in fields]
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
