"""Store failures a user can meet, each as one StoreError line that names the file and an action.

A damaged schema version, a version too large for its column, a full or read-only
disk. The disk cases run on a real tmpfs of a few MiB (mounting needs root: they skip
with the reason otherwise), so DuckDB raises its real errors.
"""

from __future__ import annotations

import errno
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kairo_scoring.errors import StoreError
from kairo_scoring.profile import default_profile
from kairo_scoring.store import PortfolioStore
from kairo_scoring.store.backend import MAX_STORED_VERSION
from kairo_scoring.store.duckdb_backend import DuckDBBackend, display_path
from kairo_scoring.store.postgres_backend import is_database_url, safe_label
from tests.store.raw import raw_connection
from tests.store.store_fixtures import make_result


def _set_schema_version(path: Path, value: str) -> None:
    with raw_connection(path) as connection:
        connection.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [value])


# --- a damaged schema version --------------------------------------------------------------
@pytest.mark.parametrize("recorded", ["abc", "", "0", "-1", "1.5", "2e3", "١", " "])
@pytest.mark.parametrize("read_only", [False, True], ids=["read-write", "read-only"])
def test_a_store_whose_schema_version_is_not_a_version_number_is_refused(
    store_path: Path, recorded: str, read_only: bool
) -> None:
    PortfolioStore(store_path).close()
    _set_schema_version(store_path, recorded)

    with pytest.raises(StoreError) as caught:
        PortfolioStore(store_path, read_only=read_only)

    message = str(caught.value)
    assert (safe_label(store_path) if is_database_url(store_path) else display_path(store_path)) in message
    assert f"records schema version {recorded!r}, which is not a version number" in message
    assert "restore it from a backup or choose another store path" in message
    assert "\n" not in message
    # Refusing left the file as it was: nothing "migrated" it.
    with raw_connection(store_path, read_only=True) as connection:
        assert connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
            recorded,
        )


def test_a_store_without_a_schema_version_row_says_what_to_do(store_path: Path) -> None:
    PortfolioStore(store_path).close()
    with raw_connection(store_path) as connection:
        connection.execute("DELETE FROM meta WHERE key = 'schema_version'")

    with pytest.raises(StoreError, match="no schema version; it is damaged: restore it from a backup"):
        PortfolioStore(store_path)


# --- versions beyond the INTEGER column ------------------------------------------------------
@pytest.mark.parametrize("version", [MAX_STORED_VERSION + 1, 2**63 - 1, 2**70])
def test_a_profile_version_beyond_the_column_is_refused_with_its_range(
    store: PortfolioStore, version: int
) -> None:
    profile = default_profile()
    with pytest.raises(StoreError) as caught:
        store.save_profile(profile.name, version, profile.to_toml(), profile.content_hash)
    message = str(caught.value)
    assert f"version {version} cannot be stored: versions run from 1 to {MAX_STORED_VERSION}" in message
    assert "Conversion Error" not in message
    assert store.profiles().empty


def test_the_highest_storable_profile_version_round_trips(store: PortfolioStore) -> None:
    profile = default_profile()
    assert store.save_profile(profile.name, MAX_STORED_VERSION, profile.to_toml(), profile.content_hash)
    assert store.load_profile_text(profile.name, MAX_STORED_VERSION) == profile.to_toml()
    with pytest.raises(StoreError, match="No scoring profile 'default' version"):
        store.load_profile_text(profile.name, 2**70)


def test_a_snapshot_scored_with_an_unstorable_profile_version_is_refused(store: PortfolioStore) -> None:
    with pytest.raises(StoreError, match=f"versions run from 1 to {MAX_STORED_VERSION}"):
        store.import_snapshot(
            make_result(), portfolio="Acme", profile_name="default", profile_version=2**31, profile_hash="x"
        )
    assert store.snapshots().empty


# --- folders and disks ---------------------------------------------------------------------
def test_a_file_where_the_store_folder_should_be_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("not a folder")
    with pytest.raises(StoreError, match=r"Cannot create the folder of the store .*taken.*choose another"):
        DuckDBBackend(tmp_path / "taken" / "sub" / "kairo.duckdb")


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs mounted for this test (needs root and mount; skips otherwise)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command to make a small file system")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _fill(disk: Path) -> Path:
    """Write a filler file until the disk is full; returns it so a test can free the space."""
    filler = disk / "filler.bin"
    chunk = b"\0" * 65536
    with filler.open("wb") as out:
        while True:
            try:
                out.write(chunk)
                out.flush()
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
                break
    return filler


def test_a_full_disk_is_reported_as_a_full_disk_not_as_busy_and_nothing_is_saved(tiny_disk: Path) -> None:
    path = tiny_disk / "kairo.duckdb"
    with PortfolioStore(path) as store:
        first = store.import_snapshot(make_result(), portfolio="Acme")
        filler = _fill(tiny_disk)
        many = [f"Pilot {i} with a long enough name to need some room" for i in range(5_000)]

        with pytest.raises(StoreError) as caught:
            store.import_snapshot(make_result(many, content_hash="sha256:bbbb"), portfolio="Acme")
        message = str(caught.value)
        assert message == (
            f"The store {display_path(path)} could not be written: no space left on device. "
            "Nothing was saved; free some disk space or choose another store path."
        )

        profile = default_profile()
        with pytest.raises(StoreError, match="could not be written: no space left on device"):
            store.save_profile("big", 1, profile.to_toml() + "#" * 3_000_000, profile.content_hash)

        # The failed writes left nothing behind, and the store still reads.
        assert store.snapshots()["snapshot_id"].tolist() == [first.snapshot_id]
        assert store.profiles().empty
        assert store.integrity_check() == []

        # Once there is room again, the same import goes through.
        filler.unlink()
        again = store.import_snapshot(make_result(many, content_hash="sha256:bbbb"), portfolio="Acme")
        assert again.is_new

    with PortfolioStore(path, read_only=True) as reopened:
        assert len(reopened.snapshots()) == 2
        assert reopened.integrity_check() == []


def test_a_new_store_on_a_full_disk_says_the_disk_is_full(tiny_disk: Path) -> None:
    _fill(tiny_disk)
    with pytest.raises(StoreError) as caught:
        PortfolioStore(tiny_disk / "kairo.duckdb")
    message = str(caught.value)
    assert "no space left on device" in message
    assert "free some disk space or choose another store path" in message


def test_a_store_on_a_read_only_disk_says_so_and_still_opens_read_only(tiny_disk: Path) -> None:
    path = tiny_disk / "kairo.duckdb"
    with PortfolioStore(path) as store:
        store.import_snapshot(make_result(), portfolio="Acme")
    remounted = subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], capture_output=True, text=True)
    if remounted.returncode != 0:
        pytest.skip(f"cannot remount the tmpfs read-only: {remounted.stderr.strip()}")

    with pytest.raises(StoreError) as caught:
        PortfolioStore(path)
    assert str(caught.value) == (
        f"Cannot open the store {display_path(path)}: the file system is read-only; "
        "choose a store path on a writable disk."
    )
    with pytest.raises(
        StoreError, match="Cannot create the folder of the store .*: the file system is read-only"
    ):
        DuckDBBackend(tiny_disk / "new" / "kairo.duckdb")
    with PortfolioStore(path, read_only=True) as reader:
        assert len(reader.snapshots()) == 1
