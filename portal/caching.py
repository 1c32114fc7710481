"""Which snapshot a page shows, and caching of the rendered page per snapshot and language.

Every page takes ``?as_of=YYYY-MM-DD`` (default: the newest complete snapshot). A page's content is a
function of the snapshot it reads, the language and the URL, so:

- its cache key carries the snapshot's id and ``data_read_at``: a new current snapshot, or an incremental
  refresh of the same one, leads to new keys and the old entries are never read again (they expire);
- its ETag and Last-Modified come from the same values, so a conditional GET is answered with 304
  without rendering anything;
- its key carries only the query parameters the page reads (``snapshot_page(params=…)``), sorted, empty
  ones left out. Any other parameter is removed from the request before the page is rendered, so
  ``?x=1``, ``?x=2`` … are the page without them: one entry, not one per junk string (issue #22).

The cached pages hold no CSRF token or session data (the language switch is a plain link), which is what
makes them shareable between visitors.
"""

import datetime
import hashlib
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.functional import cached_property
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from utilities.api.caching import DATA_VERSION_KEY, SNAPSHOT_VERSION_KEY, settled, versions

from . import selectors

# Bump when templates change in a way that must not be served from old cache entries.
# 5: the review results on enterprise pages; 6: <body data-msg-scroll-hint>, the tile map's lines and titles.
# 7: a revocation's cause (复核未通过 or 其他原因) on enterprise pages.
PAGE_VERSION = 8
PAGE_TIMEOUT = getattr(settings, "PORTAL_PAGE_CACHE_SECONDS", 6 * 3600)


def snapshots_complete() -> list:
    """``selectors.snapshots_complete``, kept in the cache under the snapshot and data versions (#28).

    Every page reads the snapshots on every request, a cached page too: this was a cached page's one
    query. Their list changes only with a snapshot's save or delete (the snapshot version); their
    staleness with a write to the data, a refresh request or ``DataState`` (the data version), or with the
    refresh that answers the requests, which saves the snapshot in the same transaction. While the cache
    is down, or a replica may not have replayed the latest change yet, the list is read every time.
    """
    stamp = versions(SNAPSHOT_VERSION_KEY, DATA_VERSION_KEY)
    if stamp is None:
        return selectors.snapshots_complete()
    key = f"portal:snapshots:{stamp}"
    snapshots = cache.get(key)
    if snapshots is None:
        snapshots = selectors.snapshots_complete()
        if settled(SNAPSHOT_VERSION_KEY) and settled(DATA_VERSION_KEY):
            cache.set(key, snapshots, PAGE_TIMEOUT)
    return snapshots


class SnapshotChoice:
    """The snapshot a request reads and the complete ones it could read instead (the selector)."""

    def __init__(self, request):
        self.all = snapshots_complete()
        raw = request.GET.get("as_of", "")
        self.requested = raw
        self.current = None
        # A day that is no snapshot's shows the nearest earlier snapshot, and the page says so.
        self.substituted = False
        if raw:
            try:
                wanted = datetime.date.fromisoformat(raw)
            except ValueError:
                raise Http404(_("日期格式应为 YYYY-MM-DD")) from None
            self.current = next((s for s in self.all if s.as_of <= wanted), None)  # newest first
            if self.current is None:
                raise Http404(_("没有该日期或更早的统计快照"))
            self.substituted = self.current.as_of != wanted
        elif self.all:
            self.current = self.all[0]
        self.is_default = self.current is not None and self.current == (self.all[0] if self.all else None)

    @cached_property
    def stale(self) -> bool:
        """The data behind the snapshot changed and its numbers are being brought up to date (reports)."""
        return self.current is not None and selectors.snapshot_is_stale_among(snapshot=self.current, newest=self.all[0])

    @property
    def requested_date(self):
        return datetime.date.fromisoformat(self.requested) if self.substituted else None

    @property
    def earlier(self):
        """The next older complete snapshot, for "change since" columns (None for the oldest)."""
        if self.current is None:
            return None
        older = [s for s in self.all if s.as_of < self.current.as_of]
        return older[0] if older else None

    def query(self) -> str:
        """The ``as_of`` part of links, so that following a link stays on the same snapshot."""
        return "" if self.is_default or self.current is None else f"as_of={self.current.as_of.isoformat()}"


# Every page reads these; ``snapshot_page(params=…)`` names the others a page reads.
COMMON_PARAMS = ("as_of",)


def page_query(query: QueryDict, known: Iterable[str]) -> QueryDict:
    """``query`` with only the ``known`` parameters, by name then value, empty values left out."""
    known = set(known)
    pairs = sorted((name, value) for name, values in query.lists() if name in known for value in values if value)
    normalised = QueryDict(mutable=True)
    for name, value in pairs:
        normalised.appendlist(name, value)
    normalised._mutable = False
    return normalised


def not_shared(response: HttpResponse) -> HttpResponse:
    """Mark a page as not for the cache: its parameters did not validate (e.g. an invalid filter)."""
    response.page_shared = False
    return response


