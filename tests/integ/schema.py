"""Validates API responses against the entity schemas of the Mastodon
OpenAPI description kept in ../shared/reference (OpenAPI 3.1, JSON Schema
2020-12), with python3-jsonschema."""
import json
import os

import jsonschema

_SPEC_PATHS = [
    os.path.join(os.environ.get("HEARTH_SHARED", "/nonexistent"), "reference",
                 "mastodon-openapi.json"),
    os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "reference",
                 "mastodon-openapi.json"),
    "/work/shared/reference/mastodon-openapi.json",
]
_spec = None


def _load():
    global _spec
    if _spec is None:
        for p in _SPEC_PATHS:
            if os.path.exists(p):
                with open(p, encoding="utf-8") as f:
                    _spec = json.load(f)
                break
        else:
            raise FileNotFoundError("mastodon-openapi.json not found beside the repository")
    return _spec


FAILURES = []


def validate(entity, value):
    """Raises jsonschema.ValidationError unless value is a valid `entity`."""
    spec = _load()
    schema = {"$ref": f"#/components/schemas/{entity}", "components": spec["components"]}
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(value), key=lambda e: list(e.path))
    if errors:
        lines = [f"{list(e.path)}: {e.message}" for e in errors[:20]]
        raise AssertionError(f"{entity} invalid:\n" + "\n".join(lines))
