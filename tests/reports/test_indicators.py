"""The indicators of metrics.md, checked against the hand-computed world of conftest.py."""

import datetime

import pytest

from enterprises.choices import IndustryField, ListingBoard
from regions.models import City, Province
from reports.models import EnterpriseMeasure, ScopeIndicator
from reports.services import last_complete_year, snapshot_compute

from .conftest import AS_OF
from .factories import enterprise, patent, patents_bulk

pytestmark = pytest.mark.django_db

METRIC_KEYS = [
    "enterprise_count",
    "applications_total",
    "applications_per_enterprise",
    "invention_applications_total",
    "invention_share",
    "granted_inventions_total",
    "invention_grant_rate",
    "valid_inventions_total",
    "valid_inventions_per_enterprise",
    "citations_total",
    "citations_per_enterprise",
    "licenses_total",
    "licenses_per_enterprise",
    "transfers_total",
    "transfers_per_enterprise",
    "pct_total",
    "pct_per_enterprise",
    "pct_share",
    "overseas_markets_per_enterprise",
    "employees_known",
    "employees_per_enterprise",
    "invention_density",
    "applications_by_year",
    "growth_cagr",
    "pct_by_year",
    "pct_growth_cagr",
    "pct_buckets",
    "overseas_buckets",
    "board_counts",
    "primary_financing_count",
    "industry_counts",
    "industry_applications",
    "batch_counts",
]
YEARS = [str(y) for y in range(2014, 2024)]

# Per-enterprise measures of the world, counted by hand from conftest.py's patent list.
MEASURES = {
    "A": {
        "applications": 7,  # P1 P2 P3 P4 P5 P7 P8 (P6 published after as_of)
        "invention_applications": 5,  # P1 P3 P4 P5 P8
        "granted_inventions": 2,  # P1, P5 (granted on as_of); P4 granted after as_of
        "valid_inventions": 1,  # P1 (P5 is invalid)
        "citations": 21,
        "licenses": 3,
        "transfers": 2,
        "pct_applications": 1,
        "overseas_markets": 2,  # US (twice), EP; JP is after as_of
        "years": {"2020": 2, "2021": 1, "2022": 2, "2023": 1},  # P8 (2013) is outside the window
        "pct_years": {"2022": 1},
        "employees": 100,
        "board": "star",
        "industry": "next_gen_it",
        "batch": "1",
        "financed": True,
    },
    "B": {
        "applications": 3,  # P1 Q1 Q2
        "invention_applications": 3,
        "granted_inventions": 2,
        "valid_inventions": 2,
        "citations": 14,
        "licenses": 1,
        "transfers": 3,
        "pct_applications": 1,
        "overseas_markets": 0,
        "years": {"2020": 2, "2022": 1},
        "pct_years": {"2020": 1},
        "employees": None,
        "board": "unlisted",
        "industry": "new_materials",
        "batch": "3",
        "financed": False,
    },
    "C": {
        "applications": 2,  # R1 R2 (R3 after as_of)
        "invention_applications": 2,
        "granted_inventions": 1,
        "valid_inventions": 1,
        "citations": 8,
        "licenses": 0,
        "transfers": 0,
        "pct_applications": 0,
        "overseas_markets": 1,
        "years": {"2021": 1, "2022": 1},
        "pct_years": {},
        "employees": 0,
        "board": "main",
        "industry": "next_gen_it",
        "batch": "2",
        "financed": None,
    },
    "D": {
        "applications": 2,  # R1 D2
        "invention_applications": 1,
        "granted_inventions": 1,
        "valid_inventions": 1,
        "citations": 7,
        "licenses": 4,
        "transfers": 0,
        "pct_applications": 0,
        "overseas_markets": 0,
        "years": {"2021": 1, "2022": 1},
        "pct_years": {},
        "employees": 50,
        "board": "unlisted",
        "industry": "",
        "batch": "5",
        "financed": None,
    },
}

