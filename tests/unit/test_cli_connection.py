"""The command line when the server cannot be used: no driver, a wrong
address or database name, a connection lost mid-command. One line, exit 2,
the password never printed."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from desktop_crm.cli import main
from desktop_crm.storage import client_repo
from tests.conftest import one_line
from tests.pg_server import PgCluster
from tests.unit.services.test_connection_lost import end_connection_during

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "s3cret-pw"

# psycopg hidden from the interpreter, as when the [postgres] extra is not installed
HIDE_PSYCOPG = """
import sys
from importlib.abc import MetaPathFinder

class NoPsycopg(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("psycopg", "psycopg2", "psycopg_binary", "asyncpg", "pg8000"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoPsycopg())
from desktop_crm.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("argv", [
    ["stats", "--db", f"postgresql+psycopg://alice:{PASSWORD}@crm-server/crm"],
    ["search", "x", "--db", f"postgresql://alice:{PASSWORD}@crm-server/crm"],
    ["demo", "--clients", "1", "--db", f"postgres://alice:{PASSWORD}@crm-server/crm"],
    ["copy", "--from", "{tmp}/laptop.db", "--to", f"postgresql://alice:{PASSWORD}@crm-server/crm"],
])
def test_without_the_driver_one_line_names_the_postgres_extra(
        tmp_path: Path, argv: list[str]) -> None:
    from desktop_crm.storage.database import Database

    Database.open(tmp_path / "laptop.db", create=True).close()
    done = subprocess.run([sys.executable, "-c", HIDE_PSYCOPG,
                           *(a.format(tmp=tmp_path) for a in argv), "--lang", "en"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    line = one_line(done.stderr)
    assert done.returncode == 2 and done.stdout == ""
    assert "[postgres]" in line and 'pip install "desktop-crm[postgres]"' in line
    assert PASSWORD not in line


def _url(pg_cluster: PgCluster, database: str, **parts: object) -> str:
    url = make_url(pg_cluster.url(database)).set(password=PASSWORD)
    if parts:
        url = url.set(**parts)  # type: ignore[arg-type]
    return url.render_as_string(hide_password=False)


def test_a_wrong_database_name_is_one_line_without_the_password(
        pg_cluster: PgCluster, capsys: pytest.CaptureFixture[str]) -> None:
    url = _url(pg_cluster, "no_such_book")
    assert main(["stats", "--db", url]) == 2
    captured = capsys.readouterr()
    line = one_line(captured.err)
    assert "Cannot use the database" in line and "no_such_book" in line
    assert "does not exist" in line and PASSWORD not in line + captured.out


@pytest.mark.parametrize("where", ["socket", "port"])
def test_a_server_that_does_not_answer_is_one_line_without_the_password(
        pg_cluster: PgCluster, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        where: str) -> None:
    if where == "socket":  # no server listens in that folder
        url = _url(pg_cluster, "crm", query={"host": str(tmp_path)})
    else:  # nothing listens on port 1 of this machine
        url = _url(pg_cluster, "crm", host="127.0.0.1", port=1, query={})
    for argv in (["stats"], ["demo", "--clients", "1"], ["agenda"]):
        assert main([*argv, "--db", url]) == 2
        line = one_line(capsys.readouterr().err)
        assert line.startswith("desktop-crm: Cannot use the database") and PASSWORD not in line


def test_a_connection_lost_mid_command_is_one_line_and_the_next_command_works(
        pg_url: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--clients", "5", "--db", pg_url]) == 0
    capsys.readouterr()
    end_connection_during(monkeypatch, client_repo, "counts")
    assert main(["stats", "--json", "--db", pg_url]) == 2
    line = one_line(capsys.readouterr().err)
    assert "The connection to the database" in line and "was lost" in line
    monkeypatch.undo()
    assert main(["stats", "--json", "--db", pg_url]) == 0
    assert '"clients": 5' in capsys.readouterr().out


@pytest.fixture
def password_role(pg_cluster: PgCluster) -> Iterator[str]:
    """A role that must give its password (scram-sha-256 on the socket): the
    test cluster trusts every other one. Yields the role's name."""
    import psycopg

    role, hba = "crm_pw_user", pg_cluster.data / "pg_hba.conf"
    original = hba.read_text()
    pg_cluster.admin(f"CREATE ROLE {role} LOGIN SUPERUSER PASSWORD '{PASSWORD}'")
    hba.write_text(f"local all {role} scram-sha-256\n" + original)
    pg_cluster.admin("SELECT pg_reload_conf()")
    try:
        for _attempt in range(100):  # the server reads the file again on its own time
            try:
                psycopg.connect(host=str(pg_cluster.socket_dir), user=role, dbname="postgres",
                                password="wrong").close()
            except psycopg.OperationalError:
                break
            time.sleep(0.05)
        yield role
    finally:
        hba.write_text(original)
        pg_cluster.admin("SELECT pg_reload_conf()")
        pg_cluster.admin(f"DROP ROLE {role}")


def test_the_password_comes_from_libpq_and_a_wrong_one_is_one_line(
        pg_url: str, password_role: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    url = make_url(pg_url).set(username=password_role).render_as_string(hide_password=False)
    monkeypatch.setenv("PGPASSWORD", PASSWORD)  # or ~/.pgpass, or a service file
    assert main(["stats", "--json", "--db", url]) == 0
    assert '"clients": 0' in capsys.readouterr().out
    monkeypatch.setenv("PGPASSWORD", "not-the-password")
    assert main(["stats", "--json", "--db", url]) == 2
    line = one_line(capsys.readouterr().err)
    assert "Cannot use the database" in line and "password authentication failed" in line
    assert "not-the-password" not in line and PASSWORD not in line
    monkeypatch.delenv("PGPASSWORD")
    wrong = make_url(url).set(password="typed-wrong").render_as_string(hide_password=False)
    assert main(["search", "x", "--db", wrong]) == 2
    line = one_line(capsys.readouterr().err)
    assert "password authentication failed" in line and "typed-wrong" not in line
