"""A throwaway PostgreSQL cluster for the tests, from Debian's ``postgresql``
package (``tools/system-deps.sh`` installs it).

``initdb`` and ``pg_ctl`` run in a temporary folder, listening only on a Unix
socket in that folder (no TCP port to collide with another run). PostgreSQL
refuses to run as root, so as root the server runs as the ``postgres`` account
the Debian package creates (``runuser``). Each pytest-xdist worker starts its
own cluster (about 1.5 s); each test gets a new database copied from a
migrated template (``CREATE DATABASE ... TEMPLATE``, a few milliseconds), so
tests never see each other's rows.

Where no server can be started, ``unavailable()`` gives the reason and the
tests that need one are skipped with it (``-ra`` prints it); CI sets
``CRM_REQUIRE_POSTGRES=1`` so a missing server fails instead.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

TEMPLATE = "crm_template"


def _bin_dir() -> Path | None:
    """The newest installed server's binaries (Debian keeps them out of PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PgCluster:
    """One running cluster; ``url(name)`` addresses a database in it."""

    def __init__(self, root: Path, bin_dir: Path, as_user: str | None) -> None:
        self.root = root
        self.bin_dir = bin_dir
        self.as_user = as_user
        self.data = root / "data"
        self.socket_dir = root / "socket"
        self.user = as_user or _login()

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_user:
            cmd = ["runuser", "-u", self.as_user, "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False,
                              cwd=self.root)

    def start(self) -> None:
        self.socket_dir.mkdir()
        if self.as_user:
            shutil.chown(self.root, self.as_user)
            shutil.chown(self.socket_dir, self.as_user)
        # a linguistic default collation (ICU en-US), as servers usually have,
        # so a query that sorts or compares text by the server's collation
        # instead of the code-point order SQLite uses shows up in the tests
        done = self._run("initdb", "-D", str(self.data), "-U", self.user, "-A", "trust",
                         "-E", "UTF8", "--locale", "C.UTF-8", "--locale-provider", "icu",
                         "--icu-locale", "en-US", "--no-sync")
        if done.returncode:
            raise RuntimeError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")
        options = (f"-c listen_addresses='' -c unix_socket_directories={self.socket_dir} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=60 -c shared_buffers=32MB")
        done = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
                         "-o", options, "-w", "-t", "60", "start")
        if done.returncode:
            log = (self.root / "server.log")
            tail = log.read_text(errors="replace")[-500:] if log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stderr.strip()} {tail}")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.socket_dir}"

    def admin(self, sql: str) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE)."""
        import psycopg

        with psycopg.connect(host=str(self.socket_dir), user=self.user, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(sql)

    def new_database(self, template: str = TEMPLATE) -> str:
        """A new database copied from ``template``; returns its URL."""
        name = "t_" + uuid.uuid4().hex[:16]
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def empty_database(self) -> str:
        name = "e_" + uuid.uuid4().hex[:16]
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url(name)

    def drop(self, url: str) -> None:
        name = database_name(url)
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_name(url: str) -> str:
    """The database a URL of ``PgCluster.url`` names (its host is a path)."""
    from sqlalchemy.engine import make_url

    return str(make_url(url).database)


def _login() -> str:
    import getpass

    return getpass.getuser()


def unavailable() -> str | None:
    """Why no cluster can be started here, or None."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[dev]')"
    if _bin_dir() is None:
        return ("PostgreSQL's server is not installed (Debian: apt-get install postgresql; "
                "tools/system-deps.sh does it as root)")
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres account to run the server as"
        if shutil.which("runuser") is None:
            return "running as root and runuser is missing"
    return None


def start_cluster() -> PgCluster:
    bin_dir = _bin_dir()
    assert bin_dir is not None
    as_user = "postgres" if os.geteuid() == 0 else None
    # short: a Unix socket path must stay under 107 bytes
    root = Path(tempfile.mkdtemp(prefix="crm-pg-", dir="/tmp"))
    cluster = PgCluster(root, bin_dir, as_user)
    try:
        cluster.start()
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return cluster
