"""An opened interchange file: its header mapped to column keys, then its rows cleaned and checked."""

import io
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from django.utils import translation

from .cells import Column, cell_problem, clean_cell, is_neutralised, printable
from .csv_reader import csv_rows
from .errors import ErrorReport, FileRejected, not_tabular, single_error
from .parts import QuotesSeen
from .plain_rows import plain_cells
from .xlsx import xlsx_rows

_XLSX_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc and other Office 97-2003 files


@dataclass
class Table:
    """The header mapping of an opened file; iterate ``rows()`` for (row_number, {key: cleaned value}).

    ``rows()`` also checks each row's shape and cells (more cells than the header, formulas, markup,
    control characters, undecodable bytes, a file with no data row); after the last row it raises
    ``FileRejected`` with those problems, so nothing is written from such a file.
    """

    keys: list[str | None]
    unknown: list[str]
    _raw: Iterator[tuple[int, list[object]]]
    verbatim: frozenset[int] = frozenset()
    report: ErrorReport = field(default_factory=ErrorReport)
    # The line the header is on (a valid header is one line), and how many data rows were read so far.
    header_line: int = 1
    data_rows: int = 0
    # A part's records (``of_part``), which note whether a cell held a quote.
    _quotes: "QuotesSeen | None" = field(default=None, repr=False)

    @classmethod
    def of_part(cls, data: bytes, *, encoding: str, first_line: int, keys: list, verbatim: frozenset[int]) -> "Table":
        """A part of a CSV file (``csv_parts``) read with its file's header; ``quotes_seen`` after reading."""
        records = QuotesSeen(csv_rows(io.BytesIO(data), encoding=encoding, first_line=first_line), data)
        return cls(keys=keys, unknown=[], _raw=iter(records), verbatim=verbatim, _quotes=records)

    @property
    def quotes_seen(self) -> bool:
        return self._quotes.seen

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """The data rows, then the file's problems: ``cleaned_rows`` of the whole file, with its end checks.

        A file with a header and no data row is rejected (it cannot be what was meant).
        """
        yield from self.cleaned_rows()
        if not self.data_rows:
            self.report.add(2, "", "", translation.gettext("文件只有表头，没有数据行"))
        if self.report:
            raise FileRejected(self.report)

    def cleaned_rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """The rows without a problem, cleaned; the others' problems go to ``report`` (counted in ``data_rows``).

        Most rows of a large file are plain: text cells, one per column, nothing that ``cell_problem``
        looks for and no leading apostrophe. Such a row is cleaned with one strip (NFKC where needed) per
        cell and checked with one regular expression over the whole row (``plain_cells``); any other row
        takes the cell-by-cell way (``_checked``), which reports exactly.
        """
        width = len(self.keys)
        keys = self.keys if None not in self.keys else None
        plain = plain_cells(width, self.verbatim)
        for index, raw in self._raw:
            cells = plain(raw)
            slow = cells is None
            if slow:
                cells = [clean_cell(value, verbatim=i in self.verbatim) for i, value in enumerate(raw)]
            if not any(cells):
                continue  # blank lines (Excel leaves them) are not rows
            self.data_rows += 1
            if slow and not self._checked(index, raw, cells):
                continue
            if keys is not None:
                yield index, dict(zip(keys, cells, strict=True))
            else:
                yield index, {key: cells[i] for i, key in enumerate(self.keys) if key is not None}

    def _checked(self, index: int, raw: list[object], cells: list[str]) -> bool:
        """Whether the cleaned ``cells`` of a row are data; if so they are made one per column, else the
        row's problems are reported (more cells than the header, then each cell's ``cell_problem``)."""
        width = len(self.keys)
        problems = 0
        extra = [cell for cell in cells[width:] if cell]
        if extra:
            problems += 1
            self.report.add(
                index,
                "",
                extra[0],
                translation.gettext("该行有 %(cells)s 个非空单元格，多于表头的 %(width)s 列")
                % {"cells": width + len(extra), "width": width},
            )
        for i, cell in enumerate(cells[:width]):
            reason = cell and cell_problem(cell, neutralised=is_neutralised(raw[i]))
            if reason:
                problems += 1
                self.report.add(index, self.keys[i] or "", printable(cell), reason)
        if problems:
            return False
        # Empty cells past the header's width are dropped, missing ones are empty.
        del cells[width:]
        cells.extend([""] * (width - len(cells)))
        return True


