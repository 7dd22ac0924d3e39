"""The `intake` command: the app, and commands for content, sessions and exports.

Default paths are worked out here, once, and passed on; nothing else chooses a path.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from platformdirs import user_data_path

from intake.errors import ContentProblem, IntakeError
from intake.flows.loader import ContentError, load_content
from intake.flows.model import Content

DEFAULT_CONTENT = Path(__file__).resolve().parent.parent / "content"


def default_store() -> Path:
    return user_data_path("intake", appauthor=False) / "store.json"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="intake", description="Joint intake interview for rehabilitative "
                                "work activity and supported employment.")
    p.add_argument("--store", type=Path, help=f"the session store file (default: {default_store()})")
    p.add_argument("--content", type=Path, help="the interview content directory (default: the built-in content)")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("run", help="open the app (the default)")
    check = sub.add_parser("check-content", help="check a content directory and summarise it")
    check.add_argument("dir", nargs="?", type=Path)
    lst = sub.add_parser("list", help="list the sessions in the store")
    lst.add_argument("--json", action="store_true", help="print JSON for machines")
    exp = sub.add_parser("export", help="export a session's plan as JSON")
    exp.add_argument("session_id")
    exp.add_argument("-o", "--output", type=Path, help="write to this file instead of standard output")
    return p


def load(content_dir: Path) -> Content:
    try:
        return load_content(content_dir)
    except ContentError as exc:
        raise ContentProblem(f"{len(exc.problems)} problem(s) in {content_dir}:\n{exc}") from None


def open_store(args: argparse.Namespace):
    from intake.store import Store  # the store (and TinyDB) only for commands that need it

    return Store(args.store or default_store())


def cmd_check_content(args: argparse.Namespace) -> int:
    directory = args.dir or args.content or DEFAULT_CONTENT
    content = load(directory)
    questions = sum(len(s.questions) for s in content.sections)
    print(f"{directory}: OK — flow '{content.flow.id}' v{content.flow.version}, {len(content.sections)} sections, "
          f"{questions} questions, {len(content.scales)} scales, {len(content.texts)} texts")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    store = open_store(args)
    sessions = store.list()
    if args.json:
        print(json.dumps([s.model_dump(mode="json") for s in sessions], indent=2, ensure_ascii=False))
        return 0
    if not sessions:
        print("No sessions yet. Start one with: intake")
        return 0
    rows = [("ID", "CLIENT", "COUNSELLOR", "STATUS", "PROGRESS", "LAST CHANGE")]
    for s in sessions:
        rows.append((s.id, s.client_label, s.counsellor, s.status.replace("_", " "), f"{s.answered}/{s.relevant}",
                     s.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from intake.export.plan_json import export_json

    content = load(args.content or DEFAULT_CONTENT)
    store = open_store(args)
    text = export_json(content, store.get(args.session_id))
    if args.output is None:
        sys.stdout.write(text)
        return 0
    write_private(args.output, text)
    print(f"Exported session {args.session_id} to {args.output}", file=sys.stderr)
    return 0


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read: exports hold client data."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as exc:
        raise IntakeError(f"Cannot write {path}: {exc.strerror}. Choose another file with -o.") from None


def cmd_run(args: argparse.Namespace) -> int:
    from intake.screens.app import IntakeApp

    content = load(args.content or DEFAULT_CONTENT)
    store = open_store(args)
    app = IntakeApp(store=store, content=content)
    app.run()
    return app.return_code or 0


COMMANDS = {"run": cmd_run, None: cmd_run, "check-content": cmd_check_content,
            "list": cmd_list, "export": cmd_export}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except IntakeError as exc:
        print(f"intake: {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
