"""How the API knows who is asking: DRF's session authentication, with the admin's second-factor rule."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from .sites import lacks_second_factor


class SecondFactorSessionAuthentication(SessionAuthentication):
    """The admin's session, refused while it lacks the second factor the admin would ask for.

    A national administrator's password-only session is sent to ``two-factor/`` by the admin; without this
    class the same cookie could read and write through the API as that user, so the second factor would
    protect nothing. Such a session gets 403 with a detail that says what to do, for reads and writes alike.

    A request that also carries an ``Authorization`` header is left to the token authentication that comes
    next: tokens are issued deliberately, and a browser's stale session must not shadow them.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None or not lacks_second_factor(request._request):
            return result
        if request.META.get("HTTP_AUTHORIZATION"):
            return None
        raise exceptions.PermissionDenied(
            _("需要两步验证：请先在管理后台输入动态验证码（或启用两步验证），再使用此会话访问 API。")
        )


class SecondFactorSessionScheme(SessionScheme):
    """The OpenAPI schema describes it as the session cookie it is (drf-spectacular matches exact classes)."""

    target_class = "officials.authentication.SecondFactorSessionAuthentication"
