"""Importing patents.csv (the spec's data-formats.md): validate every row, then upsert all or nothing.

The import is set-based so that they scale to the report's 1.5 million patents:

* rows are streamed from the file and validated in Python, one at a time, then loaded in batches into TEMP
  staging tables (``staging.py``) with COPY, a large file read in parts by worker processes. Nothing is
  kept per row, so memory does not grow with the
  file: the duplicates inside the file are found in SQL over the staged keys (``validation.duplicates``),
  and their errors merged into the row-level report;
* a file whose rows are all valid is written without that search first: a key repeated in the file cannot
  pass the writes (``PatentFileImport.plan`` says how each kind is stopped), and when they fail the import rolls back to
  before them and searches then, so a rejected file gets the same report. The search is two hash
  aggregates over every staged row (3.8 s of a first import of 2.3 million patents); a dry run, which
  writes nothing, and a file already rejected for its cells still search first;
* everything else (what is new, changed or unchanged; which applicant lists changed; which enterprise each
  applicant links to; the writes themselves) is a handful of ``INSERT ... SELECT`` / ``UPDATE ... FROM``
  statements that read the staging tables (the new patents' ids are drawn before the writes, so the
  applicants are written without reading the new rows back).

The whole import runs in one transaction: one invalid row rejects the file and nothing is written.
(Applying batch by batch while the file is still being read was tried: each batch's joins then scan the
growing tables again, and the report-scale import got slower, not faster.)
"""

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from enterprises.selectors import enterprise_name_index
from imports.models import ImportRecord
from imports.pipeline import ImportPipeline
from imports.records import ImportOutcome
from utilities.bulk import (
    BULK_ROWS,
    analyze,
    bulk_load,
    drop_tables,
    foreign_keys_checked_once,
    indexes_rebuilt,
    next_pk_sql,
    vacuumed,
)
from utilities.tabular import ErrorReport, FileRejected
from utilities.tabular.cells import Column
from utilities.tabular.table import Table, open_table
from utilities.timing import PhaseClock

from ..models import Patent, PatentApplicant
from ..signals import patent_links_changed
from .import_history import before_import_keep, import_history_write
from .linking import NAMES, load_names, name_match_allowed, sql_filled
from .staging import (
    STAGE_APPLICANT,
    STAGE_KEYS,
    STAGE_PATENT,
    rows_stage,
    session_tuned,
    staged_with_duplicates,
    staging_tables_create,
)
from .validation import PATENT_FIELDS

PATENT_COLUMNS = [
    Column("publication_number", "公开号", required=True),
    Column("application_number", "申请号", required=True),
    Column("jurisdiction", "受理局", required=True),
    Column("patent_type", "专利类型", required=True),
    Column("title", "标题", verbatim=True),
    Column("application_date", "申请日", required=True),
    Column("publication_date", "公开日", required=True),
    Column("grant_date", "授权日"),
    Column("legal_status", "法律状态", required=True),
    Column("ipc_main", "主IPC"),
    Column("cited_by_count", "被引次数"),
    Column("license_count", "许可次数"),
    Column("transfer_count", "转让次数"),
    Column("applicant_names", "申请人", required=True, verbatim=True),
    Column("applicant_credit_codes", "申请人信用代码"),
]

# Staging tables. TEMP, so they are private to this connection; dropped explicitly at the end because an
# import inside an outer transaction (tests, a caller's atomic block) must be able to run twice.
_STAGE_PATENT = STAGE_PATENT
_STAGE_APPLICANT = STAGE_APPLICANT
_STAGE_STATE = "_patent_import_state"
_STAGE_APPDIFF = "_patent_import_appdiff"
_STAGE_RESOLVED = "_patent_import_resolved"
_STAGE_KEYS = STAGE_KEYS
_STAGES = (_STAGE_PATENT, _STAGE_APPLICANT, _STAGE_KEYS, _STAGE_STATE, _STAGE_APPDIFF, _STAGE_RESOLVED, NAMES)


# --- the import's statements, named -----------------------------------------------------------------
# Each step below runs one or two of these. The placeholders are the tables (``_sql``: the models' tables
# quoted, the staging tables by name) and the few computed pieces a step passes in; values go as parameters.

