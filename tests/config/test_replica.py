"""Public reads from a streaming replica (#28), against a real primary and hot standby (conftest.py).

Where a query ran is seen on the connections themselves: every SQL statement each alias executes during a
request is recorded; the replica's lag check (tagged ``replica lag check``) is told apart from the page's
own reads. The replica is a real standby: it cannot take a write, its replay can be paused, and it can
be stopped.
"""

import contextlib
import datetime
import logging
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.urls import resolve
from rest_framework.authtoken.models import Token

from config import replica
from enterprises.models import Enterprise
from officials.services import official_set_up
from reports import services
from tests.reports.factories import enterprise, patent

pytestmark = pytest.mark.usefixtures("on_cluster")

AS_OF = datetime.date(2023, 7, 31)
LATER = datetime.date(2023, 12, 31)
OLD_NAME = "苏州副本测试科技有限公司"
REPLICA = replica.REPLICA


@pytest.fixture(scope="module")
def world(replica_cluster):
    """One enterprise with a patent, a complete snapshot at AS_OF, and an official with an API token."""
    firm = enterprise(city="320500")
    firm.name = OLD_NAME
    firm.save()
    patent(firm, published=datetime.date(2022, 3, 1))
    services.snapshot_compute(as_of=AS_OF)
    # The report page compares with a year earlier; were that snapshot missing, the page would ask a worker for
    # it (a write, to the primary). Here it is there, so the page only reads.
    services.snapshot_year_earlier_ensure(as_of=AS_OF, wait=True)
    official = official_set_up(username="replica-national", role="national").user
    token = Token.objects.create(user=official)
    replica_cluster.wait_for_replay()
    return {"enterprise": firm, "official": official, "token": token.key}


@contextlib.contextmanager
def queries_by_alias():
    """The SQL each alias executed in the block, the lag check left out: {"default": [...], "replica": [...]}."""
    seen = {DEFAULT_DB_ALIAS: [], REPLICA: []}

    def recorder(alias):
        def record(execute, sql, params, many, context):
            if "replica lag check" not in sql:
                seen[alias].append(sql)
            return execute(sql, params, many, context)

        return record

    with (
        connections[DEFAULT_DB_ALIAS].execute_wrapper(recorder(DEFAULT_DB_ALIAS)),
        connections[REPLICA].execute_wrapper(recorder(REPLICA)),
    ):
        yield seen


def in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]


def detail_url(firm) -> str:
    return f"/api/v1/enterprises/{firm.credit_code}/"


def test_the_replica_alias_is_a_hot_standby_of_the_primary(world):
    assert in_recovery(REPLICA) is True
    assert in_recovery(DEFAULT_DB_ALIAS) is False
    assert Enterprise.objects.using(REPLICA).filter(name=OLD_NAME).exists()


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/regions/320000/",
        "/en/regions/320000/320500/",
        "/enterprises/",
        "/reports/province/320000/",
        "/sitemap.xml",
    ],
)
def test_an_anonymous_visitor_s_public_pages_are_read_from_the_replica(client, world, url):
    with queries_by_alias() as seen:
        response = client.get(url)

    assert response.status_code == 200
    assert seen[REPLICA] and seen[DEFAULT_DB_ALIAS] == []


@pytest.mark.parametrize("url", ["/regions/320000/", "/api/v1/indicators/province/320000/"])
def test_a_request_the_cache_answers_whole_runs_no_lag_check(client, world, url):
    """The lag check runs at a request's first read: a cached page or API answer costs no database a query."""
    assert client.get(url).status_code == 200  # read from the replica and kept
    ran = []

    def record(execute, sql, params, many, context):
        ran.append(sql)
        return execute(sql, params, many, context)

    with connections[DEFAULT_DB_ALIAS].execute_wrapper(record), connections[REPLICA].execute_wrapper(record):
        assert client.get(url).status_code == 200
    assert ran == []


def test_anonymous_api_reads_come_from_the_replica_and_an_official_s_from_the_primary(client, world):
    firm = world["enterprise"]
    with queries_by_alias() as anonymous:
        public = client.get(detail_url(firm))
    with queries_by_alias() as official:
        signed = client.get(detail_url(firm), HTTP_AUTHORIZATION=f"Token {world['token']}")

    assert public.status_code == signed.status_code == 200
    assert anonymous[REPLICA] and anonymous[DEFAULT_DB_ALIAS] == []
    assert official[DEFAULT_DB_ALIAS] and official[REPLICA] == []


def test_the_admin_and_a_signed_in_official_s_pages_read_the_primary(client, world):
    client.force_login(world["official"])
    with queries_by_alias() as seen:
        admin = client.get(f"/admin/enterprises/enterprise/{world['enterprise'].pk}/change/")
        page = client.get("/regions/320000/")

    assert admin.status_code == page.status_code == 200
    assert seen[DEFAULT_DB_ALIAS] and seen[REPLICA] == []


def test_the_report_pdf_which_renders_and_keeps_under_a_primary_lock_reads_the_primary(rf):
    request = rf.get("/reports/province/320000/report.pdf")
    request.resolver_match = resolve(request.path)
    request.user = AnonymousUser()
    page = rf.get("/reports/province/320000/")
    page.resolver_match = resolve(page.path)
    page.user = AnonymousUser()

    assert replica.public_read(request, request.resolver_match.func) is False
    assert replica.public_read(page, page.resolver_match.func) is True


def test_an_anonymous_write_goes_to_the_primary(client, world):
    with queries_by_alias() as seen:
        response = client.post("/api/v1/enterprises/", {"name": "x"}, content_type="application/json")

    assert response.status_code in (401, 403)
    assert seen[REPLICA] == []


