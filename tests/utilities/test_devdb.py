"""One database everywhere: PostgreSQL, from the development server in .pgdata/ when DATABASE_URL is unset."""

import fcntl
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings

from utilities import devdb


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment.update(DJANGO_DEBUG="true", **env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True
    )


def test_the_settings_refuse_a_database_other_than_postgresql():
    result = _python("import config.settings", DATABASE_URL="sqlite:///db.sqlite3")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DATABASE_URL must name a PostgreSQL database" in result.stderr


def test_without_database_url_the_settings_name_the_development_server_by_its_socket():
    result = _python(
        "import config.settings as s; d = s.DATABASES['default']; print(d['ENGINE'], d['HOST'], d['NAME'])"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", str(devdb.socket_dir()), devdb.DATABASE]


def test_a_second_make_run_says_another_one_is_running_and_starts_nothing():
    devdb.ROOT.mkdir(exist_ok=True)
    with open(devdb.ROOT / "run.lock", "a+") as held:  # as the running `make run` holds it
        fcntl.flock(held, fcntl.LOCK_EX)
        result = _python(
            "from utilities.devdb import main; raise SystemExit(main(['run', '--exclusive', '--', 'true']))"
        )

    assert result.returncode == 1
    assert "Another `make run` is using the development database" in result.stderr


def test_a_sigterm_to_the_runner_stops_its_command_before_the_server_goes(tmp_path):
    """`kill` of the runner alone (not its process group) must not leave the command running."""
    pid_file = tmp_path / "command.pid"
    command = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)"
    runner = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import signal, sys; from utilities import devdb;"
            " signal.signal(signal.SIGTERM, lambda *_: sys.exit(143));"
            f" devdb._run_commands([[sys.executable, '-c', {command!r}]], 'postgres://unused')",
        ],
        cwd=settings.BASE_DIR,
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline, "the command did not start"
        time.sleep(0.05)
    command_pid = int(pid_file.read_text())
    runner.send_signal(signal.SIGTERM)
    assert runner.wait(timeout=20) == 143
    with pytest.raises(ProcessLookupError):
        os.kill(command_pid, 0)
