"""A document for a person to read (the client's plan, the placement's or the employer's brief), already
in words in the session's language, and its renderings as Markdown and as a printable HTML page.

Readers decide what goes in; this module only lays it out, so every format carries the same content.
"""

from __future__ import annotations

import html
import re
from typing import Literal

from intake.flows.base import Record
from intake.flows.text import Language

DOCUMENT_FORMAT_VERSION = 1


class Entry(Record):
    """One item of a section: a title (a goal, a placement) and lines under it."""

    title: str
    lines: list[str] = []


class DocSection(Record):
    heading: str
    paragraphs: list[str] = []
    entries: list[Entry] = []


class TableSection(DocSection):
    """A section with a table under its paragraphs (the distance travelled): a heading for each column,
    and rows of cells, the first naming the row."""

    columns: list[str]
    rows: list[list[str]]


class Document(Record):
    format: Literal["intake-client-plan", "intake-placement-brief", "intake-employer-brief"]
    format_version: Literal[1] = DOCUMENT_FORMAT_VERSION
    language: Language
    title: str
    intro: str
    sections: list[TableSection | DocSection]


# --- Markdown --------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
_MD_LIST_START = re.compile(r"^(\d+[.)]|[-+])(?=\s)")  # "1. " or "- " would start a list


def _md(text: str) -> str:
    """Answers are the client's own words: shown as written, never read as Markdown or HTML (which Markdown
    viewers would run). Dates and prices stay readable: only what starts markup is escaped."""
    escaped = _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return _MD_LIST_START.sub(lambda m: m[0][:-1] + "\\" + m[0][-1], escaped)


def to_markdown(doc: Document) -> str:
    out = [f"# {_md(doc.title)}", "", _md(doc.intro), ""]
    for section in doc.sections:
        out += [f"## {_md(section.heading)}", ""]
        for paragraph in section.paragraphs:
            out += [_md(paragraph), ""]
        for entry in section.entries:
            out.append(f"- **{_md(entry.title)}**")
            out += [f"  {_md(line)}  " for line in entry.lines]
        if section.entries:
            out.append("")
        if isinstance(section, TableSection):
            out += _md_table(section) + [""]
    return "\n".join(out).rstrip() + "\n"


def _md_table(table: TableSection) -> list[str]:
    def row(cells: list[str]) -> str:
        return "| " + " | ".join(_md(c) for c in cells) + " |"
    return [row(table.columns), "|" + "---|" * len(table.columns), *(row(r) for r in table.rows)]


# --- HTML --------------------------------------------------------------------------------------------

# A4, black on white, no colour needed to read it: printed in black and white it reads the same.
# Long words (addresses, e-mail addresses, the client's own words) wrap instead of running off the page.
CSS = """
@page { size: A4; margin: 18mm 16mm; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 12pt; line-height: 1.45;
       color: #000; background: #fff; }
body { margin: 0 auto; max-width: 178mm; padding: 8mm 0; overflow-wrap: anywhere; }
h1 { font-size: 20pt; margin: 0 0 4mm; border-bottom: 2pt solid #000; padding-bottom: 2mm; }
h2 { font-size: 14pt; margin: 7mm 0 2mm; break-after: avoid; page-break-after: avoid; }
p { margin: 0 0 2.5mm; }
ul { margin: 0 0 2mm; padding-left: 6mm; }
li { margin: 0 0 2.5mm; break-inside: avoid; page-break-inside: avoid; }
li strong { display: block; }
.intro { font-size: 13pt; }
@media print { body { padding: 0; max-width: none; } }
"""
TABLE_CSS = """table { border-collapse: collapse; margin: 0 0 3mm; break-inside: avoid; page-break-inside: avoid; }
th, td { border: 0.5pt solid #000; padding: 1mm 2mm; text-align: left; vertical-align: top; }
td { text-align: center; white-space: nowrap; }
"""


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _html_table(table: TableSection) -> str:
    head = "".join(f'<th scope="col">{_h(c)}</th>' for c in table.columns)
    rows = "".join(f'<tr><th scope="row">{_h(r[0])}</th>' + "".join(f"<td>{_h(c)}</td>" for c in r[1:]) + "</tr>"
                   for r in table.rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>{rows}</tbody>\n</table>"


def to_html(doc: Document) -> str:
    body = [f"<h1>{_h(doc.title)}</h1>", f'<p class="intro">{_h(doc.intro)}</p>']
    for section in doc.sections:
        body.append(f"<section>\n<h2>{_h(section.heading)}</h2>")
        body += [f"<p>{_h(p)}</p>" for p in section.paragraphs]
        if section.entries:
            body.append("<ul>")
            for entry in section.entries:
                lines = "".join(f"<br>{_h(line)}" for line in entry.lines)
                body.append(f"<li><strong>{_h(entry.title)}</strong>{lines.removeprefix('<br>')}</li>")
            body.append("</ul>")
        if isinstance(section, TableSection):
            body.append(_html_table(section))
        body.append("</section>")
    table_css = TABLE_CSS if any(isinstance(s, TableSection) for s in doc.sections) else ""
    return (f'<!DOCTYPE html>\n<html lang="{doc.language}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_h(doc.title)}</title>\n<style>{CSS}{table_css}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")
