"""Linking patent applicants to enterprises: the rule shared by the patent import and the relinking.

An applicant's credit code, when an enterprise has it, decides. Otherwise the normalised name decides, if
exactly one enterprise bears it (current or former name) and that enterprise does not contradict a credit
code the applicant carries. Everything is set-based SQL over TEMP tables, the same on both backends.
"""

from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from enterprises.models import Enterprise
from enterprises.selectors import enterprise_name_index
from utilities.bulk import analyze, drop_tables, insert_rows, table_name

from ..models import Patent, PatentApplicant
from ..signals import patent_links_changed

# TEMP tables, private to this connection; dropped explicitly at the end because an operation inside an
# outer transaction (tests, a caller's atomic block) must be able to run twice.
NAMES = "_patent_link_names"
_LINK_IDS = "_patent_link_ids"
_LINK_CANDIDATES = "_patent_link_candidates"


def load_names(cursor, names: dict[str, tuple[int | None, bool]], *, only: set[int] | None = None) -> None:
    """Fill the TEMP table ``NAMES`` (name_normalized, enterprise_id or NULL when ambiguous, has_code).

    ``only``: just the names of these enterprises. The rows are streamed into the table: with 130,000
    enterprises, copies of the index (filtered, then as rows) held ~30 MB more at the end of an import.
    """
    drop_tables(cursor, NAMES)
    cursor.execute(
        f"CREATE TEMP TABLE {NAMES} (name_normalized text PRIMARY KEY, enterprise_id bigint, has_code integer NOT NULL)"
    )
    rows = (
        (key, enterprise_id, int(has_code))
        for key, (enterprise_id, has_code) in names.items()
        if only is None or enterprise_id in only
    )
    insert_rows(cursor, NAMES, ("name_normalized", "enterprise_id", "has_code"), rows)
    analyze(cursor, NAMES)


# The linking rule, shared by the import and the relinking: an applicant's credit code, when an enterprise
# has it, decides. Otherwise the normalised name decides, if exactly one enterprise bears it (current or
# former name) and that enterprise does not contradict a credit code the applicant carries (only an
# enterprise still missing its code may be matched by name when the applicant's code is unknown to us).
# ``ec`` is the enterprise with the applicant's credit code, ``nm`` its row of ``NAMES``.
def name_match_allowed(applicant: str) -> str:
    return f"({applicant}.credit_code = '' OR (ec.id IS NULL AND nm.has_code = 0))"


# ec: the enterprise (any) with the applicant's code; eg: the same, restricted to those being linked.
_CANDIDATES_CREATE = """CREATE TEMP TABLE {candidates} AS
    SELECT id, patent_id, position, candidate FROM (
        SELECT a.id, a.patent_id, a.position,
               CASE WHEN ec.id IS NOT NULL THEN eg.id
                    WHEN {allowed} THEN nm.enterprise_id END AS candidate
        FROM {applicants} a
        LEFT JOIN {enterprises} ec ON a.credit_code <> '' AND ec.credit_code = a.credit_code
        LEFT JOIN {enterprises} eg ON eg.id = ec.id {code_filter}
        LEFT JOIN {names} nm ON nm.name_normalized = a.name_normalized
        WHERE a.enterprise_id IS NULL AND (eg.id IS NOT NULL OR nm.enterprise_id IS NOT NULL)
        {applicant_filter}
    ) c
    WHERE candidate IS NOT NULL"""
# The once-per-patent rule: no link to an enterprise the patent already links to, and of several
# candidates for one enterprise on one patent, the first position.
_LINKS_WRITE = """UPDATE {applicants} SET enterprise_id = f.candidate
    FROM (
        SELECT id, candidate FROM (
            SELECT c.id, c.candidate, ROW_NUMBER() OVER (
                PARTITION BY c.patent_id, c.candidate ORDER BY c.position) AS rank
            FROM {candidates} c
            WHERE NOT EXISTS (
                SELECT 1 FROM {applicants} b WHERE b.patent_id = c.patent_id AND b.enterprise_id = c.candidate)
        ) ranked WHERE rank = 1
    ) f
    WHERE {applicants}.id = f.id"""
# A new link changes what the API shows of the patent: its incremental-sync timestamp moves.
_PATENTS_TOUCH = """UPDATE {patents} SET updated_at = %s WHERE id IN (
    SELECT a.patent_id FROM {applicants} a JOIN {candidates} c ON c.id = a.id AND a.enterprise_id = c.candidate)"""
_ENTERPRISES_GAINED = """SELECT DISTINCT a.enterprise_id
    FROM {applicants} a JOIN {candidates} c ON c.id = a.id AND a.enterprise_id = c.candidate"""


