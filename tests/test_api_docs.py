"""/api/docs/ for people (#26): public reads carry no lock, enumerations list real values only."""

import datetime

import pytest
from drf_spectacular.generators import SchemaGenerator

from reports import services
from tests.factories import DesignationFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_public_reads_carry_no_security_requirement_and_writes_keep_theirs(regions):
    document = schema()
    assert "security" not in document  # no global requirement either
    reads = [(p, o) for p, m, o in operations(document) if m == "get"]
    writes = [(p, m, o) for p, m, o in operations(document) if m in ("post", "put", "patch", "delete")]
    assert len(reads) >= 10 and writes
    for path, operation in reads:
        assert not operation.get("security"), path  # anyone reads: no lock in Swagger UI
    for path, method, operation in writes:
        assert {"tokenAuth": []} in operation["security"], (path, method)
        assert {} not in operation["security"], (path, method)


def test_the_batch_filter_lists_the_batches_on_file(regions):
    for batch in (3, 1, 5, 1):
        DesignationFactory(enterprise=EnterpriseFactory(), batch=batch)
    document = schema()
    parameter = next(
        p
        for _path, _m, o in operations(document)
        for p in o.get("parameters", [])
        if p["name"] == "batch" and p["in"] == "query"
    )
    assert parameter["schema"]["items"]["enum"] == ["1", "3", "5"]


def test_the_docs_page_is_linked_from_the_data_page(client, regions):
    services.snapshot_compute(as_of=datetime.date(2023, 7, 31))
    assert 'href="/api/docs/"' in client.get("/data/").content.decode()
    assert client.get("/api/docs/").status_code == 200
