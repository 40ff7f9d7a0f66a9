"""The answers file: load it safely, validate it against the bank, save it.

Loading never executes anything: safeyaml reads YAML 1.2 (no aliases, no tags, limits on size,
depth and entries, strict UTF-8, no NaN). Every problem is reported at once, each naming the
key path and the line, in one UserError that the CLI turns into exit code 2.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .bank import Bank, load_bank
from .errors import UserError
from .safeyaml import MAX_BYTES, Located, dump_yaml, format_path as _format_path, read_yaml  # noqa: F401
from .schema import SCHEMA_VERSION, answers_schema, conforms, validator_class


@dataclass
class AnswersFile:
    lang: str
    answers: dict[str, dict[str, Any]]
    preset: str | None = None
    revisions: list[dict[str, str]] = field(default_factory=list)
    assumed: list[str] = field(default_factory=list)  # "section.question" taken without asking
    schema_version: int = SCHEMA_VERSION
    prdkit_version: str = __version__
    path: Path | None = None

    def get(self, ref: str, default: Any = None) -> Any:
        section, _, qid = ref.partition(".")
        value = self.answers.get(section, {}).get(qid)
        return default if value is None else value

    def to_data(self, bank: Bank | None = None) -> dict[str, Any]:
        """A plain mapping in the bank's order, so saved files diff cleanly."""
        bank = bank or load_bank()
        ordered: dict[str, dict[str, Any]] = {}
        for section in bank.sections:
            block = self.answers.get(section.id) or {}
            kept = {q.id: block[q.id] for q in section.questions if q.id in block}
            if kept:
                ordered[section.id] = kept
        data: dict[str, Any] = {
            "schema_version": self.schema_version,
            "prdkit_version": __version__,
            "lang": self.lang,
            "preset": self.preset,
            "answers": ordered,
        }
        if self.revisions:
            data["revisions"] = self.revisions
        # only assumptions that still have a place in the answers (order of the bank)
        assumed = [q.path for q in bank.questions() if q.path in set(self.assumed) and q.id in (ordered.get(q.section) or {})]
        if assumed:
            data["assumed"] = assumed
        return data

    def to_yaml(self, bank: Bank | None = None) -> str:
        header = (
            "# prdkit answers file. Edit freely, then run: prdkit render <this file>\n"
            "# Every question id is documented in docs/answers.md of prdkit.\n"
        )
        return header + dump_yaml(self.to_data(bank))


# Reading and writing YAML live in safeyaml; read_yaml, dump_yaml and MAX_BYTES are imported
# from here by other modules.


def _normalise(value: Any) -> Any:
    # YAML turns 2026-11-24 into a date; answers keep dates as ISO strings.
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


# --------------------------------------------------------------------------- validation


_YAML11_BOOLS = {"y", "n", "yes", "no", "on", "off"}
_BASE60 = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\Z")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]")
_TYPE_NAMES = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
               "array": "a list", "object": "a mapping", "null": "empty"}


def _shown(value: Any, source: str | None) -> str:
    """A value as the person wrote it (the file's text when we have it)."""
    if source is not None:
        return source
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and not math.isfinite(value):
        return {"nan": ".nan", "inf": ".inf", "-inf": "-.inf"}[repr(value)]
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a mapping"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _type_message(expected: Any, value: Any, source: str | None) -> str:
    kinds = expected if isinstance(expected, list) else [expected]
    want = " or ".join(_TYPE_NAMES.get(t, t) for t in kinds)
    shown = _shown(value, source)
    if isinstance(value, float) and not math.isfinite(value):
        return f"should be {want}; {shown} (NaN or infinity) is not a number prdkit can use"
    if "boolean" in kinds and isinstance(value, str) and value.lower() in _YAML11_BOOLS:
        return (f"should be true or false, got the text {value!r}: prdkit reads YAML 1.2, where only true and false "
                f"are booleans (YAML 1.1 read {value} as a boolean); write true or false")
    if ("integer" in kinds or "number" in kinds) and isinstance(value, str) and _BASE60.match(value):
        return (f"should be {want}, got the text {value!r}: prdkit reads YAML 1.2, which has no base-60 numbers "
                f"(YAML 1.1 read {value} as a sexagesimal number); write the number itself")
    if "string" in kinds and source is not None:
        return f"should be text, got {shown}, which YAML reads as {_kind(value)}; put it in quotes to keep it as text: \"{source}\""
    if isinstance(value, (list, dict)):
        return f"should be {want}, got {_kind(value)}"
    return f"should be {want}, got {_kind(value)} {shown}"[:200]


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "empty (null)"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "a mapping"


