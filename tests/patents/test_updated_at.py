"""Patent.updated_at, the key of the API's incremental sync, is kept by the SQL importer and the relinking."""

import datetime

import pytest
from django.utils import timezone

from patents import services
from patents.models import Patent
from tests.factories import EnterpriseFactory, make_credit_code
from tests.patents.conftest import patent_row

pytestmark = pytest.mark.django_db


def _stamps() -> dict[str, datetime.datetime]:
    return dict(Patent.objects.values_list("publication_number", "updated_at"))


def _age_all() -> datetime.datetime:
    old = timezone.now() - datetime.timedelta(days=1)
    Patent.objects.update(updated_at=old)
    return old


def test_imported_patents_get_a_timestamp(import_rows):
    before = timezone.now()
    import_rows([patent_row(1), patent_row(2)])
    assert all(before <= stamp <= timezone.now() for stamp in _stamps().values())


def test_only_changed_patents_move(import_rows):
    rows = [patent_row(1), patent_row(2), patent_row(3)]
    import_rows(rows)
    old = _age_all()
    rows[0]["legal_status"] = "valid"
    rows[1]["applicant_names"] = "另一申请人有限公司"
    import_rows(rows)
    stamps = _stamps()
    assert stamps["CN112000001A"] > old  # a field changed
    assert stamps["CN112000002A"] > old  # the applicant list changed
    assert stamps["CN112000003A"] == old  # unchanged


def test_linking_an_applicant_later_moves_the_patent(import_rows):
    code = make_credit_code(7)
    import_rows([patent_row(1, applicant_names="后来导入科技有限公司", applicant_credit_codes=code), patent_row(2)])
    old = _age_all()
    enterprise = EnterpriseFactory(credit_code=code, name="后来导入科技有限公司")
    services.applicants_link(enterprise_ids=[enterprise.pk])
    stamps = _stamps()
    assert stamps["CN112000001A"] > old
    assert stamps["CN112000002A"] == old
