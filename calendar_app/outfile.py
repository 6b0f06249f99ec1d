"""Where an `-o PATH` option writes, for every command that has one (`export`, `campaign report`).

`-` is stdout. A regular file (or a new one) is replaced atomically: written to a temporary file beside
it, synced, renamed over it, with the mode the umask gives a new file. Anything else at PATH (a directory,
a device such as /dev/full, a FIFO, a symbolic link) is refused unless the caller asks to stream into it,
so an export never turns a device into a regular file or replaces a link. A missing folder is one error.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from events.errors import N_, InvalidInput

STDOUT = "-"


class OutputNotAFile(InvalidInput):
    def __init__(self, path: str, kind: str) -> None:
        super().__init__(template=N_("{output} {path!r} is a {kind}: give a regular file, or add {stream} to write "
                         "into it as it is"), path=path, kind=kind)


class OutputIsFolder(InvalidInput):
    def __init__(self, path: str) -> None:
        super().__init__(template=N_("{output} {path!r} is a folder: give a file name in it"), path=path)


class OutputFolderMissing(InvalidInput):
    def __init__(self, path: str, folder: str) -> None:
        super().__init__(template=N_("cannot write {path!r}: the folder {folder!r} does not exist; create it or give "
                         "another {output}"), path=path, folder=folder)


class OutputFailed(InvalidInput):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(template=N_("cannot write {path!r}: {cause}; give another {output}"), path=path,
                         cause=reason)


def _kind(path: Path) -> str | None:
    """What is at `path` (a link is not followed): None for nothing."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return None
    except OSError as error:
        raise OutputFailed(str(path), error.strerror or str(error)) from error
    for test, name in ((stat.S_ISREG, "regular file"), (stat.S_ISDIR, "folder"), (stat.S_ISLNK, "symbolic link"),
                       (stat.S_ISFIFO, "FIFO"), (stat.S_ISCHR, "device"), (stat.S_ISBLK, "device"),
                       (stat.S_ISSOCK, "socket")):
        if test(mode):
            return name
    return "special file"


def _new_file_mode() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def output_file(path: str, *, stream: bool = False) -> Iterator[BinaryIO]:
    """A binary file to write the output into, per the module's rules; write errors become one
    `InvalidInput` naming the path (exit 2), and a failed write leaves any old file as it was."""
    if path == STDOUT:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    target = Path(path)
    kind = _kind(target)
    if kind == "folder" or (kind is not None and kind != "regular file" and stream and target.is_dir()):
        raise OutputIsFolder(path)
    if kind not in (None, "regular file"):
        if not stream:
            raise OutputNotAFile(path, kind)
        with _failing_as_output_error(path), open(target, "wb") as out:
            yield out
        return
    with _failing_as_output_error(path), _replacing(target) as out:
        yield out


@contextmanager
def _failing_as_output_error(path: str) -> Iterator[None]:
    try:
        yield
    except OSError as error:
        if isinstance(error, FileNotFoundError) and not Path(path).parent.is_dir():
            raise OutputFolderMissing(path, str(Path(path).parent)) from error
        raise OutputFailed(path, error.strerror or str(error)) from error


@contextmanager
def _replacing(target: Path) -> Iterator[BinaryIO]:
    folder = target.parent
    if not folder.is_dir():
        raise OutputFolderMissing(str(target), str(folder))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
    try:
        os.fchmod(handle, _new_file_mode())
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """Make the rename durable; some file systems cannot sync a folder, which is no error."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
