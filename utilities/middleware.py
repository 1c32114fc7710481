"""Request guards that apply to every page, the admin and the API alike."""

from urllib.parse import unquote

from django.http import HttpResponseBadRequest


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
