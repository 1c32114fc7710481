"""Fitting real-valued plans to the report's totals and rounding them to integers (no calibration data here).

``rake`` scales values so their sums over several partitions meet targets (iterative proportional fitting);
``systematic_round`` and ``spread`` turn real shares into integers whose totals stay exact.
"""

import math


def rake(
    base: list[float],
    partitions: list[tuple[list, dict]],
    lo: list[float] | None = None,
    hi: list[float] | None = None,
    iterations: int = 80,
) -> list[float]:
    """Scale ``base`` so that its sum over each label of each partition equals the target, within bounds."""
    x = list(base)
    n = len(x)
    for _ in range(iterations):
        worst = 0.0
        for labels, targets in partitions:
            sums: dict = {}
            for i in range(n):
                sums[labels[i]] = sums.get(labels[i], 0.0) + x[i]
            factors = {label: (targets[label] / s if s > 0 else 1.0) for label, s in sums.items()}
            worst = max(worst, max(abs(f - 1.0) for f in factors.values()))
            for i in range(n):
                v = x[i] * factors[labels[i]]
                if lo is not None and v < lo[i]:
                    v = lo[i]
                if hi is not None and v > hi[i]:
                    v = hi[i]
                x[i] = v
        if worst < 1e-7:
            break
    return x


def systematic_round(values: list[float], order: list[int], rng) -> list[int]:
    """Integers whose running sum along ``order`` never strays one unit from the real running sum."""
    result = [0] * len(values)
    cumulative = rng.random()
    previous = math.floor(cumulative)
    for i in order:
        cumulative += values[i]
        current = math.floor(cumulative + 1e-9)
        result[i] = current - previous
        previous = current
    return result


def spread(total: int, weights: list[float], caps: list[int], rand) -> list[int]:
    """``total`` split over slots in proportion to ``weights``, never above ``caps``, randomly rounded.

    Water-filling first (a slot at its cap passes its excess on), then systematic rounding from a random
    start, so that small totals do not always land on the heaviest slot."""
    k = len(caps)
    if total <= 0:
        return [0] * k
    desired = [0.0] * k
    open_slots = [j for j in range(k) if caps[j] > 0 and weights[j] > 0] or [j for j in range(k) if caps[j] > 0]
    remaining = float(total)
    while open_slots and remaining > 1e-9:
        weight_sum = sum(weights[j] for j in open_slots) or float(len(open_slots))
        capped = []
        for j in open_slots:
            share = remaining * ((weights[j] / weight_sum) if weight_sum else 1.0 / len(open_slots))
            if desired[j] + share >= caps[j]:
                capped.append(j)
        if not capped:
            for j in open_slots:
                desired[j] += remaining * weights[j] / weight_sum
            remaining = 0.0
            break
        for j in capped:
            remaining -= caps[j] - desired[j]
            desired[j] = float(caps[j])
        open_slots = [j for j in open_slots if j not in capped]
    result = [0] * k
    cumulative = rand()
    previous = 0
    for j in range(k):
        cumulative += desired[j]
        current = int(cumulative + 1e-9)
        result[j] = min(caps[j], current - previous)
        previous = current
    shortfall = total - sum(result)
    j = 0
    while shortfall > 0 and j < k:
        room = caps[j] - result[j]
        if room > 0:
            take = min(room, shortfall)
            result[j] += take
            shortfall -= take
        j += 1
    return result
