"""The grouped charts' tables (publications/content/grouped.py): the chart's own data, row by row."""

from portal import formatting as fmt
from publications.content.grouped import data_table, grouped_chart
from publications.content.structure import Chapter

SERIES = [{"name": "2022年7月31日", "values": [0.5, None]}, {"name": "2023年7月31日", "values": [0.25, 0.125]}]


def test_a_row_per_category_and_a_column_per_series():
    columns, rows = data_table("PCT申请", ["无", "1件"], SERIES, fmt.percent, more={"变化": ["-25.0", "—"]})
    assert columns == ["PCT申请", "2022年7月31日", "2023年7月31日", "变化"]
    assert rows == [["无", "50.0%", "25.0%", "-25.0"], ["1件", "—", "12.5%", "—"]]


def test_full_labels_replace_an_abbreviated_axis():
    _columns, rows = data_table(
        "产业领域",
        ["新能源汽车", "生物医药"],
        SERIES,
        fmt.percent,
        labels=["节能与新能源汽车", "生物医药及高性能医疗器械"],
    )
    assert [row[0] for row in rows] == ["节能与新能源汽车", "生物医药及高性能医疗器械"]


def test_a_row_per_series_where_the_groups_are_the_series():
    columns, rows = data_table("分组", ["2021", "2022"], SERIES, lambda v: fmt.number(v, 2), per_series=True)
    assert columns == ["分组", "2021", "2022"]
    assert rows == [["2022年7月31日", "0.50", "—"], ["2023年7月31日", "0.25", "0.12"]]

    columns, rows = data_table(
        "分组", ["2021", "2022"], SERIES, fmt.percent, per_series=True, labels=["甲", "乙"], names=["2021年", "2022年"]
    )
    assert columns == ["分组", "2021年", "2022年"] and [row[0] for row in rows] == ["甲", "乙"]


def test_the_chart_is_appended_numbered_and_grouped():
    chapter = Chapter("capability", "科创能力分析")
    chart = grouped_chart(
        chapter,
        id="capability-quality",
        figure="2.6",
        title="发明专利占比",
        categories=["无", "1件"],
        series=SERIES,
        percent=True,
        table=data_table("分组", ["无", "1件"], SERIES, fmt.percent),
    )
    assert chapter.charts == [chart]
    assert (chart.kind, chart.title, chart.percent) == ("grouped", "图表2.6 发明专利占比", True)
    assert chart.rows[0] == ["无", "50.0%", "25.0%"]
