"""The folder `{tmp}` of the output-file inputs: things `export -o PATH` must not replace, and the checks
that they survived (a directory stays a directory, a FIFO a FIFO, a device a device, a symlink a symlink),
and that a new file gets the umask's mode."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

PREPARED = {"dir", "fifo", "link", "dangling", "null", "full", "existing.ics", "target.ics"}
# What each prepared name must still be after any run: the test of its file type.
KINDS = {"dir": stat.S_ISDIR, "fifo": stat.S_ISFIFO, "link": stat.S_ISLNK, "dangling": stat.S_ISLNK,
         "null": stat.S_ISCHR, "full": stat.S_ISCHR}
TARGET_TEXT = "the symlink's target\n"


class OutputFolder:
    """Prepares `{tmp}` before every input (a run may have replaced anything in it) and checks it after."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.reader: int | None = None

    def prepare(self) -> None:
        self.close()
        self.root.mkdir(parents=True, exist_ok=True)
        for path in self.root.iterdir():  # whatever the last run made or replaced
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        (self.root / "dir").mkdir()
        os.mkfifo(self.root / "fifo")
        # A reader holds the FIFO open, so a run that (wrongly) writes into it does not block forever.
        self.reader = os.open(self.root / "fifo", os.O_RDONLY | os.O_NONBLOCK)
        (self.root / "target.ics").write_text(TARGET_TEXT)
        (self.root / "link").symlink_to(self.root / "target.ics")
        (self.root / "dangling").symlink_to(self.root / "missing" / "x.ics")
        (self.root / "existing.ics").write_text("old\n")
        if os.geteuid() == 0:  # device nodes of our own (never /dev's): only root may make them
            os.mknod(self.root / "null", stat.S_IFCHR | 0o666, os.makedev(1, 3))
            os.mknod(self.root / "full", stat.S_IFCHR | 0o666, os.makedev(1, 7))

    def problems(self, args: tuple[str, ...], code: int) -> list[str]:
        found = []
        for name, is_kind in KINDS.items():
            path = self.root / name
            if (name in ("null", "full") and os.geteuid() != 0) or not (path.exists() or path.is_symlink()):
                if name not in ("null", "full") or os.geteuid() == 0:
                    found.append(f"{name} was removed")
                continue
            if not is_kind(os.lstat(path).st_mode):
                found.append(f"{name} was replaced by a {_kind(os.lstat(path).st_mode)}")
        if code != 0:
            left = sorted(p.name for p in self.root.iterdir() if p.name not in PREPARED and p.name != "new.ics")
            if left:
                found.append(f"left behind after the failure: {', '.join(left)[:120]}")
        new = self.root / "new.ics"
        if code == 0 and any(a.endswith("/new.ics") for a in args) and new.exists():
            mode = stat.S_IMODE(os.stat(new).st_mode)
            wanted = 0o666 & ~_umask()
            if mode != wanted:
                found.append(f"new file has mode {mode:04o}, the umask gives {wanted:04o}")
        return found

    def close(self) -> None:
        if self.reader is not None:
            os.close(self.reader)
            self.reader = None


def _kind(mode: int) -> str:
    return "regular file" if stat.S_ISREG(mode) else "directory" if stat.S_ISDIR(mode) else f"mode {mode:o}"


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
