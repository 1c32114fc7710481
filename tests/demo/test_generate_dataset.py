"""generate_dataset: determinism, format validity, and the report population reproduced exactly."""

import csv
import hashlib
from collections import Counter
from datetime import date

import pytest

from demo.dataset import ENTERPRISE_HEADER, PATENT_HEADER, generate_dataset
from demo.dataset import calibration as cal
from demo.dataset.verify import compute, read_enterprises
from enterprises.choices import DesignationStatus, IndustryField, ListingBoard
from enterprises.credit_codes import credit_code_problem
from patents.choices import LegalStatus, PatentType
from regions.choices import CLUSTER_CITIES, CLUSTER_PROVINCES, Cluster

AS_OF = "2023-07-31"


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, list(reader)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    generate_dataset(scale="demo", seed=7, out=out)
    return out


@pytest.fixture(scope="module")
def report_enterprises(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    generate_dataset(scale="report", seed=2023, out=out, patents=False)
    assert not (out / "patents.csv").exists()
    return read_enterprises(out / "enterprises.csv")


def test_same_seed_writes_the_same_bytes(demo, tmp_path):
    generate_dataset(scale="demo", seed=7, out=tmp_path)
    for name in ("enterprises.csv", "patents.csv"):
        assert _digest(tmp_path / name) == _digest(demo / name)


def test_a_different_seed_writes_different_files(demo, tmp_path):
    generate_dataset(scale="demo", seed=8, out=tmp_path)
    for name in ("enterprises.csv", "patents.csv"):
        assert _digest(tmp_path / name) != _digest(demo / name)


def test_demo_enterprises_follow_the_interchange_format(demo):
    header, _rows_raw = _rows(demo / "enterprises.csv")
    assert tuple(header) == ENTERPRISE_HEADER
    rows = read_enterprises(demo / "enterprises.csv")  # resolves province and city cells, failing if one does not
    assert 500 <= len(rows) <= 700
    assert len({r["credit_code"] for r in rows}) == len(rows)
    assert len({r["name"] for r in rows}) == len(rows)
    for r in rows:
        assert credit_code_problem(r["credit_code"]) is None, r["credit_code"]
        assert r["credit_code"][2:6] == r["city_code"][:4], "division digits come from the enterprise's city"
        assert r["city_code"][:2] == r["province_code"][:2]
        assert r["name"] and len(r["name"]) <= 200
        assert all(former and former != r["name"] for former in filter(None, r["former_names"].split(";")))
        assert r["industry_field"] in IndustryField.values
        assert r["listing_board"] == "" or r["listing_board"] in ListingBoard.values
        assert bool(r["stock_code"]) == bool(r["listing_board"])
        assert r["primary_financing"] in ("0", "1")
        assert r["employees"] == "" or int(r["employees"]) >= 0
        assert r["batch"] in ("1", "2", "3", "4", "5")
        assert r["designation_status"] in DesignationStatus.values
        founded = date.fromisoformat(r["founded_on"])
        if r["designated_on"]:
            assert founded < date.fromisoformat(r["designated_on"]) <= date(2023, 7, 31)
        else:
            assert r["designation_status"] == DesignationStatus.ANNOUNCED
    provinces = {r["province_code"] for r in rows if r["designation_status"] != "revoked"}
    assert provinces == set(cal.PROVINCE_COUNTS), "every province is represented in the demo"
    assert {r["city_code"] for r in rows} >= set(cal.FIVE_CITIES)


def test_demo_patents_follow_the_interchange_format(demo):
    header, rows = _rows(demo / "patents.csv")
    assert tuple(header) == PATENT_HEADER
    assert len(rows) > 20_000
    publication_numbers = set()
    application_numbers = set()
    for r in rows:
        assert r["publication_number"] not in publication_numbers
        publication_numbers.add(r["publication_number"])
        key = (r["jurisdiction"], r["application_number"])
        assert key not in application_numbers, key
        application_numbers.add(key)
        assert len(r["jurisdiction"]) == 2 and r["publication_number"].startswith(r["jurisdiction"])
        assert r["patent_type"] in PatentType.values
        assert r["legal_status"] in LegalStatus.values
        applied, published = date.fromisoformat(r["application_date"]), date.fromisoformat(r["publication_date"])
        assert applied <= published <= date(2025, 12, 31)
        if r["grant_date"]:
            assert applied <= date.fromisoformat(r["grant_date"]) <= date(2025, 12, 31)
            assert r["legal_status"] != LegalStatus.PENDING
        elif r["patent_type"] != PatentType.INVENTION:
            pytest.fail(f"utility models and designs are published on grant: {r['publication_number']}")
        if r["jurisdiction"] == "WO":
            assert not r["grant_date"], "a PCT application is never granted itself"
        for count in ("cited_by_count", "license_count", "transfer_count"):
            assert int(r[count]) >= 0
        names = r["applicant_names"].split(";")
        assert all(names)
        assert len(r["applicant_credit_codes"].split(";")) == len(names)
    assert max(r["publication_date"] for r in rows) > AS_OF, "patents published after the cut-off exist"


def test_demo_calibration_is_sane(demo):
    result = compute(demo / "enterprises.csv", demo / "patents.csv")
    national = result["national"]
    assert national["applications_per_enterprise"] == pytest.approx(115, rel=0.10)
    assert national["invention_share"] == pytest.approx(0.454, rel=0.05)
    assert national["invention_grant_rate"] == pytest.approx(0.402, rel=0.05)
    assert national["citations_per_enterprise"] == pytest.approx(234.08, rel=0.10)
    assert national["growth_cagr"] == pytest.approx(0.156, rel=0.15)
    assert result["city"]["440300"]["pct_per_enterprise"] > result["city"]["330200"]["pct_per_enterprise"]
    for batch, expected in cal.BATCH_INDICATORS["applications_per_enterprise"].items():
        assert result["batch"][batch]["applications_per_enterprise"] == pytest.approx(expected, rel=0.10)


# --- the report population, exactly as report-figures.md prints it -----------------------------------


def _population(rows: list[dict]) -> list[dict]:
    return [
        r
        for r in rows
        if r["designation_status"] != "revoked" and (not r["designated_on"] or r["designated_on"] <= AS_OF)
    ]


def test_report_batches_and_statuses(report_enterprises):
    rows = report_enterprises
    assert len(rows) == 12_950
    assert Counter(int(r["batch"]) for r in rows) == cal.BATCH_ANNOUNCED
    revoked = Counter(int(r["batch"]) for r in rows if r["designation_status"] == "revoked")
    assert revoked == {1: 93, 2: 665}
    population = _population(rows)
    assert len(population) == 12_192
    assert Counter(int(r["batch"]) for r in population) == {1: 155, 2: 1079, 3: 2930, 4: 4357, 5: 3671}
    status = Counter((int(r["batch"]), r["designation_status"]) for r in population)
    assert status == {
        (1, "reviewed"): 155,
        (2, "reviewed"): 1079,
        (3, "confirmed"): 2930,
        (4, "confirmed"): 4328,
        (4, "announced"): 29,
        (5, "confirmed"): 3671,
    }
    assert max(r["designated_on"] for r in rows if r["designated_on"]) <= AS_OF


def test_report_provinces_and_cities(report_enterprises):
    population = _population(report_enterprises)
    assert Counter(r["province_code"] for r in population) == cal.PROVINCE_COUNTS
    cities = Counter(r["city_code"] for r in population)
    assert {code: cities[code] for code in cal.CITY_COUNTS} == cal.CITY_COUNTS
    unlisted = {code: n for code, n in cities.items() if code not in cal.CITY_COUNTS}
    assert max(unlisted.values()) < 150, "only the printed cities reach 150"
    other_gba = sum(cities[c] for c in cal.GBA_CITIES if c not in ("440300", "440100"))
    assert other_gba == 441


def test_report_clusters(report_enterprises):
    population = _population(report_enterprises)

    def members(cluster):
        if cluster in CLUSTER_CITIES:
            return [r for r in population if r["city_code"] in CLUSTER_CITIES[cluster]]
        return [r for r in population if r["province_code"] in CLUSTER_PROVINCES[cluster]]

    listed = {"main", "chinext", "star", "bse", "hkex", "sgx"}
    counts = {c: len(members(c)) for c in Cluster.values}
    assert counts == {"jjj": 1425, "yrd": 4201, "gba": 1422}
    assert {c: sum(r["listing_board"] in listed for r in members(c)) for c in Cluster.values} == cal.CLUSTER_LISTED


def test_report_industries(report_enterprises):
    population = _population(report_enterprises)
    industries = Counter(r["industry_field"] for r in population)
    assert industries == cal.INDUSTRY_COUNTS
    assert sum(industries[f] for f in ("cnc_robotics", "power", "agri_machinery")) == 2405
    assert industries["new_materials"] == 2953 and industries["next_gen_it"] == 2788 and industries["other"] == 1543


def test_report_boards_and_financing(report_enterprises):
    population = _population(report_enterprises)
    boards = Counter(r["listing_board"] for r in population if r["listing_board"])
    assert {b: boards[b] for b in ("main", "chinext", "star", "bse", "hkex", "sgx")} == {
        "main": 171,
        "chinext": 301,
        "star": 274,
        "bse": 97,
        "hkex": 12,
        "sgx": 1,
    }
    assert boards["neeq"] == cal.BOARD_COUNTS["neeq"]
    for city, expected in cal.FIVE_CITY_BOARDS.items():
        got = Counter(r["listing_board"] for r in population if r["city_code"] == city and r["listing_board"])
        assert {b: got[b] for b in expected} == expected, city
    assert sum(r["primary_financing"] == "1" for r in population) == 5062


def test_report_employees_average_251(report_enterprises):
    known = [int(r["employees"]) for r in _population(report_enterprises) if r["employees"]]
    assert len(known) < 12_192, "some employee counts are unknown"
    assert sum(known) / len(known) == pytest.approx(251, abs=0.5)
