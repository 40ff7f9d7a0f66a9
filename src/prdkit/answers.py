"""The answers file: load it safely, validate it against the bank, save it.

Loading never executes anything: YAML's safe loader, no aliases (so no alias bombs), a size
limit, strict UTF-8. Every problem is reported at once, each naming the key path and the
line, in one UserError that the CLI turns into exit code 2.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml

from . import __version__
from .bank import Bank, load_bank
from .errors import UserError
from .schema import SCHEMA_VERSION, answers_schema, conforms

MAX_BYTES = 2 * 1024 * 1024  # a full PRD's answers are a few tens of KB


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


# --------------------------------------------------------------------------- YAML in and out


class _SafeNoAliasLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loader (libyaml's parser where installed, ten times faster) that refuses aliases
    and duplicate keys. Aliases are refused on the composed node graph, before anything is
    constructed, which rules out "billion laughs" expansion."""

    def construct_mapping(self, node, deep=False):  # type: ignore[override]
        # PyYAML keeps the last of two equal keys without a word; a user would lose an answer.
        seen = set()
        for key_node, _ in node.value:
            key = key_node.value
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.MarkedYAMLError(None, None, "keys must be plain names", key_node.start_mark)
            if key in seen:
                raise yaml.MarkedYAMLError(None, None, f"the key {key!r} appears twice in the same mapping", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # Multi-line answers are written as readable block scalars.
    style = "|" if "\n" in value and not any(ch in value for ch in "\r\x85\u2028\u2029") and value == value.rstrip(" ") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)


def _refuse_aliases(root: yaml.Node) -> None:
    """An alias makes the composer reuse the anchored node, so a node met twice is an alias;
    the error names the line of the collection that holds it."""
    seen = {id(root)}
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = node.value
        else:
            continue
        for child in children:
            if id(child) in seen:
                raise yaml.MarkedYAMLError(None, None, "aliases (*name) are not allowed in answers files", node.start_mark)
            seen.add(id(child))
        stack.extend(reversed(children))  # depth first, in document order: the first alias is named


def _line_index(node: yaml.Node, prefix: tuple = ()) -> Iterator[tuple[tuple, int]]:
    """(key path, 1-based line) for every node, so errors can name the line."""
    yield prefix, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _line_index(value, prefix + (key.value,))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _line_index(item, prefix + (i,))


def read_yaml(path: Path, what: str = "answers file") -> tuple[Any, dict[tuple, int]]:
    """Safe-load a small YAML file; return the data and a key-path → line map."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder, not an {what}") from None
    if len(raw) > MAX_BYTES:
        raise UserError(f"{path}: {len(raw):,} bytes is too large for an {what} (limit {MAX_BYTES:,})")
    if b"\x00" in raw:
        raise UserError(f"{path}: looks like a binary file, not an {what}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(f"{path}: line {line}: not valid UTF-8 (byte {exc.start}); save the file as UTF-8") from None
    try:
        loader = _SafeNoAliasLoader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _refuse_aliases(node)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}: line {mark.line + 1}" if mark else str(path)
        problem = exc.problem or "invalid YAML"
        if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in (exc.problem or ""):
            problem = "custom YAML tags (!!python/…, !tag) are not allowed"
        raise UserError(f"{where}: {problem}") from None
    except yaml.YAMLError as exc:
        raise UserError(f"{path}: invalid YAML ({exc})") from None
    except RecursionError:
        raise UserError(f"{path}: nested too deeply") from None
    lines = dict(_line_index(node)) if node is not None else {}
    return data, lines


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


def _format_path(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _explain(error: Any, bank: Bank) -> tuple[tuple, str]:
    """Turn a jsonschema error into (key path, plain message)."""
    path = tuple(error.absolute_path)
    v = error.validator
    if v == "anyOf":
        # question schemas are anyOf[real, null]; report the real branch's complaint
        real = [e for e in error.context if e.validator != "type" or e.validator_value != "null"]
        if real:
            return _explain(sorted(real, key=lambda e: len(e.absolute_path))[0], bank)
    if v == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
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
        return path, f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    if v == "type":
        expected = error.validator_value
        names = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
                 "array": "a list", "object": "a mapping", "null": "empty"}
        exp = " or ".join(names.get(t, t) for t in (expected if isinstance(expected, list) else [expected]))
        return path, f"should be {exp}, got {type(error.instance).__name__} {error.instance!r}"[:200]
    if v in ("minimum", "maximum"):
        word = "at least" if v == "minimum" else "at most"
        return path, f"{error.instance} is out of range: must be {word} {error.validator_value}"
    if v == "required":
        return path, error.message
    if v == "pattern":
        return path, f"{error.instance!r} does not have the expected form ({error.validator_value})"
    if v == "uniqueItems":
        return path, "lists the same choice twice"
    if v == "maxLength":
        return path, f"is longer than {error.validator_value} characters"
    return path, error.message


_VALIDATORS: dict[int, Any] = {}


def _validator(bank: Bank):
    """One validator per bank and process: `render A B C ...` validates many files."""
    import jsonschema

    key = id(bank)
    if key not in _VALIDATORS:
        _VALIDATORS[key] = jsonschema.Draft202012Validator(answers_schema(bank))
    return _VALIDATORS[key]


def validate_data(data: Any, source: Path | str, lines: dict[tuple, int] | None = None, bank: Bank | None = None) -> AnswersFile:
    bank = bank or load_bank()
    lines = lines or {}
    if data is None:
        raise UserError(f"{source}: the file is empty; expected an answers file (see `prdkit schema`)")
    if not isinstance(data, dict):
        raise UserError(f"{source}: line 1: expected a mapping of keys (schema_version, lang, answers), got a {type(data).__name__}")
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
    for error in errors:
        path, message = _explain(error, bank)
        line = lines.get(path) or lines.get(path[:-1]) or lines.get(tuple(error.absolute_path)) or 1
        problems.append((line, f"line {line}: {_format_path(path)}: {message}"))
    if problems:
        problems.sort()
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
