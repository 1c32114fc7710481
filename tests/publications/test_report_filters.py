"""The report templates' filters: a cover title's end that never wraps alone, half-width punctuation of
Chinese data in an English report."""

from django.utils import translation

from publications.templatetags.report import latin, unbroken_end


def test_a_cover_title_keeps_its_end_on_one_line():
    assert unbroken_end("江苏省专精特新“小巨人”企业科创力报告") == (
        '江苏省<span class="cover-title-end">专精特新“小巨人”企业科创力报告</span>'
    )
    assert unbroken_end("新疆维吾尔自治区企业科创力报告").endswith(
        '<span class="cover-title-end">企业科创力报告</span>'
    )
    assert unbroken_end("Innovation report on the Little Giant enterprises of China").endswith(
        'enterprises <span class="cover-title-end">of China</span>'
    )
    assert "&lt;b&gt;" in unbroken_end("<b>专精特新企业科创力报告")  # escaped


def test_chinese_data_in_an_english_report_has_half_width_punctuation():
    name = "精宇工业技术（苏州）股份有限公司"
    source = "国家统计局《2022年统计公报》：年末城镇就业人员45931万人，来源（网站）。"
    with translation.override("en"):
        assert latin(name) == "精宇工业技术 (苏州)股份有限公司"
        assert not set("（）：，。") & set(latin(source))
    with translation.override("zh-hans"):
        assert latin(name) == name and latin(source) == source
