"""The foreword's, findings' and recommendations' sentences say what their numbers say, in both languages.

Over random numbers: a value at least twice its reference reads as a multiple, at most half as a share of
it, and in between as higher / lower / level by the difference as printed.
"""

import datetime
import random
import re

import pytest
from django.utils import translation

from publications import narrative as tell

CJK = re.compile(r"[\u4e00-\u9fff（）]")


@pytest.fixture(params=["zh-hans", "en"])
def language(request):
    with translation.override(request.param):
        yield request.param


def test_relations_over_random_numbers_read_as_multiples_far_from_the_reference():
    rng = random.Random(25)
    with translation.override("zh-hans"):
        for _ in range(3000):
            reference = rng.choice([rng.uniform(0.01, 1), rng.uniform(1, 3000)])
            value = reference * rng.choice([1, 1.0001, 0.9999, 2, 0.5, rng.uniform(0.05, 12)])
            text = tell.relation(value, reference, name="全国平均", fraction=False)
            ratio = value / reference
            printed = round((ratio - 1) * 100, 1)
            if ratio >= 2:
                assert text == f"约为全国平均的{ratio:,.1f}倍", (value, reference)
            elif ratio <= 0.5:
                assert text == f"约为全国平均的{ratio * 100:.1f}%", (value, reference)
            elif printed > 0:
                assert text == f"高于全国平均{printed:.1f}%", (value, reference)
            elif printed < 0:
                assert text == f"低于全国平均{-printed:.1f}%", (value, reference)
            else:
                assert text == "与全国平均持平", (value, reference)


def test_shares_are_compared_in_points_never_as_multiples():
    rng = random.Random(7)
    with translation.override("zh-hans"):
        for _ in range(2000):
            value, reference = rng.uniform(0, 1), rng.uniform(0.01, 1)
            text = tell.relation(value, reference, name="科创板上市企业", fraction=True)
            points = round((value - reference) * 100, 1)
            assert "倍" not in text
            assert ("高于" in text) == (points > 0) and ("低于" in text) == (points < 0), (value, reference, text)
            if points:
                assert f"{abs(points):.1f}个百分点" in text


def test_the_issue_s_multiple():
    with translation.override("zh-hans"):
        assert tell.relation(3.9 * 1.65, 1.65, name="全国平均", fraction=False) == "约为全国平均的3.9倍"
    with translation.override("en"):
        assert tell.relation(3.9 * 1.65, 1.65, name="the national average", fraction=False) == (
            "about 3.9 times the national average"
        )


def test_nothing_is_said_without_both_numbers():
    assert tell.relation(None, 1.0, name="x", fraction=False) == ""
    assert tell.relation(1.0, None, name="x", fraction=True) == ""
    assert tell.multiple(3.0, None) == "—"


def test_shares_of_the_nation_read_per_ten_thousand_below_one_percent():
    with translation.override("zh-hans"):
        assert tell.share_text(12_192 / 52_826_000) == "万分之2.3"
        assert tell.share_text(241_600 / 5_365_000) == "4.5%"
        assert tell.share_text(2 / 52_826_000) == "不足万分之0.1"


def test_the_cultivation_finding_measures_the_target_either_way():
    with translation.override("zh-hans"):
        met = tell.finding_cultivation(
            name="全国",
            n=12_192,
            announced=12_950,
            batches=5,
            largest_batch="第4批",
            largest_share=0.357,
            target=10_000,
        )
        assert met == (
            "第1至5批共公示12,950家“小巨人”企业，纳入本报告统计的有12,192家。其中第4批最多，占35.7%。"
            "已超过“十四五”培育10,000家的目标。"
        )
        short = tell.finding_cultivation(
            name="全国", n=9_000, announced=9_500, batches=4, largest_batch="第3批", largest_share=0.4, target=10_000
        )
        assert "尚差1,000家" in short and "已超过" not in short


def test_every_finding_over_random_numbers_is_one_language(language):
    rng = random.Random(2023)
    for _ in range(200):
        n = rng.randint(1, 20_000)
        texts = [
            tell.finding_cultivation(
                name="Jiangsu" if language == "en" else "江苏省",
                n=n,
                announced=rng.choice([None, n + rng.randint(0, 900)]),
                batches=rng.randint(1, 6),
                largest_batch="Batch 4" if language == "en" else "第4批",
                largest_share=rng.random(),
                target=rng.choice([None, 10_000]),
            ),
            tell.finding_industries(key_share=rng.random(), leaders=[("x", rng.random()), ("y", rng.random())]),
            tell.finding_capital(
                a_share=rng.randint(0, 900),
                a_share_share=rng.random(),
                leading_board="x",
                leading_count=rng.randint(0, 300),
                financed_share=rng.random(),
            ),
            tell.finding_contribution(
                whole="x", enterprise_share=rng.random() / 1000, applications_share=rng.random() / 10, year=2022
            ),
            tell.finding_portrait(
                name="x",
                applications=rng.uniform(1, 400),
                invention_share=rng.random(),
                citations=rng.uniform(0, 900),
                pct=rng.uniform(0, 9),
                sme=rng.choice([None, 54.8]),
                champion=rng.choice([None, 1104]),
            ),
            tell.finding_places(names=["a", "b"], total=n, share=rng.random(), whole="x"),
            tell.finding_advice(weakest=rng.choice([[], ["x"]]), yardstick="x"),
        ]
        for text in texts:
            assert text
            if language == "en":
                assert not CJK.search(text), text
            else:
                assert text.endswith("。"), text


def test_the_foreword_names_scope_n_data_and_the_four_dimensions(language):
    paragraphs = tell.foreword(name="X", as_of=datetime.date(2023, 7, 31), n=12_192, batches=5)
    text = " ".join(paragraphs)
    assert "12,192" in text
    if language == "en":
        assert "cultivation and growth, innovation capability, industries and regions" in text
        assert "31 July 2023" in text and not CJK.search(text)
    else:
        assert "培育成长、科创能力、行业格局、区域版图" in text and "2023年7月31日" in text
