"""Anonymous reads of the API served from the cache, like the public pages (#28).

A public read is a function of the data it reads, the URL, the representation and the language, so an
anonymous ``GET``/``HEAD`` is cached under all of them:

- the data it reads, as a stamp the view gives (``read_stamp``), made of versions: counters in the cache
  read in one round trip (``versions``). The *snapshot version* for indicators and division counts,
  which every save or delete of a snapshot advances (a recompute, an incremental refresh, a prune); the
  *data version* for enterprises, designations and patents, which every committed write to them advances
  (``data_version_advance``, connected as ``data_written`` to the apps' signals, the admin's saves and
  the importers' completion); both for the enterprise detail, which joins its measures. A write makes
  every older entry unreachable; they expire (``API_CACHE_SECONDS``). A hit reads no table at all;
- the URL's query reduced to the parameters the view reads, sorted, empty ones left out: junk parameters
  do not make entries of their own (the lists refuse them anyway);
- the negotiated format (JSON, or the indicators' small CSV; the browsable API and the streamed or
  written exports are never cached), the language, and the scheme and host (the lists' ``next`` links are
  absolute).

The same fingerprint is the response's ``ETag``: a matching ``If-None-Match`` is answered 304 before
anything is read. Signed-in callers (officials, token clients) are never served from the cache and their
responses are never stored: they see their own writes at once. While Redis is down there is no data
version and nothing is cached.
"""

import hashlib
import time
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from rest_framework import status
from rest_framework.response import Response

from .etags import _etag_matches

# Bump when serializers change in a way that must not be served from old cache entries.
API_CACHE_VERSION = 3
DATA_VERSION_KEY = "api:data-version"
SNAPSHOT_VERSION_KEY = "api:snapshot-version"


def versions(*keys: str) -> str | None:
    """The counters ``keys``, read in one round trip, as one stamp; None while the cache is down.

    A missing counter (the first read, or Redis evicted it) starts from the clock in nanoseconds, above
    every value an earlier counter reached: entries stored under an old version are never read again.
    """
    values = cache.get_many(keys)
    missing = [key for key in keys if key not in values]
    if missing:
        for key in missing:
            cache.add(key, time.time_ns(), None)
        values.update(cache.get_many(missing))
    if any(key not in values for key in keys):
        return None
    return "|".join(str(values[key]) for key in keys)


