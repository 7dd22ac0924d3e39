"""Where the JSON export of a session goes, and writing it readable by its owner only."""

from __future__ import annotations

import re
from pathlib import Path

from intake.export.files import export_plan
from intake.session import IntakeSession
from intake.store import SessionRecord
from intake.store_files import private_dir


def export_path(export_dir: Path, record: SessionRecord) -> Path:
    """`<dir>/<client label>-<session id>.json`, the label reduced to safe file-name characters."""
    label = re.sub(r"[^\w-]+", "_", record.client_label, flags=re.UNICODE).strip("_") or "session"
    return export_dir / f"{label[:60]}-{record.id}.json"


def write_export(session: IntakeSession, path: Path) -> Path:
    """Write the export; the caller has asked before replacing an existing file."""
    private_dir(path.parent)  # every folder created for it is 0700: it holds client data
    export_plan(session.store, session.content, session.record, path, session.record.counsellor, force=True)
    return path
