"""The stock "revert to this version" page of django-simple-history cannot write (issue #22, finding 1).

It saved whatever was posted and checked only view permission. Now a GET is sent to the history page and
any other method is refused; the project's previewed revert is the one way to undo a change.
"""

import datetime

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from enterprises.choices import DesignationStatus
from enterprises.models import Designation, Enterprise
from patents.models import Patent
from tests.factories import DesignationFactory, EnterpriseFactory, PatentApplicantFactory

pytestmark = pytest.mark.django_db


def version_url(obj) -> str:
    opts = obj._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, obj.history.latest().history_id]
    )


def history_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])


def form_data(obj, **changes) -> dict:
    """What the stock page's form would post for ``obj``, with ``changes``."""
    data = {**model_to_dict(obj), **changes}
    data = {key: value for key, value in data.items() if value is not None}
    if isinstance(data.get("former_names"), list):
        data["former_names"] = "\n".join(data["former_names"])
    return data


def rows(model) -> list[dict]:
    return list(model.objects.order_by("pk").values())


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


def test_an_analyst_cannot_rename_an_enterprise_through_the_stock_history_form(analyst_client, two_provinces):
    enterprise = two_provinces["jiangsu"]
    before = rows(Enterprise)

    response = analyst_client.post(version_url(enterprise), form_data(enterprise, name="被改名的公司"))

    assert response.status_code == 403
    assert rows(Enterprise) == before


def test_an_analyst_cannot_move_an_enterprise_to_another_province_through_the_stock_history_form(
    analyst_client, two_provinces
):
    enterprise = two_provinces["jiangsu"]
    before = rows(Enterprise)

    response = analyst_client.post(version_url(enterprise), form_data(enterprise, province="330000", city="330100"))

    assert response.status_code == 403
    assert rows(Enterprise) == before


def test_an_analyst_cannot_unrevoke_a_designation_through_the_stock_history_form(analyst_client, regions):
    designation = DesignationFactory(status=DesignationStatus.REVOKED, revoked_on=datetime.date(2023, 1, 1))
    before = rows(Designation)

    response = analyst_client.post(
        version_url(designation), form_data(designation, status=DesignationStatus.CONFIRMED, revoked_on="")
    )

    assert response.status_code == 403
    assert rows(Designation) == before


def test_an_official_with_only_view_patent_cannot_change_a_patent_through_the_stock_history_form(
    js_client, jiangsu_official, two_provinces
):
    patent = two_provinces["js_patent"]
    assert not jiangsu_official.has_perm("patents.change_patent")
    before = rows(Patent)

    response = js_client.post(version_url(patent), form_data(patent, title="改过的标题", cited_by_count=999))

    assert response.status_code == 403
    assert rows(Patent) == before


def test_opening_a_version_sends_a_viewer_to_the_history_page(analyst_client, two_provinces):
    enterprise = two_provinces["jiangsu"]

    response = analyst_client.get(version_url(enterprise))

    assert response.status_code == 302 and response["Location"] == history_url(enterprise)


def test_a_version_of_another_provinces_enterprise_is_not_found(js_client, two_provinces):
    assert js_client.get(version_url(two_provinces["zhejiang"])).status_code == 404


def test_every_history_admin_refuses_a_post_even_from_a_superuser(admin_client, regions):
    """A SimpleHistoryAdmin added later (or a package upgrade) must not bring the writing form back."""
    enterprise = EnterpriseFactory()
    designation = DesignationFactory(enterprise=enterprise)
    patent = PatentApplicantFactory(enterprise=enterprise).patent
    examples = {Enterprise: enterprise, Designation: designation, Patent: patent}
    history_admins = [
        model for model, model_admin in admin.site._registry.items() if isinstance(model_admin, SimpleHistoryAdmin)
    ]
    assert set(history_admins) == set(examples), "a new SimpleHistoryAdmin: add an example object here"
    for model, obj in examples.items():
        before = rows(model)
        response = admin_client.post(version_url(obj), form_data(obj))
        assert response.status_code == 403, model
        assert rows(model) == before, model
