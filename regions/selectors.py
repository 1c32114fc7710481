"""Reads of the division tables, above all turning what people write into a province and city."""

import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import get_language, gettext, override

from utilities.tabular import ErrorReport

from .choices import CLUSTER_NAMES, PLACE_ALIASES, XPCC_CITY, XPCC_NAME, XPCC_PROVINCE, CityKind
from .models import City, Province


def division_name(division) -> str:
    """A province's or city's name in the active language: its English name outside Chinese, where known."""
    english = not (get_language() or "zh-hans").startswith("zh")
    return division.name_en if english and division.name_en else division.name


class RegionNotFound(ValueError):
    """Raised with a message for the person who wrote the value."""


@dataclass(frozen=True)
class ResolvedRegion:
    province_code: str
    city_code: str | None


def _clean(value: str | None) -> str:
    return unicodedata.normalize("NFKC", value or "").strip().replace(" ", "")


class RegionResolver:
    """Resolves province and city as written in enterprise files and MIIT lists.

    Loads the ~370 divisions once, so an import of 15,000 rows asks the database nothing per row.
    The province column accepts a full name, short name or code, a 计划单列市 (which also fixes the city)
    or 新疆生产建设兵团; the city column a name, short name or code inside that province.
    """

    def __init__(self) -> None:
        self.provinces: dict[str, Province] = {}
        self._province_by_text: dict[str, str] = {}
        self._separately_planned: dict[str, City] = {}
        self._city_by_text: dict[tuple[str, str], str] = {}
        self.cities: dict[str, City] = {}
        self._city_anywhere: dict[str, City] = {}
        for province in Province.objects.all():
            self.provinces[province.code] = province
            for text in (province.code, province.name, province.short_name):
                self._province_by_text[text] = province.code
        for city in City.objects.all():
            self.cities[city.code] = city
            for text in (city.code, city.name, city.short_name):
                self._city_by_text.setdefault((city.province_id, text), city.code)
                self._city_anywhere.setdefault(text, city)
            if city.is_separately_planned:
                for text in (city.name, city.short_name, city.code):
                    self._separately_planned[text] = city

    def province(self, value: str) -> ResolvedRegion:
        text = _clean(value)
        if not text:
            raise RegionNotFound(gettext("省份不能为空"))
        if text in self._province_by_text:
            code = self._province_by_text[text]
            city = None
            if self.provinces[code].is_municipality:
                city = code[:2] + "0100"
            return ResolvedRegion(code, city)
        if text in self._separately_planned:
            city = self._separately_planned[text]
            return ResolvedRegion(city.province_id, city.code)
        if text in {XPCC_NAME, "兵团", "新疆兵团"}:
            return ResolvedRegion(XPCC_PROVINCE, XPCC_CITY)
        raise RegionNotFound(gettext("未知省份 “%(value)s”") % {"value": value})

    def city(self, province_code: str, value: str) -> str:
        text = _clean(value)
        code = self._city_by_text.get((province_code, text))
        if code is None and text.endswith("市"):
            code = self._city_by_text.get((province_code, text[:-1]))
        if code is None:
            known = self._city_anywhere.get(text) or self._city_anywhere.get(text.removesuffix("市"))
            if known is not None and known.province_id != province_code:
                raise RegionNotFound(
                    gettext("城市 “%(value)s” 属于%(other)s，不在%(province)s")
                    % {
                        "value": value,
                        "other": self.provinces[known.province_id].name,
                        "province": self.provinces[province_code].name,
                    }
                )
            raise RegionNotFound(
                gettext("未知城市 “%(value)s”（%(province)s）")
                % {"value": value, "province": self.provinces[province_code].name}
            )
        return code

    def resolve(self, province_value: str, city_value: str | None) -> ResolvedRegion:
        """Both columns together; a city implied by the province column must agree with the city column."""
        region = self.province(province_value)
        if not _clean(city_value):
            return region
        city_code = self.city(region.province_code, city_value)
        if region.city_code and region.city_code != city_code and region.city_code != XPCC_CITY:
            raise RegionNotFound(
                gettext("城市 “%(city)s” 与省份列的 “%(province)s” 不一致")
                % {"city": city_value, "province": province_value}
            )
        return ResolvedRegion(region.province_code, city_code)


