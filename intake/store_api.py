"""The one interface every caller of a session store uses: `SessionStore`, and of its placements:
`PlacementStore`.

The screens, the plain mode, the commands, the exports, the reports, the sessions and the web server
are written against this Protocol, never against a backend. `intake.store.Store` (a folder of TinyDB
files) is its one implementation today; a shared backend for a county's team (issue 15) plugs in here.
Where the data is kept (files, backups, an index) is the backend's own business and is not part of it;
tests/test_store_api.py checks that callers use nothing else and that `Store` provides all of it.
A county's imported placements are kept in SQLite beside a folder store (placement_catalogue.py) or
in its PostgreSQL database (placement_catalogue_pg.py); both provide `PlacementStore`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # what the methods take and give, for type checking only (the backends import them)
    from contextlib import AbstractContextManager

    from intake.flows.catalogue_columns import Columns
    from intake.flows.due import ReviewDue
    from intake.flows.engine import InterviewState
    from intake.flows.placements import Placement
    from intake.flows.text import Language
    from intake.placement_catalogue_base import ImportedPlacement, Importer, PlacementsImport
    from intake.store_records import DamagedSession, SessionRecord, SessionSummary, Status
    from intake.store_index import Progress
    from intake.store_log import Verification


class PlacementStore(Protocol):
    """A county's imported placements (`intake placements import`): every placement is validated when
    read (StoreProblem names one that is not valid), an import lands whole or not at all, and the
    last one can be undone."""

    def entries(self) -> list[ImportedPlacement]:
        """Every imported placement, in import order, with when, from which file and by whom."""
        ...

    def get(self, placement_id: str) -> Placement | None:
        """The imported placement with this id (None when there is none)."""
        ...

    def names(self) -> dict[str, tuple[str, str, str]]:
        """The name, host and municipality of each imported placement, by id (none is built)."""
        ...

    def texts(self) -> list[str]:
        """matching.placement_text of each imported placement, in import order."""
        ...

    def columns(self) -> Columns:
        """What matching reads of each imported placement, in import order, as arrays."""
        ...

    def generation(self) -> str:
        """A value that changes at every import and undo (the columns are kept under it)."""
        ...

    def importing(self, file: str, *, replace_all: bool = False, who: str | None = None
                  ) -> AbstractContextManager[Importer]:
        """An import as one transaction, not interleaved with another: `Importer.add` each placement (it
        replaces the imported one with its id); an error raised inside leaves everything as it was;
        `replace_all` removes every earlier one. `Importer.outcome` says what changed."""
        ...

    def import_all(self, placements: Iterable[Placement], file: str, *, replace_all: bool = False,
                   who: str | None = None) -> PlacementsImport:
        """`importing` with these placements."""
        ...

    def take_copy(self, entries: Iterable[ImportedPlacement]) -> None:
        """Fill an empty catalogue with another store's placements as they are (when, from which file
        and by whom each was imported), in their order; StoreProblem (nothing copied) when not empty."""
        ...

    def undo(self) -> tuple[list[str], list[str]]:
        """Put back what the last import changed (once): the ids put back and the ids removed;
        StoreProblem when there is nothing to undo."""
        ...

    def close(self) -> None:
        """Let go of the connection."""
        ...


class SessionStore(Protocol):
    """A county's (or one computer's) sessions. `who` is the person acting, for the access log; it
    defaults to the user the store was opened for."""

    # -- one session ----------------------------------------------------------------------
    def create(self, client_label: str, counsellor: str, state: InterviewState,
               language: Language = "fi", plain: bool = False, *, lock: bool = False) -> SessionRecord:
        """A new session at revision 0 (NameProblem for a bad label or name); with `lock`, its edit
        lock is held by the counsellor from the start."""
        ...

    def get(self, session_id: str) -> SessionRecord:
        """The session as saved now: SessionNotFound when there is none, SessionDamaged when it
        cannot be read."""
        ...

    def has_session(self, session_id: str) -> bool:
        """Whether the store holds this session, readable or damaged (SessionNotFound for an id that
        cannot be one)."""
        ...

    def save(self, record: SessionRecord, who: str | None = None) -> SessionRecord:
        """Save conditionally on the revision the record was read at: the saved one becomes that
        revision + 1 and is returned; SessionConflict (nothing written) when it was saved elsewhere
        since, SessionNotFound when it was deleted. Durable when it returns."""
        ...

    def adopt(self, record: SessionRecord, *, replace: bool = False, who: str | None = None) -> SessionRecord:
        """Take in a session made elsewhere under its own id: SessionExists unless `replace`."""
        ...

    # -- one editor per session -------------------------------------------------------------
    def lock_session(self, session_id: str, holder: str | None = None) -> object:
        """Become the one editor of the session: SessionLocked, naming the holder, when someone else
        (in this program or another, on this computer or another) edits it. Held until unlocked."""
        ...

    def unlock_session(self, session_id: str) -> None:
        """Give up editing the session (nothing happens when it is not held here)."""
        ...

    # -- many sessions ------------------------------------------------------------------------
    def count(self, text: str = "", *, damaged_only: bool = False, due: ReviewDue | None = None) -> int:
        """How many sessions `page` can show for the same `text` and `due`."""
        ...

    def page(self, text: str = "", offset: int = 0, limit: int | None = None,
             due: ReviewDue | None = None) -> list[SessionSummary | DamagedSession]:
        """A slice of the session list: the damaged first (never hidden), then the most recently
        changed; `text` keeps those whose label, counsellor or id hold every word; `due` keeps those
        whose review is overdue or due soon, the most overdue first."""
        ...

    def list(self, text: str | None = None, status: Status | None = None) -> list[SessionSummary]:
        """Every readable session, most recently changed first, optionally filtered."""
        ...

    def damaged(self) -> list[DamagedSession]:
        """The sessions that cannot be read, each with what is wrong and whether it can be restored."""
        ...

    def reconcile(self, progress: Progress | None = None) -> bool:
        """Catch up with changes made outside this program; True when anything changed."""
        ...

    # -- erasing and repairing ----------------------------------------------------------------
    def delete(self, session_id: str, who: str | None = None) -> None:
        """Erase the session for good: every copy of it the store keeps goes. Only the access log
        keeps that it existed and was deleted."""
        ...

    def purge(self, completed_before: dt.date, who: str | None = None) -> list[str]:
        """Delete (as `delete`) every completed session last changed before that day; their ids."""
        ...

    def restorable(self, session_id: str) -> SessionRecord:
        """The previous version `restore` would put back (StoreProblem says why there is none)."""
        ...

    def restore(self, session_id: str, who: str | None = None) -> tuple[SessionRecord, Path | str | None]:
        """Put back the previous version of a damaged session; returns it and where the damaged copy
        was kept (a file, a table; None when there was none)."""
        ...

    # -- the access log: append-only ------------------------------------------------------------
    def log_access(self, action: str, session_id: str | None, who: str | None = None) -> None:
        """Append who did what to which session. Entries are never changed or removed, and never
        hold answers or labels."""
        ...

    def access_log(self, session_id: str | None = None) -> list[dict]:
        """The entries, oldest first; only those of one session when it is given."""
        ...

    def verify_access_log(self) -> Verification:
        """Whether the log is whole: no entry changed, removed or inserted since it was written, and
        where it is, for the person who must keep it for investigation."""
        ...

    # -- moving a whole store -------------------------------------------------------------------
    def take_copy(self, records: Iterable[SessionRecord], entries: Iterable[dict]) -> None:
        """Fill an empty store with another store's sessions as they are (ids and revisions kept) and
        its access log entries as they were written, chained here in their order."""
        ...

    # -- the county's own placements ------------------------------------------------------------
    @property
    def placements(self) -> PlacementStore:
        """The placements the county imported (`intake placements import`)."""
        ...

    @property
    def employers(self) -> PlacementStore:
        """The jobs at employers the county imported (`intake employers import`), kept apart from the
        placements: importing one never removes or replaces the other."""
        ...

    def close(self) -> None:
        """Let go of every lock held and every connection open."""
        ...
