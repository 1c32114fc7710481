"""Regions side by side."""

import re
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from regions.selectors import places_named

from .. import formatting as fmt
from .. import selectors
from ..charts import Chart
from ..indicators import (
    INDUSTRY_LABELS,
    PANEL,
    industries_merged,
)
from .common import NATIONAL, chart_page, cut_off_label, partial_year, region_from_code
from .search import place_item

MAX_COMPARED = 4


def compare_context(choice, raw_places: str) -> dict:
    """The comparison of the places named in ``raw_places`` (names in either language, pinyin or codes,
    comma-separated): what was understood, and what was not, with the text as typed."""
    picked = _compared_regions(raw_places)
    regions = picked["regions"]
    rows = selectors.indicators_get(snapshot=choice.current, keys=[NATIONAL] + [(r.scope, r.code) for r in regions])
    national = rows.get(NATIONAL).metrics if rows.get(NATIONAL) else {}
    columns = _columns(regions, rows, national)
    pending = picked["unknown"] + [a["text"] for a in picked["ambiguous"]]
    return {
        "choice": choice,
        "regions": regions,
        "chart_page": chart_page("compare", ",".join(r.code for r in regions)) if regions else None,
        "columns": columns,
        "table": _indicator_table(columns, national),
        "unknown": picked["unknown"],
        "ambiguous": picked["ambiguous"],
        "too_many": picked["too_many"],
        "codes": ",".join(r.code for r in regions),
        # The text field: what was typed when some of it was not understood, else the places' names.
        "places_text": raw_places.strip() if pending else ", ".join(r.name for r in regions),
        "pending_text": ", ".join(pending),
        "years_chart": _years_chart(columns, national, as_of=choice.current.as_of),
        "industry_chart": _industry_chart(columns, national),
        "max_compared": MAX_COMPARED,
    }


# Places are separated by commas (either width), 、 or semicolons; names may hold spaces (Inner Mongolia).
_SEPARATORS = re.compile(r"[,，、;；]")


def _compared_regions(raw: str) -> dict:
    """The regions named (each once, at most MAX_COMPARED), the texts naming nothing, the texts naming
    several places (Suzhou: 苏州 and 宿州) with a link for each, and whether some were cut."""
    regions, unknown, ambiguous = [], [], []
    texts = [t.strip() for t in _SEPARATORS.split(raw or "") if t.strip()]
    for text in texts[: MAX_COMPARED + 2]:
        region, options = _region_named(text)
        if region is not None:
            if all((region.scope, region.code) != (r.scope, r.code) for r in regions):
                regions.append(region)
        elif options:
            ambiguous.append({"text": text, "options": options})
        else:
            unknown.append(text)
    for item in ambiguous:
        kept = ",".join(r.code for r in regions[: MAX_COMPARED - 1])
        for option in item["options"]:
            option["url"] = (
                reverse("portal:compare") + "?" + urlencode({"places": ",".join(filter(None, [kept, option["code"]]))})
            )
    return {
        "regions": regions[:MAX_COMPARED],
        "unknown": unknown,
        "ambiguous": ambiguous,
        "too_many": len(regions) > MAX_COMPARED,
    }


def _region_named(text: str):
    """(the region ``text`` names, None) or (None, the places it may mean) or (None, [])."""
    region = region_from_code(text)
    if region is not None:
        return region, []
    places = places_named(text)
    provinces = [p for p in places if p.scope == "province"]
    # 吉林 and 海南 name a province and a city (吉林市, 海南州): the province, as the MIIT lists read them.
    chosen = provinces if len(provinces) == 1 else places
    if len(chosen) == 1:
        return region_from_code(chosen[0].code), []
    return None, [{"code": p.code, "label": place_item(p)["label"]} for p in chosen]


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


def _years_chart(columns: list[dict], national: dict, *, as_of) -> Chart:
    """Applications per enterprise by year; the partial current year is drawn as partial (a dashed last
    segment, "截至7月31日") rather than as a dive, and left out while the nation has nothing for it yet."""
    years = sorted(national.get("applications_by_year") or {}, key=int)
    partial = partial_year(as_of)
    if partial in years and not national["applications_by_year"][partial]:
        years.remove(partial)
    per_enterprise = []
    for c in columns:
        n = c["m"].get("enterprise_count") or 0
        series = c["m"].get("applications_by_year") or {}
        per_enterprise.append([round(series.get(y, 0) / n, 2) if n else None for y in years])
    return Chart(
        id="compare-years",
        title=_("历年企均专利申请量"),
        kind="line",
        categories=years,
        series=[{"name": c["name"], "values": v} for c, v in zip(columns, per_enterprise, strict=True)],
        unit=_("件/家"),
        columns=[_("年份")] + [c["name"] for c in columns],
        rows=[
            [f"{y}*" if y == partial else y] + [fmt.number(v[i], 2) for v in per_enterprise]
            for i, y in enumerate(years)
        ],
        partial={"index": years.index(partial), "label": cut_off_label(as_of)} if partial in years else None,
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
