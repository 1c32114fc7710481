"""The admin's enterprise page shows what a 复核 did on each designation (复核日期, 撤销原因), and an edit of
either keeps its history as every other field does."""

import datetime
import re

import pytest
from django.urls import reverse

from enterprises.choices import DesignationStatus
from enterprises.models import Designation
from tests.factories import DesignationFactory, EnterpriseFactory
from tests.officials.test_admin_scoping import enterprise_form

pytestmark = pytest.mark.django_db


def _inline_form(enterprise, designation, **values) -> dict:
    form = enterprise_form(name=enterprise.name, credit_code=enterprise.credit_code)
    inline = {
        "id": designation.pk,
        "enterprise": enterprise.pk,
        "program": designation.program,
        "batch": designation.batch,
        "status": designation.status,
        "designated_on": designation.designated_on.isoformat(),
        "reviewed_on": designation.reviewed_on.isoformat() if designation.reviewed_on else "",
        "revoked_on": designation.revoked_on.isoformat() if designation.revoked_on else "",
        "revocation_reason": designation.revocation_reason,
        "note": "",
        **values,
    }
    form.update({f"designations-0-{key}": value for key, value in inline.items()})
    form.update({"designations-TOTAL_FORMS": "1", "designations-INITIAL_FORMS": "1"})
    return form


def test_the_change_page_shows_the_review_date_and_the_reason(regions, admin_client):
    passed = EnterpriseFactory()
    DesignationFactory(enterprise=passed, status=DesignationStatus.REVIEWED, reviewed_on=datetime.date(2024, 7, 1))
    revoked = EnterpriseFactory()
    DesignationFactory(
        enterprise=revoked,
        status=DesignationStatus.REVOKED,
        revoked_on=datetime.date(2024, 7, 1),
        revocation_reason="研发投入不达标",
    )

    page = admin_client.get(reverse("admin:enterprises_enterprise_change", args=[passed.pk])).content.decode()
    assert re.search(r'name="designations-0-reviewed_on" value="2024[-/]07[-/]01"', page)
    page = admin_client.get(reverse("admin:enterprises_enterprise_change", args=[revoked.pk])).content.decode()
    assert re.search(r'name="designations-0-revoked_on" value="2024[-/]07[-/]01"', page)
    assert 'name="designations-0-revocation_reason" value="研发投入不达标"' in page
    for label in ("复核日期", "撤销原因"):
        assert label in page


def test_editing_the_reason_in_the_inline_keeps_its_history(regions, admin_client):
    enterprise = EnterpriseFactory()
    designation = DesignationFactory(
        enterprise=enterprise,
        status=DesignationStatus.REVOKED,
        revoked_on=datetime.date(2024, 7, 1),
        revocation_reason="复核未通过",
    )
    form = _inline_form(enterprise, designation, revocation_reason="研发投入不达标", reviewed_on="2024-06-30")

    response = admin_client.post(reverse("admin:enterprises_enterprise_change", args=[enterprise.pk]), form)

    assert response.status_code == 302
    designation.refresh_from_db()
    assert (designation.revocation_reason, designation.reviewed_on) == ("研发投入不达标", datetime.date(2024, 6, 30))
    newest, before = designation.history.order_by("-history_id")[:2]
    changed = {change.field for change in newest.diff_against(before).changes}
    assert changed == {"revocation_reason", "reviewed_on"}
    assert before.revocation_reason == "复核未通过"


def test_a_reason_with_markup_is_refused_as_the_importer_refuses_it(regions, admin_client):
    enterprise = EnterpriseFactory()
    designation = DesignationFactory(enterprise=enterprise, status=DesignationStatus.REVOKED)
    form = _inline_form(enterprise, designation, revocation_reason="<b>x</b>")

    response = admin_client.post(reverse("admin:enterprises_enterprise_change", args=[enterprise.pk]), form)

    assert response.status_code == 200
    assert "HTML" in str(response.context["inline_admin_formsets"][0].formset.errors)
    assert Designation.objects.get().revocation_reason == ""


def test_the_designation_list_tells_the_revocations_cause_and_filters_by_it(regions, admin_client):
    july = datetime.date(2024, 7, 1)
    by_review = DesignationFactory(
        enterprise=EnterpriseFactory(name="苏州复核未通过有限公司"),
        status=DesignationStatus.REVOKED,
        reviewed_on=july,
        revoked_on=july,
        revocation_reason="研发投入不达标",
    )
    by_official = DesignationFactory(
        enterprise=EnterpriseFactory(name="苏州主管部门撤销有限公司"),
        status=DesignationStatus.REVOKED,
        revoked_on=july,
        revocation_reason="企业申请撤销",
    )
    DesignationFactory(enterprise=EnterpriseFactory(name="苏州仍有效有限公司"))
    url = reverse("admin:enterprises_designation_changelist")

    page = admin_client.get(url).content.decode()
    assert "复核未通过撤销（研发投入不达标）" in page and "其他原因撤销（企业申请撤销）" in page
    for value, shown in (("failed_review", by_review), ("other", by_official)):
        listed = admin_client.get(url, {"revoked_by": value}).context["cl"].result_list
        assert list(listed) == [shown]
    english = admin_client.get("/en" + url, {"revoked_by": "failed_review"}).content.decode()
    assert "Revoked by a failed review" in english
