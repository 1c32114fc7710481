"""Regions side by side."""

from django.urls import reverse
from django.utils.translation import gettext as _

from regions.choices import Cluster
from regions.models import Province

from .. import formatting as fmt
from .. import selectors
from ..charts import Chart
from ..indicators import (
    INDUSTRY_LABELS,
    PANEL,
    industries_merged,
)
from .common import NATIONAL, region_from_code

MAX_COMPARED = 4


def compare_context(choice, raw_codes: str) -> dict:
    regions, unknown, too_many = _compared_regions(raw_codes)
    rows = selectors.indicators_get(snapshot=choice.current, keys=[NATIONAL] + [(r.scope, r.code) for r in regions])
    national = rows.get(NATIONAL).metrics if rows.get(NATIONAL) else {}
    columns = _columns(regions, rows, national)
    return {
        "choice": choice,
        "regions": regions,
        "columns": columns,
        "table": _indicator_table(columns, national),
        "unknown": unknown,
        "too_many": too_many,
        "codes": ",".join(r.code for r in regions),
        "years_chart": _years_chart(columns, national),
        "industry_chart": _industry_chart(columns, national),
        "province_options": list(Province.objects.order_by("code").values_list("code", "name", "name_en")),
        "cluster_options": [(c.value, str(c.label)) for c in Cluster],
        "max_compared": MAX_COMPARED,
    }


def _compared_regions(raw_codes: str) -> tuple[list, list[str], bool]:
    """The regions named (each once, at most MAX_COMPARED), the codes not understood, and whether some were cut."""
    regions, unknown = [], []
    for code in [c for c in raw_codes.replace("，", ",").split(",") if c.strip()][: MAX_COMPARED + 2]:
        region = region_from_code(code)
        if region is None:
            unknown.append(code.strip())
        elif all((region.scope, region.code) != (r.scope, r.code) for r in regions):
            regions.append(region)
    return regions[:MAX_COMPARED], unknown, len(regions) > MAX_COMPARED


def _columns(regions: list, rows: dict, national: dict) -> list[dict]:
    """The nation, then each region: its name, link and metrics."""
    columns = [
        {"name": _("全国"), "url": reverse("portal:overview"), "m": national, "national": True, "key": "national/CN"}
    ]
    for region in regions:
        row = rows.get((region.scope, region.code))
        columns.append(
            {
                "name": region.name,
                "url": region.url,
                "m": row.metrics if row else {},
                "national": False,
                "key": f"{region.scope}/{region.code}",
            }
        )
    return columns


def _indicator_table(columns: list[dict], national: dict) -> list[dict]:
    """The eight indicators, one row each, every region marked against the nation."""
    return [
        {
            "dimension": dimension.label,
            "indicator": indicator,
            "key": indicator.key,
            "cells": [
                {
                    "value": c["m"].get(indicator.key),
                    "key": c["key"],
                    "mark": None if c["national"] else _mark(c["m"].get(indicator.key), national.get(indicator.key)),
                }
                for c in columns
            ],
        }
        for dimension in PANEL
        for indicator in dimension.indicators
    ]


def _years_chart(columns: list[dict], national: dict) -> Chart:
    years = sorted(national.get("applications_by_year") or {}, key=int)
    per_enterprise = []
    for c in columns:
        n = c["m"].get("enterprise_count") or 0
        series = c["m"].get("applications_by_year") or {}
        per_enterprise.append([round(series.get(y, 0) / n, 2) if n else None for y in years])
    return Chart(
        id="compare-years",
        title=_("历年企均专利申请量（件/家）"),
        kind="line",
        categories=years,
        series=[{"name": c["name"], "values": v} for c, v in zip(columns, per_enterprise, strict=True)],
        unit=_("件/家"),
        columns=[_("年份")] + [c["name"] for c in columns],
        rows=[[y] + [fmt.number(v[i], 2) for v in per_enterprise] for i, y in enumerate(years)],
    )


def _industry_chart(columns: list[dict], national: dict) -> Chart:
    """Each region's applications per industry field as shares of its own total (fields as the nation's)."""
    industry_keys = [key for key, _l, _v in industries_merged(national.get("industry_applications") or {})]
    shares = []
    for c in columns:
        merged = {key: value for key, _l, value in industries_merged(c["m"].get("industry_applications") or {})}
        total = sum(merged.values())
        shares.append([round(merged.get(k, 0) / total, 4) if total else None for k in industry_keys])
    return Chart(
        id="compare-industries",
        title=_("各产业领域专利申请占比"),
        kind="grouped",
        categories=[str(INDUSTRY_LABELS[k]) for k in industry_keys],
        series=[{"name": c["name"], "values": v} for c, v in zip(columns, shares, strict=True)],
        percent=True,
        columns=[_("产业领域")] + [c["name"] for c in columns],
        rows=[[str(INDUSTRY_LABELS[k])] + [fmt.percent(v[i]) for v in shares] for i, k in enumerate(industry_keys)],
        tall=True,
    )


def _mark(value, average):
    if value is None or average is None:
        return None
    return "up" if value > average else "down" if value < average else "equal"