SCOPE_MEMBERS = {
    ("national", "CN"): "ABCD",
    ("province", "320000"): "AB",
    ("province", "440000"): "C",
    ("province", "110000"): "D",
    ("province", "650000"): "",
    ("city", "320500"): "A",
    ("city", "320100"): "B",
    ("city", "440300"): "C",
    ("city", "110100"): "D",
    ("city", "440100"): "",
    ("cluster", "yrd"): "AB",
    ("cluster", "gba"): "C",
    ("cluster", "jjj"): "D",
    ("industry", "next_gen_it"): "AC",
    ("industry", "new_materials"): "B",
    ("industry", "other"): "",
    ("batch", "1"): "A",
    ("batch", "2"): "C",
    ("batch", "3"): "B",
    ("batch", "4"): "",  # X2's batch: designated after as_of
    ("batch", "5"): "D",
    ("board", "star"): "A",
    ("board", "main"): "C",
    ("board", "unlisted"): "BD",
    ("board", "chinext"): "",
}

NATIONAL = {
    "enterprise_count": 4,
    "applications_total": 14,
    "applications_per_enterprise": 3.5,
    "invention_applications_total": 11,
    "invention_share": 11 / 14,
    "granted_inventions_total": 6,
    "invention_grant_rate": 6 / 11,
    "valid_inventions_total": 5,
    "valid_inventions_per_enterprise": 1.25,
    "citations_total": 50,
    "citations_per_enterprise": 12.5,
    "licenses_total": 8,
    "licenses_per_enterprise": 2.0,
    "transfers_total": 5,
    "transfers_per_enterprise": 1.25,
    "pct_total": 2,
    "pct_per_enterprise": 0.5,
    "pct_share": 2 / 14,
    "overseas_markets_per_enterprise": 0.75,
    "employees_known": 3,  # A, C (0 employees is known), D
    "employees_per_enterprise": 50.0,  # (100 + 0 + 50) / 3
    "invention_density": 1000 * 2 / 150,  # A and D have employees > 0: valid 1 + 1 over 150 employees
    "applications_by_year": {**dict.fromkeys(YEARS, 0), "2020": 4, "2021": 3, "2022": 5, "2023": 1},
    "growth_cagr": (5 / 4) ** 0.5 - 1,  # Y = 2022 for 2023-07-31
    "pct_by_year": {**dict.fromkeys(YEARS, 0), "2020": 1, "2022": 1},
    "pct_growth_cagr": 0.0,
    "pct_buckets": {"0": 2, "1-9": 2, "10-99": 0, "100+": 0},
    "overseas_buckets": {"0": 2, "1-5": 2, "6-10": 0, "11+": 0},
    "board_counts": {"star": 1, "main": 1, "unlisted": 2},
    "primary_financing_count": 1,
    "industry_counts": {"next_gen_it": 2, "new_materials": 1},  # D has no industry field
    "industry_applications": {"next_gen_it": 9, "new_materials": 3},
    "batch_counts": {"1": 1, "2": 1, "3": 1, "5": 1},
}

JIANGSU = {
    "enterprise_count": 2,
    "applications_total": 10,  # P1, co-applied by A and B, counts twice
    "applications_per_enterprise": 5.0,
    "invention_applications_total": 8,
    "invention_share": 0.8,
    "granted_inventions_total": 4,
    "invention_grant_rate": 0.5,
    "valid_inventions_total": 3,
    "valid_inventions_per_enterprise": 1.5,
    "citations_total": 35,
    "citations_per_enterprise": 17.5,
    "licenses_total": 4,
    "licenses_per_enterprise": 2.0,
    "transfers_total": 5,
    "transfers_per_enterprise": 2.5,
    "pct_total": 2,
    "pct_per_enterprise": 1.0,
    "pct_share": 0.2,
    "overseas_markets_per_enterprise": 1.0,
    "employees_known": 1,
    "employees_per_enterprise": 100.0,
    "invention_density": 10.0,
    "applications_by_year": {
        **dict.fromkeys(YEARS, 0),
        "2020": 4,
        "2021": 1,
        "2022": 3,
        "2023": 1,
    },  # P8 (2013) outside
    "growth_cagr": (3 / 4) ** 0.5 - 1,
    "pct_by_year": {**dict.fromkeys(YEARS, 0), "2020": 1, "2022": 1},
    "pct_growth_cagr": 0.0,
    "pct_buckets": {"0": 0, "1-9": 2, "10-99": 0, "100+": 0},
    "overseas_buckets": {"0": 1, "1-5": 1, "6-10": 0, "11+": 0},
    "board_counts": {"star": 1, "unlisted": 1},
    "primary_financing_count": 1,
    "industry_counts": {"next_gen_it": 1, "new_materials": 1},
    "industry_applications": {"next_gen_it": 7, "new_materials": 3},
    "batch_counts": {"1": 1, "3": 1},
}

