"""Patent files as the imports app runs and reverts them (``imports.registry``), from ``PatentsConfig.ready()``.

Undoing a patent import deletes the patents it created and changes back the ones it changed.
"""

from imports.models import ImportRecord
from imports.registry import register_import_kind

from .services.patent_file import PatentFileImport
from .services.revert import patent_import_revert_apply, patent_import_revert_plan


def may_write_patents(user) -> bool:
    return user.has_perms(("patents.change_patent", "patents.delete_patent"))


def register_patent_import_kind() -> None:
    register_import_kind(
        ImportRecord.Kind.PATENTS,
        pipeline=PatentFileImport,
        revert_plan=patent_import_revert_plan,
        revert_apply=patent_import_revert_apply,
        permission=may_write_patents,
    )
