"""Reading patents.csv into the importer's staging tables: every row validated, on as many cores as there are.

Reading and validating a row in Python costs about ten times what PostgreSQL spends loading it, so a
large file is read in parts (``csv_parts``: whole lines, cut outside quotes) by worker processes, each
giving back its part's rows already in COPY's text format and its problems; this process only passes the
text to COPY, in file order, while the workers read the next parts. A part gives exactly the rows, line
numbers and problems the whole file gives there, so the report is the same either way; the few files that
cannot be cut so (a quote in the middle of a cell) are read in one piece, as small files are.

Every valid row goes to the patent and applicant staging tables, every invalid row's keys to the key
table: the duplicates inside the file are then found over all rows in SQL (``validation.duplicates``).
"""

import multiprocessing
import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial
from typing import IO

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import translation
from django.utils.translation import gettext

from utilities.processes import django_process_pool
from utilities.tabular import MAX_REPORTED_ERRORS, ErrorReport, FileRejected
from utilities.tabular.parts import NotInParts, csv_parts
from utilities.tabular.table import Table

from .validation import PATENT_FIELDS, RowValidator, duplicates

STAGE_PATENT = "_patent_import_patent"
STAGE_APPLICANT = "_patent_import_applicant"
STAGE_KEYS = "_patent_import_keys"
# k: the patent's key in the staging tables (its row number); they join on it.
STAGE_PATENT_COLUMNS = ("k", "row_number", "n_applicants", *PATENT_FIELDS)
# sole: 1 when the row is its patent's only applicant.
STAGE_APPLICANT_COLUMNS = ("k", "position", "name", "name_normalized", "credit_code", "sole")
STAGE_KEY_COLUMNS = ("row_number", "publication_number", "jurisdiction", "application_number")

# Rows per COPY when the file is read in one piece: large enough that the round trips don't matter,
# small enough to stay a few MB.
BATCH_ROWS = 20_000
# Files from this size on are read in parts by worker processes (below it, starting them costs more).
PARALLEL_FROM_BYTES = 16 << 20
# A part's size: about 20,000 rows of a typical file, a few MB in flight per worker.
PART_BYTES = 4 << 20
# No line feed outside quotes within this many bytes: the file is read in one piece instead.
MAX_PART_BYTES = 64 << 20


def staging_tables_create(cursor) -> None:
    """The staging tables, empty: TEMP, so private to this connection (the importer drops them at its end)."""
    # k: the patent's key among the file's valid rows (its row number); the staging tables join on it.
    # Unique by construction, yet declared as no key: PostgreSQL joins these tables by hashing them whole
    # and never reads such indexes; maintaining them during COPY took ~3 s of CPU at report scale, on the
    # cores the workers read the file with.
    cursor.execute(
        f"""CREATE TEMP TABLE {STAGE_PATENT} (
            k integer NOT NULL, row_number integer NOT NULL, n_applicants integer NOT NULL,
            publication_number text NOT NULL, application_number text NOT NULL, jurisdiction text NOT NULL,
            patent_type text NOT NULL, title text NOT NULL, application_date date NOT NULL,
            publication_date date NOT NULL, grant_date date, legal_status text NOT NULL, ipc_main text NOT NULL,
            cited_by_count integer NOT NULL, license_count integer NOT NULL, transfer_count integer NOT NULL)"""
    )
    cursor.execute(
        f"""CREATE TEMP TABLE {STAGE_APPLICANT} (
            k integer NOT NULL, position integer NOT NULL, name text NOT NULL, name_normalized text NOT NULL,
            credit_code text NOT NULL, sole integer NOT NULL)"""
    )
    # The keys of the rows after the first invalid one (which are not staged above), '' where missing.
    cursor.execute(
        f"""CREATE TEMP TABLE {STAGE_KEYS} (
            row_number integer NOT NULL, publication_number text NOT NULL, jurisdiction text NOT NULL,
            application_number text NOT NULL)"""
    )


