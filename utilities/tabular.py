"""Reading the portal's interchange files: CSV in any encoding Chinese users produce, or XLSX.

The rules come from the spec's data-formats.md: UTF-8 (with or without BOM) and GB18030/GBK are detected
automatically, English header keys or their Chinese aliases, unknown columns rejected unless allowed,
cells trimmed and NFKC-normalised, and every problem reported with row, column, value and reason.
Rows are streamed, so a file of millions of rows is read in constant memory.
"""

import codecs
import csv
import datetime
import io
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from django.db import models
from django.utils import translation

MAX_REPORTED_ERRORS = 200
_SNIFF_BYTES = 1 << 20
_LIST_SEPARATOR = re.compile(r"[;；]")
_XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Column:
    """One column of an interchange file: its English key, Chinese alias and whether it is required."""

    key: str
    alias: str
    required: bool = False
    # Names and titles are kept as written (full-width brackets and all): only trimmed, never NFKC'd.
    # Matching normalises its own key (``enterprises.names.normalize_name``), not the stored text.
    verbatim: bool = False


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based line number in the file as a spreadsheet shows it (the header is row 1)
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "文件"
        column = f" [{self.column}]" if self.column else ""
        value = f" “{self.value}”" if self.value else ""
        return f"{where}{column}{value}: {self.reason}"


@dataclass
class ErrorReport:
    """Collects problems; keeps the first MAX_REPORTED_ERRORS and counts the rest."""

    errors: list[RowError] = field(default_factory=list)
    total: int = 0

    def add(self, row: int, column: str, value: object, reason: str) -> None:
        self.total += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(row, column, "" if value is None else str(value)[:100], reason))

    def __bool__(self) -> bool:
        return self.total > 0

    def extend(self, other: "ErrorReport") -> None:
        """Add ``other``'s problems after these ones, as if each had been added here in turn."""
        for error in other.errors:
            self.add(error.row, error.column, error.value, error.reason)
        self.total += other.total - len(other.errors)

    def lines(self) -> list[str]:
        lines = [str(error) for error in self.errors]
        if self.total > len(self.errors):
            lines.append(
                translation.gettext("……另有 %(more)s 个错误未列出（共 %(total)s 个）")
                % {"more": self.total - len(self.errors), "total": self.total}
            )
        return lines

    def as_json(self) -> list[dict]:
        return [{"row": e.row, "column": e.column, "value": e.value, "reason": e.reason} for e in self.errors]


class FileRejected(Exception):
    """The file as a whole is invalid; nothing was written. Carries the full error report."""

    def __init__(self, report: ErrorReport) -> None:
        self.report = report
        super().__init__("\n".join(report.lines()))


# A spreadsheet runs a cell starting with one of these as a formula. Exports write such a text cell with a
# leading apostrophe (utilities/export.py), the spreadsheets' own mark for "text"; the reader removes it again,
# so that an exported file imports back unchanged.
FORMULA_PREFIXES = ("=", "+", "-", "@")
NEUTRALISING_PREFIX = "'"


def clean_cell(value: object, *, verbatim: bool = False) -> str:
    """Trim and NFKC-normalise a cell (full-width digits and letters become half-width).

    ``verbatim`` cells (registered names, titles) are only trimmed.
    An apostrophe that neutralises a formula prefix (``'=SUM(…)``, written by the exports) is removed.
    """
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    # NFKC leaves ASCII unchanged; skipping it saves a third of the parse time of a large file.
    text = text.strip() if verbatim or text.isascii() else unicodedata.normalize("NFKC", text).strip()
    if text.startswith(NEUTRALISING_PREFIX) and text[1:2] in FORMULA_PREFIXES:
        return text[1:]
    return text


