"""ETags from the indicator snapshot a response is computed from: a conditional GET is answered 304 until
the snapshot is recomputed or refreshed."""

import hashlib

from rest_framework import status
from rest_framework.response import Response


def snapshot_etag(request, snapshot) -> str:
    """An ETag for a response computed from ``snapshot``: changes when it is recomputed or refreshed
    (``data_read_at`` moves), and differs per URL and representation."""
    computed = snapshot.data_read_at.isoformat() if snapshot and snapshot.data_read_at else "none"
    renderer = getattr(getattr(request, "accepted_renderer", None), "format", "")
    key = f"{getattr(snapshot, 'pk', 'none')}|{computed}|{request.get_full_path()}|{renderer}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def _etag_matches(request, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    if header.strip() == "*":
        return True
    candidates = {candidate.strip().removeprefix("W/") for candidate in header.split(",")}
    return etag in candidates


class SnapshotETagMixin:
    """``ETag`` from the snapshot a response is computed from; a conditional GET that matches gets 304.

    The view sets ``self.etag_snapshot`` while handling the request; the 304 is decided before the
    response body is serialised where the view can (``not_modified``) and after it otherwise.
    """

    def not_modified(self, request, snapshot) -> Response | None:
        etag = snapshot_etag(request, snapshot)
        self._etag = etag
        if _etag_matches(request, etag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        etag = getattr(self, "_etag", None)
        if etag and response.status_code in (200, 304):
            response["ETag"] = etag
        return response
