"""The English source of each reference figure, so that English reports cite their sources in English.

Only the rows 0003 seeded are filled, and only while their Chinese source is still the seeded text: a row
an administrator has since edited keeps what they wrote."""

from django.db import migrations, models

REPORT = "智慧芽《2023年专精特新“小巨人”企业科创力报告》（数据截至2023年7月31日）"
REPORT_EN = (
    'PatSnap, "2023 Report on the Innovation Capability of Specialised and Innovative Little Giant Enterprises" '
    "(data as of 31 July 2023)"
)

# Chinese source as 0003 seeded it -> its English.
ENGLISH = {
    REPORT: REPORT_EN,
    REPORT + "；由报告所述倍数折算（小巨人约为科创板的1.1倍、北交所的近3倍，小巨人约80件/千人）": REPORT_EN
    + "; converted from the multiples it states (Little Giants about 1.1 times STAR Market firms and nearly"
    " 3 times BSE firms, about 80 per thousand employees)",
    REPORT + "；小巨人约为其2.1倍（115÷2.1）": REPORT_EN + "; Little Giants about 2.1 times this figure (115 ÷ 2.1)",
    REPORT + "；约为小巨人的9.6倍（9.6×115）": REPORT_EN + "; about 9.6 times the Little Giants' figure (9.6 × 115)",
    "国家市场监督管理总局：截至2022年底全国登记在册企业5282.6万户": "State Administration for Market Regulation:"
    " 52.826 million enterprises registered at the end of 2022",
    "国家统计局《2022年国民经济和社会发展统计公报》：年末城镇就业人员45931万人": "National Bureau of Statistics,"
    ' "Statistical Communiqué of the People\'s Republic of China on the 2022 National Economic and Social'
    ' Development": 459.31 million urban employed persons at the end of the year',
    "国家知识产权局2022年统计：受理发明专利申请161.9万件、实用新型295.1万件、外观设计79.5万件": "China National"
    " Intellectual Property Administration, 2022 statistics: 1.619 million invention, 2.951 million utility"
    " model and 0.795 million design patent applications received",
    "《“十四五”促进中小企业发展规划》（工业和信息化部等十九部门，2021年12月）：培育一万家专精特新“小巨人”企业": '"The'
    ' 14th Five-Year Plan for Promoting the Development of SMEs" (MIIT and eighteen other departments,'
    " December 2021): to cultivate ten thousand specialised and innovative Little Giant enterprises",
}


def translate(apps, schema_editor):
    ReferenceFigure = apps.get_model("publications", "ReferenceFigure")
    for chinese, english in ENGLISH.items():
        ReferenceFigure.objects.filter(source=chinese, source_en="").update(source_en=english)


def untranslate(apps, schema_editor):
    """Nothing to undo: removing the column removes the English sources."""


class Migration(migrations.Migration):
    dependencies = [("publications", "0003_seed_reference_figures")]

    operations = [
        migrations.AddField(
            model_name="referencefigure",
            name="source_en",
            field=models.CharField(
                blank=True,
                help_text="英文报告引用的来源；留空则英文报告也用中文来源",
                max_length=300,
                verbose_name="来源（英文）",
            ),
        ),
        migrations.RunPython(translate, untranslate),
    ]
