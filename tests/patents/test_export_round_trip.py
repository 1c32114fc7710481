"""Export → import into an empty database → export again gives the same files (data-formats.md).

The data is the demo dataset (what ``make run`` imports) plus rows written to be awkward: formula
prefixes marked as text (the apostrophe a spreadsheet user types), a 计划单列市, a municipality, quotes,
commas, partly given applicant codes.
"""

import io

import pytest
from django.core.management import call_command

from enterprises import services as enterprise_services
from enterprises.models import Designation, Enterprise
from patents import services as patent_services
from patents.models import Patent, PatentApplicant
from tests.api_helpers import body_of, fresh_throttles  # noqa: F401
from tests.factories import make_credit_code
from tests.patents.conftest import patent_row, patents_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]

AWKWARD_ENTERPRISES = (
    "credit_code,name,former_names,province,city,industry_field,employees,listing_board,stock_code,"
    "primary_financing,founded_on,batch,designation_status,designated_on\n"
    f'{make_credit_code(9001, "440300")},"\'=深圳,""引号""科技有限公司",+旧名;@另一旧名,深圳市,,next_gen_it,,star,688001.SH,1,'
    "2010-01-01,2,revoked,2020-07-01\n"
    f"{make_credit_code(9002, '110108')},-北京测试有限公司,,北京,,,0,,,0,,5,announced,\n"
)


def _import(enterprises: bytes, patents: bytes) -> None:
    enterprise_services.enterprise_import(stream=io.BytesIO(enterprises), file_name="enterprises.csv")
    patent_services.patent_import(stream=io.BytesIO(patents), file_name="patents.csv")


def _export(client) -> tuple[bytes, bytes]:
    enterprises = client.get("/api/v1/enterprises/", {"format": "csv", "ordering": "credit_code"})
    patents = client.get("/api/v1/patents/", {"format": "csv", "ordering": "publication_number"})
    assert enterprises.status_code == patents.status_code == 200
    return body_of(enterprises), body_of(patents)


def test_an_export_imports_back_unchanged(client, regions, tmp_path):
    call_command("generate_dataset", scale="demo", seed=7, out=str(tmp_path), stdout=io.StringIO())
    awkward_patents = patents_csv(
        [
            patent_row(
                1,
                title='\'=cmd|"/c calc"!A1',  # marked as text, as a spreadsheet user does
                applicant_names='\'=深圳,"引号"科技有限公司;某大学',
                applicant_credit_codes=f"{make_credit_code(9001, '440300')};",
            ),
            patent_row(2, title="一行标题, 带逗号", applicant_names="-北京测试有限公司", jurisdiction="CN"),
        ]
    )
    # Every demo enterprise; the first 3,000 patents are variety enough and keep the test quick.
    demo_patents = b"".join((tmp_path / "patents.csv").read_bytes().splitlines(keepends=True)[:3001])
    _import((tmp_path / "enterprises.csv").read_bytes(), demo_patents)
    _import(AWKWARD_ENTERPRISES.encode(), awkward_patents)
    first = _export(client)
    assert first[0].count(b"\n") > 500 and first[1].count(b"\n") > 3000

    PatentApplicant.objects.all().delete()
    Patent.objects.all().delete()
    Designation.objects.all().delete()
    Enterprise.objects.all().delete()
    _import(*first)
    assert _export(client) == first
    awkward = Enterprise.objects.get(credit_code=make_credit_code(9001, "440300"))
    assert (awkward.name, awkward.former_names, awkward.city_id) == (
        '=深圳,"引号"科技有限公司',
        ["+旧名", "@另一旧名"],
        "440300",
    )
    assert Patent.objects.get(publication_number="CN112000001A").title == '=cmd|"/c calc"!A1'
