"""The optional population rule (settings.INDICATORS_EXCLUDE_LAPSED): designations past their validity.

Off (the report's rule, the default), a 小巨人 designation counts until a result revokes it; on, one whose
three years ended by the cut-off without a 复核 result leaves the population, in the SQL roll-ups and in a
one-enterprise refresh alike.
"""

import datetime

import pytest

from enterprises.choices import DesignationStatus
from enterprises.models import Designation
from reports.models import EnterpriseMeasure, ScopeIndicator
from reports.services import snapshot_compute, snapshot_refresh_enterprises

from .conftest import AS_OF
from .factories import enterprise, patent

pytestmark = pytest.mark.django_db

CONFIRMED, REVIEWED = DesignationStatus.CONFIRMED, DesignationStatus.REVIEWED


@pytest.fixture
def lapsing(db):
    """As of 2023-07-31 the validity of a designation started on or before 2020-07-31 has ended."""
    firms = {
        "lapsed": enterprise(city="320500", designations=((1, CONFIRMED, datetime.date(2019, 7, 1)),)),
        "ends_on_cutoff": enterprise(city="320500", designations=((2, CONFIRMED, datetime.date(2020, 7, 31)),)),
        "valid": enterprise(city="320500", designations=((3, CONFIRMED, datetime.date(2021, 7, 1)),)),
        "reviewed": enterprise(city="320500", designations=((1, REVIEWED, datetime.date(2019, 7, 1)),)),
        "undated": enterprise(city="320500", designations=((5, CONFIRMED, None),)),
    }
    Designation.objects.filter(enterprise=firms["reviewed"]).update(reviewed_on=datetime.date(2022, 6, 1))
    for firm in firms.values():
        patent(firm, published=datetime.date(2022, 3, 1))
    return firms


def population(snapshot) -> set[int]:
    return set(EnterpriseMeasure.objects.filter(snapshot=snapshot).values_list("enterprise_id", flat=True))


def suzhou(snapshot) -> ScopeIndicator:
    return ScopeIndicator.objects.get(snapshot=snapshot, scope="city", code="320500")


def test_off_a_lapsed_designation_stays_in_the_population(lapsing, settings):
    settings.INDICATORS_EXCLUDE_LAPSED = False
    snapshot = snapshot_compute(as_of=AS_OF)

    assert population(snapshot) == {firm.pk for firm in lapsing.values()}
    assert (suzhou(snapshot).enterprise_count, suzhou(snapshot).applications_total) == (5, 5)


def test_on_a_lapsed_designation_leaves_the_population_in_the_rollups(lapsing, settings):
    settings.INDICATORS_EXCLUDE_LAPSED = True
    snapshot = snapshot_compute(as_of=AS_OF)

    assert population(snapshot) == {lapsing[k].pk for k in ("valid", "reviewed", "undated")}
    assert snapshot.enterprise_count == 3
    assert (suzhou(snapshot).enterprise_count, suzhou(snapshot).applications_total) == (3, 3)
    national = ScopeIndicator.objects.get(snapshot=snapshot, scope="national")
    assert national.enterprise_count == 3


def test_on_a_refresh_drops_a_designation_that_lapsed_by_the_cutoff(lapsing, settings):
    settings.INDICATORS_EXCLUDE_LAPSED = True
    snapshot = snapshot_compute(as_of=AS_OF)
    valid = lapsing["valid"]
    # The valid designation turns out to have started a year earlier: lapsed at the cut-off.
    Designation.objects.filter(enterprise=valid).update(designated_on=datetime.date(2020, 7, 1))

    snapshot_refresh_enterprises(enterprise_ids=[valid.pk])

    assert valid.pk not in population(snapshot)
    assert suzhou(snapshot).enterprise_count == 2


@pytest.mark.parametrize(
    ("exclude", "chinese", "english"),
    [
        (
            False,
            "仍然计入，直到复核结果将其撤销（报告口径，本站默认）",
            "still counts until a review result revokes it",
        ),
        (True, "本站当前采用可选口径", "This site currently uses the optional rule"),
    ],
)
def test_the_methodology_page_states_the_rule_in_use_in_both_languages(
    lapsing, settings, client, exclude, chinese, english
):
    settings.INDICATORS_EXCLUDE_LAPSED = exclude
    snapshot_compute(as_of=AS_OF)

    assert chinese in client.get("/methodology/").content.decode()
    assert english in client.get("/en/methodology/").content.decode()