def detect_encoding(sample: bytes) -> str:
    """utf-8-sig for a BOM, utf-8 when the sample decodes, else gb18030 (a superset of GBK and GB2312)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


# --- what is not an interchange file at all --------------------------------------------------------

NOT_TABULAR = translation.gettext_noop("文件不是 CSV 或 XLSX 格式，请另存为 .xlsx")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc and other Office 97-2003 files
# Bytes no text file of ours contains (tab, line feed and carriage return excepted).
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A line longer than this is not a row of ours (a row of the widest file is a few hundred characters);
# reading it whole would hold it in memory.
MAX_LINE_CHARS = 1 << 20


def _not_tabular(reason: str = NOT_TABULAR) -> FileRejected:
    return FileRejected(_single_error(0, translation.gettext(reason)))


def _check_text_sample(sample: bytes) -> None:
    """Reject binary files (and UTF-16 text) before they are decoded as a misleading "encoding" error."""
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _not_tabular(translation.gettext_noop("文件为 UTF-16 编码，请另存为 UTF-8 CSV 或 .xlsx"))
    controls = len(_CONTROL_BYTES.findall(sample))
    # One stray control character in a text file is reported with its row (``_cell_problem``); binary
    # files are full of them, and of NUL bytes.
    if b"\x00" in sample or controls > max(1, len(sample) // 1000):
        raise _not_tabular()


class _CSVProblem(Exception):
    def __init__(self, row: int, reason: str) -> None:
        self.row, self.reason = row, reason


def _lines(text: IO[str], first_line: int = 1) -> Iterator[str]:
    """The lines of ``text``, refusing to read one longer than MAX_LINE_CHARS into memory."""
    number = first_line - 1
    while True:
        line = text.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_CHARS:
            raise _CSVProblem(
                number,
                translation.gettext("行过长（超过 %(limit)s 个字符），不是正常的数据行")
                % {"limit": f"{MAX_LINE_CHARS:,}"},
            )
        yield line


def _csv_error_reason(message: str) -> str:
    if "field larger than field limit" in message:
        limit = csv.field_size_limit()
        return translation.gettext("单元格过长（超过 %(limit)s 个字符）") % {"limit": f"{limit:,}"}
    if "unexpected end of data" in message:
        return translation.gettext("引号未闭合：从此行起直到文件末尾都在引号内")
    if "expected after" in message:
        return translation.gettext('引号用法错误：引号内的引号应写成两个 ""')
    return translation.gettext("CSV 格式错误：%(message)s") % {"message": message}


def _spanning(first: int, last: int) -> str:
    return translation.gettext("引号未闭合：第%(first)s行的引号一直延续到第%(last)s行") % {"first": first, "last": last}


def _csv_rows(
    stream: IO[bytes], *, encoding: str | None = None, first_line: int = 1
) -> Iterator[tuple[int, list[str]]]:
    """(line number where the record starts, cells) for each CSV record.

    ``encoding`` and ``first_line``: for a part of a file read on its own (``Table.of_part``), the file's
    encoding and the line the part starts on; a whole file's encoding is detected here.
    """
    if encoding is None:
        sample = stream.read(_SNIFF_BYTES)
        _check_text_sample(sample)
        encoding = detect_encoding(sample)
        # Re-join the sniffed sample with the rest so the file is read once, streaming.
        joined = io.BufferedReader(_Prepend(sample, stream), buffer_size=1 << 16)
    else:
        joined = stream
    # Undecodable bytes become lone surrogates, reported with the row they are in (``_cell_problem``):
    # a decoder error would only say where the decoder's read-ahead buffer was.
    text = io.TextIOWrapper(joined, encoding=encoding, errors="surrogateescape", newline="")
    # strict: an unclosed quote at the end of the file is an error, not a cell holding the rest.
    reader = csv.reader(_lines(text, first_line), strict=True)
    start = first_line
    try:
        for cells in reader:
            end = reader.line_num + first_line - 1
            if end > start and any("\n" in cell or "\r" in cell for cell in cells):
                raise _CSVProblem(start, _spanning(start, end))
            yield start, cells
            start = end + 1
    except _CSVProblem as problem:
        raise FileRejected(_single_error(problem.row, problem.reason)) from None
    except csv.Error as exc:
        end = reader.line_num + first_line - 1
        # A quote opened on one line and "closed" lines later inside a cell: the opening one is the error.
        spanning = end > start and "expected after" in str(exc)
        reason = _spanning(start, end) if spanning else _csv_error_reason(str(exc))
        raise FileRejected(_single_error(start, reason)) from None


class NotInParts(Exception):
    """The file cannot be cut into parts that read exactly as the whole does; read it in one piece."""


# Line breaks as ``_lines`` counts them (universal newlines: \r\n, \r and \n each end a line).
def _line_breaks(data: bytes) -> int:
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def csv_parts(
    stream: IO[bytes], *, after_line: int, part_bytes: int, max_part_bytes: int
) -> tuple[str, Iterator[tuple[int, bytes]]]:
    """The file's encoding, and its CSV text after line ``after_line`` in parts of about ``part_bytes``:
    (the line the part starts on, its bytes), each part whole lines that can be read on their own
    (``Table.of_part``) and give exactly the rows and line numbers the whole file gives.

    A part ends after a line feed outside quotes: after an even number of quote characters since the start
    of the file (a line feed or quote byte is never part of a UTF-8 or GB18030 character). That holds as
    long as every quote opens or closes a quoted cell or is doubled inside one; a quote in the middle of an
    unquoted cell (``5"`` ) breaks the count, so the reader of a part must report any cell holding a quote
    (``quotes_seen``) and the caller then read the file in one piece. A file with no such cut within
    ``max_part_bytes`` (an unclosed quote, old Mac line ends) raises ``NotInParts`` while it is cut.
    """
    stream.seek(0)
    sample = stream.read(_SNIFF_BYTES)
    _check_text_sample(sample)
    encoding = detect_encoding(sample)
    # The parts are read from the header's next line on: a BOM is behind them.
    part_encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    stream.seek(0)

    def parts() -> Iterator[tuple[int, bytes]]:
        buffer, line, position = b"", 1, 0
        while line <= after_line:  # skip the header (and any blank lines before it)
            match = _LINE_BREAK.search(buffer, position)
            # A \r at the end of what was read may be the first half of a \r\n.
            if match is None or (match.group() == b"\r" and match.end() == len(buffer)):
                chunk = stream.read(1 << 16)
                if not chunk:
                    return
                buffer += chunk
                if len(buffer) > max_part_bytes:
                    raise NotInParts
                continue
            line, position = line + 1, match.end()
        if buffer.count(b'"', 0, position) % 2:
            raise NotInParts  # a header with a quote in a cell: the parity count would start wrong
        buffer = buffer[position:]
        while True:
            while len(buffer) < part_bytes and (chunk := stream.read(part_bytes)):
                buffer += chunk
            if len(buffer) < part_bytes:  # the end of the file
                if buffer:
                    yield line, buffer
                return
            cut = _cut(buffer, part_bytes)
            if not cut:
                if len(buffer) > max_part_bytes:
                    raise NotInParts
                chunk = stream.read(part_bytes)
                if not chunk:
                    yield line, buffer
                    return
                buffer += chunk
                continue
            part, buffer = buffer[:cut], buffer[cut:]
            yield line, part
            line += _line_breaks(part)

    return part_encoding, parts()


_LINE_BREAK = re.compile(rb"\r\n|\r|\n")


def _cut(buffer: bytes, size: int) -> int:
    """Where a part of about ``size`` bytes may end in ``buffer``: after a line feed outside quotes (an even
    number of quotes before it). The last such line feed within ``size``, else the first after it; 0: none."""
    candidate = buffer.rfind(b"\n", 0, size) + 1
    cut, quotes = candidate, buffer.count(b'"', 0, candidate)
    while cut and quotes % 2:  # inside quotes: one line back
        previous = buffer.rfind(b"\n", 0, cut - 1) + 1
        quotes -= buffer.count(b'"', previous, cut)
        cut = previous
    if cut:
        return cut
    position, quotes = candidate, buffer.count(b'"', 0, candidate)
    while next_line := buffer.find(b"\n", position) + 1:
        quotes += buffer.count(b'"', position, next_line)
        position = next_line
        if quotes % 2 == 0:
            return position
    return 0


class _QuotesSeen:
    """The records of a part, noting whether any cell holds a quote character (see ``csv_parts``)."""

    def __init__(self, records: Iterator[tuple[int, list[str]]], data: bytes) -> None:
        self.records = records
        self.seen = False
        self.check = b'"' in data

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        if not self.check:
            yield from self.records
            return
        for record in self.records:
            if not self.seen and any('"' in cell for cell in record[1]):
                self.seen = True
            yield record


class _Prepend(io.RawIOBase):
    def __init__(self, head: bytes, tail: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._tail = tail

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        chunk = self._tail.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


DAMAGED_XLSX = (
    "XLSX 文件已损坏，或是改了扩展名的其他文件（如 .docx），请在 Excel 中另存为 .xlsx "
    "(a damaged XLSX, or another kind of file renamed .xlsx: save it as .xlsx)"
)

# --- XLSX bombs: a workbook is a zip of XML, and a small upload can unpack to gigabytes ---------------
# The limits are settings (config/settings.py: XLSX_MAX_*); these defaults apply where they are unset.
XLSX_LIMIT_DEFAULTS = {
    "XLSX_MAX_UNCOMPRESSED_BYTES": 200 * 1024 * 1024,
    "XLSX_MAX_COMPRESSION_RATIO": 100,
    "XLSX_MAX_COLUMNS": 64,
    "XLSX_MAX_ROWS": 200_000,
}
# A workbook of ours has a dozen members (a few hundred with pictures). The zip reader builds an object for
# each entry of the central directory before anything else: a million tiny entries would cost hundreds of MB.
XLSX_MAX_MEMBERS = 1000
# Below this a member's compression ratio is harmless, whatever it is (a small XML part of repeated tags).
_RATIO_FLOOR_BYTES = 1 << 20
_END_OF_CENTRAL_DIRECTORY = b"PK\x05\x06"


def _xlsx_limit(name: str) -> float:
    from django.conf import settings

    return getattr(settings, name, XLSX_LIMIT_DEFAULTS[name])


def _megabytes(size: float) -> str:
    return f"{size / (1024 * 1024):g}"


def _xlsx_refused(row: int, reason: str, **values) -> FileRejected:
    return FileRejected(_single_error(row, translation.gettext(reason) % values))


def _zip_member_count(stream: IO[bytes]) -> int | None:
    """The number of entries the zip's end record declares (None: no end record, the zip reader will say)."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(max(0, size - (1 << 16) - 22))  # the end record, after at most a 64 KB comment
    tail = stream.read()
    stream.seek(0)
    at = tail.rfind(_END_OF_CENTRAL_DIRECTORY)
    if at < 0 or len(tail) < at + 12:
        return None
    return int.from_bytes(tail[at + 10 : at + 12], "little")  # 0xFFFF: a ZIP64 archive, far too many


def check_xlsx_archive(stream: IO[bytes]) -> None:
    """Refuse a workbook that would unpack to more than openpyxl should read; leaves the stream at its start.

    The sizes are the ones the zip declares; Python's zip reader never inflates a member beyond its
    declared size (and fails its checksum then), so a lying header only makes the file unreadable.
    """
    import zipfile

    members = _zip_member_count(stream)
    if members is not None and members > XLSX_MAX_MEMBERS:
        raise _xlsx_refused(
            0,
            translation.gettext_noop("XLSX 内含 %(count)s 个部件，超过 %(limit)s 个的上限"),
            count=members,
            limit=XLSX_MAX_MEMBERS,
        )
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_tabular(DAMAGED_XLSX) from None
    finally:
        stream.seek(0)
    limit = _xlsx_limit("XLSX_MAX_UNCOMPRESSED_BYTES")
    total = sum(info.file_size for info in infos)
    if total > limit:
        raise _xlsx_refused(
            0,
            translation.gettext_noop("XLSX 解压后共 %(size)s MB，超过 %(limit)s MB 的上限"),
            size=f"{total / (1024 * 1024):.0f}",
            limit=_megabytes(limit),
        )
    ratio_limit = _xlsx_limit("XLSX_MAX_COMPRESSION_RATIO")
    compressed = sum(info.compress_size for info in infos)
    for info in [*infos, None]:
        # Each large member, then the archive as a whole.
        size, packed = (info.file_size, info.compress_size) if info else (total, compressed)
        if size > _RATIO_FLOOR_BYTES and size > ratio_limit * max(packed, 1):
            raise _xlsx_refused(
                0,
                translation.gettext_noop("XLSX 的压缩比为 %(ratio)s:1，超过 %(limit)s:1 的上限（像是“压缩炸弹”）"),
                ratio=f"{size / max(packed, 1):.0f}",
                limit=f"{ratio_limit:g}",
            )


def _check_dimension(sheet) -> None:
    """Refuse a sheet that declares more rows or columns than any file of ours has (``<dimension>``).

    openpyxl read the declaration when it opened the sheet, streaming up to the cells; it pads every row
    to the declared width, so "A1:XFD100000" would cost 16,384 cells a row. The declaration may also be
    missing or false: ``_worksheet_rows`` checks each cell as it comes.
    """
    max_rows, max_columns = _xlsx_limit("XLSX_MAX_ROWS"), _xlsx_limit("XLSX_MAX_COLUMNS")
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if rows > max_rows or columns > max_columns:
        raise _xlsx_refused(
            0,
            translation.gettext_noop(
                "工作表声明的范围为 %(rows)s 行 × %(columns)s 列，超过上限（%(max_rows)s 行、%(max_columns)s 列）"
            ),
            rows=rows,
            columns=columns,
            max_rows=max_rows,
            max_columns=max_columns,
        )


def _worksheet_rows(workbook, sheet) -> Iterator[tuple[int, list[object]]]:
    """(row number, values) of each row of the sheet that has cells, refusing a cell beyond the limits.

    openpyxl's read-only rows (``iter_rows``) pad each row to the declared width, or with none declared
    to its last cell, and a missing row to an empty one: one cell at column XFD per row costs 16,384
    values a row, a cell at row 1,048,576 a million empty rows. Its row parser gives each row's cells
    with their positions, so a cell beyond the limits is refused as soon as it is read. Rows are padded
    to the declared width (within the limits) as ``iter_rows`` pads them, so the reader's fast path holds.

    The parser and the sheet's source and shared strings are openpyxl's own, as ``iter_rows`` uses them
    (openpyxl is pinned in requirements.txt; tests/enterprises/test_upload_limits.py reads real workbooks).
    """
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import WorkSheetParser

    max_rows, max_columns = _xlsx_limit("XLSX_MAX_ROWS"), _xlsx_limit("XLSX_MAX_COLUMNS")
    declared = sheet.max_column or 0
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            if number > max_rows:
                raise _xlsx_refused(
                    number, translation.gettext_noop("工作表超过 %(limit)s 行的上限"), limit=f"{max_rows:,}"
                )
            if not cells:
                continue
            width = max(cell["column"] for cell in cells)
            if width > max_columns:
                raise _xlsx_refused(
                    number,
                    translation.gettext_noop("第 %(column)s 列（%(letter)s）有数据，超过 %(limit)s 列的上限"),
                    column=width,
                    letter=get_column_letter(width) if width <= 18278 else "?",
                    limit=max_columns,
                )
            values: list[object] = [None] * max(width, declared)
            for cell in cells:
                values[cell["column"] - 1] = cell["value"]
            yield number, values


def _xlsx_rows(stream: IO[bytes]) -> Iterator[tuple[int, list[object]]]:
    from openpyxl import load_workbook

    # Before openpyxl unpacks anything (it reads every shared string when it opens the workbook).
    check_xlsx_archive(stream)
    # openpyxl raises whatever its zip, XML and cell readers raise on a broken file (BadZipFile,
    # KeyError, XML and value errors): any of them means the file is not a workbook we can read.
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception:
        raise _not_tabular(DAMAGED_XLSX) from None
    try:
        if not workbook.worksheets:
            raise _not_tabular(DAMAGED_XLSX)
        sheet = workbook.worksheets[0]
        _check_dimension(sheet)
        number = 0
        try:
            for number, row in _worksheet_rows(workbook, sheet):
                yield number, row
        except FileRejected:
            raise
        except Exception:
            raise FileRejected(_single_error(number + 1, DAMAGED_XLSX)) from None
    finally:
        workbook.close()


def _single_error(row: int, reason: str) -> ErrorReport:
    report = ErrorReport()
    report.add(row, "", "", reason)
    return report


# A cell a spreadsheet would run as a formula when the data is exported again (CSV injection), and
# markup that has no place in a name or a code.
_FORMULA = re.compile(r"^(?:[=@]|[+\-]\s*[A-Za-z(=@])")
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?]")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UNDECODED = re.compile("[\udc80-\udcff]")


