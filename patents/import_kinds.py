"""Patent files as the imports app runs and reverts them (``imports.registry``), from ``PatentsConfig.ready()``.

Undoing a patent import deletes the patents it created and changes back the ones it changed.
"""

from typing import IO

from imports.models import ImportRecord
from imports.registry import register_import_kind

from .services.patent_file import patent_import
from .services.revert import patent_import_revert_apply, patent_import_revert_plan


def may_write_patents(user) -> bool:
    return user.has_perms(("patents.change_patent", "patents.delete_patent"))


def _patent_file_run(*, stream: IO[bytes], file_name: str, options: dict, dry_run: bool, user, via: str):
    ignore_unknown = bool(options.get("ignore_unknown"))
    return patent_import(
        stream=stream, file_name=file_name, dry_run=dry_run, ignore_unknown=ignore_unknown, user=user, via=via
    )


def register_patent_import_kind() -> None:
    register_import_kind(
        ImportRecord.Kind.PATENTS,
        run=_patent_file_run,
        revert_plan=patent_import_revert_plan,
        revert_apply=patent_import_revert_apply,
        permission=may_write_patents,
    )