class RegionCache:
    """Resolves each distinct (province, city) pair of a file once: 15,000 rows name a few hundred places."""

    def __init__(self, resolver: RegionResolver) -> None:
        self.resolver = resolver
        self._seen: dict[tuple[str, str], tuple[ResolvedRegion | None, str, str]] = {}

    def resolve(self, report: ErrorReport, row: int, province: str, city: str) -> ResolvedRegion | None:
        """Province and city, reporting against the column that is wrong; None on error."""
        key = (province, city)
        if key not in self._seen:
            self._seen[key] = self._resolve(province, city)
        region, column, problem = self._seen[key]
        if problem:
            report.add(row, column, province if column == "province" else city, problem)
        return region

    def _resolve(self, province: str, city: str) -> tuple[ResolvedRegion | None, str, str]:
        try:
            region = self.resolver.province(province)
        except RegionNotFound as exc:
            return None, "province", str(exc)
        if not city:
            return region, "", ""
        try:
            return self.resolver.resolve(province, city), "", ""
        except RegionNotFound as exc:
            return None, "city", str(exc)


class CityGuesser:
    """Infers a city from an enterprise name that starts with a city of the province (沈阳美行… → 沈阳市).

    Only prefecture-level cities count (not the 省直辖县级 groups), the longest name wins, and a leading
    province name is skipped first (安徽省六安… → 六安市). A bare short name equal to the province's own
    short name (吉林…) is ambiguous and gives no city.
    """

    def __init__(self, resolver: RegionResolver) -> None:
        self._prefixes: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self._province_prefixes: dict[str, tuple[str, ...]] = {}
        for code, province in resolver.provinces.items():
            self._province_prefixes[code] = (province.name, province.short_name)
        for city in resolver.cities.values():
            if city.kind != CityKind.CITY or city.is_municipality:
                continue
            province = resolver.provinces[city.province_id]
            for text in {city.name, city.short_name}:
                if len(text) >= 2 and text != province.short_name:
                    self._prefixes[city.province_id].append((text, city.code))
        for prefixes in self._prefixes.values():
            prefixes.sort(key=lambda item: -len(item[0]))

    def guess(self, province_code: str, name: str) -> str | None:
        candidates = [name]
        for prefix in self._province_prefixes.get(province_code, ()):
            if name.startswith(prefix):
                candidates.append(name[len(prefix) :])
        for text in candidates:
            for prefix, code in self._prefixes.get(province_code, ()):
                if text.startswith(prefix):
                    return code
        return None


# --- lists for the API and the pages ---------------------------------------------------------------


def province_list():
    return Province.objects.order_by("code")


def city_list():
    return City.objects.select_related("province").order_by("code")


# --- places by name (the compare picker and the header search) --------------------------------------

PLACE_LIMIT = 10
# The scopes of reports.choices.Scope (a higher layer) that a place can be.
PROVINCE, CITY, CLUSTER = "province", "city", "cluster"


@dataclass(frozen=True)
class Place:
    """A province, city or cluster as a person names it; ``exact`` when the text was one of its names."""

    scope: str
    code: str
    name: str
    name_en: str
    province_code: str = ""
    province_name: str = ""
    province_name_en: str = ""
    exact: bool = False

    @property
    def display_name(self) -> str:
        return self.name if _chinese() or not self.name_en else self.name_en

    @property
    def display_parent(self) -> str:
        return self.province_name if _chinese() or not self.province_name_en else self.province_name_en


def _chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def place_key(text: str) -> str:
    """Text as place names are compared: NFKC, lower case, without spaces, hyphens and apostrophes
    ("Su Zhou", "su-zhou", "Xi'an" → "suzhou", "suzhou", "xian")."""
    text = unicodedata.normalize("NFKC", text or "").strip().lower()
    return "".join(ch for ch in text if ch not in " -–—'’·")


_ALIAS_KEYS = [(place_key(alias), code) for code, aliases in PLACE_ALIASES.items() for alias in aliases]