def open_table(
    stream: IO[bytes], columns: Iterable[Column], *, ignore_unknown: bool = False, allow_xlsx: bool = True
) -> Table:
    """Read the header of a CSV or XLSX file and map it to column keys; raise FileRejected on a bad header."""
    columns = list(columns)
    raw = _records(stream, allow_xlsx=allow_xlsx)
    # Blank lines before the header are not a header (a file of blank lines is empty).
    first = next((item for item in raw if any(clean_cell(cell) for cell in item[1])), None)
    report = ErrorReport()
    if first is None:
        report.add(1, "", "", translation.gettext("文件为空，缺少表头"))
        raise FileRejected(report)
    header_row, header = first
    keys, unknown = _header_keys(header, columns, report)
    _check_header(keys, unknown, columns, report, ignore_unknown=ignore_unknown)
    if report:
        raise FileRejected(report)
    kept = {column.key for column in columns if column.verbatim}
    return Table(
        keys=keys,
        unknown=unknown,
        _raw=raw,
        verbatim=frozenset(i for i, key in enumerate(keys) if key in kept),
        header_line=header_row,
    )


def _records(stream: IO[bytes], *, allow_xlsx: bool) -> Iterator[tuple[int, list[object]]]:
    """The file's records (row number, cells), by its first bytes a workbook's or a CSV file's."""
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(_XLSX_MAGIC):
        if not allow_xlsx:
            raise FileRejected(single_error(0, translation.gettext("此类文件只接受 CSV，不接受 XLSX")))
        return xlsx_rows(stream)
    if head.startswith(_OLE2_MAGIC) or head.startswith(b"PK"):
        raise not_tabular()
    return csv_rows(stream)


def _header_keys(header: list[object], columns: list[Column], report: ErrorReport) -> tuple[list, list[str]]:
    """The column key of each header cell (None: unknown) and the unknown names; repeated keys reported."""
    by_name = {}
    for column in columns:
        by_name[column.key.casefold()] = column.key
        by_name[unicodedata.normalize("NFKC", column.alias).casefold()] = column.key
    keys: list[str | None] = []
    unknown: list[str] = []
    for name in (clean_cell(cell) for cell in header):
        key = by_name.get(name.casefold())
        if key is None:
            if name:
                unknown.append(printable(name))
            keys.append(None)
            continue
        if key in keys:
            report.add(1, name, name, translation.gettext("表头重复"))
        keys.append(key)
    return keys, unknown


def _check_header(
    keys: list, unknown: list[str], columns: list[Column], report: ErrorReport, *, ignore_unknown: bool
) -> None:
    """Report an unreadable header, unknown columns (unless ignored) and missing required ones."""
    seen = set(keys) - {None}
    if not seen and any(not name.isascii() for name in unknown):
        # Nothing matched and the header is not plain ASCII: mojibake from an encoding we do not read.
        report.add(
            1,
            "",
            "",
            translation.gettext("表头无法识别：文件应为 UTF-8 或 GB18030（GBK）编码的 CSV，或 .xlsx"),
        )
    for name in unknown:
        if not ignore_unknown:
            report.add(
                1, name, name, translation.gettext("未知列；确需忽略时请勾选“忽略未知列”（命令行 --ignore-unknown）")
            )
    for column in columns:
        if column.required and column.key not in seen:
            report.add(
                1,
                column.key,
                "",
                translation.gettext("缺少必填列 %(key)s [%(alias)s]") % {"key": column.key, "alias": column.alias},
            )
