"""Validating the rows of patents.csv: one row at a time in Python; the duplicates inside the file in SQL.

A million rows make the Python side of the import its largest cost, so the common case is kept flat:
dictionary look-ups for the cached parsers (dates, credit codes and names repeat a lot; the caches are
bounded so a file of unique values cannot grow them without limit) and no function call per cell.
"""

import re
from collections.abc import Callable
from functools import lru_cache

from django.utils.translation import gettext

from enterprises.credit_codes import credit_code_problem
from enterprises.names import normalize_name
from utilities.tabular import ErrorReport, RowError
from utilities.tabular.parsers import POSITIVE_INT_MAX, choice_parser, parse_date, parse_list, parse_non_negative_int

from ..choices import LegalStatus, PatentType
from ..models import Patent, PatentApplicant

_JURISDICTION = re.compile(r"[A-Z]{2}")
_PUBLICATION_NUMBER = re.compile(r"[A-Z]{2}\S+")
_MAX_LENGTH = {
    field.name: field.max_length
    for model in (Patent, PatentApplicant)
    for field in model._meta.concrete_fields
    if getattr(field, "max_length", None)
}

# The patent fields a row gives, in the order ``RowValidator`` returns them (and the staging tables hold them).
PATENT_FIELDS = (
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
_cached_date = lru_cache(maxsize=1 << 16)(parse_date)
_cached_normalize = lru_cache(maxsize=1 << 17)(normalize_name)


@lru_cache(maxsize=1 << 16)
def _code_valid(code: str) -> bool:
    # Only whether: the reason is worded when it is reported, in the language of that moment.
    return credit_code_problem(code) is None


_MAX_PUBLICATION_NUMBER = _MAX_LENGTH["publication_number"]
_MAX_APPLICATION_NUMBER = _MAX_LENGTH["application_number"]
_MAX_TITLE, _MAX_IPC, _MAX_NAME = _MAX_LENGTH["title"], _MAX_LENGTH["ipc_main"], _MAX_LENGTH["name"]
# ``_PUBLICATION_NUMBER`` after the office's two letters: no whitespace.
_PUBLICATION_NUMBER_TAIL = re.compile(r"\S+").fullmatch
# The offices met so far that are valid codes (a few dozen at most: the fast path's set look-up).
_OFFICES_SEEN: set[str] = set()


def _office_code(jurisdiction: str) -> bool:
    if _JURISDICTION.fullmatch(jurisdiction):
        _OFFICES_SEEN.add(jurisdiction)
        return True
    return False


def _required() -> str:
    return gettext("必填项为空")


_parse_patent_type = choice_parser(PatentType)
_parse_legal_status = choice_parser(LegalStatus)
# The keys themselves, as the exports and the generator write them (labels and other case: ``_checked``).
_PATENT_TYPE_KEYS = {key: key for key in PatentType.values}
_LEGAL_STATUS_KEYS = {key: key for key in LegalStatus.values}


def _too_long(key: str) -> str:
    return gettext("超过%(limit)s个字符") % {"limit": _MAX_LENGTH[key]}


def _plain_counts(row: dict[str, str]) -> list[int] | None:
    """``_valid``'s counts: empty or up to nine ASCII digits each (else None: ``_checked``'s business)."""
    counts = []
    for key in ("cited_by_count", "license_count", "transfer_count"):
        value = row.get(key, "")
        if not value:
            counts.append(0)
        elif len(value) <= 9 and value.isdigit() and value.isascii():
            counts.append(int(value))
        else:
            return None
    return counts


def _sole_applicant(row: dict[str, str]) -> tuple[str, str, str] | None:
    """``_valid``'s applicant: one, named, with a valid credit code or none (else None: ``_checked``'s)."""
    names, codes = row["applicant_names"], row.get("applicant_credit_codes", "")
    if ";" in names or "；" in names or ";" in codes or "；" in codes:
        return None  # several applicants: the list rules are ``_checked``'s
    name, code = names.strip(), codes.upper().strip()
    if not name or len(name) > _MAX_NAME or (code and not _code_valid(code)):
        return None
    return name, _cached_normalize(name), code


class RowValidator:
    """Validates one row at a time; ``keys`` holds the last row's natural keys, valid or not.

    It keeps nothing per row: the duplicates inside the file are found over the staged keys in SQL, so
    memory does not grow with the file. Its two ways through a row (``_valid``, ``_checked``) are checked
    against each other on generated rows (tests/patents/test_row_validator_paths_property.py).
    """

    def __init__(self, report: ErrorReport) -> None:
        self.report = report
        self.keys: tuple[str, str, str] = ("", "", "")

    def __call__(self, number: int, row: dict[str, str]) -> tuple[tuple, list[tuple[str, str, str]]] | None:
        """(patent values in PATENT_FIELDS order, [(name, name_normalized, credit_code)]) or None."""
        return self._valid(row) or self._checked(number, row)

    def _valid(self, row: dict[str, str]) -> tuple[tuple, list[tuple[str, str, str]]] | None:
        """The row's values when every check passes the common way, else None (``_checked`` then decides).

        A third of the time of ``_checked`` for the rows of a large file, which are nearly all valid: exact
        look-ups for the choices, a cache for the dates, no report calls. It accepts only what ``_checked``
        accepts and gives the same values; anything unusual (a label, "1,234", an error) goes to ``_checked``.
        """
        publication_number = row["publication_number"].upper()
        application_number = row["application_number"]
        jurisdiction = row["jurisdiction"].upper()
        self.keys = (publication_number, jurisdiction, application_number)
        if not (
            0 < len(application_number) <= _MAX_APPLICATION_NUMBER
            and 2 < len(publication_number) <= _MAX_PUBLICATION_NUMBER
            and publication_number[:2] == jurisdiction
            and _PUBLICATION_NUMBER_TAIL(publication_number, 2)
            and (jurisdiction in _OFFICES_SEEN or _office_code(jurisdiction))
        ):
            return None
        patent_type = _PATENT_TYPE_KEYS.get(row["patent_type"])
        legal_status = _LEGAL_STATUS_KEYS.get(row["legal_status"])
        title, ipc_main = row.get("title", ""), row.get("ipc_main", "")
        if not patent_type or not legal_status or len(title) > _MAX_TITLE or len(ipc_main) > _MAX_IPC:
            return None
        try:
            application_date = _cached_date(row["application_date"])
            publication_date = _cached_date(row["publication_date"])
            grant = row.get("grant_date", "")
            grant_date = _cached_date(grant) if grant else None
        except ValueError:
            return None
        if (
            application_date is None
            or publication_date is None
            or publication_date < application_date
            or (grant_date is not None and grant_date < application_date)
        ):
            return None
        counts = _plain_counts(row)
        if counts is None:
            return None
        applicant = _sole_applicant(row)
        if applicant is None:
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
            *counts,
        )
        return values, [applicant]

    def _checked(self, number: int, row: dict[str, str]) -> tuple[tuple, list[tuple[str, str, str]]] | None:
        """Every check, each problem reported with its row, column, value and reason; the values or None."""
        errors_before = self.report.total
        add = self.report.add
        get = row.get

        publication_number = get("publication_number", "").upper()
        application_number = get("application_number", "")
        jurisdiction = get("jurisdiction", "").upper()
        self._keys_check(number, publication_number, application_number, jurisdiction)

        patent_type = self._choice(number, "patent_type", get("patent_type", ""), _parse_patent_type)
        legal_status = self._choice(number, "legal_status", get("legal_status", ""), _parse_legal_status)
        title = get("title", "")
        if len(title) > _MAX_LENGTH["title"]:
            add(number, "title", title, _too_long("title"))
        ipc_main = get("ipc_main", "")
        if len(ipc_main) > _MAX_LENGTH["ipc_main"]:
            add(number, "ipc_main", ipc_main, _too_long("ipc_main"))

        application_date, publication_date, grant_date = self._dates(number, row)

        cited_by_count = self._count(number, "cited_by_count", get("cited_by_count", ""))
        license_count = self._count(number, "license_count", get("license_count", ""))
        transfer_count = self._count(number, "transfer_count", get("transfer_count", ""))
        applicants = self._applicants(number, get("applicant_names", ""), get("applicant_credit_codes", ""))

        # Duplicates inside the file are found afterwards, in SQL over every row's keys (see ``duplicates``).
        self.keys = (publication_number, jurisdiction, application_number)

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

    def _keys_check(self, number: int, publication_number: str, application_number: str, jurisdiction: str) -> None:
        """The natural keys: present, not too long, the office a code and the publication number's prefix."""
        add = self.report.add
        for key, value in (("publication_number", publication_number), ("application_number", application_number)):
            if not value:
                add(number, key, "", _required())
            elif len(value) > _MAX_LENGTH[key]:
                add(number, key, value, _too_long(key))
        if not jurisdiction:
            add(number, "jurisdiction", "", _required())
        elif not _JURISDICTION.fullmatch(jurisdiction):
            add(
                number,
                "jurisdiction",
                jurisdiction,
                gettext("受理局应为两位字母代码，如 CN、WO、US"),
            )
        elif publication_number and not _PUBLICATION_NUMBER.fullmatch(publication_number):
            add(
                number,
                "publication_number",
                publication_number,
                gettext("公开号应以两位受理局代码开头且不含空格"),
            )
        elif publication_number and publication_number[:2] != jurisdiction:
            add(
                number,
                "publication_number",
                publication_number,
                gettext("公开号前缀 %(prefix)s 与受理局 %(jurisdiction)s 不一致")
                % {"prefix": publication_number[:2], "jurisdiction": jurisdiction},
            )

    def _dates(self, number: int, row: dict[str, str]) -> tuple:
        """(application, publication, grant date), each None when missing or wrong; their order checked."""
        get = row.get
        application_date = self._date(number, "application_date", get("application_date", ""), required=True)
        publication_date = self._date(number, "publication_date", get("publication_date", ""), required=True)
        grant_date = self._date(number, "grant_date", get("grant_date", ""), required=False)
        if application_date:
            if publication_date and publication_date < application_date:
                self.report.add(number, "publication_date", row["publication_date"], gettext("公开日早于申请日"))
            if grant_date and grant_date < application_date:
                self.report.add(number, "grant_date", row["grant_date"], gettext("授权日早于申请日"))
        return application_date, publication_date, grant_date

    def _choice(self, number: int, key: str, value: str, parse: Callable[[str], str]) -> str:
        if not value:
            self.report.add(number, key, "", _required())
            return ""
        try:
            return parse(value)
        except ValueError as exc:
            self.report.add(number, key, value, str(exc))
            return ""

    def _date(self, number: int, key: str, value: str, *, required: bool):
        if not value:
            if required:
                self.report.add(number, key, "", _required())
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
        if result > POSITIVE_INT_MAX:
            self.report.add(number, key, value, gettext("数值过大（大于 %(max)s）") % {"max": POSITIVE_INT_MAX})
            return 0
        return result

    def _applicants(self, number: int, raw_names: str, codes_cell: str) -> list[tuple[str, str, str]]:
        add = self.report.add
        names = parse_list(raw_names)
        if not names:
            add(number, "applicant_names", "", gettext("至少需要一个申请人"))
            return []
        codes = parse_list(codes_cell.upper()) if codes_cell else [""] * len(names)
        if len(codes) != len(names):
            add(
                number,
                "applicant_credit_codes",
                codes_cell,
                gettext("信用代码个数 %(codes)s 与申请人个数 %(names)s 不一致；不知道的用空项占位，如 “;代码”")
                % {"codes": len(codes), "names": len(names)},
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
                    gettext("第%(position)s个申请人名称为空") % {"position": position},
                )
            elif len(name) > limit:
                add(number, "applicant_names", name, gettext("申请人名称超过%(limit)s个字符") % {"limit": limit})
            elif code and not _code_valid(code) and (problem := credit_code_problem(code)):
                add(
                    number,
                    "applicant_credit_codes",
                    code,
                    gettext("第%(position)s个申请人的统一社会信用代码无效：%(problem)s")
                    % {"position": position, "problem": problem},
                )
            else:
                applicants.append((name, _cached_normalize(name), code))
        return applicants