EMPTY = {
    **{key: 0 for key in METRIC_KEYS},
    **{
        key: None
        for key in METRIC_KEYS
        if key.endswith(("_per_enterprise", "_share", "_rate", "_cagr")) or key == "invention_density"
    },
    "applications_by_year": dict.fromkeys(YEARS, 0),
    "pct_by_year": dict.fromkeys(YEARS, 0),
    "pct_buckets": {"0": 0, "1-9": 0, "10-99": 0, "100+": 0},
    "overseas_buckets": {"0": 0, "1-5": 0, "6-10": 0, "11+": 0},
    "board_counts": {},
    "industry_counts": {},
    "industry_applications": {},
    "batch_counts": {},
}


def expected_from_members(members: str) -> dict:
    """metrics.md applied to the hand-counted MEASURES: the oracle for the single- and two-member scopes."""
    ms = [MEASURES[m] for m in members]
    if not ms:
        return EMPTY

    def total(key):
        return sum(m[key] for m in ms)

    def ratio(a, b):
        return a / b if b else None

    def count_by(key):
        out = {}
        for m in ms:
            if m[key]:
                out[m[key]] = out.get(m[key], 0) + 1
        return out

    n = len(ms)
    years = {y: sum(m["years"].get(y, 0) for m in ms) for y in YEARS}
    pct_years = {y: sum(m["pct_years"].get(y, 0) for m in ms) for y in YEARS}
    known = [m["employees"] for m in ms if m["employees"] is not None]
    staffed = [m for m in ms if m["employees"]]
    industry_apps = {}
    for m in ms:
        if m["industry"]:
            industry_apps[m["industry"]] = industry_apps.get(m["industry"], 0) + m["applications"]
    pct = [m["pct_applications"] for m in ms]
    overseas = [m["overseas_markets"] for m in ms]
    return {
        "enterprise_count": n,
        "applications_total": total("applications"),
        "applications_per_enterprise": total("applications") / n,
        "invention_applications_total": total("invention_applications"),
        "invention_share": ratio(total("invention_applications"), total("applications")),
        "granted_inventions_total": total("granted_inventions"),
        "invention_grant_rate": ratio(total("granted_inventions"), total("invention_applications")),
        "valid_inventions_total": total("valid_inventions"),
        "valid_inventions_per_enterprise": total("valid_inventions") / n,
        "citations_total": total("citations"),
        "citations_per_enterprise": total("citations") / n,
        "licenses_total": total("licenses"),
        "licenses_per_enterprise": total("licenses") / n,
        "transfers_total": total("transfers"),
        "transfers_per_enterprise": total("transfers") / n,
        "pct_total": total("pct_applications"),
        "pct_per_enterprise": total("pct_applications") / n,
        "pct_share": ratio(total("pct_applications"), total("applications")),
        "overseas_markets_per_enterprise": total("overseas_markets") / n,
        "employees_known": len(known),
        "employees_per_enterprise": ratio(sum(known), len(known)),
        "invention_density": ratio(
            1000 * sum(m["valid_inventions"] for m in staffed), sum(m["employees"] for m in staffed)
        ),
        "applications_by_year": years,
        "growth_cagr": ratio(years["2022"], years["2020"]) ** 0.5 - 1 if years["2020"] else None,
        "pct_by_year": pct_years,
        "pct_growth_cagr": ratio(pct_years["2022"], pct_years["2020"]) ** 0.5 - 1 if pct_years["2020"] else None,
        "pct_buckets": {
            "0": sum(v == 0 for v in pct),
            "1-9": sum(1 <= v <= 9 for v in pct),
            "10-99": sum(10 <= v <= 99 for v in pct),
            "100+": sum(v >= 100 for v in pct),
        },
        "overseas_buckets": {
            "0": sum(v == 0 for v in overseas),
            "1-5": sum(1 <= v <= 5 for v in overseas),
            "6-10": sum(6 <= v <= 10 for v in overseas),
            "11+": sum(v >= 11 for v in overseas),
        },
        "board_counts": count_by("board"),
        "primary_financing_count": sum(m["financed"] is True for m in ms),
        "industry_counts": count_by("industry"),
        "industry_applications": industry_apps,
        "batch_counts": count_by("batch"),
    }