# Rows whose application number already belongs to another patent of the same office.
CONFLICTS_FROM = """FROM {staged} s JOIN {patents} p
    ON p.jurisdiction = s.jurisdiction AND p.application_number = s.application_number
    WHERE p.publication_number <> s.publication_number"""

# Each staged patent: its id (drawn from the sequence for a new one) and what changed (0/1 flags).
STATE_CREATE = """CREATE TEMP TABLE {state} AS
    SELECT s.k, CASE WHEN p.id IS NULL THEN {new_id} ELSE p.id END AS patent_id,
           CASE WHEN p.id IS NULL THEN 1 ELSE 0 END AS is_new,
           CASE WHEN p.id IS NOT NULL AND ({changed_fields}) THEN 1 ELSE 0 END AS fields_changed,
           CASE WHEN p.id IS NULL THEN 1 ELSE 0 END AS applicants_changed
    FROM {staged} s LEFT JOIN {patents} p ON p.publication_number = s.publication_number"""

# One existing patent named by two rows (an UPDATE ... FROM would apply either; nothing else would notice).
STATE_REPEATED = """SELECT 1 FROM {state} WHERE is_new = 0 GROUP BY patent_id HAVING COUNT(*) > 1 LIMIT 1"""

# An existing patent's applicant list changed when one of its rows, (position, name, credit code), has no
# identical row on the other side, staged or stored (positions are unique on both sides). One full join of
# the staged rows with the stored rows of the file's patents, instead of counting each list and looking
# every staged row up: one pass over the stored applicants, not two. A re-imported report-scale file
# compared in 10.5-12.1 s against 12.2-12.8 s (dry runs on a busy machine); a file of a few patents reaches
# their rows through the (patent, position) index.
APPLICANT_LISTS_CHANGED = """CREATE TEMP TABLE {appdiff} AS SELECT DISTINCT k FROM (
    SELECT COALESCE(staged.k, stored.k) AS k FROM (
        SELECT t.k, t.patent_id, sa.position, sa.name, sa.credit_code
        FROM {staged_applicants} sa JOIN {state} t ON t.k = sa.k WHERE t.is_new = 0
    ) staged FULL JOIN (
        SELECT t.k, a.patent_id, a.position, a.name, a.credit_code
        FROM {applicants} a JOIN {state} t ON t.patent_id = a.patent_id WHERE t.is_new = 0
    ) stored
      ON stored.patent_id = staged.patent_id AND stored.position = staged.position
     AND stored.name = staged.name AND stored.credit_code = staged.credit_code
    WHERE staged.k IS NULL OR stored.k IS NULL) c"""
STATE_MARK_APPLICANTS = """UPDATE {state} SET applicants_changed = 1 WHERE k IN (SELECT k FROM {appdiff})"""
STATE_COUNTS = """SELECT SUM(is_new),
       SUM(CASE WHEN is_new = 0 AND (fields_changed = 1 OR applicants_changed = 1) THEN 1 ELSE 0 END),
       COUNT(*)
    FROM {state}"""

# The applicants to be written (new patents and changed lists) resolved to enterprises by the linking rule
# (``{allowed}``); ``{which}`` picks the sole applicants or the others.
APPLICANTS_TO_RESOLVE = """
    SELECT sa.k, t.patent_id, sa.position, sa.name, sa.name_normalized, sa.credit_code,
           COALESCE(ec.id, CASE WHEN {allowed} THEN nm.enterprise_id END) AS candidate,
           CASE WHEN ec.id IS NULL AND {allowed} AND nm.name_normalized IS NOT NULL
                     AND nm.enterprise_id IS NULL THEN 1 ELSE 0 END AS ambiguous
    FROM {staged_applicants} sa
    JOIN {state} t ON t.k = sa.k AND t.applicants_changed = 1
    LEFT JOIN {enterprises} ec ON sa.credit_code <> '' AND ec.credit_code = sa.credit_code
    LEFT JOIN {names} nm ON nm.name_normalized = sa.name_normalized
    WHERE {which}"""
