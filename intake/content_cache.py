"""The checked content, kept between starts: reading the YAML takes a second, this a few milliseconds.

One file per content directory in the user's cache folder: a header line (the key, the digest of
the payload) and the content as JSON. The key is a hash of the app's version, of the code that
defines and checks content, and of every content file (names and bytes), so any change rebuilds
it. A cache file is never trusted: a wrong key, digest, owner or permissions, or a payload the
models refuse, and the content is read from the YAML again. Only content that passed every check
is written, so problems are always reported from the YAML, by file and line. A cache that cannot
be read or written never stops the app.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from pathlib import Path

from pydantic import ValidationError

from intake import __version__
from intake.errors import IntakeError
from intake.flows.files import content_files
from intake.flows.model import Content
from intake.store_files import private_dir, write_atomic

FORMAT = 1
# A file changed this little before the content was read may have changed while it was read (and
# file times can be coarse): such content is not cached, or the cache could keep the old text.
SETTLED_NS = 2_000_000_000
# The models and checks: an edit there changes what valid content is, even without a new version.
CODE = Path(__file__).resolve().parent / "flows"


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
    h = hashlib.sha256(f"intake {__version__} cache {FORMAT}\0".encode())
    for path in sorted(CODE.glob("*.py")):
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
            header_line, payload = f.read().split(b"\n", 1)
        header = json.loads(header_line)
        if header.get("format") != FORMAT or hashlib.sha256(payload).hexdigest() != header.get("sha256"):
            return None
        if content_key(root, header["sections"]) != header.get("key"):
            return None
        return Content.model_validate_json(payload)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, ValidationError):
        return None  # missing, damaged or stale: read the YAML


def _write(path: Path, root: Path, content: Content) -> None:
    payload = content.model_dump_json().encode()
    sections = list(content.flow.sections)
    header = {"format": FORMAT, "key": content_key(root, sections), "sections": sections,
              "sha256": hashlib.sha256(payload).hexdigest()}
    private_dir(path.parent)
    write_atomic(path, json.dumps(header).encode() + b"\n" + payload, durable=False)
