"""Bucket membership (PCT filings, overseas markets): the report's bucket sizes filled by rank of a score."""

import math

# Typical value of a firm in each bucket (0, 1-9, 10-99, 100+), the national buckets' mean solved from the
# printed total; used only to place the right number of high-bucket firms in each group.
PCT_TYPICAL = (0.0, 3.0, 22.0, 149.0)
MARKETS_TYPICAL = (0.0, 1.9, 7.2, 13.0)


def offset_scores(
    propensity: list[float], groups: list, targets: dict, bucket_sizes: list[int], typical, ranges, room: list[int]
) -> list[float]:
    """Shift each group's propensity until the buckets it wins would carry about its target total; the
    raking inside the bucket bounds then closes the remaining gap exactly."""
    offsets = dict.fromkeys(targets, 0.0)
    for _ in range(25):
        score = [p + offsets[g] for p, g in zip(propensity, groups, strict=True)]
        bucket = bucket_indices(score, bucket_sizes, ranges, room)
        expected = dict.fromkeys(targets, 0.0)
        for b, g in zip(bucket, groups, strict=True):
            expected[g] += typical[b]
        for g, target in targets.items():
            offsets[g] += 0.5 * math.log(max(target, 0.5) / max(expected[g], 0.5))
    return [p + offsets[g] for p, g in zip(propensity, groups, strict=True)]


def bucketed(score: list[float], bucket_sizes: list[int], ranges, room: list[int]) -> list[tuple[int, int]]:
    """The (low, high) range of each enterprise's bucket (see ``bucket_indices``)."""
    return [ranges[b] for b in bucket_indices(score, bucket_sizes, ranges, room)]


def bucket_indices(score: list[float], bucket_sizes: list[int], ranges, room: list[int]) -> list[int]:
    """Bucket per enterprise: the top-ranked get the highest bucket, and so on down to 0, each bucket taking
    exactly its size from the firms with ``room`` for its lower bound (the others wait for a lower bucket).

    Ranking alone can put a firm in a bucket its plan cannot fill (seed 10 gave 6-10 markets to a firm whose
    100 applications were all PCT), and the written file then misses the report's bucket count by that firm,
    for some seeds only."""
    ranked = sorted(range(len(score)), key=lambda i: (-score[i], i))
    result = [0] * len(score)
    for bucket in range(len(bucket_sizes) - 1, 0, -1):
        low = ranges[bucket][0]
        left = []
        taken = 0
        for i in ranked:
            if taken < bucket_sizes[bucket] and room[i] >= low:
                result[i] = bucket
                taken += 1
            else:
                left.append(i)
        if taken < bucket_sizes[bucket]:
            raise ValueError(f"only {taken} of {bucket_sizes[bucket]} firms have room for bucket {ranges[bucket]}")
        ranked = left
    return result
