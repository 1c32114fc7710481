"""The enterprise list: filters, sorting by the snapshot's measures, a bounded paginator."""

from django.core.paginator import Paginator
from django.db.models import F, Lookup
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from regions.models import City, Province

from .common import batch_label, english

# Sorting by the main measures of the snapshot (the FilterSet's own ``ordering`` sorts by identity fields).
# Lazy: read in the request's language (an import-time gettext left the English sort options Chinese).
LIST_SORTS = {
    "applications": _("专利申请"),
    "valid_inventions": _("有效发明专利"),
    "citations": _("被引次数"),
    "pct_applications": _("PCT申请"),
}


# The FilterSet's filters shown on the page, in this order (the API has a few more, e.g. updated_after).
LIST_FILTERS = ("q", "province", "city", "cluster", "batch", "designation_status", "industry_field", "listing_board")


def _existing(snapshot) -> dict[str, set[str]]:
    """The provinces, cities and batches with members in the snapshot: the list offers only these (not
    every city of GB/T 2260 nor batches that were never announced). Read from the stored indicators."""
    from reports.choices import NATIONAL_CODE, Scope
    from reports.models import ScopeIndicator

    rows = ScopeIndicator.objects.filter(
        snapshot=snapshot, scope__in=[Scope.PROVINCE, Scope.CITY], enterprise_count__gt=0
    )
    existing: dict[str, set[str]] = {"province": set(), "city": set()}
    for scope, code in rows.values_list("scope", "code"):
        existing[scope].add(code)
    national = ScopeIndicator.objects.filter(snapshot=snapshot, scope=Scope.NATIONAL, code=NATIONAL_CODE)
    counts = national.values_list("metrics__batch_counts", flat=True).first() or {}
    existing["batch"] = {str(batch) for batch, n in counts.items() if n}
    return existing


def _choices(name: str, field, existing: dict[str, set[str]], selected: set[str]) -> list[tuple]:
    """(value, label, province) of a filter's options; ``province`` lets the city list follow the provinces."""
    en = english()
    if name == "province":
        rows = Province.objects.filter(code__in=existing["province"] | selected).order_by("code")
        return [(p.code, p.name_en if en else p.name, "") for p in rows]
    if name == "city":
        rows = City.objects.filter(code__in=existing["city"] | selected).order_by("code")
        return [(c.code, c.name_en if en else c.name, c.province_id) for c in rows]
    if name == "batch":
        return [
            (str(n), batch_label(n), "") for n in sorted(int(b) for b in existing["batch"] | selected if b.isdigit())
        ]
    return [(value, str(label), "") for value, label in field.choices if value != ""]


# The options read from the snapshot's indicators and the divisions: a function of the snapshot, its data
# version and the language, so cached under the same stamp as the pages. Read anew per request they cost
# four queries and ~400 model instances, more than the query behind the list itself.
_SNAPSHOT_FILTERS = ("province", "city", "batch")
OPTIONS_SECONDS = 6 * 3600


def _snapshot_options(snapshot) -> dict[str, list[tuple]]:
    from django.core.cache import cache
    from django.utils.translation import get_language

    read_at = snapshot.data_read_at
    key = f"portal:list-options:{snapshot.pk}:{read_at.timestamp() if read_at else 0}:{get_language()}"
    options = cache.get(key)
    if options is None:
        existing = _existing(snapshot)
        options = {name: _choices(name, None, existing, set()) for name in _SNAPSHOT_FILTERS}
        cache.set(key, options, OPTIONS_SECONDS)
    return options


def _options(name: str, field, snapshot, selected: set[str]) -> list[tuple]:
    if name not in _SNAPSHOT_FILTERS:
        return _choices(name, field, {}, selected)
    options = _snapshot_options(snapshot)[name]
    if selected <= {value for value, _label, _province in options}:
        return options
    # A chosen value without members in the snapshot (a city of a link from elsewhere): read as before.
    return _choices(name, field, _existing(snapshot), selected)


def _without(params, name: str, value: str) -> str:
    """The query string of the list with one filter value removed (a chip's ×) and back on page 1."""
    query = params.copy()
    query.setlist(name, [v for v in params.getlist(name) if v != value])
    query.pop("page", None)
    return query.urlencode()


