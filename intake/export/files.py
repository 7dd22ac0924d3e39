"""Writing exports: files readable by their owner only, and every export in the access log."""

from __future__ import annotations

import os
from pathlib import Path

from intake.errors import IntakeError
from intake.export.plan_json import export_json
from intake.flows.model import Content
from intake.store import SessionRecord, Store


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read: exports hold client data."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as exc:
        raise IntakeError(f"Cannot write {path}: {exc.strerror}. Choose another file or folder.") from None


def export_plan(store: Store, content: Content, record: SessionRecord, path: Path | None,
                who: str | None = None) -> str:
    """The plan as JSON, written to `path` when given; the export is logged once it has succeeded."""
    text = export_json(content, record)
    if path is not None:
        write_private(path, text)
    store.log_access("export", record.id, who)
    return text
