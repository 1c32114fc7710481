"""PatentFilterSet: every filter with a valid and an invalid value."""

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone

from patents.filtersets import PatentFilterSet
from patents.models import Patent
from regions.models import City, Province
from tests.factories import EnterpriseFactory, PatentApplicantFactory, PatentFactory, make_credit_code

pytestmark = pytest.mark.django_db


def _numbers(query: str) -> set[str]:
    filterset = PatentFilterSet(QueryDict(query), queryset=Patent.objects.all())
    assert filterset.is_valid(), filterset.errors
    return {patent.publication_number for patent in filterset.qs}


def _errors(query: str) -> dict:
    filterset = PatentFilterSet(QueryDict(query), queryset=Patent.objects.all())
    assert not filterset.is_valid()
    return filterset.errors


@pytest.fixture
def world(regions):
    suzhou = EnterpriseFactory(credit_code=make_credit_code(1))
    beijing = EnterpriseFactory(
        credit_code=make_credit_code(2, "110108"),
        province=Province.objects.get(code="110000"),
        city=City.objects.get(code="110100"),
    )
    a = PatentFactory(
        publication_number="CN111000001A",
        title="一种谐波减速器",
        ipc_main="F16H49/00",
        patent_type="invention",
        legal_status="valid",
        application_date=datetime.date(2019, 3, 1),
        publication_date=datetime.date(2019, 9, 1),
        grant_date=datetime.date(2021, 5, 1),
    )
    b = PatentFactory(
        publication_number="WO2020123456A1",
        jurisdiction="WO",
        title="Data retrieval method",
        ipc_main="G06F16/35",
        application_date=datetime.date(2020, 1, 1),
        publication_date=datetime.date(2020, 7, 1),
    )
    c = PatentFactory(
        publication_number="CN211000003U",
        patent_type="utility_model",
        legal_status="invalid",
        title="一种支架",
        ipc_main="G06F1/16",
        application_date=datetime.date(2021, 1, 1),
        publication_date=datetime.date(2021, 6, 1),
    )
    PatentApplicantFactory(patent=a, enterprise=suzhou, position=1)
    PatentApplicantFactory(patent=a, enterprise=beijing, position=2)
    PatentApplicantFactory(patent=b, enterprise=beijing, position=1)
    PatentApplicantFactory(patent=c, enterprise=None, name="个人发明人", position=1)
    return {"suzhou": suzhou, "beijing": beijing, "a": a, "b": b, "c": c}


def test_no_parameters_selects_everything(world):
    assert _numbers("") == {"CN111000001A", "WO2020123456A1", "CN211000003U"}


def test_applicant_enterprise_by_credit_code(world):
    assert _numbers(f"applicant={world['beijing'].credit_code}") == {"CN111000001A", "WO2020123456A1"}
    assert _numbers(f"applicant={world['suzhou'].credit_code.lower()}") == {"CN111000001A"}
    assert _numbers(f"applicant={make_credit_code(99)}") == set()
    assert "applicant" in _errors("applicant=123")


def test_province_of_an_applicant_lists_each_patent_once(world):
    assert _numbers("province=110000") == {"CN111000001A", "WO2020123456A1"}
    assert _numbers("province=320000") == {"CN111000001A"}
    filterset = PatentFilterSet(QueryDict("province=110000"), queryset=Patent.objects.all())
    assert filterset.qs.count() == 2
    assert "province" in _errors("province=99")


def test_jurisdiction(world):
    assert _numbers("jurisdiction=wo") == {"WO2020123456A1"}
    assert "jurisdiction" in _errors("jurisdiction=CHN")


def test_type_and_legal_status(world):
    assert _numbers("patent_type=utility_model") == {"CN211000003U"}
    assert _numbers("patent_type=invention&legal_status=valid") == {"CN111000001A"}
    assert _numbers("legal_status=pending&legal_status=invalid") == {"WO2020123456A1", "CN211000003U"}
    assert "patent_type" in _errors("patent_type=software")
    assert "legal_status" in _errors("legal_status=expired")


def test_date_ranges_are_inclusive(world):
    assert _numbers("application_date_after=2020-01-01") == {"WO2020123456A1", "CN211000003U"}
    assert _numbers("application_date_before=2020-01-01") == {"CN111000001A", "WO2020123456A1"}
    assert _numbers("publication_date_after=2020-01-01&publication_date_before=2020-12-31") == {"WO2020123456A1"}
    assert _numbers("grant_date_after=2000-01-01") == {"CN111000001A"}
    assert "application_date" in _errors("application_date_after=2020-13-01")
    assert "publication_date" in _errors("publication_date_before=yesterday")
    assert "grant_date" in _errors("grant_date_after=1.1.2020")


def test_ipc_prefix(world):
    assert _numbers("ipc=G06F") == {"WO2020123456A1", "CN211000003U"}
    assert _numbers("ipc=g06f16") == {"WO2020123456A1"}
    assert _numbers("ipc=F") == {"CN111000001A"}
    assert "ipc" in _errors("ipc=06F")


def test_title_search(world):
    assert _numbers("title=减速") == {"CN111000001A"}
    assert _numbers("title=RETRIEVAL") == {"WO2020123456A1"}
    assert "title" in _errors("title=" + "x" * 201)


def test_updated_after(world):
    cut = timezone.now()
    Patent.objects.filter(pk=world["c"].pk).update(updated_at=cut + datetime.timedelta(seconds=1))
    assert _numbers("updated_after=" + cut.isoformat().replace("+", "%2B")) == {"CN211000003U"}
    assert "updated_after" in _errors("updated_after=2020-02-30T00:00:00")


def test_ordering(world):
    filterset = PatentFilterSet(QueryDict("ordering=-cited_by_count,publication_date"), queryset=Patent.objects.all())
    assert filterset.is_valid()
    assert filterset.qs.query.order_by == ("-cited_by_count", "publication_date", "pk")
    ordered = [
        p.publication_number
        for p in PatentFilterSet(QueryDict("ordering=publication_date"), queryset=Patent.objects.all()).qs
    ]
    assert ordered == ["CN111000001A", "WO2020123456A1", "CN211000003U"]
    assert "ordering" in _errors("ordering=title")
