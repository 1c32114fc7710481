"""The REST API side of ``utilities.scoping``: a mixin for DRF views that write province-scoped data.

Reads of the public API stay public (the numbers and enterprises are published); every write goes
through the same restriction the admin uses:

- update and delete find only objects the user may change (others answer 404, like a missing id);
- create and update refuse a related object outside the user's provinces (a province, a city, an
  enterprise for a designation), with a field error that names nothing of the other province.

Use it first in the bases: ``class EnterpriseViewSet(RestrictedWritesMixin, viewsets.ModelViewSet)``.
"""

from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS

from .scoping import CHANGE, restrict


class RestrictedWritesMixin:
    def get_queryset(self):
        queryset = super().get_queryset()
        if self.request.method in SAFE_METHODS:
            return queryset
        return restrict(queryset, self.request.user, CHANGE)

    def _check_related(self, serializer) -> None:
        errors = {}
        for name, value in serializer.validated_data.items():
            if value is None or not hasattr(value, "_meta") or not hasattr(value, "pk"):
                continue
            model = type(value)
            if not restrict(model._default_manager.filter(pk=value.pk), self.request.user, CHANGE).exists():
                errors[name] = ["不在您负责的省份内。"]
        if errors:
            raise exceptions.ValidationError(errors)

    def perform_create(self, serializer):
        self._check_related(serializer)
        super().perform_create(serializer)
        self._check_saved(serializer.instance)

    def perform_update(self, serializer):
        self._check_related(serializer)
        super().perform_update(serializer)
        self._check_saved(serializer.instance)

    def _check_saved(self, instance) -> None:
        # The object itself must still lie in the user's provinces (a province written as a plain code).
        if not restrict(type(instance)._default_manager.filter(pk=instance.pk), self.request.user, CHANGE).exists():
            raise exceptions.PermissionDenied("不在您负责的省份内。")