def _cell_problem(value: str, *, neutralised: bool = False) -> str | None:
    """Why a cell's text cannot be data of ours (any column), or None.

    A ``neutralised`` cell was written as ``'=…``: the spreadsheets' mark for "text, not a formula", which
    the exports write (utilities/export.py); its value is taken as text.
    """
    if _UNDECODED.search(value):
        return translation.gettext("含无法解码的字节：文件应通篇为 UTF-8 或 GB18030 编码")
    if "\n" in value or "\r" in value:
        return translation.gettext("单元格内含换行")
    if _CONTROL_CHARS.search(value):
        return translation.gettext("含控制字符")
    if _FORMULA.match(value) and not neutralised:
        return translation.gettext("以 = + - @ 开头，像电子表格公式，不予导入（作为文本请在前面加英文单引号 '）")
    if _MARKUP.search(value):
        return translation.gettext("含 HTML 或脚本标记")
    return None


def cell_problem(value: str) -> str | None:
    """Why a text typed into a form (the admin's) could not be imported as a cell, or None.

    The same rule as the importer's, so that whatever the admin stores exports and re-imports unchanged.
    """
    return _cell_problem(value)


def _is_neutralised(value: object) -> bool:
    text = value.strip() if isinstance(value, str) else ""
    return text.startswith(NEUTRALISING_PREFIX) and text[1:2] in FORMULA_PREFIXES


