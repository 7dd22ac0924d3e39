"""Migration from format 1 (the first version: one TinyDB JSON file, table "sessions").

The old file is copied to `<file>.v1-backup` (fsynced) before anything else happens; the new
store is built in `<dest>.migrating/` and moved into place with one rename. A crash at any
step leaves either the old file or its backup, and the next open simply migrates again.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from intake.errors import StoreProblem
from intake.store_files import FILE_MODE, dumps, fsync_dir, read_json, write_atomic


def backup_path(src: Path) -> Path:
    return src.with_name(src.name + ".v1-backup")


def migrate_v1(src: Path, dest: Path, build: Callable[[Path, list[dict], Path], None]) -> Path:
    """Turn the format-1 file `src` into a store folder at `dest` (which may be the same path).

    `build(folder, docs, backup)` validates the documents and writes a complete new store in `folder`.
    Returns the backup file.
    """
    hint = ("It looks like a store of the first version of intake. Restore it from a backup, "
            "or move it away and start with an empty store.")
    data = read_json(src, "store file", hint)
    if not isinstance(data, dict) or not isinstance(data.get("sessions", {}), dict):
        raise StoreProblem(f"The store file {src} is not an intake store. {hint}")
    docs = list(data.get("sessions", {}).values())

    backup = backup_path(src)
    if src != backup:  # when resuming a migration that had removed `src`, the backup is the source
        tmp = backup.with_name(backup.name + ".tmp")
        shutil.copyfile(src, tmp)
        os.chmod(tmp, FILE_MODE)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, backup)
        fsync_dir(backup.parent)

    work = dest.with_name(dest.name + ".migrating")
    shutil.rmtree(work, ignore_errors=True)
    try:
        build(work, docs, backup)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    if src == dest:
        os.unlink(src)  # the backup holds it
    os.replace(work, dest)
    if src != dest and src != backup:
        src.unlink(missing_ok=True)
    fsync_dir(dest.parent)
    return backup


def interrupted_migration(dest: Path) -> Path | None:
    """The backup to migrate from when a migration into `dest` stopped half-way."""
    backup = backup_path(dest)
    if not dest.exists() and backup.is_file():
        return backup
    return None


def erase_from_v1_backup(backup: Path, session_id: str) -> None:
    """Remove one session from the backup of a migrated first-version store (a deleted session
    must not live on there). A backup that is gone or cannot be read is left as it is."""
    try:
        data = read_json(backup, "first-version backup")
    except StoreProblem:
        return
    table = data.get("sessions") if isinstance(data, dict) else None
    if not isinstance(table, dict):
        return
    kept = {k: v for k, v in table.items() if not (isinstance(v, dict) and v.get("id") == session_id)}
    if len(kept) != len(table):
        write_atomic(backup, dumps({**data, "sessions": kept}))