def assert_metrics_equal(actual: dict, expected: dict) -> None:
    assert set(actual) == set(METRIC_KEYS)
    for key in METRIC_KEYS:
        if isinstance(expected[key], float):
            assert actual[key] == pytest.approx(expected[key]), key
        else:
            assert actual[key] == expected[key], key


@pytest.fixture
def snapshot(world):
    return snapshot_compute(as_of=AS_OF)


def metrics_of(snapshot, scope: str, code: str) -> dict:
    return ScopeIndicator.objects.get(snapshot=snapshot, scope=scope, code=code).metrics


def test_population_is_earliest_non_revoked_little_giant_designation_by_as_of(snapshot, world):
    rows = {m.enterprise_id: m for m in EnterpriseMeasure.objects.filter(snapshot=snapshot)}
    assert set(rows) == {world[k].pk for k in "ABCD"}
    assert {k: rows[world[k].pk].batch for k in "ABCD"} == {"A": 1, "B": 3, "C": 2, "D": 5}
    assert snapshot.enterprise_count == 4


@pytest.mark.parametrize("name", "ABCD")
def test_per_enterprise_measures(snapshot, world, name):
    row = EnterpriseMeasure.objects.select_related("snapshot").get(snapshot=snapshot, enterprise=world[name])
    want = MEASURES[name]
    for key in (
        "applications",
        "invention_applications",
        "granted_inventions",
        "valid_inventions",
        "citations",
        "licenses",
        "transfers",
        "pct_applications",
        "overseas_markets",
    ):
        assert getattr(row, key) == want[key], key
    assert row.applications_by_year() == {int(y): want["years"].get(y, 0) for y in YEARS}
    assert row.pct_by_year() == {int(y): want["pct_years"].get(y, 0) for y in YEARS}
    assert (row.board, row.industry_field, str(row.batch), row.employees, row.primary_financing) == (
        want["board"],
        want["industry"],
        want["batch"],
        want["employees"],
        want["financed"],
    )


def test_national_indicators(snapshot):
    assert_metrics_equal(metrics_of(snapshot, "national", "CN"), NATIONAL)


def test_co_applied_patent_counts_once_per_applicant_in_a_province(snapshot):
    assert_metrics_equal(metrics_of(snapshot, "province", "320000"), JIANGSU)


def test_empty_scope_has_null_ratios_and_zero_totals(snapshot):
    assert_metrics_equal(metrics_of(snapshot, "province", "650000"), EMPTY)


@pytest.mark.parametrize(("scope", "code"), list(SCOPE_MEMBERS))
def test_every_scope_code_rolls_up_its_members(snapshot, scope, code):
    assert_metrics_equal(metrics_of(snapshot, scope, code), expected_from_members(SCOPE_MEMBERS[(scope, code)]))


def test_every_code_of_every_scope_has_a_row_with_exactly_the_metric_keys(snapshot):
    rows = ScopeIndicator.objects.filter(snapshot=snapshot)
    codes = {}
    for row in rows:
        codes.setdefault(row.scope, set()).add(row.code)
        assert set(row.metrics) == set(METRIC_KEYS)
        assert row.enterprise_count == row.metrics["enterprise_count"]
    assert codes["national"] == {"CN"}
    assert codes["province"] == set(Province.objects.values_list("code", flat=True))
    assert codes["city"] == set(City.objects.values_list("code", flat=True))
    assert codes["cluster"] == {"jjj", "yrd", "gba"}
    assert codes["industry"] == set(IndustryField.values)
    assert codes["batch"] == {"1", "2", "3", "4", "5"}
    assert codes["board"] == {*ListingBoard.values, "unlisted"}
    assert snapshot.scope_count == rows.count()
    assert sum(r.enterprise_count for r in rows if r.scope == "province") == 4


