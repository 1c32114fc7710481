"""setup_demo: what `make run` does before serving, on an empty database and again on a filled one."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from demo.management.commands import setup_demo
from enterprises.models import Enterprise
from reports.models import Snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def password_file(tmp_path, monkeypatch, settings):
    settings.DEBUG = True
    path = tmp_path / ".demo-admin-password"
    monkeypatch.setattr(setup_demo, "PASSWORD_FILE", path)
    return path


def test_an_empty_portal_gets_demo_data_snapshots_and_an_admin(regions, password_file, capsys):
    call_command("setup_demo")
    assert Enterprise.objects.count() > 500
    assert set(Snapshot.objects.filter(status="complete").values_list("as_of", flat=True)) >= {setup_demo.REPORT_AS_OF}
    password = password_file.read_text().strip()
    assert password in capsys.readouterr().out
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)


def test_a_second_run_changes_nothing(regions, password_file):
    call_command("setup_demo")
    counts = (Enterprise.objects.count(), Snapshot.objects.count(), password_file.read_text())
    call_command("setup_demo")
    assert (Enterprise.objects.count(), Snapshot.objects.count(), password_file.read_text()) == counts


def test_no_admin_account_is_made_outside_debug(regions, password_file, settings):
    settings.DEBUG = False
    call_command("setup_demo")
    assert not get_user_model().objects.filter(username="admin").exists()
    assert not password_file.exists()


def test_the_banner_prints_the_address_make_run_serves(regions, password_file):
    import io

    from tests.factories import EnterpriseFactory

    EnterpriseFactory()  # a filled database: no demo data to generate
    out = io.StringIO()

    call_command("setup_demo", "--url", "http://0.0.0.0:8123/", stdout=out)

    assert "http://0.0.0.0:8123/admin/" in out.getvalue()
    assert ":8000" not in out.getvalue()
