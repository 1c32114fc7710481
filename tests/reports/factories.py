"""Helpers that build indicator fixtures from the shared factories (tests/factories.py)."""

import datetime
import itertools

from enterprises.choices import DesignationStatus, Program
from enterprises.models import Enterprise
from patents.choices import LegalStatus, PatentType
from patents.models import Patent, PatentApplicant
from regions.models import City, Province
from tests.factories import (
    DesignationFactory,
    EnterpriseFactory,
    PatentApplicantFactory,
    PatentFactory,
    make_credit_code,
)

_serial = itertools.count(900_000)


def enterprise(
    *,
    city: str | None,
    province: str | None = None,
    industry: str = "next_gen_it",
    employees: int | None = 100,
    board: str = "",
    primary_financing: bool | None = None,
    designations: tuple = ((3, DesignationStatus.CONFIRMED, datetime.date(2021, 7, 1)),),
    program: str = Program.LITTLE_GIANT,
) -> Enterprise:
    """An enterprise in ``city`` with designations given as (batch, status, designated_on) triples."""
    province = province or f"{city[:2]}0000"
    e = EnterpriseFactory(
        credit_code=make_credit_code(next(_serial), division=city or province),
        province=Province.objects.get(code=province),
        city=City.objects.get(code=city) if city else None,
        industry_field=industry,
        employees=employees,
        listing_board=board,
        primary_financing=primary_financing,
    )
    for batch, status, designated_on in designations:
        DesignationFactory(enterprise=e, program=program, batch=batch, status=status, designated_on=designated_on)
    return e


def patent(
    *applicants: Enterprise,
    published: datetime.date,
    office: str = "CN",
    kind: str = PatentType.INVENTION,
    granted: datetime.date | None = None,
    status: str = LegalStatus.PENDING,
    cited: int = 0,
    licensed: int = 0,
    transferred: int = 0,
    unlinked_applicant: bool = False,
) -> Patent:
    """A patent published at ``published`` and linked to ``applicants`` in print order."""
    p = PatentFactory(
        jurisdiction=office,
        patent_type=kind,
        application_date=min(published, granted or published) - datetime.timedelta(days=400),
        publication_date=published,
        grant_date=granted,
        legal_status=status,
        cited_by_count=cited,
        license_count=licensed,
        transfer_count=transferred,
    )
    for position, e in enumerate(applicants, start=1):
        PatentApplicantFactory(patent=p, position=position, enterprise=e)
    if unlinked_applicant:
        PatentApplicantFactory(patent=p, position=len(applicants) + 1, name="某某大学", enterprise=None)
    return p


def patents_bulk(owner: Enterprise, *, count: int, office: str, published: datetime.date, prefix: str) -> None:
    """``count`` patents of ``owner`` at ``office`` in two bulk inserts (bucket-edge fixtures need hundreds)."""
    made = Patent.objects.bulk_create(
        Patent(
            publication_number=f"{prefix}{i:05d}",
            application_number=f"{prefix}-A{i:05d}",
            jurisdiction=office,
            patent_type=PatentType.INVENTION,
            application_date=published - datetime.timedelta(days=400),
            publication_date=published,
            legal_status=LegalStatus.PENDING,
        )
        for i in range(count)
    )
    PatentApplicant.objects.bulk_create(
        PatentApplicant(patent=p, position=1, name=owner.name, name_normalized=owner.name_normalized, enterprise=owner)
        for p in made
    )
