"""Two provinces with known due dates, missing data and unmatched applicants: 江苏 (320000) and 浙江 (330000).

Dates count from today, as the workbench and the designation list's 有效期 filter do.
"""

import datetime

import pytest
from django.utils import timezone

from enterprises.choices import DesignationStatus
from enterprises.validity import years_before
from imports.models import ImportRecord
from officials.services import official_set_up
from regions.models import City, Province
from tests.factories import (
    DesignationFactory,
    EnterpriseFactory,
    PatentApplicantFactory,
    PatentFactory,
    make_credit_code,
)


def started(days_from_three_years_ago: int) -> datetime.date:
    """A 认定日期 whose three-year validity ends ``days_from_three_years_ago`` days from today."""
    return years_before(timezone.localdate(), 3) + datetime.timedelta(days=days_from_three_years_ago)


def _applicant(name: str, *, with_enterprise, patents: int = 1, credit_code: str = "") -> None:
    """``name`` as an unmatched co-applicant of ``patents`` patents of ``with_enterprise``."""
    for _ in range(patents):
        patent = PatentFactory()
        PatentApplicantFactory(patent=patent, enterprise=with_enterprise)
        PatentApplicantFactory(patent=patent, position=2, name=name, credit_code=credit_code)


@pytest.fixture
def province_world(regions):
    jiangsu, zhejiang = Province.objects.get(code="320000"), Province.objects.get(code="330000")
    hangzhou = City.objects.get(code="330100")

    def zj(**fields):
        serial = 9000 + EnterpriseFactory._meta.model.objects.count()
        defaults = {"province": zhejiang, "city": hangzhou, "credit_code": make_credit_code(serial, "330100")}
        return EnterpriseFactory(**{**defaults, **fields})

    js = {
        # due within 90 days (30 days left); no employees
        "due": EnterpriseFactory(name="苏州到期科技有限公司", employees=None),
        # past its validity, still 认定通过; no city
        "overdue": EnterpriseFactory(name="南京逾期科技有限公司", city=None),
        # past its validity but reviewed: not counted; no industry field
        "reviewed": EnterpriseFactory(name="无锡复核科技有限公司", industry_field=""),
        # valid for two more years
        "valid": EnterpriseFactory(name="常州有效科技有限公司"),
        # announced, no date: no validity to count
        "undated": EnterpriseFactory(name="南通公示科技有限公司"),
    }
    DesignationFactory(enterprise=js["due"], designated_on=started(30))
    DesignationFactory(enterprise=js["overdue"], designated_on=started(-10))
    DesignationFactory(enterprise=js["reviewed"], designated_on=started(-10), status=DesignationStatus.REVIEWED)
    DesignationFactory(enterprise=js["valid"], designated_on=started(700))
    DesignationFactory(enterprise=js["undated"], designated_on=None, status=DesignationStatus.ANNOUNCED)
    zhe = {
        "due": zj(name="杭州到期科技有限公司"),
        "due2": zj(name="宁波到期科技有限公司", employees=None),
        "overdue": zj(name="温州逾期科技有限公司"),
    }
    DesignationFactory(enterprise=zhe["due"], designated_on=started(1))
    DesignationFactory(enterprise=zhe["due2"], designated_on=started(89))
    DesignationFactory(enterprise=zhe["overdue"], designated_on=started(-400))
    # Patents: in 江苏 only "due" and "overdue" have any; in 浙江 only "due".
    _applicant("苏州未匹配电子有限公司", with_enterprise=js["due"], patents=3)
    _applicant(
        "上海某某材料有限公司", with_enterprise=js["overdue"], patents=2, credit_code=make_credit_code(77, "320200")
    )
    _applicant("北京远方科技有限公司", with_enterprise=js["due"], patents=4)  # visible to 江苏, but not likely its own
    _applicant("江苏某大学", with_enterprise=js["overdue"])  # an institution: never a 小巨人
    _applicant("杭州未匹配软件有限公司", with_enterprise=zhe["due"], patents=2)
    record = ImportRecord.objects.create(
        kind=ImportRecord.Kind.ENTERPRISES,
        outcome=ImportRecord.Outcome.PREVIEWED,
        file_name="zhejiang.csv",
        file_size=10,
        sha256="3" * 64,
        started_at=timezone.now(),
    )
    record.provinces.set(["330000"])
    return {"js": js, "zj": zhe, "zj_preview": record, "jiangsu": jiangsu, "zhejiang": zhejiang}


@pytest.fixture
def js_official(regions):
    official = official_set_up(username="js-official", role="provincial", province_codes=["320000"])
    official.user.email = "js@example.gov.cn"
    official.user.save()
    return official.user


@pytest.fixture
def zj_official(regions):
    official = official_set_up(username="zj-official", role="provincial", province_codes=["330000"])
    official.user.email = "zj@example.gov.cn"
    official.user.save()
    return official.user