def staged_with_duplicates(cursor, report: ErrorReport) -> ErrorReport:
    """``report`` plus the duplicates inside the staged file, merged in row order, as one report.

    Both lists are in row order and each holds its first MAX_REPORTED_ERRORS, so the merged report's
    first MAX_REPORTED_ERRORS are among them; within a row the cell errors come first, as they always did.
    """
    every_row = f"""(SELECT row_number, publication_number, jurisdiction, application_number FROM {STAGE_PATENT}
                     UNION ALL
                     SELECT row_number, publication_number, jurisdiction, application_number FROM {STAGE_KEYS})"""
    errors, total = duplicates(cursor, every_row, limit=MAX_REPORTED_ERRORS)
    if not total:
        return report
    merged = ErrorReport()
    merged.errors = sorted(report.errors + errors, key=lambda error: error.row)[:MAX_REPORTED_ERRORS]
    merged.total = report.total + total
    return merged


def _copy_text(value: str) -> str:
    """A text value as COPY's text format writes it (backslash, tab and line breaks escaped)."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class RowStager:
    """Validates rows one at a time and keeps what goes to the staging tables, as COPY text, until ``take``."""

    def __init__(self) -> None:
        self.report = ErrorReport()
        self.validate = RowValidator(self.report)
        self._reset()

    def _reset(self) -> None:
        self.rows = 0  # since the last ``take``
        self.patents: list = []
        self.applicants: list = []
        self.keys: list = []

    def take(self) -> tuple:
        """(patents, applicants, keys) since the last ``take``: COPY text each (UTF-8)."""
        # bytes: they cross from a worker process as they are, and COPY sends them as they are
        taken = tuple("".join(lines).encode() for lines in (self.patents, self.applicants, self.keys))
        self._reset()
        return taken

    def add(self, number: int, row: dict[str, str]) -> None:
        self.rows += 1
        result = self.validate(number, row)
        if result is None:
            keys = (number, *self.validate.keys)
            line = f"{number}\t{keys[1]}\t{keys[2]}\t{keys[3]}\n"
            if "\\" in line or line.count("\t") != 3:
                line = "\t".join(_copy_text(str(value)) for value in keys) + "\n"
            self.keys.append(line)
            return
        values, people = result
        sole = int(len(people) == 1)
        (pub, app, office, kind, title, applied, published, granted, status, ipc, cited, licensed, moved) = values
        # COPY's NULL is the one backslash a row may hold unescaped.
        granted, backslashes = (granted.isoformat(), 0) if granted else ("\\N", 1)
        line = (
            f"{number}\t{number}\t{len(people)}\t{pub}\t{app}\t{office}\t{kind}\t{title}\t{applied}\t"
            f"{published}\t{granted}\t{status}\t{ipc}\t{cited}\t{licensed}\t{moved}\n"
        )
        if line.count("\\") != backslashes or line.count("\t") != 15:  # in a text cell: escape them
            texts = [_copy_text(value) for value in (pub, app, office, kind, title)]
            line = "\t".join(
                [str(number), str(number), str(len(people)), *texts, str(applied), str(published), granted]
                + [_copy_text(status), _copy_text(ipc), str(cited), str(licensed), str(moved)]
            )
            line += "\n"
        self.patents.append(line)
        for position, (name, normalized, code) in enumerate(people, start=1):
            line = f"{number}\t{position}\t{name}\t{normalized}\t{code}\t{sole}\n"
            if "\\" in line or line.count("\t") != 5:
                line = (
                    f"{number}\t{position}\t{_copy_text(name)}\t{_copy_text(normalized)}\t{_copy_text(code)}\t{sole}\n"
                )
            self.applicants.append(line)


def _load(cursor, taken: tuple) -> None:
    """Append what a ``RowStager`` took to the staging tables, in one COPY per table."""
    for staged, table, columns in zip(
        taken,
        (STAGE_PATENT, STAGE_APPLICANT, STAGE_KEYS),
        (STAGE_PATENT_COLUMNS, STAGE_APPLICANT_COLUMNS, STAGE_KEY_COLUMNS),
        strict=True,
    ):
        if not staged:
            continue
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write(staged)


def rows_stage(cursor, stream: IO[bytes], table: Table, *, reopen: Callable[[], Table], size: int) -> ErrorReport:
    """Validate every row of ``table`` (just opened on ``stream``, ``size`` bytes) into the staging tables.

    ``reopen`` opens the file again from its start, should it have to be read in one piece after all.
    Returns the validation problems; raises ``FileRejected`` for the reader's, which take precedence as
    they always did (``Table.rows``).
    """
    processes = staging_processes()
    if processes > 1 and size >= PARALLEL_FROM_BYTES:
        try:
            return _stage_in_parts(cursor, stream, table, processes=processes)
        except NotInParts:
            # Read it again in one piece, from an empty start.
            cursor.execute(f"TRUNCATE {STAGE_PATENT}, {STAGE_APPLICANT}, {STAGE_KEYS}")
            table = reopen()
    return _stage_in_one_piece(cursor, table)


def staging_processes() -> int:
    """How many worker processes read a large file: ``PATENT_IMPORT_PROCESSES``, by default the cores.

    None inside a daemonic process (a Celery worker's child may not start processes of its own).
    """
    if multiprocessing.current_process().daemon:
        return 1
    return settings.PATENT_IMPORT_PROCESSES or os.cpu_count() or 1


def _stage_in_one_piece(cursor, table: Table) -> ErrorReport:
    stager = RowStager()
    for number, row in table.rows():
        stager.add(number, row)
        if stager.rows >= BATCH_ROWS:
            _load(cursor, stager.take())
    _load(cursor, stager.take())
    return stager.report


@dataclass
class StagedPart:
    """What a worker gives back for one part of the file."""

    staged: tuple = ()
    report: ErrorReport = field(default_factory=ErrorReport)  # the validator's problems
    reader: ErrorReport = field(default_factory=ErrorReport)  # the reader's problems (see Table.rows)
    data_rows: int = 0
    quotes_seen: bool = False
    fatal: ErrorReport | None = None  # the reader stopped (an unclosed quote, a line too long, ...)


def part_stage(data: bytes, first_line: int, *, encoding: str, keys: list, verbatim: frozenset, language: str):
    """A worker's job: one part of the file, read and validated as the whole file would be there."""
    with translation.override(language):
        table = Table.of_part(data, encoding=encoding, first_line=first_line, keys=keys, verbatim=verbatim)
        stager = RowStager()
        try:
            for number, row in table.cleaned_rows():
                stager.add(number, row)
        except FileRejected as rejected:
            return StagedPart(fatal=rejected.report)
        return StagedPart(
            staged=stager.take(),
            report=stager.report,
            reader=table.report,
            data_rows=table.data_rows,
            quotes_seen=table.quotes_seen,
        )


def _stage_in_parts(cursor, stream: IO[bytes], table: Table, *, processes: int) -> ErrorReport:
    encoding, parts = csv_parts(
        stream, after_line=table.header_line, part_bytes=PART_BYTES, max_part_bytes=MAX_PART_BYTES
    )
    job: Callable[[bytes, int], StagedPart] = partial(
        part_stage,
        encoding=encoding,
        keys=table.keys,
        verbatim=table.verbatim,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    report, reader, data_rows = ErrorReport(), ErrorReport(), 0
    pool = django_process_pool(processes)
    pending: deque[Future] = deque()

    def take_one() -> None:
        nonlocal data_rows
        part: StagedPart = pending.popleft().result()
        if part.fatal is not None:
            raise FileRejected(part.fatal)
        _load(cursor, part.staged)
        report.extend(part.report)
        reader.extend(part.reader)
        data_rows += part.data_rows
        if part.quotes_seen:
            # This part was read right, the next ones may not have been cut right: read the file again.
            raise NotInParts

    try:
        for first_line, data in parts:
            pending.append(pool.submit(job, data, first_line))
            if len(pending) >= 2 * processes:  # a bounded number of parts in flight: flat memory
                take_one()
        while pending:
            take_one()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    if not data_rows:
        reader.add(2, "", "", gettext("文件只有表头，没有数据行"))
    if reader:
        raise FileRejected(reader)
    return report


__all__ = ["RowStager", "rows_stage", "staging_processes"]


def session_tuned(cursor) -> None:
    """Memory for the sorts and hash joins over a million staged rows, this transaction only.

    The defaults (work_mem 4 MB, temp_buffers 8 MB) send every sort and every temp-table page to disk.
    temp_buffers can only change before the session's first temp table, so a long-lived connection that
    already used one keeps its value (the savepoint absorbs the refusal).
    """
    cursor.execute("SET LOCAL work_mem = '256MB'")
    try:
        with transaction.atomic():
            cursor.execute("SET LOCAL temp_buffers = '512MB'")
    except DatabaseError:
        pass
