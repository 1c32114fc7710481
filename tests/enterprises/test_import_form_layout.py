"""The import page: fields marked with the kind of file they apply to (hidden for the others by a small
script served from the app, no CDN), help text beside its field, and the patents section named in English."""

import re

import pytest
from django.apps import apps
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation

from patents.models import Patent

pytestmark = pytest.mark.django_db


def form_rows(html: str) -> dict[str, str]:
    """Each form row's field name → its data-kind ("" for every kind)."""
    rows = {}
    for kind, body in re.findall(
        r'<div class="form-row[^"]*"(?: data-kind="([^"]*)")?>(.*?)</div>\s*</div>', html, re.S
    ):
        name = re.search(r'name="(\w+)"', body).group(1)
        rows[name] = kind
    return rows


def test_list_only_fields_are_marked_for_the_list_and_the_script_is_local(regions, admin_client):
    html = admin_client.get(reverse("admin:enterprises_enterprise_import")).content.decode()

    assert form_rows(html) == {
        "kind": "",
        "file": "",
        "batch": "designation_list",
        "status": "designation_list",
        "reviewed_on": "review_results",
        "ignore_unknown": "enterprises",
    }
    script = re.search(r'<script src="([^"]+import_form\.js)"', html).group(1)
    assert script.startswith("/static/")
    assert finders.find("enterprises/import_form.js")
    assert "//cdn" not in html and "https://" not in script


def test_each_help_text_is_inside_its_fields_row_and_described_by_it(regions, admin_client):
    html = admin_client.get(reverse("admin:enterprises_enterprise_import")).content.decode()
    for name in ("file", "batch", "status", "reviewed_on", "ignore_unknown"):
        row = re.search(rf'<div class="field"><label[^>]*for="id_{name}".*?</div>\s*</div>', html, re.S).group(0)
        assert f'id="id_{name}_helptext"' in row
        assert f'aria-describedby="id_{name}_helptext"' in row


def test_the_patents_section_is_plural_and_the_model_singular_in_english():
    with translation.override("en"):
        assert str(apps.get_app_config("patents").verbose_name) == "Patents"
        assert str(Patent._meta.verbose_name) == "Patent"
        assert str(Patent._meta.verbose_name_plural) == "Patents"
    with translation.override("zh-hans"):
        assert str(apps.get_app_config("patents").verbose_name) == "专利"


def test_the_english_admin_index_names_the_patents_section(regions, admin_client):
    html = admin_client.get("/en" + reverse("admin:index")).content.decode()
    assert re.search(r"<caption>\s*<a [^>]*>Patents</a>", html), "no Patents section"
