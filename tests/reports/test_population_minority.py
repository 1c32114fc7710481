"""A full recompute among many 专精特新中小企业: reading only the population's links changes no number."""

import pytest

from enterprises.choices import DesignationStatus, Program
from reports import rollups
from reports.models import EnterpriseMeasure, ScopeIndicator
from reports.services import snapshot_compute

from .conftest import AS_OF, d
from .factories import enterprise, patent

MEASURES = ["enterprise_id", *rollups.MEASURE_COLUMNS]


@pytest.fixture
def national_world(world):
    # Twice as many small firms as designated 小巨人, each with patents (some co-applied with a 小巨人).
    for n in range(16):
        sme = enterprise(
            city="320500", designations=((2, DesignationStatus.CONFIRMED, d("2020-12-18")),), program=Program.SME
        )
        patent(sme, published=d("2021-03-03"), cited=n)
        co_applicants = (world["A"],) if n % 4 == 0 else ()
        patent(sme, *co_applicants, published=d("2022-04-04"), office="US")
    return world


def _computed(monkeypatch, *, minority: bool):
    monkeypatch.setattr(rollups, "_population_is_a_minority", lambda: minority)
    snapshot = snapshot_compute(as_of=AS_OF)
    measures = sorted(EnterpriseMeasure.objects.filter(snapshot=snapshot).values_list(*MEASURES))
    scopes = {(r.scope, r.code): r.metrics for r in ScopeIndicator.objects.filter(snapshot=snapshot)}
    return measures, scopes


def test_the_small_firms_make_the_population_a_minority(national_world):
    assert rollups._population_is_a_minority()


def test_reading_only_the_population_s_links_gives_the_same_measures_and_scopes(national_world, monkeypatch):
    plain = _computed(monkeypatch, minority=False)
    assert len(plain[0]) == 4
    assert _computed(monkeypatch, minority=True) == plain
