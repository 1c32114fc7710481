"""Project-wide middleware that belongs to no single app."""

from csp.constants import UNSAFE_INLINE


class InlineStylesOutsideThePublicSite:
    """Let the admin and the browsable API keep their inline ``style`` attributes.

    The Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) allows only the site's own scripts and
    styles. The public pages (namespace ``portal``) need nothing more; Django's admin, our admin templates
    and DRF's browsable API put ``style="..."`` on some elements, so their responses get ``style-src
    'unsafe-inline'`` on top (scripts stay restricted). Listed after CSPMiddleware, so that this runs first
    on the way out and the CSP middleware applies the update (django-csp reads ``response._csp_update``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and "portal" not in match.namespaces:
            response._csp_update = {"style-src": [UNSAFE_INLINE]}
        return response