# Of several applicants resolving to one enterprise on one patent, the first position keeps the link. A
# patent's only applicant is trivially its first for its enterprise: the window (a sort of every applicant
# row) runs over the few patents with several applicants only.
RESOLVED_CREATE = """CREATE TEMP TABLE {resolved} AS
    SELECT r.*, candidate AS enterprise_id FROM ({sole}) r
    UNION ALL
    SELECT r.*, CASE WHEN candidate IS NOT NULL
                      AND ROW_NUMBER() OVER (PARTITION BY k, candidate ORDER BY position) = 1
                     THEN candidate END AS enterprise_id
    FROM ({several}) r"""
RESOLVED_COUNTS = """SELECT COUNT(*),
       SUM(CASE WHEN enterprise_id IS NOT NULL THEN 1 ELSE 0 END),
       SUM(ambiguous),
       SUM(CASE WHEN candidate IS NOT NULL AND enterprise_id IS NULL THEN 1 ELSE 0 END)
    FROM {resolved}"""

# Enterprises whose patents change: those linked to changed existing patents before the change (they may
# lose a link) and those the written applicants link to.
ENTERPRISES_LINKED_BEFORE = """SELECT DISTINCT enterprise_id FROM {applicants}
    WHERE enterprise_id IS NOT NULL AND patent_id IN (
        SELECT patent_id FROM {state} WHERE is_new = 0 AND (fields_changed = 1 OR applicants_changed = 1))"""
ENTERPRISES_LINKED_AFTER = """SELECT DISTINCT enterprise_id FROM {resolved} WHERE enterprise_id IS NOT NULL"""

PATENTS_INSERT = """INSERT INTO {patents} (id, {fields}, updated_at)
    SELECT t.patent_id, {staged_fields}, %s
    FROM {staged} s JOIN {state} t ON t.k = s.k
    WHERE t.is_new = 1"""
PATENTS_UPDATE = """UPDATE {patents} SET {assignments}, updated_at = %s
    FROM {staged} s JOIN {state} t ON t.k = s.k
    WHERE {patents}.id = t.patent_id AND t.is_new = 0 AND (t.fields_changed = 1 OR t.applicants_changed = 1)"""
APPLICANTS_DELETE = """DELETE FROM {applicants} WHERE patent_id IN
    (SELECT patent_id FROM {state} WHERE is_new = 0 AND applicants_changed = 1)"""
# The resolved rows carry their patent's id (drawn before they were resolved), which spares a join of two
# million rows.
APPLICANTS_INSERT = """INSERT INTO {applicants} (patent_id, position, name, name_normalized, credit_code, enterprise_id)
    SELECT r.patent_id, r.position, r.name, r.name_normalized, r.credit_code, r.enterprise_id FROM {resolved} r"""


def _sql(template: str, **pieces: str) -> str:
    """``template`` with the tables filled in (``sql_filled``, and the staging tables), and the step's ``pieces``."""
    return sql_filled(
        template,
        staged=_STAGE_PATENT,
        staged_applicants=_STAGE_APPLICANT,
        state=_STAGE_STATE,
        appdiff=_STAGE_APPDIFF,
        resolved=_STAGE_RESOLVED,
        **pieces,
    )


class _RepeatedInFile(Exception):
    """Two rows of the file name one existing patent: seen in ``PatentFileImport.plan`` before it writes."""


def _refuse_duplicates(cursor) -> None:
    """Reject the file with its duplicates, if it has any (``FileRejected``); else return."""
    report = staged_with_duplicates(cursor, ErrorReport())
    if report:
        raise FileRejected(report)


def _analyse_staging(cursor) -> None:
    # Autovacuum never analyses temp tables; without statistics the planner guesses their size from their
    # pages and may pick nested loops over a million rows. Once, before the duplicate search or the writes
    # read them (its statistics outlive a rollback to the writes' savepoint).
    analyze(cursor, _STAGE_PATENT, _STAGE_APPLICANT, _STAGE_KEYS)


