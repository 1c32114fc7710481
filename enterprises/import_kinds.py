"""This app's kinds of import as the imports app runs and reverts them (``imports.registry``).

Registered from ``EnterprisesConfig.ready()``: enterprise files and official MIIT lists. Both write
enterprises and designations, so undoing either needs the permissions to write both.
"""

from typing import IO

from imports.models import ImportRecord
from imports.registry import register_import_kind

from .choices import DesignationStatus
from .services import designation_list_import, enterprise_import
from .services.revert import enterprise_import_revert_apply, enterprise_import_revert_plan

_WRITE_ENTERPRISES = ("enterprises.add_enterprise", "enterprises.change_enterprise")
_WRITE_DESIGNATIONS = ("enterprises.add_designation", "enterprises.change_designation")


def may_write_designations(user) -> bool:
    return user.has_perms(_WRITE_DESIGNATIONS)


def may_write_enterprises_and_designations(user) -> bool:
    return user.has_perms(_WRITE_ENTERPRISES + _WRITE_DESIGNATIONS)


def _enterprise_file_run(*, stream: IO[bytes], file_name: str, options: dict, dry_run: bool, user, via: str):
    ignore_unknown = bool(options.get("ignore_unknown"))
    return enterprise_import(
        stream=stream, file_name=file_name, dry_run=dry_run, ignore_unknown=ignore_unknown, user=user, via=via
    )


def _designation_list_run(*, stream: IO[bytes], file_name: str, options: dict, dry_run: bool, user, via: str):
    return designation_list_import(
        stream=stream,
        file_name=file_name,
        batch=options.get("batch"),
        status=options.get("status") or DesignationStatus.CONFIRMED,
        dry_run=dry_run,
        user=user,
        via=via,
    )


def register_enterprise_import_kinds() -> None:
    for kind, run in (
        (ImportRecord.Kind.ENTERPRISES, _enterprise_file_run),
        (ImportRecord.Kind.DESIGNATION_LIST, _designation_list_run),
    ):
        register_import_kind(
            kind,
            run=run,
            revert_plan=enterprise_import_revert_plan,
            revert_apply=enterprise_import_revert_apply,
            permission=may_write_enterprises_and_designations,
        )
