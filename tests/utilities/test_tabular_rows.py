"""Table.rows(): plain rows take a short way (one strip per cell, one check per row); it must clean and
reject exactly as the cell-by-cell way it skips, verbatim columns and the apostrophe rule included."""

import io

import pytest

from utilities.tabular import FileRejected
from utilities.tabular import table as tabular_table
from utilities.tabular.cells import Column
from utilities.tabular.table import open_table

COLUMNS = [Column("name", "名称", verbatim=True), Column("code", "代码"), Column("note", "备注")]


def read(text: str, *, short_way: bool = True) -> tuple[list[tuple[int, dict]], list[tuple]]:
    """(rows, errors as (row, column, value, reason)) of a CSV file, by the short way or forced cell by cell."""
    table = open_table(io.BytesIO(text.encode("utf-8")), COLUMNS)
    rows, errors = [], []
    with pytest.MonkeyPatch.context() as patch:
        if not short_way:
            patch.setattr(tabular_table, "plain_cells", lambda width, verbatim: lambda raw: None)
        try:
            rows.extend(table.rows())
        except FileRejected as rejected:
            errors = [(e.row, e.column, e.value, e.reason) for e in rejected.report.errors]
    return rows, errors


def test_a_plain_row_is_trimmed_and_normalised_without_the_cell_by_cell_way(monkeypatch):
    def not_called(*args, **kwargs):
        raise AssertionError("a plain row took the cell-by-cell way")

    table = open_table(io.BytesIO("name,code,note\n 北京（测试）有限公司\u3000, ＡＢ１２ ,x\n".encode()), COLUMNS)
    monkeypatch.setattr(tabular_table, "clean_cell", not_called)
    # The verbatim name keeps its full-width brackets (only trimmed); the code is NFKC'd to half-width.
    assert list(table.rows()) == [(2, {"name": "北京（测试）有限公司", "code": "AB12", "note": "x"})]


# Cells that are not plain in some way, each in the verbatim column and in a normalised one.
TRICKY = [
    "'=SUM(A1)",  # neutralised by the exports: imported as =SUM(A1)
    " '+1 ",
    "'-x",
    "'@home",
    "''=x",  # two apostrophes: nothing to remove
    "'plain",  # an apostrophe before no formula prefix stays
    "=1+2",  # a formula: rejected
    "＝1+2",  # full-width: a formula once NFKC'd (not in a verbatim column)
    "-1",
    "- a",
    "+86 10",
    "@x",
    "<b>bold</b>",
    "＜script＞",
    "a < b",
    "tab\tinside",
    "tab\t=inside",
    "ctrl\x07char",
    "\u3000全角空格\u3000",
    "ｆｕｌｌ　ｗｉｄｔｈ",
    "（括号）",
    "",
    "trailing ",
    " leading",
    "nbsp\xa0",
    "\xa0nbsp",
    "tab at the end\t",
    "\ttab at the start",
    "ideographic\u3000space inside",
    "Ｔｅｓｔ＝formula inside",
    "a'b",
]


@pytest.mark.parametrize("cell", TRICKY)
@pytest.mark.parametrize("column", [0, 1])
def test_the_short_way_cleans_and_rejects_exactly_as_the_cell_by_cell_way(cell, column):
    cells = ["名称", "code1", "note"]
    cells[column] = cell
    quoted = ",".join('"' + value.replace('"', '""') + '"' for value in cells)
    text = f"name,code,note\n{quoted}\nplain,row,3\n,,\n"
    assert read(text) == read(text, short_way=False)


def test_the_apostrophe_of_a_neutralised_formula_is_removed_in_verbatim_and_other_columns():
    rows, errors = read("name,code,note\n'=HYPERLINK(x),'+1,'-2\n")
    assert errors == []
    assert rows == [(2, {"name": "=HYPERLINK(x)", "code": "+1", "note": "-2"})]


def test_a_formula_is_rejected_with_its_row_and_column():
    rows, errors = read("name,code,note\nfine,ok,1\nfine,=1+2,2\n")
    assert [(row, column) for row, column, _value, _reason in errors] == [(3, "code")]


def test_rows_shorter_or_longer_than_the_header_still_take_the_cell_by_cell_way():
    text = "name,code,note\nshort,row\nlong,row,3,\nextra,row,3,cell\n"
    assert read(text) == read(text, short_way=False)
    rows, errors = read(text)
    assert [row for row, _ in rows] == [2, 3]
    assert [(row, column) for row, column, _value, _reason in errors] == [(4, "")]