def _chip(label, value) -> str:
    return gettext("%(filter)s：%(value)s") % {"filter": label, "value": value}


def _filter_controls(filterset, params, snapshot) -> tuple[list[dict], list[dict]]:
    """The list's filters as plain option lists, and the chosen values as removable chips.

    Plain lists: Django's widget templates rendered each of the ~370 city options through the template
    engine, which cost more than the query behind the page. The cities offered follow the chosen
    provinces (the browser hides the others as provinces are ticked; without JavaScript, after 筛选).
    """
    form = filterset.form
    provinces = set(params.getlist("province"))
    controls, chips = [], []
    for name in LIST_FILTERS:
        if name not in form.fields:
            continue
        field = form.fields[name]
        selected = set(params.getlist(name))
        control = {"name": name, "label": field.label, "errors": form.errors.get(name, [])}
        if name == "q":
            control["text"] = params.get("q", "")
            if control["text"]:
                chips.append(
                    {"label": _chip(field.label, control["text"]), "query": _without(params, "q", control["text"])}
                )
            controls.append(control)
            continue
        options = _options(name, field, snapshot, selected)
        control["multiple"] = name != "cluster"
        control["options"] = [
            {"value": v, "label": label, "selected": v in selected, "province": province,
             "hidden": bool(name == "city" and provinces and province not in provinces and v not in selected)}
            for v, label, province in options
        ]  # fmt: skip
        control["chosen"] = sum(1 for o in control["options"] if o["selected"])
        chips += [
            {"label": _chip(field.label, o["label"]), "query": _without(params, name, o["value"])}
            for o in control["options"]
            if o["selected"]
        ]
        controls.append(control)
    return controls, chips


# Up to this many matching rows the page is read among their ids, as one array parameter (``= ANY``): at
# 10x a page among 1,320 ids took 3.9 ms against 9.9 ms found by walking the name order, and 609 ids 3.0
# against 16.7 ms (an ``IN (…)`` list of as many values cost more to plan than it saved: 3,500 ids, 113 ms
# against 44 ms). More rows are common enough for the planner's walk in name order to find a page quickly.
SMALL_SELECTION = 2_000


class _PrimaryKeyAmong(Lookup):
    """``pk = ANY(%s)``: the ids as one array parameter, planned as fast for 2,000 ids as for 20."""

    lookup_name = "among"
    prepare_rhs = False

    def get_prep_lookup(self):
        return list(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*params, self.rhs]


def _among(rows, ids: list[int]):
    return rows.filter(_PrimaryKeyAmong(F("pk"), ids)) if len(ids) <= SMALL_SELECTION else rows


class _BoundedPaginator(Paginator):
    """Counts the rows only up to ``cap`` (the rows of the pages a reader can reach).

    A COUNT(*) of every matching enterprise grew with the data (130,000 at the national scale) while the
    list shows at most ``cap`` rows: beyond them the page says "more than" and offers the export.

    The count is taken by reading the matching ids, at most ``cap`` + 1 of them. When they are few, the
    page is read among those ids: otherwise the planner, asked for the first rows in name order,
    walks the name index and tests every enterprise against the filters, which for a rare selection
    (a name and the first batch: 5 rows) read all 130,000 at 10x: 190 ms, against 24 ms at report scale.
    """

    def __init__(self, object_list, per_page, *, cap: int, everyone=None) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap
        # ``everyone``: the same columns unfiltered. With every matching id in hand, the page is read among
        # them alone, in the list's order: the filters again (a text search, a designation's EXISTS) cost
        # the page query as much as the ids' query (q=科技&batch=5: 24 ms against ~3 ms at report scale).
        self.everyone = everyone

    @cached_property
    def _matching_ids(self) -> list[int]:
        return list(self.object_list.order_by().values_list("pk", flat=True)[: self.cap + 1])

    @property
    def more(self) -> bool:
        return len(self._matching_ids) > self.cap

    @cached_property
    def count(self) -> int:
        return min(len(self._matching_ids), self.cap)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = self._matching_ids
        base = self.object_list
        if self.everyone is not None and len(ids) <= min(self.cap, SMALL_SELECTION):
            order = base.query.order_by
            base = self.everyone.order_by(*order) if order else self.everyone
        rows = _among(base, ids)
        return self._get_page(rows[bottom : bottom + self.per_page], number, self)


