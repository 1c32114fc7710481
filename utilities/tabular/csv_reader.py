"""Reading a CSV file streamed, in any encoding Chinese users produce: UTF-8 (with or without BOM) or
GB18030/GBK, detected from the first megabyte; binary files and broken quoting rejected with their row."""

import codecs
import csv
import io
import re
from collections.abc import Iterator
from typing import IO

from django.utils import translation

from .errors import FileRejected, not_tabular, single_error

SNIFF_BYTES = 1 << 20
# Bytes no text file of ours contains (tab, line feed and carriage return excepted).
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A line longer than this is not a row of ours (a row of the widest file is a few hundred characters);
# reading it whole would hold it in memory.
MAX_LINE_CHARS = 1 << 20


def detect_encoding(sample: bytes) -> str:
    """utf-8-sig for a BOM, utf-8 when the sample decodes, else gb18030 (a superset of GBK and GB2312)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def check_text_sample(sample: bytes) -> None:
    """Reject binary files (and UTF-16 text) before they are decoded as a misleading "encoding" error."""
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise not_tabular(translation.gettext_noop("文件为 UTF-16 编码，请另存为 UTF-8 CSV 或 .xlsx"))
    controls = len(_CONTROL_BYTES.findall(sample))
    # One stray control character in a text file is reported with its row (``cell_problem``); binary
    # files are full of them, and of NUL bytes.
    if b"\x00" in sample or controls > max(1, len(sample) // 1000):
        raise not_tabular()


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


def csv_rows(stream: IO[bytes], *, encoding: str | None = None, first_line: int = 1) -> Iterator[tuple[int, list[str]]]:
    """(line number where the record starts, cells) for each CSV record.

    ``encoding`` and ``first_line``: for a part of a file read on its own (``Table.of_part``), the file's
    encoding and the line the part starts on; a whole file's encoding is detected here.
    """
    if encoding is None:
        sample = stream.read(SNIFF_BYTES)
        check_text_sample(sample)
        encoding = detect_encoding(sample)
        # Re-join the sniffed sample with the rest so the file is read once, streaming.
        joined = io.BufferedReader(_Prepend(sample, stream), buffer_size=1 << 16)
    else:
        joined = stream
    # Undecodable bytes become lone surrogates, reported with the row they are in (``cell_problem``):
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
        raise FileRejected(single_error(problem.row, problem.reason)) from None
    except csv.Error as exc:
        end = reader.line_num + first_line - 1
        # A quote opened on one line and "closed" lines later inside a cell: the opening one is the error.
        spanning = end > start and "expected after" in str(exc)
        reason = _spanning(start, end) if spanning else _csv_error_reason(str(exc))
        raise FileRejected(single_error(start, reason)) from None


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
