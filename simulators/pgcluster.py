"""A throwaway PostgreSQL cluster on 127.0.0.1, for the tests and benchmarks of `--state postgresql://…`.

    with throwaway_cluster() as cluster:
        url = cluster.new_database()          # postgresql://postgres@127.0.0.1:PORT/qri_…

Uses the server binaries of Debian's `postgresql` package (/usr/lib/postgresql/*/bin) or any
`initdb` on PATH. initdb refuses to run as root, so as root the cluster is created and run by
the `postgres` user in a temporary directory it owns. The cluster listens on a free port on
127.0.0.1 only (its unix socket in the temporary directory) and is removed on exit.
`PostgresUnavailable` says why when no cluster can be started.
"""
from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from typing import Iterator

from qrinterop.localserver import free_port


class PostgresUnavailable(RuntimeError):
    pass


def find_bindir() -> str:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if candidates:
        return os.path.dirname(candidates[0])
    found = shutil.which("initdb")
    if found:
        return os.path.dirname(found)
    raise PostgresUnavailable("no PostgreSQL server binaries (initdb) found: install the Debian package "
                              "`postgresql` (apt-get install -y postgresql)")


@dataclass
class Cluster:
    bindir: str
    datadir: str
    port: int
    user: str = "postgres"

    @property
    def admin_url(self) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/postgres"

    def new_database(self) -> str:
        """A fresh empty database in the cluster; its URL."""
        import psycopg
        name = "qri_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{name}"


def _as_owner(cmd: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *cmd] if owner else cmd


@contextlib.contextmanager
def throwaway_cluster(*, fsync: bool = False, synchronous_commit: bool | None = None,
                      max_connections: int = 100) -> Iterator[Cluster]:
    """Start a cluster for the with-block. `fsync=False` (tests): the simulators' processes are
    what gets killed, never PostgreSQL, so its own durability is not what is under test.
    `synchronous_commit` defaults to `fsync`."""
    sync = fsync if synchronous_commit is None else synchronous_commit
    bindir = find_bindir()
    owner: str | None = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable("running as root and there is no `postgres` user to run initdb as") from None
        owner = "postgres"
    root = tempfile.mkdtemp(prefix="qri-pg-")
    if owner:
        pw = pwd.getpwnam(owner)
        os.chown(root, pw.pw_uid, pw.pw_gid)
    datadir = os.path.join(root, "data")
    log = os.path.join(root, "server.log")
    port = free_port()
    try:
        r = subprocess.run(_as_owner([f"{bindir}/initdb", "-D", datadir, "-A", "trust", "-U", "postgres",
                                      "-E", "UTF8", "--no-instructions"], owner),
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {(r.stderr or r.stdout).strip()[-400:]}")
        options = (f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections={max_connections}"
                   f" -c fsync={'on' if fsync else 'off'} -c synchronous_commit={'on' if sync else 'off'}"
                   f" -c full_page_writes={'on' if fsync else 'off'}")
        r = subprocess.run(_as_owner([f"{bindir}/pg_ctl", "-D", datadir, "-o", options, "-l", log, "-w", "-t", "60",
                                      "start"], owner), capture_output=True, text=True, timeout=90)
        if r.returncode != 0:
            tail = open(log).read()[-400:] if os.path.exists(log) else ""
            raise PostgresUnavailable(f"pg_ctl start failed: {(r.stderr or r.stdout).strip()[-300:]} {tail}")
        try:
            yield Cluster(bindir, datadir, port)
        finally:
            subprocess.run(_as_owner([f"{bindir}/pg_ctl", "-D", datadir, "-m", "immediate", "-w", "stop"], owner),
                           capture_output=True, timeout=60)
    finally:
        shutil.rmtree(root, ignore_errors=True)
