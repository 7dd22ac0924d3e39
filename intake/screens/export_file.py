"""Where the JSON export of a session goes, and writing it readable by its owner only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from intake.export.files import export_plan
from intake.export.kinds import Format, Reader
from intake.session import IntakeSession
from intake.store import SessionRecord
from intake.store_files import private_dir


def export_path(export_dir: Path, record: SessionRecord, reader: str = "counsellor", fmt: str = "json",
                day: dt.date | None = None) -> Path:
    """`<dir>/intake-<session id>-<reader>-<YYYY-MM-DD>.<format>`: the id, the reader and the day tell
    the files apart; the client's label stays out of file names, which others may see."""
    day = day or dt.date.today()
    return export_dir / f"intake-{record.id}-{reader}-{day.isoformat()}.{fmt}"


def write_export(session: IntakeSession, path: Path, *, reader: Reader = "counsellor",
                 fmt: Format | None = None) -> Path:
    """Write the export for `reader`; the caller has asked before replacing an existing file."""
    private_dir(path.parent)  # every folder created for it is 0700: it holds client data
    export_plan(session.store, session.content, session.record, path, session.record.counsellor, force=True,
                reader=reader, fmt=fmt)
    return path
