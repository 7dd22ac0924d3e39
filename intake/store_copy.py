"""`intake store copy`: a whole store into another, empty one (a folder into a county's database, or back).

Every session is copied as it is (its id, revision and times), the county's imported placements and jobs
at employers with when, from which file and by whom they were imported, and the access log entry by entry,
in its order (the destination chains them anew). At the end the destination's log says that it was filled by a copy.
A store with damaged sessions is not copied: they would be lost or spread; restore or delete them first.
"""

from __future__ import annotations

from dataclasses import dataclass

from intake.errors import StoreProblem
from intake.store_api import SessionStore


@dataclass
class Copied:
    sessions: int
    placements: int
    entries: int
    employers: int = 0


def copy_store(source: SessionStore, destination: SessionStore, **assign: str) -> Copied:
    """`assign`: the owner and team of the copied sessions, in a database (take_copy's)."""
    damaged = source.damaged()
    if damaged:
        ids = ", ".join(d.id for d in damaged[:5]) + (", …" if len(damaged) > 5 else "")
        raise StoreProblem(f"The store to copy from has {len(damaged)} damaged session(s) ({ids}); nothing was "
                           "copied. Put each back with 'intake restore ID' or remove it with 'intake delete ID', "
                           "then copy again.")
    if held := destination.count():
        raise StoreProblem(f"The store to copy into holds {held} session(s) already; nothing was "
                           "copied. Copy into a new folder or an empty database, so that no session is mixed up "
                           "with another or overwritten.")
    summaries = source.list()
    entries = source.access_log()
    destination.take_copy((source.get(s.id) for s in summaries), entries, **assign)  # one session in memory at a time
    placements = source.placements.entries()
    if placements:
        destination.placements.take_copy(placements)
    employers = source.employers.entries()
    if employers:
        destination.employers.take_copy(employers)
    destination.log_access("copy", None)
    return Copied(len(summaries), len(placements), len(entries), len(employers))

