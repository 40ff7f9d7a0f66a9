"""The JSON Schema of the answers file, generated from the question bank.

One source of truth: the bank. `prdkit schema` prints this, the loader validates with it,
and docs/answers.md is generated from the same bank.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any

from . import __version__
from .bank import Bank, Question

SCHEMA_VERSION = 1
# The bound of a number the bank leaves unbounded: far above any real figure, and low enough
# that sums and products of answers stay finite (no "inf" or "nan" in a cost table).
NUMBER_LIMIT = 10**15


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
        # the pattern for readers of the JSON Schema; the validator also checks the date exists
        s = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format": "date"}
    elif t == "choice":
        s = {"type": "string", "enum": q.choice_values()}
    elif t == "bool":
        s = {"type": "boolean"}
    elif t in ("int", "float"):
        s = {"type": "integer" if t == "int" else "number",
             "minimum": q.min if q.min is not None else -NUMBER_LIMIT,
             "maximum": q.max if q.max is not None else NUMBER_LIMIT}
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
            "assumed": {
                "description": "Answers taken from the preset or the defaults without being asked (listed in the PRD as open assumptions).",
                "type": "array",
                "items": {"type": "string", "enum": [q.path for q in bank.questions()]},
                "uniqueItems": True,
            },
        },
        "required": ["schema_version", "lang", "answers"],
        "additionalProperties": False,
    }


# --------------------------------------------------------------------------- fast conformance

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def is_date(value: Any) -> bool:
    """A real calendar date written YYYY-MM-DD (2026-02-30 and 0000-00-00 are not)."""
    if not isinstance(value, str) or not _DATE.match(value):
        return False
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_number(value: Any) -> bool:
    """A JSON number: an int or a finite float, never a bool, NaN or infinity."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


_VALIDATOR_CLASS: Any = None


def validator_class() -> Any:
    """Draft 2020-12 with the two rules JSON cannot break but YAML and Python can: numbers are
    finite (no NaN, no infinity), and a `date` is a date that exists."""
    global _VALIDATOR_CLASS
    if _VALIDATOR_CLASS is None:
        import jsonschema

        base = jsonschema.Draft202012Validator
        checker = base.TYPE_CHECKER.redefine_many({
            "number": lambda _checker, value: is_number(value),
            "integer": lambda _checker, value: is_number(value) and (isinstance(value, int) or float(value).is_integer()),
        })
        formats = jsonschema.FormatChecker(formats=())
        formats.checks("date")(is_date)
        cls = jsonschema.validators.extend(base, type_checker=checker)
        _VALIDATOR_CLASS = lambda schema: cls(schema, format_checker=formats)  # noqa: E731
    return _VALIDATOR_CLASS


def _value_conforms(q: Question, value: Any) -> bool:
    """The same rules as question_schema(), as plain Python."""
    if value is None:
        return True
    t = q.type
    if t in ("text", "multiline"):
        return (isinstance(value, str) and (q.max_length is None or len(value) <= q.max_length)
                and (not q.pattern or re.search(q.pattern, value) is not None))
    if t == "date":
        return is_date(value)
    if t == "choice":
        return isinstance(value, str) and value in q.choice_values()
    if t == "bool":
        return isinstance(value, bool)
    if t in ("int", "float"):
        # 2.0 is an integer to JSON Schema; such edge cases are left to the full validator
        if not is_number(value) or (t == "int" and not isinstance(value, int)):
            return False
        low = q.min if q.min is not None else -NUMBER_LIMIT
        high = q.max if q.max is not None else NUMBER_LIMIT
        return low <= value <= high
    if t == "multichoice":
        allowed = q.choice_values()
        return (isinstance(value, list) and all(isinstance(v, str) and v in allowed for v in value)
                and len(set(value)) == len(value))
    if t == "list":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if t == "records":
        if not isinstance(value, list):
            return False
        fields = {f.id: f for f in q.fields}
        required = [f.id for f in q.fields if f.required]
        for row in value:
            if not isinstance(row, dict) or any(k not in fields for k in row) or any(k not in row for k in required):
                return False
            if not all(_value_conforms(fields[k], v) for k, v in row.items()):
                return False
        return True
    return False


def conforms(data: Any, bank: Bank) -> bool:
    """True when `data` is certainly valid against answers_schema(bank).

    Rendering validates every answers file; importing and building jsonschema's validator
    costs more than the rest of loading (60 ms). This check follows the same rules in plain
    Python for the common case, a valid file. It only ever says yes when the schema would:
    on False the caller runs jsonschema, which has the last word and explains each problem
    (tests/test_schema_fast.py holds the two to agreement)."""
    if not isinstance(data, dict) or any(k not in _TOP_KEYS for k in data):
        return False
    version, lang = data.get("schema_version"), data.get("lang")
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= SCHEMA_VERSION:
        return False
    if lang not in ("zh", "en") or not isinstance(data.get("answers"), dict):
        return False
    if "prdkit_version" in data and not isinstance(data["prdkit_version"], str):
        return False
    if "preset" in data and not (data["preset"] is None or isinstance(data["preset"], str)):
        return False
    sections = {s.id: s for s in bank.sections}
    for section_id, answers in data["answers"].items():
        section = sections.get(section_id)
        if section is None or not isinstance(answers, dict):
            return False
        questions = {q.id: q for q in section.questions}
        for qid, value in answers.items():
            q = questions.get(qid)
            if q is None or not _value_conforms(q, value):
                return False
    if "revisions" in data:
        rows = data["revisions"]
        if not isinstance(rows, list):
            return False
        for row in rows:
            if (not isinstance(row, dict) or any(k not in _REVISION_KEYS for k in row)
                    or any(k not in row for k in ("version", "date", "summary"))
                    or not all(isinstance(v, str) for v in row.values())):
                return False
    if "assumed" in data:
        assumed = data["assumed"]
        if (not isinstance(assumed, list) or not all(isinstance(p, str) and bank.has(p) for p in assumed)
                or len(set(assumed)) != len(assumed)):
            return False
    return True


_TOP_KEYS = ("schema_version", "prdkit_version", "lang", "preset", "answers", "revisions", "assumed")
_REVISION_KEYS = ("version", "date", "author", "summary")
