"""The committed JSON Schemas match the models, and the content validates against them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from intake import schemas

CONTENT = Path(__file__).resolve().parent.parent / "content"


@pytest.mark.parametrize("name", sorted(schemas.rendered()))
def test_committed_schema_is_current(name):
    committed = (schemas.SCHEMA_DIR / name).read_text(encoding="utf-8")
    assert committed == schemas.rendered()[name], (
        f"schemas/{name} is out of date with the models; run: {schemas.REGENERATE}")


@pytest.mark.parametrize("path", sorted(CONTENT.rglob("*.yaml")), ids=lambda p: str(p.relative_to(CONTENT)))
def test_every_content_file_validates_against_the_schema(path):
    schema = json.loads((schemas.SCHEMA_DIR / "content.schema.json").read_text())
    data = json.loads(json.dumps(YAML(typ="safe").load(path.read_text(encoding="utf-8")), default=str))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]
    assert errors == []


def test_schema_rejects_unknown_key():
    schema = json.loads((schemas.SCHEMA_DIR / "content.schema.json").read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"flow": {"id": "x", "version": 1, "title": {"fi": "a", "sv": "b", "en": "c"},
                                      "sections": ["a.yaml"], "colour": "red"}}, schema)