def _check_against_database(cursor, *, duplicates_searched: bool) -> None:
    """Reject rows whose application number already belongs to another patent of the same office.

    A file that repeats a key is reported for that first, as the search before the writes would have
    (two rows giving two existing patents one application number conflict with the database too).
    """
    conflicts_from = _sql(CONFLICTS_FROM)
    cursor.execute(
        f"SELECT s.row_number, s.application_number, s.jurisdiction, p.publication_number {conflicts_from} "
        "ORDER BY s.row_number LIMIT 201"
    )
    conflicts = cursor.fetchall()
    if not conflicts:
        return
    if not duplicates_searched:
        _refuse_duplicates(cursor)
    total = len(conflicts)
    if total > 200:
        cursor.execute(f"SELECT COUNT(*) {conflicts_from}")
        total = cursor.fetchone()[0]
    report = ErrorReport()
    for row_number, application_number, jurisdiction, other in conflicts[:200]:
        report.add(
            row_number,
            "application_number",
            application_number,
            gettext("%(office)s 的该申请号已属于专利 %(other)s") % {"office": jurisdiction, "other": other},
        )
    report.total = total
    raise FileRejected(report)


class PatentFileImport(ImportPipeline):
    """patents.csv on the import skeleton. Everything after ``open`` runs in the transaction, through one
    cursor: staging is TEMP tables of this transaction, read by every later step's SQL."""

    kind = ImportRecord.Kind.PATENTS
    transaction_from = "validate"

    def __init__(self, *, ignore_unknown: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.ignore_unknown = ignore_unknown
        self.clock = PhaseClock()
        self.lap = self.clock.lap
        self.totals: dict[str, int] = {}
        self.enterprise_ids: set[int] = set()

    @classmethod
    def from_upload(cls, *, options: dict, **upload) -> "PatentFileImport":
        return cls(ignore_unknown=bool(options.get("ignore_unknown")), **upload)

    def options(self) -> dict:
        return {"dry_run": self.dry_run, "ignore_unknown": self.ignore_unknown}

    @contextmanager
    def resources(self) -> Iterator[None]:
        with connection.cursor() as self.cursor:
            yield

    def _reopen(self) -> Table:
        self.stream.seek(0)  # open_table reads its first bytes from where the stream is
        return open_table(self.stream, PATENT_COLUMNS, ignore_unknown=self.ignore_unknown, allow_xlsx=False)

    def open(self) -> None:
        self.outcome.phases = self.clock.seconds
        self.lap("record and fingerprint")
        self.size = self.stream.seek(0, io.SEEK_END)
        self.table = self._reopen()
        if self.table.unknown:
            unknown = ", ".join(self.table.unknown)
            self.outcome.warnings.append(gettext("已忽略未知列：%(columns)s") % {"columns": unknown})

    def validate(self) -> None:
        """Every row read, checked and staged (one pass); the file's duplicates searched when it must be."""
        cursor = self.cursor
        session_tuned(cursor)
        drop_tables(cursor, *_STAGES)
        staging_tables_create(cursor)
        report = rows_stage(cursor, self.stream, self.table, reopen=self._reopen, size=self.size)
        _analyse_staging(cursor)
        self.lap("read, validate and stage (Python)")
        # See the module's docstring: a valid file is searched for duplicates only if its writes fail.
        self.duplicates_searched = bool(report) or self.dry_run
        if self.duplicates_searched:
            report = staged_with_duplicates(self.cursor, report)
            self.lap("duplicates in the file")
        self.report = report

    def stage(self) -> None:
        """The staged rows checked against the stored patents; the enterprises' names staged for linking."""
        _check_against_database(self.cursor, duplicates_searched=self.duplicates_searched)
        load_names(self.cursor, enterprise_name_index())
        self.lap("conflicts with the database, names")

    @contextmanager
    def planning(self) -> Iterator[None]:
        """Should the writes meet a key the file repeats, the file is rejected with its duplicates."""
        try:
            with transaction.atomic():  # a savepoint: what to roll back to if the writes meet a duplicate
                yield
        except (IntegrityError, _RepeatedInFile):
            if self.duplicates_searched:
                raise
            _refuse_duplicates(self.cursor)
            raise  # not a duplicate of the file's: a conflict with a concurrent change (import_transaction)

    def plan(self) -> Iterator[dict[str, int]]:
        """Unless ``duplicates_searched``, the file may still repeat a key, and every repetition is stopped
        before anything is half-written: two rows with the publication number of an existing patent raise
        ``_RepeatedInFile`` (``_patents_compare``); of a new patent, they break its unique constraint when
        inserted (or when the constraint is built again after a bulk load); two rows giving one office's
        application number to two patents break that unique constraint, new patents or updated."""
        _patents_compare(self.cursor, dry_run=self.dry_run, duplicates_searched=self.duplicates_searched)
        self.lap("compare with the database: patents")
        self.totals = _applicant_lists_compare(self.cursor)
        self.lap("compare with the database: applicant lists")
        self.totals.update(_applicants_resolve(self.cursor))
        self.lap("resolve applicants")
        yield self.totals

    def apply(self, counts: dict[str, int]) -> None:
        if not (counts["created"] or counts["updated"]):
            return
        self.enterprise_ids = _enterprises_touched(self.cursor)
        self.lap("enterprises touched")
        # What the import is about to overwrite, so that it can be reverted (import_history.py).
        before_import_keep(self.cursor, record_id=self.outcome.record.pk, state=_STAGE_STATE)
        self.lap("before-import state kept")
        # updated_at (auto_now in the model) is set here by hand: the incremental sync of the API reads it.
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())
        _patents_write(self.cursor, created=counts["created"], now=self.now, lap=self.lap)
        _applicants_write(self.cursor, written=counts["applicants_written"], lap=self.lap)

    def history(self, counts: dict[str, int]) -> None:
        rows = counts["created"] + counts["updated"]
        if not rows:
            return
        import_history_write(
            self.cursor,
            record=self.outcome.record,
            user=self.user,
            staged=_STAGE_PATENT,
            state=_STAGE_STATE,
            now=self.now,
            rows=rows,
        )
        self.lap("history written")

    def notify(self) -> None:
        drop_tables(self.cursor, *_STAGES)
        if self.dry_run:
            transaction.set_rollback(True)
        elif self.enterprise_ids:
            patent_links_changed.send(sender=Patent, enterprise_ids=frozenset(self.enterprise_ids))
        self.lap("signals")

    def counts(self) -> dict[str, int]:
        return self.totals

    def finish(self) -> None:
        self.lap("commit (deferred checks)")
        # After a bulk load, so that the next readers (the recompute it triggers first) find the tables
        # ready; see ``vacuumed``. Old pages are all-visible already and skipped.
        bulk = not self.dry_run and self.totals["created"] + self.totals["updated"] >= BULK_ROWS
        if bulk and vacuumed(Patent, PatentApplicant):
            self.lap("vacuum (visibility map, statistics)")


