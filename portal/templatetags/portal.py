"""Template filters that print numbers as the report does; see ``portal/formatting.py``."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse, translate_url
from django.utils.html import escape
from django.utils.safestring import mark_safe

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


@register.simple_tag
def filter_options(control):
    """The options of one of the list's filters: checkboxes in labels (a multiple choice) or <option>s.

    Written here rather than by a template loop: the city filter alone has ~340 options, and the template
    engine took ~14 ms a page for the lot (more than the list's query), this loop ~0.3 ms. Same markup."""
    name = escape(control["name"])
    if not control.get("multiple"):
        return mark_safe(
            "".join(
                f'<option value="{escape(o["value"])}"{" selected" if o["selected"] else ""}>{escape(o["label"])}</option>'
                for o in control["options"]
            )
        )
    parts = []
    for o in control["options"]:
        province = f' data-province="{escape(o["province"])}"' if o["province"] else ""
        parts.append(
            f'<label{province}{" hidden" if o["hidden"] else ""}><input type="checkbox" name="{name}"'
            f' value="{escape(o["value"])}"{" checked" if o["selected"] else ""}> {escape(o["label"])}</label>'
        )
    return mark_safe("".join(parts))


@register.inclusion_tag("portal/includes/chart_links.html", takes_context=True)
def chart_links(context, chart, title=""):
    """ "数据" (CSV and XLSX of this chart at the page's snapshot) and a share link to the chart itself.
    ``chart`` is a Chart, or the id of a page's table (``title`` then names it)."""
    page = context.get("chart_page")
    request = context.get("request")
    choice = context.get("choice")
    if not page or request is None:
        return {"show": False}
    query = dict(page["params"])
    if choice is not None and choice.query():
        query["as_of"] = choice.current.as_of.isoformat()
    encoded = f"?{urlencode(query)}" if query else ""
    chart_id, title = (chart, title) if isinstance(chart, str) else (chart.id, chart.title)
    args = [page["kind"], page["key"], chart_id]
    page_query = request.GET.urlencode()
    return {
        "show": True,
        "title": title,
        "csv": reverse("portal:chart-data", args=[*args, "csv"]) + encoded,
        "xlsx": reverse("portal:chart-data", args=[*args, "xlsx"]) + encoded,
        "share": f"{request.path}{'?' + page_query if page_query else ''}#{chart_id}",
    }


class _CaptureNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, name: str):
        self.nodelist, self.name = nodelist, name

    def render(self, context) -> str:
        # The blocks' text is already escaped as it was rendered: kept safe, not escaped twice.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())
        return ""


@register.tag
def capture(parser, token):
    """``{% capture as name %}…{% endcapture %}``: render once, use twice (a block's text in <title> and in
    the Open Graph tags; a template cannot render one block twice). Blocks inside stay overridable."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return _CaptureNode(nodelist, bits[2])


@register.simple_tag(takes_context=True)
def page_url(context):
    """The page's absolute URL with only the parameters the page reads (``snapshot_page`` keeps those in
    ``request.GET``): what a cached page may carry in og:url, whatever junk the first visitor added."""
    request = context.get("request")
    if request is None:
        return ""
    query = request.GET.urlencode()
    return request.build_absolute_uri(request.path + (f"?{query}" if query else ""))
