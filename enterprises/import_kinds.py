"""This app's kinds of import as the imports app runs and reverts them (``imports.registry``).

Registered from ``EnterprisesConfig.ready()``: enterprise files and official MIIT lists, which both write
enterprises and designations, so undoing either needs the permissions to write both; and 复核 result
lists, which write designations only.
"""

from imports.models import ImportRecord
from imports.registry import register_import_kind

from .services.enterprise_file import EnterpriseFileImport
from .services.miit_list import DesignationListImport
from .services.revert import enterprise_import_revert_apply, enterprise_import_revert_plan
from .services.review_list import ReviewResultListImport

_WRITE_ENTERPRISES = ("enterprises.add_enterprise", "enterprises.change_enterprise")
_WRITE_DESIGNATIONS = ("enterprises.add_designation", "enterprises.change_designation")


def may_write_designations(user) -> bool:
    return user.has_perms(_WRITE_DESIGNATIONS)


def may_write_enterprises_and_designations(user) -> bool:
    return user.has_perms(_WRITE_ENTERPRISES + _WRITE_DESIGNATIONS)


def register_enterprise_import_kinds() -> None:
    for kind, pipeline, permission in (
        (ImportRecord.Kind.ENTERPRISES, EnterpriseFileImport, may_write_enterprises_and_designations),
        (ImportRecord.Kind.DESIGNATION_LIST, DesignationListImport, may_write_enterprises_and_designations),
        (ImportRecord.Kind.REVIEW_RESULTS, ReviewResultListImport, may_write_designations),
    ):
        register_import_kind(
            kind,
            pipeline=pipeline,
            revert_plan=enterprise_import_revert_plan,
            revert_apply=enterprise_import_revert_apply,
            permission=permission,
        )
