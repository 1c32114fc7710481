"""Finding a place or an enterprise by name: the header search's suggestions and its results page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from enterprises.search import search
from enterprises.selectors import enterprise_list, enterprise_suggestions, former_name_matching
from regions.selectors import CITY, Place, places_matching

from .common import region_url

# Longer text is no name anyone types; it is cut rather than searched for.
MAX_QUERY = 60
SUGGESTIONS = 10
MIN_ENTERPRISE_TEXT = 2
RESULTS = 20


def query_text(raw: str) -> str:
    return " ".join((raw or "").split())[:MAX_QUERY]


def place_item(place: Place) -> dict:
    """A place as the suggestions list and the results page show it: name, its province for a city."""
    parent = place.display_parent if place.scope == CITY else ""
    kind = {"province": _("省份"), "city": _("城市"), "cluster": _("城市群")}[place.scope]
    return {
        "scope": place.scope,
        "code": place.code,
        "name": place.display_name,
        "parent": parent,
        "kind": kind,
        "label": f"{place.display_name} · {parent}" if parent else place.display_name,
        "url": region_url(place.scope, place.code),
    }


def _enterprise_item(enterprise, text: str) -> dict:
    return {
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "former_name": former_name_matching(enterprise, text),
        "url": reverse("portal:enterprise", args=[enterprise.credit_code]) if enterprise.credit_code else "",
    }


def suggestions(raw: str, *, places_only: bool) -> dict:
    """What the search boxes offer while typing: places (two indexed queries), and unless ``places_only``
    enterprises (one query through the list's bigram index), ten of each at most."""
    text = query_text(raw)
    if not text:
        return {"q": "", "places": [], "enterprises": []}
    places = [place_item(p) for p in places_matching(text, limit=SUGGESTIONS)]
    # One character holds no bigram: the search would read every enterprise (240 ms of 130,000 for "a")
    # to suggest names nobody means yet. Places, a few hundred rows, are offered from the first one.
    wanted = not places_only and len(text) >= MIN_ENTERPRISE_TEXT
    enterprises = enterprise_suggestions(text=text, limit=SUGGESTIONS) if wanted else []
    return {
        "q": text,
        "places": places,
        "enterprises": [_enterprise_item(e, text) for e in enterprises if e.credit_code],
    }


def search_context(choice, raw: str) -> dict:
    """The results page: every place the text begins a name of, the first enterprises it finds, and the
    enterprise list's ``q=`` for all of them (the list counts and pages them)."""
    text = query_text(raw)
    places, enterprises = [], []
    if text:
        places = [place_item(p) for p in places_matching(text, limit=SUGGESTIONS)]
        rows = search(enterprise_list(), text)[: RESULTS + 1]
        enterprises = [{**_enterprise_item(e, text), "enterprise": e} for e in rows]
    return {
        "choice": choice,
        "q": text,
        "places": places,
        "enterprises": enterprises[:RESULTS],
        "more": len(enterprises) > RESULTS,
        "list_url": reverse("portal:enterprise-list"),
    }
