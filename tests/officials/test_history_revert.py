"""Every change has its channel in the history, and one change can be reverted after a preview."""

import pytest
from django.urls import reverse

from enterprises.models import Enterprise
from imports.models import ImportRecord
from tests.enterprises.import_helpers import csv_bytes, enterprise_row
from tests.enterprises.test_import_admin import decide, upload
from tests.factories import EnterpriseFactory
from utilities.history import Channel, history_stamp, history_stamped

pytestmark = pytest.mark.django_db


def edit(enterprise: Enterprise, user, **values) -> None:
    """An edit as the admin makes it: through save(), with its user."""
    for name, value in values.items():
        setattr(enterprise, name, value)
    with history_stamped(history_stamp(user=user, channel=Channel.ADMIN)):
        enterprise.save()


def revert_url(enterprise, record) -> str:
    return reverse("admin:enterprises_enterprise_revert_change", args=[enterprise.pk, record.history_id])


def test_changes_through_the_admin_and_an_import_say_their_channel(regions, admin_client):
    upload(admin_client, csv_bytes([enterprise_row(1)]))
    decide(admin_client, ImportRecord.objects.get(), "confirm")
    enterprise = Enterprise.objects.get()
    form = (
        admin_client.get(reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])).context["adminform"].form
    )
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        {
            "employees": "999",
            "former_names": "",
            "designations-TOTAL_FORMS": "0",
            "designations-INITIAL_FORMS": "0",
            "designations-MIN_NUM_FORMS": "0",
            "designations-MAX_NUM_FORMS": "1000",
            "primary_financing": "unknown",
        }
    )
    admin_client.post(reverse("admin:enterprises_enterprise_change", args=[enterprise.pk]), data)

    channels = list(
        enterprise.history.order_by("history_id").values_list("history_channel", "history_import_record_id")
    )
    applied = ImportRecord.objects.get(preview_record__isnull=False)
    assert channels == [("import", applied.pk), ("admin", None)]
    page = admin_client.get(reverse("admin:enterprises_enterprise_history", args=[enterprise.pk])).content.decode()
    assert "管理后台" in page and f"#{applied.pk}" in page and "撤销此修改" in page


def test_a_command_change_is_recorded_as_such(regions):
    enterprise = EnterpriseFactory()
    enterprise.employees = 5
    enterprise.save()
    assert enterprise.history.latest().history_channel == "command"


def test_one_change_is_reverted_after_a_preview_of_what_will_be_written(regions, admin_client, admin_user):
    enterprise = EnterpriseFactory(employees=100)
    edit(enterprise, admin_user, employees=200, stock_code="688001")
    change = enterprise.history.latest()

    preview = admin_client.get(revert_url(enterprise, change))
    assert [row[1:] for row in preview.context["rows"]] == [("200", "100"), ("688001", "—")]
    enterprise.refresh_from_db()
    assert enterprise.employees == 200  # the preview wrote nothing

    admin_client.post(revert_url(enterprise, change))

    enterprise.refresh_from_db()
    assert (enterprise.employees, enterprise.stock_code) == (100, "")
    assert enterprise.history.latest().history_change_reason == f"撤销修改 #{change.history_id}"


def test_a_revert_is_refused_when_a_later_change_touched_the_same_field(regions, admin_client, admin_user):
    enterprise = EnterpriseFactory(employees=100)
    edit(enterprise, admin_user, employees=200)
    first = enterprise.history.latest()
    edit(enterprise, admin_user, employees=300)

    response = admin_client.post(revert_url(enterprise, first))

    assert "参保人数" in response.content.decode() and "又被改过" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.employees == 300


def test_a_field_changed_and_changed_back_since_does_not_block_reverting_one_change(
    regions, admin_client, admin_user, django_user_model
):
    enterprise = EnterpriseFactory(employees=100)
    edit(enterprise, admin_user, employees=200)
    change = enterprise.history.latest()
    someone_else = django_user_model.objects.create_user("another_official")
    edit(enterprise, someone_else, employees=250)
    edit(enterprise, someone_else, employees=200)  # and back: the value now is the one the change wrote

    preview = admin_client.get(revert_url(enterprise, change))
    assert preview.context["reasons"] == []
    assert [row[1:] for row in preview.context["rows"]] == [("200", "100")]
    admin_client.post(revert_url(enterprise, change))

    enterprise.refresh_from_db()
    assert enterprise.employees == 100


def test_a_field_changed_since_by_someone_else_blocks_reverting_one_change_naming_the_value_now(
    regions, admin_client, admin_user, django_user_model
):
    enterprise = EnterpriseFactory(employees=100, stock_code="")
    edit(enterprise, admin_user, employees=200, stock_code="688001")
    change = enterprise.history.latest()
    edit(enterprise, django_user_model.objects.create_user("another_official"), employees=250)

    response = admin_client.post(revert_url(enterprise, change))

    assert response.context["reasons"] == ["“参保人数”在这次修改之后又被改过（现在是 250），不能撤销这次修改。"]
    enterprise.refresh_from_db()
    assert (enterprise.employees, enterprise.stock_code) == (250, "688001")  # nothing reverted, not even stock_code


def test_an_official_cannot_revert_a_change_of_another_province(regions, js_client, two_provinces, admin_user):
    zhejiang = two_provinces["zhejiang"]
    edit(zhejiang, admin_user, employees=1)
    assert js_client.get(revert_url(zhejiang, zhejiang.history.latest())).status_code == 404


def test_a_revert_that_would_move_an_enterprise_out_of_the_officials_province_is_refused(
    regions, js_client, jiangsu_official, admin_user
):
    enterprise = EnterpriseFactory(province_id="330000", city_id="330100")
    edit(enterprise, admin_user, province_id="320000", city_id="320500")

    response = js_client.post(revert_url(enterprise, enterprise.history.latest()))

    assert "不在您负责的省份内" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.province_id == "320000"


def test_a_write_through_the_api_is_recorded_with_channel_api_and_its_record(regions, admin_user):
    from enterprises.services import enterprise_import

    outcome = enterprise_import(
        stream=__import__("io").BytesIO(csv_bytes([enterprise_row(1)])), file_name="api", user=admin_user, via="api"
    )

    row = Enterprise.objects.get().history.get()
    assert (row.history_channel, row.history_import_record_id) == ("api", outcome.record.pk)


def test_an_analyst_cannot_revert_a_change(regions, client, analyst, admin_user):
    enterprise = EnterpriseFactory(employees=100)
    edit(enterprise, admin_user, employees=200)
    client.force_login(analyst)

    assert client.get(revert_url(enterprise, enterprise.history.latest())).status_code == 403
    assert client.post(revert_url(enterprise, enterprise.history.latest())).status_code == 403
    enterprise.refresh_from_db()
    assert enterprise.employees == 200


def test_an_official_cannot_post_a_revert_of_another_provinces_change(regions, js_client, two_provinces, admin_user):
    zhejiang = two_provinces["zhejiang"]
    employees = zhejiang.employees
    edit(zhejiang, admin_user, employees=1)

    assert js_client.post(revert_url(zhejiang, zhejiang.history.latest())).status_code == 404
    zhejiang.refresh_from_db()
    assert zhejiang.employees == 1 != employees
