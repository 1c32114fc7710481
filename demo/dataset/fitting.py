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


def water_fill(total: float, weights: list[float], caps: list[int]) -> list[float]:
    """``total`` split over slots in proportion to ``weights``, never above ``caps`` (a slot at its cap
    passes its excess on to the others)."""
    k = len(caps)
    desired = [0.0] * k
    if total <= 0:
        return desired
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
    return desired


def spread(total: int, weights: list[float], caps: list[int], rand) -> list[int]:
    """``total`` split over slots in proportion to ``weights``, never above ``caps``, randomly rounded.

    Water-filling first, then systematic rounding from a random start, so that small totals do not always
    land on the heaviest slot."""
    k = len(caps)
    if total <= 0:
        return [0] * k
    desired = water_fill(total, weights, caps)
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


def controlled_round(
    values: list[dict[int, float]], row_totals: list[int], caps: list[dict[int, int]] | None = None
) -> list[dict[int, int]]:
    """Integers for a firm x year table with exact row totals and column totals within a unit or two of
    the real column sums, without any random draw.

    Rounding each firm on its own (even systematically) lets the column totals wander by the sum of many
    independent roundings: over a few hundred firms with a handful of patents each, that moves a year's
    total by several percent and a growth rate with it, differently for every seed. Here the column targets
    are fixed first (largest remainders of the real column sums), then each firm's missing units go to the
    years that still lack units, largest fractional part first; only when a year is full does a unit go
    elsewhere."""
    columns = sorted({y for row in values for y in row})
    real = {y: sum(row.get(y, 0.0) for row in values) for y in columns}
    total = sum(row_totals)
    scale = total / (sum(real.values()) or 1.0)
    floors = {y: math.floor(real[y] * scale) for y in columns}
    order = sorted(columns, key=lambda y: (-(real[y] * scale - floors[y]), y))
    for y in order[: total - sum(floors.values())]:
        floors[y] += 1
    result = [{y: math.floor(v) for y, v in row.items()} for row in values]
    need = [t - sum(r.values()) for t, r in zip(row_totals, result, strict=True)]
    lack = {y: floors[y] - sum(r.get(y, 0) for r in result) for y in columns}

    def room(i: int, y: int) -> bool:
        return caps is None or result[i][y] < caps[i].get(y, 0)

    candidates = sorted(
        ((v - math.floor(v), i, y) for i, row in enumerate(values) for y, v in row.items()),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    for _frac, i, y in candidates:
        if need[i] > 0 and lack[y] > 0 and room(i, y):
            result[i][y] += 1
            need[i] -= 1
            lack[y] -= 1
    for i, row in enumerate(values):
        while need[i] > 0:
            open_years = [y for y in row if room(i, y)]
            if not open_years:
                break
            y = max(open_years, key=lambda y: (lack[y], row[y], -y))
            result[i][y] += 1
            need[i] -= 1
            lack[y] -= 1
    return [{y: c for y, c in r.items() if c} for r in result]
