"""The JSON Schema of the answers file, generated from the question bank.

One source of truth: the bank. `prdkit schema` prints this, the loader validates with it,
and docs/answers.md is generated from the same bank.
"""

from __future__ import annotations

from typing import Any

from . import __version__
from .bank import Bank, Question

SCHEMA_VERSION = 1


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    # Every question may be left unanswered (null); "required" is a finding of `prdkit check`.
    return {"anyOf": [schema, {"type": "null"}]}


def question_schema(q: Question, nested: bool = False) -> dict[str, Any]:
    t = q.type
    if t in ("text", "multiline"):
        s: dict[str, Any] = {"type": "string"}
        if q.max_length:
            s["maxLength"] = q.max_length
        if q.pattern:
            s["pattern"] = q.pattern
    elif t == "date":
        s = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"}
    elif t == "choice":
        s = {"type": "string", "enum": q.choice_values()}
    elif t == "bool":
        s = {"type": "boolean"}
    elif t in ("int", "float"):
        s = {"type": "integer" if t == "int" else "number"}
        if q.min is not None:
            s["minimum"] = q.min
        if q.max is not None:
            s["maximum"] = q.max
    elif t == "multichoice":
        s = {"type": "array", "items": {"type": "string", "enum": q.choice_values()}, "uniqueItems": True}
    elif t == "list":
        s = {"type": "array", "items": {"type": "string"}}
    elif t == "records":
        s = {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {f.id: question_schema(f, nested=True) for f in q.fields},
                "required": [f.id for f in q.fields if f.required],
                "additionalProperties": False,
            },
        }
    else:  # pragma: no cover - the bank loader rejects unknown types
        raise ValueError(t)
    s["title"] = q.label["en"]
    s["description"] = q.prompt["en"]
    return _nullable(s)


REVISION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "version": {"type": "string"},
        "date": {"type": "string"},
        "author": {"type": "string"},
        "summary": {"type": "string"},
    },
    "required": ["version", "date", "summary"],
    "additionalProperties": False,
}


def answers_schema(bank: Bank) -> dict[str, Any]:
    sections = {
        s.id: {
            "type": "object",
            "title": s.title["en"],
            "properties": {q.id: question_schema(q) for q in s.questions},
            "additionalProperties": False,
        }
        for s in bank.sections
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://prdkit.dev/schema/answers-v1.json",
        "title": "prdkit answers file",
        "description": f"Answers saved by prdkit {__version__}; every question id is documented in docs/answers.md.",
        "type": "object",
        "properties": {
            "schema_version": {"type": "integer", "minimum": 1, "maximum": SCHEMA_VERSION},
            "prdkit_version": {"type": "string"},
            "lang": {"type": "string", "enum": ["zh", "en"]},
            "preset": {"type": ["string", "null"]},
            "answers": {"type": "object", "properties": sections, "additionalProperties": False},
            "revisions": {"type": "array", "items": REVISION_SCHEMA},
        },
        "required": ["schema_version", "lang", "answers"],
        "additionalProperties": False,
    }