# ``?population=all``: every enterprise on file. By default the list shows the snapshot's population
# (metrics.md: a 小巨人 designation not revoked and not designated after ``as_of``), the enterprises a
# profile counts, so that "江苏 68" and its "查看江苏省全部企业" link list the same 68 firms.
POPULATION_ALL = "all"


def _uncounted(matching, *, cap: int) -> tuple[int, bool]:
    """How many matching enterprises the snapshot does not count (announced only, revoked, designated
    later), read as at most ``cap`` + 1 ids like the list's own count: (count up to ``cap``, more than it)."""
    ids = list(matching.filter(measure__enterprise_id__isnull=True).order_by().values_list("pk", flat=True)[: cap + 1])
    return min(len(ids), cap), len(ids) > cap


def _sort_headers(sort: str) -> list[dict]:
    """The measure columns' headers as sort links: most first on the first click, then fewest first."""
    headers = []
    for key, label in LIST_SORTS.items():
        state = "descending" if sort == f"-{key}" else "ascending" if sort == key else ""
        headers.append(
            {"key": key, "label": label, "state": state, "next": key if state == "descending" else f"-{key}"}
        )
    return headers


# The region filters, which the snapshot's population reads from its measure rows (below).
REGION_FILTERS = {
    "province": "measure__province_code__in",
    "city": "measure__city_code__in",
    "cluster": "measure__cluster",
}


def _counted_in_region(filterset, filterset_class, params, queryset):
    """The snapshot's population among the filtered enterprises, placed where the snapshot placed them.

    A profile counts an enterprise in the region its measure row was computed with; an enterprise that
    moved since is still counted there in that snapshot. Filtering the population by the measure rows'
    regions (not the enterprise's region now) keeps "江苏 68" and its list's count equal for every
    snapshot, not only until the next move. ``filterset`` (valid) has checked every value.
    """
    cleaned = filterset.form.cleaned_data
    if not any(cleaned.get(name) for name in REGION_FILTERS):
        # No region chosen: the other filters are all of them, already applied (a second FilterSet cost
        # ~1.5 ms of its own to build and validate).
        return filterset.qs.filter(measure__enterprise_id__isnull=False)
    others = params.copy()
    for name in REGION_FILTERS:
        others.pop(name, None)
    rows = filterset_class(others, queryset=queryset).qs.filter(measure__enterprise_id__isnull=False)
    for name, lookup in REGION_FILTERS.items():
        value = cleaned.get(name)
        if value:
            rows = rows.filter(**{lookup: value if name == "cluster" else [division.pk for division in value]})
    return rows


def _with_measures(snapshot):
    """Every enterprise with its region and its measures in ``snapshot`` (None where it has no row)."""
    from django.db.models import FilteredRelation, Q

    from enterprises.models import Enterprise

    # One join with the snapshot's measure rows (at most one per enterprise): sorting by a measure then
    # reads each enterprise's value once. Correlated subqueries, one per enterprise and column, made the
    # list sorted by applications take seconds at report scale and grow with the enterprises.
    return (
        Enterprise.objects.select_related("province", "city")
        .annotate(measure=FilteredRelation("snapshot_measures", condition=Q(snapshot_measures__snapshot=snapshot)))
        .annotate(**{f"m_{key}": F(f"measure__{key}") for key in LIST_SORTS})
    )


