"""The report's sentences say what the numbers say: "高于" only when higher, "低于" only when lower."""

import datetime
import random

import pytest
from django.utils import translation

from publications import sentences as say


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def test_higher_lower_and_equal_relative_differences():
    assert say.compare(120, 100, fraction=False) == say.Comparison(say.HIGHER, "20.0%")
    assert say.compare(80, 100, fraction=False) == say.Comparison(say.LOWER, "20.0%")
    assert say.compare(100, 100, fraction=False).is_equal


def test_a_difference_that_prints_as_zero_is_equal():
    # 115.04 against 115.0 differs by 0.03%, printed "0.0%": neither higher nor lower.
    assert say.compare(115.04, 115.0, fraction=False).is_equal
    # 0.4541 against 0.4539 is 0.02 percentage points: equal at one decimal.
    assert say.compare(0.4541, 0.4539, fraction=True).is_equal


def test_shares_are_compared_in_percentage_points():
    assert say.compare(0.652, 0.454, fraction=True) == say.Comparison(say.HIGHER, "19.8个百分点")
    assert say.compare(0.294, 0.454, fraction=True) == say.Comparison(say.LOWER, "16.0个百分点")


def test_nothing_is_said_without_both_numbers():
    assert say.compare(None, 1.0, fraction=False) is None
    assert say.compare(1.0, None, fraction=True) is None
    assert say.compare(3.0, 0, fraction=False) is None  # no relative difference to a zero average
    assert say.versus_national(None) == ""


def test_the_issue_example_sentence():
    text = say.headline_region(
        as_of=datetime.date(2023, 7, 31),
        name="浙江省",
        n=1436,
        national_n=12192,
        rank=3,
        peers=31,
        peer_kind="省份",
        per_enterprise=120.0,
        national_per_enterprise=115.0,
    )
    assert text == (
        "截至2023年7月31日，浙江省共有1,436家专精特新“小巨人”企业，占全国的11.8%，在全国31个有企业的省份中居第3位。"
        "平均每家申请专利120.0件，高于全国平均4.3%。"
    )


def test_the_headline_says_lower_and_equal_when_they_are_so():
    common = {"as_of": datetime.date(2023, 7, 31), "name": "X", "n": 10, "national_n": 100, "rank": 2, "peers": 5}
    lower = say.headline_region(**common, peer_kind="省份", per_enterprise=90.0, national_per_enterprise=100.0)
    assert "低于全国平均10.0%" in lower and "高于" not in lower
    equal = say.headline_region(**common, peer_kind="省份", per_enterprise=100.0, national_per_enterprise=100.0)
    assert "与全国平均持平" in equal and "高于" not in equal and "低于" not in equal


@pytest.mark.parametrize("fraction", [True, False])
def test_every_indicator_sentence_agrees_with_its_numbers(fraction):
    rng = random.Random(12)
    for _ in range(2000):
        reference = rng.choice([rng.uniform(0.01, 1), rng.uniform(1, 500)]) if not fraction else rng.uniform(0, 1)
        value = reference * rng.choice([1, 1.0001, 0.9999, rng.uniform(0.2, 2)])
        text = say.indicator_sentence(
            label="指标",
            key="invention_share" if fraction else "citations_per_enterprise",
            value=value,
            unit="",
            national=reference,
            fraction=fraction,
        )
        printed = round((value - reference) * 100, 1) if fraction else round((value / reference - 1) * 100, 1)
        assert ("高于" in text) == (printed > 0), (value, reference, text)
        assert ("低于" in text) == (printed < 0), (value, reference, text)
        assert ("持平" in text) == (printed == 0), (value, reference, text)
        if printed:
            size = f"{abs(printed):.1f}" + ("个百分点" if fraction else "%")
            assert size in text


def test_growth_says_rise_fall_or_flat():
    up = say.growth_sentence(first_year=2020, last_year=2022, first=100, last=121, cagr=0.1, pct_cagr=-0.05)
    assert up == "2020年至2022年，专利申请量从100件增至121件，年均增长10.0%，PCT申请年均下降5.0%。"
    down = say.growth_sentence(first_year=2020, last_year=2022, first=121, last=100, cagr=-0.0909, pct_cagr=None)
    assert "降至" in down and "年均下降9.1%" in down and "增长" not in down
    flat = say.growth_sentence(first_year=2020, last_year=2022, first=100, last=100, cagr=0.0, pct_cagr=0.0)
    assert "基本持平" in flat and "增长" not in flat and "下降" not in flat
    unknown = say.growth_sentence(first_year=2020, last_year=2022, first=0, last=5, cagr=None)
    assert "无法计算" in unknown


def test_english_sentences():
    with translation.override("en"):
        text = say.headline_region(
            as_of=datetime.date(2023, 7, 31),
            name="Zhejiang",
            n=1436,
            national_n=12192,
            rank=3,
            peers=31,
            peer_kind="provinces",
            per_enterprise=110.0,
            national_per_enterprise=115.0,
        )
        assert "1,436" in text and "11.8%" in text and "4.3% below the national average" in text
        assert "高于" not in text and "低于" not in text and "，" not in text
        comparison = say.compare(0.5, 0.4, fraction=True)
        assert say.versus_national(comparison) == "10.0 percentage points above the national average"
