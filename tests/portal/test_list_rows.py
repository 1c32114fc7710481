"""The enterprise list's 所在地区 cell: a municipality named once, the separator never starting a line."""

import re

import pytest

from portal.pages.listing import place_parts
from regions.models import City, Province
from tests.reports.factories import enterprise

pytestmark = pytest.mark.django_db


def test_a_municipality_is_named_once_and_a_city_after_its_province(regions):
    shanghai, jiangsu = Province.objects.get(code="310000"), Province.objects.get(code="320000")
    assert place_parts(shanghai, City.objects.get(code="310100"), english=False) == ["上海市"]
    assert place_parts(shanghai, City.objects.get(code="310100"), english=True) == ["Shanghai"]
    assert place_parts(jiangsu, City.objects.get(code="320500"), english=False) == ["江苏省", "苏州市"]
    assert place_parts(jiangsu, None, english=False) == ["江苏省"]


def test_the_cell_keeps_the_separator_with_the_part_before_it(client, snapshots):
    enterprise(city="310100").save()
    html = client.get("/enterprises/", {"population": "all"}).content.decode()
    cells = re.findall(r'<td class="place">(.*?)</td>', html)
    assert '<td class="place"><span class="place-part">上海市</span></td>' in html
    assert '<span class="place-part">江苏省 ·</span> <span class="place-part">苏州市</span>' in cells
    assert all("> ·" not in cell and "上海市 · 上海市" not in cell for cell in cells)
