"""One restriction for every province-scoped queryset: what a user may see or change.

NetBox's ``RestrictedQuerySet.restrict(user, action)`` is the model. Each model says what "in these
provinces" means for its rows (``province_filter`` on its ``RestrictedQuerySet``); who answers for which
provinces is told by the ``officials`` app (``register_scope``). Every admin class (through
``utilities.scoping_admin.ScopedAdminMixin``), the data-quality page, the imports and the API views call
``restrict`` instead of checking provinces themselves, so a rule is written once and used everywhere:

    Enterprise.objects.restrict(request.user, "change")      # or restrict(queryset, user, action)

Actions are "view", "add", "change" and "delete". Models without a rule (snapshots, indicators: numbers
that are public) are returned unchanged.
"""

from collections.abc import Callable

from django.db import models
from django.db.models import Q

VIEW = "view"
CHANGE = "change"
# ``user_province_codes`` returns this for a user who sees every province.
ALL_PROVINCES = None

ProvinceCodes = frozenset[str] | None


def _default_provinces(user) -> ProvinceCodes:
    return frozenset()


def _default_national(user) -> bool:
    return False


_scope: dict[str, Callable] = {"provinces_of": _default_provinces, "is_national": _default_national}


def register_scope(*, provinces_of: Callable[[object], ProvinceCodes], is_national: Callable[[object], bool]) -> None:
    """Called once by the officials app: how to find a user's provinces and whether they are national."""
    _scope["provinces_of"] = provinces_of
    _scope["is_national"] = is_national


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def user_province_codes(user) -> ProvinceCodes:
    """The province codes ``user`` answers for, ``ALL_PROVINCES`` (None) for all. Cached on the user object.

    Superusers see everything; anyone else sees what the officials app says, and nothing without a role.
    """
    if not _signed_in(user):
        return frozenset()
    if user.is_superuser:
        return ALL_PROVINCES
    if not hasattr(user, "_province_scope"):
        user._province_scope = _scope["provinces_of"](user)
    return user._province_scope


def is_national_administrator(user) -> bool:
    """Superusers and national administrators: the only ones who may recompute everything or edit divisions.

    Cached on the user object like the provinces: an admin page asks once per national-only section.
    """
    if not _signed_in(user):
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_is_national"):
        user._is_national = _scope["is_national"](user)
    return user._is_national


def restrict(queryset: models.QuerySet, user, action: str = VIEW) -> models.QuerySet:
    """``queryset`` narrowed to the rows ``user`` may ``action``."""
    province_filter = getattr(queryset, "province_filter", None)
    if province_filter is None:
        return queryset
    codes = user_province_codes(user)
    if codes is ALL_PROVINCES:
        return queryset
    if not codes:
        return queryset.none()
    condition = province_filter(codes, user=user, action=action)
    return queryset if condition is None else queryset.filter(condition)


def may_act_on(user, obj, action: str = VIEW) -> bool:
    """Whether one object lies inside ``user``'s scope (for code that holds an object, not a queryset)."""
    return restrict(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists()


class RestrictedQuerySet(models.QuerySet):
    """A queryset that narrows itself to a user's provinces; subclasses define ``province_filter``."""

    def province_filter(self, codes: frozenset[str], *, user, action: str) -> Q | None:
        """The condition for rows "in" the provinces ``codes``; None when every row is allowed."""
        raise NotImplementedError

    def restrict(self, user, action: str = VIEW) -> "RestrictedQuerySet":
        return restrict(self, user, action)
