"""The designation list's 复核状态 filter: due, overdue, passed and revoked, by enterprises.validity's rule,
within the official's provinces only."""

import datetime

import pytest
from django.urls import reverse

from enterprises.choices import DesignationStatus
from tests.factories import DesignationFactory, EnterpriseFactory

from .conftest import started

pytestmark = pytest.mark.django_db


@pytest.fixture
def revoked_world(province_world):
    """One designation revoked by a failed 复核 in 江苏 and one in 浙江, besides the province world."""
    zj_firm = province_world["zj"]["due"]
    js_revoked = EnterpriseFactory(name="扬州撤销科技有限公司")
    DesignationFactory(
        enterprise=js_revoked,
        designated_on=started(-30),
        status=DesignationStatus.REVOKED,
        revoked_on=datetime.date(2024, 7, 1),
        revocation_reason="复核未通过",
    )
    DesignationFactory(enterprise=zj_firm, batch=2, status=DesignationStatus.REVOKED)
    return province_world


def _listed(client, state: str) -> list[str]:
    response = client.get(reverse("admin:enterprises_designation_changelist"), {"validity": state})
    assert response.status_code == 200
    return sorted(d.enterprise.name for d in response.context["cl"].result_list)


def test_each_state_lists_the_officials_own_designations(revoked_world, js_official, client):
    client.force_login(js_official)
    assert _listed(client, "due") == ["苏州到期科技有限公司"]
    assert _listed(client, "overdue") == ["南京逾期科技有限公司"]
    assert _listed(client, "passed") == ["无锡复核科技有限公司"]
    # 浙江's revoked designation is another province's: not listed.
    assert _listed(client, "revoked") == ["扬州撤销科技有限公司"]


def test_another_province_sees_its_own(revoked_world, zj_official, client):
    client.force_login(zj_official)
    assert _listed(client, "due") == ["宁波到期科技有限公司", "杭州到期科技有限公司"]
    assert _listed(client, "passed") == []
    assert _listed(client, "revoked") == ["杭州到期科技有限公司"]


def test_the_filter_is_named_and_offers_the_four_states(revoked_world, js_official, client):
    client.force_login(js_official)
    page = client.get(reverse("admin:enterprises_designation_changelist")).content.decode()
    assert "复核状态" in page
    for state in ("due", "overdue", "passed", "revoked"):
        assert f"?validity={state}" in page
