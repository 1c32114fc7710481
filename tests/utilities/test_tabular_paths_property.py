"""Table.cleaned_rows() has two ways through a row: the fast path for a plain row (``plain_cells``) and the
cell-by-cell way that reports exactly. Whatever the rows, both must give the same values and the same errors;
Hypothesis generates the rows (formulas, markup, full-width and other Unicode whitespace, control characters,
undecoded bytes, workbook numbers and dates, rows shorter and longer than the header)."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utilities.tabular import table as tabular_table
from utilities.tabular.table import Table

# Reproducible in CI (derandomize) and no example database written into the checkout.
CHECKS = settings(max_examples=1000, deadline=None, derandomize=True, database=None)

# Pieces a cell is made of: each one a reason for the fast path to decline, or a way to fool it.
FRAGMENTS = [
    "'",
    "'=",  # a formula neutralised by the exports: the apostrophe goes
    "'+",
    "'-",
    "'@",
    "''=",
    "=",
    "+",
    "-",
    "@",
    "<",
    "<b>",
    "</",
    "<!",
    "< a",
    " ",
    "\t",
    "\n",
    "\r",
    "\x00",
    "\x07",
    "\x0b",
    "\x1c",  # whitespace to str.strip(), a control character to the cell rule
    "\x7f",
    "\x85",
    "\xa0",
    "\u1680",
    "\u2003",
    "\u2028",
    "\u202f",
    "\u3000",
    "Ａ",
    "１",
    "＝",  # a formula once NFKC'd
    "＋",
    "＜",
    "＇",  # an apostrophe once NFKC'd
    "（",
    "ﬁ",
    "e\u0301",
    "\u0301",
    "\udc80",  # bytes the CSV reader could not decode (surrogateescape)
    "\udcff",
    "a",
    "Z",
    "1",
    "甲",
    "有限公司",
    '"',
    ",",
    ";",
]
PIECE = st.sampled_from(FRAGMENTS)
PLAIN = st.text(alphabet="abcXYZ019甲乙公司 ", max_size=5)
# Plain cells (most of a row, so that one odd cell decides its way), a piece at either end of a plain text
# (where the trimming and the formula and apostrophe rules look), and pieces anywhere.
TEXT = st.one_of(
    PLAIN,
    st.tuples(st.one_of(st.just(""), PIECE), PLAIN, st.one_of(st.just(""), PIECE)).map("".join),
    st.lists(st.one_of(PIECE, st.text(max_size=3)), max_size=6).map("".join),
)
# What a workbook's cells hold besides text.
WORKBOOK_VALUE = st.one_of(
    st.none(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2099, 12, 31)),
    st.datetimes(min_value=datetime.datetime(1900, 1, 1), max_value=datetime.datetime(2099, 12, 31)),
)
KEYS = ["name", "code", "note", "extra"]


@st.composite
def tables(draw, *, cell=TEXT):
    """(keys with None for an unknown column, verbatim column indices, rows of raw cells)."""
    width = draw(st.integers(min_value=1, max_value=4))
    keys = [draw(st.sampled_from([key, None])) if i else key for i, key in enumerate(KEYS[:width])]
    verbatim = frozenset(draw(st.sets(st.integers(min_value=0, max_value=width - 1))))
    # Most rows as wide as the header (the fast path's only rows), some shorter or longer.
    row_width = st.one_of(st.just(width), st.integers(min_value=0, max_value=width + 2))
    rows = draw(st.lists(row_width.flatmap(lambda n: st.lists(cell, min_size=n, max_size=n)), max_size=6))
    return keys, verbatim, rows


def read(keys, verbatim, rows, *, fast: bool):
    """(rows given, errors reported, rows counted) by the fast path where it applies, or cell by cell only."""
    table = Table(keys=keys, unknown=[], _raw=iter(enumerate(rows, start=2)), verbatim=verbatim)
    with pytest.MonkeyPatch.context() as patch:
        if not fast:
            patch.setattr(tabular_table, "plain_cells", lambda width, verbatim: lambda raw: None)
        given_rows = list(table.cleaned_rows())
    errors = [(e.row, e.column, e.value, e.reason) for e in table.report.errors]
    return given_rows, errors, table.data_rows


@CHECKS
@given(tables())
def test_csv_rows_read_the_same_by_the_fast_path_and_cell_by_cell(table):
    keys, verbatim, rows = table
    assert read(keys, verbatim, rows, fast=True) == read(keys, verbatim, rows, fast=False)


@CHECKS
@given(tables(cell=st.one_of(TEXT, WORKBOOK_VALUE)))
def test_workbook_rows_read_the_same_by_the_fast_path_and_cell_by_cell(table):
    keys, verbatim, rows = table
    assert read(keys, verbatim, rows, fast=True) == read(keys, verbatim, rows, fast=False)


@CHECKS
@given(tables(cell=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8)))
def test_rows_of_any_unicode_text_read_the_same_by_the_fast_path_and_cell_by_cell(table):
    keys, verbatim, rows = table
    assert read(keys, verbatim, rows, fast=True) == read(keys, verbatim, rows, fast=False)
