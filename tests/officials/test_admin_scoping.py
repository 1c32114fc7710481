"""A provincial official of 江苏 sees and changes only 江苏's data in the admin, through every door."""

import pytest
from django.urls import reverse

from enterprises.models import Enterprise
from utilities.scoping import restrict

pytestmark = pytest.mark.django_db

JS, ZJ = "苏州江苏测试有限公司", "杭州浙江测试有限公司"


def page(client, name, *args, **params) -> str:
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_enterprise_list_and_its_count_show_only_the_officials_province(js_client, two_provinces):
    response = js_client.get(reverse("admin:enterprises_enterprise_changelist"))
    html = response.content.decode()

    assert JS in html and ZJ not in html
    assert response.context["cl"].result_count == 1
    # The count of every enterprise is not taken at all (show_full_result_count), so it cannot leak.
    assert response.context["cl"].full_result_count is None
    assert "浙江" not in html


def test_the_province_filter_offers_only_the_officials_provinces(js_client, two_provinces):
    html = page(js_client, "admin:enterprises_enterprise_changelist")

    # One province left: the stock filter hides itself; above all, 浙江 is not offered.
    assert "province__code__exact=330000" not in html


def test_another_provinces_enterprise_answers_like_a_missing_one(js_client, two_provinces):
    zhejiang = two_provinces["zhejiang"]
    missing = js_client.get(reverse("admin:enterprises_enterprise_change", args=[999999]), follow=True)
    other = js_client.get(reverse("admin:enterprises_enterprise_change", args=[zhejiang.pk]), follow=True)

    assert ZJ not in other.content.decode()
    # Same words as for an id that never existed, apart from the id itself.
    said = [str(m).replace(str(zhejiang.pk), "N") for m in other.context["messages"]]
    assert said == [str(m).replace("999999", "N") for m in missing.context["messages"]]


def test_another_provinces_history_is_not_found(js_client, two_provinces):
    zhejiang = two_provinces["zhejiang"]
    assert js_client.get(reverse("admin:enterprises_enterprise_history", args=[zhejiang.pk])).status_code == 404
    version = zhejiang.history.first().history_id
    url = reverse("admin:enterprises_enterprise_simple_history", args=[zhejiang.pk, version])
    assert js_client.get(url).status_code == 404
    own = two_provinces["jiangsu"]
    assert js_client.get(reverse("admin:enterprises_enterprise_history", args=[own.pk])).status_code == 200


def enterprise_form(**values) -> dict:
    form = {
        "credit_code": "",
        "name": "新建测试有限公司",
        "former_names": "",
        "province": "320000",
        "city": "320500",
        "industry_field": "",
        "employees": "",
        "listing_board": "",
        "stock_code": "",
        "primary_financing": "unknown",
        "founded_on": "",
        "designations-TOTAL_FORMS": "0",
        "designations-INITIAL_FORMS": "0",
        "designations-MIN_NUM_FORMS": "0",
        "designations-MAX_NUM_FORMS": "1000",
    }
    form.update(values)
    return form


def test_an_official_creates_an_enterprise_in_their_province(js_client, two_provinces):
    response = js_client.post(reverse("admin:enterprises_enterprise_add"), enterprise_form())

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Enterprise.objects.filter(name="新建测试有限公司", province="320000").exists()


def test_an_official_cannot_create_an_enterprise_in_another_province(js_client, two_provinces):
    response = js_client.post(
        reverse("admin:enterprises_enterprise_add"), enterprise_form(province="330000", city="330100")
    )

    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"province", "city"}
    assert not Enterprise.objects.filter(name="新建测试有限公司").exists()


def test_an_official_cannot_move_an_enterprise_out_of_their_province(js_client, two_provinces):
    jiangsu = two_provinces["jiangsu"]
    form = enterprise_form(name=jiangsu.name, credit_code=jiangsu.credit_code, province="330000", city="330100")
    form.update({"designations-TOTAL_FORMS": "0", "designations-INITIAL_FORMS": "0"})

    response = js_client.post(reverse("admin:enterprises_enterprise_change", args=[jiangsu.pk]), form)

    assert response.status_code == 200
    jiangsu.refresh_from_db()
    assert jiangsu.province_id == "320000"


def autocomplete(client, app_label, model_name, field_name, term="") -> list[str]:
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_autocomplete_offers_only_the_officials_enterprises_and_provinces(js_client, two_provinces):
    assert autocomplete(js_client, "enterprises", "designation", "enterprise") == [JS]
    assert autocomplete(js_client, "enterprises", "designation", "enterprise", "浙江") == []
    assert [text for text in autocomplete(js_client, "enterprises", "enterprise", "province")] == ["江苏省"]
    cities = autocomplete(js_client, "enterprises", "enterprise", "city")
    assert "苏州市" in cities and "杭州市" not in cities


@pytest.mark.parametrize(
    ("url_name", "visible", "hidden"),
    [
        ("admin:enterprises_designation_changelist", JS, ZJ),
        ("admin:imports_importrecord_changelist", "jiangsu.csv", "zhejiang.csv"),
        ("admin:patents_patentapplicant_changelist", "江苏合作大学", "浙江合作研究院"),
    ],
)
def test_every_scoped_list_shows_only_the_officials_province(js_client, two_provinces, url_name, visible, hidden):
    html = page(js_client, url_name)
    assert visible in html and hidden not in html


def test_an_import_record_touching_another_province_is_hidden(js_client, two_provinces):
    html = page(js_client, "admin:imports_importrecord_changelist")
    assert "national.csv" not in html


def test_the_patent_list_shows_only_patents_of_the_officials_enterprises(js_client, two_provinces):
    html = page(js_client, "admin:patents_patent_changelist")
    assert two_provinces["js_patent"].publication_number in html
    assert two_provinces["zj_patent"].publication_number not in html


def test_the_data_quality_page_counts_and_lists_only_the_officials_province(js_client, two_provinces):
    Enterprise.objects.create(name="江苏无代码公司", province_id="320000")
    Enterprise.objects.create(name="浙江无代码公司", province_id="330000")

    response = js_client.get(reverse("admin:patents_data_quality"))
    html = response.content.decode()

    assert "江苏合作大学" in html and "浙江合作研究院" not in html
    assert "江苏无代码公司" in html and "浙江无代码公司" not in html
    assert response.context["without_code"].paginator.count == 1


def test_a_national_administrator_sees_every_province(client, national_admin, two_provinces):
    client.force_login(national_admin)
    html = page(client, "admin:enterprises_enterprise_changelist")
    assert JS in html and ZJ in html


def test_the_restriction_is_one_function_api_views_can_call(two_provinces, jiangsu_official, analyst):
    names = set(restrict(Enterprise.objects.all(), jiangsu_official).values_list("name", flat=True))
    assert names == {JS}
    assert Enterprise.objects.restrict(jiangsu_official, "change").count() == 1
    assert Enterprise.objects.restrict(analyst).count() == 2
