"""The checked content is kept between starts, and never trusted: any change to the content, the
app or the cache file itself makes it read from the YAML again."""

from __future__ import annotations

import json
import os
import shutil
import stat
import time
from pathlib import Path

import pytest

import intake.content_cache
import intake.flows.loader
from intake.cli import main
from intake.content_cache import load_cached
from intake.flows.loader import ContentError, load_content
from tests.conftest import CONTENT_DIR


def settled(root: Path) -> Path:
    """Date every file back an hour, as content edited earlier is (fresh edits are not cached)."""
    past = time.time() - 3600
    for path in root.rglob("*"):
        os.utime(path, (past, past))
    return root


@pytest.fixture
def root(content_copy: Path) -> Path:
    return settled(content_copy)


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "content"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The content directories read from the YAML, in order."""
    seen: list[Path] = []

    def counting(root: Path):
        seen.append(Path(root))
        return load_content(root)

    monkeypatch.setattr(intake.flows.loader, "load_content", counting)
    return seen


def cache_file(cache: Path) -> Path:
    (found,) = cache.iterdir()
    return found


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"test setup: {old!r} must occur once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_second_load_comes_from_the_cache(root, cache, parses):
    first = load_cached(root, cache)
    assert load_cached(root, cache) == first == load_content(root)
    assert parses == [root]


def test_the_cache_is_private(root, cache):
    load_cached(root, cache)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert stat.S_IMODE(cache_file(cache).stat().st_mode) == 0o600


@pytest.mark.parametrize("change", ["section", "flow", "new placement file", "removed optional file"])
def test_any_change_to_the_content_is_read_again(root, cache, parses, change):
    load_cached(root, cache)
    if change == "section":
        edit(root / "sections" / "background.yaml", "      max_length: 2000\n", "      max_length: 1999\n")
    elif change == "flow":
        edit(root / "flow.yaml", "  version: ", "  version: 1")
    elif change == "new placement file":
        espoo = (root / "placements" / "espoo.yaml").read_text(encoding="utf-8")
        (root / "placements" / "zz.yaml").write_text(espoo.replace("id: ", "id: zz_"), encoding="utf-8")
    else:
        (root / "suggestions.yaml").unlink(missing_ok=True)
        (root / "matching.yaml").unlink()
    settled(root)
    content = load_cached(root, cache)
    assert parses == [root, root]
    assert content == load_content(root)
    assert load_cached(root, cache) == content and len(parses) == 2  # and cached again


def test_a_new_app_version_reads_the_content_again(root, cache, parses, monkeypatch):
    load_cached(root, cache)
    monkeypatch.setattr(intake.content_cache, "__version__", "99.0")
    load_cached(root, cache)
    assert parses == [root, root]


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "payload changed", "header changed"])
def test_a_damaged_cache_file_is_rebuilt_not_trusted(root, cache, parses, damage):
    expected = load_cached(root, cache)
    path = cache_file(cache)
    data = path.read_bytes()
    header, payload = data.split(b"\n", 1)
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(os.urandom(2000))
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "payload changed":
        path.write_bytes(header + b"\n" + payload.replace(b'"intake"', b'"other"', 1))
    else:
        fields = json.loads(header)
        fields["key"] = "0" * 64
        path.write_bytes(json.dumps(fields).encode() + b"\n" + payload)
    assert load_cached(root, cache) == expected
    assert parses == [root, root]
    assert load_cached(root, cache) == expected and len(parses) == 2  # rewritten whole


@pytest.mark.parametrize("old, new", [(b'"version":', b'"version_typo":'), (b'{"ref":', b'{"rev":')])
def test_content_or_a_condition_that_does_not_check_is_not_trusted_even_with_a_matching_digest(
        root, cache, parses, old, new):
    import hashlib

    expected = load_cached(root, cache)
    path = cache_file(cache)
    header, payload = path.read_bytes().split(b"\n", 1)
    assert old in payload
    bad = payload.replace(old, new, 1)
    fields = json.loads(header)
    fields["sha256"] = hashlib.sha256(bad).hexdigest()
    path.write_bytes(json.dumps(fields).encode() + b"\n" + bad)
    assert load_cached(root, cache) == expected
    assert parses == [root, root]


def test_a_cache_file_of_another_content_directory_is_not_trusted(root, cache, parses, tmp_path):
    other = settled(Path(shutil.copytree(root, tmp_path / "other")))
    edit(other / "flow.yaml", "  version: ", "  version: 1")
    settled(other)
    load_cached(other, cache)
    shutil.copy(cache_file(cache), cache / "swap")
    expected = load_cached(root, cache)
    theirs = next(p for p in cache.iterdir() if p.name not in ("swap",) and p.read_bytes() != (cache / "swap").read_bytes())
    (cache / "swap").replace(theirs)  # our directory's cache file now holds the other directory's content
    assert load_cached(root, cache) == expected
    assert parses == [other, root, root]


def test_a_cache_file_others_can_write_is_not_trusted(root, cache, parses):
    load_cached(root, cache)
    os.chmod(cache_file(cache), 0o666)
    load_cached(root, cache)
    assert parses == [root, root]
    assert stat.S_IMODE(cache_file(cache).stat().st_mode) == 0o600


def test_a_cache_that_cannot_be_written_never_stops_the_app(root, tmp_path, parses):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    cache = blocker / "content"
    assert load_cached(root, cache) == load_content(root)
    assert load_cached(root, cache) == load_content(root)
    assert parses == [root, root]


def test_content_edited_while_it_is_read_is_not_cached(root, cache, monkeypatch):
    section = root / "sections" / "background.yaml"

    def edited_meanwhile(directory: Path):
        content = load_content(directory)
        edit(section, "      max_length: 2000\n", "      max_length: 1999\n")  # saved by an editor just then
        return content

    monkeypatch.setattr(intake.flows.loader, "load_content", edited_meanwhile)
    load_cached(root, cache)
    assert not cache.exists() or not any(cache.iterdir())
    monkeypatch.undo()
    assert load_cached(root, cache) == load_content(root)  # the edit is seen


def test_invalid_content_is_never_cached_and_is_reported_by_file_and_line(root, cache):
    load_cached(root, cache)
    edit(root / "sections" / "background.yaml", "      max_length: 2000\n", "      max_lenght: 2000\n")
    settled(root)
    with pytest.raises(ContentError) as info:
        load_cached(root, cache)
    assert [p.file for p in info.value.problems] == ["sections/background.yaml"]
    assert info.value.problems[0].line > 1
    with pytest.raises(ContentError):
        load_cached(root, cache)  # and again: the broken content was not cached


def test_check_content_with_a_warm_cache_still_finds_a_new_mistake(root, capsys):
    assert main(["check-content", str(root)]) == 0
    assert main(["check-content", str(root)]) == 0
    edit(root / "sections" / "background.yaml", "      max_length: 2000\n", "      max_lenght: 2000\n")
    settled(root)
    assert main(["check-content", str(root)]) == 2
    err = capsys.readouterr().err
    assert "sections/background.yaml:" in err and "max_lenght: unknown key" in err


def test_the_default_cache_is_in_the_users_cache_folder(capsys):
    assert main(["check-content", str(CONTENT_DIR)]) == 0
    folder = Path(os.environ["XDG_CACHE_HOME"]) / "intake" / "content"
    assert len(list(folder.iterdir())) == 1


def test_the_conditions_come_from_the_cache_as_the_parser_reads_them(root, cache, monkeypatch):
    from intake.flows import expr

    load_cached(root, cache)
    monkeypatch.setattr(expr, "_KNOWN", {})
    content = load_cached(root, cache)
    sources = {q.when for s in content.sections for q in s.questions if q.when}
    assert sources and sources <= set(expr._KNOWN)
    assert all(expr._KNOWN[source] == expr._parse(source) for source in expr._KNOWN)
