"""Writes to the division tables."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .choices import CLUSTER_CITIES, CLUSTER_PROVINCES, MUNICIPALITY_PROVINCES, SEPARATELY_PLANNED_CITIES
from .models import City, Province

DIVISIONS_CSV = Path(__file__).resolve().parent / "data" / "divisions.csv"


@dataclass(frozen=True)
class RegionLoadResult:
    created: int
    updated: int
    unchanged: int


def _cluster_of(city_code: str, province_code: str) -> str:
    for cluster, cities in CLUSTER_CITIES.items():
        if city_code in cities:
            return cluster
    for cluster, provinces in CLUSTER_PROVINCES.items():
        if province_code in provinces:
            return cluster
    return ""


def _upsert(model, code: str, values: dict) -> str:
    obj = model.objects.filter(code=code).first()
    if obj is None:
        model.objects.create(code=code, **values)
        return "created"
    changed = {
        k: v
        for k, v in values.items()
        if getattr(obj, k if k != "province" else "province_id") != (v.code if k == "province" else v)
    }
    if not changed:
        return "unchanged"
    for key, value in changed.items():
        setattr(obj, key, value)
    obj.save(update_fields=list(changed))
    return "updated"


@transaction.atomic
def regions_load(*, path: Path = DIVISIONS_CSV) -> RegionLoadResult:
    """Create or update every province and city from the bundled GB/T 2260 file; idempotent."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    provinces: dict[str, Province] = {}
    for row in rows:
        if row["level"] != "province":
            continue
        outcome = _upsert(
            Province,
            row["code"],
            {
                "name": row["name"],
                "short_name": row["short_name"],
                "slug": row["slug"],
                "name_en": row["name_en"],
                "is_municipality": row["code"] in MUNICIPALITY_PROVINCES,
            },
        )
        counts[outcome] += 1
    provinces = {p.code: p for p in Province.objects.all()}
    for row in rows:
        if row["level"] == "province":
            continue
        outcome = _upsert(
            City,
            row["code"],
            {
                "province": provinces[row["province_code"]],
                "name": row["name"],
                "short_name": row["short_name"],
                "slug": row["slug"],
                "name_en": row["name_en"],
                "kind": row["level"],
                "is_municipality": row["province_code"] in MUNICIPALITY_PROVINCES,
                "is_separately_planned": row["code"] in SEPARATELY_PLANNED_CITIES,
                "cluster": _cluster_of(row["code"], row["province_code"]),
            },
        )
        counts[outcome] += 1
    return RegionLoadResult(**counts)
