"""The CSV the exports stream (``utilities.export.csv_chunks``) reads back cell for cell."""

import csv
import io

from utilities.export import BOM, CSV_ROWS_PER_CHUNK, csv_chunks


def _read_back(chunks) -> list[list[str]]:
    text = b"".join(chunks).decode("utf-8").removeprefix(BOM)
    return list(csv.reader(io.StringIO(text, newline="")))


def test_a_cell_with_a_lone_carriage_return_reads_back_the_same():
    rows = [["a\rb", "c\nd", "e\r\nf", "trailing\r"], ["plain", "", "1", "x"]]
    assert _read_back(csv_chunks(("one", "two", "three", "four"), rows, bom=True)) == [
        ["one", "two", "three", "four"],
        *rows,
    ]


def test_rows_end_in_a_line_feed_and_only_awkward_cells_are_quoted():
    body = b"".join(csv_chunks(("名称", "值"), [["苏州,某", "a\rb"], ["plain", "2"]]))
    assert body.decode("utf-8") == '名称,值\n"苏州,某","a\rb"\nplain,2\n'


def test_the_bom_is_written_once_however_many_chunks():
    rows = [[str(n), "a\rb"] for n in range(CSV_ROWS_PER_CHUNK + 5)]
    chunks = list(csv_chunks(("n", "text"), rows, bom=True))
    assert len(chunks) == 2 and b"".join(chunks).decode("utf-8").count(BOM) == 1
    assert _read_back(chunks)[1:] == rows
