"""The fast path of ``Table.cleaned_rows``: a plain row's cells cleaned at once, or None for a row that must
take the cell-by-cell way (``Table``), which reports exactly. A million rows took a minute the other way.
tests/utilities/test_tabular_paths_property.py checks that both ways give the same values and errors."""

import operator
import re
import unicodedata
from collections.abc import Callable

# In a plain row's cells joined by tabs: what ``cell_problem`` looks for (undecoded bytes, line breaks,
# control characters, "<" of markup, a formula's first character) and a cell's leading apostrophe, which
# ``clean_cell`` may remove. A tab inside a cell before one of "'=+-@" makes the row take the long way too.
_NOT_PLAIN = re.compile("[\x00-\x08\x0a-\x1f\x7f<\udc80-\udcff]|(?:^|\t)['=+@-]")
# The same for a row's cells as they are in the file, joined by tabs: one character class, which the
# regular expression engine scans for at C speed (an alternation, as above, costs it ten times as much).
# Besides, every whitespace character but the space and the tab: a cell holding one may need trimming.
_NOT_PLAIN_CHARS = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f<\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\udc80-\udcff]"
)


def _picker(indices: list[int]) -> Callable[[list], tuple]:
    """The cells at ``indices`` of a row, as a tuple, picked in C (``itemgetter`` gives a bare cell for one index)."""
    if len(indices) == 1:
        index = indices[0]
        return lambda row: (row[index],)
    return operator.itemgetter(*indices) if indices else lambda row: ()


def plain_cells(width: int, verbatim: frozenset[int]) -> Callable[[list[object]], list[str] | None]:
    """A function giving a row's cells as ``clean_cell`` cleans them, or None when the row is not plain.

    Plain: text cells (CSV), as many as the header's columns, and no match of ``_NOT_PLAIN`` in the cleaned
    cells. Then ``clean_cell`` is a strip (after NFKC for a non-ASCII cell that is not verbatim; verbatim
    cells, the names kept as registered, are only trimmed), and ``cell_problem`` finds nothing.

    Most rows of a large file need not even the strip: the cells are joined into two strings (those to
    normalise, those kept verbatim), NFKC'd at once where needed (NFKC never joins characters across a tab,
    so the whole equals the cells one by one), checked by one scan (``_NOT_PLAIN_CHARS``) and a few
    substring tests, and split again: about a third of the time of a strip per cell. A row that fails any
    of this (whitespace at a cell's end, a tab inside a cell) takes the strip-per-cell way (``_stripped_cells``).
    """
    normalize = unicodedata.normalize
    stripped = _stripped_cells(width, verbatim)
    to_normalise = [i for i in range(width) if i not in verbatim]
    kept = [i for i in range(width) if i in verbatim]
    pick_normalised, pick_kept = _picker(to_normalise), _picker(kept)
    in_file_order = _picker([(to_normalise + kept).index(i) for i in range(width)])
    tabs_normalised, tabs_kept = max(len(to_normalise) - 1, 0), max(len(kept) - 1, 0)
    search_chars = _NOT_PLAIN_CHARS.search

    def cells(raw: list[object]) -> list[str] | None:
        if len(raw) != width:
            return None
        try:
            text, verbatim_text = "\t".join(pick_normalised(raw)), "\t".join(pick_kept(raw))
        except TypeError:  # a workbook's number, date or empty cell: clean_cell's business
            return None
        if not text.isascii():
            text = normalize("NFKC", text)
        row = f"\t{text}\t{verbatim_text}\t"
        if (
            text.count("\t") != tabs_normalised
            or verbatim_text.count("\t") != tabs_kept
            or search_chars(row)
            # A cell that begins with an apostrophe, a formula's first character or a space, or ends with
            # a space (the row has a tab at each end). Substring tests: a generator over them costs double.
            or "\t'" in row
            or "\t=" in row
            or "\t+" in row
            or "\t@" in row
            or "\t-" in row
            or "\t " in row
            or " \t" in row
        ):
            return stripped(raw)
        parts = (text.split("\t") if to_normalise else []) + (verbatim_text.split("\t") if kept else [])
        return list(in_file_order(parts))

    return cells


def _stripped_cells(width: int, verbatim: frozenset[int]) -> Callable[[list[object]], list[str] | None]:
    """``plain_cells``'s way for a row that may need a strip per cell (whitespace at a cell's end, a tab
    inside a cell): each cell cleaned on its own, the row then checked by one scan (``_NOT_PLAIN``)."""
    normalised = [i not in verbatim for i in range(width)]
    normalize, search = unicodedata.normalize, _NOT_PLAIN.search

    def stripped(raw: list[object]) -> list[str] | None:
        try:
            cleaned = [
                value.strip() if value.isascii() or not nfkc else normalize("NFKC", value).strip()
                for value, nfkc in zip(raw, normalised, strict=True)
            ]
        except AttributeError:  # a workbook's number, date or empty cell: clean_cell's business
            return None
        return None if search("\t".join(cleaned)) else cleaned

    return stripped
