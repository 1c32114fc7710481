"""The public site's small world (tests/portal/conftest.py) serves the report tests too."""

from tests.portal.conftest import AS_OF, EARLIER, _fresh_cache, snapshots, world  # noqa: F401
