"""Cutting a CSV file into parts that worker processes read on their own, each giving exactly the rows and
line numbers the whole file gives (``csv_parts``, ``QuotesSeen``)."""

import re
from collections.abc import Iterator
from typing import IO

from .csv_reader import SNIFF_BYTES, check_text_sample, detect_encoding


class NotInParts(Exception):
    """The file cannot be cut into parts that read exactly as the whole does; read it in one piece."""


# Line breaks as ``csv_reader._lines`` counts them (universal newlines: \r\n, \r and \n each end a line).
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
    sample = stream.read(SNIFF_BYTES)
    check_text_sample(sample)
    encoding = detect_encoding(sample)
    # The parts are read from the header's next line on: a BOM is behind them.
    part_encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    stream.seek(0)

    return part_encoding, _parts(stream, after_line=after_line, part_bytes=part_bytes, max_part_bytes=max_part_bytes)


def _after_header(stream: IO[bytes], *, after_line: int, max_part_bytes: int) -> bytes | None:
    """What was read of the file after line ``after_line`` (None: the file ends before it)."""
    buffer, line, position = b"", 1, 0
    while line <= after_line:  # skip the header (and any blank lines before it)
        match = _LINE_BREAK.search(buffer, position)
        # A \r at the end of what was read may be the first half of a \r\n.
        if match is None or (match.group() == b"\r" and match.end() == len(buffer)):
            chunk = stream.read(1 << 16)
            if not chunk:
                return None
            buffer += chunk
            if len(buffer) > max_part_bytes:
                raise NotInParts
            continue
        line, position = line + 1, match.end()
    if buffer.count(b'"', 0, position) % 2:
        raise NotInParts  # a header with a quote in a cell: the parity count would start wrong
    return buffer[position:]


def _parts(stream: IO[bytes], *, after_line: int, part_bytes: int, max_part_bytes: int) -> Iterator[tuple[int, bytes]]:
    """``csv_parts``'s parts, read lazily: the stream is not touched before the first is asked for."""
    buffer = _after_header(stream, after_line=after_line, max_part_bytes=max_part_bytes)
    if buffer is None:
        return
    line = after_line + 1
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


class QuotesSeen:
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
