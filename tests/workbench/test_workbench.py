"""The workbench: what falls due in an official's provinces, counted in SQL, each item linking to its list."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import DesignationFactory, EnterpriseFactory, PatentApplicantFactory, PatentFactory
from workbench.selectors import workbench_for

pytestmark = pytest.mark.django_db


def _names(rows):
    return [row["name"] for row in rows]


def test_jiangsu_counts(province_world, js_official):
    bench = workbench_for(js_official)
    assert bench.designations == {"due": 1, "overdue": 1}
    assert bench.missing == {"employees": 1, "city": 1, "industry": 1, "patents": 3}
    # Named after a 江苏 city, or a credit code registered in 江苏 (32…); 北京 is a co-applicant only, and
    # a university is left out.
    assert _names(bench.applicants) == ["苏州未匹配电子有限公司", "上海某某材料有限公司"]
    assert [row["patents"] for row in bench.applicants] == [3, 2]
    assert bench.imports_waiting == 0


def test_zhejiang_counts(province_world, zj_official):
    bench = workbench_for(zj_official)
    assert bench.designations == {"due": 2, "overdue": 1}
    assert bench.missing == {"employees": 1, "city": 0, "industry": 0, "patents": 2}
    assert _names(bench.applicants) == ["杭州未匹配软件有限公司"]
    assert bench.imports_waiting == 1
    assert [record.file_name for record in bench.imports_last] == ["zhejiang.csv"]


def test_the_page_shows_only_the_officials_provinces(province_world, js_official, client):
    client.force_login(js_official)
    page = client.get(reverse("admin:workbench")).content.decode()
    assert "苏州未匹配电子有限公司" in page
    for other in ("杭州未匹配软件有限公司", "zhejiang.csv", "杭州到期科技有限公司"):
        assert other not in page
    assert re.search(r'id="count-due">1<', page) and re.search(r'id="count-overdue">1<', page)


def test_each_item_links_to_a_list_filtered_the_same_way(province_world, js_official, client):
    client.force_login(js_official)
    page = client.get(reverse("admin:workbench")).content.decode()
    designations = reverse("admin:enterprises_designation_changelist")
    due = client.get(f"{designations}?validity=due")
    assert [d.enterprise.name for d in due.context["cl"].result_list] == ["苏州到期科技有限公司"]
    overdue = client.get(f"{designations}?validity=overdue")
    assert [d.enterprise.name for d in overdue.context["cl"].result_list] == ["南京逾期科技有限公司"]
    enterprises = reverse("admin:enterprises_enterprise_changelist")
    for missing, expected in (
        ("employees", {"苏州到期科技有限公司"}),
        ("city", {"南京逾期科技有限公司"}),
        ("industry", {"无锡复核科技有限公司"}),
        ("patents", {"无锡复核科技有限公司", "常州有效科技有限公司", "南通公示科技有限公司"}),
    ):
        assert f"{enterprises}?missing={missing}" in page
        listed = client.get(f"{enterprises}?missing={missing}").context["cl"].result_list
        assert {e.name for e in listed} == expected, missing
    quality = client.get(reverse("admin:patents_data_quality"), {"q": "苏州未匹配电子有限公司"})
    assert [row["name"] for row in quality.context["unmatched"]] == ["苏州未匹配电子有限公司"]


def test_signing_in_lands_on_the_workbench(js_official, client):
    js_official.set_password("Wb-pass-123!")
    js_official.save()
    login = reverse("admin:login")
    assert client.get(login).context["next"] == reverse("admin:workbench")
    index = client.get(reverse("admin:index"))
    assert index.status_code == 302  # not signed in yet
    client.force_login(js_official)
    assert reverse("admin:workbench") in client.get(reverse("admin:index")).content.decode()


def test_query_count_is_bounded(province_world, js_official, client, django_assert_max_num_queries):
    """A fixed number of queries (the admin's own included), whatever the number of rows behind the counts."""
    client.force_login(js_official)
    client.get(reverse("admin:workbench"))  # warm the content types and the session
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("admin:workbench"))
    for serial in range(5):
        enterprise = EnterpriseFactory(employees=None, city=None)
        DesignationFactory(enterprise=enterprise)
        patent = PatentFactory()
        PatentApplicantFactory(patent=patent, enterprise=enterprise)
        PatentApplicantFactory(patent=patent, position=2, name=f"苏州另一家未匹配{serial}有限公司")
    with django_assert_max_num_queries(len(before)):
        assert client.get(reverse("admin:workbench")).status_code == 200
    assert len(before) <= 32  # the admin's own (session, permissions, sidebar) included


