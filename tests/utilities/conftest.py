from tests.officials.conftest import jiangsu_official, national_admin, two_provinces  # noqa: F401
