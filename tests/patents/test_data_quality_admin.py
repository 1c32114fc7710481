"""The officials' data-quality page in the admin."""

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from patents.models import PatentApplicant
from tests.factories import EnterpriseFactory, PatentApplicantFactory, PatentFactory

pytestmark = pytest.mark.django_db
URL = reverse("admin:patents_data_quality")


@pytest.fixture
def quality_data():
    linked = EnterpriseFactory(name="有专利公司")
    PatentApplicantFactory(enterprise=linked)
    lonely = EnterpriseFactory(name="无专利公司")
    incomplete = EnterpriseFactory(name="缺代码公司", credit_code=None)
    for _ in range(3):
        PatentApplicantFactory(name="某（北京）大学")
    patent = PatentFactory()
    # The same unmatched name twice on one patent counts that patent once.
    PatentApplicantFactory(patent=patent, name="某(北京)大学", position=1)
    PatentApplicantFactory(patent=patent, name="某 (北京) 大学", position=2)
    PatentApplicantFactory(name="孤立研究所")
    return {"linked": linked, "lonely": lonely, "incomplete": incomplete}


def test_the_page_lists_unmatched_names_most_patents_first(admin_client, quality_data):
    response = admin_client.get(URL)
    assert response.status_code == 200
    rows = response.context["institutions"]
    assert [(row["name_normalized"], row["patents"], row["applicants"]) for row in rows] == [
        ("某(北京)大学", 4, 5),
        ("孤立研究所", 1, 1),
    ]
    assert "某(北京)大学" in response.content.decode()


def test_the_page_lists_enterprises_without_credit_code_and_without_patents(admin_client, quality_data):
    response = admin_client.get(URL)
    assert [e.name for e in response.context["without_code"]] == ["缺代码公司"]
    assert {e.name for e in response.context["without_patents"]} == {"无专利公司", "缺代码公司"}
    assert "有专利公司" not in response.content.decode()


def test_the_search_box_filters_unmatched_names_by_normalised_name(admin_client, quality_data):
    response = admin_client.get(URL, {"q": "北京 ）"})
    assert [row["name_normalized"] for row in response.context["institutions"]] == ["某(北京)大学"]


def test_unmatched_names_are_paginated(admin_client):
    for n in range(55):
        PatentApplicantFactory(name=f"未匹配{n:02d}")
    first = admin_client.get(URL)
    assert len(first.context["unmatched"]) == 50
    assert first.context["unmatched_next"] == 2
    second = admin_client.get(URL, {"page": 2})
    assert len(second.context["unmatched"]) == 5
    assert second.context["unmatched_next"] is None


def test_the_admin_index_links_to_the_page(admin_client):
    assert URL in admin_client.get(reverse("admin:index")).content.decode()


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_staff_without_the_view_permissions_are_refused(client):
    user = User.objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    user.user_permissions.add(
        Permission.objects.get(codename="view_patentapplicant"), Permission.objects.get(codename="view_enterprise")
    )
    user = User.objects.get(pk=user.pk)
    client.force_login(user)
    assert client.get(URL).status_code == 200


def test_the_page_makes_a_bounded_number_of_queries(admin_client, quality_data, django_assert_max_num_queries):
    for n in range(30):
        EnterpriseFactory(name=f"批量{n}公司", credit_code=None)
    with django_assert_max_num_queries(15):
        admin_client.get(URL)


def test_universities_and_institutes_are_shown_apart_from_likely_enterprises(admin_client):
    PatentApplicantFactory(name="某某精密机械有限公司")
    PatentApplicantFactory(name="浙江大学")
    response = admin_client.get(URL)
    assert [row["name"] for row in response.context["unmatched"]] == ["某某精密机械有限公司"]
    assert [row["name"] for row in response.context["institutions"]] == ["浙江大学"]


def test_unmatched_names_link_to_their_applicants(admin_client):
    PatentApplicantFactory(name="某某精密机械有限公司")
    html = admin_client.get(URL).content.decode()
    assert "/admin/patents/patentapplicant/?name_normalized=" in html
    listing = admin_client.get("/admin/patents/patentapplicant/", {"name_normalized": "某某精密机械有限公司"})
    assert listing.status_code == 200 and "某某精密机械有限公司" in listing.content.decode()


def test_an_unmatched_name_recorded_as_a_former_name_links_its_applicants(admin_client, regions):
    enterprise = EnterpriseFactory(name="新名科技有限公司")
    applicant = PatentApplicantFactory(name="旧名科技有限公司")

    response = admin_client.post(URL, {"former": "1", "name": "旧名科技有限公司", "enterprise": enterprise.credit_code})

    assert response.status_code == 302
    enterprise.refresh_from_db()
    applicant.refresh_from_db()
    assert enterprise.former_names == ["旧名科技有限公司"]
    assert applicant.enterprise == enterprise
    assert enterprise.history.first().history_change_reason == "数据质量页：记为曾用名"


def test_the_relink_button_links_what_the_names_now_match(admin_client, regions):
    applicant = PatentApplicantFactory(name="后来改名有限公司")
    EnterpriseFactory(name="后来改名有限公司")

    admin_client.post(URL, {"relink": "1"})

    applicant.refresh_from_db()
    assert applicant.enterprise is not None


def test_a_viewer_cannot_change_links_from_the_page(client, regions):
    user = User.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_patentapplicant"), Permission.objects.get(codename="view_enterprise")
    )
    client.force_login(user)
    assert client.post(URL, {"relink": "1"}).status_code == 403


def test_an_unmatched_name_is_linked_to_an_enterprise_without_renaming_it(admin_client, regions):
    enterprise = EnterpriseFactory(name="某某股份有限公司")
    patent = PatentFactory()
    first = PatentApplicantFactory(patent=patent, name="某某（集团）", position=1)
    second = PatentApplicantFactory(patent=patent, name="某某(集团)", position=2)  # same key, same patent
    other = PatentApplicantFactory(name="某某（集团）")

    admin_client.post(URL, {"link": "1", "name": "某某（集团）", "enterprise": enterprise.name})

    assert [
        a.enterprise_id for a in PatentApplicant.objects.filter(pk__in=[first.pk, second.pk, other.pk]).order_by("pk")
    ] == [
        enterprise.pk,
        None,  # once per patent
        enterprise.pk,
    ]
    enterprise.refresh_from_db()
    assert enterprise.former_names == []
