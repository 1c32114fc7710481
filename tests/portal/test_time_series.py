"""Yearly series end at the cut-off: the partial current year is drawn as partial or left out, never a zero."""

import datetime
import json
import re

import pytest
from django.utils import translation

from portal.pages import year_series, years_chart

from .conftest import AS_OF

JULY = datetime.date(2023, 7, 31)


def test_the_partial_year_is_marked_with_its_cut_off():
    chart = year_series("y", "t", {"2021": 4, "2022": 6, "2023": 2}, as_of=JULY, name="n", column="c")
    assert chart.categories == ["2021", "2022", "2023"]
    assert chart.spec["partial"] == {"index": 2, "label": "截至7月31日"}
    assert chart.rows[-1] == ["2023*", "2"]


def test_an_empty_partial_year_is_left_out_not_drawn_as_zero():
    chart = year_series("y", "t", {"2021": 4, "2022": 6, "2023": 0}, as_of=JULY, name="n", column="c")
    assert chart.categories == ["2021", "2022"]
    assert "partial" not in chart.spec
    assert "2023年截至7月31日尚无数据" in chart.caption


def test_a_year_end_cut_off_has_no_partial_year():
    chart = years_chart(
        {"applications_by_year": {"2022": 3, "2023": 0}}, chart_id="y", as_of=datetime.date(2023, 12, 31)
    )
    assert chart.categories == ["2022", "2023"]  # a whole year with no application is a true zero
    assert "partial" not in chart.spec


def test_the_english_label_names_the_day():
    with translation.override("en"):
        chart = year_series("y", "t", {"2022": 6, "2023": 2}, as_of=JULY, name="n", column="c")
    assert chart.spec["partial"]["label"] == "to 31 Jul"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/regions/320000/", "/en/regions/320000/"])
def test_the_region_profile_draws_its_partial_year_as_partial(client, snapshots, path):
    page = client.get(path).content.decode()
    spec = json.loads(re.search(r'<script id="chart-data-years" type="application/json">(.*?)</script>', page).group(1))
    assert spec["categories"][-1] == str(AS_OF.year)
    assert spec["partial"]["index"] == len(spec["categories"]) - 1
    assert spec["series"][0]["values"][-1] > 0  # A's utility model of 2023-02


def test_the_comparison_lines_end_at_the_cut_off_instead_of_diving_to_zero():
    from portal.pages.compare import _years_chart

    national = {"applications_by_year": {"2021": 40, "2022": 60, "2023": 20}}
    columns = [
        {"name": "江苏", "m": {"enterprise_count": 2, "applications_by_year": {"2021": 4, "2022": 6, "2023": 2}}}
    ]
    chart = _years_chart(columns, national, as_of=JULY)
    assert chart.spec["partial"] == {"index": 2, "label": "截至7月31日"}
    assert chart.rows[-1][0] == "2023*"

    national["applications_by_year"]["2023"] = 0
    empty = _years_chart(columns, national, as_of=JULY)
    assert empty.categories == ["2021", "2022"]
    assert "partial" not in empty.spec
