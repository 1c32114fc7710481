"""Project-wide checks: admin pages, migrations, and the real services CI runs against."""

import ast
import datetime
import io
import subprocess
import sys
import tomllib
import uuid
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from imports.models import ImportRecord
from reports.models import DataState
from tests.factories import DesignationFactory, PatentApplicantFactory

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parent.parent


def _registered_models():
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def some_data(regions):
    from reports.services import snapshot_compute

    designation = DesignationFactory()
    PatentApplicantFactory(enterprise=designation.enterprise, name=designation.enterprise.name)
    snapshot_compute(as_of=datetime.date(2023, 7, 31))
    DataState.objects.create(changed_at=timezone.now())
    ImportRecord.objects.create(
        kind=ImportRecord.Kind.ENTERPRISES,
        outcome=ImportRecord.Outcome.REJECTED,
        file_name="企业名单.csv",
        file_size=10,
        sha256="0" * 64,
        error_count=1,
        errors=[{"row": 2, "column": "credit_code", "value": "x", "reason": "应为18位"}],
        started_at=timezone.now(),
    )


@pytest.mark.parametrize("model", _registered_models(), ids=lambda model: model._meta.label)
def test_every_admin_changelist_renders_for_a_superuser(admin_client, some_data, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = admin_client.get(url)
    assert response.status_code == 200, url


@pytest.mark.parametrize("model", _registered_models(), ids=lambda model: model._meta.label)
def test_every_admin_add_page_renders_for_a_superuser(admin_client, rf, admin_user, some_data, model):
    request = rf.get("/")
    request.user = admin_user
    if not admin.site._registry[model].has_add_permission(request):
        pytest.skip(f"{model._meta.label} cannot be added by hand")
    response = admin_client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", _registered_models(), ids=lambda model: model._meta.label)
def test_every_admin_change_page_renders_for_a_superuser(admin_client, some_data, model):
    obj = model._default_manager.first()
    if obj is None:
        pytest.skip(f"no {model._meta.label} row in the sample data")
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    assert admin_client.get(url).status_code == 200


def test_admin_search_of_enterprises_by_former_name(admin_client, regions):
    designation = DesignationFactory(enterprise__former_names=["苏州旧名科技有限公司"])
    response = admin_client.get(reverse("admin:enterprises_enterprise_changelist"), {"q": "旧名"})
    assert designation.enterprise.name in response.content.decode()


def test_the_admin_requires_login(client):
    response = client.get(reverse("admin:enterprises_enterprise_changelist"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_migrations_match_the_models():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


def test_postgresql_answers_a_query():
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert "PostgreSQL" in cursor.fetchone()[0]


def test_the_city_in_province_rule_holds_on_postgresql(regions):
    from django.db import IntegrityError, transaction

    from regions.models import City, Province
    from tests.factories import EnterpriseFactory

    with pytest.raises(IntegrityError), transaction.atomic():
        EnterpriseFactory(province=Province.objects.get(code="320000"), city=City.objects.get(code="330100"))


@pytest.mark.redis
def test_a_value_round_trips_through_the_redis_cache(settings):
    assert settings.CACHES["default"]["BACKEND"] == "utilities.cache.ResilientRedisCache"
    key = f"round-trip-{uuid.uuid4()}"
    cache.set(key, {"省份": "江苏省", "n": 1477}, timeout=30)
    assert cache.get(key) == {"省份": "江苏省", "n": 1477}
    cache.delete(key)


def test_the_admin_speaks_english_under_en(admin_client, some_data):
    response = admin_client.get("/en/admin/enterprises/enterprise/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Unified social credit code" in page
    assert "Enterprises" in page


def test_the_admin_speaks_chinese_by_default(admin_client, some_data):
    page = admin_client.get("/admin/enterprises/enterprise/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "统一社会信用代码" in page


def test_the_home_page_is_the_public_overview_and_the_admin_links_back_to_it(admin_client):
    assert admin_client.get("/").status_code == 200
    assert admin_client.get("/en/").status_code == 200
    # 查看站点 (View site) leads to the home page in the admin's language.
    assert 'href="/"' in admin_client.get("/admin/").content.decode()
    assert 'href="/en/"' in admin_client.get("/en/admin/").content.decode()


def test_the_apps_keep_their_layers():
    # The contracts of pyproject.toml run here as well as in `make lint`, so a layer breach fails CI even
    # when lint is skipped; the output names every offending import and its line.
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([lint, "--no-cache", "--no-logo"], cwd=PROJECT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_layer_contracts_see_every_package_of_the_project():
    # A package missing from root_packages is never analysed, so its imports could breach any layer unseen
    # (an optional layer such as "(imports)" is then silently skipped).
    packages = {path.parent.name for path in PROJECT.glob("*/__init__.py")} - {"tests"}
    config = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    assert packages <= set(config["tool"]["importlinter"]["root_packages"])


def test_nothing_outside_the_tests_imports_them():
    # The tests are not a package of the project (the contracts leave them out), so nothing checks what
    # imports them: a benchmark or a command that did would break where tests/ is not shipped.
    config = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    offenders = []
    for package in config["tool"]["importlinter"]["root_packages"]:
        for path in sorted((PROJECT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module or ""]
                offenders += [
                    f"{path.relative_to(PROJECT)}:{node.lineno}" for name in names if name.split(".")[0] == "tests"
                ]
    assert offenders == []
