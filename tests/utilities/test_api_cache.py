"""Anonymous API reads served from the cache, keyed by the data version, like the pages (#28).

utilities/api/caching.py on the enterprise and patent endpoints; the indicator endpoints, keyed by their
snapshot, are in tests/reports/test_api_cache.py.
"""

import datetime

import pytest
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient, APIRequestFactory

from enterprises.api.serializers import EnterpriseSerializer, enterprise_representation
from enterprises.api.views import EnterpriseListView
from enterprises.models import Enterprise
from enterprises.selectors import enterprise_list, enterprise_rows
from officials.services import official_set_up
from patents.api.serializers import PatentSerializer, patent_representation
from patents.models import Patent
from patents.selectors import patent_list, patent_rows
from tests.api_helpers import fresh_throttles  # noqa: F401
from tests.factories import DesignationFactory, EnterpriseFactory, PatentApplicantFactory, PatentFactory
from utilities.api.caching import data_version, data_written

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]

ENTERPRISES = "/api/v1/enterprises/"
PATENTS = "/api/v1/patents/"


@pytest.fixture
def firms(regions):
    made = [DesignationFactory().enterprise for _ in range(3)]
    for firm in made:
        PatentApplicantFactory(patent=PatentFactory(), enterprise=firm, name=firm.name)
    return made


@pytest.fixture
def official(regions):
    user = official_set_up(username="reader", role="national").user
    client = APIClient()
    client.force_authenticate(user)
    return client


def names(response) -> list[str]:
    return [row["name"] for row in response.json()["results"]]


@pytest.fixture
def stored(monkeypatch):
    """The keys of the API responses stored in the cache during the test."""
    keys = []
    original = cache.set

    def spy(key, *args, **kwargs):
        if key.startswith("api:read:"):
            keys.append(key)
        return original(key, *args, **kwargs)

    monkeypatch.setattr(cache, "set", spy)
    return keys


def read_url(kind: str, firm) -> str:
    if kind == "patent":
        return f"{PATENTS}{firm.patent_applications.get().patent.publication_number}/"
    if kind == "enterprise":
        return f"{ENTERPRISES}{firm.credit_code}/"
    return {"enterprises": f"{ENTERPRISES}?page_size=2", "patents": f"{PATENTS}?page_size=2"}[kind]


@pytest.mark.parametrize("kind", ["enterprises", "patents", "patent", "enterprise"])
def test_the_second_anonymous_read_costs_no_query(client, firms, kind, django_assert_num_queries):
    url = read_url(kind, firms[0])
    first = client.get(url)
    assert first.status_code == 200

    with django_assert_num_queries(0):
        second = client.get(url)

    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


@pytest.mark.parametrize("url", [ENTERPRISES, PATENTS, f"{ENTERPRISES}?ordering=-employees", f"{PATENTS}?page_size=1"])
def test_a_list_page_is_one_query_on_a_miss(client, firms, url, django_assert_num_queries):
    with django_assert_num_queries(1):  # the page, its designations or applicants aggregated into each row
        response = client.get(url)
    assert response.status_code == 200 and response.json()["results"]


def test_the_next_page_of_a_lean_list_is_one_query_too(client, firms, django_assert_num_queries):
    first = client.get(f"{PATENTS}?page_size=2").json()
    with django_assert_num_queries(1):
        second = client.get(first["next"]).json()
    assert second["results"] and {r["publication_number"] for r in second["results"]}.isdisjoint(
        r["publication_number"] for r in first["results"]
    )


@pytest.mark.parametrize("kind", ["patent", "enterprise"])
def test_a_detail_is_at_most_two_queries_on_a_miss(client, firms, kind, django_assert_max_num_queries):
    url = read_url(kind, firms[0])
    with django_assert_max_num_queries(2):  # the row with its related rows; the enterprise's measures
        assert client.get(url).status_code == 200


def test_lean_rows_are_what_the_serializers_give(firms):
    """The lists and details serialise values() rows by hand: field for field what the serializers give."""
    for firm in firms:
        DesignationFactory(
            enterprise=firm,
            batch=2,
            status="revoked",
            reviewed_on=datetime.date(2024, 2, 28),
            revoked_on=datetime.date(2024, 3, 1),
            revocation_reason="复核未通过",
        )
    firm = firms[0]
    firm.former_names = ["苏州旧名有限公司"]
    firm.founded_on = datetime.date(2001, 2, 3)
    firm.primary_financing = True
    firm.save()
    PatentApplicantFactory(patent=firm.patent_applications.get().patent, position=2, enterprise=None, name="某大学")

    enterprises = Enterprise.objects.filter(pk__in=[f.pk for f in firms]).order_by("pk")
    lean = [enterprise_representation(row) for row in enterprise_rows(enterprises)]
    revoked = next(d for d in lean[0]["designations"] if d["batch"] == 2)
    assert (revoked["reviewed_on"], revoked["revocation_reason"]) == ("2024-02-28", "复核未通过")
    assert (
        lean
        == EnterpriseSerializer(enterprise_list().filter(pk__in=[f.pk for f in firms]).order_by("pk"), many=True).data
    )

    patents = Patent.objects.order_by("pk")
    lean = [patent_representation(row) for row in patent_rows(patents)]
    assert lean == PatentSerializer(patent_list().order_by("pk"), many=True).data
    assert any(len(row["applicants"]) == 2 and row["applicants"][1]["enterprise"] is None for row in lean)


