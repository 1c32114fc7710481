"""The report's sentences, written from the numbers (both languages: Chinese msgids, English catalogue).

Every sentence is a template filled with stored indicators. The words that judge a number ("高于",
"低于", "持平", "增长", "下降") are chosen here from the numbers *as printed*: the difference is rounded
the way the sentence prints it, and only a printed difference that is not zero is called higher or
lower. So a sentence never says "高于全国平均0.0%", and never says "高于" of a value that is lower.

Shares and rates (fractions such as 0.454) are compared in percentage points; per-enterprise quantities
by their relative difference ("高于全国平均12.3%"), except that a value at least twice its reference (or
at most half of it) reads as a multiple or a fraction of it: "约为全国平均的3.9倍", not "高于全国平均293.4%".
"""

from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from portal import formatting as fmt

HIGHER, LOWER, EQUAL = "higher", "lower", "equal"
FAR = 2.0  # a ratio at least this far from 1 (or at most its inverse) reads as a multiple


@dataclass(frozen=True)
class Comparison:
    """How a value stands against a reference: direction and the printed size of the difference."""

    direction: str  # HIGHER, LOWER or EQUAL
    difference: str  # "12.3%" or "3.2个百分点" (always positive), "" when EQUAL
    ratio: float | None = None  # value / reference when it is FAR from 1 (relative comparisons only)

    @property
    def is_equal(self) -> bool:
        return self.direction == EQUAL


def compare(value, reference, *, fraction: bool) -> Comparison | None:
    """Compare ``value`` with ``reference``; None when either is missing (or a relative one has no base).

    ``fraction``: both are shares/rates, compared in percentage points; otherwise the relative difference
    ``value / reference - 1``. The printed difference has one decimal; a difference that prints as 0.0 is
    EQUAL.
    """
    if value is None or reference is None:
        return None
    if fraction:
        points = round((value - reference) * 100, 1)
        size = _("%(n)s个百分点") % {"n": f"{abs(points):.1f}"}
        delta = points
    else:
        if reference == 0:
            if value == 0:
                return Comparison(EQUAL, "")
            return None
        delta = round((value / reference - 1) * 100, 1)
        size = f"{abs(delta):.1f}%"
    if delta == 0:
        return Comparison(EQUAL, "")
    far = None
    if not fraction and reference > 0 and value > 0 and not 1 / FAR < value / reference < FAR:
        far = value / reference
    return Comparison(HIGHER if delta > 0 else LOWER, size, far)


def far_from(comparison: Comparison, name: str) -> str:
    """ "约为全国平均的3.9倍" / "约为全国平均的30.3%" when the comparison's ratio is FAR from 1, else ""."""
    if comparison.ratio is None:
        return ""
    if comparison.ratio >= FAR:
        return _("约为%(name)s的%(k)s倍") % {"name": name, "k": fmt.number(comparison.ratio, 1)}
    return _("约为%(name)s的%(share)s") % {"name": name, "share": fmt.percent(comparison.ratio)}


def versus_national(comparison: Comparison | None) -> str:
    """ ", 高于全国平均12.3%" style clause (without leading punctuation); "" when nothing can be said."""
    if comparison is None:
        return ""
    if comparison.ratio is not None:
        return far_from(comparison, pgettext("yardstick", "全国平均"))
    if comparison.direction == HIGHER:
        return _("高于全国平均%(diff)s") % {"diff": comparison.difference}
    if comparison.direction == LOWER:
        return _("低于全国平均%(diff)s") % {"diff": comparison.difference}
    return _("与全国平均持平")


def join(parts: list[str]) -> str:
    """Items joined as the language writes them: "甲、乙、丙" in Chinese, "a, b and c" in English."""
    parts = [p for p in parts if p]
    if len(parts) < 2:
        return "".join(parts)
    return _("、").join(parts[:-1]) + pgettext("last of a list", "、") + parts[-1]


def mid(label: str) -> str:
    """A name as it reads inside an English sentence: "New materials" → "new materials" ("PCT", "A-share"
    and other words whose second letter is a capital keep theirs). Chinese is unchanged."""
    label = str(label)
    if len(label) > 1 and label[0].isupper() and not label[1].isupper() and label[1] != "-":
        return label[0].lower() + label[1:]
    return label


