"""Division endpoints: /api/v1/provinces/ and /api/v1/cities/. Thin: selectors in, serializers out.

The URLs serve the subclasses in ``reports.api.views``, which add each division's counts from an indicator
snapshot (``?as_of=``) and the snapshot's ``ETag``: counts are a higher layer than the divisions.
"""

from utilities.api.lists import PortalListAPIView

from .. import selectors
from ..filtersets import CityFilterSet
from .serializers import CitySerializer, ProvinceSerializer


class DivisionListView(PortalListAPIView):
    """Not paginated: a few dozen provinces, a few hundred cities."""

    pagination_class = None

    def export_rows(self, queryset):
        context = self.get_serializer_context()
        for item in self.get_serializer(queryset, many=True, context=context).data:
            yield [item[name] for name in self.export_header]


class ProvinceListView(DivisionListView):
    """Every province-level division (GB/T 2260)."""

    serializer_class = ProvinceSerializer
    export_name = "provinces"
    export_header = ProvinceSerializer.Meta.fields

    def get_queryset(self):
        return selectors.province_list()


class CityListView(DivisionListView):
    """Every prefecture-level division; filter by province or cluster."""

    serializer_class = CitySerializer
    filterset_class = CityFilterSet
    export_name = "cities"
    export_header = CitySerializer.Meta.fields

    def get_queryset(self):
        return selectors.city_list()
