"""A problem in a content directory, named by file and line (apart from the loader, so that what
reports it need not import the YAML parser)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    location: str
    message: str

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{self.file}:{self.line}: {where}{self.message}"


class ContentError(Exception):
    """The content directory has problems; `problems` lists every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
