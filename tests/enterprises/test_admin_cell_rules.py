"""Admin forms refuse what the importer refuses: markup, formulas, bad stock codes (issue #22, finding 8a).

Otherwise an export of what the admin stored no longer re-imports, and markup reaches pages and reports.
"""

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from enterprises.models import Designation, Enterprise
from patents.models import Patent
from tests.factories import DesignationFactory, EnterpriseFactory, PatentFactory
from tests.officials.test_admin_scoping import enterprise_form

pytestmark = pytest.mark.django_db

ADD = "admin:enterprises_enterprise_add"


def errors(response) -> dict:
    assert response.status_code == 200, "the form was accepted"
    return response.context["adminform"].form.errors


def test_an_enterprise_name_with_markup_is_refused(regions, admin_client):
    response = admin_client.post(reverse(ADD), enterprise_form(name='<img src=x onerror="alert(1)">有限公司'))

    assert "HTML" in errors(response)["name"][0]
    assert not Enterprise.objects.exists()


def test_a_former_name_that_is_a_formula_is_refused(regions, admin_client):
    enterprise = EnterpriseFactory()
    form = enterprise_form(name=enterprise.name, credit_code=enterprise.credit_code, former_names='=HYPERLINK("x")')

    response = admin_client.post(reverse("admin:enterprises_enterprise_change", args=[enterprise.pk]), form)

    assert "公式" in errors(response)["former_names"][0]
    enterprise.refresh_from_db()
    assert enterprise.former_names == []


def test_a_stock_code_the_importer_refuses_is_refused(regions, admin_client):
    response = admin_client.post(reverse(ADD), enterprise_form(stock_code="@SUM(1)"))

    assert errors(response)["stock_code"]
    assert not Enterprise.objects.exists()


def test_a_stock_code_is_stored_as_the_importer_stores_it(regions, admin_client):
    response = admin_client.post(reverse(ADD), enterprise_form(stock_code="688001.sh"))

    assert response.status_code == 302
    assert Enterprise.objects.get().stock_code == "688001.SH"


def test_a_designation_note_with_a_formula_is_refused_in_the_enterprise_inline(regions, admin_client):
    enterprise = EnterpriseFactory()
    designation = DesignationFactory(enterprise=enterprise)
    form = enterprise_form(name=enterprise.name, credit_code=enterprise.credit_code)
    inline = {"id": designation.pk, "enterprise": enterprise.pk, "program": designation.program, "batch": 3}
    inline.update(
        {"status": "confirmed", "designated_on": "2021-07-01", "revoked_on": "", "note": "+cmd|' /C calc'!A0"}
    )
    form.update({f"designations-0-{key}": value for key, value in inline.items()})
    form.update({"designations-TOTAL_FORMS": "1", "designations-INITIAL_FORMS": "1"})

    response = admin_client.post(reverse("admin:enterprises_enterprise_change", args=[enterprise.pk]), form)

    assert response.status_code == 200
    assert "公式" in str(response.context["inline_admin_formsets"][0].formset.errors)
    assert Designation.objects.get().note == ""


def test_a_designation_note_with_markup_is_refused_on_its_own_page(regions, admin_client):
    designation = DesignationFactory()
    data = {key: value for key, value in model_to_dict(designation).items() if value is not None}

    response = admin_client.post(
        reverse("admin:enterprises_designation_change", args=[designation.pk]),
        {**data, "note": "<script>alert(1)</script>"},
    )

    assert "HTML" in errors(response)["note"][0]
    assert Designation.objects.get().note == ""


def test_a_patent_title_with_markup_is_refused(regions, admin_client):
    patent = PatentFactory()
    data = {key: value for key, value in model_to_dict(patent).items() if value is not None}
    data.update({"applicants-TOTAL_FORMS": "0", "applicants-INITIAL_FORMS": "0", "applicants-MIN_NUM_FORMS": "0"})
    data["applicants-MAX_NUM_FORMS"] = "1000"

    response = admin_client.post(
        reverse("admin:patents_patent_change", args=[patent.pk]), {**data, "title": "<a href=x>一种装置</a>"}
    )

    assert "HTML" in errors(response)["title"][0]
    assert Patent.objects.get().title == patent.title
