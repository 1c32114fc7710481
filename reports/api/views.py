"""Indicator and snapshot endpoints, and the enterprise and division endpoints with what they join from a
snapshot. Thin: parse the request, call a selector, serialize."""

import unicodedata

from django.conf import settings
from django.core.cache import cache
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises.api import views as enterprise_views
from regions.api import views as division_views
from utilities.api.caching import (
    DATA_VERSION_KEY,
    SNAPSHOT_VERSION_KEY,
    AnonymousReadCacheMixin,
    data_settled,
    settled,
    snapshot_version,
    versions,
)
from utilities.api.etags import SnapshotETagMixin
from utilities.api.parameters import AS_OF_PARAMETER, EXPORT_PARAMETERS, as_of_parameter

from .. import selectors
from ..choices import Scope, SnapshotStatus
from ..models import Snapshot
from .renderers import CSVRenderer
from .serializers import (
    CitySerializer,
    EnterpriseDetailSerializer,
    MeasuresSerializer,
    ProvinceSerializer,
    ScopeIndicatorListSerializer,
    ScopeIndicatorSerializer,
    SnapshotSerializer,
)

RENDERERS = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]

FORMAT_PARAMETER = OpenApiParameter(
    "format", OpenApiTypes.STR, enum=["json", "csv"], description="json (default) or csv (one line per result)."
)
SCOPE_PARAMETER = OpenApiParameter(
    "scope",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=Scope.values,
    description="Grouping of the indicators (统计口径): " + ", ".join(Scope.values) + ".",
)
CODE_PARAMETER = OpenApiParameter(
    "code",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Code within the scope: CN (national), a division code (320000), jjj/yrd/gba, an industry key, "
    "a batch number or a board key.",
)


def _code_param(code: str) -> str:
    # PostgreSQL refuses a NUL in a string literal (a 500); no code contains a control character.
    if any(unicodedata.category(char) == "Cc" for char in code):
        raise NotFound("No such code.")
    return code


def _scope_param(scope: str) -> str:
    if scope not in Scope.values:
        raise NotFound(f"Unknown scope '{scope}'. Scopes: {', '.join(Scope.values)}.")
    return scope


def snapshot_from_request(request, *, required: bool) -> Snapshot | None:
    """The complete snapshot a request reads: the one of ``?as_of=``, else the newest.

    A malformed ``as_of`` is a 400 and an ``as_of`` no complete snapshot has is a 404, on every endpoint
    alike. Without ``as_of`` and before any snapshot exists, an endpoint that is nothing but a snapshot's
    numbers (``required``) answers 404; one that only adds them to its own data reads None.
    """
    as_of = as_of_parameter(request)
    snapshot = selectors.snapshot_visible(as_of=as_of)
    if snapshot is None and as_of is not None:
        raise NotFound(
            f"No complete snapshot for as_of={as_of.isoformat()}; see /api/v1/snapshots/ for the available dates."
        )
    if snapshot is None and required:
        raise NotFound("No indicators have been computed yet (no complete snapshot).")
    return snapshot


def snapshot_stamp(request, *, required: bool) -> str:
    """The snapshot a request reads, as ``snapshot:<id>:<data_read_at>`` (or ``snapshot:none``), cached
    under the snapshot version, which every save or delete of a snapshot advances: a read that needs only
    its id (the enterprise detail's measures) finds it without a query."""
    version = snapshot_version()
    as_of = as_of_parameter(request)  # a malformed date is a 400 before anything is read or stored
    key = f"api:snapshot-stamp:{version}:{as_of.isoformat() if as_of else ''}"
    if version is not None:
        stamp = cache.get(key)
        # No snapshot yet, where one is required: the lookup again, for its 404.
        if stamp is not None and not (required and stamp == "snapshot:none"):
            return stamp
    snapshot = snapshot_from_request(request, required=required)
    stamp = "snapshot:none"
    if snapshot is not None:
        read_at = snapshot.data_read_at.isoformat() if snapshot.data_read_at else ""
        stamp = f"snapshot:{snapshot.pk}:{read_at}"
    if version is not None and settled(SNAPSHOT_VERSION_KEY):
        cache.set(key, stamp, settings.API_CACHE_SECONDS)
    return stamp