def test_a_cached_page_reads_fewer_queries_and_the_counts_follow_the_data_version(province_world, js_official, client):
    """Under one data version the counts come from the cache (bounded: the admin's own queries and a dozen);
    the next version (every committed write marks one) reads them again."""
    from django.core.cache import cache

    from reports.services import data_changed_mark

    cache.clear()
    data_changed_mark()
    client.force_login(js_official)
    client.get(reverse("admin:workbench"))  # warm the content types, the session and the cache
    with CaptureQueriesContext(connection) as warm:
        first = client.get(reverse("admin:workbench")).context["bench"]
    assert len(warm) <= 24
    sql = " ".join(query["sql"] for query in warm)
    assert '"employees" IS NULL' not in sql and "MAX(" not in sql  # the missing-data count, the provinces' change

    EnterpriseFactory(name="苏州新缺人数有限公司", employees=None)
    assert client.get(reverse("admin:workbench")).context["bench"].missing == first.missing  # same version
    data_changed_mark()
    after = client.get(reverse("admin:workbench")).context["bench"]
    assert after.missing["employees"] == first.missing["employees"] + 1


def test_recent_changes_are_other_peoples_in_the_province(province_world, js_official, zj_official):

    mine = province_world["js"]["valid"]
    mine._history_user = js_official
    mine.employees = 5
    mine.save()
    theirs = province_world["js"]["due"]
    theirs._history_user = zj_official  # a colleague (a national administrator, say) changed 江苏's data
    theirs.employees = 7
    theirs.save()
    bench = workbench_for(js_official)
    users = [row.history_user_id for row in bench.changes]
    assert js_official.pk not in users
    assert bench.changes[0].history_user_id == zj_official.pk and bench.changes[0].name == theirs.name
    # The factories' rows (no user: a command) count too; 浙江's enterprises do not.
    assert bench.changes_count == 6
    assert all(row.province_id == "320000" for row in bench.changes)


def test_a_staff_account_without_a_role_sees_nothing(province_world, client, django_user_model):
    user = django_user_model.objects.create_user("nobody", is_staff=True)
    client.force_login(user)
    response = client.get(reverse("admin:workbench"))
    bench = response.context["bench"]
    assert (bench.designations, bench.applicants, bench.changes_count) == ({"due": 0, "overdue": 0}, [], 0)
    assert "您还没有负责的省份" in response.content.decode()


def test_likely_applicants_are_cached_until_the_data_changes(province_world, js_official):
    from django.core.cache import cache

    from reports.services import data_changed_mark
    from workbench.selectors import likely_applicants_cached
    from workbench.selectors import user_province_codes as codes_of

    cache.clear()
    data_changed_mark()
    codes = codes_of(js_official)
    first = likely_applicants_cached(js_official, codes)
    PatentApplicantFactory(
        patent=PatentApplicantFactory(enterprise=province_world["js"]["due"]).patent,
        position=2,
        name="镇江新来有限公司",
    )
    assert likely_applicants_cached(js_official, codes) == first  # the same data version: from the cache
    data_changed_mark()  # what every committed change does (reports.receivers)
    assert "镇江新来有限公司" in _names(likely_applicants_cached(js_official, codes))


def test_the_waiting_imports_item_lists_the_waiting_previews(province_world, zj_official, client):
    client.force_login(zj_official)
    page = client.get(reverse("admin:workbench")).content.decode()
    records = reverse("admin:imports_importrecord_changelist")
    assert f"{records}?outcome__exact=previewed" in page
    listed = client.get(f"{records}?outcome__exact=previewed").context["cl"].result_list
    assert [record.file_name for record in listed] == ["zhejiang.csv"]


@pytest.mark.parametrize(
    ("exclude", "chinese", "english"),
    [
        (False, "指标的企业范围不因到期而改变（报告口径）", "the report's rule"),
        (True, "本站指标不计入已过有效期、尚无复核结果的认定", "the optional rule"),
    ],
)
def test_the_validity_rule_names_the_population_rule_in_use(
    province_world, js_official, client, settings, exclude, chinese, english
):
    settings.INDICATORS_EXCLUDE_LAPSED = exclude
    client.force_login(js_official)
    assert chinese in client.get(reverse("admin:workbench")).content.decode()
    english_page = client.get("/en" + reverse("admin:workbench")).content.decode()
    assert english in english_page and "from the review date" in english_page
