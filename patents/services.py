"""Writes to the patent tables: importing patents.csv and linking applicants to enterprises.

Both operations are set-based so that they scale to the report's 1.5 million patents:

* rows are streamed from the file and validated in Python (constant memory apart from the two sets that
  detect duplicates inside the file), then loaded in batches into TEMP staging tables: PostgreSQL COPY on
  PostgreSQL, ``executemany`` on SQLite;
* everything else (what is new, changed or unchanged; which applicant lists changed; which enterprise each
  applicant links to; the writes themselves) is a handful of ``INSERT ... SELECT`` / ``UPDATE ... FROM``
  statements that read the staging tables. The SQL is shared by both backends, so they behave identically.

The whole import runs in one transaction: one invalid row rejects the file and nothing is written.
(Applying batch by batch while the file is still being read was tried: each batch's joins then scan the
growing tables again, and the report-scale import got slower, not faster.)
"""

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import IO

from django.db import DatabaseError, connection, transaction

from enterprises.credit_codes import credit_code_problem
from enterprises.import_records import ImportOutcome, recorded_import
from enterprises.models import Enterprise, ImportRecord
from enterprises.names import normalize_name
from utilities.tabular import (
    Column,
    ErrorReport,
    FileRejected,
    choice_parser,
    open_table,
    parse_date,
    parse_list,
    parse_non_negative_int,
)

from .choices import LegalStatus, PatentType
from .models import Patent, PatentApplicant
from .signals import patent_links_changed

PATENT_COLUMNS = [
    Column("publication_number", "公开号", required=True),
    Column("application_number", "申请号", required=True),
    Column("jurisdiction", "受理局", required=True),
    Column("patent_type", "专利类型", required=True),
    Column("title", "标题"),
    Column("application_date", "申请日", required=True),
    Column("publication_date", "公开日", required=True),
    Column("grant_date", "授权日"),
    Column("legal_status", "法律状态", required=True),
    Column("ipc_main", "主IPC"),
    Column("cited_by_count", "被引次数"),
    Column("license_count", "许可次数"),
    Column("transfer_count", "转让次数"),
    Column("applicant_names", "申请人", required=True),
    Column("applicant_credit_codes", "申请人信用代码"),
]

# Rows per staging batch: large enough that the round trips don't matter, small enough to stay a few MB.
_BATCH_ROWS = 20_000
# PositiveIntegerField's upper bound on every backend Django supports.
_MAX_INT = 2_147_483_647
_JURISDICTION = re.compile(r"[A-Z]{2}")
_PUBLICATION_NUMBER = re.compile(r"[A-Z]{2}\S+")
_MAX_LENGTH = {
    field.name: field.max_length
    for model in (Patent, PatentApplicant)
    for field in model._meta.concrete_fields
    if getattr(field, "max_length", None)
}

_PATENT_FIELDS = (
    "publication_number",
    "application_number",
    "jurisdiction",
    "patent_type",
    "title",
    "application_date",
    "publication_date",
    "grant_date",
    "legal_status",
    "ipc_main",
    "cited_by_count",
    "license_count",
    "transfer_count",
)
# Staging tables. TEMP, so they are private to this connection; dropped explicitly at the end because an
# import inside an outer transaction (tests, a caller's atomic block) must be able to run twice.
_STAGE_PATENT = "_patent_import_patent"
_STAGE_APPLICANT = "_patent_import_applicant"
_STAGE_STATE = "_patent_import_state"
_STAGE_APPDIFF = "_patent_import_appdiff"
_STAGE_RESOLVED = "_patent_import_resolved"
_NAMES = "_patent_link_names"
_LINK_IDS = "_patent_link_ids"
_LINK_CANDIDATES = "_patent_link_candidates"


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _distinct(left: str, right: str) -> str:
    """Null-safe "differs" for the one nullable column we compare (grant_date)."""
    return f"{left} IS DISTINCT FROM {right}" if _is_postgres() else f"{left} IS NOT {right}"


# --- row validation ------------------------------------------------------------------------------
# A million rows make the Python side of the import its largest cost, so the common case is kept flat:
# dictionary look-ups for the cached parsers (dates, credit codes and names repeat a lot; the caches are
# bounded so a file of unique values cannot grow them without limit) and no function call per cell.
_cached_date = lru_cache(maxsize=1 << 16)(parse_date)
_cached_code_problem = lru_cache(maxsize=1 << 16)(credit_code_problem)
_cached_normalize = lru_cache(maxsize=1 << 17)(normalize_name)
_REQUIRED = "必填项为空 (required)"


