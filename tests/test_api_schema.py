"""The API against its own OpenAPI schema: schemathesis generates requests from /api/schema/.

Bounded (a few examples per operation) so that it runs in CI. It must find no server error and no
response that contradicts the schema (status codes the schema does not list, such as 400, 401 and 404,
are not schema violations; their bodies are checked where they are documented).
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.factories import DesignationFactory, EnterpriseFactory, PatentApplicantFactory, PatentFactory
from utilities.api.throttling import FixedWindowThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_schema(regions, monkeypatch, request):
    # Generated requests come fast: throttling them would only test the throttle.
    monkeypatch.setattr(FixedWindowThrottle, "allow_request", lambda self, request, view: True)
    enterprise = EnterpriseFactory()
    DesignationFactory(enterprise=enterprise)
    PatentApplicantFactory(patent=PatentFactory(), enterprise=enterprise)
    # The WSGI handler closes "old" connections around each request; inside the test's transaction that
    # would close the test database connection itself (Django's test client disconnects it the same way).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    request.addfinalizer(
        lambda: [signal.connect(close_old_connections) for signal in (request_started, request_finished)]
    )
    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    schema = schemathesis.openapi.from_dict(document)
    schema.app = get_wsgi_application()
    return schema


SETTINGS = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def test_the_api_honours_its_schema(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:

        @SETTINGS
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])

        check()


def _document() -> dict:
    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


def test_every_parameter_and_field_is_described(db):
    document = _document()
    undescribed = [
        f"{method.upper()} {path} ?{parameter['name']}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if not parameter.get("description")
    ]
    undescribed += [
        f"{name}.{field}"
        for name, component in document["components"]["schemas"].items()
        for field, spec in component.get("properties", {}).items()
        if not spec.get("description") and "$ref" not in spec and "allOf" not in spec
    ]
    assert undescribed == []


def test_the_docs_are_served_without_any_outside_resource(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "http://" not in html and "https://" not in html
    assert client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/schema/").status_code == 200


def test_the_docs_run_no_inline_script_so_the_content_security_policy_lets_them_start(client):
    page = client.get("/api/docs/")
    html = page.content.decode()
    assert "<script>" not in html
    start_up = client.get("/api/docs/?script=")
    assert start_up.status_code == 200
    assert start_up["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in start_up.content.decode()
    assert "'unsafe-inline'" not in page["Content-Security-Policy"].split("script-src", 1)[1].split(";", 1)[0]


def test_the_docs_answer_an_options_request_with_405_not_a_server_error(client):
    # DRF's OPTIONS answer would render the Swagger page's HTML renderer without a template (a 500).
    response = client.options("/api/docs/")

    assert response.status_code == 405
    assert client.head("/api/docs/").status_code == 200
