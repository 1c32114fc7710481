"""Former names (曾用名): the one rule every path that adds them follows, and recording one from the
officials' data-quality page.

A former name is how patents whose applicant still bears an old name find their enterprise. A former name
that is (normalised) the *current* name of another enterprise makes that name ambiguous: name-based
linking then stops linking either enterprise, silently (``enterprises.selectors.enterprise_name_index``).
So the admin form, the importer (and the API, which writes through it) and the data-quality page refuse
it, with ``former_name_problems`` / ``former_name_problem``. The message names the other enterprise by its
name only: its credit code may belong to a province the user may not see (``services.scope``).
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from utilities.bulk import chunks

from .models import Enterprise
from .names import normalize_name

# normalised name -> [(pk, current name)] of the enterprises currently bearing it.
Holders = dict[str, list[tuple[int, str]]]


def current_name_holders(names: Iterable[str]) -> Holders:
    """The enterprises whose current name is (normalised) one of ``names``; one query per 10,000 names."""
    keys = {normalize_name(name) for name in names} - {""}
    holders: Holders = {}
    for chunk in chunks(keys):
        rows = Enterprise.objects.filter(name_normalized__in=chunk).order_by("pk")
        for pk, key, name in rows.values_list("pk", "name_normalized", "name"):
            holders.setdefault(key, []).append((pk, name))
    return holders


def former_name_problem(name: str, holders: Holders, *, enterprise_pk: int | None) -> str | None:
    """Why ``name`` may not become a former name of the enterprise ``enterprise_pk`` (None: a new one)."""
    others = [other for pk, other in holders.get(normalize_name(name), ()) if pk != enterprise_pk]
    if not others:
        return None
    return gettext(
        "曾用名“%(name)s”是另一家企业“%(other)s”的现用名称：记为曾用名会使按名称关联专利对两家企业都失效，请核对。"
    ) % {"name": name, "other": others[0]}


def former_name_problems(names: Iterable[str], *, enterprise_pk: int | None) -> list[str]:
    """``former_name_problem`` for each of ``names``, with one query."""
    names = list(names)
    holders = current_name_holders(names)
    return [problem for name in names if (problem := former_name_problem(name, holders, enterprise_pk=enterprise_pk))]


@transaction.atomic
def enterprise_add_former_name(
    *, enterprise: Enterprise, name: str, user, reason: str = "数据质量页：记为曾用名"
) -> bool:
    """Add ``name`` to the enterprise's former names unless it is (a form of) a name it already has.

    Saved through the model, so the change history records who added it and why. Returns whether
    anything changed. Raises ``ValidationError`` when ``name`` is another enterprise's current name.
    """
    key = normalize_name(name)
    known = {normalize_name(enterprise.name), *(normalize_name(n) for n in enterprise.former_names)}
    if not key or key in known:
        return False
    problems = former_name_problems([name], enterprise_pk=enterprise.pk)
    if problems:
        raise ValidationError(problems)
    enterprise.former_names = [*enterprise.former_names, name.strip()]
    enterprise._history_user = user
    enterprise._change_reason = reason
    enterprise.save()
    return True
