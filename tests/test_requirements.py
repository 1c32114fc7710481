"""The runtime must work from requirements.txt alone, as a production server installs it.

The test tools bring in packages the runtime also needs by accident (``packaging``, which kombu's Redis
transport imports without declaring it): every distribution the production code paths import must be
in requirements.txt or required by something that is.
"""

import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

REQUIREMENTS = Path(settings.BASE_DIR) / "requirements.txt"


def _pinned() -> dict[str, str]:
    pins = {}
    for line in REQUIREMENTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[_normalise(re.sub(r"\[.*\]", "", name))] = version
    return pins


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _closure(names) -> set[str]:
    """The distributions ``names`` install, following their declared (unconditional) requirements."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = _normalise(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for requirement in requires:
            if "extra ==" in requirement:
                continue
            marker = requirement.split(";", 1)[1] if ";" in requirement else ""
            if "python_version" in marker and "<" in marker:
                continue
            todo.append(re.split(r"[\s<>=!~;\[(]", requirement, maxsplit=1)[0])
    return seen


def _distributions_imported_by(module: str) -> set[str]:
    code = (
        "import importlib, importlib.metadata, json, sys\n"
        "before = set(sys.modules)\n"  # what the interpreter loads at start-up (site hooks) is not ours
        f"importlib.import_module({module!r})\n"
        "owners = importlib.metadata.packages_distributions()\n"
        "names = {d for m in set(sys.modules) - before for d in owners.get(m.split('.')[0], [])}\n"
        "print(json.dumps(sorted(names)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return {_normalise(name) for name in json.loads(out)}


def test_queueing_a_task_on_redis_needs_nothing_beyond_requirements_txt():
    installed = _closure(_pinned())
    needed = _distributions_imported_by("kombu.transport.redis") | _distributions_imported_by("celery.backends.redis")
    assert needed - installed == set()


def test_the_production_web_server_is_pinned():
    assert _pinned().get("gunicorn")
