"""The OpenAPI schema as a reader of /api/docs/ needs it: public reads carry no lock.

drf-spectacular lists every authentication class as a security requirement of every operation, and
adds ``{}`` ("optional") only for the permission classes it knows (AllowAny, IsAuthenticatedOrReadOnly).
Swagger UI then draws a lock on reads that anyone may make. Here an operation is public when each of
its view's permission classes admits an anonymous request of its method: such an operation carries no
security requirement at all (no lock); the others keep the signed-in ones.
"""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from drf_spectacular.openapi import AutoSchema
from rest_framework.request import Request


class PublicReadAutoSchema(AutoSchema):
    def _anonymous_allowed(self) -> bool:
        anonymous = HttpRequest()
        anonymous.method, anonymous.path = self.method, self.path
        request = Request(anonymous)
        request.user = AnonymousUser()
        try:
            return all(permission.has_permission(request, self.view) for permission in self.view.get_permissions())
        except Exception:  # a permission that needs more than the request is not public
            return False

    def get_auth(self):
        if self.method in ("GET", "HEAD") and self._anonymous_allowed():
            return []
        return super().get_auth()
