"""What only the PostgreSQL backend has: its URL, its connection errors, its dialect and its retries.

Everything else (the whole store suite) runs on PostgreSQL through the parametrised
``store`` fixture (tests/store/conftest.py).
"""

from __future__ import annotations

import threading

import psycopg
import pytest

from kairo_scoring.errors import StoreError
from kairo_scoring.store import PortfolioStore, StoreBackend, resolve_store_path, sql_backend, sql_units
from kairo_scoring.store.postgres_backend import PostgresBackend, postgres_sql, safe_label
from tests.pg_server import PASSWORD, PostgresServer, free_port
from tests.store.store_fixtures import make_result


def test_the_shared_sql_is_translated_in_one_place() -> None:
    assert postgres_sql("SELECT a FROM t WHERE b = ? AND c LIKE '5%'") == (
        "SELECT a FROM t WHERE b = %s AND c LIKE '5%%'"
    )
    assert postgres_sql("x DOUBLE, y DOUBLE PRECISION") == "x DOUBLE PRECISION, y DOUBLE PRECISION"


def test_the_label_never_shows_the_password() -> None:
    assert (
        safe_label("postgresql://kairo:s3cret@db.example:6543/kairo")
        == "postgresql://kairo@db.example:6543/kairo"
    )


def test_a_url_selects_postgresql_from_the_environment(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAIRO_STORE", postgres_url)
    assert resolve_store_path() == postgres_url
    with PortfolioStore() as store:
        assert isinstance(store._backend, PostgresBackend)
        assert isinstance(store._backend, StoreBackend)
        assert PASSWORD not in repr(store)
        assert store.import_snapshot(make_result(), portfolio="Acme").is_new


def test_a_wrong_password_is_one_clear_line_without_the_password(postgres_server: PostgresServer) -> None:
    url = postgres_server.url(password="not-the-password")
    with pytest.raises(StoreError) as caught:
        PortfolioStore(url)
    message = str(caught.value)
    assert "\n" not in message and "not-the-password" not in message
    assert "password authentication failed" in message
    assert "check the server, user and password in KAIRO_STORE" in message
    assert caught.value.__cause__ is None  # no driver traceback chained to it


def test_an_unreachable_server_is_one_clear_line() -> None:
    with pytest.raises(StoreError) as caught:
        PortfolioStore(f"postgresql://kairo:x@127.0.0.1:{free_port()}/kairo")
    message = str(caught.value)
    assert "\n" not in message and message.startswith(
        "Cannot connect to the store postgresql://kairo@127.0.0.1:"
    )


def test_a_serialization_failure_is_retried_then_reported_as_busy(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql_units, "_BACKOFF_SECONDS", 0.0)
    backend = PostgresBackend(postgres_url)
    calls = []

    def conflicts_twice(cursor) -> str:
        calls.append(1)
        if len(calls) < 3:
            raise psycopg.errors.SerializationFailure("could not serialize access")
        return "done"

    def always_conflicts(_cursor) -> None:
        raise psycopg.errors.DeadlockDetected("deadlock detected")

    try:
        assert backend._write(conflicts_twice, serializable=True) == "done" and len(calls) == 3
        with pytest.raises(StoreError, match=f"busy: {sql_backend.MAX_ATTEMPTS} attempts conflicted"):
            backend._write(always_conflicts)
    finally:
        backend.close()


def test_replicas_starting_together_migrate_once(postgres_url: str) -> None:
    opened: list[PortfolioStore] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            opened.append(PortfolioStore(postgres_url))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    try:
        assert {store.schema_version() for store in opened} == {len(sql_backend.MIGRATIONS)}
        assert opened[0].integrity_check() == []
    finally:
        for store in opened:
            store.close()
