"""Enterprise endpoints: list, detail, and token writes of enterprises and designations. Thin: a FilterSet
and selectors in, serializers out; writes are ``EnterpriseRow`` values given to ``services.enterprise_rows_apply``."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from regions.selectors import RegionNotFound, RegionResolver
from utilities.api.caching import AnonymousReadCacheMixin
from utilities.api.lists import PortalListAPIView
from utilities.api.parameters import EXPORT_PARAMETERS, StrictParametersMixin
from utilities.api.renderers import DETAIL_RENDERERS
from utilities.tabular import FileRejected

from .. import selectors, services
from ..filtersets import EnterpriseFilterSet
from ..models import Designation, Enterprise
from .permissions import EnterpriseWritePermission
from .serializers import (
    DesignationSerializer,
    DesignationUpdateSerializer,
    DesignationWriteSerializer,
    EnterpriseSerializer,
    EnterpriseUpdateSerializer,
    EnterpriseWriteSerializer,
    enterprise_representation,
    enterprise_row,
)

CREDIT_CODE = OpenApiParameter(
    "credit_code",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The enterprise's unified social credit code (18 characters, case-insensitive).",
)
BATCH = OpenApiParameter("batch", OpenApiTypes.INT, OpenApiParameter.PATH, description="小巨人 batch number.")
NO_FORMAT = OpenApiParameter("format", exclude=True)


def _write(request, row: services.EnterpriseRow) -> None:
    try:
        services.enterprise_rows_apply(
            [row], user=request.user, via="api", label=f"api {request.method} {request.path}"
        )
    except services.DesignationWriteRefused as refused:
        # A permission, not a bad value: 403, in words that name the permission missing.
        raise PermissionDenied(refused.message) from None
    except FileRejected as rejected:
        errors: dict[str, list[str]] = {}
        for error in rejected.report.errors:
            errors.setdefault(error.column or "non_field_errors", []).append(
                f"{error.reason} (value: {error.value})" if error.value else error.reason
            )
        raise ValidationError(errors) from None


class _EnterpriseWriteMixin:
    permission_classes = [EnterpriseWritePermission]

    def get_enterprise(self, credit_code: str) -> Enterprise:
        enterprise = selectors.enterprise_get(credit_code=credit_code)
        if enterprise is None:
            raise NotFound(f"No enterprise with credit code '{credit_code}'.")
        return enterprise

    def detail_response(self, credit_code: str, status_code: int = status.HTTP_200_OK) -> Response:
        enterprise = selectors.enterprise_get(credit_code=credit_code)
        return Response(EnterpriseSerializer(enterprise).data, status=status_code)

    def designation_write(
        self, request, enterprise: Enterprise, *, batch: int | None, serializer_class, status_code: int
    ) -> Response:
        """Validate the body with ``serializer_class`` and write it over the stored row of ``batch`` (a one-row
        import, as every API write is); answer with the enterprise as it is now."""
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        _write(request, enterprise_row(serializer.validated_data, stored=enterprise, batch=batch))
        return self.detail_response(enterprise.credit_code, status_code)


@extend_schema_view(
    get=extend_schema(parameters=EXPORT_PARAMETERS),
    post=extend_schema(
        parameters=[NO_FORMAT],
        request=EnterpriseWriteSerializer,
        responses={201: EnterpriseSerializer, 400: OpenApiResponse(description="Invalid values, by column.")},
        description="Create an enterprise with its 小巨人 designation (needs a token, enterprises.add_enterprise and "
        "enterprises.add_designation). "
        "Validated, recorded and refreshed exactly like a one-row enterprises.csv import.",
    ),
)
class EnterpriseListView(AnonymousReadCacheMixin, _EnterpriseWriteMixin, PortalListAPIView):
    """小巨人 enterprises, filtered; ?format=csv exports the selection as enterprises.csv."""

    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    export_name = "enterprises"
    export_header = selectors.ENTERPRISE_EXPORT_HEADER
    write_model = Enterprise

    def get_queryset(self):
        return selectors.enterprise_list()

    def export_rows(self, queryset):
        return selectors.enterprise_export_rows(queryset)

    def page_rows(self, queryset):
        return selectors.enterprise_rows(queryset)

    def row_representation(self, row):
        return enterprise_representation(row)

    def post(self, request, *args, **kwargs):
        serializer = EnterpriseWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = enterprise_row(serializer.validated_data)
        code = row.credit_code.strip().upper()
        holder = selectors.enterprise_get(credit_code=code)
        if holder is not None:
            precise = f"An enterprise with credit code {code} exists: PATCH it."
            message = services.credit_code_taken_message(user=request.user, holder=holder, precise=precise)
            raise ValidationError({"credit_code": [message]})
        try:
            province = RegionResolver().province(row.province).province_code
        except RegionNotFound:
            province = None  # the importer reports it, with its message
        self.check_object_permissions(request, Enterprise(province_id=province))
        _write(request, row)
        return self.detail_response(code, status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(parameters=[CREDIT_CODE]),
    patch=extend_schema(
        parameters=[CREDIT_CODE],
        request=EnterpriseUpdateSerializer,
        responses={200: EnterpriseSerializer},
        description="Update an enterprise (needs a token and enterprises.change_enterprise; a batch or status that "
        "creates or changes a designation also needs enterprises.add_designation or change_designation, else 403). "
        "Omitted or empty "
        "values keep the stored ones; a rename keeps the old name as a former name. Same rules as the importer.",
    ),
)
class EnterpriseDetailView(AnonymousReadCacheMixin, _EnterpriseWriteMixin, StrictParametersMixin, GenericAPIView):
    """One enterprise with its designations.

    The URL serves ``reports.api.views.EnterpriseDetailView``, which adds the enterprise's measures in
    a snapshot: measures are a higher layer than enterprises, so they are joined there, not here.
    """

    serializer_class = EnterpriseSerializer
    renderer_classes = DETAIL_RENDERERS
    write_model = Enterprise
    http_method_names = ["get", "patch", "head", "options"]

    def detail_extra(self, request, row: dict) -> dict:
        """Fields beside the enterprise's own (a subclass adds what it joins)."""
        return {}

    def get(self, request, credit_code: str):
        # One query: the enterprise's values with its designations aggregated, in the serializer's shape.
        row = selectors.enterprise_row_get(credit_code=credit_code)
        if row is None:
            raise NotFound(f"No enterprise with credit code '{credit_code}'.")
        return Response({**enterprise_representation(row), **self.detail_extra(request, row)})

    def patch(self, request, credit_code: str):
        enterprise = self.get_enterprise(credit_code)
        self.check_object_permissions(request, enterprise)
        serializer = EnterpriseUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        given_code = serializer.validated_data.get("credit_code", "").strip().upper()
        if given_code and given_code != enterprise.credit_code:
            # The importer upserts by credit code: a different one would create another enterprise.
            raise ValidationError({"credit_code": ["The credit code is the enterprise's key and cannot be changed."]})
        designations = list(enterprise.designations.all())
        batch = designations[0].batch if designations else None
        row = enterprise_row(serializer.validated_data, stored=enterprise, batch=batch)
        _write(request, row)
        return self.detail_response(row.credit_code)