def snapshot_id_from_request(request, *, required: bool) -> int | None:
    """The id of the snapshot ``snapshot_from_request`` finds, from its cached stamp (no query on a hit)."""
    stamp = snapshot_stamp(request, required=required)
    return None if stamp == "snapshot:none" else int(stamp.split(":")[1])


class _SnapshotReadCacheMixin(AnonymousReadCacheMixin):
    """Anonymous reads of a snapshot's indicators, cached per snapshot (JSON and the one-line-a-result CSV)."""

    cached_formats = ("json", "csv")

    def read_stamp(self, request) -> str | None:
        # Every change of a snapshot advances the version: one round trip keys the answer (#28).
        return versions(SNAPSHOT_VERSION_KEY)

    def read_settled(self) -> bool:
        return settled(SNAPSHOT_VERSION_KEY)


def _read_current(request, read, snapshot: Snapshot | None = None):
    """``read(snapshot)`` on the visible snapshot, again on its successor if a recompute replaced it meanwhile.

    A full recompute deletes the snapshot it replaces (with its rows) in the transaction that completes
    the new one: a request that picked the old snapshot just before reads no rows just after. Measured
    under load (bench/load.py) as a 404 for a code that exists.
    """
    snapshot = snapshot or snapshot_from_request(request, required=True)
    result = read(snapshot)
    if not result and not Snapshot.objects.filter(pk=snapshot.pk, status=SnapshotStatus.COMPLETE).exists():
        snapshot = snapshot_from_request(request, required=True)
        result = read(snapshot)
    return snapshot, result


class ScopeIndicatorListView(_SnapshotReadCacheMixin, SnapshotETagMixin, APIView):
    """The indicators of every code in a scope (e.g. all provinces), for one snapshot."""

    renderer_classes = RENDERERS

    @extend_schema(
        operation_id="indicators_list",
        parameters=[AS_OF_PARAMETER, FORMAT_PARAMETER, SCOPE_PARAMETER],
        responses=ScopeIndicatorListSerializer,
    )
    def get(self, request, scope: str):
        scope = _scope_param(scope)
        snapshot = snapshot_from_request(request, required=True)
        unchanged = self.not_modified(request, snapshot)
        if unchanged is not None:
            return unchanged
        snapshot, rows = _read_current(
            request, lambda snapshot: list(selectors.scope_indicator_list(snapshot=snapshot, scope=scope)), snapshot
        )
        for row in rows:
            row.snapshot = snapshot  # already loaded: no query per row
        return Response(
            {
                "scope": scope,
                "as_of": snapshot.as_of,
                # Same rendering as each result's computed_at (the site's time zone), not a raw datetime.
                "computed_at": serializers.DateTimeField().to_representation(snapshot.computed_at),
                "count": len(rows),
                "results": ScopeIndicatorSerializer(rows, many=True).data,
            }
        )


class ScopeIndicatorDetailView(_SnapshotReadCacheMixin, SnapshotETagMixin, APIView):
    """One scope code's indicators, e.g. /api/v1/indicators/province/320000/."""

    renderer_classes = RENDERERS

    @extend_schema(
        operation_id="indicators_retrieve",
        parameters=[AS_OF_PARAMETER, FORMAT_PARAMETER, SCOPE_PARAMETER, CODE_PARAMETER],
        responses=ScopeIndicatorSerializer,
    )
    def get(self, request, scope: str, code: str):
        scope, code = _scope_param(scope), _code_param(code)
        snapshot = snapshot_from_request(request, required=True)
        unchanged = self.not_modified(request, snapshot)
        if unchanged is not None:
            return unchanged
        snapshot, row = _read_current(
            request, lambda snapshot: selectors.scope_indicator_get(snapshot=snapshot, scope=scope, code=code), snapshot
        )
        if row is None:
            raise NotFound(f"No {scope} with code '{code}' in the snapshot of {snapshot.as_of.isoformat()}.")
        row.snapshot = snapshot
        return Response(ScopeIndicatorSerializer(row).data)


