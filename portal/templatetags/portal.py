"""Template filters that print numbers as the report does; see ``portal/formatting.py``."""

from urllib.parse import urlencode

from django import template
from django.urls import translate_url

from .. import formatting

register = template.Library()


@register.filter
def num(value, decimals=0):
    return formatting.number(value, int(decimals))


@register.filter
def pct(value, decimals=1):
    return formatting.percent(value, int(decimals))


@register.filter
def count(value, unit="家"):
    return formatting.count(value, unit)


@register.filter
def paren(value):
    return formatting.paren(value)


@register.filter
def wan(value):
    return formatting.wan(value)


@register.filter
def cndate(value):
    return formatting.date(value)


@register.filter
def as_of(value):
    return formatting.as_of(value)


@register.filter
def metric(value, key):
    return formatting.metric(key, value)


@register.filter
def change(value, key):
    return formatting.metric_change(key, value)


@register.filter
def raw(value):
    """The exact value for a ``data-value`` attribute (the browser tests compare it with the API's)."""
    return "" if value is None else repr(value)


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key)


@register.simple_tag(takes_context=True)
def url_with(context, **params):
    """The current URL with some query parameters replaced (empty value: removed)."""
    request = context["request"]
    query = request.GET.copy()
    for key, value in params.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path


@register.simple_tag(takes_context=True)
def as_of_query(context, prefix="?"):
    """``?as_of=…`` to append to links when the page shows a snapshot other than the newest."""
    choice = context.get("choice")
    query = choice.query() if choice else ""
    return f"{prefix}{query}" if query else ""


@register.simple_tag(takes_context=True)
def link(context, url, **params):
    """A link that keeps the page's snapshot: ``url`` plus ``params`` plus ``as_of`` when not the newest."""
    choice = context.get("choice")
    query = {k: v for k, v in params.items() if v not in (None, "")}
    if choice is not None and choice.query():
        query["as_of"] = choice.current.as_of.isoformat()
    if not query:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode(query)}"


@register.simple_tag(takes_context=True)
def language_url(context, language):
    """The current page in another language (the switch is a link, so cached pages carry no CSRF token)."""
    request = context["request"]
    url = translate_url(request.path, language)
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


@register.filter
def industry(key):
    from ..indicators import INDUSTRY_LABELS

    return INDUSTRY_LABELS.get(key, "") if key else ""