# --- duplicates inside the file ---------------------------------------------------------------------


def duplicate_publication() -> str:
    return gettext("公开号在文件中重复")


def duplicate_application(jurisdiction: str) -> str:
    return gettext("同一受理局 %(jurisdiction)s 的申请号在文件中重复") % {"jurisdiction": jurisdiction}


def duplicates(cursor, keys: str, *, limit: int) -> tuple[list[RowError], int]:
    """Rows repeating the publication number, or the office + application number, of an earlier row.

    ``keys`` is a table or subquery of every row's (row_number, publication_number, jurisdiction,
    application_number), empty strings where a row had none. Returns the first ``limit`` errors in the
    order the row-by-row check reported them (by row; publication number before application number) and
    how many there are in all. Each check is one hash aggregate; when nothing repeats (the usual case) the
    join with the repeated keys is empty and reads nothing more.
    """
    checks = (
        (1, "publication_number", "publication_number", "k.publication_number <> ''"),
        (
            2,
            "application_number",
            "jurisdiction, application_number",
            "k.jurisdiction <> '' AND k.application_number <> ''",
        ),
    )
    found: list[tuple[int, int, str, str, str]] = []
    total = 0
    for order, column, key, present in checks:
        on = " AND ".join(f"d.{c} = k.{c}" for c in key.split(", "))
        select = f"""FROM {keys} k JOIN (
                SELECT {key}, MIN(k.row_number) AS first_row FROM {keys} k WHERE {present}
                GROUP BY {key} HAVING COUNT(*) > 1
            ) d ON {on} AND k.row_number > d.first_row"""
        cursor.execute(
            f"SELECT k.row_number, k.{column}, k.jurisdiction {select} ORDER BY k.row_number LIMIT {limit + 1}"
        )
        rows = cursor.fetchall()
        count = len(rows)
        if count > limit:
            cursor.execute(f"SELECT COUNT(*) {select}")
            count = cursor.fetchone()[0]
        total += count
        found.extend((row_number, order, column, value, jurisdiction) for row_number, value, jurisdiction in rows)
    found.sort(key=lambda item: item[:2])
    errors = [
        RowError(
            row_number,
            column,
            value[:100],
            duplicate_publication() if order == 1 else duplicate_application(jurisdiction),
        )
        for row_number, order, column, value, jurisdiction in found[:limit]
    ]
    return errors, total
