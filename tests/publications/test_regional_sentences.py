"""Chapter 03's sentences over random numbers, in both languages: the regions named are those the numbers
make the largest, the leaders and the quadrant counts agree with the numbers."""

import random
import re

import pytest
from django.utils import translation

from portal import formatting as fmt
from publications import regional as say

LANGUAGES = ("zh-hans", "en")
NAMES = [f"R{i:02d}" for i in range(40)]


def _points(rng):
    names = rng.sample(NAMES, rng.randint(2, 30))
    return [(n, rng.uniform(20, 600), rng.uniform(0.5, 80), rng.randint(1, 1600)) for n in names]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_bubble_sentence_counts_both_quadrants_and_names_the_leader(language):
    rng = random.Random(3)
    with translation.override(language):
        for _ in range(500):
            points = _points(rng)
            x, y = rng.uniform(100, 400), rng.uniform(5, 40)
            text = say.bubbles(by_city=rng.random() < 0.5, points=points, employees=x, inventions=y)
            above = [p for p in points if p[1] > x and p[2] > y]
            below = [p for p in points if p[1] < x and p[2] < y]
            top = max(points, key=lambda p: (p[2], p[3]))
            assert fmt.number(x, 0) in text and fmt.number(y, 1) in text
            if above:
                assert re.search(rf"(有|: ){len(above)}(个| )", text), text
                assert all(p[0] in text for p in sorted(above, key=lambda p: -p[3])[:1] if above.index(p) < 5)
            assert f"{len(below)}" in text
            assert f"{top[0]}" in text and fmt.number(top[2], 1) in text
            assert ("倍" in text or "times" in text) == (top[2] / y >= 2)
            if language == "en":
                assert "（" not in text and "，" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_batch_and_big_city_sentences_state_their_numbers(language):
    rng = random.Random(5)
    with translation.override(language):
        for _ in range(500):
            counts = sorted((rng.randint(1, 1500) for _ in range(3)), reverse=True)
            leaders = list(zip(rng.sample(NAMES, 3), counts, strict=True))
            n = sum(counts) + rng.randint(0, 10000)
            batch_total = rng.randint(1, 3000)
            leader_count = rng.randint(1, batch_total)
            text = say.by_batch(
                by_city=rng.random() < 0.5,
                leaders=leaders,
                n=n,
                whole="W",
                batch="B5",
                batch_leader="L",
                batch_leader_count=leader_count,
                batch_total=batch_total,
            )
            positions = [text.find(f"{name}") for name, _c in leaders]
            assert -1 not in positions and positions == sorted(positions)
            assert all(fmt.number(c) in text for c in counts)
            assert fmt.percent(sum(counts) / n) in text and fmt.percent(leader_count / batch_total) in text
            cities = leaders[: rng.randint(0, 3)]
            threshold = rng.randint(1, 200)
            big = say.big_cities(threshold=threshold, cities=cities, n=n, whole="W")
            assert fmt.number(threshold) in big
            if cities:
                assert fmt.number(sum(c for _n, c in cities)) in big and cities[0][0] in big
                assert fmt.percent(sum(c for _n, c in cities) / n) in big
            if language == "en":
                assert "（" not in text + big and "，" not in text + big


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_cluster_paragraph_names_each_leader_and_the_fewest(language):
    rng = random.Random(8)
    dims = ["D1", "D2", "D3", "D4"]
    with translation.override(language):
        for _ in range(500):
            clusters = [(name, rng.randint(1, 3000)) for name in ("A", "B", "C")]
            leaders = [(d, rng.choice("ABC")) for d in dims]
            text = say.clusters_compared(clusters=clusters, leaders=leaders)
            most = max(clusters, key=lambda c: c[1])
            fewest = min(clusters, key=lambda c: c[1])
            assert fmt.number(most[1]) in text
            for d, leader in leaders:
                # Each dimension is named in the sentence of its leader.
                sentence = next(s for s in re.split(r"[。.]", text) if f"{d}" in s.upper() or d in s)
                assert sentence.strip().startswith(leader), (sentence, leader)
            says_fewest = "最少" in text or "fewest" in text
            assert says_fewest == (fewest[0] != most[0] and fewest[0] in {leader for _d, leader in leaders})
