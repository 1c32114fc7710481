"""A bulk patent import records its history in bulk and is reverted from its record like any import.

New patents draw their ids from the sequence before they are written; the history rows carry them.
"""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imports.models import ImportRecord
from patents.models import ApplicantBeforeImport, Patent, PatentApplicant, PatentBeforeImport
from patents.services import patent_import
from tests.factories import EnterpriseFactory
from tests.patents.conftest import patent_row, patents_csv
from utilities.history import Channel, history_stamp, history_stamped

pytestmark = pytest.mark.django_db


def imported(rows, *, user=None) -> ImportRecord:
    outcome = patent_import(stream=io.BytesIO(patents_csv(rows)), file_name="patents.csv", user=user)
    return outcome.record


def revert_url(record) -> str:
    return reverse("admin:imports_importrecord_revert", args=[record.pk])


def applicants(publication_number: str) -> list[tuple[str, int | None]]:
    rows = PatentApplicant.objects.filter(patent__publication_number=publication_number).order_by("position")
    return list(rows.values_list("name", "enterprise_id"))


def test_an_import_writes_a_history_row_per_created_and_changed_patent_naming_its_record(regions, admin_user):
    imported([patent_row(1), patent_row(2)])
    record = imported([patent_row(1, title="新标题"), patent_row(2), patent_row(3)], user=admin_user)

    rows = Patent.history.filter(history_import_record_id=record.pk)
    assert sorted(rows.values_list("publication_number", "history_type")) == [
        ("CN112000001A", "~"),  # title changed
        ("CN112000003A", "+"),  # new; patent 2 is unchanged and gets no row
    ]
    changed = rows.get(history_type="~")
    assert (changed.title, changed.history_channel, changed.history_user) == ("新标题", "import", admin_user)
    assert changed.id == Patent.objects.get(publication_number="CN112000001A").pk
    # The state before is kept for the changed patent only, with its applicant list untouched.
    before = PatentBeforeImport.objects.get(import_record_id=record.pk)
    assert (before.title, before.applicants_replaced) == ("一种测试装置1", False)
    assert not ApplicantBeforeImport.objects.filter(import_record_id=record.pk).exists()


def test_the_history_write_is_set_based(regions):
    """The same number of statements for 3 and for 30 patents: nothing is written a row at a time."""
    imported([patent_row(n) for n in range(1, 4)])
    imported([patent_row(n) for n in range(100, 130)])

    def statements(rows) -> int:
        with CaptureQueriesContext(connection) as queries:
            imported(rows)
        return len(queries)

    small = statements([patent_row(n, title="改") for n in range(1, 4)] + [patent_row(n) for n in range(200, 203)])
    large = statements([patent_row(n, title="改") for n in range(100, 130)] + [patent_row(n) for n in range(300, 330)])
    assert small == large


def test_reverting_a_patent_import_deletes_what_it_created_and_restores_what_it_changed(regions, admin_client):
    first_company = EnterpriseFactory(name="苏州甲科技有限公司")
    second_company = EnterpriseFactory(name="苏州乙科技有限公司")
    imported([patent_row(1, applicant_names="苏州甲科技有限公司;某大学"), patent_row(2)])
    first_links = applicants("CN112000001A")
    assert first_links == [("苏州甲科技有限公司", first_company.pk), ("某大学", None)]
    second = imported(
        [
            patent_row(1, title="改过的标题", legal_status="valid", applicant_names="苏州乙科技有限公司"),
            patent_row(2),
            patent_row(3),
        ]
    )
    assert applicants("CN112000001A") == [("苏州乙科技有限公司", second_company.pk)]

    preview = admin_client.get(revert_url(second))
    html = preview.content.decode()
    assert preview.context["deletes"] == 1 and preview.context["restores"] == 1
    assert "标题：改过的标题 → 一种测试装置1" in html
    assert "苏州乙科技有限公司 → 苏州甲科技有限公司；某大学" in html
    assert Patent.objects.count() == 3  # the preview wrote nothing

    admin_client.post(revert_url(second))

    assert sorted(Patent.objects.values_list("publication_number", flat=True)) == ["CN112000001A", "CN112000002A"]
    patent = Patent.objects.get(publication_number="CN112000001A")
    assert (patent.title, patent.legal_status) == ("一种测试装置1", "pending")
    assert applicants("CN112000001A") == first_links  # names and links as they were
    revert = ImportRecord.objects.get(kind=ImportRecord.Kind.REVERT)
    assert revert.counts == {"patents_restored": 1, "patents_deleted": 1}
    latest = patent.history.latest()
    assert (latest.history_type, latest.history_channel, latest.history_import_record_id) == ("~", "import", revert.pk)
    deleted = Patent.history.get(publication_number="CN112000003A", history_type="-")
    assert deleted.history_import_record_id == revert.pk
    second.refresh_from_db()
    assert second.reverted_by == revert