def sentence(*clauses: str) -> str:
    """Clauses of one sentence: "，" between them and "。" at the end (", " and "." in English). An English
    sentence starts with a capital even when its first clause starts with a name written lower case."""
    clauses = [c for c in clauses if c]
    if not clauses:
        return ""
    return capfirst(_("，").join(clauses) + _("。"))


# --- Headline --------------------------------------------------------------------------------------


def headline_national(*, as_of, n, applications_total, per_enterprise, valid_per_enterprise) -> str:
    return sentence(
        _("截至%(date)s，全国共有%(n)s家专精特新“小巨人”企业纳入统计") % {"date": fmt.date(as_of), "n": fmt.number(n)},
        _("累计申请专利%(total)s") % {"total": fmt.wan(applications_total)},
        _("平均每家申请专利%(m)s件、拥有有效发明专利%(v)s件")
        % {
            "m": fmt.metric("applications_per_enterprise", per_enterprise),
            "v": fmt.metric("valid_inventions_per_enterprise", valid_per_enterprise),
        },
    )


def headline_region(
    *, as_of, name, n, national_n, rank, peers, peer_kind, per_enterprise, national_per_enterprise
) -> str:
    """截至2023年7月31日，浙江省共有N家专精特新“小巨人”企业，占全国的X%，居全国第K位；平均每家申请专利M件，
    高于全国平均Y%。"""
    share = n / national_n if national_n else None
    first = sentence(
        _("截至%(date)s，%(name)s共有%(n)s家专精特新“小巨人”企业")
        % {"date": fmt.date(as_of), "name": name, "n": fmt.number(n)},
        _("占全国的%(share)s") % {"share": fmt.percent(share)} if share is not None else "",
        _("在全国%(peers)s个有企业的%(kind)s中居第%(rank)s位") % {"peers": peers, "kind": peer_kind, "rank": rank}
        if rank
        else "",
    )
    second = sentence(
        _("平均每家申请专利%(m)s件") % {"m": fmt.metric("applications_per_enterprise", per_enterprise)},
        versus_national(compare(per_enterprise, national_per_enterprise, fraction=False)),
    )
    return first + second


# --- Indicators ---------------------------------------------------------------------------------


def indicator_value(*, label: str, key: str, value, unit: str) -> str:
    """ "发明专利占比45.4%" / "专利申请总量114.8件/家"."""
    text = fmt.metric(key, value)
    if value is not None and unit:
        return _("%(label)s%(value)s%(unit)s") % {"label": label, "value": text, "unit": unit}
    return _("%(label)s%(value)s") % {"label": label, "value": text, "unit": ""}


def indicator_sentence(*, label: str, key: str, value, unit: str, national, fraction: bool, rank=None, peers=None):
    """One indicator against the nation and, when given, its rank among the region's peers."""
    clauses = [indicator_value(label=label, key=key, value=value, unit=unit)]
    clauses.append(versus_national(compare(value, national, fraction=fraction)))
    if rank and peers:
        clauses.append(_("居同级第%(rank)s位（共%(peers)s个）") % {"rank": rank, "peers": peers})
    return sentence(*clauses)


# --- Growth ---------------------------------------------------------------------------------------