@transaction.atomic
def applicants_link(*, enterprise_ids: Iterable[int] | None = None, applicants=None) -> dict[str, int]:
    """Link still-unmatched applicants to the given enterprises (all enterprises when None).

    ``applicants``: a queryset narrowing the applicants that may be linked (an official's provinces, as
    ``utilities.scoping.restrict`` gives them); every unmatched applicant when None.

    Uses the import's linking rule (credit code first, else an unambiguous current or former normalised
    name) and its once-per-patent rule: an applicant is not linked to an enterprise that already has a
    link on the same patent, and of several unmatched applicants naming it, the first position wins.
    Existing links are never changed. Sends ``patent_links_changed`` for the enterprises that gained links.
    Returns ``{"linked": applicants linked, "enterprises": enterprises that gained links}``.
    """
    ids = None if enterprise_ids is None else {int(pk) for pk in enterprise_ids}
    if ids is not None and not ids:
        return {"linked": 0, "enterprises": 0}
    with connection.cursor() as cursor:
        load_names(cursor, enterprise_name_index(), only=ids)
        drop_tables(cursor, _LINK_IDS, _LINK_CANDIDATES)
        _candidates_find(cursor, ids=ids, applicants=applicants)
        cursor.execute(_sql(_LINKS_WRITE))
        linked = cursor.rowcount
        gained = _links_gained(cursor) if linked else set()
        drop_tables(cursor, NAMES, _LINK_IDS, _LINK_CANDIDATES)
    if gained:
        patent_links_changed.send(sender=PatentApplicant, enterprise_ids=frozenset(gained))
    return {"linked": linked, "enterprises": len(gained)}


def sql_filled(template: str, **pieces: str) -> str:
    """``template`` with the tables the patent statements read filled in: the models' (quoted) and ``NAMES``;
    ``pieces`` are the caller's own (its temporary tables, computed expressions)."""
    return template.format(
        patents=table_name(Patent),
        applicants=table_name(PatentApplicant),
        enterprises=table_name(Enterprise),
        names=NAMES,
        **pieces,
    )


def _sql(template: str, **pieces: str) -> str:
    return sql_filled(template, candidates=_LINK_CANDIDATES, **pieces)


def _candidates_find(cursor, *, ids: set[int] | None, applicants) -> None:
    """The candidates table: each unmatched applicant (of ``applicants``) that the rule links to one of ``ids``."""
    applicant_filter, applicant_params = "", []
    if applicants is not None:
        subquery, applicant_params = applicants.values("pk").query.sql_with_params()
        applicant_filter = f"AND a.id IN ({subquery})"
    code_filter = ""
    if ids is not None:
        cursor.execute(f"CREATE TEMP TABLE {_LINK_IDS} (enterprise_id bigint PRIMARY KEY)")
        insert_rows(cursor, _LINK_IDS, ("enterprise_id",), [(pk,) for pk in sorted(ids)])
        analyze(cursor, _LINK_IDS)
        code_filter = f"AND eg.id IN (SELECT enterprise_id FROM {_LINK_IDS})"
    sql = _sql(
        _CANDIDATES_CREATE,
        allowed=name_match_allowed("a"),
        code_filter=code_filter,
        applicant_filter=applicant_filter,
    )
    cursor.execute(sql, applicant_params)


def _links_gained(cursor) -> set[int]:
    """The enterprises that gained links, their patents' timestamps moved."""
    cursor.execute(_sql(_PATENTS_TOUCH), [connection.ops.adapt_datetimefield_value(timezone.now())])
    cursor.execute(_sql(_ENTERPRISES_GAINED))
    return {row[0] for row in cursor.fetchall()}


@transaction.atomic
def applicants_link_name(*, name_normalized: str, enterprise: Enterprise, applicants=None) -> int:
    """Link the unmatched applicants printed as ``name_normalized`` to ``enterprise``, by an official's word.

    ``applicants`` narrows the rows (an official's provinces); the once-per-patent rule holds: a patent
    already linked to the enterprise keeps that one link, and of several matching applicants on one
    patent the first position is linked. The enterprise's names are left alone (recording the name as a
    former name is the other choice on the data-quality page). Returns how many applicants were linked.
    """
    rows = (PatentApplicant.objects.all() if applicants is None else applicants).filter(
        enterprise__isnull=True, name_normalized=name_normalized
    )
    taken = set(PatentApplicant.objects.filter(enterprise=enterprise).values_list("patent_id", flat=True))
    chosen = []
    for pk, patent_id in rows.order_by("patent_id", "position").values_list("pk", "patent_id"):
        if patent_id not in taken:
            taken.add(patent_id)
            chosen.append(pk)
    now = timezone.now()
    for chunk_start in range(0, len(chosen), 500):
        chunk = PatentApplicant.objects.filter(pk__in=chosen[chunk_start : chunk_start + 500])
        # As ``_PATENTS_TOUCH`` after the rule's links: the patents' incremental-sync timestamp moves.
        Patent.objects.filter(pk__in=chunk.values("patent_id")).update(updated_at=now)
        chunk.update(enterprise=enterprise)
    if chosen:
        patent_links_changed.send(sender=PatentApplicant, enterprise_ids=frozenset({enterprise.pk}))
    return len(chosen)
