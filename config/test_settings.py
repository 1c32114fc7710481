"""Settings for the test suite: the real settings with a throw-away secret and a fast hasher.

DATABASE_URL and REDIS_URL are honoured; without DATABASE_URL the suite runs on the development PostgreSQL
in .pgdata/ (tests/conftest.py starts it).
"""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-suite-only-secret-key-not-used-anywhere-else-0123456789")
os.environ.setdefault("DJANGO_DEBUG", "false")

from .settings import *  # noqa: F403

# No replica alias, even with DATABASE_REPLICA_URL set: Django's test cases would read a mirror through a
# second connection that cannot see their uncommitted rows (and threads would open it on the non-test
# database). The replica tests start a primary and a standby of their own (tests/config/conftest.py).
DATABASES.pop("replica", None)  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Tests run tasks in-process unless a test starts a real worker explicitly (tests/reports/test_celery_worker.py).
# The worker that test spawns runs with CELERY_TASK_ALWAYS_EAGER=false in its environment.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)  # noqa: F405
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="lg-test-media-")
# Serve static files from the finders in tests, so no collectstatic run is needed.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
