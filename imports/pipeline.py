"""The one shape of every import: open → validate → stage → plan → apply → history → notify.

``ImportPipeline.run()`` records the attempt (``recorded_import``: an ImportRecord whatever happens),
runs the named steps in that order and takes the kind's lock and transaction (``import_transaction``)
from the step ``transaction_from`` on. Each importer is a subclass that supplies its steps; a step it
does not need is the default, which does nothing.

- ``open``: read what is imported far enough to know it can be (a file's header); ``FileRejected`` if not.
- ``validate``: check every row, problems into ``self.report`` (row, column, value, reason).
- ``stage``: keep the valid rows where planning reads them (memory, a TEMP table). Importers that must
  not hold a large file in memory stage as they validate, in one pass, and need no step of their own.
- ``plan``: yield what the rows create, change or leave unchanged, one plan or a part at a time (the part
  is written before the next is planned, so that memory does not grow with the file); problems found
  while planning go to ``self.report`` and stop the writing.
- ``apply(plan)`` and ``history(plan)``: write a plan and its history rows (not on a dry run).
- ``notify``: tell the receivers what changed, once, inside the transaction.
- ``finish``: after the commit (statistics, VACUUM: they cannot run in a transaction), a dry run's too.

``planning()`` is held around plan, apply and history (the patent import's savepoint, which turns a write
meeting a key the file repeats into the file's duplicates report).

After each step a problem in ``self.report`` rejects the whole import (``FileRejected``): nothing is
written, the data transaction rolls back, and the record keeps the report.
"""

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import IO, ClassVar

from utilities.tabular import ErrorReport, FileRejected

from .records import ImportOutcome, import_transaction, recorded_import

STEPS = ("open", "validate", "stage", "plan", "apply", "history", "notify")


class ImportPipeline:
    """One import attempt of ``kind``: give ``stream`` (what the record fingerprints) and run it."""

    kind: ClassVar[str]
    # The first step run inside the import's transaction (and its lock): a step before it may read for as
    # long as it takes without holding the kind's lock.
    transaction_from: ClassVar[str] = "plan"

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        # A plan is written as it is made: planning and writing are in one transaction.
        if cls.transaction_from not in STEPS[: STEPS.index("plan") + 1]:
            raise TypeError(f"{cls.__name__}.transaction_from must be one of open, validate, stage, plan")

    def __init__(
        self, *, stream: IO[bytes], file_name: str, dry_run: bool = False, user=None, via: str = "command"
    ) -> None:
        self.stream = stream
        self.file_name = file_name
        self.dry_run = dry_run
        self.user = user
        self.via = via
        self.report = ErrorReport()
        # A conflict with a concurrent write names the row of the value it met (import_transaction).
        self.rows_by_value: dict[str, int] = {}
        self.outcome = ImportOutcome()

    @classmethod
    def from_upload(cls, *, stream: IO[bytes], file_name: str, options: dict, dry_run: bool, user, via: str):
        """The import of an upload (``imports.registry``): a subclass reads its own ``options`` here."""
        return cls(stream=stream, file_name=file_name, dry_run=dry_run, user=user, via=via)

    # --- what a subclass supplies ---------------------------------------------------------------------

    def options(self) -> dict:
        """What the record keeps of how the import was asked for."""
        return {}

    def resources(self) -> AbstractContextManager:
        """Held for the whole run, outside the transaction (a TEMP table that pass one fills)."""
        return nullcontext()

    def planning(self) -> AbstractContextManager:
        """Held around plan, apply and history, inside the transaction."""
        return nullcontext()

    def open(self) -> None:
        pass

    def validate(self) -> None:
        pass

    def stage(self) -> None:
        pass

    def plan(self) -> Iterator[object]:
        yield from ()

    def apply(self, plan) -> None:
        pass

    def history(self, plan) -> None:
        pass

    def notify(self) -> None:
        pass

    def counts(self) -> dict[str, int]:
        return {}

    def finish(self) -> None:
        pass

    def result(self) -> ImportOutcome:
        """What ``run()`` returns: the record's outcome, or more (a preview's rows)."""
        return self.outcome

    # --- the skeleton ---------------------------------------------------------------------------------

    def run(self) -> ImportOutcome:
        """Record the attempt, run the steps in order (``STEPS``), and return what the import did."""
        first_inside = STEPS.index(self.transaction_from)
        with (
            recorded_import(
                kind=self.kind,
                stream=self.stream,
                file_name=self.file_name,
                dry_run=self.dry_run,
                user=self.user,
                via=self.via,
                options=self.options(),
            ) as recorded,
            self.resources(),
        ):
            self.outcome = recorded
            self._steps(STEPS[:first_inside])
            with import_transaction(kind=self.kind, dry_run=self.dry_run, rows_by_value=self.rows_by_value):
                self._steps(STEPS[first_inside:])
            recorded.counts = self.counts()
            self.finish()
        return self.result()

    def _steps(self, names: Iterable[str]) -> None:
        for name in names:
            if name in ("apply", "history"):
                continue  # run with each plan (``_plans``)
            if name == "plan":
                self._plans()
            else:
                getattr(self, name)()
            self._refuse_if_reported()

    def _plans(self) -> None:
        with self.planning():
            for plan in self.plan():
                if self.report or self.dry_run:
                    continue  # rejected, or only planned: the later parts are still planned, for their problems
                self.apply(plan)
                self.history(plan)

    def _refuse_if_reported(self) -> None:
        if self.report:
            raise FileRejected(self.report)
