"""EnterpriseFilterSet: every filter with a valid and an invalid value, as the API and the list page use it."""

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone

from enterprises.filtersets import EnterpriseFilterSet
from enterprises.models import Designation, Enterprise
from regions.models import City, Province
from tests.factories import DesignationFactory, EnterpriseFactory, make_credit_code

pytestmark = pytest.mark.django_db


def _codes(query: str) -> set[str]:
    filterset = EnterpriseFilterSet(QueryDict(query), queryset=Enterprise.objects.all())
    assert filterset.is_valid(), filterset.errors
    return {enterprise.credit_code for enterprise in filterset.qs}


def _errors(query: str) -> dict:
    filterset = EnterpriseFilterSet(QueryDict(query), queryset=Enterprise.objects.all())
    assert not filterset.is_valid()
    return filterset.errors


@pytest.fixture
def world(regions):
    """Suzhou (长三角), Beijing (京津冀), Shenzhen (粤港澳) and Chengdu (no cluster)."""
    suzhou = EnterpriseFactory(
        credit_code=make_credit_code(1),
        name="苏州绿的谐波传动科技股份有限公司",
        former_names=["苏州绿的谐波传动有限公司"],
        employees=500,
        listing_board="star",
        industry_field="cnc_robotics",
        founded_on=datetime.date(2011, 1, 1),
    )
    beijing = EnterpriseFactory(
        credit_code=make_credit_code(2, "110108"),
        name="北京测试科技有限公司",
        province=Province.objects.get(code="110000"),
        city=City.objects.get(code="110100"),
        employees=50,
        listing_board="",
        industry_field="next_gen_it",
    )
    shenzhen = EnterpriseFactory(
        credit_code=make_credit_code(3, "440300"),
        name="深圳测试电子有限公司",
        province=Province.objects.get(code="440000"),
        city=City.objects.get(code="440300"),
        employees=None,
        listing_board="chinext",
        industry_field="new_materials",
    )
    chengdu = EnterpriseFactory(
        credit_code=make_credit_code(4, "510100"),
        name="成都测试航空有限公司",
        province=Province.objects.get(code="510000"),
        city=City.objects.get(code="510100"),
        employees=1500,
        industry_field="aerospace",
    )
    DesignationFactory(enterprise=suzhou, batch=1, status="reviewed")
    DesignationFactory(enterprise=beijing, batch=3, status="confirmed")
    DesignationFactory(enterprise=shenzhen, batch=3, status="revoked")
    DesignationFactory(enterprise=shenzhen, batch=5, status="confirmed")
    DesignationFactory(enterprise=chengdu, batch=5, status="announced")
    return {"suzhou": suzhou, "beijing": beijing, "shenzhen": shenzhen, "chengdu": chengdu}


def _of(world, *names) -> set[str]:
    return {world[name].credit_code for name in names}


def test_no_parameters_selects_everything(world):
    assert _codes("") == _of(world, "suzhou", "beijing", "shenzhen", "chengdu")


def test_province_accepts_several_codes(world):
    assert _codes("province=320000") == _of(world, "suzhou")
    assert _codes("province=320000&province=110000") == _of(world, "suzhou", "beijing")


def test_province_refuses_an_unknown_code(world):
    assert "province" in _errors("province=999999")


def test_city(world):
    assert _codes("city=440300") == _of(world, "shenzhen")
    assert "city" in _errors("city=nowhere")


@pytest.mark.parametrize(("cluster", "expected"), [("yrd", "suzhou"), ("jjj", "beijing"), ("gba", "shenzhen")])
def test_cluster_uses_the_city_cluster(world, cluster, expected):
    assert _codes(f"cluster={cluster}") == _of(world, expected)


def test_cluster_refuses_an_unknown_cluster(world):
    assert "cluster" in _errors("cluster=prd")


def test_batch(world):
    assert _codes("batch=3") == _of(world, "beijing", "shenzhen")
    assert _codes("batch=1&batch=5") == _of(world, "suzhou", "shenzhen", "chengdu")
    assert "batch" in _errors("batch=first")
    assert "batch" in _errors("batch=0")


def test_batch_and_status_must_hold_for_the_same_designation(world):
    # Shenzhen was revoked in batch 3 but confirmed in batch 5: not a "batch 3 confirmed" firm.
    assert _codes("batch=3&designation_status=confirmed") == _of(world, "beijing")
    assert _codes("designation_status=revoked") == _of(world, "shenzhen")
    assert "designation_status" in _errors("designation_status=cancelled")


def test_industry_field(world):
    assert _codes("industry_field=aerospace&industry_field=new_materials") == _of(world, "chengdu", "shenzhen")
    assert "industry_field" in _errors("industry_field=robots")


def test_listing_board_including_unlisted(world):
    assert _codes("listing_board=star") == _of(world, "suzhou")
    assert _codes("listing_board=unlisted") == _of(world, "beijing", "chengdu")
    assert _codes("listing_board=unlisted&listing_board=chinext") == _of(world, "beijing", "chengdu", "shenzhen")
    assert "listing_board" in _errors("listing_board=nasdaq")


def test_employees_range_is_inclusive_and_excludes_unknown(world):
    assert _codes("employees_min=500") == _of(world, "suzhou", "chengdu")
    assert _codes("employees_max=500") == _of(world, "suzhou", "beijing")
    assert _codes("employees_min=50&employees_max=500") == _of(world, "suzhou", "beijing")
    assert "employees_min" in _errors("employees_min=many")
    assert "employees_min" in _errors("employees_min=-1")
    assert "employees_max" in _errors("employees_max=1.5")


def test_text_search_over_name_former_names_and_credit_code(world):
    assert _codes("q=绿的谐波") == _of(world, "suzhou")
    assert _codes("q=传动有限公司") == _of(world, "suzhou")  # only in the former name
    assert _codes(f"q={world['beijing'].credit_code[:10].lower()}") == _of(world, "beijing")
    assert _codes("q=测试") == _of(world, "beijing", "shenzhen", "chengdu")
    assert "q" in _errors("q=" + "长" * 201)


def test_updated_after_covers_the_enterprise_and_its_designations(world):
    cut = timezone.now()
    Enterprise.objects.filter(pk=world["beijing"].pk).update(updated_at=cut + datetime.timedelta(seconds=1))
    Designation.objects.filter(enterprise=world["chengdu"]).update(updated_at=cut + datetime.timedelta(seconds=1))
    assert _codes(f"updated_after={cut.isoformat()}".replace("+", "%2B")) == _of(world, "beijing", "chengdu")
    assert "updated_after" in _errors("updated_after=yesterday")


def test_ordering_is_total_and_validated(world):
    filterset = EnterpriseFilterSet(QueryDict("ordering=-employees"), queryset=Enterprise.objects.all())
    assert filterset.is_valid()
    assert filterset.qs.query.order_by == ("-employees", "pk")
    names = [
        e.credit_code for e in EnterpriseFilterSet(QueryDict("ordering=name"), queryset=Enterprise.objects.all()).qs
    ]
    assert names == sorted(names, key=lambda code: Enterprise.objects.get(credit_code=code).name)
    assert "ordering" in _errors("ordering=secret_field")
