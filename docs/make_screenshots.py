"""Regenerate the README's screenshot of the distance-travelled chart.

    PYTHONPATH=$PWD .venv/bin/python docs/make_screenshots.py

Builds a fictional client's session (an agreed plan, an interim review and an end review; see
tests/reviewed.py) in a temporary store, opens the chart in the app at 120×36 and saves it as
docs/distance-travelled.svg, converted to docs/distance-travelled.png when rsvg-convert is installed
(Debian: apt-get install librsvg2-bin). Nothing is written to the user's own store.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))  # the repository's intake and tests, whatever the current folder

from intake.screens.app import IntakeApp  # noqa: E402
from intake.screens.distance_chart import DistanceChart, DistanceScreen  # noqa: E402
from intake.store import Store  # noqa: E402
from tests.reviewed import reviewed_session  # noqa: E402
from tests.test_content import CONTENT  # noqa: E402

SIZE = (120, 36)
NAME = "distance-travelled"


async def distance_screenshot(store: Store, folder: Path) -> Path:
    session = reviewed_session(store, client_label="Demo-1")
    app = IntakeApp(store=store, content=CONTENT, export_dir=folder / "exports")
    try:
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(DistanceScreen(app.texts, session))
            while not (isinstance(app.screen, DistanceScreen) and app.screen.query(DistanceChart)):
                await pilot.pause()
            await pilot.pause()
            return Path(app.save_screenshot(f"{NAME}.svg", str(folder)))
    finally:
        session.close()


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="intake-screenshots-") as tmp:
        svg = asyncio.run(distance_screenshot(Store(Path(tmp) / "store"), Path(tmp)))
        converter = shutil.which("rsvg-convert")
        if converter is None:
            shutil.copy(svg, DOCS / svg.name)
            print(f"wrote {DOCS / svg.name}; install rsvg-convert (librsvg2-bin) for the PNG the README shows")
            return 1
        subprocess.run([converter, str(svg), "-o", str(DOCS / f"{NAME}.png")], check=True)
    print(f"wrote {DOCS / f'{NAME}.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
