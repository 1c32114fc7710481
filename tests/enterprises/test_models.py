"""Model rules of enterprises and designations that the database itself enforces."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from enterprises.models import Designation, Enterprise
from regions.models import City, Province
from tests.factories import DesignationFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_a_city_outside_the_province_is_rejected_by_the_database(regions):
    with pytest.raises(IntegrityError), transaction.atomic():
        EnterpriseFactory(province=Province.objects.get(code="320000"), city=City.objects.get(code="330100"))


def test_a_city_outside_the_province_is_rejected_by_validation(regions):
    enterprise = EnterpriseFactory.build(
        province=Province.objects.get(code="320000"), city=City.objects.get(code="330100")
    )
    with pytest.raises(ValidationError) as excinfo:
        enterprise.full_clean()
    assert "city" in excinfo.value.message_dict


def test_a_municipality_is_its_own_city(regions):
    enterprise = EnterpriseFactory(province=Province.objects.get(code="110000"), city=City.objects.get(code="110100"))
    enterprise.full_clean()


def test_an_enterprise_may_lack_a_city_and_a_credit_code(regions):
    enterprise = EnterpriseFactory(credit_code="", city=None)
    enterprise.refresh_from_db()
    assert enterprise.credit_code is None
    assert enterprise.is_incomplete
    # Several incomplete enterprises may coexist: NULL codes do not collide.
    EnterpriseFactory(credit_code=None, city=None)


def test_credit_codes_are_unique(regions):
    EnterpriseFactory(credit_code="914403001922038216")
    with pytest.raises(IntegrityError), transaction.atomic():
        EnterpriseFactory(credit_code="914403001922038216")


def test_an_invalid_credit_code_fails_validation(regions):
    with pytest.raises(ValidationError) as excinfo:
        EnterpriseFactory.build(credit_code="914403001922038217").full_clean()
    assert "credit_code" in excinfo.value.message_dict


def test_the_normalised_name_follows_the_name(regions):
    enterprise = EnterpriseFactory(name="苏州 某某（集团）科技 有限公司")
    assert enterprise.name_normalized == "苏州某某(集团)科技有限公司"
    enterprise.name = "苏州【新名】有限公司"
    enterprise.save(update_fields=["name"])
    assert Enterprise.objects.get(pk=enterprise.pk).name_normalized == "苏州(新名)有限公司"


def test_one_designation_per_programme_and_batch(regions):
    designation = DesignationFactory(batch=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Designation.objects.create(enterprise=designation.enterprise, program="little_giant", batch=3)
    Designation.objects.create(enterprise=designation.enterprise, program="champion", batch=3)


def test_batch_must_be_positive(regions):
    enterprise = EnterpriseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Designation.objects.create(enterprise=enterprise, batch=0)


def test_every_change_is_kept_in_the_history(regions):
    enterprise = EnterpriseFactory(name="甲公司")
    enterprise.name = "乙公司"
    enterprise.save()
    assert [h.name for h in enterprise.history.order_by("history_date")] == ["甲公司", "乙公司"]
