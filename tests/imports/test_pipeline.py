"""ImportPipeline: every importer's skeleton runs its steps in order around one ImportRecord, all or nothing."""

import io

import pytest

from enterprises.models import Enterprise
from imports.models import ImportRecord
from imports.pipeline import ImportPipeline
from tests.factories import EnterpriseFactory, make_credit_code
from utilities.tabular import FileRejected

pytestmark = pytest.mark.django_db


class Recording(ImportPipeline):
    """Notes each step; ``plans`` parts, each writing one enterprise; ``problem_in`` a step that reports one."""

    kind = ImportRecord.Kind.ENTERPRISES

    def __init__(self, *, plans: int = 1, problem_in: str = "", **kwargs) -> None:
        super().__init__(stream=io.BytesIO(b"rows"), file_name="rows.csv", **kwargs)
        self.steps: list[str] = []
        self.plans = plans
        self.problem_in = problem_in

    def _step(self, name: str) -> None:
        self.steps.append(name)
        if name == self.problem_in:
            self.report.add(2, "name", "x", "bad")

    def open(self):
        self._step("open")

    def validate(self):
        self._step("validate")

    def stage(self):
        self._step("stage")

    def plan(self):
        for part in range(1, self.plans + 1):
            self._step(f"plan {part}")
            yield part

    def apply(self, plan):
        self._step(f"apply {plan}")
        EnterpriseFactory(credit_code=make_credit_code(plan))

    def history(self, plan):
        self._step(f"history {plan}")

    def notify(self):
        self._step("notify")

    def counts(self):
        return {"enterprises_created": self.plans}

    def finish(self):
        self._step("finish")


def test_the_steps_run_in_order_and_the_record_keeps_the_counts(regions):
    run = Recording(plans=2)
    outcome = run.run()

    assert run.steps == [
        "open",
        "validate",
        "stage",
        "plan 1",
        "apply 1",
        "history 1",
        "plan 2",
        "apply 2",
        "history 2",
        "notify",
        "finish",
    ]
    record = ImportRecord.objects.get()
    assert outcome.record == record
    assert (record.outcome, record.counts) == ("applied", {"enterprises_created": 2})
    assert Enterprise.objects.count() == 2


def test_a_failing_validate_step_changes_nothing_and_records_the_failure(regions):
    run = Recording(problem_in="validate")

    with pytest.raises(FileRejected) as rejected:
        run.run()

    assert run.steps == ["open", "validate"]
    assert [(error.row, error.column, error.reason) for error in rejected.value.report.errors] == [(2, "name", "bad")]
    record = ImportRecord.objects.get()
    assert (record.outcome, record.error_count) == ("rejected", 1)
    assert record.errors == [{"row": 2, "column": "name", "value": "x", "reason": "bad"}]
    assert not Enterprise.objects.exists()


def test_a_problem_found_planning_a_later_part_rolls_back_the_parts_written(regions):
    run = Recording(plans=3, problem_in="plan 2")

    with pytest.raises(FileRejected):
        run.run()

    # The parts after the problem are still planned (for their own problems), none is written any more.
    assert run.steps == ["open", "validate", "stage", "plan 1", "apply 1", "history 1", "plan 2", "plan 3"]
    assert not Enterprise.objects.exists()  # part 1 was written, and rolled back
    assert ImportRecord.objects.get().outcome == "rejected"


def test_a_dry_run_plans_and_writes_nothing(regions):
    run = Recording(plans=2, dry_run=True)
    run.run()

    assert run.steps == ["open", "validate", "stage", "plan 1", "plan 2", "notify", "finish"]
    assert ImportRecord.objects.get().outcome == "dry_run"
    assert not Enterprise.objects.exists()


def test_planning_and_writing_are_in_one_transaction():
    with pytest.raises(TypeError, match="transaction_from"):

        class WritesOutside(ImportPipeline):
            kind = ImportRecord.Kind.ENTERPRISES
            transaction_from = "apply"


def test_every_registered_kind_of_import_runs_on_the_skeleton():
    from enterprises.services.enterprise_file import EnterpriseFileImport
    from enterprises.services.miit_list import DesignationListImport
    from imports.registry import import_kind
    from patents.services.patent_file import PatentFileImport

    pipelines = {kind: import_kind(kind).pipeline for kind in ("enterprises", "designation_list", "patents")}

    assert pipelines == {
        "enterprises": EnterpriseFileImport,
        "designation_list": DesignationListImport,
        "patents": PatentFileImport,
    }
    assert all(issubclass(pipeline, ImportPipeline) for pipeline in pipelines.values())


def test_an_upload_reads_its_options_into_its_import(regions):
    from enterprises.services.miit_list import DesignationListImport

    upload = {"stream": io.BytesIO(b""), "file_name": "list.csv", "dry_run": True, "user": None, "via": "admin"}
    run = DesignationListImport.from_upload(options={"batch": 5, "status": ""}, **upload)

    assert (run.batch, run.status, run.via, run.dry_run) == (5, "confirmed", "admin", True)
