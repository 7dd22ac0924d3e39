"""The client's printable plan, rendered by headless Chromium: A4, nothing runs off the page, and it fits
the pages it should. Skipped, saying why, where Chromium or poppler's pdfinfo is not installed
(`.ci/run` installs both)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from intake.export.document import CSS
from intake.export.readers import render
from tests.test_exports import CONSENTING, TODAY, agreed_session

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFINFO = shutil.which("pdfinfo")
pytestmark = pytest.mark.skipif(CHROMIUM is None or PDFINFO is None,
                                reason="needs Debian's chromium and poppler-utils (apt-get install chromium "
                                       "poppler-utils; .ci/run installs them)")
A4_PX = (794, 1123)  # 210 x 297 mm at 96 px per inch
# Marks, after the page has laid out, every element whose box reaches past the page's width.
OVERFLOW_PROBE = """<script>
window.addEventListener("load", () => {
  const over = [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > innerWidth);
  document.body.setAttribute("data-overflow", String(over.length + (document.documentElement.scrollWidth > innerWidth)));
});
</script>"""


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                           f"--user-data-dir={tmp_path / 'profile'}", *args],
                          capture_output=True, text=True, timeout=120, check=True)


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    """The plan of Asiakas X, and one whose client wrote very long words and many goals."""
    tmp = tmp_path_factory.mktemp("render")
    long_word = "Työhönvalmennusmahdollisuuksienkartoitussuunnitelmaluonnos"
    longer = {**CONSENTING, "contact_person": long_word, "support_and_guidance": long_word * 5}
    out = {}
    for name, answers in (("plan", CONSENTING), ("long", longer)):
        session = agreed_session(tmp / name, answers)
        page = tmp / f"{name}.html"
        page.write_text(render(session.content, session.record, "client", "html", today=TODAY),
                        encoding="utf-8")
        session.close()
        out[name] = page
    return out


def pdf_pages(tmp_path: Path, page: Path) -> tuple[int, str]:
    pdf = tmp_path / f"{page.stem}.pdf"
    chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    info = subprocess.run([PDFINFO, str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1]), re.search(r"^Page size:\s+(.*)$", info, re.M)[1]


@pytest.mark.parametrize("name", ["plan", "long"])
def test_nothing_runs_off_an_a4_page(pages, tmp_path, name):
    probe = tmp_path / f"{name}-probe.html"
    probe.write_text(pages[name].read_text(encoding="utf-8").replace("</body>", OVERFLOW_PROBE + "</body>"),
                     encoding="utf-8")
    dom = chromium(tmp_path, f"--window-size={A4_PX[0]},{A4_PX[1]}", "--virtual-time-budget=5000", "--dump-dom",
                   probe.as_uri()).stdout
    assert 'data-overflow="0"' in dom


def test_the_plan_prints_on_two_a4_pages_at_most(pages, tmp_path):
    count, size = pdf_pages(tmp_path, pages["plan"])
    assert "(A4)" in size
    assert 1 <= count <= 2


def test_the_page_reads_the_same_in_black_and_white():
    colours = set(re.findall(r"#[0-9a-fA-F]{3,6}\b", CSS))
    assert colours <= {"#000", "#fff"}, colours  # no meaning carried by colour