def growth_sentence(*, first_year: int, last_year: int, first: int, last: int, cagr, pct_cagr=None) -> str:
    """ "2020年至2022年，专利申请量从X件增至Y件，年均增长15.6%。" (降至 / 下降 when it fell)."""
    if cagr is None:
        return sentence(
            _("%(y0)s年没有专利申请，无法计算%(y0)s年至%(y1)s年的年均增速") % {"y0": first_year, "y1": last_year}
        )
    points = round(cagr * 100, 1)
    values = {"y0": first_year, "y1": last_year, "a0": fmt.number(first), "a1": fmt.number(last)}
    if points > 0:
        main = _("%(y0)s年至%(y1)s年，专利申请量从%(a0)s件增至%(a1)s件，年均增长%(g)s") % {
            **values,
            "g": fmt.percent(abs(cagr)),
        }
    elif points < 0:
        main = _("%(y0)s年至%(y1)s年，专利申请量从%(a0)s件降至%(a1)s件，年均下降%(g)s") % {
            **values,
            "g": fmt.percent(abs(cagr)),
        }
    else:
        main = _("%(y0)s年至%(y1)s年，专利申请量基本持平（%(a0)s件、%(a1)s件）") % values
    pct = ""
    if pct_cagr is not None:
        pct_points = round(pct_cagr * 100, 1)
        if pct_points > 0:
            pct = _("PCT申请年均增长%(g)s") % {"g": fmt.percent(abs(pct_cagr))}
        elif pct_points < 0:
            pct = _("PCT申请年均下降%(g)s") % {"g": fmt.percent(abs(pct_cagr))}
        else:
            pct = _("PCT申请基本持平")
    return sentence(main, pct)


# --- Population, places, industries, capital, globalisation ---------------------------------------


def population_national(*, announced, not_counted, n, batches: int) -> str:
    return sentence(
        _("第1至%(k)s批共公示%(announced)s家企业") % {"k": batches, "announced": fmt.number(announced)},
        _("其中%(x)s家未通过复核、被撤销或在统计日期尚未认定") % {"x": fmt.number(not_counted)} if not_counted else "",
        _("纳入本报告统计的有%(n)s家") % {"n": fmt.number(n)},
    )


def largest_batch(*, name, batch_label, count, share) -> str:
    return sentence(
        _("%(name)s的企业中，%(batch)s最多，有%(n)s家，占%(share)s")
        % {"name": name, "batch": batch_label, "n": fmt.number(count), "share": fmt.percent(share)}
    )


def top_places(*, names: list[str], total, share, whole: str, cities: bool = False) -> str:
    """ "企业数量居前三位的是江苏、广东、浙江，合计X家，占全国的Y%。" (whole: 全国 / 全省 / 城市群);
    ``cities``: the places are cities, "城市中企业数量居前三位的是…"."""
    names_text = {"k": len(names), "names": join(names)}
    return sentence(
        (_("城市中企业数量居前%(k)s位的是%(names)s") if cities else _("企业数量居前%(k)s位的是%(names)s")) % names_text,
        _("合计%(n)s家，占%(whole)s的%(share)s")
        % {"n": fmt.number(total), "whole": whole, "share": fmt.percent(share)},
    )


def largest_member(*, name, member, count, share, members, cities: bool) -> str:
    values = {"name": name, "k": members, "member": member, "n": fmt.number(count), "share": fmt.percent(share)}
    if cities:
        return sentence(_("%(name)s的企业分布在%(k)s个城市，其中%(member)s最多，有%(n)s家，占%(share)s") % values)
    return sentence(_("%(name)s的%(k)s个成员中，%(member)s企业最多，有%(n)s家，占%(share)s") % values)


def city_within_province(*, name, province, share, rank, cities) -> str:
    return sentence(
        _("%(name)s的企业占%(province)s的%(share)s，在全省%(k)s个有企业的城市中居第%(rank)s位")
        % {"name": name, "province": province, "share": fmt.percent(share), "k": cities, "rank": rank}
    )


def industries(*, top_count_label, top_count, top_count_share, top_apps_label, top_apps) -> str:
    """The field with the most enterprises and the one with the most applications ("也是" when it is the same)."""
    clauses = []
    if top_count_label:
        clauses.append(
            _("企业数量最多的产业领域是%(ind)s，共%(n)s家，占%(share)s")
            % {"ind": mid(top_count_label), "n": fmt.number(top_count), "share": fmt.percent(top_count_share)}
        )
    if top_apps_label:
        values = {"ind": mid(top_apps_label), "n": fmt.number(top_apps)}
        if top_apps_label == top_count_label:
            clauses.append(_("专利申请最多的也是%(ind)s，累计%(n)s件") % values)
        else:
            clauses.append(_("专利申请最多的是%(ind)s，累计%(n)s件") % values)
    return sentence(*clauses)


