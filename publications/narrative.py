"""Sentences of the foreword, the seven findings, chapter 02's charts and chapter 04's recommendations.

Built on ``sentences``: the same rule that a judging word is chosen from the number as printed. One more
rule here: a value at least twice its reference, or at most half of it, reads as a multiple or a fraction
of it ("约为全国平均的3.9倍", "约为科创板的29.0%"), not as "高于全国平均293.4%".
"""

from django.utils.translation import gettext as _

from portal import formatting as fmt

from .sentences import FAR, HIGHER, LOWER, compare, join, mid, sentence


def relation(value, reference, *, name: str, fraction: bool) -> str:
    """How ``value`` stands against ``reference`` (called ``name``): a clause without punctuation."""
    if value is None or reference is None:
        return ""
    name = mid(name)
    if not fraction and reference > 0 and value > 0:
        ratio = value / reference
        if ratio >= FAR:
            return _("约为%(name)s的%(k)s倍") % {"name": name, "k": fmt.number(ratio, 1)}
        if ratio <= 1 / FAR:
            return _("约为%(name)s的%(share)s") % {"name": name, "share": fmt.percent(ratio)}
    comparison = compare(value, reference, fraction=fraction)
    if comparison is None:
        return ""
    if comparison.direction == HIGHER:
        return _("高于%(name)s%(diff)s") % {"name": name, "diff": comparison.difference}
    if comparison.direction == LOWER:
        return _("低于%(name)s%(diff)s") % {"name": name, "diff": comparison.difference}
    return _("与%(name)s持平") % {"name": name}


def multiple(value, reference) -> str:
    """ "2.1X": how many times ``reference`` the value is; "—" without both."""
    if not value or not reference:
        return fmt.MISSING
    return _("%(k)s倍") % {"k": fmt.number(value / reference, 1)}


# --- Foreword and findings ---------------------------------------------------------------------------


def foreword(*, name: str, as_of, n, batches: int) -> list[str]:
    return [
        sentence(
            _("本报告分析截至%(date)s%(name)s纳入统计的%(n)s家专精特新“小巨人”企业（第1至%(k)s批）")
            % {"date": fmt.date(as_of), "name": name, "n": fmt.number(n), "k": batches}
        )
        + sentence(_("数据来自工业和信息化部公布的企业名单及这些企业的专利申请、授权、法律状态、引用与许可记录")),
        sentence(
            _("报告从培育成长、科创能力、行业格局、区域版图四个维度描绘这些企业的科技创新"),
            _("并在最后分别为企业和政府提出科创成长建议"),
        ),
        sentence(_("书中参考数据（如科创板、北交所上市企业和全国总量）注明来源，不与门户计算的数字混合")),
    ]


def finding_cultivation(*, name, n, announced, batches: int, largest_batch: str, largest_share, target) -> str:
    first = (
        sentence(
            _("第1至%(k)s批共公示%(announced)s家“小巨人”企业，纳入本报告统计的有%(n)s家")
            % {"k": batches, "announced": fmt.number(announced), "n": fmt.number(n)}
        )
        if announced
        else sentence(_("%(name)s纳入统计的“小巨人”企业有%(n)s家") % {"name": name, "n": fmt.number(n)})
    )
    second = sentence(
        _("其中%(batch)s最多，占%(share)s") % {"batch": largest_batch, "share": fmt.percent(largest_share)}
    )
    if target:
        reached = n >= target
        third = sentence(
            (_("已超过“十四五”培育%(t)s家的目标") if reached else _("距“十四五”培育%(t)s家的目标尚差%(gap)s家"))
            % {"t": fmt.number(target), "gap": fmt.number(max(target - n, 0))}
        )
        return first + second + third
    return first + second


