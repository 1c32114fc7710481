"""Who may write through the API: the one place that decides it.

Reads are open to everyone. A write needs an authenticated user holding the model permission of the
change (``enterprises.add_enterprise``, ``change_enterprise``, ``add_designation``, ``change_designation``),
the same permissions the admin checks, and the enterprise must lie in one of the user's provinces
(``utilities.scoping``: national administrators and superusers write everywhere, a provincial official in
their provinces, anyone without a role nowhere). The import service behind every write checks the
provinces of the rows again, so a create or a move out of the user's provinces is refused there too, and
refuses (403) an enterprise write whose row would create or change a designation without the designation
permissions (``enterprises.services.scope.designation_write_check``).
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from utilities.scoping import ALL_PROVINCES, user_province_codes

from ..models import Designation, Enterprise

_ACTIONS = {"POST": "add", "PUT": "change", "PATCH": "change"}


def can_write_in_province(user, province_code: str | None) -> bool:
    """Whether ``user`` may write enterprises of ``province_code``."""
    codes = user_province_codes(user)
    return codes is ALL_PROVINCES or province_code in codes


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
        if not can_write_in_province(request.user, enterprise.province_id):
            # Said plainly, so that an official knows why; it names no other province's data.
            raise PermissionDenied(_("不在您负责的省份内。"))
        return True
