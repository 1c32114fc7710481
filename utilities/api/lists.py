"""The list base of ``/api/v1/``: filtered, keyset-paginated, exported whole as CSV or XLSX.

Every list endpoint inherits ``PortalListAPIView`` so that they all behave alike:

- unknown query parameters and invalid filter values are answered 400 naming them (never a silently ignored
  filter that returns everything);
- pages are cut by a keyset cursor (``?cursor=``) over a total order, with no COUNT(*);
- ``?format=csv`` streams the whole filtered selection, ``?format=xlsx`` writes up to ``XLSX_MAX_ROWS``.
"""

import re
from collections.abc import Iterable, Sequence

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from utilities.export import XLSX_MAX_ROWS, copy_csv_response, csv_response, export_filename, neutralise, xlsx_response

from .pagination import KeysetPagination
from .parameters import StrictParametersMixin, flag_parameter
from .renderers import LIST_RENDERERS

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

    def page_rows(self, queryset) -> QuerySet | None:
        """Optionally: the filtered, ordered ``queryset`` as a ``values()`` queryset holding everything a
        page shows in one query (related rows aggregated), with ``row_representation`` giving each row as
        the serializer would. Without it, pages are model instances through the serializer."""
        return None

    def row_representation(self, row: dict) -> dict:
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
        queryset = self.filter_queryset(self.get_queryset())
        if self.paginator is None:
            return Response(self.get_serializer(queryset, many=True).data)
        rows = self.page_rows(queryset)
        if rows is None:
            return self.get_paginated_response(self.get_serializer(self.paginate_queryset(queryset), many=True).data)
        return self.get_paginated_response([self.row_representation(row) for row in self.paginate_queryset(rows)])

    @staticmethod
    def _neutralised(rows: Iterable[Sequence]) -> Iterable[list]:
        for row in rows:
            yield [neutralise(value) for value in row]