def patent_import(
    *,
    stream: IO[bytes],
    file_name: str,
    dry_run: bool = False,
    ignore_unknown: bool = False,
    user=None,
    via: str = "command",
) -> ImportOutcome:
    """Import patents.csv (see the spec's data-formats.md): validate all, then upsert all or nothing.

    Counts: patents ``created`` / ``updated`` / ``unchanged``; ``applicants_written`` (rows of patents
    that are new or whose applicant list changed; unchanged lists keep their rows and links) and, among
    them, ``applicants_linked``, ``applicants_unmatched``, ``applicants_ambiguous`` (name borne by several
    enterprises) and ``applicants_repeated`` (an enterprise printed twice on one patent: linked once).
    A dry run computes the same counts and writes nothing.
    """
    return PatentFileImport(
        stream=stream, file_name=file_name, dry_run=dry_run, ignore_unknown=ignore_unknown, user=user, via=via
    ).run()


def _patents_compare(cursor, *, dry_run: bool, duplicates_searched: bool) -> None:
    """The state table: each staged patent's id and whether it is new or its fields changed."""
    changed_fields = " OR ".join(
        # Null-safe for the one nullable column we compare.
        f"p.{field} IS DISTINCT FROM s.{field}" if field == "grant_date" else f"p.{field} <> s.{field}"
        for field in PATENT_FIELDS
        if field != "publication_number"
    )
    # New patents draw their ids from the table's sequence right here, so their applicants can be written
    # without reading the new rows back (one join of a million rows less). Not on a dry run: it would leave
    # gaps in the sequence for nothing.
    new_id = "NULL" if dry_run else next_pk_sql(cursor, Patent)
    cursor.execute(_sql(STATE_CREATE, new_id=new_id, changed_fields=changed_fields))
    cursor.execute(f"ALTER TABLE {_STAGE_STATE} ADD PRIMARY KEY (k)")
    cursor.execute(f"ANALYZE {_STAGE_STATE}")
    if not duplicates_searched:
        cursor.execute(_sql(STATE_REPEATED))
        if cursor.fetchone():
            raise _RepeatedInFile


