"""The enterprise text search on PostgreSQL: the bigram index finds exactly what the plain scan finds.

The index condition may only narrow the rows the ``LIKE`` conditions test, never drop a match: every
search below gives the same enterprises with and without it. And the query must say the index's own
expression, or PostgreSQL silently falls back to reading every enterprise.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.models import Designation, Enterprise
from enterprises.names import normalize_name
from enterprises.search import search, text_matches
from tests.api_helpers import plan_with_bitmap_scans_only
from tests.factories import DesignationFactory, EnterpriseFactory, make_credit_code

pytestmark = [pytest.mark.django_db]

NAMES = {
    "huawei": ("华为技术有限公司", []),
    "latin": ("苏州ABC智能装备有限公司", []),
    "full_width": ("无锡ＸＹＺ精密机械有限公司", []),
    "brackets": ("华测检测认证集团（北京）有限公司", []),
    "spaced": ("Shenzhen Deep Sea 科技 有限公司", []),
    "renamed": ("宁波新材料股份有限公司", ["宁波老字号化工厂"]),
    "percent": ("上海100%纯净水有限公司", []),
    "incomplete": ("名单上待补全的企业", []),
}

SEARCHES = [
    "华为",
    "为技术",
    "华",  # one character: no pair, so no index condition
    "abc",
    "aBc智能",
    "ＡＢＣ",  # full width: found through the normalised name
    "xyz精密",
    "XYZ",
    "(北京)",
    "（北京）",
    "deep sea",
    "DeepSea",
    "科技 有限",
    "老字号",
    '化工厂"',  # the JSON text of the former names closes each name with a quote: the scan finds it too
    "100%",
    "0%纯",
    "_",
    "91320500",
    "91320500000000002",
    "913205000000000",
    "不存在的名称",
]


@pytest.fixture
def enterprises(regions):
    rows = {}
    for serial, (key, (name, former_names)) in enumerate(NAMES.items(), start=1):
        credit_code = None if key == "incomplete" else make_credit_code(serial)
        rows[key] = EnterpriseFactory(credit_code=credit_code, name=name, former_names=former_names)
    # Enough others that the planner has a table to choose an index for.
    EnterpriseFactory.create_batch(300)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enterprises_enterprise")
    return rows


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("text", SEARCHES)
def test_the_index_condition_never_drops_a_match(enterprises, text):
    scanned = _ids(Enterprise.objects.filter(text_matches(text.strip())))
    indexed = _ids(search(Enterprise.objects.all(), text))

    assert indexed == scanned


def test_the_searches_find_what_a_reader_expects(enterprises):
    def found(text):
        return {key for key, row in enterprises.items() if row.pk in _ids(search(Enterprise.objects.all(), text))}

    assert found("华为") == {"huawei"}
    assert found("abc") == found("ＡＢＣ") == {"latin"}
    assert found("（北京）") == found("(北京)") == {"brackets"}
    assert found("DeepSea") == found("deep sea") == {"spaced"}
    assert found("老字号") == {"renamed"}
    assert found("100%") == {"percent"}
    assert found(make_credit_code(2)[:17].lower()) == {"latin"}


@pytest.mark.parametrize("text", ["精密", "abc", "Deep Sea", "913205"])
def test_a_search_of_two_characters_or_more_is_read_from_the_bigram_index(enterprises, text):
    with CaptureQueriesContext(connection) as queries:
        list(search(Enterprise.objects.all(), text))
    (sql,) = [query["sql"] for query in queries]

    assert "enterprise_search_bigrams_idx" in plan_with_bitmap_scans_only(sql)


def test_a_rare_name_is_found_without_reading_every_enterprise(regions):
    """The planner's own choice, with statistics, among 20,000 enterprises of common words."""
    words = ["科技", "智能", "电子", "材料", "装备", "精工", "新能源", "生物", "医疗", "信息"]
    suzhou = EnterpriseFactory.build()
    Enterprise.objects.bulk_create(
        Enterprise(
            credit_code=make_credit_code(serial, "320200"),
            name=(name := f"苏州{words[serial % 10]}{words[serial // 10 % 10]}{serial}有限公司"),
            name_normalized=normalize_name(name),
            province_id=suzhou.province_id,
            city_id=suzhou.city_id,
        )
        for serial in range(1, 20_001)
    )
    rare = EnterpriseFactory(name="无锡精密机械有限公司")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enterprises_enterprise")

    with CaptureQueriesContext(connection) as queries:
        found = list(search(Enterprise.objects.all(), "精密机械"))
    (sql,) = [query["sql"] for query in queries]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert found == [rare]
    assert "enterprise_search_bigrams_idx" in plan
    assert "Seq Scan" not in plan


def test_the_index_follows_an_edited_name(enterprises):
    huawei = enterprises["huawei"]
    huawei.name = "华为终端有限公司"
    huawei.former_names = ["华为技术有限公司"]
    huawei.save()

    assert _ids(search(Enterprise.objects.all(), "终端")) == {huawei.pk}
    assert _ids(search(Enterprise.objects.all(), "为技术")) == {huawei.pk}


def test_a_search_inside_a_subquery_reads_the_column_of_its_own_alias(enterprises):
    """Django renames the subquery's table (U0): the bigram column must follow it."""
    huawei = enterprises["huawei"]
    DesignationFactory(enterprise=huawei)
    DesignationFactory(enterprise=enterprises["latin"])

    matching = search(Enterprise.objects.all(), "为技术").values("pk")

    assert list(Designation.objects.filter(enterprise__in=matching).values_list("enterprise", flat=True)) == [huawei.pk]
