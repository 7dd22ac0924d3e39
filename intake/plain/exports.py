"""Exports from plain mode: for each reader the app offers the client's service (the counsellor's full
record, the client's own plan, the placement's brief, the employer's brief in supported employment), in a
format that reader gets, to the export folder."""

from __future__ import annotations

from pathlib import Path

from intake.errors import IntakeError
from intake.export.kinds import FORMATS, readers_for
from intake.flows.period import client_service
from intake.plain.talk import Talk
from intake.session import IntakeSession


def offer_exports(talk: Talk, session: IntakeSession, export_dir: Path) -> None:
    """Write exports until the person chooses to finish."""
    from intake.screens.export_file import export_path, write_export  # no textual: paths and writing

    readers = readers_for(client_service(session.interview.active()))
    while True:
        t = talk.t
        talk.say()
        talk.say(t("export.reader_title"))
        reader = talk.choose("plain.prompt", [("done", t("plain.export.done"))]
                             + [(r, t(f"export.reader.{r}")) for r in readers])
        if reader is None or reader == "done":
            return
        if not isinstance(reader, str):
            continue
        formats = FORMATS[reader]
        fmt = formats[0]
        if len(formats) > 1:
            talk.say(t("export.format_title"))
            fmt = talk.choose("plain.prompt", [(f, t(f"export.format.{f}")) for f in formats])
            if not isinstance(fmt, str):
                continue
        path = export_path(export_dir, session.record, reader, fmt)
        if path.exists():
            talk.say(t("export.exists_message", path=str(path)))
            if talk.choose("plain.prompt", [(True, t("answer.yes")), (False, t("answer.no"))]) is not True:
                continue
        try:
            write_export(session, path, reader=reader, fmt=fmt)
        except IntakeError as exc:  # not agreed yet, no consent to share, the folder not writable
            talk.say_stored(exc.message)
            continue
        talk.say_stored(t("export.done", path=str(path)))