def finding_industries(*, key_share, leaders: list[tuple[str, float]]) -> str:
    return sentence(
        _("十大重点产业领域的企业占%(share)s") % {"share": fmt.percent(key_share)},
    ) + sentence(
        _("企业最多的领域是%(fields)s")
        % {"fields": join([_("%(f)s（%(s)s）") % {"f": mid(f), "s": fmt.percent(s)} for f, s in leaders])}
    )


def finding_capital(*, a_share, a_share_share, leading_board: str, leading_count, financed_share) -> str:
    if not a_share:
        first = sentence(_("没有企业在A股上市"))
    else:
        first = sentence(
            _("%(n)s家企业在A股上市，占%(share)s") % {"n": fmt.number(a_share), "share": fmt.percent(a_share_share)},
            _("其中%(board)s最多，有%(k)s家") % {"board": leading_board, "k": fmt.number(leading_count)},
        )
    return first + sentence(_("获得一级市场融资的企业占%(share)s") % {"share": fmt.percent(financed_share)})


def finding_contribution(*, whole: str, enterprise_share, applications_share, year) -> str:
    clauses = []
    if enterprise_share is not None:
        clauses.append(
            _("这些企业占%(whole)s企业的%(share)s") % {"whole": whole, "share": share_text(enterprise_share)}
        )
    if applications_share is not None:
        clauses.append(
            _("%(year)s年公开的专利申请占%(whole)s的%(share)s")
            % {"year": year, "whole": whole, "share": share_text(applications_share)}
        )
    if not clauses:
        return ""
    return sentence(*clauses)


def finding_portrait(*, name, applications, invention_share, citations, pct, sme, champion) -> str:
    """``sme``, ``champion``: the reference applications per firm of 专精特新中小企业 and 单项冠军 (or None)."""
    first = sentence(
        _("%(name)s平均每家“小巨人”申请专利%(a)s件，发明专利占比%(s)s，专利被引%(c)s次，PCT申请%(p)s件")
        % {
            "name": name,
            "a": fmt.metric("applications_per_enterprise", applications),
            "s": fmt.percent(invention_share),
            "c": fmt.metric("citations_per_enterprise", citations),
            "p": fmt.metric("pct_per_enterprise", pct),
        }
    )
    relations = [
        relation(applications, sme, name=_("专精特新中小企业"), fraction=False),
        relation(applications, champion, name=_("制造业单项冠军"), fraction=False),
    ]
    if not any(relations):
        return first
    return first + sentence(_("专利申请量%(relations)s") % {"relations": join(relations)})


def finding_places(*, names: list[str], total, share, whole: str, second: str = "") -> str:
    return sentence(
        _("企业最多的是%(names)s，合计%(n)s家，占%(whole)s的%(share)s")
        % {"names": join(names), "n": fmt.number(total), "whole": whole, "share": fmt.percent(share)}
    ) + (sentence(second) if second else "")


def finding_advice(*, weakest: list[str], yardstick: str) -> str:
    """``weakest``: "PCT专利总量（0.50，约为全国平均的30.3%）" items, weakest first."""
    if not weakest:
        return sentence(
            _("各项指标均不低于%(yardstick)s，“科创成长建议”一章提出保持优势的建议") % {"yardstick": yardstick}
        )
    return sentence(
        _("与%(yardstick)s相比，最需补强的是%(items)s") % {"yardstick": yardstick, "items": join(weakest)},
        _("“科创成长建议”一章据此为企业和政府提出建议"),
    )


def weak_item(*, label: str, value: str, relation: str) -> str:
    return _("%(label)s（%(value)s，%(relation)s）") % {"label": label, "value": value, "relation": relation}


def share_text(share) -> str:
    """A share of a whole as the report says it: "万分之2.3" below 0.1%, else "0.45%" or "4.5%"."""
    if share is None:
        return fmt.MISSING
    if share < 0.000_01:
        return _("不足万分之0.1")
    if share < 0.001:
        return _("万分之%(k)s") % {"k": fmt.number(share * 10_000, 1)}
    return fmt.percent(share, 2 if share < 0.01 else 1)