_parse_patent_type = choice_parser(PatentType)
_parse_legal_status = choice_parser(LegalStatus)


def _too_long(key: str) -> str:
    return f"超过{_MAX_LENGTH[key]}个字符 (longer than {_MAX_LENGTH[key]} characters)"


class _RowValidator:
    """Validates one row at a time; remembers natural keys to find duplicates inside the file."""

    def __init__(self, report: ErrorReport) -> None:
        self.report = report
        self.publication_numbers: set[str] = set()
        self.applications: set[str] = set()

    def __call__(self, number: int, row: dict[str, str]) -> tuple[tuple, list[tuple[str, str, str]]] | None:
        """(patent values in _PATENT_FIELDS order, [(name, name_normalized, credit_code)]) or None."""
        errors_before = self.report.total
        add = self.report.add
        get = row.get

        publication_number = get("publication_number", "").upper()
        application_number = get("application_number", "")
        jurisdiction = get("jurisdiction", "").upper()
        for key, value in (("publication_number", publication_number), ("application_number", application_number)):
            if not value:
                add(number, key, "", _REQUIRED)
            elif len(value) > _MAX_LENGTH[key]:
                add(number, key, value, _too_long(key))
        if not jurisdiction:
            add(number, "jurisdiction", "", _REQUIRED)
        elif not _JURISDICTION.fullmatch(jurisdiction):
            add(
                number,
                "jurisdiction",
                jurisdiction,
                "受理局应为两位字母代码，如 CN、WO、US (must be a two-letter office code)",
            )
        elif publication_number and not _PUBLICATION_NUMBER.fullmatch(publication_number):
            add(
                number,
                "publication_number",
                publication_number,
                "公开号应以两位受理局代码开头且不含空格 (must start with the office code)",
            )
        elif publication_number and publication_number[:2] != jurisdiction:
            add(
                number,
                "publication_number",
                publication_number,
                f"公开号前缀 {publication_number[:2]} 与受理局 {jurisdiction} 不一致 (must start with the jurisdiction)",
            )

        patent_type = self._choice(number, "patent_type", get("patent_type", ""), _parse_patent_type)
        legal_status = self._choice(number, "legal_status", get("legal_status", ""), _parse_legal_status)
        title = get("title", "")
        if len(title) > _MAX_LENGTH["title"]:
            add(number, "title", title, _too_long("title"))
        ipc_main = get("ipc_main", "")
        if len(ipc_main) > _MAX_LENGTH["ipc_main"]:
            add(number, "ipc_main", ipc_main, _too_long("ipc_main"))

        application_date = self._date(number, "application_date", get("application_date", ""), required=True)
        publication_date = self._date(number, "publication_date", get("publication_date", ""), required=True)
        grant_date = self._date(number, "grant_date", get("grant_date", ""), required=False)
        if application_date:
            if publication_date and publication_date < application_date:
                add(number, "publication_date", row["publication_date"], "公开日早于申请日 (before application_date)")
            if grant_date and grant_date < application_date:
                add(number, "grant_date", row["grant_date"], "授权日早于申请日 (before application_date)")

        cited_by_count = self._count(number, "cited_by_count", get("cited_by_count", ""))
        license_count = self._count(number, "license_count", get("license_count", ""))
        transfer_count = self._count(number, "transfer_count", get("transfer_count", ""))
        applicants = self._applicants(number, get("applicant_names", ""), get("applicant_credit_codes", ""))

        if publication_number:
            if publication_number in self.publication_numbers:
                add(number, "publication_number", publication_number, "公开号在文件中重复 (duplicate in the file)")
            else:
                self.publication_numbers.add(publication_number)
        if jurisdiction and application_number:
            key = f"{jurisdiction}\x00{application_number}"
            if key in self.applications:
                add(
                    number,
                    "application_number",
                    application_number,
                    f"同一受理局 {jurisdiction} 的申请号在文件中重复 "
                    "(duplicate jurisdiction + application_number in the file)",
                )
            else:
                self.applications.add(key)

        if self.report.total != errors_before:
            return None
        values = (
            publication_number,
            application_number,
            jurisdiction,
            patent_type,
            title,
            application_date,
            publication_date,
            grant_date,
            legal_status,
            ipc_main,
            cited_by_count,
            license_count,
            transfer_count,
        )
        return values, applicants

    def _choice(self, number: int, key: str, value: str, parse: Callable[[str], str]) -> str:
        if not value:
            self.report.add(number, key, "", _REQUIRED)
            return ""
        try:
            return parse(value)
        except ValueError as exc:
            self.report.add(number, key, value, str(exc))
            return ""

    def _date(self, number: int, key: str, value: str, *, required: bool):
        if not value:
            if required:
                self.report.add(number, key, "", _REQUIRED)
            return None
        try:
            return _cached_date(value)
        except ValueError as exc:
            self.report.add(number, key, value, str(exc))
            return None

    def _count(self, number: int, key: str, value: str) -> int:
        if not value:
            return 0
        if value.isascii() and value.isdigit():
            result = int(value)
        else:
            try:
                result = parse_non_negative_int(value)  # also accepts "1,234" and "12.0" as Excel writes them
            except ValueError as exc:
                self.report.add(number, key, value, str(exc))
                return 0
        if result > _MAX_INT:
            self.report.add(number, key, value, f"数值过大 (larger than {_MAX_INT})")
            return 0
        return result

    def _applicants(self, number: int, raw_names: str, codes_cell: str) -> list[tuple[str, str, str]]:
        add = self.report.add
        names = parse_list(raw_names)
        if not names:
            add(number, "applicant_names", "", "至少需要一个申请人 (at least one applicant)")
            return []
        codes = parse_list(codes_cell.upper()) if codes_cell else [""] * len(names)
        if len(codes) != len(names):
            add(
                number,
                "applicant_credit_codes",
                codes_cell,
                f"信用代码个数 {len(codes)} 与申请人个数 {len(names)} 不一致；不知道的用空项占位，如 “;代码” "
                "(must have as many entries as applicant_names; leave an entry empty to match by name)",
            )
            return []
        limit = _MAX_LENGTH["name"]
        applicants = []
        for position, (name, code) in enumerate(zip(names, codes, strict=True), start=1):
            if not name:
                add(
                    number,
                    "applicant_names",
                    raw_names,
                    f"第{position}个申请人名称为空 (applicant {position} is empty)",
                )
            elif len(name) > limit:
                add(number, "applicant_names", name, f"申请人名称超过{limit}个字符 (longer than {limit} characters)")
            elif code and (problem := _cached_code_problem(code)):
                add(number, "applicant_credit_codes", code, f"第{position}个申请人的统一社会信用代码无效：{problem}")
            else:
                applicants.append((name, _cached_normalize(name), code))
        return applicants


