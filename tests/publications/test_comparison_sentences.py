"""The sentences of charts 1.5, 1.6, 1.7, 2.10, the citation growth and the year-earlier notices, over random
numbers in both languages: each says higher only when the printed difference is positive, lower only when
negative, the same only when it prints as zero, and every placeholder is filled."""

import datetime
import random
from types import SimpleNamespace

import pytest
from django.utils import translation

from publications.content import comparisons as cmp

RUNS = 600


@pytest.fixture(params=["zh-hans", "en"])
def language(request):
    with translation.override(request.param):
        yield request.param


WORDS = {
    "zh-hans": {"up": ("高", "提高", "增长", "增加"), "down": ("低", "降低", "下降", "减少"), "same": ("持平",)},
    "en": {
        "up": ("above their", " up "),
        "down": ("below their", " down "),
        "same": ("as among", "the same", "unchanged"),
    },
}


def _clean(text: str, language: str) -> None:
    assert "%(" not in text and "None" not in text and "—" not in text, text
    if language == "en":
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in text), text  # no untranslated Chinese
        assert "（" not in text and "）" not in text and "，" not in text, text
        assert not text[0].islower() and text.rstrip().endswith("."), text
    else:
        assert text.endswith("。"), text


def _says(text: str, language: str, printed: float) -> None:
    words = WORDS[language]
    text = f" {text}"
    up = any(w in text for w in words["up"])
    down = any(w in text for w in words["down"])
    same = any(w in text for w in words["same"])
    assert up == (printed > 0) and down == (printed < 0) and same == (printed == 0), (printed, text)


def test_industry_share_sentence(language):
    rng = random.Random(15)
    for _ in range(RUNS):
        reference = rng.uniform(0, 0.6)
        share = min(1.0, reference + rng.choice([0, 0.0004, -0.0004, rng.uniform(-0.3, 0.3)]))
        share = max(share, 0.0)
        text = cmp.industry_shares_sentence(
            name="全部小巨人" if language != "en" else "all Little Giants",
            field="新材料" if language != "en" else "new materials",
            share=share,
            reference=reference,
            board="科创板上市企业" if language != "en" else "STAR Market listed firms",
        )
        _clean(text, language)
        _says(text.replace("新材料", ""), language, round((share - reference) * 100, 1))
        if round((share - reference) * 100, 1):
            assert f"{abs(round((share - reference) * 100, 1)):.1f}" in text


def test_board_change_sentence(language):
    rng = random.Random(16)
    boards = ["沪深主板", "创业板", "科创板", "北交所"] if language != "en" else ["Main", "ChiNext", "STAR", "BSE"]
    for _ in range(RUNS):
        changes = [(b, rng.choice([0, rng.randint(-50, 80)])) for b in boards]
        financed = rng.choice([0, rng.randint(-100, 2000)])
        text = cmp.board_change_sentence(earlier="2022年7月31日", changes=changes, financed=financed)
        if language == "en":
            text = text.replace("2022年7月31日", "31 July 2022")
        _clean(text, language)
        for board, change in changes:
            if change:
                word = ("增加" if change > 0 else "减少") if language != "en" else ("up" if change > 0 else "down")
                assert f"{board}{word}{abs(change):,}" in text.replace(" ", ""), (board, change, text)
        if not any(c for _b, c in changes) and not financed:
            assert ("没有变化" if language != "en" else "no board's count has changed") in text


def test_contribution_sentence(language):
    rng = random.Random(17)
    for _ in range(RUNS):
        total = rng.randint(100, 4000)
        count = rng.randint(0, total)
        text = cmp.contribution_sentence(
            name="江苏" if language != "en" else "Jiangsu", board="科创板", count=count, total=total
        )
        if language == "en":
            text = text.replace("科创板", "STAR Market")
        _clean(text, language)
        assert f"{count:,}" in text and f"{count / total * 100:.1f}%" in text


def test_pct_change_sentence(language):
    rng = random.Random(18)
    for _ in range(RUNS):
        before = rng.uniform(0, 1)
        now = min(1.0, max(0.0, before + rng.choice([0, 0.0004, -0.0004, rng.uniform(-0.2, 0.2)])))
        date = "2022年7月31日" if language != "en" else "31 July 2022"
        text = cmp.pct_change_sentence(earlier=date, before=before, now=now)
        _clean(text, language)
        _says(text.replace("PCT申请", ""), language, round((now - before) * 100, 1))
        assert f"{now * 100:.1f}%" in text


def test_citation_growth_sentence(language):
    rng = random.Random(19)
    for _ in range(RUNS):
        total_before = rng.randint(1, 10**6)
        total = int(total_before * rng.choice([1, rng.uniform(0.5, 1.6)]))
        per_before = rng.uniform(1, 400)
        per = per_before * rng.choice([1, 1.0001, rng.uniform(0.5, 1.6)])
        date = "2022年7月31日" if language != "en" else "31 July 2022"
        name = "全部小巨人" if language != "en" else "all Little Giants"
        text = cmp.citation_growth_sentence(
            name=name, earlier=date, total=total, total_before=total_before, per=per, per_before=per_before
        )
        _clean(text, language)
        printed_total = round((total / total_before - 1) * 100, 1)
        printed_per = round((per / per_before - 1) * 100, 1)
        # The two clauses, each judged by its own printed difference.
        total_part, per_part = text.split("、" if language != "en" else "total and ")
        _says(total_part.split("相比")[-1], language, printed_total)
        _says(per_part, language, printed_per)
    assert cmp.citation_growth_sentence(name="x", earlier="d", total=None, total_before=1, per=None, per_before=1) == ""


def test_the_year_earlier_notices(language):
    day = datetime.date(2022, 7, 31)
    for status, words in (
        ("computing", ("上年数据正在计算", "Last year's figures are being computed")),
        ("unavailable", ("数据未能追溯到", "The data do not reach back to")),
        ("ready", ("没有纳入统计", "had no Little Giant enterprises")),
    ):
        report = SimpleNamespace(earlier=SimpleNamespace(status=status, as_of=day), name="江苏")
        text = cmp.year_earlier_notice(report)
        _clean(text.replace("江苏", "Jiangsu"), language)
        assert words[language == "en"] in text
