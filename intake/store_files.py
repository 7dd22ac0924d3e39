"""Small file helpers for the store: private folders and files, atomic and durable writes.

No TinyDB here (intake/store.py is the only module that imports it). Every file the store
creates is readable by its owner only (0600) and every folder 0700: the data is sensitive.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import time
from pathlib import Path
from collections.abc import Callable
from typing import Any

from intake.errors import StoreProblem

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """A folder readable by its owner only: every folder created on the way is 0700 whatever the
    umask (as the XDG base directory spec asks), and an existing one that others can read is
    tightened."""
    missing = []
    p = path
    try:
        while not p.exists():
            missing.append(p)
            p = p.parent
        for d in reversed(missing):
            d.mkdir(mode=DIR_MODE, exist_ok=True)
            os.chmod(d, DIR_MODE)  # mkdir's mode is filtered through the umask
        make_private(path, DIR_MODE)
    except OSError as exc:
        raise StoreProblem(f"Cannot create or protect the folder {path}: {exc.strerror}. Check who owns it and "
                           "its permissions, or choose another folder.") from None
    return path


def make_private(path: Path, mode: int = FILE_MODE) -> None:
    """Take away every permission of the group and others (the file or folder holds client data)."""
    try:
        if os.stat(path).st_mode & 0o077:
            os.chmod(path, mode)
    except FileNotFoundError:
        pass  # a temporary file another process has just renamed


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temporary_name(path: Path) -> Path:
    """Where `path` is written before it is renamed into place: `.NAME.PID.tmp` beside it."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def is_stale_temporary(path: Path, max_age_s: float = 3600) -> bool:
    """A temporary file of write_atomic that no write will finish: its process has ended (a crash)
    or it is older than any write takes (the process id was reused)."""
    name = path.name
    pid = name[1:-4].rsplit(".", 1)[-1] if name.startswith(".") and name.endswith(".tmp") else ""
    if not pid.isdigit():
        return False
    try:
        if time.time() - os.stat(path).st_mtime > max_age_s:
            return True
    except OSError:  # gone already
        return False
    return process_ended(int(pid))


def process_ended(pid: int) -> bool:
    """Whether no process of this computer has this id (another user's that runs counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # a process of another user: not ours to judge
        return False
    return False


def write_atomic(path: Path, data: bytes, *, backup: Path | None = None, durable: bool = True) -> os.stat_result:
    """Replace `path` with `data` so that a crash leaves either the old or the new file.

    Temporary file in the same folder, write, fsync, (hard-link the old file as `backup`),
    `os.replace`, fsync the folder. When this returns with durable=True, the data is on disk.
    """
    tmp = temporary_name(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        # The file system's clock is coarse (milliseconds apart can share a time stamp) and inode
        # numbers are reused, so give every version of a file a strictly later modification time:
        # the index tells versions apart by (inode, mtime, size) without reading them.
        stamp = time.time_ns()
        try:
            stamp = max(stamp, os.stat(path).st_mtime_ns + 1)
        except FileNotFoundError:
            pass
        os.utime(fd, ns=(stamp, stamp))
        if durable:
            os.fsync(fd)
        st = os.fstat(fd)
    except BaseException:
        os.close(fd)
        _unlink_quietly(tmp)
        raise
    os.close(fd)
    if backup is not None:
        keep_backup(path, backup)
    os.replace(tmp, path)
    if durable:
        fsync_dir(path.parent)
    return st


class ShortLock:
    """A short exclusive lock between processes (the index journal): one flock on an open file.

    Not for edit locks (store_locks.py uses the filelock library and names the holder); this
    one is held for microseconds around an append, so it is kept open and taken with one call.
    """

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None
        self._depth = 0

    def __enter__(self) -> ShortLock:
        if self._depth == 0:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        self._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd, self._depth = None, 0


def keep_backup(path: Path, backup: Path) -> None:
    """Make `backup` the current version of `path` (a hard link: no copy, atomic)."""
    link_tmp = temporary_name(backup)
    try:
        _unlink_quietly(link_tmp)
        os.link(path, link_tmp)
    except FileNotFoundError:
        return  # nothing to keep yet: a new file
    os.replace(link_tmp, backup)


def read_bytes(path: Path, what: str = "file") -> bytes | None:
    """The file's bytes, None when it does not exist, StoreProblem when it cannot be read."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None
    except PermissionError:
        raise StoreProblem(f"Cannot read the {what} {path}: permission denied. It must be readable by the "
                           f"user running intake: check its owner, then run: chmod 600 {path}") from None
    except IsADirectoryError:
        raise StoreProblem(f"The {what} {path} is a folder, not a file. Move it away.") from None
    except OSError as exc:
        raise StoreProblem(f"Cannot read the {what} {path}: {exc.strerror}.") from None


def read_json(path: Path, what: str = "file", hint: str = "", damaged: type[StoreProblem] = StoreProblem,
              loads: Callable[[bytes], Any] = json.loads) -> Any:
    """Parsed JSON, None when missing; `damaged` naming the file when it is truncated or garbage
    (StoreProblem when it cannot be read at all)."""
    data = read_bytes(path, what)
    if data is None:
        return None
    try:
        return loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        problem = "empty" if not data.strip() else f"damaged ({exc})"
        raise damaged(f"The {what} {path} is {problem}. {hint}".rstrip()) from None


def append_line(path: Path, line: str, *, durable: bool = False) -> None:
    """Append one line with a single write on an O_APPEND file (never rewrites what is there)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
    try:
        os.write(fd, line.encode("utf-8"))
        if durable:
            os.fsync(fd)
    finally:
        os.close(fd)


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError as exc:
        if exc.errno != errno.ENOENT:
            raise
