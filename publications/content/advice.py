"""Chapter 04 of the 2023 report, 科创成长建议: the original's fixed recommendations for enterprises and for
government, each tied to the scope's own weakest indicators.

A region is weak on an indicator when it is below the national value; the nation, which cannot be set
against itself, against the reference figures of 科创板 firms. The weakest (furthest below, as a ratio)
come first and are named with their numbers, which the original could not do per region.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from portal import formatting as fmt
from portal.indicators import PANEL
from reports.choices import Scope

from .. import narrative as tell
from .. import sentences as say
from ..choices import ReferenceGroup
from .structure import Chapter, Report, Section

LABELS = {i.key: i.label for d in PANEL for i in d.indicators} | {
    "valid_inventions_per_enterprise": gettext_lazy("有效发明专利"),
    "invention_density": gettext_lazy("发明专利密度"),
}
UNITS = {i.key: i.unit for d in PANEL for i in d.indicators} | {
    "valid_inventions_per_enterprise": gettext_lazy("件/家"),
    "invention_density": gettext_lazy("件/千人"),
}
FRACTIONS = {"invention_share", "invention_grant_rate", "growth_cagr"}
# The national report's comparison: the measures the 科创板 reference holds.
STAR_KEYS = (
    "applications_per_enterprise",
    "valid_inventions_per_enterprise",
    "invention_share",
    "invention_grant_rate",
    "invention_density",
)


@dataclass(frozen=True)
class Weakness:
    key: str
    value: float
    reference: float
    reference_name: str

    @property
    def ratio(self) -> float:
        return self.value / self.reference if self.reference else 1.0

    @property
    def label(self) -> str:
        """The indicator's name as a sentence uses it: lower case in English mid-sentence, not an acronym."""
        label = str(LABELS[self.key])
        return label if label[:2].isupper() or not label[:1].isupper() else label[0].lower() + label[1:]

    @property
    def relation(self) -> str:
        return tell.relation(self.value, self.reference, name=self.reference_name, fraction=self.key in FRACTIONS)

    @property
    def value_text(self) -> str:
        unit, value = str(UNITS.get(self.key) or ""), fmt.metric(self.key, self.value)
        return _("%(value)s%(unit)s") % {"value": value, "unit": unit} if unit else value

    def item(self) -> str:
        return tell.weak_item(label=self.label, value=self.value_text, relation=self.relation)

    def clause(self, name: str) -> str:
        return _("%(name)s的%(label)s为%(value)s，%(relation)s") % {
            "name": name,
            "label": self.label,
            "value": self.value_text,
            "relation": self.relation,
        }


def yardstick(report: Report) -> str:
    return str(ReferenceGroup.STAR.label) if report.scope == Scope.NATIONAL else pgettext("yardstick", "全国平均")


def weakest(report: Report, limit: int = 3) -> list[Weakness]:
    """The indicators on which the scope falls furthest below its yardstick, weakest first."""
    name = yardstick(report)
    if report.scope == Scope.NATIONAL:
        pairs = [(k, report.references.get(("star", k))) for k in STAR_KEYS]
        candidates = [(k, ref.value) for k, ref in pairs if ref is not None]
    else:
        candidates = [(k, report.national.get(k)) for k in LABELS]
    weak = []
    for key, reference in candidates:
        value = report.metrics.get(key)
        if value is None or reference is None:
            continue
        comparison = say.compare(value, reference, fraction=key in FRACTIONS)
        if comparison is not None and comparison.direction == say.LOWER:
            weak.append(Weakness(key, value, reference, name))
    weak.sort(key=lambda w: (w.value - w.reference) if w.key in FRACTIONS else w.ratio - 1)
    return weak[:limit]


# (title, fixed text, the indicators it answers)
ENTERPRISE_ADVICE = (
    (
        gettext_lazy("从数百件走向数千件：扩大技术体量"),
        gettext_lazy("持续加大研发投入，围绕主营产品系统布局专利，推动专利申请从数百件向数千件跨越"),
        ("applications_per_enterprise", "growth_cagr"),
    ),
    (
        gettext_lazy("系统保护创新成果：提升技术质量"),
        gettext_lazy("以发明专利保护核心技术，提高申请质量和授权率，形成围绕关键产品的专利组合"),
        ("invention_share", "invention_grant_rate", "valid_inventions_per_enterprise", "invention_density"),
    ),
    (
        gettext_lazy("提前规划海外布局：走向全球"),
        gettext_lazy("在产品出海之前通过PCT等途径提前布局目标市场的专利，降低海外市场的知识产权风险"),
        ("pct_per_enterprise", "overseas_markets_per_enterprise"),
    ),
    (
        gettext_lazy("让专利成为资产：许可、转让与质押融资"),
        gettext_lazy("通过许可、转让和质押融资等方式运营专利，使技术影响力转化为收入和融资能力"),
        ("citations_per_enterprise", "licenses_per_enterprise"),
    ),
)
GOVERNMENT_ADVICE = (
    (
        gettext_lazy("建设研发赋能平台"),
        gettext_lazy("建设共性技术和研发服务平台，为中小企业提供检测、试验和专利信息服务，降低研发成本"),
        ("applications_per_enterprise", "growth_cagr", "valid_inventions_per_enterprise", "invention_density"),
    ),
    (
        gettext_lazy("完善知识产权保护服务"),
        gettext_lazy("提供专利预审、快速维权和海外维权援助，帮助企业提高专利质量、布局海外市场"),
        ("invention_share", "invention_grant_rate", "pct_per_enterprise", "overseas_markets_per_enterprise"),
    ),
    (
        gettext_lazy("健全知识产权评估与交易基础设施"),
        gettext_lazy("完善专利价值评估、交易和质押融资服务，让企业的专利能够定价、流转和融资"),
        ("citations_per_enterprise", "licenses_per_enterprise"),
    ),
)


def advice_chapter(report: Report) -> Chapter:
    chapter = Chapter("advice", _("科创成长建议"))
    weak = weakest(report, limit=len(LABELS))
    name = report.name if report.scope != Scope.NATIONAL else _("全部小巨人")
    if weak:
        chapter.paragraphs.append(
            say.sentence(
                _("以下建议按%(name)s与%(yardstick)s相比最弱的指标排序")
                % {"name": name, "yardstick": weak[0].reference_name},
                _("最需补强的是%(items)s") % {"items": say.join([w.label for w in weak[:3]])},
            )
        )
    chapter.sections.append(Section(_("对企业的建议"), items=_advice_items(ENTERPRISE_ADVICE, weak, name)))
    chapter.sections.append(Section(_("对政府的建议"), items=_advice_items(GOVERNMENT_ADVICE, weak, name)))
    return chapter


def _advice_items(advice, weak: list[Weakness], name: str) -> list[tuple[str, str]]:
    """Each recommendation's fixed text, with the weak indicators it answers; those answering the weakest first."""
    rank = {w.key: i for i, w in enumerate(weak)}
    items = []
    for title, text, keys in advice:
        tied = sorted((w for w in weak if w.key in keys), key=lambda w: rank[w.key])
        order = rank[tied[0].key] if tied else len(rank)
        lead = say.sentence(str(title))
        evidence = "".join(say.sentence(w.clause(name)) for w in tied)
        items.append((order, lead, say.sentence(str(text)) + evidence))
    items.sort(key=lambda item: item[0])
    return [(lead, text) for _order, lead, text in items]