def _applicant_lists_compare(cursor) -> dict[str, int]:
    """Mark the existing patents whose applicant list changed; the patents created, updated and unchanged."""
    cursor.execute(_sql(APPLICANT_LISTS_CHANGED))
    cursor.execute(_sql(STATE_MARK_APPLICANTS))
    cursor.execute(_sql(STATE_COUNTS))
    created, updated, total = (value or 0 for value in cursor.fetchone())
    return {"created": created, "updated": updated, "unchanged": total - created - updated}


def _applicants_resolve(cursor) -> dict[str, int]:
    """The resolved table: the applicants to be written, each with its enterprise or none; their counts."""
    allowed = name_match_allowed("sa")
    sole = _sql(APPLICANTS_TO_RESOLVE, allowed=allowed, which="sa.sole = 1")
    several = _sql(APPLICANTS_TO_RESOLVE, allowed=allowed, which="sa.sole = 0")
    cursor.execute(_sql(RESOLVED_CREATE, sole=sole, several=several))
    cursor.execute(_sql(RESOLVED_COUNTS))
    written, linked_count, ambiguous, repeated = (value or 0 for value in cursor.fetchone())
    return {
        "applicants_written": written,
        "applicants_linked": linked_count,
        "applicants_unmatched": written - linked_count,
        "applicants_ambiguous": ambiguous,
        "applicants_repeated": repeated,
    }


def _enterprises_touched(cursor) -> set[int]:
    cursor.execute(_sql(ENTERPRISES_LINKED_BEFORE))
    enterprise_ids = {row[0] for row in cursor.fetchall()}
    cursor.execute(_sql(ENTERPRISES_LINKED_AFTER))
    enterprise_ids.update(row[0] for row in cursor.fetchall())
    return enterprise_ids


def _patents_write(cursor, *, created: int, now, lap: Callable[[str], None]) -> None:
    """Insert the new patents (a bulk load past BULK_ROWS), update the changed ones, delete their applicants."""
    fields = ", ".join(PATENT_FIELDS)
    staged_fields = ", ".join(f"s.{field}" for field in PATENT_FIELDS)
    with indexes_rebuilt(cursor, Patent, enabled=bulk_load(cursor, Patent, created, from_rows=BULK_ROWS)):
        cursor.execute(_sql(PATENTS_INSERT, fields=fields, staged_fields=staged_fields), [now])
        lap("insert new patents")
    lap("patent indexes rebuilt")
    assignments = ", ".join(f"{field} = s.{field}" for field in PATENT_FIELDS[1:])
    cursor.execute(_sql(PATENTS_UPDATE, assignments=assignments), [now])
    cursor.execute(_sql(APPLICANTS_DELETE))
    lap("update changed patents, delete their applicants")


def _applicants_write(cursor, *, written: int, lap: Callable[[str], None]) -> None:
    """Insert the resolved applicants (a bulk load past BULK_ROWS)."""
    with (
        # Per row, each foreign-key check locks the referenced patent row (FOR KEY SHARE), which for a first
        # import of 1.65 million applicants dirtied every patent page again and took ~45 s at COMMIT.
        foreign_keys_checked_once(cursor, PatentApplicant, enabled=written >= BULK_ROWS),
        indexes_rebuilt(
            cursor, PatentApplicant, enabled=bulk_load(cursor, PatentApplicant, written, from_rows=BULK_ROWS)
        ),
    ):
        cursor.execute(_sql(APPLICANTS_INSERT))
        lap("insert applicants")
    lap("applicant indexes rebuilt, foreign keys checked")
