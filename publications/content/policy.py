"""Chapter 01's policy pages (sections 1.1-1.3 of the 2023 report): the programme's history, the cultivation
ladder and the key fields. Fixed text, the same for every scope, each statement sourced from the MIIT and
State Council documents named in the chapter's notes."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.choices import IndustryField

from .structure import Chapter, Section


def _history() -> Section:
    return Section(
        title=_("1.1 政策历程"),
        items=[
            (
                _("2011年："),
                _("工业和信息化部《“十二五”中小企业成长规划》把坚持“专精特新”列为促进中小企业成长的基本原则之一。"),
            ),
            (
                _("2013年："),
                _(
                    "工业和信息化部《关于促进中小企业“专精特新”发展的指导意见》明确了专业化、精细化、特色化、新颖化的含义和支持措施。"
                ),
            ),
            (
                _("2018年："),
                _(
                    "工业和信息化部办公厅《关于开展专精特新“小巨人”企业培育工作的通知》启动“小巨人”企业培育，2019年公布第一批名单。"
                ),
            ),
            (
                _("2021年："),
                _(
                    "《“十四五”促进中小企业发展规划》提出培育一百万家创新型中小企业、十万家“专精特新”中小企业、一万家专精特新“小巨人”企业。"
                ),
            ),
            (
                _("2022年："),
                _(
                    "《优质中小企业梯度培育管理暂行办法》统一了创新型中小企业、专精特新中小企业和专精特新“小巨人”企业的认定标准与程序。"
                ),
            ),
        ],
    )


def _ladder() -> Section:
    return Section(
        title=_("1.2 培育梯度体系"),
        paragraphs=[_("优质中小企业逐级培育，每一级是下一级的基础：")],
        items=[
            (_("创新型中小企业："), _("具有较高专业化水平和较强创新能力的中小企业，是梯度培育的基础。")),
            (
                _("专精特新中小企业："),
                _("实现专业化、精细化、特色化发展，创新能力强、质量效益好，由省级中小企业主管部门认定。"),
            ),
            (
                _("专精特新“小巨人”企业："),
                _("专精特新中小企业中的佼佼者，专注细分市场、创新能力强、市场占有率高，由工业和信息化部认定。"),
            ),
            (
                _("制造业单项冠军："),
                _("长期专注制造业特定细分产品市场、生产技术或工艺国际领先、单项产品市场占有率位居全球前列的企业。"),
            ),
        ],
    )


def _fields() -> Section:
    fields = [str(f.label) for f in IndustryField if f != IndustryField.OTHER]
    return Section(
        title=_("1.3 重点领域"),
        paragraphs=[
            _("“小巨人”企业的认定优先考虑两类领域：一是制造强国战略明确的十大重点产业领域：%(fields)s；")
            % {"fields": _("、").join(fields)},
            _("二是补齐产业基础短板的“工业四基”：核心基础零部件（元器件）、关键基础材料、先进基础工艺和产业技术基础。"),
        ],
    )


SOURCES = (
    gettext_lazy("工业和信息化部《“十二五”中小企业成长规划》（2011年9月）"),
    gettext_lazy("工业和信息化部《关于促进中小企业“专精特新”发展的指导意见》（工信部企业〔2013〕264号）"),
    gettext_lazy("国务院《中国制造2025》（国发〔2015〕28号）"),
    gettext_lazy("工业和信息化部《制造业单项冠军企业培育提升专项行动实施方案》（工信部产业〔2016〕105号）"),
    gettext_lazy("工业和信息化部办公厅《关于开展专精特新“小巨人”企业培育工作的通知》（工信厅企业函〔2018〕381号）"),
    gettext_lazy("工业和信息化部等十九部门《“十四五”促进中小企业发展规划》（2021年12月）"),
    gettext_lazy("工业和信息化部《优质中小企业梯度培育管理暂行办法》（2022年6月）"),
)


def policy_chapter() -> Chapter:
    """The fixed, sourced policy pages; the same for every region and snapshot."""
    chapter = Chapter("policy", _("政策背景与培育体系"))
    chapter.sections = [_history(), _ladder(), _fields()]
    chapter.notes.append(_("政策文件来源："))
    chapter.notes += [str(source) for source in SOURCES]
    return chapter
