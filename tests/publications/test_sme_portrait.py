"""Chart 2.2's 专精特新中小企业 column: computed with the snapshot (reports.sme) when the data holds the SME
programme (the national scale's ``program = sme`` firms), the reference value otherwise; a change to the
data after the snapshot does not reach a report of it."""

import datetime

import pytest

from enterprises.choices import DesignationStatus, Program
from publications import services
from publications.selectors import sme_metrics
from reports.services import snapshot_compute
from tests.factories import DesignationFactory
from tests.portal.conftest import AS_OF
from tests.reports.factories import enterprise, patent

pytestmark = pytest.mark.django_db

d = datetime.date


@pytest.fixture
def smes(world):
    """Two SME-programme firms in 苏州 and one in 深圳, with patents counted by hand; the firms that must not
    count: a revoked SME, an SME designated after the report's date, and an SME that is also a 小巨人."""
    confirmed = ((1, DesignationStatus.CONFIRMED, d(2020, 12, 18)),)
    one = enterprise(city="320500", program=Program.SME, designations=confirmed)
    two = enterprise(city="320500", program=Program.SME, designations=confirmed)
    far = enterprise(city="440300", program=Program.SME, designations=confirmed)
    revoked = enterprise(
        city="320500", program=Program.SME, designations=((1, DesignationStatus.REVOKED, d(2020, 12, 18)),)
    )
    later = enterprise(
        city="320500", program=Program.SME, designations=((5, DesignationStatus.CONFIRMED, d(2023, 12, 1)),)
    )
    both = world["A"]  # a 小巨人 of 苏州, also on the SME list
    enterprise(city="320500", program=Program.SME, designations=confirmed)  # no patents: counts, adds nothing
    DesignationFactory(enterprise=both, program=Program.SME, batch=1, status="confirmed", designated_on=d(2019, 1, 1))
    patent(one, published=d(2021, 3, 1), cited=3)  # invention, CN
    patent(one, published=d(2022, 3, 1), cited=1)  # invention, CN
    patent(one, published=d(2022, 4, 1), office="WO")  # a PCT application
    patent(two, published=d(2022, 5, 1), kind="utility_model", cited=2)
    patent(two, published=d(2023, 9, 1), cited=40)  # published after the report's date
    patent(far, published=d(2022, 5, 1), cited=4)
    for excluded in (revoked, later):
        patent(excluded, published=d(2022, 1, 1), cited=100, office="WO")
    return {"one": one, "two": two, "far": far}


def test_the_sme_column_is_counted_from_the_data_in_the_region(smes):
    snapshot = snapshot_compute(as_of=AS_OF)
    jiangsu = sme_metrics(snapshot=snapshot, scope="province", code="320000")
    # 苏州's three SMEs (one, two and the one without patents): 4 applications by the date, 3 of them
    # inventions, 6 citations, 1 PCT.
    assert jiangsu["enterprise_count"] == 3
    assert jiangsu["applications_per_enterprise"] == pytest.approx(4 / 3)
    assert jiangsu["invention_share"] == pytest.approx(3 / 4)
    assert jiangsu["citations_per_enterprise"] == pytest.approx(6 / 3)
    assert jiangsu["pct_per_enterprise"] == pytest.approx(1 / 3)
    nation = sme_metrics(snapshot=snapshot, scope="national", code="CN")
    assert nation["enterprise_count"] == 4 and nation["applications_per_enterprise"] == pytest.approx(5 / 4)
    assert sme_metrics(snapshot=snapshot, scope="city", code="440300")["citations_per_enterprise"] == 4
    assert sme_metrics(snapshot=snapshot, scope="cluster", code="yrd")["enterprise_count"] == 3
    assert sme_metrics(snapshot=snapshot, scope="city", code="320100") is None  # 南京 has no SME: the reference


def test_the_report_shows_the_live_sme_column_and_says_how_it_was_counted(smes, snapshots):
    report = services.report_content(scope="province", code="320000", snapshot=snapshots["current"], language="zh-hans")
    capability = next(c for c in report.chapters if c.key == "capability")
    table = next(t for t in capability.tables if t.caption.startswith("图表2.2"))
    assert table.columns[1] == "专精特新中小企业（3家）"
    assert [row[1] for row in table.rows] == ["1.3", "75.0%", "2.00", "0.33"]
    assert any("3家持有专精特新中小企业认定、尚未成为小巨人的企业" in n for n in capability.notes)


def test_without_the_programme_in_the_data_the_column_is_the_reference_value(snapshots):
    assert sme_metrics(snapshot=snapshots["current"], scope="national", code="CN") is None
    report = services.report_content(scope="national", code="CN", snapshot=snapshots["current"], language="zh-hans")
    capability = next(c for c in report.chapters if c.key == "capability")
    table = next(t for t in capability.tables if t.caption.startswith("图表2.2"))
    assert table.columns[1] == "专精特新中小企业（参考）" and table.rows[0][1] == "54.8"


def test_a_report_of_a_snapshot_keeps_its_sme_column_when_the_data_changes_afterwards(smes, snapshots):
    # A firm designated SME after the snapshot was computed, with a patent before the report's date: the
    # live tables now count it, the snapshot (and so its report) does not until it is recomputed.
    late = enterprise(
        city="320500", program=Program.SME, designations=((1, DesignationStatus.CONFIRMED, d(2021, 1, 1)),)
    )
    patent(late, published=d(2022, 6, 1), cited=9)
    report = services.report_content(scope="province", code="320000", snapshot=snapshots["current"], language="zh-hans")
    capability = next(c for c in report.chapters if c.key == "capability")
    table = next(t for t in capability.tables if t.caption.startswith("图表2.2"))
    assert table.columns[1] == "专精特新中小企业（3家）"
    recomputed = snapshot_compute(as_of=AS_OF)
    assert sme_metrics(snapshot=recomputed, scope="province", code="320000")["enterprise_count"] == 4
