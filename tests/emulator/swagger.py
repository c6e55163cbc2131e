"""Clever's Swagger 2.0 files as JSON Schema, for validating emulator responses.

Swagger's `x-nullable` becomes an explicit `null` alternative; a `$ref` with siblings becomes an `allOf`
(Draft 4 ignores siblings of `$ref`). Record definitions are made closed (`additionalProperties: false`)
so a field leaking into a version that lacks it (a v3.1 field on v3.0) fails; envelopes stay open because
the wire adds what Swagger does not model (per-item `uri`, single-record `links`).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
OPEN_DEFINITIONS = ("Response", "Object", "Event", "Link")


def spec_dir() -> Path:
    """ROLLCALL_CLEVER_SPEC_DIR, else `<repo>/../shared/clever-spec` (a checkout beside `shared/`), else
    `<repo>/../../shared/clever-spec` (a worktree one level further down)."""
    if configured := os.environ.get("ROLLCALL_CLEVER_SPEC_DIR"):
        return Path(configured)
    beside = REPO.parent / "shared" / "clever-spec"
    return beside if beside.is_dir() else REPO.parent.parent / "shared" / "clever-spec"


def require_spec(name: str) -> Path:
    path = spec_dir() / name
    if not path.is_file():
        pytest.skip(
            f"Clever's Swagger file {path} is absent (set ROLLCALL_CLEVER_SPEC_DIR to the clever-spec folder)"
        )
    return path


@cache
def load_spec(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(require_spec(name).read_text(encoding="utf-8"))
    return loaded


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _convert(value) for key, value in node.items() if not key.startswith("x-")}
    converted.pop("discriminator", None)
    if converted.get("format") in ("datetime", "date-time", "date"):
        converted.pop("format")  # the wire sends dates where Swagger says datetime (clever-api.md §0)
    if "$ref" in converted and len(converted) > 1:
        ref = converted.pop("$ref")
        converted = {"allOf": [{"$ref": ref}, converted]} if converted else {"$ref": ref}
    if node.get("x-nullable"):
        converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


def _close(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    if "properties" in schema and not any(marker in name for marker in OPEN_DEFINITIONS) and "." not in name:
        return {**schema, "additionalProperties": False}
    return schema


@cache
def definitions(name: str) -> dict[str, Any]:
    spec = load_spec(name)
    return {key: _close(key, _convert(value)) for key, value in spec["definitions"].items()}


def validator(spec_name: str, definition: str) -> jsonschema.Draft4Validator:
    schema = {"definitions": definitions(spec_name), "$ref": f"#/definitions/{definition}"}
    return jsonschema.Draft4Validator(schema)


def response_definition(spec_name: str, path: str) -> str:
    """The definition name of a path's 200 response."""
    ref: str = load_spec(spec_name)["paths"][path]["get"]["responses"]["200"]["schema"]["$ref"]
    return ref.rsplit("/", 1)[1]


def data_paths(spec_name: str) -> list[str]:
    return sorted(load_spec(spec_name)["paths"])


def assert_valid(spec_name: str, definition: str, body: Any, where: str) -> None:
    errors = sorted(validator(spec_name, definition).iter_errors(body), key=str)
    if errors:
        details = "\n".join(f"  at {list(e.absolute_path)}: {e.message}" for e in errors[:5])
        raise AssertionError(f"{where} does not match {spec_name}#{definition}:\n{details}")
