"""Patent endpoints: list (keyset-paginated, exported whole as patents.csv) and detail. Thin."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from utilities.api.caching import AnonymousReadCacheMixin
from utilities.api.lists import PortalListAPIView
from utilities.api.parameters import EXPORT_PARAMETERS, StrictParametersMixin
from utilities.api.renderers import DETAIL_RENDERERS

from .. import selectors
from ..filtersets import PatentFilterSet
from .serializers import PatentSerializer, patent_representation


@extend_schema(parameters=EXPORT_PARAMETERS)
class PatentListView(AnonymousReadCacheMixin, PortalListAPIView):
    """Patents with their applicants, newest publication first; ?format=csv exports the selection as
    patents.csv (in id order unless ?ordering= is given)."""

    serializer_class = PatentSerializer
    filterset_class = PatentFilterSet
    export_name = "patents"
    export_header = selectors.PATENT_EXPORT_HEADER

    def get_queryset(self):
        return selectors.patent_list()

    def _export_ordering(self, queryset) -> list[str] | None:
        # The FilterSet already ordered the queryset when ?ordering= was given; otherwise stream in id order.
        return list(queryset.query.order_by) if self.request.query_params.get("ordering") else None

    def export_rows(self, queryset):
        return selectors.patent_export_rows(queryset, ordering=self._export_ordering(queryset))

    def page_rows(self, queryset):
        return selectors.patent_rows(queryset)

    def row_representation(self, row):
        return patent_representation(row)

    def export_copy(self, queryset):
        rows = selectors.patent_export_queryset(queryset, ordering=self._export_ordering(queryset))
        return rows, selectors.PATENT_EXPORT_COLUMN_KINDS


@extend_schema(
    parameters=[
        OpenApiParameter(
            "publication_number",
            OpenApiTypes.STR,
            OpenApiParameter.PATH,
            description="First publication number (公开号), e.g. CN112345678A (case-insensitive).",
        )
    ]
)
class PatentDetailView(AnonymousReadCacheMixin, StrictParametersMixin, GenericAPIView):
    """One patent with its applicants and the enterprises they are linked to."""

    serializer_class = PatentSerializer
    renderer_classes = DETAIL_RENDERERS

    def get(self, request, publication_number: str):
        row = selectors.patent_row_get(publication_number=publication_number)
        if row is None:
            raise NotFound(f"No patent with publication number '{publication_number}'.")
        return Response(patent_representation(row))
