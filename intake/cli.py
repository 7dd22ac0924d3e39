"""The `intake` command: the app, and commands for content, sessions and exports.

Default paths are worked out here, once, and passed on; nothing else chooses a path.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import gc
import ipaddress
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_cache_path, user_data_path

from intake.errors import ContentProblem, IntakeError, SessionDamaged, SessionNotFound, StoreProblem
from intake.content_cache import load_cached
from intake.flows.files import FIDELITY_FILE
from intake.flows.problems import ContentError
from intake.flows.model import Content
from intake.flows.placements import Placement
from intake.settings import export_dir, read_settings, settings_file
from intake.store_api import SessionStore
from intake.store_location import (
    ENVIRONMENT,
    chosen_location,
    is_database,
    open_location,
    set_up,
    store_argument,
)
from intake.export.kinds import FORMATS, READERS
from intake.flows.text import LANGUAGES
from intake.flows.validate import iso_date
from intake.text_safety import json_printable, printable

if TYPE_CHECKING:
    from intake.placements_import import Kind

DEFAULT_CONTENT = Path(__file__).resolve().parent.parent / "content"
LIST_NEWEST = 50  # `intake list` without --all: the damaged sessions and this many of the most recently changed


def data_dir() -> Path:
    return user_data_path("intake", appauthor=False)


def content_cache_dir() -> Path:
    return user_cache_path("intake", appauthor=False) / "content"


def default_store() -> Path:
    return data_dir() / "store"


def legacy_store() -> Path:
    """Where the first version kept its one-file store; migrated into default_store() on first open."""
    return data_dir() / "store.json"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="intake", description="Joint intake interview for rehabilitative "
                                "work activity and supported employment.")
    p.add_argument("--store", type=store_argument, help="the session store: a folder, or a county's database as "
                   "postgresql://user@host/database (the password in ~/.pgpass or PGPASSWORD); default: "
                   f"${ENVIRONMENT}, else the store setting in {settings_file()}, else {default_store()}")
    p.add_argument("--content", type=Path, help="the interview content directory (default: the built-in content)")
    p.add_argument("--export-dir", type=Path, help="where the app writes exports (default: the export_dir setting in "
                   f"{settings_file()}, else a private folder in your documents)")
    p.add_argument("--theme", metavar="NAME", help='the colours of the app, e.g. "high-contrast" (default: the theme '
                   f"setting in {settings_file()}, else Textual's dark theme)")
    p.add_argument("--plain", action="store_true", help="hold the intake line by line (screen readers, slow "
                   "connections, any terminal); taken by itself when standard input or output is not a terminal")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("run", help="open the app (the default)")
    srv = sub.add_parser("serve", help="open the app in a web browser: for a counsellor and a client at a bigger "
                         "screen (this computer only, unless --host says otherwise)")
    srv.add_argument("--host", type=_host, default="127.0.0.1", metavar="ADDRESS",
                     help="the address to listen on (default: 127.0.0.1, this computer only); another address lets "
                     "other computers open the app, unencrypted, with the printed address and its key")
    srv.add_argument("--port", type=_port, default=8765, help="the port to listen on (default: 8765)")
    check = sub.add_parser("check-content", help="check a content directory and summarise it")
    check.add_argument("dir", nargs="?", type=Path)
    lst = sub.add_parser("list", help=f"list the sessions in the store: the damaged ones and the {LIST_NEWEST} most "
                         "recently changed")
    lst.add_argument("--all", action="store_true", help="list every session")
    lst.add_argument("--json", action="store_true", help="print JSON for machines (always every session)")
    due = lst.add_mutually_exclusive_group()
    due.add_argument("--overdue", action="store_true",
                     help="only the sessions whose next review is overdue (past its grace days), the most overdue first")
    due.add_argument("--due-within", type=_days, metavar="DAYS",
                     help="only the sessions whose next review falls within DAYS days (or is late but still in its "
                     "grace days), the soonest first")
    exp = sub.add_parser("export", help="export a session for a reader: the counsellor (the full record as JSON), "
                         "the client (their own plan), the placement (only what the host needs) or, in supported "
                         "employment, the employer (only what the client allows the job coach to tell)")
    exp.add_argument("session_id")
    exp.add_argument("--for", dest="reader", choices=READERS, default="counsellor",
                     help="who the export is for (default: counsellor)")
    exp.add_argument("--format", dest="fmt", choices=sorted({f for fs in FORMATS.values() for f in fs}),
                     help="json, md (Markdown) or html (a printable page); default: json for the counsellor, "
                     "html for the others")
    exp.add_argument("-o", "--output", type=Path, help="write to this file instead of standard output")
    exp.add_argument("--force", action="store_true", help="replace the file when it exists already")
    log = sub.add_parser("log", help="who opened, changed, exported or deleted sessions, and when")
    log.add_argument("session_id", nargs="?")
    log.add_argument("--json", action="store_true", help="print JSON lines for machines")
    log.add_argument("--verify", action="store_true",
                     help="check that no entry was changed, removed or added by hand (exit 2 names the first)")
    dele = sub.add_parser("delete", help="delete a session for good")
    dele.add_argument("session_id")
    dele.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    purge = sub.add_parser("purge", help="delete for good every completed session last changed before a day")
    purge.add_argument("--completed-before", required=True, type=_date, metavar="YYYY-MM-DD")
    purge.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    restore = sub.add_parser("restore", help="put back the last good version of a damaged session")
    restore.add_argument("session_id")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    imp = sub.add_parser("import", help="read a counsellor's export back into the store (another machine, a "
                         "colleague taking over)")
    imp.add_argument("file", type=Path, metavar="FILE.json")
    imp.add_argument("--replace", action="store_true", help="replace the session with the same id in this store")
    _catalogue_parser(sub, "placements", "the placement catalogue: list it, or import a county's own list",
                      "placement")
    _catalogue_parser(sub, "employers", "the employer catalogue (jobs on the open labour market, for supported "
                      "employment): list it, or import a county's own list", "job")
    stores = sub.add_parser("store", help="set up a county's database, or copy a whole store into another")
    stores_sub = stores.add_subparsers(dest="store_command", required=True, metavar="{init,copy}")
    stores_sub.add_parser("init", help="create intake's tables, group roles and access rules in the database of "
                          "--store (the county's database administrator, once; README: a county's database)")
    copy = stores_sub.add_parser("copy", help="copy every session, the imported placements and the access log into "
                                 "a new, empty store: a folder into a county's database, or back")
    copy.add_argument("--from", dest="source", type=store_argument, required=True, metavar="FOLDER|URL")
    copy.add_argument("--to", dest="destination", type=store_argument, required=True, metavar="FOLDER|URL")
    copy.add_argument("--owner", metavar="ROLE", help="into a database: the counsellor's login role the copied "
                      "sessions belong to (default: the role copying them)")
    copy.add_argument("--team", metavar="TEAM", help="into a database: the team that shares the copied sessions "
                      "(default: that role's team)")
    report = sub.add_parser("report", help="the outcome report: the periods that ended in a date range, by "
                            "follow-on path, length, goals, interim reviews on time and early endings (counts only)")
    report.add_argument("--from", dest="start", type=_date, metavar="YYYY-MM-DD",
                        help="count the periods that ended on this day or later (default: from the first)")
    report.add_argument("--to", dest="end", type=_date, metavar="YYYY-MM-DD",
                        help="count the periods that ended on this day or earlier (default: to the last)")
    report.add_argument("--format", dest="fmt", choices=("table", "csv", "json"), default="table",
                        help="table (aligned text, the default), csv (every table in one file) or json")
    report.add_argument("--language", choices=LANGUAGES, default="fi", help="the language of the labels (default: fi)")
    fidelity = sub.add_parser("fidelity", help="a supported-employment team's review on the 25 IPS quality "
                              "criteria (1-5 each): asked line by line, or read from --ratings; prints the total and "
                              "band, with rapid job search, continuous assessment and follow-along support computed "
                              "from the store")
    given = fidelity.add_mutually_exclusive_group()
    given.add_argument("--ratings", type=Path, metavar="FILE", help="read the scores from this YAML file (criterion "
                       "number: score 1-5 on each line) instead of asking")
    given.add_argument("--template", action="store_true", help="print a ratings file to fill in (computed scores "
                       "filled in) and stop")
    fidelity.add_argument("--out", type=Path, metavar="FILE.json", help="save the review as JSON in this file "
                          "(readable by you only)")
    fidelity.add_argument("--force", action="store_true", help="replace the --out file when it exists already")
    fidelity.add_argument("--language", choices=LANGUAGES, default="fi",
                          help="the language of the criteria (default: fi)")
    return p


def _date(text: str) -> dt.date:
    error, day = iso_date(text)
    if error is None:
        return day
    p = error.params
    if "days" in p:
        problem = f"there is no such day: {calendar.month_name[p['month']]} {p['year']} has {p['days']} days"
    elif "month" in p:
        problem = f"there is no month {p['month']}"
    else:
        problem = "not a date"
    raise argparse.ArgumentTypeError(f"{problem} ({text!r}); write the day as YYYY-MM-DD, e.g. 2026-11-26")


def _days(text: str) -> int:
    if not text.isdigit() or int(text) > 3660:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days; write a whole number from 0 to 3660, "
                                         "e.g. --due-within 14")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port; give a whole number from 1 to 65535, "
                                         "e.g. --port 8765")
    return int(text)


def _host(text: str) -> str:
    """An address to serve on; a wildcard one listens everywhere, but the page would send the browser to it."""
    try:
        wildcard = ipaddress.ip_address(text).is_unspecified
    except ValueError:
        return text  # a host name
    if wildcard:
        raise argparse.ArgumentTypeError(f"{text} is not an address a browser can open; give the address other "
                                         "computers reach this one at, e.g. --host 192.168.1.20, or leave --host "
                                         "out to serve this computer only")
    return text


def load(content_dir: Path) -> Content:
    try:
        return load_cached(content_dir, content_cache_dir())
    except ContentError as exc:
        raise ContentProblem(f"{len(exc.problems)} problem(s) in {content_dir}:\n{exc}") from None


def open_store(args: argparse.Namespace) -> SessionStore:
    location = chosen_location(args.store, read_settings(settings_file()), default_store())
    return open_location(location, index_progress if sys.stderr.isatty() else None,
                         legacy=legacy_store() if location == default_store() else None,
                         cache=user_cache_path("intake", appauthor=False) / "databases")


def index_progress(done: int, total: int) -> None:
    """A progress bar on the terminal while the session index is built from the session files (the
    first start with many sessions, or after the index was lost): the app starts after it."""
    filled = 30 * done // total
    print(f"\rBuilding the session index: [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}",
          end="\n" if done == total else "", file=sys.stderr, flush=True)


def cmd_check_content(args: argparse.Namespace) -> int:
    directory = args.dir or args.content or DEFAULT_CONTENT
    content = load(directory)
    questions = sum(1 + len(getattr(q, "questions", [])) for s in content.sections for q in s.questions)
    rules = len(content.rules.rules) if content.rules else 0
    print(f"{directory}: OK — flow '{content.flow.id}' v{content.flow.version}: {len(content.sections)} sections, "
          f"{questions} questions, {len(content.scales)} scales, {len(content.texts)} texts, {rules} rules, "
          f"{len(content.suggestions)} service suggestions, {len(content.placements)} placements, "
          f"{len(content.employers)} jobs at employers, "
          f"reviews: {', '.join(content.reviews) or 'none'}")
    if (directory / FIDELITY_FILE).exists():
        from intake.flows.fidelity_scale import load_fidelity

        try:
            scale = load_fidelity(directory)
        except ContentError as exc:
            raise ContentProblem(f"{len(exc.problems)} problem(s) in {directory}:\n{exc}") from None
        print(f"{FIDELITY_FILE}: OK — {len(scale.criteria)} quality criteria, bands: "
              f"{', '.join(f'{b.id} {b.low}-{b.high}' for b in scale.bands)}")
    return 0


def _review_due(args: argparse.Namespace, grace: int, today: dt.date):
    """The review filter the options ask for (None: every session)."""
    from intake.flows.due import ReviewDue

    if args.overdue:
        return ReviewDue("overdue", today, grace)
    if args.due_within is not None:
        return ReviewDue("soon", today, grace, args.due_within)
    return None


def _next_review(s, grace: int, today: dt.date) -> str:
    """The NEXT REVIEW column: its day (overdue in words), the day the period ended, or nothing yet."""
    from intake.flows.due import is_overdue

    if s.ended_on is not None:
        return f"period ended {s.ended_on.isoformat()}"
    if s.next_review is None:  # no period yet, or a session saved before periods had reviews
        return "-"
    return f"{s.next_review.isoformat()}{' OVERDUE' if is_overdue(s.next_review, grace, today) else ''}"


def cmd_list(args: argparse.Namespace) -> int:
    from intake.flows.due import grace_days, is_overdue
    from intake.store import DamagedSession

    store = open_store(args)
    today, grace = dt.date.today(), grace_days(load(args.content or DEFAULT_CONTENT))
    due = _review_due(args, grace, today)
    every = args.all or args.json or due is not None
    if every:
        store.reconcile()  # every file compared with the index, as `page` checks only the rows it returns
    damaged_count = store.count(damaged_only=True)
    hidden = 0 if every else max(0, store.count() - damaged_count - LIST_NEWEST)
    # the damaged first: never hidden (a review filter leaves them out: they have no next review to go by)
    found = store.page(limit=None if every else damaged_count + LIST_NEWEST, due=due)
    damaged = [r for r in found if isinstance(r, DamagedSession)]
    sessions = [r for r in found if not isinstance(r, DamagedSession)]
    store.log_access("list", None)  # the list shows every client's label
    if args.json:
        print(json_printable(json.dumps(
            [{"id": d.id, "status": "damaged", "problem": d.problem, "repair": d.repair,
              "updated_at": d.updated_at.isoformat()} for d in damaged]
            + [{**s.model_dump(mode="json"), "overdue": is_overdue(s.next_review, grace, today)} for s in sessions],
            indent=2, ensure_ascii=False)))
        return 0
    if due is not None and not sessions:
        print("No session's next review is " + ("overdue." if args.overdue else f"due within {args.due_within} days."))
    elif not sessions and not damaged:
        print("No sessions yet. Start one with: intake")
        return 0
    else:
        _print_table(sessions, damaged, hidden, grace, today)
    if due is not None and damaged_count:
        print(f"\n{damaged_count} damaged sessions have no next review to go by and are not listed here: "
              "'intake list' shows them and how to repair them.")
    return 0


def _print_table(sessions: list, damaged: list, hidden: int, grace: int, today: dt.date) -> None:
    rows = [("ID", "CLIENT", "COUNSELLOR", "PERIOD", "STATUS", "PROGRESS", "NEXT REVIEW", "LAST CHANGE")]
    for d in damaged:
        rows.append((d.id, "?", "?", "-", "DAMAGED", "-", "-", d.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")))
    for s in sessions:
        rows.append((s.id, s.client_label, s.counsellor, str(s.period), s.status.replace("_", " "),
                     f"{s.answered}/{s.relevant}", _next_review(s, grace, today),
                     s.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")))
    rows = [tuple(map(printable, r)) for r in rows]  # stored text: no terminal commands, columns kept
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    if hidden:
        print(f"\n{hidden} older sessions are not shown (the {LIST_NEWEST} most recently changed are). "
              "List them all with: intake list --all")
    for d in damaged:
        print(f"\nSession {d.id} is damaged and cannot be opened: {printable(d.problem)}\nTo repair it: {d.repair}")


def cmd_export(args: argparse.Namespace) -> int:
    from intake.export.files import export_plan

    content = load(args.content or DEFAULT_CONTENT)
    store = open_store(args)
    fmt = args.fmt or FORMATS[args.reader][0]
    text = export_plan(store, content, store.get(args.session_id), args.output, force=args.force,
                       reader=args.reader, fmt=fmt)
    if args.output is None:
        # Stored text, shown without terminal commands: JSON as escapes that read back the same.
        sys.stdout.write(json_printable(text) if fmt == "json" else printable(text, keep="\n"))
    else:
        print(f"Exported session {args.session_id} for the {args.reader} to {args.output}", file=sys.stderr)
    return 0


def confirm(question: str, yes: bool) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        raise IntakeError(f"{question} Not asked: standard input is not a terminal. Add --yes to confirm.")
    return input(f"{question} Type 'yes' to confirm: ").strip().lower() in ("yes", "y", "kyllä", "k", "ja")


def cmd_log(args: argparse.Namespace) -> int:
    store = open_store(args)
    check = store.verify_access_log()
    if args.verify:
        if not check.ok:
            raise StoreProblem(f"The access log ({check.where}) has been tampered with or damaged: entry "
                               f"{check.broken_at} of {check.entries}: {check.problem}. Keep it as it is for "
                               "investigation, and compare it with a backup of the store.")
        old = f" ({check.unchained} written before entries were chained)" if check.unchained else ""
        print(f"The access log is intact: {check.entries} {'entry' if check.entries == 1 else 'entries'}{old}.")
        return 0
    if not check.ok:
        print(f"Warning: the access log has been tampered with or damaged from entry {check.broken_at} on "
              f"({check.problem}); 'intake log --verify' tells more.", file=sys.stderr)
    entries = store.access_log(args.session_id)
    if args.session_id is not None and not entries and not store.has_session(args.session_id):
        raise SessionNotFound(f"No session with id '{args.session_id}' in this store or its access log. "
                              "'intake list' shows the sessions.")
    if args.json:
        for e in entries:
            print(json_printable(json.dumps(e, ensure_ascii=False)))
        return 0
    if not entries:
        print("The access log is empty." if args.session_id is None else f"No entries for session {args.session_id}.")
        return 0
    for e in entries:
        when = dt.datetime.fromisoformat(e["at"]).astimezone().strftime("%Y-%m-%d %H:%M:%S")
        print(printable(f"{when}  {e.get('action', '?'):<15} {e.get('session') or '-':<13} {e.get('who', '?')}"
                        f" ({e.get('host', '?')}, process {e.get('pid', '?')}"
                        + (f", database role {e['role']})" if e.get("role") else ")")))
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        s = store.get(args.session_id)
        what = f"session {s.id} ({s.client_label}, {s.counsellor})"
    except SessionDamaged as exc:  # a damaged session can be deleted too
        what = f"the damaged session {args.session_id} ({exc.message})"
    if not confirm(printable(f"Delete {what} for good, with every copy of it in the store?"), args.yes):
        print("Nothing deleted.")
        return 1
    store.delete(args.session_id)
    print(f"Deleted session {args.session_id}.")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    day = args.completed_before
    # Before tomorrow takes every session completed so far; a later day is most likely a typing error.
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    if day > tomorrow:
        raise IntakeError(f"{day} is in the future; purge deletes the sessions completed before the day given, "
                          f"and {tomorrow} (tomorrow) already takes every session completed so far. "
                          "Check the date and give a day that has passed, or tomorrow at the latest.")
    store = open_store(args)
    due = [s for s in store.list(status="completed") if s.updated_at.astimezone().date() < day]
    if not due:
        print(f"No completed sessions last changed before {day}.")
        return 0
    if not confirm(f"Delete {len(due)} completed session(s) last changed before {day} for good?", args.yes):
        print("Nothing deleted.")
        return 1
    gone = store.purge(day)
    print(printable(f"Deleted {len(gone)} session(s): {' '.join(gone)}"))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    store = open_store(args)
    good = store.restorable(args.session_id)
    version = (f"its previous version, last changed {good.updated_at.astimezone().strftime('%Y-%m-%d %H:%M:%S')} "
               f"with {good.answered}/{good.relevant} questions answered")
    if not confirm(f"Session {args.session_id} is damaged. Put back {version}?", args.yes):
        print("Nothing restored.")
        return 1
    _, kept = store.restore(args.session_id)
    print(f"Restored session {args.session_id} to {version}.")
    if kept is not None:
        print(f"The damaged version is kept in {kept}: it may hold the newest answers. Delete it when you are done "
              "with it (it holds client data); 'intake delete' removes it with the session.")
    return 0


def _catalogue_parser(sub: argparse._SubParsersAction, name: str, about: str, what: str) -> None:
    """`intake placements` or `intake employers`: the same commands on either catalogue."""
    places = sub.add_parser(name, help=about)
    places_sub = places.add_subparsers(dest="catalogue_command", required=True, metavar="{list,import,undo}")
    plist = places_sub.add_parser("list", help=f"the {name}: built-in and imported")
    plist.add_argument("--json", action="store_true", help="print JSON for machines")
    plist.add_argument("--municipality", metavar="NAME", help=f"only the {name} in this municipality")
    pimport = places_sub.add_parser("import", help=f"import a county's own list of {name} (CSV; template: "
                                    f"docs/{name}-template.csv)")
    pimport.add_argument("file", type=Path, metavar="FILE.csv")
    pimport.add_argument("--skip-bad", action="store_true",
                         help="import the good rows even when some rows have problems (they are listed)")
    pimport.add_argument("--replace-all", action="store_true",
                         help=f"drop every {what} imported earlier (otherwise rows replace earlier ones by id)")
    places_sub.add_parser("undo", help=f"put back the imported {name} as they were before the last import")


def cmd_placements(args: argparse.Namespace) -> int:
    """`intake placements …` and `intake employers …`."""
    from intake.placements_import import EMPLOYERS, PLACEMENTS

    kind = EMPLOYERS if args.command == "employers" else PLACEMENTS
    return {"list": cmd_placements_list, "import": cmd_placements_import,
            "undo": cmd_placements_undo}[args.catalogue_command](args, kind)


def cmd_placements_list(args: argparse.Namespace, kind: Kind) -> int:
    from intake.placements_import import catalogue_entries

    from intake.flows.rules import Rules

    content = load(args.content or DEFAULT_CONTENT)
    entries = catalogue_entries(open_store(args), content, kind)
    if args.municipality:
        entries = [e for e in entries if e.placement.municipality.casefold() == args.municipality.strip().casefold()]
    today = dt.date.today()
    rules = Rules(content.rules) if content.rules else None
    jobs = kind.name == "employers"
    services = {e.placement.id: [s.id for s in rules.services_for_host(e.placement.host_type, today, jobs)]
                if rules else [] for e in entries}
    if args.json:
        print(json_printable(json.dumps([{"id": e.placement.id, "name": e.placement.name, "host": e.placement.host,
                                          "municipality": e.placement.municipality, "form": e.placement.form,
                                          "open_places": e.placement.open_places, "source": e.source,
                                          "replaces_built_in": e.replaces_built_in, "file": e.file,
                                          "services": services[e.placement.id]}
                                         for e in entries], indent=2, ensure_ascii=False)))
        return 0
    if not entries:
        print(f"No {kind.what}s in {args.municipality}." if args.municipality else f"No {kind.what}s.")
        return 0
    rows = [("ID", "NAME", "HOST", "MUNICIPALITY", "FORM", "OPEN", "SOURCE", "PROPOSED")]
    for e in entries:
        p = e.placement
        source = "imported, replaces built-in" if e.replaces_built_in else e.source
        rows.append((p.id, p.name, p.host, p.municipality, p.form, str(p.open_places), source,
                     "yes" if services[p.id] else "NEVER"))
    rows = [tuple(map(printable, r)) for r in rows]  # stored text: no terminal commands, columns kept
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    imported = sum(e.source == "imported" for e in entries)
    print(f"\n{len(entries)} {kind.what}(s): {len(entries) - imported} built-in, {imported} imported.")
    for e in entries:
        if not services[e.placement.id]:
            print(printable(f"Never proposed: {e.placement.id} ({e.placement.host}): {never_why(e.placement, jobs)}"))
    return 0


def never_why(placement: Placement, job: bool = False) -> str:
    """Why no service in force can propose a placement of this host type (for `placements list`)."""
    services = "a service on the open labour market (open_labour_market in rules.yaml)" if job else "any service"
    return (f"no rule in force lets a host of type '{placement.host_type}' offer {services} "
            "(content/rules.yaml, allowed_hosts).")


def cmd_placements_import(args: argparse.Namespace, kind: Kind) -> int:
    from intake.placements_import import import_csv, unknown_municipalities, unknown_skills

    content = load(args.content or DEFAULT_CONTENT)
    progress = Progress(f"Importing {args.file.name}") if sys.stderr.isatty() else None
    try:
        done = import_csv(open_store(args), args.file, content, kind=kind, replace_all=args.replace_all,
                          skip_bad=args.skip_bad, progress=progress)
    finally:
        if progress is not None:
            progress.done()
    found, outcome = done.found, done.outcome
    if found.bad_rows:
        print(printable(f"Skipped {len(found.bad_rows)} bad row(s) of {args.file} (rows "
                        f"{', '.join(map(str, found.bad_rows))}):\n" + "\n".join(found.report()), keep="\n"),
              file=sys.stderr)
    print(f"Imported {found.good} {kind.what}(s) from {args.file}: {len(outcome.added)} new, "
          f"{len(outcome.replaced)} replacing an earlier import.")
    if outcome.removed:
        print(printable(f"Removed {len(outcome.removed)} {kind.what}(s) of the earlier import: "
                        f"{', '.join(outcome.removed)}"))
    if done.overrides:
        print(f"These replace the built-in {kind.what} with the same id (the imported one is used): "
              f"{', '.join(done.overrides)}")
    unknown = unknown_municipalities(done.municipalities, content)
    if unknown:
        print(f"Warning: {', '.join(unknown)} not in the municipalities of content/municipalities.yaml: matching cannot "
              f"work out the journey there, so these {kind.what}s are not proposed to a client with a journey limit.")
    skills = unknown_skills(done.skills, content)
    if skills:
        print(f"Warning: the skills {', '.join(skills)} are not in the interview's skill list, so they never match "
              "a client; check the spelling in the skills column.")
    print(f"'intake {kind.name} undo' puts back the {kind.what}s as they were before this import.")
    return 0


def cmd_placements_undo(args: argparse.Namespace, kind: Kind) -> int:
    placement_store = getattr(open_store(args), kind.name)
    back, removed = placement_store.undo()
    print(printable(f"Undid the last import: {len(back)} {kind.what}(s) put back as they were, {len(removed)} "
                    f"removed{': ' + ', '.join(removed) if removed else ''}."))
    return 0


class Progress:
    """A progress bar on standard error (a terminal), told the share done (0-1)."""

    def __init__(self, label: str):
        self.label = printable(label)
        self.shown = -1

    def __call__(self, share: float) -> None:
        percent = max(0, min(100, int(share * 100)))
        if percent != self.shown:
            self.shown = percent
            print(f"\r{self.label} [{'#' * (percent // 5):<20}] {percent:3d}%", end="", file=sys.stderr, flush=True)

    def done(self) -> None:
        if self.shown >= 0:
            print(file=sys.stderr)


def cmd_import(args: argparse.Namespace) -> int:
    from intake.export.import_plan import import_export

    content = load(args.content or DEFAULT_CONTENT)
    record = import_export(open_store(args), content, args.file, replace=args.replace)
    print(printable(f"Imported session {record.id} ({record.client_label}, {record.counsellor}): "
                    f"{record.answered}/{record.relevant} questions answered."))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from intake.flows.display import Texts
    from intake.outcome_report import as_csv, as_json, as_table, read_report

    content = load(args.content or DEFAULT_CONTENT)
    texts = Texts(content, args.language)
    report = read_report(open_store(args), content, texts, args.start, args.end)
    text = {"table": lambda: as_table(report, texts), "csv": lambda: as_csv(report),
            "json": lambda: as_json(report, texts)}[args.fmt]()
    sys.stdout.write(text)
    return 0


def cmd_fidelity(args: argparse.Namespace) -> int:
    from intake.flows.display import Texts
    from intake.flows.fidelity_scale import load_fidelity
    from intake.fidelity_review import run

    directory = args.content or DEFAULT_CONTENT
    content = load(directory)
    try:
        scale = load_fidelity(directory)
    except ContentError as exc:
        raise ContentProblem(f"{len(exc.problems)} problem(s) in {directory}:\n{exc}") from None
    return run(open_store(args), content, scale, Texts(content, args.language), ratings_path=args.ratings,
               out_path=args.out, force=args.force, show_template=args.template, read=input, out=sys.stdout,
               today=dt.date.today())


def make_app(args: argparse.Namespace):
    """The app as `intake run` opens it."""
    from intake.screens.app import IntakeApp
    from intake.screens.themes import chosen_theme

    settings = read_settings(settings_file())
    theme = chosen_theme(args.theme, settings, str(settings_file()))
    keymap = None
    if settings.get("keys"):  # checking them imports every screen
        from intake.screens.keymap import check_keymap

        keymap = check_keymap(settings["keys"], settings_file())
    content = load(args.content or DEFAULT_CONTENT)
    store = open_store(args)
    return IntakeApp(store=store, content=content, export_dir=export_dir(args.export_dir, settings), theme=theme,
                     keymap=keymap)


def cmd_run(args: argparse.Namespace) -> int:
    from intake.plain.console import console_for

    console, by_itself = console_for(args.plain)
    if args.plain or by_itself:
        return cmd_plain(args, console, by_itself)
    # What start-up builds (modules, content, widgets) lives until the end: looking through it for
    # garbage while it is built, at every screen after, and once more at the exit, is wasted time.
    gc.disable()
    try:
        app = make_app(args)
    finally:
        gc.freeze()
        gc.enable()
    app.run()
    gc.freeze()  # the exit frees the rest without a last full collection (a third of a second)
    return app.return_code or 0


def cmd_serve(args: argparse.Namespace) -> int:
    from intake.serve import serve  # textual-serve and its web server only for this command

    # Bad content or a store that cannot be opened is told here, once, not in every browser tab.
    load(args.content or DEFAULT_CONTENT)
    open_store(args).close()
    return serve(args)


def cmd_store(args: argparse.Namespace) -> int:
    if args.store_command == "copy":
        return cmd_store_copy(args)
    location = chosen_location(args.store, read_settings(settings_file()), default_store())
    if not is_database(location):
        raise StoreProblem(f"'intake store init' sets up a database; {location} is a folder, which needs no setting "
                           "up. Give the database with --store postgresql://user@host/database.")
    print(f"The database {set_up(location)} is ready for intake. Give each counsellor a login role in the group "
          "role intake_counsellor (team leads: intake_lead) and a row in intake.team_members; the README's "
          "'A county's database' shows how.")
    return 0


def cmd_store_copy(args: argparse.Namespace) -> int:
    from intake.store_copy import copy_store

    if args.source == args.destination:
        raise StoreProblem("--from and --to are the same store; copy into a new folder or an empty database.")
    assign = {name: getattr(args, name) for name in ("owner", "team") if getattr(args, name) is not None}
    if assign and not is_database(args.destination):
        raise StoreProblem("--owner and --team say whose the sessions are in a county's database; a folder is its "
                           "user's. Leave them out, or copy into a postgresql:// address.")
    if not is_database(args.source) and not (args.source / "format.json").exists():
        raise StoreProblem(f"There is no intake store in {args.source}; nothing was copied. Check --from (the "
                           f"default store is {default_store()}).")
    source = open_location(args.source)
    try:
        destination = open_location(args.destination)
        try:
            copied = copy_store(source, destination, **assign)
        finally:
            destination.close()
    finally:
        source.close()
    print(f"Copied {copied.sessions} session(s), {copied.placements} imported placement(s), {copied.employers} "
          f"imported job(s) at employers and {copied.entries} access log entries. The store copied from is "
          "unchanged: delete it when the copy is in use, as it holds every client's answers.")
    return 0


def cmd_plain(args: argparse.Namespace, console, by_itself: bool) -> int:
    """Plain mode: the same sessions line by line, without textual."""
    from intake.plain.main import run_plain

    return run_plain(console, open_store(args), load(args.content or DEFAULT_CONTENT),
                     export_dir(args.export_dir, read_settings(settings_file())), chosen=not by_itself)


COMMANDS = {"run": cmd_run, None: cmd_run, "serve": cmd_serve, "check-content": cmd_check_content,
            "list": cmd_list, "export": cmd_export, "log": cmd_log, "delete": cmd_delete,
            "purge": cmd_purge, "restore": cmd_restore, "placements": cmd_placements,
            "employers": cmd_placements, "import": cmd_import,
            "report": cmd_report, "store": cmd_store, "fidelity": cmd_fidelity}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except IntakeError as exc:
        # Messages may quote stored text (labels, file names, imported cells).
        print("intake: " + printable(exc.message, keep="\n"), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
