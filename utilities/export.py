"""Writing a whole selection as CSV or XLSX, streamed in constant memory (NetBox's ``utilities/export.py``).

The rows come from a database iterator (``QuerySet.iterator(chunk_size=…)`` or a server-side cursor), are
written a few thousand at a time and leave as chunks of a ``StreamingHttpResponse``: exporting 1.6 million
patents never holds more than one chunk. Text cells that a spreadsheet would run as a formula are neutralised
with a leading apostrophe; the interchange reader (``utilities.tabular.cells.clean_cell``) removes it again.

``neutralise`` is the one rule for every CSV and XLSX the project writes (the exports here, the COPY export,
the indicator API's ``?format=csv``). It looks at text cells only: a number, negative ones included, stays a
number in its column.
"""

import csv
import datetime
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice

from django.db import connection
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

from .tabular.cells import FORMULA_PREFIXES, NEUTRALISING_PREFIX

BOM = "\ufeff"
# Rows per csv.writer.writerows call and per chunk sent: about 0.5-1 MB of CSV.
CSV_ROWS_PER_CHUNK = 4_000
XLSX_MAX_ROWS = 100_000
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Besides the formula signs, a leading tab or carriage return: some spreadsheets skip it and run the
# formula that follows (OWASP, "CSV injection"). The importers refuse control characters, so no stored
# value should start with one; an exported cell that did stays text.
EXPORT_FORMULA_PREFIXES = (*FORMULA_PREFIXES, "\t", "\r")


def neutralise(value):
    """``=1+1`` → ``'=1+1``: a text cell starting with = + - @ (or a tab or CR) is shown as text, never run."""
    if value.__class__ is str and value[:1] in EXPORT_FORMULA_PREFIXES:
        return NEUTRALISING_PREFIX + value
    return value


def neutralise_row(row: Sequence) -> list:
    return [neutralise(value) for value in row]


def export_filename(scope: str, extension: str, *, today: datetime.date | None = None) -> str:
    """``patents-province-320000-2026-11-30.csv``: what was exported and when."""
    today = today or timezone.localdate()
    return f"{scope}-{today.isoformat()}.{extension}"


def _content_disposition(filename: str) -> str:
    return f'attachment; filename="{filename}"'


class _LineFeedRows(io.StringIO):
    """The file of a ``csv.writer`` whose line terminator is CRLF; each row is kept ending in LF.

    csv quotes a cell only for the characters of its own line terminator: with "\n" a cell holding a lone
    "\r" went out bare and a reader split the row there. With "\r\n" both are quoted; the writer writes each
    row in one call, terminator last, so swapping that for "\n" leaves the files as they were otherwise."""

    def write(self, row: str) -> int:
        return super().write(row.removesuffix("\r\n") + "\n")


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence], *, bom: bool = False) -> Iterator[bytes]:
    """Header and rows as UTF-8 CSV chunks. ``rows`` must already be neutralised (see ``neutralise_row``)."""
    buffer = _LineFeedRows()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if bom:
        io.StringIO.write(buffer, BOM)  # as it is: it is no row
    writer.writerow(header)
    rows = iter(rows)
    while True:
        batch = list(islice(rows, CSV_ROWS_PER_CHUNK))
        if batch:
            writer.writerows(batch)
        chunk = buffer.getvalue()
        if chunk:
            yield chunk.encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
        if len(batch) < CSV_ROWS_PER_CHUNK:
            return


def csv_response(
    header: Sequence[str], rows: Callable[[], Iterable[Sequence]], *, filename: str, bom: bool = False
) -> StreamingHttpResponse:
    """Stream ``rows()`` (called when the response is sent, so the query runs while streaming) as CSV."""

    def content() -> Iterator[bytes]:
        yield from csv_chunks(header, rows(), bom=bom)

    response = StreamingHttpResponse(content(), content_type=CSV_MEDIA_TYPE)
    response["Content-Disposition"] = _content_disposition(filename)
    return response


# Bytes gathered from COPY before they are handed to the server as one chunk (COPY sends a row at a time).
COPY_CHUNK_BYTES = 1 << 18


def _copy_select(queryset: QuerySet, columns: dict[str, str]) -> tuple[str, tuple]:
    """The COPY statement for ``queryset`` (a ``values_list``), columns in ``columns`` order.

    ``columns`` maps each output column to its kind: ``text`` cells are neutralised as ``neutralise`` does
    and written empty when empty (COPY would quote an empty string as ``""``), ``date`` cells are written
    ``YYYY-MM-DD`` whatever the session's DateStyle, ``plain`` cells as PostgreSQL formats them.
    """
    sql, params = queryset.query.sql_with_params()
    quote = connection.ops.quote_name
    # chr(n): a tab or CR written into the statement itself would be harder to read in a log.
    prefixes = ", ".join(f"chr({ord(prefix)})" for prefix in EXPORT_FORMULA_PREFIXES)
    expressions = []
    for name, kind in columns.items():
        column = f"r.{quote(name)}"
        if kind == "text":
            expression = (
                f"CASE WHEN left({column}, 1) IN ({prefixes}) THEN '{NEUTRALISING_PREFIX * 2}' || {column} "
                f"ELSE NULLIF({column}, '') END"
            )
        elif kind == "date":
            expression = f"to_char({column}, 'YYYY-MM-DD')"
        else:
            expression = column
        expressions.append(f"{expression} AS {quote(name)}")
    select = f"SELECT {', '.join(expressions)} FROM ({sql}) AS r"
    return f"COPY ({select}) TO STDOUT WITH (FORMAT csv, HEADER)", params


def copy_csv_response(
    queryset: QuerySet, columns: dict[str, str], *, filename: str, bom: bool = False
) -> StreamingHttpResponse:
    """PostgreSQL only: the CSV of ``queryset`` written by the database itself (``COPY … TO STDOUT``).

    The rows, the header and the neutralised cells are those ``csv_response`` writes from Python, at the
    speed of COPY: the server only forwards the bytes in chunks of ``COPY_CHUNK_BYTES``.
    """
    statement, params = _copy_select(queryset, columns)

    def content() -> Iterator[bytes]:
        if bom:
            yield BOM.encode("utf-8")
        buffer = bytearray()
        with connection.cursor() as cursor, cursor.cursor.copy(statement, params) as copy:
            for data in copy:
                buffer += data
                if len(buffer) >= COPY_CHUNK_BYTES:
                    yield bytes(buffer)
                    buffer.clear()
        if buffer:
            yield bytes(buffer)

    response = StreamingHttpResponse(content(), content_type=CSV_MEDIA_TYPE)
    response["Content-Disposition"] = _content_disposition(filename)
    return response


def xlsx_response(
    header: Sequence[str], rows: Iterable[Sequence], *, filename: str, sheet_title: str = "data"
) -> FileResponse:
    """An XLSX of the rows, written by openpyxl's write-only workbook (constant memory) to a temporary file.

    Rows must already be neutralised. The file is deleted when the response is closed. XLSX carries its
    own encoding, so no BOM is needed or written.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title)
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_MEDIA_TYPE)
