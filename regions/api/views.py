"""Division endpoints: /api/v1/provinces/ and /api/v1/cities/. Thin: selectors in, serializers out.

Each division carries its enterprise and application counts from the indicator snapshot (``?as_of=``), so
the response has an ``ETag`` from that snapshot and a conditional GET is answered 304.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound

from reports import selectors as report_selectors
from utilities.api import AS_OF_PARAMETER, EXPORT_PARAMETERS, PortalListAPIView, SnapshotETagMixin, as_of_parameter

from .. import selectors
from ..filtersets import CityFilterSet
from .serializers import CitySerializer, ProvinceSerializer


class _DivisionListView(SnapshotETagMixin, PortalListAPIView):
    """Not paginated: a few dozen provinces, a few hundred cities."""

    pagination_class = None
    extra_query_parameters = ("bom", "as_of")
    scope = ""

    def list(self, request, *args, **kwargs):
        as_of = as_of_parameter(request)
        self.snapshot = report_selectors.snapshot_visible(as_of=as_of)
        if as_of is not None and self.snapshot is None:
            raise NotFound(f"No complete snapshot for as_of={as_of.isoformat()}; see /api/v1/snapshots/.")
        unchanged = self.not_modified(request, self.snapshot)
        if unchanged is not None:
            return unchanged
        return super().list(request, *args, **kwargs)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        snapshot = getattr(self, "snapshot", None)
        if snapshot is not None:
            rows = report_selectors.scope_indicator_list(snapshot=snapshot, scope=self.scope)
            context["indicators"] = {
                row.code: row for row in rows.only("code", "enterprise_count", "applications_total")
            }
        return context

    def export_rows(self, queryset):
        context = self.get_serializer_context()
        for item in self.get_serializer(queryset, many=True, context=context).data:
            yield [item[name] for name in self.export_header]


@extend_schema(parameters=[AS_OF_PARAMETER, *EXPORT_PARAMETERS])
class ProvinceListView(_DivisionListView):
    """Every province-level division (GB/T 2260) with its counts in the snapshot."""

    serializer_class = ProvinceSerializer
    scope = "province"
    export_name = "provinces"
    export_header = ProvinceSerializer.Meta.fields

    def get_queryset(self):
        return selectors.province_list()


@extend_schema(parameters=[AS_OF_PARAMETER, *EXPORT_PARAMETERS])
class CityListView(_DivisionListView):
    """Every prefecture-level division with its counts in the snapshot; filter by province or cluster."""

    serializer_class = CitySerializer
    filterset_class = CityFilterSet
    scope = "city"
    export_name = "cities"
    export_header = CitySerializer.Meta.fields

    def get_queryset(self):
        return selectors.city_list()
