"""Where the JSON export of a session goes, and writing it readable by its owner only."""

from __future__ import annotations

import re
from pathlib import Path

from intake.errors import IntakeError
from intake.export.files import export_plan
from intake.session import IntakeSession
from intake.store import SessionRecord


def export_path(export_dir: Path, record: SessionRecord) -> Path:
    """`<dir>/<client label>-<session id>.json`, the label reduced to safe file-name characters."""
    label = re.sub(r"[^\w-]+", "_", record.client_label, flags=re.UNICODE).strip("_") or "session"
    return export_dir / f"{label[:60]}-{record.id}.json"


def write_export(session: IntakeSession, path: Path) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise IntakeError(f"Cannot create the folder {path.parent}: {exc.strerror}.") from None
    export_plan(session.store, session.content, session.record, path, session.record.counsellor)
    return path
