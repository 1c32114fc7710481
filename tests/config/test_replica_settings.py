"""DATABASE_REPLICA_URL in the settings (#28): a second alias only when it is set, PostgreSQL only."""

import os
import subprocess
import sys

from django.conf import settings

SHOW = (
    "import config.settings as s; r = s.DATABASES.get('replica'); "
    "print(r and (r['HOST'], r['NAME'], r['OPTIONS']['connect_timeout'], r['TEST']['MIRROR'], r['CONN_HEALTH_CHECKS']))"
)


def _settings(**env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_REPLICA_URL"}
    environment.update(DJANGO_DEBUG="true", **env)
    return subprocess.run(
        [sys.executable, "-c", SHOW], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True
    )


def test_without_a_replica_url_there_is_one_database():
    result = _settings()

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"


def test_a_replica_url_adds_the_replica_alias_a_mirror_under_test_that_gives_up_quickly():
    result = _settings(DATABASE_REPLICA_URL="postgres://portal_ro@db-replica:5432/little_giants")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "('db-replica', 'little_giants', 2, 'default', True)"


def test_a_replica_url_of_another_database_engine_is_refused():
    result = _settings(DATABASE_REPLICA_URL="sqlite:///replica.sqlite3")

    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL must name a PostgreSQL database" in result.stderr


def test_the_suite_s_own_settings_have_no_replica_alias_and_the_router_sends_everything_to_the_primary():
    from django.db import router

    from enterprises.models import Enterprise

    assert "replica" not in settings.DATABASES
    assert router.db_for_read(Enterprise) == router.db_for_write(Enterprise) == "default"