def test_outside_a_request_tasks_and_commands_read_the_primary(world):
    with queries_by_alias() as seen:
        count = Enterprise.objects.filter(name=OLD_NAME).count()

    assert replica.replica_configured() and count == 1
    assert seen[DEFAULT_DB_ALIAS] and seen[REPLICA] == []


def test_writes_and_reads_inside_a_transaction_use_the_primary_during_a_replica_request(world):
    token = replica._reads_from_replica.set(True)
    try:
        with queries_by_alias() as seen:
            firm = Enterprise.objects.get(pk=world["enterprise"].pk)
            assert firm._state.db == REPLICA
            firm.employees = 321
            firm.save(update_fields=["employees"])
            with transaction.atomic():
                inside = Enterprise.objects.get(pk=firm.pk)
    finally:
        replica._reads_from_replica.reset(token)

    assert inside._state.db == DEFAULT_DB_ALIAS and inside.employees == 321
    assert any(sql.startswith("UPDATE") for sql in seen[DEFAULT_DB_ALIAS])
    assert not any(sql.startswith("UPDATE") for sql in seen[REPLICA])


def test_an_official_reads_their_own_write_at_once_while_visitors_see_the_replayed_state(
    client, world, replica_cluster
):
    firm = world["enterprise"]
    replica_cluster.replica_sql("SELECT pg_wal_replay_pause()")
    Enterprise.objects.filter(pk=firm.pk).update(name="苏州改名后科技有限公司")

    visitor = client.get(detail_url(firm)).json()
    official = client.get(detail_url(firm), HTTP_AUTHORIZATION=f"Token {world['token']}").json()

    assert visitor["name"] == OLD_NAME  # only the replica still has it: the visitor was served there
    assert official["name"] == "苏州改名后科技有限公司"

    replica_cluster.replica_sql("SELECT pg_wal_replay_resume()")
    replica_cluster.wait_for_replay()

    cache.clear()  # the API may cache anonymous answers: ask the database again
    assert client.get(detail_url(firm)).json()["name"] == "苏州改名后科技有限公司"
    Enterprise.objects.filter(pk=firm.pk).update(name=OLD_NAME)


def test_a_snapshot_the_replica_has_not_replayed_is_served_from_the_primary(client, world, replica_cluster):
    replica_cluster.replica_sql("SELECT pg_wal_replay_pause()")
    services.snapshot_compute(as_of=LATER)

    with queries_by_alias() as paused:
        newest = client.get("/")
        chosen = client.get("/regions/320000/", {"as_of": LATER.isoformat()})

    assert newest.status_code == chosen.status_code == 200
    assert f'value="{LATER.isoformat()}" selected' in newest.content.decode()
    assert paused[DEFAULT_DB_ALIAS] and paused[REPLICA] == []

    replica_cluster.replica_sql("SELECT pg_wal_replay_resume()")
    replica_cluster.wait_for_replay()
    cache.clear()  # the page read from the primary was kept: ask the databases again
    with queries_by_alias() as replayed:
        again = client.get("/regions/320000/", {"as_of": LATER.isoformat()})

    assert again.status_code == 200
    assert replayed[REPLICA] and replayed[DEFAULT_DB_ALIAS] == []


def test_a_stopped_replica_sends_reads_to_the_primary_with_one_warning(
    client, world, replica_cluster, caplog, settings
):
    settings.DATABASE_REPLICA_RETRY_SECONDS = 2
    replica_cluster.replica.stop()
    breaks = replica.breaker.breaks

    with caplog.at_level(logging.WARNING, logger="config.replica"), queries_by_alias() as seen:
        responses = [client.get(url) for url in ("/", "/regions/320000/", detail_url(world["enterprise"]))]
        broken_at = time.monotonic()

    assert [response.status_code for response in responses] == [200, 200, 200]
    assert seen[DEFAULT_DB_ALIAS] and seen[REPLICA] == []
    warnings = [record for record in caplog.records if "read replica unreachable" in record.getMessage()]
    assert len(warnings) == 1 and replica.breaker.breaks == breaks + 1

    # Back, but not tried again before the retry time is over: the primary still serves.
    replica_cluster.replica.start()
    cache.clear()  # the pages read from the primary were kept: ask the databases again
    with queries_by_alias() as waiting:
        assert client.get("/regions/320000/").status_code == 200
    assert time.monotonic() - broken_at < 2, "the replica took too long to start for this check"
    assert waiting[REPLICA] == []

    time.sleep(max(0.0, broken_at + 2.05 - time.monotonic()))
    cache.clear()
    with caplog.at_level(logging.INFO, logger="config.replica"), queries_by_alias() as back:
        assert client.get("/regions/320000/").status_code == 200
    assert back[REPLICA] and back[DEFAULT_DB_ALIAS] == []
    assert "read replica reachable again" in caplog.text


def test_a_replica_failing_during_a_view_makes_it_run_again_on_the_primary(client, world, caplog):
    def connection_lost(execute, sql, params, many, context):
        if "replica lag check" not in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with (
        caplog.at_level(logging.WARNING, logger="config.replica"),
        connections[REPLICA].execute_wrapper(connection_lost),
        queries_by_alias() as seen,
    ):
        page = client.get("/en/regions/320000/")
        api = client.get(detail_url(world["enterprise"]))

    assert page.status_code == api.status_code == 200
    assert seen[DEFAULT_DB_ALIAS]
    assert sum("read replica unreachable" in record.getMessage() for record in caplog.records) == 1
