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
        value = reference * rng.choice([1, 1.0001, 0.9999, rng.uniform(0.2, 2), rng.uniform(1.5, 6)])
        text = say.indicator_sentence(
            label="指标",
            key="invention_share" if fraction else "citations_per_enterprise",
            value=value,
            unit="",
            national=reference,
            fraction=fraction,
        )
        printed = round((value - reference) * 100, 1) if fraction else round((value / reference - 1) * 100, 1)
        if not fraction and not 1 / say.FAR < value / reference < say.FAR:
            # Far from the mean: a multiple ("约为全国平均的2.3倍") or a fraction of it, never "高于…130.0%".
            ratio = value / reference
            expected = f"约为全国平均的{ratio:.1f}倍" if ratio >= say.FAR else f"约为全国平均的{ratio * 100:.1f}%"
            assert expected in text and "高于" not in text and "低于" not in text, (value, reference, text)
            continue
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


def test_far_above_the_mean_reads_as_a_multiple():
    assert say.versus_national(say.compare(3.93, 1.0, fraction=False)) == "约为全国平均的3.9倍"
    assert say.versus_national(say.compare(1.99, 1.0, fraction=False)) == "高于全国平均99.0%"
    assert say.versus_national(say.compare(0.3, 1.0, fraction=False)) == "约为全国平均的30.0%"
    # Shares stay in percentage points, however far apart.
    assert say.versus_national(say.compare(0.9, 0.1, fraction=True)) == "高于全国平均80.0个百分点"
    with translation.override("en"):
        assert say.versus_national(say.compare(3.93, 1.0, fraction=False)) == "about 3.9 times the national average"


def _capital(rng, **counts):
    a_share = [("沪深主板", counts.get("main", 0)), ("创业板", counts.get("chinext", 0)), ("科创板", 0), ("北交所", 0)]
    abroad = [("港股", counts.get("hkex", 0))]
    listed = sum(counts.values())
    return say.capital(
        listed=listed,
        listed_share=listed / 100,
        a_share=a_share,
        abroad=abroad,
        quoted=counts.get("neeq", 0),
        financed=rng.randint(0, 50),
        financed_share=rng.random(),
    )


def test_neeq_is_quoted_apart_from_the_a_share_breakdown_over_random_numbers():
    rng = random.Random(25)
    for _ in range(300):
        counts = {k: rng.choice([0, 0, rng.randint(1, 900)]) for k in ("main", "chinext", "hkex", "neeq")}
        text = _capital(rng, **counts)
        a_total = counts["main"] + counts["chinext"]
        if not sum(counts.values()):
            assert "没有企业上市或挂牌" in text
            continue
        if a_total:
            breakdown = text[text.index("其中A股上市") :]
            breakdown = breakdown[: breakdown.index("）")]
            assert f"其中A股上市{a_total:,}家" in text and "新三板" not in breakdown and "港股" not in breakdown
        assert ("新三板挂牌" in text) == bool(counts["neeq"]), text
        with translation.override("en"):
            english = _capital(random.Random(1), **counts)
        assert not set("，（）：、。") & set(english), english
        if a_total:
            assert f"{a_total:,} of them listed on A-share boards" in english
            assert "NEEQ" not in english[english.index("A-share boards") : english.index(")")]
        if counts["neeq"]:
            assert f"and {counts['neeq']:,} quoted on the NEEQ" in english


def test_city_rankings_say_among_cities():
    provinces = say.top_places(names=["江苏省", "广东省", "浙江省"], total=203, share=0.359, whole="全国")
    cities = say.top_places(names=["北京市", "深圳市", "上海市"], total=103, share=0.182, whole="全国", cities=True)
    assert provinces.startswith("企业数量居前3位的是江苏省、广东省、浙江省")
    assert cities.startswith("城市中企业数量居前3位的是北京市、深圳市、上海市")
    with translation.override("en"):
        cities = say.top_places(
            names=["Beijing", "Shenzhen", "Shanghai"], total=103, share=0.182, whole="China", cities=True
        )
    assert cities.startswith("Among cities, the top 3 by enterprises are Beijing, Shenzhen and Shanghai")


def test_the_same_field_again_says_also():
    same = say.industries(
        top_count_label="新材料", top_count=145, top_count_share=0.256, top_apps_label="新材料", top_apps=24870
    )
    other = say.industries(
        top_count_label="新材料", top_count=145, top_count_share=0.256, top_apps_label="生物医药", top_apps=9
    )
    assert "专利申请最多的也是新材料" in same and "专利申请最多的是生物医药" in other and "也是" not in other
    with translation.override("en"):
        text = say.industries(
            top_count_label="New materials",
            top_count=145,
            top_count_share=0.256,
            top_apps_label="New materials",
            top_apps=24870,
        )
    # Field names lower case inside the sentence, no comma splice.
    assert text.strip() == (
        "The industry with the most enterprises is new materials (145, 25.6%), "
        "and new materials also has the most patent applications (24,870)."
    )


def test_english_lists_end_with_and_and_names_keep_their_acronyms():
    with translation.override("en"):
        assert say.join(["a", "b", "c"]) == "a, b and c"
        assert say.join(["a"]) == "a"
    assert say.join(["甲", "乙", "丙"]) == "甲、乙、丙"
    assert say.mid("New materials") == "new materials"
    assert say.mid("PCT applications") == "PCT applications"
    assert say.mid("A-share boards") == "A-share boards"


def test_english_population_and_batch_sentences_have_no_comma_splice():
    with translation.override("en"):
        population = say.population_national(announced=601, not_counted=35, n=566, batches=5)
        batch = say.largest_batch(name="China", batch_label="Batch 4", count=204, share=0.36)
    assert population.strip() == (
        "Batches 1 to 5 announced 601 enterprises, of which 35 failed the review, were revoked or were not yet "
        "designated at the cut-off, leaving 566 in this report."
    )
    assert batch.strip() == "Batch 4 is the largest batch of China, with 204 enterprises (36.0%)."
    assert "Among the enterprises of" not in batch