def _fingerprint(request, choice: SnapshotChoice) -> str:
    snapshot = choice.current
    read_at = snapshot.data_read_at if snapshot else None
    stamp = f"{snapshot.pk}:{read_at.timestamp() if read_at else 0}" if snapshot else "none"
    # Staleness is not in ``data_read_at`` (an edit marks the snapshot stale before any refresh moves it):
    # the page with the note and the page without are two entries.
    stamp += ":stale" if choice.stale else ""
    # request.GET holds only the page's own parameters (``page_query``): the path alone would let every
    # junk query string make its own entry.
    raw = f"{PAGE_VERSION}|{stamp}|{get_language()}|{request.path}?{request.GET.urlencode()}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def snapshot_page(view=None, *, params: Iterable[str] | Callable[[], Iterable[str]] = ()):
    """Decorate a view ``view(request, choice, **kwargs)`` returning an HttpResponse.

    Answers conditional GETs with 304, serves the cached rendering when there is one, and stores fresh
    200 responses. Without any complete snapshot it renders the honest "no data yet" page.

    ``params`` names the query parameters the page reads besides ``as_of`` (or a function returning them,
    for a list known only once the apps are loaded). The view sees only those: the page rendered for
    ``?x=1`` is the page without it, and so is its cache entry.
    """
    if view is None:
        return lambda view: snapshot_page(view, params=params)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        known = params() if callable(params) else params
        request.GET = page_query(request.GET, (*COMMON_PARAMS, *known))
        choice = SnapshotChoice(request)
        if choice.current is None:
            return render(request, "portal/no_snapshot.html", {"choice": choice}, status=200)
        fingerprint = _fingerprint(request, choice)
        etag = f'"{fingerprint}"'
        last_modified = choice.current.data_read_at
        last_modified_ts = int(last_modified.timestamp()) if last_modified else None
        if request.method in ("GET", "HEAD"):
            response = get_conditional_response(request, etag=etag, last_modified=last_modified_ts)
            if response is not None:
                return response
        key = f"portal:page:{fingerprint}"
        cached = cache.get(key)
        if cached is not None:
            response = HttpResponse(cached, content_type="text/html; charset=utf-8")
        else:
            response = view(request, choice, *args, **kwargs)
            # A substituted date (?as_of= a day between snapshots) is shown, not kept: one entry per day.
            shared = getattr(response, "page_shared", True) and not choice.substituted
            if response.status_code == 200 and shared and not getattr(response, "streaming", False):
                if hasattr(response, "render") and callable(response.render):
                    response = response.render()
                cache.set(key, response.content, PAGE_TIMEOUT)
        if response.status_code == 200:
            response["ETag"] = etag
            if last_modified:
                response["Last-Modified"] = http_date(last_modified_ts)
            # Browsers revalidate every time (cheap: a 304), so a new snapshot shows at once.
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        return response

    return wrapper


# The chart and bulk downloads (#26): a chart's data (tens of rows) and the indicator file (one row per
# region: ~380 whatever the number of enterprises) are small, and a function of the snapshot, the data, the
# language and the URL. They are kept under the API's two versions, read from the cache in one round trip:
# the snapshot version (every save of a snapshot: a new one, a refresh, a prune) and the data version
# (every write to enterprises, designations and patents, which also makes a snapshot stale). So a repeated
# download reads no table, and an edit or a new snapshot leads to a new file. The enterprise list's files
# (13,000 rows at report scale, 130,000 at the national one) stay streamed and are not kept.
DOWNLOAD_VERSION = 1
# Above this a file is streamed on and not kept (the indicator file at report scale: ~100 KB).
DOWNLOAD_MAX_BYTES = 4 << 20


def cached_download(request, params: Iterable[str], build: Callable[[], HttpResponse]):
    """The file ``build()`` answers for ``request`` (with only ``as_of`` and ``params`` in its query), from
    the cache when an earlier download under the same versions, language and URL stored it."""
    request.GET = page_query(request.GET, (*COMMON_PARAMS, *params))
    stamp = versions(SNAPSHOT_VERSION_KEY, DATA_VERSION_KEY)
    if stamp is None:  # the cache is down: no versions, nothing kept
        return build()
    raw = f"{DOWNLOAD_VERSION}|{stamp}|{get_language()}|{request.path}?{request.GET.urlencode()}"
    key = "portal:download:" + hashlib.sha256(raw.encode()).hexdigest()[:32]
    entry = cache.get(key)
    if entry is not None:
        content, content_type, disposition = entry
        response = StreamingHttpResponse(iter((content,)), content_type=content_type)
        response["Content-Disposition"] = disposition
        return response
    response = build()
    # With a replica, a file read just after a write may be older than the write: served, not kept.
    if response.status_code == 200 and response.streaming and settled(SNAPSHOT_VERSION_KEY) and settled():
        kept = _kept(response.streaming_content, key, response["Content-Type"], response["Content-Disposition"])
        response.streaming_content = kept
    return response


def _kept(chunks, key: str, content_type: str, disposition: str):
    """Pass the chunks on as they come (the file stays streamed) and store them once all were sent."""
    kept, size = [], 0
    for chunk in chunks:
        yield chunk
        if kept is not None:
            size += len(chunk)
            if size > DOWNLOAD_MAX_BYTES:
                kept = None
            else:
                kept.append(chunk)
    if kept is not None:
        cache.set(key, (b"".join(kept), content_type, disposition), PAGE_TIMEOUT)