def list_rows(choice, *, filterset_class, params):
    """The list's selection for the snapshot ``choice.current``: ``(filterset, matching, rows)``.

    ``matching`` is every enterprise the filters select, ``rows`` the ones the list shows (the snapshot's
    population unless ``?population=all``) in the order of ``?sort=``; the page and its download share it.
    """
    queryset = _with_measures(choice.current)
    filterset = filterset_class(params, queryset=queryset)
    matching = filterset.qs if filterset.is_valid() else queryset.none()
    if params.get("population") == POPULATION_ALL or not filterset.is_valid():
        rows = matching
    else:
        rows = _counted_in_region(filterset, filterset_class, params, queryset)
    sort = params.get("sort", "")
    if sort.lstrip("-") in LIST_SORTS:
        column = F(f"m_{sort.lstrip('-')}")
        rows = rows.order_by(
            column.asc(nulls_last=True) if not sort.startswith("-") else column.desc(nulls_last=True), "pk"
        )
    elif not params.get("ordering"):
        rows = rows.order_by("name", "pk")
    return filterset, matching, rows


def place_parts(province, city, *, english: bool) -> list[str]:
    """所在地区 as its parts, province first: the template joins them with " · ", each part unbroken, so a
    phone's narrow cell never starts a line with the separator. A municipality's one city is the
    municipality itself (上海市 · 上海市 said the same name twice): it is named once."""
    parts = [province.name_en if english else province.name]
    if city and not province.is_municipality:
        parts.append(city.name_en if english else city.name)
    return parts


def _display_rows(enterprises, choice) -> list[dict]:
    """The page's rows as the table prints them, in the request's language: the template then only places
    strings (per row and column, its filters, ``{% url %}`` and the choices' lazy labels cost ~5 ms a page)."""
    from django.urls import reverse

    from enterprises.models import Enterprise

    from .. import formatting
    from ..indicators import INDUSTRY_LABELS

    en = english()
    query = choice.query()
    boards = {value: str(label) for value, label in Enterprise._meta.get_field("listing_board").flatchoices}
    rows = []
    for e in enterprises:
        place = place_parts(e.province, e.city, english=en)
        url = (
            reverse("portal:enterprise", args=[e.credit_code]) + (f"?{query}" if query else "") if e.credit_code else ""
        )
        rows.append(
            {
                "name": e.name,
                "url": url,
                "place": place,
                "industry": str(INDUSTRY_LABELS.get(e.industry_field, "")) if e.industry_field else "",
                "board": boards.get(e.listing_board, e.listing_board) or "—",
                "measures": [formatting.number(getattr(e, f"m_{key}")) for key in LIST_SORTS],
            }
        )
    return rows


def enterprise_list_context(choice, *, filterset_class, params, page_size: int, max_pages: int) -> dict:
    from django.core.paginator import EmptyPage, PageNotAnInteger

    filterset, matching, rows = list_rows(choice, filterset_class=filterset_class, params=params)
    everyone = params.get("population") == POPULATION_ALL
    sort = params.get("sort", "")
    paginator = _BoundedPaginator(rows, page_size, cap=page_size * max_pages, everyone=_with_measures(choice.current))
    try:
        number = min(int(params.get("page", 1)), max_pages)
        page = paginator.page(number)
    except (PageNotAnInteger, ValueError):
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(min(paginator.num_pages, max_pages))
    filter_controls, chips = _filter_controls(filterset, params, choice.current)
    uncounted, uncounted_more = _uncounted(matching, cap=page_size * max_pages)
    export_query = params.copy()
    for key in ("page", "sort", "as_of", "population"):
        export_query.pop(key, None)
    export_query["format"] = "csv"
    # The download for people keeps everything the page shows (snapshot, sort, population) but the page.
    download_query = params.copy()
    download_query.pop("page", None)
    if choice.query():
        download_query["as_of"] = choice.current.as_of.isoformat()
    return {
        "choice": choice,
        "filterset": filterset,
        "filter_controls": filter_controls,
        "chips": chips,
        "page": page,
        "rows": _display_rows(list(page.object_list), choice),
        "total": paginator.count,
        "capped": paginator.more,
        "max_pages": max_pages,
        "everyone": everyone,
        "uncounted": uncounted,
        "uncounted_more": uncounted_more,
        "sort": sort,
        "sorts": [(key, label) for key, label in LIST_SORTS.items()],
        "headers": _sort_headers(sort),
        "export_url": "/api/v1/enterprises/?" + export_query.urlencode(),
        "download_query": download_query.urlencode(),
    }