# In a plain row's cells joined by tabs: what ``_cell_problem`` looks for (undecoded bytes, line breaks,
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


def _plain_cells(width: int, verbatim: frozenset[int]) -> Callable[[list[object]], list[str] | None]:
    """A function giving a row's cells as ``clean_cell`` cleans them, or None when the row is not plain.

    Plain: text cells (CSV), as many as the header's columns, and no match of ``_NOT_PLAIN`` in the cleaned
    cells. Then ``clean_cell`` is a strip (after NFKC for a non-ASCII cell that is not verbatim; verbatim
    cells, the names kept as registered, are only trimmed), and ``_cell_problem`` finds nothing.

    Most rows of a large file need not even the strip: the cells are joined into two strings (those to
    normalise, those kept verbatim), NFKC'd at once where needed (NFKC never joins characters across a tab,
    so the whole equals the cells one by one), checked by one scan (``_NOT_PLAIN_CHARS``) and a few
    substring tests, and split again: about a third of the time of a strip per cell. A row that fails any
    of this (whitespace at a cell's end, a tab inside a cell) takes the strip-per-cell way below it.
    """
    normalised = [i not in verbatim for i in range(width)]
    normalize, search = unicodedata.normalize, _NOT_PLAIN.search
    to_normalise = [i for i in range(width) if i not in verbatim]
    kept = [i for i in range(width) if i in verbatim]
    pick_normalised, pick_kept = _picker(to_normalise), _picker(kept)
    in_file_order = _picker([(to_normalise + kept).index(i) for i in range(width)])
    tabs_normalised, tabs_kept = max(len(to_normalise) - 1, 0), max(len(kept) - 1, 0)
    search_chars = _NOT_PLAIN_CHARS.search

    def stripped(raw: list[object]) -> list[str] | None:
        try:
            cleaned = [
                value.strip() if value.isascii() or not nfkc else normalize("NFKC", value).strip()
                for value, nfkc in zip(raw, normalised, strict=True)
            ]
        except AttributeError:  # a workbook's number, date or empty cell: clean_cell's business
            return None
        return None if search("\t".join(cleaned)) else cleaned

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


