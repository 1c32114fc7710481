"""Public pages. Thin: resolve the snapshot and the region or enterprise, build the context, render."""

import datetime
import hashlib
import re

from django.core.cache import cache
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from patents.choices import PatentType
from reports.choices import Scope

from . import pages, selectors
from .caching import COMMON_PARAMS, SnapshotChoice, cached_download, not_shared, page_query, snapshot_page
from .pages.list_download import DOWNLOAD_FORMATS, DownloadRefused


@snapshot_page
def overview(request, choice):
    return render(request, "portal/overview.html", pages.overview_context(choice))


def _region_page(request, choice, region):
    if region is None:
        raise Http404(_("没有这个地区"))
    return render(request, "portal/region.html", pages.region_context(choice, region))


@snapshot_page
def province(request, choice, province_code: str):
    return _region_page(request, choice, pages.region_resolve(Scope.PROVINCE, province_code))


@snapshot_page
def city(request, choice, province_code: str, city_code: str):
    return _region_page(request, choice, pages.region_resolve(Scope.CITY, city_code, province_code))


@snapshot_page
def cluster(request, choice, code: str):
    return _region_page(request, choice, pages.region_resolve(Scope.CLUSTER, code))


@snapshot_page(params=("codes", "places"))
def compare(request, choice):
    # ``places`` takes names or codes; ``codes`` is the older parameter, still linked from outside.
    raw = ",".join(v for v in (request.GET.get("codes", ""), request.GET.get("places", "")) if v)
    context = pages.compare_context(choice, raw)
    response = render(request, "portal/compare.html", context)
    # Places not understood are named on the page, but such a page is not kept (one entry per junk text).
    return not_shared(response) if context["unknown"] or context["ambiguous"] else response


@snapshot_page(params=("level", "sort"))
def ranking(request, choice, indicator: str):
    if indicator not in pages.RANKED:
        raise Http404(_("没有这项可排名的指标"))
    level, sort = request.GET.get("level", "province"), request.GET.get("sort", "rank")
    context = pages.ranking_context(choice, indicator, level=level, sort=sort)
    response = render(request, "portal/ranking.html", context)
    return not_shared(response) if context["problems"] else response


@snapshot_page(params=("q",))
def search(request, choice):
    context = pages.search_context(choice, request.GET.get("q", ""))
    response = render(request, "portal/search.html", context)
    # A text that finds nothing is answered, not kept: one entry per junk string would fill the cache.
    return response if context["places"] or context["enterprises"] else not_shared(response)


# Suggestions are a function of the text and the language; enterprises change only with an import, so a
# few minutes' staleness is harmless, and a repeated prefix (every visitor types 广 before 广东) is free.
SUGGEST_SECONDS = 300


def search_suggest(request):
    """JSON suggestions for the search boxes: ``?q=`` and ``kind=places`` for the compare picker."""
    places_only = request.GET.get("kind") == "places"
    text = pages.search.query_text(request.GET.get("q", ""))
    key = "portal:suggest:" + hashlib.sha256(f"{get_language()}|{places_only}|{text}".encode()).hexdigest()[:32]
    data = cache.get(key)
    if data is None:
        data = pages.suggestions(text, places_only=places_only)
        cache.set(key, data, SUGGEST_SECONDS)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=SUGGEST_SECONDS)
    patch_vary_headers(response, ("Accept-Language",))
    return response


# A patent office filter: empty, or a two-letter code (CN, WO, US …) in either case.
_OFFICE = re.compile(r"(?:[A-Za-z]{2})?")


def _patent_key(raw: str):
    """The keyset cursor of the patent list: ``YYYY-MM-DD~PUBLICATION_NUMBER``."""
    if not raw:
        return None
    date, _sep, number = raw.partition("~")
    try:
        return datetime.date.fromisoformat(date), number
    except ValueError:
        raise Http404(_("无效的翻页参数")) from None


