"""The committed JSON Schemas, generated from the models.

    python -m intake.schemas          rewrite schemas/*.json
A test fails when a committed schema differs from what the models say now.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel, TypeAdapter

from intake.export.plan_json import PlanExport
from intake.flows.fidelity_scale import FidelityFile
from intake.flows.model import CatalogFile, FlowFile, ReviewsFile, ScalesFile, SectionFile
from intake.flows.placements import EmployersFile, MatchingFile, MunicipalitiesFile, PlacementsFile
from intake.flows.rules import RulesFile
from intake.flows.scoring import ScoringFile, SuggestionsFile

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
REGENERATE = "python -m intake.schemas"

_CONTENT_FILES: dict[str, type[BaseModel]] = {
    "flow": FlowFile, "section": SectionFile, "scales": ScalesFile, "texts": CatalogFile,
    "rules": RulesFile, "placements": PlacementsFile, "employers": EmployersFile, "scoring": ScoringFile,
    "suggestions": SuggestionsFile, "matching": MatchingFile, "municipalities": MunicipalitiesFile,
    "reviews": ReviewsFile, "fidelity": FidelityFile,
}


def content_schema() -> dict:
    """One schema per content file kind, under `$defs`, and `anyOf` them all."""
    schemas = {name: TypeAdapter(model).json_schema(ref_template="#/$defs/{model}") for name, model in _CONTENT_FILES.items()}
    defs: dict = {}
    for name, schema in schemas.items():
        defs.update(schema.pop("$defs", {}))
        defs[f"{name}_file"] = schema
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "intake content file",
        "anyOf": [{"$ref": f"#/$defs/{name}_file"} for name in schemas],
        "$defs": dict(sorted(defs.items())),
    }


def export_schema() -> dict:
    schema = PlanExport.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def rendered() -> dict[str, str]:
    return {
        "content.schema.json": json.dumps(content_schema(), indent=2, ensure_ascii=False) + "\n",
        "export.schema.json": json.dumps(export_schema(), indent=2, ensure_ascii=False) + "\n",
    }


def main() -> int:
    SCHEMA_DIR.mkdir(exist_ok=True)
    for name, text in rendered().items():
        (SCHEMA_DIR / name).write_text(text, encoding="utf-8")
        print(f"wrote {SCHEMA_DIR / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