def capital(
    *,
    listed,
    listed_share,
    a_share: list[tuple[str, int]],
    abroad: list[tuple[str, int]],
    quoted,
    financed,
    financed_share,
) -> str:
    """Listed or quoted: the A-share boards (沪深主板, 创业板, 科创板, 北交所) with their breakdown, the
    exchanges abroad (港股 …), and 新三板 apart: it quotes shares, it does not list them."""

    def parts(boards):
        return join([_("%(board)s%(n)s家") % {"board": label, "n": fmt.number(n)} for label, n in boards if n])

    a_total = sum(n for _label, n in a_share)
    abroad_total = sum(n for _label, n in abroad)
    first = (
        sentence(
            _("共有%(n)s家企业上市或挂牌，占%(share)s") % {"n": fmt.number(listed), "share": fmt.percent(listed_share)},
            _("其中A股上市%(n)s家（%(parts)s）") % {"n": fmt.number(a_total), "parts": parts(a_share)}
            if a_total
            else "",
            _("境外上市%(n)s家（%(parts)s）") % {"n": fmt.number(abroad_total), "parts": parts(abroad)}
            if abroad_total
            else "",
            _("新三板挂牌%(n)s家") % {"n": fmt.number(quoted)} if quoted else "",
        )
        if listed
        else sentence(_("没有企业上市或挂牌"))
    )
    return first + sentence(
        _("获得一级市场融资的企业%(n)s家，占%(share)s")
        % {"n": fmt.number(financed), "share": fmt.percent(financed_share)}
    )


def globalisation(*, n, pct_firms, pct_hundred, pct_per_enterprise, pct_share, overseas_firms, overseas_per_enterprise):
    return sentence(
        _("%(x)s家企业（占%(share)s）有PCT专利申请")
        % {"x": fmt.number(pct_firms), "share": fmt.percent(pct_firms / n)},
        _("其中%(x)s家在100件以上") % {"x": fmt.number(pct_hundred)} if pct_hundred else "",
        _("平均每家PCT专利%(v)s件，占专利申请的%(share)s")
        % {"v": fmt.metric("pct_per_enterprise", pct_per_enterprise), "share": fmt.percent(pct_share)},
    ) + sentence(
        _("%(x)s家企业（占%(share)s）在中国以外至少一个市场布局专利")
        % {"x": fmt.number(overseas_firms), "share": fmt.percent(overseas_firms / n)},
        _("平均每家布局海外市场%(v)s个")
        % {"v": fmt.metric("overseas_markets_per_enterprise", overseas_per_enterprise)},
    )


def representatives(*, name, names: list[str]) -> str:
    if not names:
        return ""
    return sentence(_("按八项指标的综合得分，%(name)s排名前列的企业是%(names)s") % {"name": name, "names": join(names)})


def city_profile(*, name, n, applications_total, per_enterprise, cagr) -> str:
    return sentence(
        _("%(name)s共有%(n)s家专精特新“小巨人”企业") % {"name": name, "n": fmt.number(n)},
        _("总计%(total)s专利申请") % {"total": fmt.wan(applications_total)},
        _("平均每家%(m)s件") % {"m": fmt.metric("applications_per_enterprise", per_enterprise)},
        _("近三年年均申请增速%(g)s") % {"g": fmt.percent(cagr)} if cagr is not None else "",
    )


# Full-width punctuation of Chinese text that reaches an English page (an enterprise's name, a source's
# title): English typography has the half-width marks.
_HALF_WIDTH = str.maketrans({"（": " (", "）": ")", "，": ", ", "：": ": ", "；": "; ", "、": ", ", "。": ". "})


def latin(text) -> str:
    """``text`` with half-width punctuation in an English report ("精宇工业技术(苏州)股份有限公司"); in
    Chinese unchanged."""
    text = str(text)
    if not (get_language() or "").startswith("en"):
        return text
    text = text.translate(_HALF_WIDTH)
    text = text.replace("  ", " ").replace("( ", "(").replace(" )", ")").replace(" .", ".")
    return text.strip() if text[:1] == " " or text[-1:] == " " else text
