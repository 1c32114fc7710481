"""Numbers as the report prints them, in both languages."""

import datetime

from django.utils import translation

from portal import formatting


def test_large_totals_read_like_the_report_headline():
    with translation.override("zh-hans"):
        assert formatting.wan(95_432) == "9.54万余件"
        assert formatting.wan(1_400_000) == "140万余件"
        assert formatting.wan(8_765) == "8,765件"
    with translation.override("en"):
        assert formatting.wan(95_432) == "95,400+"


def test_shares_are_percentages_with_one_decimal_and_missing_values_a_dash():
    assert formatting.percent(0.454) == "45.4%"
    assert formatting.percent(None) == "—"
    assert formatting.metric("citations_per_enterprise", 234.0833) == "234.08"
    assert formatting.metric("invention_share", 0.4537) == "45.4%"
    assert formatting.metric("applications_per_enterprise", None) == "—"


def test_changes_are_signed_and_never_minus_zero():
    with translation.override("zh-hans"):
        assert formatting.metric_change("invention_share", 0.012) == "+1.2个百分点"
        assert formatting.metric_change("invention_share", -0.00001) == "±0.0个百分点"
    assert formatting.metric_change("citations_per_enterprise", -3.456) == "-3.46"


def test_every_number_says_as_of_when():
    day = datetime.date(2023, 7, 31)
    with translation.override("zh-hans"):
        assert formatting.as_of(day) == "截至2023年7月31日"
        assert formatting.count(1477, "家") == "1,477家"
    with translation.override("en"):
        assert formatting.as_of(day) == "as of 31 July 2023"
        assert formatting.count(1477, "家") == "1,477 enterprises"
        assert formatting.count(1, "家") == "1 enterprise"
