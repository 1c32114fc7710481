from tests.officials.conftest import jiangsu_official, two_provinces  # noqa: F401
