"""Request guards that apply to every page, the admin and the API alike."""

from urllib.parse import unquote

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import Resolver404, resolve
from django.utils.translation import gettext


class RejectNulBytesMiddleware:
    """Answer 400 to a path or query string holding a NUL byte (``%00``).

    No URL of the portal carries one, and PostgreSQL refuses NUL in a string literal, so such a value
    reaching a query (an API code, the admin's search box) became a 500. Form fields already refuse it
    (Django's ``ProhibitNullCharactersValidator``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "\x00" in unquote(query):
            return HttpResponseBadRequest("NUL byte in the request", content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class RequestBodyLimitMiddleware:
    """Answer 413 to a request body larger than its sender may send, before anything reads it.

    Pages and the API take small bodies (a form, a JSON object): ``REQUEST_BODY_MAX_BYTES`` for everybody.
    Only signed-in staff on admin pages upload files (the import); they may send an upload of
    ``IMPORT_UPLOAD_MAX_BYTES`` plus the ordinary limit for the rest of the form, so that the upload form,
    not this guard, tells an official that a file is too large.

    The declared ``Content-Length`` is what counts: Django reads no more than it from the stream (and
    nothing at all from a body sent without one), so a body cannot grow past what was checked here. Listed
    after the authentication middleware, which only reads the session: no middleware before this one
    reads the body.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_BODY_MAX_BYTES:
            limit = self.limit_for(request)
            if length > limit:
                message = gettext("请求内容过大：不能超过 %(limit)s MB。") % {"limit": round(limit / 1024 / 1024, 1)}
                return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def limit_for(request) -> int:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active and user.is_staff:
            try:
                on_admin = "admin" in resolve(request.path_info).namespaces
            except Resolver404:
                on_admin = False
            if on_admin:
                upload = getattr(settings, "IMPORT_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
                return upload + settings.REQUEST_BODY_MAX_BYTES
        return settings.REQUEST_BODY_MAX_BYTES
