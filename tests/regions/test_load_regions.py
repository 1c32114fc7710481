"""Region data completeness, as the foundation issue asks: 31 provinces, every city in its province."""

import pytest
from django.core.management import call_command

from regions.models import City, Province

pytestmark = pytest.mark.django_db


def test_all_31_mainland_provinces_are_loaded(regions):
    assert Province.objects.count() == 31
    assert not Province.objects.filter(code__in=["710000", "810000", "820000"]).exists()


def test_every_prefecture_level_city_is_loaded_under_its_province(regions):
    # 333 prefecture-level divisions of the 2021 GB/T 2260 list, the 4 municipalities as cities, and the
    # 4 groups of province-governed counties.
    assert City.objects.filter(kind="city", is_municipality=False).count() == 333
    for city in City.objects.select_related("province"):
        assert city.code[:2] == city.province.code[:2], city


def test_municipalities_are_their_own_city(regions):
    for province_code, city_code in [
        ("110000", "110100"),
        ("120000", "120100"),
        ("310000", "310100"),
        ("500000", "500100"),
    ]:
        city = City.objects.get(code=city_code)
        assert city.province_id == province_code
        assert city.is_municipality
        assert city.name == Province.objects.get(code=province_code).name


def test_the_five_separately_planned_cities_are_flagged(regions):
    flagged = set(City.objects.filter(is_separately_planned=True).values_list("name", flat=True))
    assert flagged == {"大连市", "宁波市", "厦门市", "青岛市", "深圳市"}


def test_cities_carry_their_cluster(regions):
    assert City.objects.get(code="130100").cluster == "jjj"  # 石家庄
    assert City.objects.get(code="340100").cluster == "yrd"  # 合肥
    assert City.objects.get(code="440300").cluster == "gba"  # 深圳
    assert City.objects.get(code="440500").cluster == ""  # 汕头 is in Guangdong but not in the nine cities
    assert City.objects.filter(cluster="gba").count() == 9


def test_names_short_names_and_slugs(regions):
    suzhou = City.objects.get(code="320500")
    assert (suzhou.name, suzhou.short_name, suzhou.slug, suzhou.name_en) == ("苏州市", "苏州", "suzhou", "Suzhou")
    assert Province.objects.get(code="610000").slug == "shaanxi"
    assert Province.objects.get(code="450000").short_name == "广西"
    assert City.objects.get(code="222400").short_name == "延边"


def test_load_regions_is_idempotent(regions, capsys):
    before = list(City.objects.values_list("code", "name", "province_id", "cluster"))
    call_command("load_regions")
    assert "created 0, updated 0, unchanged 372" in capsys.readouterr().out
    assert list(City.objects.values_list("code", "name", "province_id", "cluster")) == before


def test_load_regions_repairs_an_edited_division(regions):
    City.objects.filter(code="320500").update(name="改错的名字", cluster="")
    call_command("load_regions")
    assert City.objects.get(code="320500").name == "苏州市"
    assert City.objects.get(code="320500").cluster == "yrd"