@extend_schema_view(
    get=extend_schema(parameters=[CREDIT_CODE], responses=DesignationSerializer(many=True)),
    post=extend_schema(
        parameters=[CREDIT_CODE],
        request=DesignationWriteSerializer,
        responses={201: EnterpriseSerializer},
        description="Add (or update) the enterprise's designation of a batch (needs a token and "
        "enterprises.add_designation).",
    ),
)
class DesignationListView(AnonymousReadCacheMixin, _EnterpriseWriteMixin, StrictParametersMixin, GenericAPIView):
    """The 小巨人 designations of one enterprise."""

    serializer_class = DesignationSerializer
    renderer_classes = DETAIL_RENDERERS
    queryset = Designation.objects.none()  # for the schema; the views read through selectors
    write_model = Designation
    http_method_names = ["get", "post", "head", "options"]

    def get(self, request, credit_code: str):
        enterprise = self.get_enterprise(credit_code)
        return Response(DesignationSerializer(enterprise.designations.all(), many=True).data)

    def post(self, request, credit_code: str):
        enterprise = self.get_enterprise(credit_code)
        self.check_object_permissions(request, enterprise)
        return self.designation_write(
            request,
            enterprise,
            batch=None,
            serializer_class=DesignationWriteSerializer,
            status_code=status.HTTP_201_CREATED,
        )


@extend_schema_view(
    get=extend_schema(parameters=[CREDIT_CODE, BATCH], responses=DesignationSerializer),
    patch=extend_schema(
        parameters=[CREDIT_CODE, BATCH],
        request=DesignationUpdateSerializer,
        responses={200: EnterpriseSerializer},
        description="Change a designation's status or date, e.g. revoke it (needs a token and "
        "enterprises.change_designation).",
    ),
)
class DesignationDetailView(AnonymousReadCacheMixin, _EnterpriseWriteMixin, StrictParametersMixin, GenericAPIView):
    serializer_class = DesignationSerializer
    renderer_classes = DETAIL_RENDERERS
    queryset = Designation.objects.none()  # for the schema; the views read through selectors
    write_model = Designation
    http_method_names = ["get", "patch", "head", "options"]

    def get_designation(self, enterprise: Enterprise, batch: int) -> Designation:
        for designation in enterprise.designations.all():
            if designation.batch == batch:
                return designation
        raise NotFound(f"{enterprise.credit_code} has no designation of batch {batch}.")

    def get(self, request, credit_code: str, batch: int):
        enterprise = self.get_enterprise(credit_code)
        return Response(DesignationSerializer(self.get_designation(enterprise, batch)).data)

    def patch(self, request, credit_code: str, batch: int):
        enterprise = self.get_enterprise(credit_code)
        designation = self.get_designation(enterprise, batch)
        self.check_object_permissions(request, designation)
        return self.designation_write(
            request,
            enterprise,
            batch=batch,
            serializer_class=DesignationUpdateSerializer,
            status_code=status.HTTP_200_OK,
        )