def _alias_codes(key: str, *, exact: bool) -> list[str]:
    """Codes of the places one of whose other English names (``PLACE_ALIASES``) is, or begins with, ``key``."""
    return [code for alias, code in _ALIAS_KEYS if (alias == key if exact else alias.startswith(key))]


def _exact_condition(text: str, key: str) -> Q:
    condition = Q(code=text) | Q(name=text) | Q(short_name=text) | Q(slug=key) | Q(name_en__iexact=text)
    aliases = _alias_codes(key, exact=True)
    return condition | Q(code__in=aliases) if aliases else condition


def _division_condition(text: str, key: str, *, exact: bool) -> Q:
    """Names, short names and codes as written, pinyin (``slug``), English names and their aliases as keys:
    prefixes, served by the pattern indexes of migration 0002, or whole names with ``exact``."""
    if exact:
        return _exact_condition(text, key)
    condition = Q(name__startswith=text) | Q(short_name__startswith=text) | Q(name_en__istartswith=text)
    if key:
        condition |= Q(slug__startswith=key)
        aliases = _alias_codes(key, exact=False)
        if aliases:
            condition |= Q(code__in=aliases)
    if text.isdigit():
        condition |= Q(code__startswith=text)
    return condition


def _exactness(text: str, key: str):
    return Case(When(_exact_condition(text, key), then=Value(0)), default=Value(1), output_field=IntegerField())


def _divisions(text: str, key: str, *, exact: bool, limit: int) -> list[Place]:
    """Matching provinces and cities, exact matches first, then by code: one bounded query each."""
    condition = _division_condition(text, key, exact=exact)
    provinces = (
        Province.objects.filter(condition)
        .annotate(rank=_exactness(text, key))
        .order_by("rank", "code")
        .values_list("code", "name", "name_en", "rank")[:limit]
    )
    cities = (
        City.objects.filter(condition)
        .annotate(rank=_exactness(text, key))
        .order_by("rank", "code")
        .values_list("code", "name", "name_en", "rank", "province_id", "province__name", "province__name_en")[:limit]
    )
    places = [Place(PROVINCE, c, n, e, c, n, e, exact=r == 0) for c, n, e, r in provinces]
    places += [Place(CITY, c, n, e, p, pn, pe, exact=r == 0) for c, n, e, r, p, pn, pe in cities]
    # A municipality is a province and a city of the same name: the province stands for both.
    municipal = {p.code[:2] for p in places if p.scope == PROVINCE}
    return [p for p in places if not (p.scope == CITY and p.code[:2] in municipal and p.name == p.province_name)]


def _clusters(text: str, key: str, *, exact: bool) -> list[Place]:
    places = []
    for cluster, names in CLUSTER_NAMES.items():
        keys = [place_key(n) for n in names]
        hit = key in keys if exact else any(k.startswith(key) for k in keys)
        if key and hit:
            with override("zh-hans"):
                name = str(cluster.label)
            with override("en"):
                name_en = str(cluster.label)
            places.append(Place(CLUSTER, cluster.value, name, name_en, exact=key in keys))
    return places


def places_matching(text: str, *, limit: int = PLACE_LIMIT) -> list[Place]:
    """Places whose Chinese name, short name, pinyin, English name or code begins with ``text``:
    exact names first, then provinces, clusters and cities, by code; at most ``limit``."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    key = place_key(text)
    if not key:
        return []
    places = _clusters(text, key, exact=False) + _divisions(text, key, exact=False, limit=limit)
    order = {PROVINCE: 0, CLUSTER: 1, CITY: 2}
    return sorted(places, key=lambda p: (not p.exact, order[p.scope], p.code))[:limit]


def places_named(text: str) -> list[Place]:
    """The places ``text`` names exactly (a name, short name, pinyin, English name or code): one, none,
    or several when a name is shared (Suzhou is 苏州 and 宿州). A province comes before a city."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    key = place_key(text)
    if not key:
        return []
    clusters = _clusters(text, key, exact=True)
    if clusters:
        return clusters
    return _divisions(text, key, exact=True, limit=PLACE_LIMIT)
