"""A real PostgreSQL server for the tests: started once per session, a fresh database per test.

Debian's server binaries (``/usr/lib/postgresql/<version>/bin``; ``apt-get install
postgresql``) run from a temporary data directory on a free loopback port, with the unix
socket in that directory too, and are stopped at the end of the session. initdb refuses
to run as root, so as root the server runs as the ``postgres`` system user, owning the
temporary directory. Password authentication over TCP (scram-sha-256), so a wrong
password is refused as it would be in production.

When the binaries are absent the PostgreSQL tests skip with that reason, unless
``KAIRO_REQUIRE_POSTGRES=1`` (set by .ci/run): then a missing server fails them.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REQUIRE_ENV = "KAIRO_REQUIRE_POSTGRES"
BIN_ENV = "KAIRO_PG_BIN"  # another folder holding initdb and pg_ctl
SERVER_USER = "postgres"  # the system user the server runs as when the tests run as root
ROLE = "kairo"
PASSWORD = "kairo-test-secret"


def server_bin() -> Path | None:
    """The folder of initdb and pg_ctl: $KAIRO_PG_BIN, else the newest /usr/lib/postgresql/*/bin."""
    if os.environ.get(BIN_ENV):
        candidates = [os.environ[BIN_ENV]]
    else:
        candidates = sorted(
            glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True
        )
    for folder in candidates:
        if (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """One running server in a temporary directory; `new_database()` hands out fresh databases."""

    def __init__(self, bin_dir: Path, *, max_connections: int = 200):
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="kairo-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self._user = SERVER_USER if os.geteuid() == 0 else None
        self._names = itertools.count(1)
        os.chmod(self.root, 0o700)
        if self._user:
            entry = pwd.getpwnam(self._user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        password_file = self.root / "password"
        password_file.write_text(PASSWORD + "\n", encoding="utf-8")
        if self._user:
            os.chown(password_file, pwd.getpwnam(self._user).pw_uid, -1)
        self._run(
            "initdb", "-D", str(self.data), "-U", ROLE, f"--pwfile={password_file}",
            "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off "
            f"-c synchronous_commit=off -c full_page_writes=off -c max_connections={max_connections}"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"), "-w", "start"
        )

    def _run(self, program: str, *args: str) -> None:
        kwargs: dict[str, object] = {"cwd": self.root, "capture_output": True, "text": True, "timeout": 120}
        if self._user:
            entry = pwd.getpwnam(self._user)
            kwargs.update(user=entry.pw_uid, group=entry.pw_gid, extra_groups=[])
        done = subprocess.run([str(self.bin_dir / program), *args], **kwargs, check=False)
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr.strip()} {tail}")

    def url(self, database: str = "postgres", *, password: str = PASSWORD) -> str:
        return f"postgresql://{ROLE}:{password}@127.0.0.1:{self.port}/{database}"

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(statement)

    def new_database(self) -> str:
        """A fresh, empty database; returns its URL."""
        name = f"kairo_test_{os.getpid()}_{next(self._names)}"
        self._admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        with contextlib.suppress(Exception):
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def wait_for_no_open_transaction(url: str, timeout: float = 30) -> None:
    """Wait until no other session on the database at ``url`` is inside a transaction: after a
    client is killed mid-write, the server has rolled its transaction back, so what a test then
    reads is final (not merely invisible because still uncommitted). AssertionError at ``timeout``."""
    import psycopg

    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as connection:
        while True:
            (open_transactions,) = connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
            ).fetchone()
            if open_transactions == 0:
                return
            assert time.monotonic() < deadline, (
                f"{open_transactions} transaction(s) still open after the kill"
            )
            time.sleep(0.1)


def _unavailable(reason: str) -> None:
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"PostgreSQL is required ({REQUIRE_ENV}=1) but {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the whole session (skips, or fails under KAIRO_REQUIRE_POSTGRES=1)."""
    bin_dir = server_bin()
    if bin_dir is None:
        _unavailable("no server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or $KAIRO_PG_BIN")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed (pip install -r requirements.txt)")
    try:
        server = PostgresServer(bin_dir)
    except (RuntimeError, OSError, subprocess.TimeoutExpired, KeyError) as exc:
        _unavailable(f"the server did not start: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a fresh database on the session's server, dropped after the test."""
    url = postgres_server.new_database()
    try:
        yield url
    finally:
        postgres_server.drop_database(url)


# --- the store fixtures, parametrised over both backends (tests/store, tests/decisions) ------
BACKENDS: tuple[str, ...] = ("duckdb", "postgresql")
DUCKDB_ONLY = "duckdb_only"  # marker: the test opens DuckDB files itself; the reason says why


def parametrize_backends(metafunc: pytest.Metafunc) -> None:
    """Run every test that uses ``store_backend`` (through ``store`` or ``store_path``) on both
    backends, except those marked ``duckdb_only`` (which run once, on DuckDB, with their old id)."""
    if "store_backend" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker(DUCKDB_ONLY) is not None:
        return
    metafunc.parametrize("store_backend", BACKENDS, indirect=True)


def store_location(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Path | str:
    """A new, empty store: a DuckDB file in an existing ``data`` folder, or a fresh database's URL."""
    if backend == "postgresql":
        return request.getfixturevalue("postgres_url")
    (tmp_path / "data").mkdir(exist_ok=True)  # the store never creates folders
    return tmp_path / "data" / "kairo.duckdb"


@pytest.fixture
def store_backend(request: pytest.FixtureRequest) -> str:
    """The backend of a test parametrised by `parametrize_backends`; DuckDB otherwise."""
    return getattr(request, "param", "duckdb")


@pytest.fixture
def store_path(request: pytest.FixtureRequest, store_backend: str, tmp_path: Path) -> Path | str:
    """A new, empty store on the test's backend (`store_location`)."""
    return store_location(request, store_backend, tmp_path)
