"""Sentences of chapter 03, 区域科创版图: charts 3.1-3.3 and the three clusters compared.

Built on ``sentences`` and ``narrative``: a judging word is chosen from the numbers, a value far from its
reference reads as a multiple. Every function takes plain numbers and names, so that tests can feed them
random ones (tests/publications/test_regional_sentences.py).
"""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from portal import formatting as fmt

from .narrative import relation
from .sentences import join, sentence

__all__ = ["big_cities", "bubbles", "by_batch", "clusters_compared", "sentence"]


def _lower(label: str) -> str:
    """A dimension's name mid-sentence: lower case in English ("technology scale"), unchanged in Chinese."""
    return label[:1].lower() + label[1:]


def _counted(name: str, n) -> str:
    return _("%(name)s（%(n)s家）") % {"name": name, "n": fmt.number(n)}


def _share(part, whole) -> str:
    return fmt.percent(part / whole if whole else None)


def by_batch(
    *,
    by_city: bool,
    leaders: list[tuple[str, int]],
    n,
    whole: str,
    batch: str,
    batch_leader: str,
    batch_leader_count,
    batch_total,
) -> str:
    """Chart 3.1 (provinces) or 3.3 (cities) stacked by batch: the largest regions and the latest batch."""
    if not leaders:
        return ""
    total = sum(count for _name, count in leaders)
    names = join([_counted(name, count) for name, count in leaders])
    if by_city:
        first = _("分城市看，企业最多的是%(names)s，合计占%(whole)s的%(share)s")
    else:
        first = _("分省份看，企业最多的是%(names)s，合计占%(whole)s的%(share)s")
    text = sentence(first % {"names": names, "whole": whole, "share": _share(total, n)})
    if batch and batch_leader and batch_total:
        text += sentence(
            _("最新的%(batch)s共%(total)s家企业，其中%(name)s最多，有%(n)s家，占该批的%(share)s")
            % {
                "batch": batch,
                "total": fmt.number(batch_total),
                "name": batch_leader,
                "n": fmt.number(batch_leader_count),
                "share": _share(batch_leader_count, batch_total),
            }
        )
    return text


def bubbles(*, by_city: bool, points: list[tuple[str, float | None, float | None, int]], employees, inventions) -> str:
    """Chart 3.2: where the regions stand against the national means of employees and valid inventions.

    ``points``: (name, mean employees, mean valid inventions, enterprises), largest first.
    """
    known = [p for p in points if p[1] is not None and p[2] is not None]
    if not known or employees is None or inventions is None:
        return ""
    above = [name for name, x, y, _n in known if x > employees and y > inventions]
    below = [name for name, x, y, _n in known if x < employees and y < inventions]
    units = pgettext("regions in a sentence", "城市") if by_city else pgettext("regions in a sentence", "省份")
    text = sentence(
        _("全国平均每家企业参保%(x)s人、拥有有效发明专利%(y)s件（图中虚线）")
        % {"x": fmt.number(employees, 0), "y": fmt.number(inventions, 1)}
    )
    named = join(above[:5]) + (_("等") if len(above) > 5 else "")
    if above:
        text += sentence(
            _("两项都高于全国平均的有%(k)s个%(units)s（%(names)s），位于图中右上方")
            % {"k": len(above), "units": units, "names": named}
        )
    else:
        text += sentence(_("没有哪个%(units)s两项都高于全国平均") % {"units": units})
    text += sentence(
        _("两项都低于全国平均的有%(k)s个%(units)s，占图中%(m)s个%(units)s的%(share)s")
        % {"k": len(below), "units": units, "m": len(known), "share": _share(len(below), len(known))}
    )
    top = max(known, key=lambda p: (p[2], p[3]))
    text += sentence(
        _("平均有效发明专利最多的是%(name)s，每家%(y)s件") % {"name": top[0], "y": fmt.number(top[2], 1)},
        relation(top[2], inventions, name=pgettext("compared with", "全国平均"), fraction=False),
    )
    return text


def big_cities(*, threshold: int, cities: list[tuple[str, int]], n, whole: str) -> str:
    """Chart 3.3: the cities with at least ``threshold`` enterprises, largest first."""
    if not cities:
        return sentence(_("没有城市的企业数达到%(k)s家") % {"k": fmt.number(threshold)})
    total = sum(count for _name, count in cities)
    return sentence(
        _("企业数不少于%(k)s家的城市有%(c)s个，合计%(t)s家，占%(whole)s的%(share)s")
        % {
            "k": fmt.number(threshold),
            "c": len(cities),
            "t": fmt.number(total),
            "whole": whole,
            "share": _share(total, n),
        }
    ) + sentence(_("其中%(name)s最多，有%(n)s家") % {"name": cities[0][0], "n": fmt.number(cities[0][1])})


def clusters_compared(*, clusters: list[tuple[str, int]], leaders: list[tuple[str, str]]) -> str:
    """The cluster page's paragraph: who has the most enterprises, and who leads on each dimension.

    ``clusters``: (name, enterprises); ``leaders``: (dimension label, name of the cluster that leads on it),
    in the panel's order.
    """
    if len(clusters) < 2:
        return ""
    most = max(clusters, key=lambda c: c[1])
    fewest = min(clusters, key=lambda c: c[1])
    text = sentence(
        _("%(k)s个城市群中，%(name)s的企业最多，有%(n)s家")
        % {"k": len(clusters), "name": most[0], "n": fmt.number(most[1])}
    )
    grouped: dict[str, list[str]] = {}
    for dimension, name in leaders:
        grouped.setdefault(name, []).append(dimension)
    for name, dimensions in grouped.items():
        if name == fewest[0] and name != most[0]:
            clause = _("%(name)s的企业最少，但在%(dims)s上领先")
        else:
            clause = _("%(name)s在%(dims)s上领先")
        text += sentence(clause % {"name": name, "dims": join([_lower(d) for d in dimensions])})
    return text
