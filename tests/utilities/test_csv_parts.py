"""csv_parts: a CSV file cut into parts that read, each on its own, exactly as the whole file reads there."""

import io

import pytest

from utilities.tabular import FileRejected
from utilities.tabular.cells import Column
from utilities.tabular.parts import NotInParts, csv_parts
from utilities.tabular.table import Table, open_table

COLUMNS = [Column("name", "名称", verbatim=True), Column("code", "代码"), Column("note", "备注")]


def whole(data: bytes) -> tuple[list, list, int]:
    """(rows, reader problems, data rows) of the whole file, read in one piece."""
    table = open_table(io.BytesIO(data), COLUMNS)
    rows = list(table.cleaned_rows())
    return rows, table.report.errors, table.data_rows


def in_parts(data: bytes, part_bytes: int) -> tuple[list, list, int, bool]:
    """The same, reading each part of ``csv_parts`` on its own and putting the results together."""
    stream = io.BytesIO(data)
    header = open_table(stream, COLUMNS)
    encoding, parts = csv_parts(stream, after_line=header.header_line, part_bytes=part_bytes, max_part_bytes=8 << 20)
    rows, problems, data_rows, quotes = [], [], 0, False
    for first_line, part in parts:
        table = Table.of_part(
            part, encoding=encoding, first_line=first_line, keys=header.keys, verbatim=header.verbatim
        )
        rows.extend(table.cleaned_rows())
        problems.extend(table.report.errors)
        data_rows += table.data_rows
        quotes = quotes or table.quotes_seen
    return rows, problems, data_rows, quotes


LINES = [
    "北京甲有限公司,91110000000000000X,普通",
    '"乙,有限公司",Ｂ２,"含""引号""的备注"',  # quoted cells with a comma and doubled quotes
    "",  # a blank line: not a row
    "丙公司,C3,=SUM(A1)",  # a formula: a reader problem, reported with its row
    "戊公司,E5,x\r",  # a lone CR ends a line too
    "己公司,F6,y",
    "庚公司,G7,z,多余",  # more cells than the header
]


@pytest.mark.parametrize("part_bytes", [1, 7, 40, 100, 1 << 20])
@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_the_parts_read_as_the_whole_file(part_bytes, line_end, encoding):
    text = "\n\nname,code,note" + line_end + line_end.join(LINES * 3) + line_end
    data = text.encode(encoding)
    rows, problems, data_rows, quotes = in_parts(data, part_bytes)
    assert (rows, problems, data_rows) == whole(data)
    assert rows and problems  # the cases above are all there
    assert rows[0][0] == 4  # two blank lines, then the header on line 3
    assert quotes  # '含""引号""的备注' holds a quote: the caller reads the file in one piece
    if part_bytes == 40:
        assert len(list(csv_parts(io.BytesIO(data), after_line=3, part_bytes=40, max_part_bytes=1 << 20)[1])) > 3


def test_no_quote_in_any_cell_lets_the_parts_stand():
    data = b"name,code,note\n" + "".join(f'"甲{n},公司",A{n},x\n' for n in range(50)).encode()
    rows, problems, data_rows, quotes = in_parts(data, 64)
    assert (rows, problems, data_rows) == whole(data)
    assert data_rows == 50 and not quotes


def test_a_part_never_ends_inside_quotes():
    data = ("name,code,note\n" + "".join(f'"甲{n}\n续",A{n},x\n' for n in range(20))).encode()
    encoding, parts = csv_parts(io.BytesIO(data), after_line=1, part_bytes=10, max_part_bytes=1 << 20)
    for _line, part in parts:
        assert part.count(b'"') % 2 == 0 and part.endswith(b"\n")


@pytest.mark.parametrize("last", ['"未闭合,B,y\n', '"多\n行",B,y\n', "甲,A," + "x" * (1 << 20) + "\n"])
def test_a_fatal_reader_error_is_reported_at_its_line_in_a_later_part(last):
    data = ("name,code,note\n" + "".join(f"甲{n},A{n},x\n" for n in range(30)) + last).encode()
    with pytest.raises(FileRejected) as whole_file:
        whole(data)
    with pytest.raises(FileRejected) as parts:
        in_parts(data, 50)
    assert parts.value.report.errors == whole_file.value.report.errors
    assert parts.value.report.errors[0].row == 32


def test_no_cut_outside_quotes_within_the_limit_is_not_in_parts():
    data = ('name,code,note\n"未闭合,B,y\n' + "甲,A,x\n" * 200).encode()
    encoding, parts = csv_parts(io.BytesIO(data), after_line=1, part_bytes=64, max_part_bytes=512)
    with pytest.raises(NotInParts):
        list(parts)


def test_a_header_with_a_quote_inside_a_cell_is_not_in_parts():
    data = 'name,code,note,a"b\n甲,A,x,1\n'.encode()
    encoding, parts = csv_parts(io.BytesIO(data), after_line=1, part_bytes=64, max_part_bytes=512)
    with pytest.raises(NotInParts):
        list(parts)
