"""An official reads an enterprise's history page in either language: translated column headers, "—" for a
change without a reason, an import named with its file and a link to its record; the imports section of the
admin is "Imports" in English, in the index and the breadcrumbs (#27)."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import translation

from enterprises.models import Enterprise
from enterprises.services import enterprise_import
from tests.enterprises.import_helpers import csv_bytes, enterprise_row
from utilities.history import Channel, history_stamp, history_stamped

pytestmark = pytest.mark.django_db

HEADERS = {
    "zh-hans": ["时间", "操作", "修改人", "途径", "原因", "撤销修改", "改动"],
    "en": ["Date/time", "Action", "Changed by", "Channel", "Reason", "Revert", "Changes"],
}


@pytest.fixture
def imported_then_edited(regions, admin_user, jiangsu_official):
    """An enterprise imported from enterprises.csv, then edited by the official without a reason."""
    outcome = enterprise_import(
        stream=io.BytesIO(csv_bytes([enterprise_row(1)])), file_name="enterprises.csv", user=admin_user, via="admin"
    )
    enterprise = Enterprise.objects.get()
    enterprise.employees = 150
    with history_stamped(history_stamp(user=jiangsu_official, channel=Channel.ADMIN)):
        enterprise.save()
    return enterprise, outcome.record


def history_page(client, enterprise, language: str) -> str:
    with translation.override(language):
        url = reverse("admin:enterprises_enterprise_history", args=[enterprise.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def rows(html: str) -> list[list[str]]:
    """The cells (headers, then data) of each row of the history table, whitespace collapsed."""
    table = html[html.index('id="change-history"') :].split("</table>")[0]
    return [
        [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<t[hd](?:\s[^>]*)?>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_history_columns_are_headed_in_the_officials_language(js_client, imported_then_edited, language):
    html = history_page(js_client, imported_then_edited[0], language)

    assert rows(html)[0] == HEADERS[language]
    for raw in ("channel_text", "reason_text", "revert_link", "CHANGES", "None"):
        assert raw not in html


def test_an_import_row_names_its_file_and_links_its_record_and_an_edit_without_reason_reads_a_dash(
    js_client, imported_then_edited
):
    enterprise, record = imported_then_edited
    html = history_page(js_client, enterprise, "zh-hans")

    link = f'<a href="/admin/imports/importrecord/{record.pk}/change/">导入记录 #{record.pk}</a>'
    _headers, edited, imported = rows(html)
    assert imported[4] == f"导入 enterprises.csv（{link}）"
    assert imported[3] == f'导入 <a href="/admin/imports/importrecord/{record.pk}/change/">#{record.pk}</a>'
    assert (edited[2], edited[3], edited[4]) == ("js-official", "管理后台", "—")


def test_in_english_the_import_row_reads_import_file_and_its_record(js_client, imported_then_edited):
    enterprise, record = imported_then_edited
    html = history_page(js_client, enterprise, "en")

    link = f'<a href="/en/admin/imports/importrecord/{record.pk}/change/">import record #{record.pk}</a>'
    assert f"Import enterprises.csv ({link})" in html
    assert "ImportRecord #" not in html


def test_a_reverted_change_reads_as_such_in_both_languages(admin_client, imported_then_edited):
    enterprise, _record = imported_then_edited
    change = enterprise.history.latest()
    with translation.override("zh-hans"):
        admin_client.post(
            reverse("admin:enterprises_enterprise_revert_change", args=[enterprise.pk, change.history_id])
        )

    assert f"撤销修改 #{change.history_id}" in history_page(admin_client, enterprise, "zh-hans")
    assert f"Revert of change #{change.history_id}" in history_page(admin_client, enterprise, "en")


def test_the_imports_section_is_imports_in_english_in_the_index_and_the_breadcrumbs(admin_client, regions):
    index = admin_client.get("/en/admin/").content.decode()
    records = admin_client.get("/en/admin/imports/importrecord/").content.decode()
    chinese = admin_client.get("/admin/imports/importrecord/").content.decode()

    assert re.search(r'<a href="/en/admin/imports/"[^>]*>\s*Imports\s*</a>', index)
    breadcrumbs = records[records.index('class="breadcrumbs"') :][:400]
    assert ">Imports</a>" in breadcrumbs and "Import record</a>" not in breadcrumbs
    assert ">数据导入</a>" in chinese[chinese.index('class="breadcrumbs"') :][:400]
