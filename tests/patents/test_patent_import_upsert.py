"""patents.csv upsert: idempotent by publication number, dry runs, signals, and no per-row queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imports.models import ImportRecord
from patents.models import Patent, PatentApplicant
from patents.services import staging
from patents.signals import patent_links_changed
from tests.factories import EnterpriseFactory
from tests.patents.conftest import patent_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def links_changed():
    """The enterprise id sets of every patent_links_changed sent during the test."""
    sent: list[frozenset[int]] = []

    def receiver(sender, enterprise_ids, **kwargs):
        sent.append(enterprise_ids)

    patent_links_changed.connect(receiver, dispatch_uid="test-links-changed")
    yield sent
    patent_links_changed.disconnect(dispatch_uid="test-links-changed")


def snapshot():
    return (
        list(Patent.objects.order_by("pk").values()),
        list(PatentApplicant.objects.order_by("pk").values()),
    )


def test_importing_the_same_file_twice_changes_nothing(import_rows):
    rows = [patent_row(n, applicant_names=f"甲{n};乙{n}") for n in range(1, 6)]
    import_rows(rows)
    before = snapshot()
    outcome = import_rows(rows)
    assert outcome.counts["created"] == 0
    assert outcome.counts["updated"] == 0
    assert outcome.counts["unchanged"] == 5
    assert outcome.counts["applicants_written"] == 0
    assert snapshot() == before  # same rows, same ids


def test_a_changed_field_updates_the_patent_and_keeps_its_applicants(import_rows):
    import_rows([patent_row(1), patent_row(2)])
    applicant_ids = set(PatentApplicant.objects.values_list("pk", flat=True))
    outcome = import_rows([patent_row(1, legal_status="valid", grant_date="2021-05-01"), patent_row(2)])
    assert (outcome.counts["updated"], outcome.counts["unchanged"]) == (1, 1)
    patent = Patent.objects.get(publication_number="CN112000001A")
    assert patent.legal_status == "valid"
    assert patent.grant_date.isoformat() == "2021-05-01"
    assert set(PatentApplicant.objects.values_list("pk", flat=True)) == applicant_ids


def test_a_removed_grant_date_is_an_update(import_rows):
    import_rows([patent_row(1, grant_date="2021-05-01")])
    assert import_rows([patent_row(1, grant_date="")]).counts["updated"] == 1
    assert Patent.objects.get().grant_date is None


def test_a_changed_applicant_list_replaces_only_that_patents_applicants(import_rows):
    import_rows([patent_row(1, applicant_names="甲;乙"), patent_row(2)])
    kept = PatentApplicant.objects.get(patent__publication_number="CN112000002A").pk
    outcome = import_rows([patent_row(1, applicant_names="甲"), patent_row(2)])
    assert outcome.counts["updated"] == 1
    assert outcome.counts["applicants_written"] == 1
    assert list(
        PatentApplicant.objects.filter(patent__publication_number="CN112000001A").values_list("name", flat=True)
    ) == ["甲"]
    assert PatentApplicant.objects.filter(pk=kept).exists()


def test_a_reordered_applicant_list_is_a_change(import_rows):
    import_rows([patent_row(1, applicant_names="甲;乙")])
    assert import_rows([patent_row(1, applicant_names="乙;甲")]).counts["updated"] == 1
    assert list(PatentApplicant.objects.order_by("position").values_list("name", flat=True)) == ["乙", "甲"]


def test_a_changed_credit_code_is_a_change(import_rows):
    enterprise = EnterpriseFactory(name="甲公司")
    import_rows([patent_row(1, applicant_names="甲公司")])
    outcome = import_rows([patent_row(1, applicant_names="甲公司", applicant_credit_codes=enterprise.credit_code)])
    assert outcome.counts["updated"] == 1
    assert PatentApplicant.objects.get().credit_code == enterprise.credit_code


def test_patents_not_in_the_file_are_kept(import_rows):
    import_rows([patent_row(1), patent_row(2)])
    import_rows([patent_row(2)])
    assert Patent.objects.count() == 2


def test_a_dry_run_reports_what_would_change_and_writes_nothing(import_rows):
    import_rows([patent_row(1)])
    before = snapshot()
    outcome = import_rows([patent_row(1, title="新标题"), patent_row(2), patent_row(3)], dry_run=True)
    assert (outcome.counts["created"], outcome.counts["updated"], outcome.counts["unchanged"]) == (2, 1, 0)
    assert outcome.counts["applicants_written"] == 2
    assert snapshot() == before
    assert outcome.record.outcome == ImportRecord.Outcome.DRY_RUN


def test_a_dry_run_counts_links_it_would_make(import_rows):
    EnterpriseFactory(name="甲公司")
    outcome = import_rows([patent_row(1, applicant_names="甲公司;无名氏")], dry_run=True)
    assert (outcome.counts["applicants_linked"], outcome.counts["applicants_unmatched"]) == (1, 1)
    assert not PatentApplicant.objects.exists()


def test_an_applied_import_is_recorded_with_its_counts(import_rows):
    outcome = import_rows([patent_row(1)])
    record = ImportRecord.objects.get(pk=outcome.record.pk)
    assert record.outcome == ImportRecord.Outcome.APPLIED
    assert record.counts["created"] == 1


def test_links_changed_is_sent_for_enterprises_whose_patents_change(import_rows, links_changed):
    first, second = EnterpriseFactory(name="甲公司"), EnterpriseFactory(name="乙公司")
    import_rows([patent_row(1, applicant_names="甲公司"), patent_row(2, applicant_names="乙公司")])
    assert links_changed == [frozenset({first.pk, second.pk})]
    # The patent moves from 甲 to 乙: both enterprises' patents changed.
    import_rows([patent_row(1, applicant_names="乙公司"), patent_row(2, applicant_names="乙公司")])
    assert links_changed[-1] == frozenset({first.pk, second.pk})


def test_links_changed_is_not_sent_when_nothing_changed_or_on_a_dry_run(import_rows, links_changed):
    EnterpriseFactory(name="甲公司")
    rows = [patent_row(1, applicant_names="甲公司")]
    import_rows(rows)
    import_rows(rows)
    import_rows([patent_row(1, applicant_names="甲公司", title="新")], dry_run=True)
    assert len(links_changed) == 1


def import_queries(import_rows, rows) -> int:
    with CaptureQueriesContext(connection) as context:
        import_rows(rows)
    return len(context.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_number_of_rows(import_rows):
    EnterpriseFactory.create_batch(5)
    small = [patent_row(n, applicant_names=f"甲{n};乙{n}") for n in range(1, 11)]
    large = [patent_row(n, applicant_names=f"甲{n};乙{n}") for n in range(1001, 1401)]
    # Staging is batched and the rest is set-based SQL: 400 rows cost what 10 rows cost.
    first = import_queries(import_rows, small)
    assert first == import_queries(import_rows, large)
    assert first <= 60
    changed = import_queries(import_rows, [{**row, "title": "改"} for row in small])
    assert changed == import_queries(import_rows, [{**row, "title": "改"} for row in large])


def test_batches_give_the_same_result_as_one_pass(import_rows, monkeypatch):
    monkeypatch.setattr(staging, "BATCH_ROWS", 3)
    enterprise = EnterpriseFactory(name="甲公司")
    rows = [patent_row(n, applicant_names="甲公司;乙") for n in range(1, 11)]
    assert import_rows(rows).counts["created"] == 10
    outcome = import_rows([*rows[:5], *({**row, "title": "改"} for row in rows[5:])])
    assert (outcome.counts["unchanged"], outcome.counts["updated"]) == (5, 5)
    assert PatentApplicant.objects.filter(enterprise=enterprise).count() == 10