def _printable(value: str) -> str:
    return _UNDECODED.sub("\ufffd", value).replace("\x00", "\\0")


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
    _quotes: "_QuotesSeen | None" = field(default=None, repr=False)

    @classmethod
    def of_part(cls, data: bytes, *, encoding: str, first_line: int, keys: list, verbatim: frozenset[int]) -> "Table":
        """A part of a CSV file (``csv_parts``) read with its file's header; ``quotes_seen`` after reading."""
        records = _QuotesSeen(_csv_rows(io.BytesIO(data), encoding=encoding, first_line=first_line), data)
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

        Most rows of a large file are plain: text cells, one per column, nothing that ``_cell_problem``
        looks for and no leading apostrophe. Such a row is cleaned with one strip (NFKC where needed) per
        cell and checked with one regular expression over the whole row (``_plain_cells``); any other row
        takes the cell-by-cell way, which reports exactly. A million rows took a minute the other way.
        """
        width = len(self.keys)
        names = [key or "" for key in self.keys]
        keys = self.keys if None not in self.keys else None
        plain_cells = _plain_cells(width, self.verbatim)
        for index, raw in self._raw:
            cells = plain_cells(raw)
            if cells is not None:
                if any(cells):  # blank lines (Excel leaves them) are not rows
                    self.data_rows += 1
                    if keys is not None:
                        yield index, dict(zip(keys, cells, strict=True))
                    else:
                        yield index, {key: cells[i] for i, key in enumerate(self.keys) if key is not None}
                continue
            cells = [clean_cell(value, verbatim=i in self.verbatim) for i, value in enumerate(raw)]
            if not any(cells):
                continue  # blank lines (Excel leaves them) are not rows
            self.data_rows += 1
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
                reason = cell and _cell_problem(cell, neutralised=_is_neutralised(raw[i]))
                if reason:
                    problems += 1
                    self.report.add(index, names[i], _printable(cell), reason)
            if problems:
                continue
            if len(cells) < width:
                cells.extend([""] * (width - len(cells)))
            yield index, {key: cells[i] for i, key in enumerate(self.keys) if key is not None}


def open_table(
    stream: IO[bytes], columns: Iterable[Column], *, ignore_unknown: bool = False, allow_xlsx: bool = True
) -> Table:
    """Read the header of a CSV or XLSX file and map it to column keys; raise FileRejected on a bad header."""
    columns = list(columns)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(_XLSX_MAGIC):
        if not allow_xlsx:
            raise FileRejected(_single_error(0, translation.gettext("此类文件只接受 CSV，不接受 XLSX")))
        raw: Iterator[tuple[int, list[object]]] = _xlsx_rows(stream)
    elif head.startswith(_OLE2_MAGIC) or head.startswith(b"PK"):
        raise _not_tabular()
    else:
        raw = _csv_rows(stream)
    # Blank lines before the header are not a header (a file of blank lines is empty).
    first = next((item for item in raw if any(clean_cell(cell) for cell in item[1])), None)
    report = ErrorReport()
    if first is None:
        report.add(1, "", "", translation.gettext("文件为空，缺少表头"))
        raise FileRejected(report)
    header_row, header = first
    by_name = {}
    for column in columns:
        by_name[column.key.casefold()] = column.key
        by_name[unicodedata.normalize("NFKC", column.alias).casefold()] = column.key
    keys: list[str | None] = []
    unknown: list[str] = []
    seen: set[str] = set()
    for name in (clean_cell(cell) for cell in header):
        key = by_name.get(name.casefold())
        if key is None:
            if name:
                unknown.append(_printable(name))
            keys.append(None)
            continue
        if key in seen:
            report.add(1, name, name, translation.gettext("表头重复"))
        seen.add(key)
        keys.append(key)
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


# --- cell parsers: each returns the parsed value or raises ValueError with the reason --------------


# No date of ours lies outside these years; 0001-01-01 or 9999-12-31 is a placeholder or a typo.
DATE_MIN, DATE_MAX = datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)


def parse_date(value: str) -> datetime.date | None:
    if not value:
        return None
    text = value.replace("/", "-").replace(".", "-")
    text = re.sub(r"[年月]", "-", text).removesuffix("日")
    text = text.split(" ")[0].split("T")[0]
    try:
        date = datetime.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        raise ValueError(translation.gettext("日期应为 YYYY-MM-DD")) from None
    if not DATE_MIN <= date <= DATE_MAX:
        raise ValueError(translation.gettext("日期应在 1900 至 2099 年之间"))
    return date


# PositiveIntegerField's upper bound on every backend we run on (Django's integer_field_ranges): the
# largest count a cell may give.
POSITIVE_INT_MAX = 2_147_483_647


def parse_non_negative_int(value: str) -> int | None:
    if not value:
        return None
    text = value.replace(",", "")
    if text.endswith(".0"):
        text = text[:-2]
    if not (text.isascii() and text.isdigit()):
        raise ValueError(translation.gettext("应为不小于0的整数"))
    if len(text) > 18:
        raise ValueError(translation.gettext("数值过大"))
    return int(text)


_TRUE = {"1", "true", "yes", "y", "是", "有", "t"}
_FALSE = {"0", "false", "no", "n", "否", "无", "f"}


def parse_bool(value: str) -> bool | None:
    if not value:
        return None
    text = value.casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(translation.gettext("应为 1/0、true/false 或 是/否"))


def parse_list(value: str) -> list[str]:
    return [item.strip() for item in _LIST_SEPARATOR.split(value)] if value else []


def choice_parser(choices: type[models.TextChoices]) -> Callable[[str], str]:
    """A parser turning a key or label into the key ('' stays ''), built once per import.

    Labels are matched in Chinese and in English whatever language the request runs in: an official's
    file carries the Chinese label even when the admin is used in English.
    """
    lookup: dict[str, str] = {}
    for key, label in choices.choices:
        lookup[key.casefold()] = key
        for language in ("zh-hans", "en"):
            with translation.override(language):
                lookup[str(label).casefold()] = key
    with translation.override("zh-hans"):
        allowed = "、".join(f"{key} {label}" for key, label in choices.choices)

    def parse(value: str) -> str:
        if not value:
            return ""
        try:
            return lookup[value.casefold()]
        except KeyError:
            raise ValueError(
                translation.gettext("不是允许的取值（可用：%(allowed)s）") % {"allowed": allowed}
            ) from None

    return parse
