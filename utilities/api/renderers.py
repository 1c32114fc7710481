"""Renderers of the API: JSON and the browsable API everywhere, and ``?format=csv|xlsx`` on the lists."""

import json

from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer


class ExportRenderer(BaseRenderer):
    """Lets content negotiation accept ``?format=csv|xlsx``; the export views answer with a streaming
    response of their own, so ``render`` only ever formats an error."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data, ensure_ascii=False).encode("utf-8")


class CSVExportRenderer(ExportRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXExportRenderer(ExportRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"


LIST_RENDERERS = [JSONRenderer, BrowsableAPIRenderer, CSVExportRenderer, XLSXExportRenderer]
DETAIL_RENDERERS = [JSONRenderer, BrowsableAPIRenderer]
