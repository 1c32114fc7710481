"""Model rules of patents and applicants that the database enforces."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from patents.models import PatentApplicant
from tests.factories import EnterpriseFactory, PatentApplicantFactory, PatentFactory

pytestmark = pytest.mark.django_db


def test_publication_must_not_precede_application(regions):
    with pytest.raises(IntegrityError), transaction.atomic():
        PatentFactory(application_date=datetime.date(2021, 1, 2), publication_date=datetime.date(2021, 1, 1))


def test_grant_must_not_precede_application(regions):
    with pytest.raises(IntegrityError), transaction.atomic():
        PatentFactory(application_date=datetime.date(2021, 1, 2), grant_date=datetime.date(2020, 1, 1))


def test_application_number_is_unique_per_office(regions):
    PatentFactory(jurisdiction="CN", application_number="CN202010000001.1")
    PatentFactory(jurisdiction="WO", publication_number="WO2021000001A1", application_number="CN202010000001.1")
    with pytest.raises(IntegrityError), transaction.atomic():
        PatentFactory(jurisdiction="CN", application_number="CN202010000001.1")


def test_an_enterprise_is_linked_at_most_once_per_patent(regions):
    enterprise = EnterpriseFactory()
    patent = PatentFactory()
    PatentApplicantFactory(patent=patent, position=1, enterprise=enterprise)
    PatentApplicantFactory(patent=patent, position=2, enterprise=None, name="未匹配申请人")
    with pytest.raises(IntegrityError), transaction.atomic():
        PatentApplicantFactory(patent=patent, position=3, enterprise=enterprise)
    assert PatentApplicant.objects.filter(patent=patent).count() == 2


def test_admin_finds_patents_by_publication_number_prefix_in_any_case(admin_client, regions):
    PatentFactory(publication_number="CN112345678A")
    PatentFactory(publication_number="CN998877665A")
    page = admin_client.get("/admin/patents/patent/", {"q": "cn1123"}).content.decode()
    assert "CN112345678A" in page
    assert "CN998877665A" not in page


def test_admin_filters_patents_by_office_without_scanning_for_distinct_values(admin_client, regions):
    PatentFactory(publication_number="CN112345678A")
    PatentFactory(publication_number="WO2021123456A1", jurisdiction="WO")
    page = admin_client.get("/admin/patents/patent/", {"jurisdiction": "WO"}).content.decode()
    assert "WO2021123456A1" in page
    assert "CN112345678A" not in page
