"""The JSON Schema of an exported `Brief`, generated from the record types so it never drifts.

    python -m storyline.consolidate.schema > docs/brief-schema.json

Descriptions come from the records' docstrings and the string literal under each field.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import json
import sys
import types
import typing
from datetime import date, datetime
from typing import Any

from storyline import models
from storyline.models import Brief

SCHEMA_ID = "https://storyline.invalid/schemas/brief-{version}.json"


def _field_docs(cls: type) -> dict[str, str]:
    """The string literal written under each field of a dataclass (attribute docstrings)."""
    try:
        tree = ast.parse(inspect.getsource(cls))
    except (OSError, TypeError):
        return {}
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    docs = {}
    for prev, node in zip(body, body[1:], strict=False):
        if (
            isinstance(prev, ast.AnnAssign)
            and isinstance(prev.target, ast.Name)
            and isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            docs[prev.target.id] = " ".join(node.value.value.split())
    return docs


def _type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [_type_schema(a, defs) for a in typing.get_args(tp)]
        return {"anyOf": options}
    if tp is type(None):
        return {"type": "null"}
    if origin is list:
        (item,) = typing.get_args(tp) or (Any,)
        return {"type": "array", "items": _type_schema(item, defs)}
    if origin is tuple:
        args = typing.get_args(tp)
        return {"type": "array", "prefixItems": [_type_schema(a, defs) for a in args], "minItems": len(args), "maxItems": len(args)}
    if origin is dict or tp is dict:
        return {"type": "object"}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        _define(tp, defs)
        return {"$ref": f"#/$defs/{tp.__name__}"}
    if tp is datetime:
        return {"type": "string", "format": "date-time"}
    if tp is date:
        return {"type": "string", "format": "date"}
    if tp is str:
        return {"type": "string"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    return {}


def _define(cls: type, defs: dict[str, Any]) -> None:
    if cls.__name__ in defs:
        return
    defs[cls.__name__] = {}  # placeholder: records may refer to each other
    hints = typing.get_type_hints(cls)
    docs = _field_docs(cls)
    properties = {}
    for f in dataclasses.fields(cls):
        prop = _type_schema(hints[f.name], defs)
        if f.name in docs:
            prop = {**prop, "description": docs[f.name]}
        properties[f.name] = prop
    defs[cls.__name__] = {
        "type": "object",
        "description": " ".join((cls.__doc__ or "").split()),
        "properties": properties,
        "required": [f.name for f in dataclasses.fields(cls)],
    }


def brief_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of ``Brief.as_dict()`` for the current ``Brief.schema_version``."""
    version = Brief.__dataclass_fields__["schema_version"].default
    defs: dict[str, Any] = {}
    _define(Brief, defs)
    root = defs.pop("Brief")
    root["properties"]["schema_version"] = {**root["properties"]["schema_version"], "const": version}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID.format(version=version),
        "title": f"Storyline brief, schema version {version}",
        **root,
        "description": (
            "The consolidated, source-attributed account of one story, as written by "
            "`storyline export --format json`. Every Span object is (article_id, start, end, text) "
            "with text == the stored article's text[start:end]. Fields may be added without a new "
            "version (consumers ignore unknown fields); any other change bumps schema_version. " + root["description"]
        ),
        "$defs": dict(sorted(defs.items())),
    }


def main() -> None:
    json.dump(brief_json_schema(), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


assert models  # the records are documented from this module's source

if __name__ == "__main__":
    main()
