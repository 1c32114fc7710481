"""Two provinces and their officials: 江苏 (320000) and 浙江 (330000), each with an enterprise, a patent, an
unmatched co-applicant and an import record."""

import pytest
from django.utils import timezone

from imports.models import ImportRecord
from officials.services import official_set_up
from regions.models import City, Province
from tests.factories import DesignationFactory, EnterpriseFactory, PatentApplicantFactory, make_credit_code


@pytest.fixture
def two_provinces(regions):
    jiangsu = EnterpriseFactory(name="苏州江苏测试有限公司")
    zhejiang = EnterpriseFactory(
        name="杭州浙江测试有限公司",
        credit_code=make_credit_code(9001, "330100"),
        province=Province.objects.get(code="330000"),
        city=City.objects.get(code="330100"),
    )
    DesignationFactory(enterprise=jiangsu, batch=3)
    DesignationFactory(enterprise=zhejiang, batch=4)
    js_applicant = PatentApplicantFactory(enterprise=jiangsu)
    PatentApplicantFactory(patent=js_applicant.patent, position=2, name="江苏合作大学")
    zj_applicant = PatentApplicantFactory(enterprise=zhejiang)
    PatentApplicantFactory(patent=zj_applicant.patent, position=2, name="浙江合作研究院")
    records = {}
    for code, name in (("320000", "jiangsu.csv"), ("330000", "zhejiang.csv")):
        record = ImportRecord.objects.create(
            kind=ImportRecord.Kind.ENTERPRISES,
            outcome=ImportRecord.Outcome.APPLIED,
            file_name=name,
            file_size=10,
            sha256=code * 10,
            started_at=timezone.now(),
        )
        record.provinces.set([code])
        records[code] = record
    both = ImportRecord.objects.create(
        kind=ImportRecord.Kind.ENTERPRISES,
        outcome=ImportRecord.Outcome.APPLIED,
        file_name="national.csv",
        file_size=10,
        sha256="f" * 64,
        started_at=timezone.now(),
    )
    both.provinces.set(["320000", "330000"])
    return {
        "jiangsu": jiangsu,
        "zhejiang": zhejiang,
        "js_patent": js_applicant.patent,
        "zj_patent": zj_applicant.patent,
        "records": records,
    }


@pytest.fixture
def jiangsu_official(regions):
    return official_set_up(username="js-official", role="provincial", province_codes=["320000"]).user


@pytest.fixture
def js_client(client, jiangsu_official):
    client.force_login(jiangsu_official)
    return client


@pytest.fixture
def national_admin(regions):
    return official_set_up(username="national", role="national").user


@pytest.fixture
def analyst(regions):
    return official_set_up(username="analyst", role="analyst").user
