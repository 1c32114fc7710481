"""factory_boy factories shared by the whole suite. Regions come from the real division data."""

import datetime

import factory

from enterprises.choices import DesignationStatus, Program
from enterprises.credit_codes import credit_code_check_character
from enterprises.models import Designation, Enterprise
from enterprises.names import normalize_name
from patents.choices import LegalStatus, PatentType
from patents.models import Patent, PatentApplicant
from regions.models import City, Province


def make_credit_code(serial: int, division: str = "320500") -> str:
    """A valid GB 32100 code: 91 (company registered with SAMR), a division, a 9-char serial, check char."""
    first17 = f"91{division}{serial:09d}"
    return first17 + credit_code_check_character(first17)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    credit_code = factory.Sequence(lambda n: make_credit_code(n + 1))
    name = factory.Sequence(lambda n: f"苏州测试科技{n}股份有限公司")
    province = factory.LazyFunction(lambda: Province.objects.get(code="320000"))
    city = factory.LazyFunction(lambda: City.objects.get(code="320500"))
    industry_field = "next_gen_it"
    employees = 100


class DesignationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Designation

    enterprise = factory.SubFactory(EnterpriseFactory)
    program = Program.LITTLE_GIANT
    batch = 3
    status = DesignationStatus.CONFIRMED
    designated_on = datetime.date(2021, 7, 1)


class PatentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patent

    publication_number = factory.Sequence(lambda n: f"CN{110000000 + n}A")
    application_number = factory.Sequence(lambda n: f"CN2020{10000000 + n}.X")
    jurisdiction = "CN"
    patent_type = PatentType.INVENTION
    title = factory.Sequence(lambda n: f"一种测试装置{n}")
    application_date = datetime.date(2020, 1, 1)
    publication_date = datetime.date(2020, 7, 1)
    grant_date = None
    legal_status = LegalStatus.PENDING


class PatentApplicantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PatentApplicant

    patent = factory.SubFactory(PatentFactory)
    position = 1
    name = factory.LazyAttribute(lambda o: o.enterprise.name if o.enterprise else "未知申请人有限公司")
    name_normalized = factory.LazyAttribute(lambda o: normalize_name(o.name))
    enterprise = None