def test_the_revert_is_refused_naming_the_patent_when_a_later_edit_touched_a_field_it_changed(
    regions, admin_client, admin_user
):
    imported([patent_row(1), patent_row(2)])
    second = imported([patent_row(1, title="导入的标题"), patent_row(2, title="另一个导入的标题"), patent_row(3)])
    edited = Patent.objects.get(publication_number="CN112000002A")
    edited.title = "官员改的标题"
    with history_stamped(history_stamp(user=admin_user, channel=Channel.ADMIN)):
        edited.save()

    response = admin_client.post(revert_url(second))

    html = response.content.decode()
    assert "CN112000002A" in html and "标题" in html and "不能撤销" in html
    assert "CN112000001A" not in html  # only the patent that was edited later is named
    assert Patent.objects.count() == 3  # nothing reverted, not even the other patents
    assert Patent.objects.get(publication_number="CN112000001A").title == "导入的标题"
    assert not ImportRecord.objects.filter(kind=ImportRecord.Kind.REVERT).exists()


def test_a_later_edit_of_a_patent_whose_applicants_the_import_replaced_refuses_the_revert(regions, admin_client):
    imported([patent_row(1, applicant_names="甲;乙")])
    second = imported([patent_row(1, applicant_names="丙")])
    patent = Patent.objects.get()
    patent.ipc_main = "H01M10/00"  # a field the import did not change, but the applicants have no history
    patent.save()

    response = admin_client.post(revert_url(second))

    assert "申请人" in response.content.decode() and "不能恢复导入前的申请人" in response.content.decode()
    assert applicants("CN112000001A") == [("丙", None)]


def test_a_later_import_that_changed_another_field_does_not_block_the_revert(regions, admin_client):
    imported([patent_row(1)])
    second = imported([patent_row(1, title="第二次")])
    imported([patent_row(1, title="第二次", cited_by_count="9")])

    admin_client.post(revert_url(second))

    patent = Patent.objects.get()
    assert (patent.title, patent.cited_by_count) == ("一种测试装置1", 9)


def test_a_patent_the_import_created_and_someone_edited_is_not_deleted(regions, admin_client):
    record = imported([patent_row(1)])
    patent = Patent.objects.get()
    patent.title = "后来改的"
    patent.save()

    response = admin_client.post(revert_url(record))

    assert "不能删除" in response.content.decode()
    assert Patent.objects.exists()


def test_an_import_recorded_before_the_history_existed_is_refused_with_the_reason(regions, admin_client):
    record = imported([patent_row(1)])
    Patent.history.all().delete()  # as a patent import made before this release left it

    response = admin_client.post(revert_url(record))

    assert "早于逐行记录历史" in response.content.decode()
    assert Patent.objects.exists()


def test_a_provincial_official_cannot_revert_an_import_of_patents_outside_their_provinces(regions, client):
    from officials.services import official_set_up

    official = official_set_up(username="js", role="provincial", province_codes=["320000"]).user
    record = imported([patent_row(1, applicant_names="某个没有匹配的申请人")], user=official)
    client.force_login(official)

    response = client.post(revert_url(record))

    assert Patent.objects.exists()
    # The patent belongs to no province of theirs (its only applicant is unmatched): refused, or not shown.
    assert response.status_code in (403, 404) or "省份以外" in response.content.decode()


def test_a_bulk_history_write_rebuilds_the_history_indexes_as_they_were(regions, admin_user, monkeypatch):
    """Large history writes are bulk loads (indexes built and the user's foreign key checked afterwards):
    same rows, same indexes and constraints, even with a user."""
    from patents.services import import_history

    def indexes() -> list[tuple[str, str]]:
        table = Patent.history.model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY indexname", [table]
            )
            found = cursor.fetchall()
            cursor.execute(
                """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                   WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname""",
                [table],
            )
            return found + cursor.fetchall()

    before = indexes()
    assert any("FOREIGN KEY" in definition for _, definition in before)
    monkeypatch.setattr(import_history, "BULK_ROWS", 1)

    record = imported([patent_row(n) for n in range(1, 20)], user=admin_user)

    assert indexes() == before
    assert Patent.history.filter(history_import_record_id=record.pk, history_user=admin_user).count() == 19


def test_a_patent_import_record_shows_its_counts_in_words(regions):
    from imports.records import import_counts_words

    record = imported([patent_row(1, applicant_names="甲;乙")])

    assert import_counts_words(record.counts) == ["新建专利 1", "写入申请人 2", "其中未匹配企业 2"]  # no raw keys
