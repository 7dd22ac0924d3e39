"""The files of a content directory: their names, and the list of those one directory is made of."""

from __future__ import annotations

from pathlib import Path

FLOW_FILE = "flow.yaml"
SCALES_FILE = "scales.yaml"
TEXTS_FILE = "texts.yaml"
RULES_FILE = "rules.yaml"
SCORING_FILE = "scoring.yaml"
SUGGESTIONS_FILE = "suggestions.yaml"
MATCHING_FILE = "matching.yaml"
MUNICIPALITIES_FILE = "municipalities.yaml"
PLACEMENTS_DIR = "placements"
EMPLOYERS_DIR = "employers"   # jobs at employers on the open labour market (supported employment)
REVIEWS_FILE = "reviews.yaml"
REVIEWS_DIR = "reviews"  # the reviews' own section files (a review may also name the intake's)
FIDELITY_FILE = "fidelity.yaml"  # the IPS quality criteria: read by `intake fidelity` only, not part of Content

NAMED_FILES = (FLOW_FILE, SCALES_FILE, TEXTS_FILE, RULES_FILE, SCORING_FILE, SUGGESTIONS_FILE, MATCHING_FILE,
               MUNICIPALITIES_FILE, REVIEWS_FILE)


def content_files(root: Path, sections: list[str]) -> list[Path]:
    """Every file the loader reads for a directory whose flow names `sections`: what the content is
    made of (a file may be missing)."""
    placements = sorted((root / PLACEMENTS_DIR).glob("*.yaml"))
    employers = sorted((root / EMPLOYERS_DIR).glob("*.yaml"))
    reviews = sorted((root / REVIEWS_DIR).glob("*.yaml"))
    return [root / name for name in NAMED_FILES] + [root / name for name in sections] + placements + employers + reviews
