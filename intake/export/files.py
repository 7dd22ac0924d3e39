"""Writing exports: files readable by their owner only, and every export in the access log with its reader."""

from __future__ import annotations

from pathlib import Path

from intake.errors import IntakeError
from intake.export.kinds import LOG_ACTION, Format, Reader
from intake.export.readers import render
from intake.flows.model import Content
from intake.session import plan_placements
from intake.store import SessionRecord
from intake.store_api import SessionStore
from intake.store_files import write_atomic


def check_target(path: Path, *, force: bool = False) -> None:
    """IntakeError when `path` cannot take the file: a folder, or a file that exists (unless `force`).
    A command that asks questions first checks it before them, so that no answer is typed in vain."""
    if path.exists() and not force:
        raise IntakeError(f"{path} exists already; nothing was written. Choose another file name, or add --force "
                          "to replace it.")
    if path.is_dir():
        raise IntakeError(f"{path} is a folder; nothing was written. Name a file to write the export to.")


def write_private(path: Path, text: str, *, force: bool = False) -> None:
    """Write a file only its owner can read, whatever the umask or the mode of a file it replaces
    (exports hold client data), and never over an existing file unless `force`."""
    check_target(path, force=force)
    try:
        write_atomic(path, text.encode("utf-8"))  # a new 0600 file renamed over the old one
    except OSError as exc:
        raise IntakeError(f"Cannot write {path}: {exc.strerror}. Choose another file or folder.") from None


def export_plan(store: SessionStore, content: Content, record: SessionRecord, path: Path | None,
                who: str | None = None, *, force: bool = False, reader: Reader = "counsellor",
                fmt: Format | None = None) -> str:
    """The export for `reader`, written to `path` when given; logged with its reader once it has succeeded."""
    text = render(content, record, reader, fmt, placements=plan_placements(store, content, record.state.decisions.placement_id))
    if path is not None:
        write_private(path, text, force=force)
    store.log_access(LOG_ACTION[reader], record.id, who)
    return text
