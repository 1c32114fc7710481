"""Who may write through the API: the one place that decides it.

Reads are open to everyone. A write needs an authenticated user holding the model permission of the
change (``enterprises.add_enterprise``, ``change_enterprise``, ``add_designation``, ``change_designation``),
the same permissions the admin checks. The officials issue narrows this to provinces in
``can_write_in_province`` (today: every province).
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from ..models import Designation, Enterprise

_ACTIONS = {"POST": "add", "PUT": "change", "PATCH": "change"}


def can_write_in_province(user, province_code: str | None) -> bool:
    """Whether ``user`` may write enterprises of ``province_code``; every province for now."""
    return True


class EnterpriseWritePermission(BasePermission):
    """Anyone reads; writes need the model permission (and, per enterprise, the province check)."""

    model = Enterprise

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        action = _ACTIONS.get(request.method)
        if action is None or not (request.user and request.user.is_authenticated):
            return False
        model = getattr(view, "write_model", self.model)
        return request.user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        enterprise = obj.enterprise if isinstance(obj, Designation) else obj
        return can_write_in_province(request.user, enterprise.province_id)
