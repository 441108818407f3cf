"""The one way the CLI writes a file (`write_outputs`): a temporary file beside the target,
renamed over it only once complete, so a full disk or a refused write leaves no partial
file, and an input is never overwritten (`check_output`). Every failure is an `OutputError`
that names the file and what to do."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from xlsxwriter.exceptions import FileCreateError

from kairo_scoring.errors import OutputError, Remedy


# --- writing files -----------------------------------------------------------------------
def write_outputs(
    writers: Mapping[Path, Callable[[Path], object]], *, inputs: Sequence[str | Path] = ()
) -> list[Path]:
    """Write each output through its writer, all or nothing; returns the paths written.

    Each writer gets a temporary path in its output's folder; only when every writer has
    finished (and its file is on disk) are the temporary files renamed over the outputs, so
    no output is ever left half written.
    Any failure removes the temporary files, leaves every output as it was, and is raised
    as an `OutputError` that names the file. An output that is one of `inputs` (the same
    file, also through a symlink or hard link) or whose folder is missing is refused first.
    """
    paths = [Path(p) for p in writers]
    for path in paths:
        check_output(path, inputs=inputs)
    temps: list[Path] = []
    current = paths[0] if paths else Path()
    try:
        for path, write in zip(paths, writers.values(), strict=True):
            current = path
            temps.append(_reserve_temp(path))
            write(temps[-1])
            _flush(temps[-1])
            if path.exists():  # a replaced file keeps its permissions
                os.chmod(temps[-1], stat.S_IMODE(path.stat().st_mode))
        for path, temp in zip(paths, temps, strict=True):
            current = path
            os.replace(temp, path)
    except (OSError, FileCreateError) as failed:
        raise _output_error(current, failed) from failed
    finally:
        for temp in temps:
            _remove(temp)
    return paths


def check_output(path: str | Path, *, inputs: Sequence[str | Path] = ()) -> Path:
    """Refuse an output path that is one of `inputs`, is a folder, or lies in a missing folder."""
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(
            f"folder {folder} does not exist: create it or choose another output path",
            remedy=Remedy.OUTPUT_PATH,
        )
    if path.is_dir():
        raise OutputError(f"{path} is a folder: give an output file name", remedy=Remedy.OUTPUT_PATH)
    for source in inputs:
        if _same_file(Path(source), path):
            what = "file" if Path(source) == path else str(source)
            raise OutputError(
                f"the output {path} is the input {what}: choose another output path",
                remedy=Remedy.OUTPUT_PATH,
            )
    return path


def _same_file(source: Path, output: Path) -> bool:
    if not output.exists() or not source.exists():
        return False
    try:
        return os.path.samefile(source, output)  # symlinks and hard links too
    except OSError:
        return source.resolve() == output.resolve()


def _reserve_temp(path: Path) -> Path:
    """A new, empty file beside `path` (same folder, so the final rename is atomic)."""
    while True:
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        try:  # 0o666 less the umask, like any new file
            os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return temp


def _flush(temp: Path) -> None:
    """Force the file to disk, so a full disk shows up here and not after the rename."""
    with open(temp, "rb+") as handle:
        os.fsync(handle.fileno())


def _remove(temp: Path) -> None:
    with contextlib.suppress(OSError):  # the original failure is the one worth reporting
        temp.unlink(missing_ok=True)


def _output_error(path: Path, failed: BaseException) -> OutputError:
    if isinstance(failed, FileCreateError) and failed.args and isinstance(failed.args[0], OSError):
        failed = failed.args[0]  # xlsxwriter wraps the OSError of its final write
    code = getattr(failed, "errno", None)
    reason = getattr(failed, "strerror", None) or str(failed) or type(failed).__name__
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return OutputError(
            f"cannot write {path}: {reason}; free some space or choose another output path",
            remedy=Remedy.OUTPUT_PATH,
        )
    if isinstance(failed, PermissionError) or code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError(
            f"cannot write {path}: {reason}; choose a folder you can write to", remedy=Remedy.OUTPUT_PATH
        )
    if isinstance(failed, FileNotFoundError) and not path.parent.is_dir():
        return OutputError(
            f"cannot write {path}: folder {path.parent} is gone; create it or choose another output path",
            remedy=Remedy.OUTPUT_PATH,
        )
    if isinstance(failed, FileNotFoundError | IsADirectoryError | NotADirectoryError):
        return OutputError(
            f"cannot write {path}: {reason}; choose a folder you can write to", remedy=Remedy.OUTPUT_PATH
        )
    return OutputError(
        f"cannot write {path}: {reason}; choose another output path", remedy=Remedy.OUTPUT_PATH
    )