def test_scope_names_come_from_the_divisions_and_vocabularies(snapshot):
    names = dict(ScopeIndicator.objects.filter(snapshot=snapshot).values_list("code", "name"))
    assert names["320000"] == "江苏省"
    assert names["440300"] == "深圳市"
    assert names["gba"] == "粤港澳"
    assert names["unlisted"] == "未上市"
    assert names["CN"] == "全国"


@pytest.mark.parametrize(
    ("as_of", "last_year", "growth", "pct_growth"),
    [
        # On 31 December the year has ended: Y = 2023, A(2023)/A(2021) = 9/4; WO 4/1.
        (datetime.date(2023, 12, 31), 2023, (9 / 4) ** 0.5 - 1, (4 / 1) ** 0.5 - 1),
        # Any other day: Y = 2022, A(2022)/A(2020) = 4/1; WO 0/0 is null.
        (datetime.date(2023, 12, 30), 2022, (4 / 1) ** 0.5 - 1, None),
        (datetime.date(2023, 7, 31), 2022, (4 / 1) ** 0.5 - 1, None),
    ],
)
def test_growth_cagr_window_ends_with_the_last_complete_year(db, as_of, last_year, growth, pct_growth):
    e = enterprise(city="320500")
    # All offices per year: 2020: 1, 2021: 3 + 1 WO, 2022: 4, 2023: 5 + 4 WO.
    for year, count in {2020: 1, 2021: 3, 2022: 4, 2023: 5}.items():
        for _ in range(count):
            patent(e, published=datetime.date(year, 3, 1))
    for year, count in {2021: 1, 2023: 4}.items():
        for _ in range(count):
            patent(e, published=datetime.date(year, 5, 1), office="WO")
    metrics = metrics_of(snapshot_compute(as_of=as_of), "national", "CN")
    assert last_complete_year(as_of) == last_year
    assert metrics["growth_cagr"] == pytest.approx(growth)
    assert metrics["pct_growth_cagr"] == (pytest.approx(pct_growth) if pct_growth is not None else None)
    assert sorted(metrics["applications_by_year"]) == [str(y) for y in range(2014, 2024)]


def test_growth_cagr_is_null_when_the_base_year_is_empty(db):
    e = enterprise(city="320500")
    patent(e, published=datetime.date(2022, 3, 1))
    metrics = metrics_of(snapshot_compute(as_of=AS_OF), "national", "CN")
    assert metrics["applications_by_year"]["2022"] == 1
    assert metrics["growth_cagr"] is None


def test_pct_bucket_edges(db):
    counts = [0, 1, 9, 10, 99, 100]
    for i, count in enumerate(counts):
        owner = enterprise(city="320500")
        patents_bulk(owner, count=count, office="WO", published=datetime.date(2022, 1, 1), prefix=f"WO-{i}-")
    metrics = metrics_of(snapshot_compute(as_of=AS_OF), "national", "CN")
    assert metrics["pct_buckets"] == {"0": 1, "1-9": 2, "10-99": 2, "100+": 1}
    assert metrics["pct_total"] == sum(counts)


def test_overseas_bucket_edges_count_distinct_offices_other_than_cn_and_wo(db):
    offices = ["US", "EP", "JP", "KR", "DE", "FR", "GB", "AU", "CA", "IN", "RU"]
    for i, count in enumerate([0, 1, 5, 6, 10, 11]):
        owner = enterprise(city="320500")
        # CN and WO filings never count as markets; a second filing at the same office counts once.
        patents_bulk(owner, count=2, office="CN", published=datetime.date(2022, 1, 1), prefix=f"CN-{i}-")
        patents_bulk(owner, count=1, office="WO", published=datetime.date(2022, 1, 1), prefix=f"W-{i}-")
        for office in offices[:count]:
            patents_bulk(owner, count=2, office=office, published=datetime.date(2022, 1, 1), prefix=f"{office}-{i}-")
    snapshot = snapshot_compute(as_of=AS_OF)
    metrics = metrics_of(snapshot, "national", "CN")
    assert metrics["overseas_buckets"] == {"0": 1, "1-5": 2, "6-10": 2, "11+": 1}
    assert sorted(EnterpriseMeasure.objects.filter(snapshot=snapshot).values_list("overseas_markets", flat=True)) == [
        0,
        1,
        5,
        6,
        10,
        11,
    ]
    assert metrics["overseas_markets_per_enterprise"] == pytest.approx(33 / 6)
