"""Reads of the officials app: whose provinces are whose (registered with ``utilities.scoping``)."""

from .choices import Role
from .models import Official


def official_province_codes(user) -> frozenset[str] | None:
    """The provinces an account answers for; None for all (national, or an analyst without provinces).

    An account without an ``Official`` row (a staff user nobody gave a role) answers for none.
    """
    official = Official.objects.filter(user=user).first()
    if official is None:
        return frozenset()
    codes = frozenset(official.provinces.values_list("code", flat=True))
    if official.role == Role.NATIONAL or (official.role == Role.ANALYST and not codes):
        return None
    return codes


def official_is_national(user) -> bool:
    return Official.objects.filter(user=user, role=Role.NATIONAL).exists()
