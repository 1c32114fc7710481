"""Which kinds of import exist and how each runs and reverts: told by the apps that own the data.

The imports app records, previews, confirms and reverts imports of every kind but knows none of their
tables. Each owning app registers its kinds from its ``AppConfig.ready()`` (the enterprises app its
enterprise files and MIIT lists, the patents app its patent files), the way the officials app tells
``utilities.scoping`` who answers for which provinces (``register_scope``): the lower app asks, the
higher app answers, and no import reaches up.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ImproperlyConfigured

from .pipeline import ImportPipeline
from .records import ImportOutcome


@dataclass
class ImportKind:
    """How one kind of import is run and reverted, and who may write what it writes.

    - ``pipeline``, the ``ImportPipeline`` that imports such a file: ``run(*, stream, file_name, options,
      dry_run, user, via)`` runs it (a dry run for a preview) and returns its outcome, whose ``record`` is
      the attempt's ImportRecord;
    - ``revert_plan(*, record, record_id, user)`` lists the steps undoing the data import
      ``record_id`` wrote (``RevertStep``), or raises ``RevertRefused`` with every reason;
    - ``revert_apply(*, steps, record_id, revert, reason, user)`` writes them, naming the ``revert``
      record in the history, and returns its counts;
    - ``permission(user)``: whether ``user`` may write everything such an import writes, so may undo one.
    """

    kind: str
    pipeline: type[ImportPipeline]
    revert_plan: Callable
    revert_apply: Callable
    permission: Callable[[object], bool]

    def run(self, *, stream: IO[bytes], file_name: str, options: dict, dry_run: bool, user, via: str) -> ImportOutcome:
        upload = {"stream": stream, "file_name": file_name, "options": options, "dry_run": dry_run}
        return self.pipeline.from_upload(**upload, user=user, via=via).run()


_kinds: dict[str, ImportKind] = {}


def register_import_kind(
    kind: str,
    *,
    pipeline: type[ImportPipeline],
    revert_plan: Callable,
    revert_apply: Callable,
    permission: Callable[[object], bool],
) -> None:
    """Called from the owning app's ``ready()``; registering a kind again replaces it (tests, reloads)."""
    _kinds[kind] = ImportKind(kind, pipeline, revert_plan, revert_apply, permission)


def import_kind_registered(kind: str) -> bool:
    return kind in _kinds


def import_kind(kind: str) -> ImportKind:
    """The registered kind; an unknown one is a configuration error (its app is not installed)."""
    try:
        return _kinds[kind]
    except KeyError:
        raise ImproperlyConfigured(f"no import kind {kind!r} is registered (imports.registry)") from None