def test_a_saved_change_shows_in_the_next_read(client, firms):
    before = names(client.get(ENTERPRISES))
    firm = Enterprise.objects.get(pk=firms[0].pk)
    firm.name = "苏州改名科技有限公司"
    firm.save()  # the admin's way: post_save advances the data version

    after = names(client.get(ENTERPRISES))

    assert "苏州改名科技有限公司" in after
    assert "苏州改名科技有限公司" not in before


def test_a_commit_advances_the_data_version_again(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        data_written()
        written = data_version()
        data_written()  # a second row of the same transaction: one callback
    assert len(callbacks) == 1

    callbacks[0]()

    assert data_version() != written


def test_a_write_without_signals_is_not_seen_until_the_version_moves(client, firms):
    before = client.get(ENTERPRISES).content
    Enterprise.objects.filter(pk=firms[0].pk).update(name="苏州悄悄改名有限公司")  # no post_save

    assert client.get(ENTERPRISES).content == before  # the cached entry: nothing said the data changed
    data_written()  # what an import's completion, or a service's signal, does
    assert "苏州悄悄改名有限公司" in names(client.get(ENTERPRISES))


def test_etag_and_304(client, firms, django_assert_num_queries):
    response = client.get(ENTERPRISES)
    etag = response["ETag"]
    assert etag.startswith('"') and "must-revalidate" in response["Cache-Control"]

    with django_assert_num_queries(0):
        unchanged = client.get(ENTERPRISES, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged["ETag"] == etag

    EnterpriseFactory(name="苏州新来科技有限公司")
    changed = client.get(ENTERPRISES, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_signed_in_callers_neither_read_nor_fill_the_cache(client, official, firms, stored):
    anonymous = client.get(ENTERPRISES).content
    Enterprise.objects.filter(pk=firms[0].pk).update(name="苏州悄悄改名有限公司")  # no signal, no new version

    seen = official.get(ENTERPRISES)

    assert "苏州悄悄改名有限公司" in names(seen)  # officials see the database, not the cache
    assert "ETag" not in seen
    assert client.get(ENTERPRISES).content == anonymous  # and did not replace the anonymous entry
    assert len(stored) == 1


def test_the_language_is_part_of_the_key(firms):
    # /api/v1/ has no language prefix, so requests are read in the default language today; the key still
    # holds the active language, so that a translated response could never be served in the other one.
    view = EnterpriseListView()
    request = view.initialize_request(APIRequestFactory().get(ENTERPRISES))
    view.request, view.args, view.kwargs, view.format_kwarg = request, (), {}, None
    view.initial(request)
    keys = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            keys[language] = view._read_cache_key(request)

    assert keys["zh-hans"] != keys["en"]


def test_parameter_order_and_empty_values_share_one_entry(client, firms, django_assert_num_queries):
    first = client.get(f"{ENTERPRISES}?province=320000&batch=3")
    assert first.status_code == 200

    with django_assert_num_queries(0):
        same = client.get(f"{ENTERPRISES}?batch=3&city=&province=320000")

    assert same["ETag"] == first["ETag"]


def test_unknown_parameters_are_refused_not_cached(client, firms, stored):
    for n in range(3):
        assert client.get(ENTERPRISES, {"junk": str(n)}).status_code == 400

    assert stored == []


def test_exports_are_streamed_not_cached(client, firms, stored):
    response = client.get(ENTERPRISES, {"format": "csv"})

    assert response.streaming
    assert "ETag" not in response
    assert stored == []


def test_the_browsable_api_is_not_cached(client, firms, stored):
    response = client.get(ENTERPRISES, headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert "ETag" not in response
    assert stored == []


def test_with_redis_down_reads_are_answered_from_the_database(client, firms, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "utilities.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens: refused at once
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    assert data_version() is None
    response = client.get(ENTERPRISES)

    assert response.status_code == 200
    assert len(names(response)) == 3
    assert "ETag" not in response


def test_with_a_replica_an_answer_read_just_after_a_write_is_neither_kept_nor_tagged(
    client, firms, stored, monkeypatch, settings
):
    """A replica may not have replayed the write yet: what it answers must not stay under the new version."""
    from utilities.api import caching

    monkeypatch.setattr(caching, "_replica_configured", lambda: True)
    settings.DATABASE_REPLICA_SETTLE_SECONDS = 60
    data_written()

    unsettled = client.get(ENTERPRISES)

    assert unsettled.status_code == 200
    assert "ETag" not in unsettled
    assert stored == []

    settings.DATABASE_REPLICA_SETTLE_SECONDS = 0
    settled = client.get(ENTERPRISES)

    assert settled.status_code == 200
    assert "ETag" in settled
    assert len(stored) == 1