def _version_advance(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # no counter yet (or the cache is down): the next read starts a new one
        cache.add(key, time.time_ns(), None)
    cache.set(f"{key}:advanced-at", time.time(), None)


def _written(advance) -> None:
    """Advance now, and once more when the current transaction commits (once per transaction)."""
    advance()
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    pending = [entry[1] for entry in connection.run_on_commit]
    if not any(func is advance for func in pending):
        transaction.on_commit(advance, robust=True)


def data_version() -> str | None:
    """The current version of the enterprise, designation and patent data; None while the cache is down."""
    return versions(DATA_VERSION_KEY)


def data_version_advance() -> None:
    """Make every cached read of enterprises, designations and patents unreachable. Never raises."""
    _version_advance(DATA_VERSION_KEY)


def snapshot_version() -> str | None:
    """The current version of the indicator snapshots (which are complete, their ``data_read_at``); None
    while the cache is down. What the snapshot a request reads is cached under (``snapshot_stamp`` of
    reports/api), so that a cache hit reads no table at all."""
    return versions(SNAPSHOT_VERSION_KEY)


def snapshot_version_advance() -> None:
    _version_advance(SNAPSHOT_VERSION_KEY)


def _replica_configured() -> bool:
    return len(settings.DATABASES) > 1


def settled(key: str = DATA_VERSION_KEY) -> bool:
    """Whether an answer read now may be kept under the current version of ``key``.

    Without a read replica, always: the version advances again when a write commits. With one, an
    anonymous read may come from a replica that has not yet replayed the latest write; for
    ``DATABASE_REPLICA_SETTLE_SECONDS`` after it such answers are served but neither stored nor given an
    ETag, so a stale answer is never kept until the next write.
    """
    if not _replica_configured():
        return True
    advanced_at = cache.get(f"{key}:advanced-at")
    return advanced_at is None or time.time() - advanced_at >= settings.DATABASE_REPLICA_SETTLE_SECONDS


def data_settled() -> bool:
    """``settled`` for the enterprise, designation and patent data."""
    return settled(DATA_VERSION_KEY)


def data_written(*args, **kwargs) -> None:
    """A write to the data behind the cached reads: advance the data version now, and once more when the
    transaction commits (once per transaction, however many rows it writes). A signal receiver: takes and
    ignores any arguments.

    Now: a later read in the same transaction (an official's request, a test) does not find an entry stored
    before the write. After the commit: an anonymous read that ran between the write and the commit stored
    the data as it was before the commit under the version of the moment; the commit makes it unreachable.
    """
    _written(data_version_advance)


def snapshot_written(*args, **kwargs) -> None:
    """A snapshot was saved or deleted: what ``data_written`` is for the data, for the snapshots."""
    _written(snapshot_version_advance)


def query_fingerprint(query, known: Iterable[str]) -> str:
    """``query`` with only the ``known`` parameters, by name then value, empty values left out."""
    known = set(known)
    pairs = sorted((name, value) for name, values in query.lists() if name in known for value in values if value)
    return "&".join(f"{name}={value}" for name, value in pairs)


class AnonymousReadCacheMixin:
    """Serves anonymous ``GET``/``HEAD`` of a DRF view from the cache, keyed by what it reads.

    Put it before DRF's view classes among the bases. The view may override ``read_stamp`` (default: the data version) and
    ``cached_formats`` (a list's ``csv`` is a streamed export of any size: never cached).
    """

    cached_formats: tuple[str, ...] = ("json",)

    def read_stamp(self, request) -> str | None:
        """What the response is computed from; None: do not cache this request."""
        return data_version()

    def read_settled(self) -> bool:
        """Whether an answer read now may be stored (``settled``; default: for the data version)."""
        return data_settled()

    def cache_parameters(self) -> Iterable[str]:
        """The query parameters the response depends on (default: those the view accepts)."""
        allowed = getattr(self, "allowed_query_parameters", None)
        return allowed() if allowed is not None else ("format", "as_of")

    def _read_cache_key(self, request) -> str | None:
        if request.method not in ("GET", "HEAD") or (request.user and request.user.is_authenticated):
            return None
        renderer = getattr(request, "accepted_renderer", None)
        if getattr(renderer, "format", None) not in self.cached_formats:
            return None
        stamp = self.read_stamp(request)
        if stamp is None:
            return None
        raw = "|".join(
            (
                str(API_CACHE_VERSION),
                stamp,
                get_language() or "",
                f"{request.scheme}://{request.get_host()}{request.path}",
                query_fingerprint(request.query_params, self.cache_parameters()),
                renderer.format,
                request.accepted_media_type or "",
            )
        )
        return hashlib.sha256(raw.encode()).hexdigest()[:32]

    def initial(self, request, *args, **kwargs):
        # After DRF has authenticated, throttled and negotiated the format: wrap this request's handler
        # (an attribute of this view instance, so that views defining their own ``get`` are served too).
        super().initial(request, *args, **kwargs)
        fingerprint = self._read_cache_key(request)
        if fingerprint is not None:
            name = request.method.lower()
            setattr(self, name, partial(self._cached_read, getattr(self, name), fingerprint))

    def _cached_read(self, handler, fingerprint: str, request, *args, **kwargs):
        if not self.read_settled():
            return handler(request, *args, **kwargs)
        self._read_etag = f'"{fingerprint}"'
        if _etag_matches(request, self._read_etag):
            return Response(status=status.HTTP_304_NOT_MODIFIED)
        key = f"api:read:{fingerprint}"
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            return HttpResponse(content, content_type=content_type)
        response = handler(request, *args, **kwargs)
        if response.status_code == 200 and isinstance(response, Response):
            # Render now (what DRF would do after the view) so that the bytes can be stored.
            response.accepted_renderer = request.accepted_renderer
            response.accepted_media_type = request.accepted_media_type
            response.renderer_context = self.get_renderer_context()
            response.render()
            cache.set(key, (response.content, response["Content-Type"]), settings.API_CACHE_SECONDS)
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        etag = getattr(self, "_read_etag", None)
        if etag and response.status_code in (200, 304):
            response["ETag"] = etag
            # Browsers and shared caches revalidate every time (a cheap 304), so a write shows at once.
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        return response
