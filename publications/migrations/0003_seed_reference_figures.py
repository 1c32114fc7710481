"""The reference figures of report-outline.md ("Reference values for groups the portal does not hold"),
each with the source the outline names. National administrators replace them in the admin by adding a
row with a newer date; this migration only seeds the first rows."""

import datetime
from decimal import Decimal

from django.db import migrations

REPORT = "智慧芽《2023年专精特新“小巨人”企业科创力报告》（数据截至2023年7月31日）"
REPORT_DATE = datetime.date(2023, 7, 31)
DERIVED_DENSITY = REPORT + "；由报告所述倍数折算（小巨人约为科创板的1.1倍、北交所的近3倍，小巨人约80件/千人）"
SME_DERIVED = REPORT + "；小巨人约为其2.1倍（115÷2.1）"
CHAMPION_DERIVED = REPORT + "；约为小巨人的9.6倍（9.6×115）"
YEAR_END_2022 = datetime.date(2022, 12, 31)

# (group, measure, value, unit, source, as_of)
FIGURES = [
    ("star", "applications_per_enterprise", "396", "件/家", REPORT, REPORT_DATE),
    ("star", "valid_inventions_per_enterprise", "109", "件/家", REPORT, REPORT_DATE),
    ("star", "invention_share", "0.658", "", REPORT, REPORT_DATE),
    ("star", "invention_grant_rate", "0.434", "", REPORT, REPORT_DATE),
    ("star", "invention_density", "73", "件/千人", DERIVED_DENSITY, REPORT_DATE),
    ("star", "listed_enterprises", "550", "家", REPORT, REPORT_DATE),
    ("star", "industry_share_new_materials", "0.107", "", REPORT, REPORT_DATE),
    ("star", "industry_share_next_gen_it", "0.405", "", REPORT, REPORT_DATE),
    ("star", "industry_share_high_end_equipment", "0.147", "", REPORT, REPORT_DATE),
    ("star", "industry_share_nev", "0.064", "", REPORT, REPORT_DATE),
    ("star", "industry_share_biomedicine", "0.196", "", REPORT, REPORT_DATE),
    ("star", "industry_share_other", "0.080", "", REPORT, REPORT_DATE),
    ("bse", "applications_per_enterprise", "115", "件/家", REPORT, REPORT_DATE),
    ("bse", "valid_inventions_per_enterprise", "16", "件/家", REPORT, REPORT_DATE),
    ("bse", "invention_share", "0.374", "", REPORT, REPORT_DATE),
    ("bse", "invention_grant_rate", "0.390", "", REPORT, REPORT_DATE),
    ("bse", "invention_density", "27", "件/千人", DERIVED_DENSITY, REPORT_DATE),
    ("bse", "listed_enterprises", "210", "家", REPORT, REPORT_DATE),
    ("bse", "industry_share_new_materials", "0.157", "", REPORT, REPORT_DATE),
    ("bse", "industry_share_next_gen_it", "0.238", "", REPORT, REPORT_DATE),
    ("bse", "industry_share_high_end_equipment", "0.195", "", REPORT, REPORT_DATE),
    ("bse", "industry_share_nev", "0.043", "", REPORT, REPORT_DATE),
    ("bse", "industry_share_biomedicine", "0.090", "", REPORT, REPORT_DATE),
    ("bse", "industry_share_other", "0.276", "", REPORT, REPORT_DATE),
    ("main", "listed_enterprises", "3182", "家", REPORT, REPORT_DATE),
    ("chinext", "listed_enterprises", "1296", "家", REPORT, REPORT_DATE),
    ("sme", "applications_per_enterprise", "54.8", "件/家", SME_DERIVED, REPORT_DATE),
    ("sme", "invention_share", "0.36", "", REPORT, REPORT_DATE),
    ("sme", "citations_per_enterprise", "89", "次/家", REPORT, REPORT_DATE),
    ("sme", "pct_per_enterprise", "0.54", "件/家", REPORT, REPORT_DATE),
    ("champion", "applications_per_enterprise", "1104", "件/家", CHAMPION_DERIVED, REPORT_DATE),
    ("champion", "invention_share", "0.45", "", REPORT, REPORT_DATE),
    ("champion", "citations_per_enterprise", "2894", "次/家", REPORT, REPORT_DATE),
    ("champion", "pct_per_enterprise", "59", "件/家", REPORT, REPORT_DATE),
    (
        "nation",
        "enterprises",
        "52826000",
        "家",
        "国家市场监督管理总局：截至2022年底全国登记在册企业5282.6万户",
        YEAR_END_2022,
    ),
    (
        "nation",
        "employees",
        "459310000",
        "人",
        "国家统计局《2022年国民经济和社会发展统计公报》：年末城镇就业人员45931万人",
        YEAR_END_2022,
    ),
    (
        "nation",
        "applications_in_year",
        "5365000",
        "件",
        "国家知识产权局2022年统计：受理发明专利申请161.9万件、实用新型295.1万件、外观设计79.5万件",
        YEAR_END_2022,
    ),
    (
        "plan",
        "target_enterprises",
        "10000",
        "家",
        "《“十四五”促进中小企业发展规划》（工业和信息化部等十九部门，2021年12月）：培育一万家专精特新“小巨人”企业",
        datetime.date(2021, 12, 31),
    ),
]


def seed(apps, schema_editor):
    ReferenceFigure = apps.get_model("publications", "ReferenceFigure")
    ReferenceFigure.objects.bulk_create(
        [
            ReferenceFigure(group=g, measure=m, value=Decimal(v), unit=u, source=s, as_of=d)
            for g, m, v, u, s, d in FIGURES
        ],
        ignore_conflicts=True,
    )


def unseed(apps, schema_editor):
    ReferenceFigure = apps.get_model("publications", "ReferenceFigure")
    for g, m, _v, _u, _s, d in FIGURES:
        ReferenceFigure.objects.filter(group=g, measure=m, as_of=d).delete()


class Migration(migrations.Migration):
    dependencies = [("publications", "0002_reference_figure")]

    operations = [migrations.RunPython(seed, unseed)]
