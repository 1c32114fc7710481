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

    def lines(self) -> list[str]:
        lines = [str(error) for error in self.errors]
        if self.total > len(self.errors):
            lines.append(f"……另有 {self.total - len(self.errors)} 个错误未列出 ({self.total} errors in all)")
        return lines

    def as_json(self) -> list[dict]:
        return [{"row": e.row, "column": e.column, "value": e.value, "reason": e.reason} for e in self.errors]


class FileRejected(Exception):
    """The file as a whole is invalid; nothing was written. Carries the full error report."""

    def __init__(self, report: ErrorReport) -> None:
        self.report = report
        super().__init__("\n".join(report.lines()))


def clean_cell(value: object) -> str:
    """Trim and NFKC-normalise a cell (full-width digits and letters become half-width)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if text.isascii():
        # NFKC leaves ASCII unchanged; skipping it saves a third of the parse time of a large file.
        return text.strip()
    return unicodedata.normalize("NFKC", text).strip()


def detect_encoding(sample: bytes) -> str:
    """utf-8-sig for a BOM, utf-8 when the sample decodes, else gb18030 (a superset of GBK and GB2312)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def _csv_rows(stream: IO[bytes]) -> Iterator[list[str]]:
    sample = stream.read(_SNIFF_BYTES)
    encoding = detect_encoding(sample)
    # Re-join the sniffed sample with the rest so the file is read once, streaming.
    joined = io.BufferedReader(_Prepend(sample, stream), buffer_size=1 << 16)
    text = io.TextIOWrapper(joined, encoding=encoding, newline="")
    reader = csv.reader(text)
    try:
        yield from reader
    except UnicodeDecodeError as exc:
        raise FileRejected(
            _single_error(reader.line_num + 1, f"文件编码不一致（按 {encoding} 读取失败）: {exc.reason}")
        ) from exc
    except csv.Error as exc:
        raise FileRejected(_single_error(reader.line_num, f"CSV 格式错误: {exc}")) from exc


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


def _xlsx_rows(stream: IO[bytes]) -> Iterator[list[object]]:
    from openpyxl import load_workbook

    workbook = load_workbook(stream, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def _single_error(row: int, reason: str) -> ErrorReport:
    report = ErrorReport()
    report.add(row, "", "", reason)
    return report


@dataclass
class Table:
    """The header mapping of an opened file; iterate ``rows()`` for (row_number, {key: cleaned value})."""

    keys: list[str | None]
    unknown: list[str]
    _raw: Iterator[list[object]]
    text_cells: bool = False  # every cell is a str (CSV), so the cheaper cleaning applies

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        width = len(self.keys)
        pairs = [(i, key) for i, key in enumerate(self.keys) if key is not None]
        normalize = unicodedata.normalize
        for index, raw in enumerate(self._raw, start=2):
            if self.text_cells:
                # CSV cells are already strings: clean_cell inlined (a third of a large import's parse time).
                cells = [cell.strip() if cell.isascii() else normalize("NFKC", cell).strip() for cell in raw]
            else:
                cells = [clean_cell(value) for value in raw]
            if not any(cells):
                continue  # blank lines (Excel leaves them) are not rows
            if len(cells) < width:
                cells.extend([""] * (width - len(cells)))
            yield index, {key: cells[i] for i, key in pairs}


def open_table(
    stream: IO[bytes], columns: Iterable[Column], *, ignore_unknown: bool = False, allow_xlsx: bool = True
) -> Table:
    """Read the header of a CSV or XLSX file and map it to column keys; raise FileRejected on a bad header."""
    columns = list(columns)
    head = stream.read(4)
    stream.seek(0)
    if head == _XLSX_MAGIC:
        if not allow_xlsx:
            raise FileRejected(_single_error(0, "此类文件只接受 CSV (XLSX is not accepted for this file)"))
        raw: Iterator[list[object]] = _xlsx_rows(stream)
    else:
        raw = _csv_rows(stream)
    header = next(raw, None)
    report = ErrorReport()
    if header is None:
        report.add(1, "", "", "文件为空，缺少表头 (empty file: no header row)")
        raise FileRejected(report)
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
                unknown.append(name)
            keys.append(None)
            continue
        if key in seen:
            report.add(1, name, name, "表头重复 (duplicate column)")
        seen.add(key)
        keys.append(key)
    for name in unknown:
        if not ignore_unknown:
            report.add(1, name, name, "未知列；如确需忽略请使用 --ignore-unknown (unknown column)")
    for column in columns:
        if column.required and column.key not in seen:
            report.add(1, column.key, "", f"缺少必填列 {column.key} [{column.alias}] (missing required column)")
    if report:
        raise FileRejected(report)
    return Table(keys=keys, unknown=unknown, _raw=raw, text_cells=head != _XLSX_MAGIC)


# --- cell parsers: each returns the parsed value or raises ValueError with the reason --------------


def parse_date(value: str) -> datetime.date | None:
    if not value:
        return None
    text = value.replace("/", "-").replace(".", "-")
    text = re.sub(r"[年月]", "-", text).removesuffix("日")
    text = text.split(" ")[0].split("T")[0]
    try:
        return datetime.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        raise ValueError("日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)") from None


# PositiveIntegerField's upper bound on every backend we run on (Django's integer_field_ranges): the
# largest count a cell may give.
POSITIVE_INT_MAX = 2_147_483_647


def parse_non_negative_int(value: str) -> int | None:
    if not value:
        return None
    text = value.replace(",", "")
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit():
        raise ValueError("应为不小于0的整数 (must be an integer >= 0)")
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
    raise ValueError("应为 1/0、true/false 或 是/否 (must be 1/0, true/false or 是/否)")


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
            raise ValueError(f"不是允许的取值 (must be one of: {allowed})") from None

    return parse
