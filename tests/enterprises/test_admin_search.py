"""The enterprise admin's search: the portal's search for each word, or the beginning of a stock code.

Officials look an enterprise up by a part of its name, a former name, the beginning of its credit code or
its stock code; every word they type must match, and a provincial official still sees only their own
province. On PostgreSQL the search is read from the bigram index, for the page and for its count.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from officials.services import official_set_up
from regions.models import City, Province
from tests.api_helpers import plan_with_bitmap_scans_only
from tests.factories import EnterpriseFactory, make_credit_code

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:enterprises_enterprise_changelist"


@pytest.fixture
def enterprises(regions):
    return {
        "huawei": EnterpriseFactory(
            name="苏州华为终端有限公司",
            former_names=["苏州华为技术有限公司"],
            credit_code=make_credit_code(11, "320200"),
        ),
        "listed": EnterpriseFactory(name="苏州绿的谐波传动科技股份有限公司", stock_code="688017.SH"),
        "deep_sea": EnterpriseFactory(name="苏州Deep Sea智能装备有限公司"),
        "zhejiang": EnterpriseFactory(
            name="杭州华为软件有限公司",
            credit_code=make_credit_code(12, "330100"),
            province=Province.objects.get(code="330000"),
            city=City.objects.get(code="330100"),
        ),
    }


def found(client, term: str) -> set[str]:
    response = client.get(reverse(CHANGELIST), {"q": term})
    assert response.status_code == 200
    return set(re.findall(r'<th class="field-name"><a href="[^"]+">([^<]+)</a>', response.content.decode()))


@pytest.fixture
def national_client(client, regions):
    client.force_login(official_set_up(username="national", role="national").user)
    return client


def test_a_part_of_a_name_or_a_former_name_finds_the_enterprise(national_client, enterprises):
    assert found(national_client, "华为") == {"苏州华为终端有限公司", "杭州华为软件有限公司"}
    assert found(national_client, "华为技术") == {"苏州华为终端有限公司"}  # only in the former name


def test_the_beginning_of_a_credit_code_or_of_a_stock_code_finds_the_enterprise(national_client, enterprises):
    assert found(national_client, make_credit_code(11, "320200")[:15].lower()) == {"苏州华为终端有限公司"}
    assert found(national_client, "688017") == {"苏州绿的谐波传动科技股份有限公司"}
    assert found(national_client, "688017.sh") == {"苏州绿的谐波传动科技股份有限公司"}


def test_every_word_must_match_and_quotes_keep_a_phrase(national_client, enterprises):
    assert found(national_client, "华为 苏州") == {"苏州华为终端有限公司"}
    assert found(national_client, "华为 谐波") == set()
    assert found(national_client, '"deep sea"') == {"苏州Deep Sea智能装备有限公司"}
    assert found(national_client, "deepsea") == {"苏州Deep Sea智能装备有限公司"}  # the normalised name


def test_a_provincial_official_finds_only_their_own_provinces_enterprises(client, enterprises):
    client.force_login(official_set_up(username="js", role="provincial", province_codes=["320000"]).user)
    assert found(client, "华为") == {"苏州华为终端有限公司"}


def test_the_page_and_its_count_are_read_from_the_bigram_index(national_client, enterprises):
    with CaptureQueriesContext(connection) as queries:
        found(national_client, "华为终端")
    searched = [query["sql"] for query in queries if "search_bigrams" in query["sql"]]
    assert len(searched) >= 2  # the page, and the count of its matches

    for sql in searched:
        plan = plan_with_bitmap_scans_only(sql)
        assert "enterprise_search_bigrams_idx" in plan
        assert "enterprise_stock_code_idx" in plan
