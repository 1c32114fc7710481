"""What config/settings.py makes of an environment, without touching the running settings."""

import runpy

from django.conf import settings

SETTINGS_FILE = str(settings.BASE_DIR / "config" / "settings.py")


def settings_with(monkeypatch, **environment: str) -> dict:
    """The module-level names of config/settings.py run afresh with these environment variables set."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(SETTINGS_FILE)
