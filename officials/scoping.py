"""One restriction for every province-scoped queryset: what a user may see or change.

NetBox's ``RestrictedQuerySet.restrict(user, action)`` is the model. Every admin class (through
``officials.admin_mixins.ScopedAdminMixin``), the data-quality page, the imports and API views call
``restrict`` instead of checking provinces themselves, so a rule is written once:

- an enterprise belongs to its ``province``; a designation to its enterprise's;
- a patent belongs to every province of an enterprise linked as one of its applicants;
- an applicant belongs to its enterprise's province, and an unmatched applicant to the provinces of
  the patent it is printed on (its co-applicants');
- an import record belongs to its importer and, when every province it touched is the user's, to them;
- provinces and cities are public to read, but a user may only *put* data in their own (``action`` other
  than ``"view"``): that is what keeps an official from creating an enterprise elsewhere or moving one out.

Who sees what (``user_province_codes``): superusers, national administrators and analysts without
provinces see everything (``None``); a provincial official (or analyst) with provinces sees those; any
other account sees nothing of the scoped models (least privilege).
"""

from collections.abc import Callable

from django.db import models
from django.db.models import Exists, OuterRef, Q

from .choices import Role

VIEW = "view"
ALL_PROVINCES = None


def user_province_codes(user) -> frozenset[str] | None:
    """The province codes ``user`` answers for, or ``None`` for all of them. Cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return ALL_PROVINCES
    if hasattr(user, "_province_scope"):
        return user._province_scope
    from .models import Official

    official = Official.objects.filter(user=user).first()
    if official is None:
        scope: frozenset[str] | None = frozenset()
    else:
        codes = frozenset(official.provinces.values_list("code", flat=True))
        if official.role == Role.NATIONAL or (official.role == Role.ANALYST and not codes):
            scope = ALL_PROVINCES
        else:
            scope = codes
    user._province_scope = scope
    return scope


def is_national_administrator(user) -> bool:
    """Superusers and national administrators: the only ones who may recompute everything or edit divisions."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    from .models import Official

    return Official.objects.filter(user=user, role=Role.NATIONAL).exists()


# --- the rules, one per model ------------------------------------------------------------------------

Rule = Callable[[frozenset, object, str], Q | None]


def _enterprise(codes, user, action):
    return Q(province_id__in=codes)


def _designation(codes, user, action):
    return Q(enterprise__province_id__in=codes)


def _applicants_in(codes):
    from patents.models import PatentApplicant

    return PatentApplicant.objects.filter(enterprise__province_id__in=codes)


def _patent(codes, user, action):
    return Q(Exists(_applicants_in(codes).filter(patent=OuterRef("pk"))))


def _patent_applicant(codes, user, action):
    co_applicant = Exists(_applicants_in(codes).filter(patent=OuterRef("patent")))
    return Q(enterprise__province_id__in=codes) | (Q(enterprise__isnull=True) & Q(co_applicant))


def _import_record(codes, user, action):
    from enterprises.models import ImportRecord

    through = ImportRecord.provinces.through
    touched = through.objects.filter(importrecord=OuterRef("pk"))
    inside = Exists(touched.filter(province_id__in=codes)) & ~Exists(touched.exclude(province_id__in=codes))
    own = Q(imported_by=user) if getattr(user, "pk", None) else Q(pk__in=[])
    return own | Q(inside)


def _province(codes, user, action):
    return None if action == VIEW else Q(code__in=codes)


def _city(codes, user, action):
    return None if action == VIEW else Q(province_id__in=codes)


RULES: dict[str, Rule] = {
    "enterprises.enterprise": _enterprise,
    "enterprises.designation": _designation,
    "enterprises.importrecord": _import_record,
    "patents.patent": _patent,
    "patents.patentapplicant": _patent_applicant,
    "regions.province": _province,
    "regions.city": _city,
}


def is_scoped_model(model) -> bool:
    return model._meta.label_lower in RULES


def restrict(queryset: models.QuerySet, user, action: str = VIEW) -> models.QuerySet:
    """``queryset`` narrowed to the rows ``user`` may ``action`` ("view", "add", "change", "delete").

    Models without a rule (snapshots, indicators) are returned unchanged: they hold no province's data
    that is not public.
    """
    rule = RULES.get(queryset.model._meta.label_lower)
    if rule is None:
        return queryset
    codes = user_province_codes(user)
    if codes is ALL_PROVINCES:
        return queryset
    if not codes:
        return queryset.none()
    condition = rule(codes, user, action)
    return queryset if condition is None else queryset.filter(condition)


def may_act_on(user, obj, action: str = VIEW) -> bool:
    """Whether one object is inside ``user``'s scope (for views that hold an object, not a queryset)."""
    if not is_scoped_model(type(obj)):
        return True
    if user_province_codes(user) is ALL_PROVINCES:
        return True
    return restrict(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists()


class RestrictedQuerySet(models.QuerySet):
    """A queryset that can narrow itself to a user's provinces: ``Enterprise.objects.restrict(user, "change")``."""

    def restrict(self, user, action: str = VIEW) -> "RestrictedQuerySet":
        return restrict(self, user, action)
