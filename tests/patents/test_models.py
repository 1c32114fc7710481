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