class SnapshotPagination(CursorPagination):
    ordering = "-id"
    page_size = 50
    invalid_cursor_message = "Invalid cursor: use the next/previous links of a response."

    def decode_cursor(self, request):
        """A cursor this API did not write is the caller's error (400), not a 500 from the id filter.

        DRF checks the offset and direction but passes the position (``p``, here an id) straight to the
        query, so ``?cursor=cD1hYmM=`` ("p=abc") reached the database.
        """
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise ValidationError({"cursor": self.invalid_cursor_message}) from None
        position = cursor.position if cursor is not None else None
        if position is not None and not (position.isascii() and position.isdigit() and int(position) < 2**63):
            raise ValidationError({"cursor": self.invalid_cursor_message})
        return cursor

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        properties = response["properties"]
        properties["next"]["description"] = "URL of the next (older) page; null on the last page."
        properties["previous"]["description"] = "URL of the previous (newer) page; null on the first page."
        properties["results"]["description"] = "Snapshots, newest first."
        return response


class SnapshotListView(generics.ListAPIView):
    """Computed snapshots, newest first; ``?status=complete`` for the ones readers can select."""

    serializer_class = SnapshotSerializer
    renderer_classes = RENDERERS
    pagination_class = SnapshotPagination
    filter_backends: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=SnapshotStatus.values,
                description="Only snapshots in this state; complete ones are what readers can select by as_of.",
            ),
            FORMAT_PARAMETER,
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        status = self.request.query_params.get("status")
        if status and status not in SnapshotStatus.values:
            raise ValidationError({"status": f"Expected one of {', '.join(SnapshotStatus.values)}."})
        return selectors.snapshot_list(status=status)


# --- enterprises and divisions with what they join from a snapshot ------------------------------------


@extend_schema_view(get=extend_schema(parameters=[AS_OF_PARAMETER, enterprise_views.CREDIT_CODE]))
class EnterpriseDetailView(enterprise_views.EnterpriseDetailView):
    """One enterprise with its designations and its measures in the snapshot of ?as_of=."""

    serializer_class = EnterpriseDetailSerializer
    extra_query_parameters = ("as_of",)

    def read_stamp(self, request) -> str | None:
        # The enterprise's data and its measures in the snapshot, in one round trip.
        return versions(DATA_VERSION_KEY, SNAPSHOT_VERSION_KEY)

    def read_settled(self) -> bool:
        return data_settled() and settled(SNAPSHOT_VERSION_KEY)

    def detail_extra(self, request, row) -> dict:
        # The snapshot from its cached stamp: with the enterprise's row, two queries in all on a miss.
        snapshot_id = snapshot_id_from_request(request, required=False)
        measure = None
        if snapshot_id is not None:
            measure = selectors.enterprise_measure_get(snapshot=snapshot_id, enterprise_id=row["id"])
        return {"measures": MeasuresSerializer(measure).data if measure is not None else None}


class _DivisionCountsMixin(AnonymousReadCacheMixin, SnapshotETagMixin):
    """Each division's enterprise and application counts from the snapshot of ``?as_of=``; the response has
    an ``ETag`` from that snapshot and a conditional GET is answered 304. Anonymous reads are cached per
    snapshot (the divisions themselves are GB/T 2260's)."""

    def read_stamp(self, request) -> str | None:
        return versions(SNAPSHOT_VERSION_KEY)

    def read_settled(self) -> bool:
        return settled(SNAPSHOT_VERSION_KEY)

    extra_query_parameters = ("bom", "as_of")
    scope = ""

    def list(self, request, *args, **kwargs):
        self.snapshot = snapshot_from_request(request, required=False)
        unchanged = self.not_modified(request, self.snapshot)
        if unchanged is not None:
            return unchanged
        return super().list(request, *args, **kwargs)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        snapshot = getattr(self, "snapshot", None)
        if snapshot is not None:
            rows = selectors.scope_indicator_list(snapshot=snapshot, scope=self.scope)
            context["indicators"] = {
                row.code: row for row in rows.only("code", "enterprise_count", "applications_total")
            }
        return context


@extend_schema(parameters=[AS_OF_PARAMETER, *EXPORT_PARAMETERS])
class ProvinceListView(_DivisionCountsMixin, division_views.ProvinceListView):
    """Every province-level division (GB/T 2260) with its counts in the snapshot."""

    serializer_class = ProvinceSerializer
    scope = "province"
    export_header = ProvinceSerializer.Meta.fields


@extend_schema(parameters=[AS_OF_PARAMETER, *EXPORT_PARAMETERS])
class CityListView(_DivisionCountsMixin, division_views.CityListView):
    """Every prefecture-level division with its counts in the snapshot; filter by province or cluster."""

    serializer_class = CitySerializer
    scope = "city"
    export_header = CitySerializer.Meta.fields