def _explain(error: Any, bank: Bank, plain: dict[tuple, str] | None = None) -> tuple[tuple, str]:
    """Turn a jsonschema error into (key path, plain message)."""
    plain = plain or {}
    path = tuple(error.absolute_path)
    v = error.validator
    if v == "anyOf":
        # question schemas are anyOf[real, null]; report the real branch's complaint
        real = [e for e in error.context if e.validator != "type" or e.validator_value != "null"]
        if real:
            return _explain(sorted(real, key=lambda e: len(e.absolute_path))[0], bank, plain)
    if v == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})), key=str)
        known = list(error.schema.get("properties", {}))
        what = "question" if len(path) == 2 else ("section" if path == ("answers",) else "key")
        if len(path) == 3 or (len(path) > 3):
            what = "field"
        key = extra[0]
        import difflib

        hint = difflib.get_close_matches(str(key), known, n=1)
        more = f" (did you mean {hint[0]!r}?)" if hint else ""
        return path + (key,), f"unknown {what} {key!r}{more}" + (f"; also {', '.join(map(repr, extra[1:]))}" if len(extra) > 1 else "")
    if v == "enum":
        shown = _shown(error.instance, plain.get(path))
        return path, f"{shown} is not one of {', '.join(map(str, error.validator_value))}"
    if v == "type":
        return path, _type_message(error.validator_value, error.instance, plain.get(path))
    if v in ("minimum", "maximum"):
        word = "at least" if v == "minimum" else "at most"
        return path, f"{_shown(error.instance, plain.get(path))} is out of range: must be {word} {error.validator_value}"
    if v == "required":
        return path, error.message
    if v == "format" and error.validator_value == "date":
        return path, f"{error.instance!r} is not a real date; write it as YYYY-MM-DD (for example 2026-03-31)"
    if v == "pattern":
        if error.schema.get("format") == "date":
            return path, f"{error.instance!r} is not a date; write it as YYYY-MM-DD (for example 2026-03-31)"
        return path, f"{error.instance!r} does not have the expected form ({error.validator_value})"
    if v == "uniqueItems":
        return path, "lists the same choice twice"
    if v == "maxLength":
        return path, f"is longer than {error.validator_value} characters"
    return path, error.message


def _leading_zeros(plain: dict[tuple, str]) -> list[tuple[tuple, str]]:
    """Numbers written with a leading zero: YAML 1.1 tools read 012000 as octal 5120, YAML 1.2
    (prdkit) as 12000. A file other tools may read differently is refused, with both readings."""
    found = []
    for path, text in plain.items():
        if _LEADING_ZERO.match(text) and _INT_ONLY.match(text):
            digits = text.lstrip("+-")
            try:
                octal = int(digits, 8)
            except ValueError:
                octal = None
            value = int(text, 10)
            older = f"YAML 1.1 reads it as the octal number {octal}" if octal is not None else f"YAML 1.1 reads it as the text {text!r}"
            found.append((path, f"{text} starts with a zero: {older}, YAML 1.2 (prdkit) as {value}; write {value} "
                                f"(or \"{text}\" in quotes if it is text)"))
    return found


_INT_ONLY = re.compile(r"[-+]?[0-9]+\Z")
_VALIDATORS: dict[int, Any] = {}


def _validator(bank: Bank):
    """One validator per bank and process: `render A B C ...` validates many files."""
    key = id(bank)
    if key not in _VALIDATORS:
        _VALIDATORS[key] = validator_class()(answers_schema(bank))
    return _VALIDATORS[key]


def validate_data(data: Any, source: Path | str, lines: dict[tuple, int] | None = None, bank: Bank | None = None) -> AnswersFile:
    bank = bank or load_bank()
    lines = lines or {}
    plain = getattr(lines, "plain", {})
    if data is None:
        raise UserError(f"{source}: the file is empty; expected an answers file (see `prdkit schema`)")
    if not isinstance(data, dict):
        raise UserError(f"{source}: line 1: expected a mapping of keys (schema_version, lang, answers), got {_kind(data)}")
    data = _normalise(data)
    version = data.get("schema_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        raise UserError(
            f"{source}: line {lines.get(('schema_version',), 1)}: schema_version {version} is newer than this prdkit "
            f"understands ({SCHEMA_VERSION}); upgrade prdkit"
        )
    problems: list[tuple[int, str]] = []
    # A valid file (the common case) is recognised without importing jsonschema; anything
    # else goes to jsonschema, which decides and names every problem.
    errors = () if conforms(data, bank) else _validator(bank).iter_errors(data)
    explained = []
    for error in errors:
        path, message = _explain(error, bank, plain)
        explained.append((path, message))
        line = lines.get(path) or lines.get(path[:-1]) or lines.get(tuple(error.absolute_path)) or 1
        problems.append((line, f"line {line}: {_format_path(path)}: {message}"))
    reported = {p for p, _ in explained}
    for path, message in _leading_zeros(plain):
        if path in reported:
            continue
        line = lines.get(path, 1)
        problems.append((line, f"line {line}: {_format_path(path)}: {message}"))
    if problems:
        problems = sorted(set(problems))
        count = len(problems)
        raise UserError(f"{source}: {count} problem{'s' if count > 1 else ''} in the answers file", [p for _, p in problems])
    return AnswersFile(
        lang=data["lang"],
        answers={k: dict(v or {}) for k, v in (data.get("answers") or {}).items()},
        preset=data.get("preset"),
        revisions=list(data.get("revisions") or []),
        assumed=list(data.get("assumed") or []),
        schema_version=data["schema_version"],
        prdkit_version=data.get("prdkit_version", __version__),
    )


def load_answers(path: str | os.PathLike[str], bank: Bank | None = None) -> AnswersFile:
    path = Path(path)
    data, lines = read_yaml(path)
    answers = validate_data(data, path, lines, bank)
    answers.path = path
    return answers


# --------------------------------------------------------------------------- atomic writes


def _file_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write beside the target, then rename: a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    import tempfile  # on the first write only: a render whose documents are unchanged writes nothing

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        # mkstemp creates 0600; give the file the mode a plain open() would have
        os.chmod(tmp, _file_mode(path))
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def save_answers(answers: AnswersFile, path: Path) -> None:
    write_atomic(path, answers.to_yaml())
    answers.path = path