# --- staging -------------------------------------------------------------------------------------


def _drop(cursor, *tables: str) -> None:
    for table in tables:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _load(cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Append rows to a staging table: COPY on PostgreSQL, one executemany elsewhere."""
    if not rows:
        return
    if _is_postgres():
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows)


def _create_staging(cursor) -> None:
    _drop(cursor, _STAGE_PATENT, _STAGE_APPLICANT, _STAGE_STATE, _STAGE_APPDIFF, _STAGE_RESOLVED, _NAMES)
    # k: the patent's ordinal among the file's valid rows; the staging tables join on it.
    cursor.execute(
        f"""CREATE TEMP TABLE {_STAGE_PATENT} (
            k integer PRIMARY KEY, row_number integer NOT NULL, n_applicants integer NOT NULL,
            publication_number text NOT NULL, application_number text NOT NULL, jurisdiction text NOT NULL,
            patent_type text NOT NULL, title text NOT NULL, application_date date NOT NULL,
            publication_date date NOT NULL, grant_date date, legal_status text NOT NULL, ipc_main text NOT NULL,
            cited_by_count integer NOT NULL, license_count integer NOT NULL, transfer_count integer NOT NULL)"""
    )
    cursor.execute(
        f"""CREATE TEMP TABLE {_STAGE_APPLICANT} (
            k integer NOT NULL, position integer NOT NULL, name text NOT NULL, name_normalized text NOT NULL,
            credit_code text NOT NULL, PRIMARY KEY (k, position))"""
    )


_STAGE_PATENT_COLUMNS = ("k", "row_number", "n_applicants", *_PATENT_FIELDS)
_STAGE_APPLICANT_COLUMNS = ("k", "position", "name", "name_normalized", "credit_code")


def _stage_rows(cursor, rows: Iterator[tuple[int, dict[str, str]]]) -> ErrorReport:
    """Validate every row; while the file is still valid, load valid rows into the staging tables."""
    report = ErrorReport()
    validate = _RowValidator(report)
    # SQLite stores dates as ISO text; passing them as text keeps staging and the real table comparable.
    as_text = not _is_postgres()
    patents: list[tuple] = []
    applicants: list[tuple] = []
    k = 0
    for number, row in rows:
        result = validate(number, row)
        if result is None or report:
            # Once one row is invalid nothing will be written: keep validating for the report only.
            patents.clear()
            applicants.clear()
            continue
        values, people = result
        k += 1
        if as_text:
            values = (
                *values[:5],
                values[5].isoformat(),
                values[6].isoformat(),
                values[7] and values[7].isoformat(),
                *values[8:],
            )
        patents.append((k, number, len(people), *values))
        applicants.extend((k, position, *person) for position, person in enumerate(people, start=1))
        if len(patents) >= _BATCH_ROWS:
            _load(cursor, _STAGE_PATENT, _STAGE_PATENT_COLUMNS, patents)
            _load(cursor, _STAGE_APPLICANT, _STAGE_APPLICANT_COLUMNS, applicants)
            patents.clear()
            applicants.clear()
    if not report:
        _load(cursor, _STAGE_PATENT, _STAGE_PATENT_COLUMNS, patents)
        _load(cursor, _STAGE_APPLICANT, _STAGE_APPLICANT_COLUMNS, applicants)
    return report


def _analyze(cursor, *tables: str) -> None:
    # Autovacuum never analyses temp tables; without statistics the planner guesses 1,000 rows and may
    # pick nested loops over a million.
    if _is_postgres():
        for table in tables:
            cursor.execute(f"ANALYZE {table}")
    else:
        cursor.execute(f"CREATE INDEX {_STAGE_PATENT}_pub ON {_STAGE_PATENT} (publication_number)")


def _check_against_database(cursor) -> None:
    """Reject rows whose application number already belongs to another patent of the same office."""
    base = f"""FROM {_STAGE_PATENT} s JOIN patents_patent p
               ON p.jurisdiction = s.jurisdiction AND p.application_number = s.application_number
               WHERE p.publication_number <> s.publication_number"""
    cursor.execute(
        f"SELECT s.row_number, s.application_number, s.jurisdiction, p.publication_number {base} "
        "ORDER BY s.row_number LIMIT 201"
    )
    conflicts = cursor.fetchall()
    if not conflicts:
        return
    total = len(conflicts)
    if total > 200:
        cursor.execute(f"SELECT COUNT(*) {base}")
        total = cursor.fetchone()[0]
    report = ErrorReport()
    for row_number, application_number, jurisdiction, other in conflicts[:200]:
        report.add(
            row_number,
            "application_number",
            application_number,
            f"{jurisdiction} 的该申请号已属于专利 {other} (already the application number of {other})",
        )
    report.total = total
    raise FileRejected(report)


# --- linking -------------------------------------------------------------------------------------


def _enterprise_names() -> dict[str, tuple[int | None, bool]]:
    """normalised current or former name -> (enterprise id or None when ambiguous, has a credit code).

    Read once per operation (~13k enterprises). Names are normalised here with the one normalize_name,
    not read from the name_normalized column, so enterprises written by bulk operations match too.
    """
    names: dict[str, tuple[int | None, bool]] = {}
    rows = Enterprise.objects.values_list("id", "name", "former_names", "credit_code").iterator(chunk_size=5000)
    for enterprise_id, name, former_names, credit_code in rows:
        keys = {normalize_name(name)}
        if isinstance(former_names, list):
            keys.update(normalize_name(former) for former in former_names if isinstance(former, str))
        keys.discard("")
        for key in keys:
            known = names.get(key)
            if known is None:
                names[key] = (enterprise_id, bool(credit_code))
            elif known[0] != enterprise_id:
                # Two enterprises share this name: linking by it would be a guess.
                names[key] = (None, False)
    return names


def _load_names(cursor, names: dict[str, tuple[int | None, bool]]) -> None:
    _drop(cursor, _NAMES)
    cursor.execute(
        f"CREATE TEMP TABLE {_NAMES} (name_normalized text PRIMARY KEY, enterprise_id bigint, has_code integer NOT NULL)"
    )
    rows = [(key, enterprise_id, int(has_code)) for key, (enterprise_id, has_code) in names.items()]
    for start in range(0, len(rows), _BATCH_ROWS):
        _load(cursor, _NAMES, ("name_normalized", "enterprise_id", "has_code"), rows[start : start + _BATCH_ROWS])
    _analyze_small(cursor, _NAMES)


def _analyze_small(cursor, table: str) -> None:
    if _is_postgres():
        cursor.execute(f"ANALYZE {table}")


# The linking rule, shared by the import and the relinking: an applicant's credit code, when an enterprise
# has it, decides. Otherwise the normalised name decides, if exactly one enterprise bears it (current or
# former name) and that enterprise does not contradict a credit code the applicant carries (only an
# enterprise still missing its code may be matched by name when the applicant's code is unknown to us).
def _name_match_allowed(applicant: str) -> str:
    return f"({applicant}.credit_code = '' OR (ec.id IS NULL AND nm.has_code = 0))"


# --- the import ----------------------------------------------------------------------------------


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
    options = {"dry_run": dry_run, "ignore_unknown": ignore_unknown}
    with recorded_import(
        kind=ImportRecord.Kind.PATENTS,
        stream=stream,
        file_name=file_name,
        dry_run=dry_run,
        user=user,
        via=via,
        options=options,
    ) as outcome:
        table = open_table(stream, PATENT_COLUMNS, ignore_unknown=ignore_unknown, allow_xlsx=False)
        if table.unknown:
            outcome.warnings.append(f"已忽略未知列 (ignored unknown columns): {', '.join(table.unknown)}")
        with transaction.atomic(), connection.cursor() as cursor:
            _tune_session(cursor)
            _create_staging(cursor)
            report = _stage_rows(cursor, table.rows())
            if report:
                raise FileRejected(report)
            _analyze(cursor, _STAGE_PATENT, _STAGE_APPLICANT)
            _check_against_database(cursor)
            _load_names(cursor, _enterprise_names())
            counts, enterprise_ids = _apply(cursor, dry_run=dry_run)
            _drop(cursor, _STAGE_PATENT, _STAGE_APPLICANT, _STAGE_STATE, _STAGE_APPDIFF, _STAGE_RESOLVED, _NAMES)
            if dry_run:
                transaction.set_rollback(True)
            elif enterprise_ids:
                patent_links_changed.send(sender=Patent, enterprise_ids=frozenset(enterprise_ids))
        outcome.counts = counts
    return outcome


def _tune_session(cursor) -> None:
    """PostgreSQL: memory for the sorts and hash joins over a million staged rows, this transaction only.

    The defaults (work_mem 4 MB, temp_buffers 8 MB) send every sort and every temp-table page to disk.
    temp_buffers can only change before the session's first temp table, so a long-lived connection that
    already used one keeps its value (the savepoint absorbs the refusal).
    """
    if not _is_postgres():
        return
    cursor.execute("SET LOCAL work_mem = '256MB'")
    try:
        with transaction.atomic():
            cursor.execute("SET LOCAL temp_buffers = '512MB'")
    except DatabaseError:
        pass


def _apply(cursor, *, dry_run: bool) -> tuple[dict[str, int], set[int]]:
    changed_fields = " OR ".join(
        _distinct(f"p.{field}", f"s.{field}") if field == "grant_date" else f"p.{field} <> s.{field}"
        for field in _PATENT_FIELDS
        if field != "publication_number"
    )
    # On PostgreSQL new patents draw their ids from the table's sequence right here, so their applicants
    # can be written without reading the new rows back (one join of a million rows less). Not on a dry
    # run: it would leave gaps in the sequence for nothing.
    new_id = "nextval(pg_get_serial_sequence('patents_patent', 'id'))" if _is_postgres() and not dry_run else "NULL"
    cursor.execute(
        f"""CREATE TEMP TABLE {_STAGE_STATE} AS
            SELECT s.k, CASE WHEN p.id IS NULL THEN {new_id} ELSE p.id END AS patent_id,
                   CASE WHEN p.id IS NULL THEN 1 ELSE 0 END AS is_new,
                   CASE WHEN p.id IS NOT NULL AND ({changed_fields}) THEN 1 ELSE 0 END AS fields_changed,
                   CASE WHEN p.id IS NULL THEN 1 ELSE 0 END AS applicants_changed
            FROM {_STAGE_PATENT} s LEFT JOIN patents_patent p ON p.publication_number = s.publication_number"""
    )
    if _is_postgres():
        cursor.execute(f"ALTER TABLE {_STAGE_STATE} ADD PRIMARY KEY (k)")
        cursor.execute(f"ANALYZE {_STAGE_STATE}")
    else:
        cursor.execute(f"CREATE UNIQUE INDEX {_STAGE_STATE}_k ON {_STAGE_STATE} (k)")
    # An existing patent's applicant list changed when it has a different number of applicants or when a
    # staged applicant has no identical (position, name, credit code) row: positions are unique on both
    # sides, so together these mean "not the same list".
    cursor.execute(
        f"""CREATE TEMP TABLE {_STAGE_APPDIFF} AS
            SELECT t.k FROM {_STAGE_STATE} t
            JOIN {_STAGE_PATENT} s ON s.k = t.k
            JOIN (SELECT patent_id, COUNT(*) AS n FROM patents_patentapplicant GROUP BY patent_id) c
              ON c.patent_id = t.patent_id
            WHERE t.is_new = 0 AND c.n <> s.n_applicants
            UNION
            SELECT t.k FROM {_STAGE_APPLICANT} sa
            JOIN {_STAGE_STATE} t ON t.k = sa.k
            LEFT JOIN patents_patentapplicant a
              ON a.patent_id = t.patent_id AND a.position = sa.position
             AND a.name = sa.name AND a.credit_code = sa.credit_code
            WHERE t.is_new = 0 AND a.id IS NULL"""
    )
    cursor.execute(f"UPDATE {_STAGE_STATE} SET applicants_changed = 1 WHERE k IN (SELECT k FROM {_STAGE_APPDIFF})")
    cursor.execute(
        f"""SELECT SUM(is_new),
                   SUM(CASE WHEN is_new = 0 AND (fields_changed = 1 OR applicants_changed = 1) THEN 1 ELSE 0 END),
                   COUNT(*)
            FROM {_STAGE_STATE}"""
    )
    created, updated, total = (value or 0 for value in cursor.fetchone())
    counts = {"created": created, "updated": updated, "unchanged": total - created - updated}

    # Resolve the applicants to be written (new patents and changed lists) to enterprises; of several
    # applicants resolving to one enterprise on one patent, the first position keeps the link.
    allowed = _name_match_allowed("sa")
    cursor.execute(
        f"""CREATE TEMP TABLE {_STAGE_RESOLVED} AS
            SELECT r.*, CASE WHEN candidate IS NOT NULL
                              AND ROW_NUMBER() OVER (PARTITION BY k, candidate ORDER BY position) = 1
                             THEN candidate END AS enterprise_id
            FROM (
                SELECT sa.k, sa.position, sa.name, sa.name_normalized, sa.credit_code,
                       COALESCE(ec.id, CASE WHEN {allowed} THEN nm.enterprise_id END) AS candidate,
                       CASE WHEN ec.id IS NULL AND {allowed} AND nm.name_normalized IS NOT NULL
                                 AND nm.enterprise_id IS NULL THEN 1 ELSE 0 END AS ambiguous
                FROM {_STAGE_APPLICANT} sa
                JOIN {_STAGE_STATE} t ON t.k = sa.k AND t.applicants_changed = 1
                LEFT JOIN enterprises_enterprise ec ON sa.credit_code <> '' AND ec.credit_code = sa.credit_code
                LEFT JOIN {_NAMES} nm ON nm.name_normalized = sa.name_normalized
            ) r"""
    )
    cursor.execute(
        f"""SELECT COUNT(*),
                   SUM(CASE WHEN enterprise_id IS NOT NULL THEN 1 ELSE 0 END),
                   SUM(ambiguous),
                   SUM(CASE WHEN candidate IS NOT NULL AND enterprise_id IS NULL THEN 1 ELSE 0 END)
            FROM {_STAGE_RESOLVED}"""
    )
    written, linked_count, ambiguous, repeated = (value or 0 for value in cursor.fetchone())
    counts.update(
        applicants_written=written,
        applicants_linked=linked_count,
        applicants_unmatched=written - linked_count,
        applicants_ambiguous=ambiguous,
        applicants_repeated=repeated,
    )
    if dry_run or not (created or updated):
        return counts, set()

    # Enterprises whose patents change: those linked to changed existing patents before the change (they
    # may lose a link) and those the written applicants link to.
    cursor.execute(
        f"""SELECT DISTINCT enterprise_id FROM patents_patentapplicant
            WHERE enterprise_id IS NOT NULL AND patent_id IN (
                SELECT patent_id FROM {_STAGE_STATE}
                WHERE is_new = 0 AND (fields_changed = 1 OR applicants_changed = 1))"""
    )
    enterprise_ids = {row[0] for row in cursor.fetchall()}
    cursor.execute(f"SELECT DISTINCT enterprise_id FROM {_STAGE_RESOLVED} WHERE enterprise_id IS NOT NULL")
    enterprise_ids.update(row[0] for row in cursor.fetchall())

    fields = ", ".join(_PATENT_FIELDS)
    if _is_postgres():
        cursor.execute(
            f"""INSERT INTO patents_patent (id, {fields})
                SELECT t.patent_id, {", ".join(f"s.{field}" for field in _PATENT_FIELDS)}
                FROM {_STAGE_PATENT} s JOIN {_STAGE_STATE} t ON t.k = s.k
                WHERE t.is_new = 1"""
        )
    else:
        cursor.execute(
            f"""INSERT INTO patents_patent ({fields})
                SELECT {", ".join(f"s.{field}" for field in _PATENT_FIELDS)}
                FROM {_STAGE_PATENT} s JOIN {_STAGE_STATE} t ON t.k = s.k
                WHERE t.is_new = 1 ORDER BY s.k"""
        )
        cursor.execute(
            f"""UPDATE {_STAGE_STATE} SET patent_id = p.id
                FROM {_STAGE_PATENT} s JOIN patents_patent p ON p.publication_number = s.publication_number
                WHERE {_STAGE_STATE}.k = s.k AND {_STAGE_STATE}.is_new = 1"""
        )
    cursor.execute(
        f"""UPDATE patents_patent SET {", ".join(f"{field} = s.{field}" for field in _PATENT_FIELDS[1:])}
            FROM {_STAGE_PATENT} s JOIN {_STAGE_STATE} t ON t.k = s.k
            WHERE patents_patent.id = t.patent_id AND t.fields_changed = 1"""
    )
    cursor.execute(
        f"""DELETE FROM patents_patentapplicant WHERE patent_id IN
            (SELECT patent_id FROM {_STAGE_STATE} WHERE is_new = 0 AND applicants_changed = 1)"""
    )
    with _foreign_keys_checked_once(cursor, rows=written):
        cursor.execute(
            f"""INSERT INTO patents_patentapplicant
                    (patent_id, position, name, name_normalized, credit_code, enterprise_id)
                SELECT t.patent_id, r.position, r.name, r.name_normalized, r.credit_code, r.enterprise_id
                FROM {_STAGE_RESOLVED} r JOIN {_STAGE_STATE} t ON t.k = r.k"""
        )
    return counts, enterprise_ids


# From this many applicant rows on, PostgreSQL checks the applicant table's foreign keys once, set-based,
# instead of once per row. Per row, each check locks the referenced patent row (FOR KEY SHARE), which for
# a first import of 1.65 million applicants dirtied every patent page again and took ~45 s at COMMIT;
# re-adding the constraint validates all rows with one anti-join in a few seconds.
_BULK_FOREIGN_KEY_ROWS = 100_000


@contextmanager
def _foreign_keys_checked_once(cursor, *, rows: int) -> Iterator[None]:
    """Drop the applicant table's foreign keys around a bulk insert and re-add them, validated, unchanged.

    Same names and definitions (read from the catalogue), inside the import's transaction, so a failure
    rolls the DDL back with the data. The price: the applicant table is locked against readers until the
    import commits, which is why only bulk loads (a first import, a re-delivered full dataset) take it.
    """
    if not _is_postgres() or rows < _BULK_FOREIGN_KEY_ROWS:
        yield
        return
    cursor.execute(
        """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
           WHERE conrelid = 'patents_patentapplicant'::regclass AND contype = 'f' ORDER BY conname"""
    )
    foreign_keys = cursor.fetchall()
    # ALTER TABLE refuses while deferred checks of earlier writes in this transaction are pending (say, a
    # caller that imported enterprises in the same transaction): run them now, then defer again as Django
    # creates every foreign key (DEFERRABLE INITIALLY DEFERRED).
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    for name, _ in foreign_keys:
        cursor.execute(f'ALTER TABLE patents_patentapplicant DROP CONSTRAINT "{name}"')
    yield
    for name, definition in foreign_keys:
        cursor.execute(f'ALTER TABLE patents_patentapplicant ADD CONSTRAINT "{name}" {definition}')


# --- relinking -----------------------------------------------------------------------------------


@transaction.atomic
def applicants_link(*, enterprise_ids: Iterable[int] | None = None) -> dict[str, int]:
    """Link still-unmatched applicants to the given enterprises (all enterprises when None).

    Uses the import's linking rule (credit code first, else an unambiguous current or former normalised
    name) and its once-per-patent rule: an applicant is not linked to an enterprise that already has a
    link on the same patent, and of several unmatched applicants naming it, the first position wins.
    Existing links are never changed. Sends ``patent_links_changed`` for the enterprises that gained links.
    Returns ``{"linked": applicants linked, "enterprises": enterprises that gained links}``.
    """
    ids = None if enterprise_ids is None else {int(pk) for pk in enterprise_ids}
    if ids is not None and not ids:
        return {"linked": 0, "enterprises": 0}
    names = _enterprise_names()
    if ids is not None:
        names = {key: value for key, value in names.items() if value[0] in ids}
    with connection.cursor() as cursor:
        _load_names(cursor, names)
        _drop(cursor, _LINK_IDS, _LINK_CANDIDATES)
        if ids is None:
            code_filter = ""
        else:
            cursor.execute(f"CREATE TEMP TABLE {_LINK_IDS} (enterprise_id bigint PRIMARY KEY)")
            _load(cursor, _LINK_IDS, ("enterprise_id",), [(pk,) for pk in sorted(ids)])
            _analyze_small(cursor, _LINK_IDS)
            code_filter = f"AND eg.id IN (SELECT enterprise_id FROM {_LINK_IDS})"
        # ec: the enterprise (any) with the applicant's code; eg: the same, restricted to those being linked.
        cursor.execute(
            f"""CREATE TEMP TABLE {_LINK_CANDIDATES} AS
                SELECT id, patent_id, position, candidate FROM (
                    SELECT a.id, a.patent_id, a.position,
                           CASE WHEN ec.id IS NOT NULL THEN eg.id
                                WHEN {_name_match_allowed("a")} THEN nm.enterprise_id END AS candidate
                    FROM patents_patentapplicant a
                    LEFT JOIN enterprises_enterprise ec ON a.credit_code <> '' AND ec.credit_code = a.credit_code
                    LEFT JOIN enterprises_enterprise eg ON eg.id = ec.id {code_filter}
                    LEFT JOIN {_NAMES} nm ON nm.name_normalized = a.name_normalized
                    WHERE a.enterprise_id IS NULL AND (eg.id IS NOT NULL OR nm.enterprise_id IS NOT NULL)
                ) c
                WHERE candidate IS NOT NULL"""
        )
        cursor.execute(
            f"""UPDATE patents_patentapplicant SET enterprise_id = f.candidate
                FROM (
                    SELECT id, candidate FROM (
                        SELECT c.id, c.candidate, ROW_NUMBER() OVER (
                            PARTITION BY c.patent_id, c.candidate ORDER BY c.position) AS rank
                        FROM {_LINK_CANDIDATES} c
                        WHERE NOT EXISTS (
                            SELECT 1 FROM patents_patentapplicant b
                            WHERE b.patent_id = c.patent_id AND b.enterprise_id = c.candidate)
                    ) ranked WHERE rank = 1
                ) f
                WHERE patents_patentapplicant.id = f.id"""
        )
        linked = cursor.rowcount
        gained: set[int] = set()
        if linked:
            cursor.execute(
                f"""SELECT DISTINCT a.enterprise_id FROM patents_patentapplicant a
                    JOIN {_LINK_CANDIDATES} c ON c.id = a.id AND a.enterprise_id = c.candidate"""
            )
            gained = {row[0] for row in cursor.fetchall()}
        _drop(cursor, _NAMES, _LINK_IDS, _LINK_CANDIDATES)
    if gained:
        patent_links_changed.send(sender=PatentApplicant, enterprise_ids=frozenset(gained))
    return {"linked": linked, "enterprises": len(gained)}


def link_on_enterprises_changed(sender, enterprise_ids=frozenset(), **kwargs) -> None:
    """Receiver of ``enterprises_changed``: an enterprise imported after its patents gets linked."""
    applicants_link(enterprise_ids=enterprise_ids)
