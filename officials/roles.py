"""The three roles as permission groups, written by code only (a migration, ``create_official``, post_migrate).

Least privilege: a provincial official gets exactly what curating their provinces' data needs; only the
national role may start a full recompute (``reports.recompute_snapshot``) or change divisions.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .choices import Role

GROUP_NAMES = {Role.NATIONAL: "全国管理员", Role.PROVINCIAL: "省级管理员", Role.ANALYST: "只读分析员"}

_VIEW_EVERYTHING = [
    "enterprises.view_enterprise",
    "enterprises.view_designation",
    "imports.view_importrecord",
    "patents.view_patent",
    "patents.view_patentapplicant",
    "regions.view_province",
    "regions.view_city",
    "reports.view_snapshot",
    "reports.view_scopeindicator",
    "reports.view_datastate",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.ANALYST: _VIEW_EVERYTHING,
    Role.PROVINCIAL: [
        *_VIEW_EVERYTHING,
        "enterprises.add_enterprise",
        "enterprises.change_enterprise",
        "enterprises.add_designation",
        "enterprises.change_designation",
        "enterprises.delete_designation",
        # Linking an applicant to an enterprise of their province (the data-quality page).
        "patents.change_patentapplicant",
    ],
    Role.NATIONAL: [
        *_VIEW_EVERYTHING,
        "enterprises.add_enterprise",
        "enterprises.change_enterprise",
        "enterprises.delete_enterprise",
        "enterprises.add_designation",
        "enterprises.change_designation",
        "enterprises.delete_designation",
        "patents.add_patent",
        "patents.change_patent",
        "patents.delete_patent",
        "patents.add_patentapplicant",
        "patents.change_patentapplicant",
        "patents.delete_patentapplicant",
        "regions.add_province",
        "regions.change_province",
        "regions.add_city",
        "regions.change_city",
        "reports.recompute_snapshot",
        "reports.delete_snapshot",
        "officials.view_official",
        "officials.add_official",
        "officials.change_official",
    ],
}


def _permissions(names: list[str], permission_model=Permission) -> list:
    query = Q()
    for name in names:
        app_label, codename = name.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    return list(permission_model.objects.filter(query))


def roles_sync(*, group_model=Group, permission_model=Permission) -> dict[str, object]:
    """Create or update the three groups with exactly their role's permissions; returns them by role."""
    groups = {}
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=GROUP_NAMES[role])
        group.permissions.set(_permissions(names, permission_model))
        groups[role] = group
    return groups


def roles_sync_after_migrate(sender, **kwargs) -> None:
    roles_sync()
