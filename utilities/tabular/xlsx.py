"""Reading the first sheet of an XLSX workbook, refusing a workbook that would unpack or parse to more than
any file of ours holds (a small upload can be a "zip bomb" of gigabytes)."""

import io
from collections.abc import Iterator
from typing import IO

from django.utils import translation

from .errors import FileRejected, not_tabular, single_error

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
    return FileRejected(single_error(row, translation.gettext(reason) % values))


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
        raise not_tabular(DAMAGED_XLSX) from None
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


def xlsx_rows(stream: IO[bytes]) -> Iterator[tuple[int, list[object]]]:
    from openpyxl import load_workbook

    # Before openpyxl unpacks anything (it reads every shared string when it opens the workbook).
    check_xlsx_archive(stream)
    # openpyxl raises whatever its zip, XML and cell readers raise on a broken file (BadZipFile,
    # KeyError, XML and value errors): any of them means the file is not a workbook we can read.
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception:
        raise not_tabular(DAMAGED_XLSX) from None
    try:
        if not workbook.worksheets:
            raise not_tabular(DAMAGED_XLSX)
        sheet = workbook.worksheets[0]
        _check_dimension(sheet)
        number = 0
        try:
            for number, row in _worksheet_rows(workbook, sheet):
                yield number, row
        except FileRejected:
            raise
        except Exception:
            raise FileRejected(single_error(number + 1, DAMAGED_XLSX)) from None
    finally:
        workbook.close()
