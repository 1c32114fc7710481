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


def _imports_with_only(module: str, allowed: set[str]) -> subprocess.CompletedProcess:
    """Import ``module`` in a child that hides every installed distribution outside ``allowed``.

    As a production install of requirements.txt would: optional imports (msgpack, brotli, which the
    test tools happen to bring) fail and are handled by their ``try``; a required one fails the import.
    """
    code = (
        "import importlib, importlib.abc, importlib.metadata, json, sys\n"
        f"allowed = set(json.loads({json.dumps(json.dumps(sorted(allowed)))}))\n"
        "owners = importlib.metadata.packages_distributions()\n"
        "norm = lambda n: n.replace('_', '-').replace('.', '-').lower()\n"
        "hidden = {m for m, ds in owners.items() if not any(norm(d) in allowed for d in ds)}\n"
        "hidden -= set(sys.modules)\n"  # already loaded at start-up (site hooks): not ours to judge
        "class Hide(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in hidden:\n"
        "            raise ModuleNotFoundError(f'No module named {name!r} (not in requirements.txt)')\n"
        "sys.meta_path.insert(0, Hide())\n"
        f"importlib.import_module({module!r})\n"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_queueing_a_task_on_redis_needs_nothing_beyond_requirements_txt():
    runtime = _closure(_pinned())
    for module in ("kombu.transport.redis", "celery.backends.redis"):
        done = _imports_with_only(module, runtime)
        assert done.returncode == 0, done.stderr[-1500:]


def test_the_production_web_server_is_pinned():
    assert _pinned().get("gunicorn")
