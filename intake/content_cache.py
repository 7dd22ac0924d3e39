"""The checked content, kept between starts: reading the YAML takes a second, this a few milliseconds.

One file per content directory in the user's cache folder: a header line (the key, the digest of
the rest), the parsed conditions (so that the first question needs no parser) and the content as
JSON. The key is a hash of the app's version, of the code that defines and checks content, and of
every content file (names and bytes), so any change rebuilds it. A cache file is never trusted: a
wrong key, digest, owner or permissions, or a payload the models refuse, and the content is read
from the YAML again. Only content that passed every check is written, so problems are always
reported from the YAML, by file and line. A cache that cannot be read or written never stops the
app.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from intake import __version__
from intake.errors import IntakeError
from intake.flows import expr
from intake.flows.files import content_files
from intake.flows.model import Content
from intake.store_files import private_dir, write_atomic

# A file changed this little before the content was read may have changed while it was read (and
# file times can be coarse): such content is not cached, or the cache could keep the old text.
SETTLED_NS = 2_000_000_000
# The models and checks, and this file: an edit there changes what valid content is, or how it is
# kept, even without a new version.
CODE = [*sorted((Path(__file__).resolve().parent / "flows").glob("*.py")), Path(__file__).resolve()]


def load_cached(root: Path, cache_dir: Path) -> Content:
    """The content of `root` from the cache in `cache_dir`, else from the YAML (raising ContentError
    with every problem) and then cached."""
    root = Path(root)
    path = cache_dir / f"{hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:32]}.json"
    cached = _read(path, root)
    if cached is not None:
        return cached
    from intake.flows.loader import load_content  # the YAML parser only when the cache misses

    started = time.time_ns()
    content = load_content(root)
    try:
        if _settled(root, content.flow.sections, started):
            _write(path, root, content)
    except (OSError, IntakeError):
        pass  # a read-only or full disk: the next start reads the YAML again
    return content


def content_key(root: Path, sections: list[str]) -> str:
    """A hash of everything the content read from `root` depends on, for a flow naming `sections`."""
    h = hashlib.sha256(f"intake {__version__}\0".encode())
    for path in CODE:
        _feed(h, path.name, path.read_bytes())
    for path in content_files(root, sections):
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            data = None
        _feed(h, str(path.relative_to(root)) if path.is_relative_to(root) else str(path), data)
    return h.hexdigest()


def _settled(root: Path, sections: list[str], started: int) -> bool:
    """No content file changed since a moment before `started`."""
    for path in content_files(root, sections):
        try:
            if path.stat().st_mtime_ns > started - SETTLED_NS:
                return False
        except FileNotFoundError:
            pass
    return True


def _feed(h: hashlib._Hash, name: str, data: bytes | None) -> None:
    # Lengths first, so that no two different lists of files hash alike.
    h.update(f"{len(name)}:{name}:{'-' if data is None else len(data)}:".encode())
    if data is not None:
        h.update(data)


def _read(path: Path, root: Path) -> Content | None:
    try:
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            if st.st_uid != os.getuid() or st.st_mode & 0o077 or not stat.S_ISREG(st.st_mode):
                return None  # not written by us for us
            header_line, body = f.read().split(b"\n", 1)
        header = json.loads(header_line)
        if hashlib.sha256(body).hexdigest() != header.get("sha256"):
            return None
        if content_key(root, header["sections"]) != header.get("key"):
            return None
        conditions, payload = body.split(b"\n", 1)
        content = Content.model_validate_json(payload)
        trees = {source: _tree(data) for source, data in json.loads(conditions).items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError, ValidationError):
        return None  # missing, damaged or stale: read the YAML
    expr.learn(trees)
    return content


def _write(path: Path, root: Path, content: Content) -> None:
    data = content.model_dump(mode="json")
    conditions = {source: _json(expr.parse(source)) for source in _conditions(data)}
    body = json.dumps(conditions).encode() + b"\n" + json.dumps(data, ensure_ascii=False).encode()
    sections = list(content.flow.sections)
    header = {"key": content_key(root, sections), "sections": sections,
              "sha256": hashlib.sha256(body).hexdigest()}
    private_dir(path.parent)
    write_atomic(path, json.dumps(header).encode() + b"\n" + body, durable=False)


def _conditions(data: Any) -> set[str]:
    """Every condition (`when`) in the content."""
    if isinstance(data, dict):
        found = {data["when"]} if isinstance(data.get("when"), str) else set()
        return found.union(*(_conditions(v) for v in data.values()))
    if isinstance(data, list):
        return set().union(*(_conditions(v) for v in data))
    return set()


def _json(tree: expr.Tree) -> Any:
    if isinstance(tree, expr.Node):
        return {"op": tree.op, "args": [_json(a) for a in tree.args]}
    if isinstance(tree, expr.Ref):
        return {"ref": tree.name, "view": tree.view}
    if isinstance(tree, tuple):
        return {"list": [_json(a) for a in tree]}
    return tree  # a number, a text, true or false


def _tree(data: Any) -> expr.Tree:
    """A condition's tree from its JSON, checked as strictly as it was written (ValueError if not)."""
    if isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, dict) and data.keys() == {"op", "args"} and isinstance(data["op"], str) \
            and isinstance(data["args"], list):
        return expr.Node(data["op"], tuple(_tree(a) for a in data["args"]))
    if isinstance(data, dict) and data.keys() == {"ref", "view"} and isinstance(data["ref"], str) \
            and isinstance(data["view"], (str, type(None))):
        return expr.Ref(data["ref"], data["view"])
    if isinstance(data, dict) and data.keys() == {"list"} and isinstance(data["list"], list):
        return tuple(_tree(a) for a in data["list"])
    raise ValueError("not a condition tree")