@snapshot_page(params=("type", "office", "after"))
def enterprise_detail(request, choice, credit_code: str):
    enterprise = selectors.enterprise_get(credit_code=credit_code.upper())
    if enterprise is None:
        raise Http404(_("没有这家企业"))
    filters = {"type": request.GET.get("type", ""), "office": request.GET.get("office", "")}
    context = pages.enterprise_context(
        choice, enterprise, patent_filters=filters, after=_patent_key(request.GET.get("after", ""))
    )
    response = render(request, "portal/enterprise.html", context)
    # A filter value the page does not know (a type, an office that is not two letters): shown, not kept.
    known = filters["type"] in ("", *PatentType.values) and _OFFICE.fullmatch(filters["office"])
    return response if known else not_shared(response)


def methodology(request):
    # Static text: no snapshot needed beyond the footer's date.
    choice = SnapshotChoice(request)
    return render(request, "portal/methodology.html", {"choice": choice, **pages.methodology_context()})


LIST_PAGE_SIZE = 50
# Bounded pagination: deep pages of a list nobody reads to the end cost a count and an offset scan;
# the filters (and the CSV export) are the way to the rest.
LIST_MAX_PAGES = 100


def _list_params() -> tuple[str, ...]:
    from enterprises.filtersets import EnterpriseFilterSet

    return (*EnterpriseFilterSet.base_filters, "page", "sort", "population")


@snapshot_page(params=_list_params)
def enterprise_list(request, choice):
    # The FilterSet shared with the API (enterprises/filtersets.py), so a filter means the same everywhere.
    from enterprises.filtersets import EnterpriseFilterSet

    context = pages.enterprise_list_context(
        choice,
        filterset_class=EnterpriseFilterSet,
        params=request.GET,
        page_size=LIST_PAGE_SIZE,
        max_pages=LIST_MAX_PAGES,
    )
    response = render(request, "portal/enterprise_list.html", context)
    # An invalid filter value (?province=junk1, junk2 …) is shown, but not kept: one entry per junk value
    # would fill the cache as unknown parameters would.
    return response if context["filterset"].is_valid() else not_shared(response)


def enterprise_list_download(request):
    """The list's selection as a file for people (CSV with BOM, or XLSX): streamed, so never cached."""
    from enterprises.filtersets import EnterpriseFilterSet

    file_format = request.GET.get("format", "csv")
    if file_format not in DOWNLOAD_FORMATS:
        return HttpResponseBadRequest(_("下载格式只能是 csv 或 xlsx"), content_type="text/plain; charset=utf-8")
    request.GET = page_query(request.GET, (*COMMON_PARAMS, *_list_params()))
    choice = SnapshotChoice(request)
    if choice.current is None:
        raise Http404(_("还没有统计快照"))
    try:
        return pages.enterprise_list_download(
            choice, filterset_class=EnterpriseFilterSet, params=request.GET, file_format=file_format
        )
    except DownloadRefused as refused:
        return HttpResponseBadRequest(str(refused), content_type="text/plain; charset=utf-8")


def _download_choice(request, params=()) -> SnapshotChoice:
    request.GET = page_query(request.GET, (*COMMON_PARAMS, *params))
    choice = SnapshotChoice(request)
    if choice.current is None:
        raise Http404(_("还没有统计快照"))
    return choice


def chart_data(request, kind: str, key: str, chart: str, file_format: str):
    """One chart's or table's numbers as CSV (with BOM) or XLSX, for the page's snapshot (cached)."""
    return cached_download(request, ("level",), lambda: _chart_file(request, kind, key, chart, file_format))


def _chart_file(request, kind: str, key: str, chart: str, file_format: str):
    choice = _download_choice(request, ("level",))
    found = pages.page_chart(choice, kind, key, chart, request.GET)
    if found is None:
        raise Http404(_("这一页没有这张图表"))
    return pages.chart_download(choice, kind, key, found, file_format)


@snapshot_page
def data_page(request, choice):
    """数据与API: the bulk files of the chosen snapshot, their dictionary, the API, licence and terms."""
    return render(request, "portal/data.html", pages.data_context(choice))


def bulk_indicators(request, file_format: str):
    """Every region's indicators at the snapshot: one row per region, so small enough to be kept."""
    return cached_download(request, (), lambda: pages.indicators_download(_download_choice(request), file_format))
