"""Reading and writing the small YAML files a person edits: answers, acceptance history,
model catalogs, checklist packs.

Reading is YAML 1.2 (core schema), with limits applied while reading:

- only a regular file is opened (a FIFO or a device is refused before a byte is read), and
  at most MAX_BYTES + 1 bytes are read;
- libyaml parses; the events are turned into Python values here, one at a time, so the
  nesting depth and the number of entries are checked as they grow, and aliases, duplicate
  keys, complex keys and custom tags are refused before anything is built;
- plain scalars follow YAML 1.2: `yes`, `no`, `on`, `off` are text, `3:20:00` is text,
  `2026-02-30` is text (a date question then checks it is a real date), `012000` is the
  number 12000, and only `true`/`false` are booleans. The source text of every plain
  scalar that became a number, a boolean or null is kept, so a message can say how it was
  read (see Located.plain);
- `.nan`, `.inf` and numbers too large for a float are refused, naming the key path.

Writing quotes every string that YAML 1.1 or YAML 1.2 would read as something else, so a
file prdkit writes reads back the same under either version.
"""

from __future__ import annotations

import math
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from .errors import UserError

MAX_BYTES = 2 * 1024 * 1024   # a full PRD's answers are a few tens of KB
MAX_DEPTH = 32                # an answers file nests 5 deep (answers.section.question[i].field)
MAX_ENTRIES = 300_000         # keys, values and list items; 20,000 metric rows stay below it

_CORE = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_CORE + t for t in ("str", "int", "float", "bool", "null"))
_SEQ, _MAP = _CORE + "seq", _CORE + "map"
_ALLOWED_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL, _SEQ, _MAP}

# The YAML 1.2 core schema, for plain (unquoted) scalars.
_NULL_RE = re.compile(r"(?:~|null|Null|NULL|)\Z")
_BOOL_RE = re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z")
_INT_RE = re.compile(r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z")
_FLOAT_RE = re.compile(r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z")


def resolve_plain(text: str) -> str:
    """The YAML 1.2 core-schema tag of a plain scalar."""
    if _NULL_RE.match(text):
        return _NULL
    if _BOOL_RE.match(text):
        return _BOOL
    if _INT_RE.match(text):
        return _INT
    if _FLOAT_RE.match(text):
        return _FLOAT
    return _STR


class Located(dict):
    """Key path -> 1-based line, for every value of a file; `plain` holds the source text of
    each unquoted scalar read as a number, boolean or null (for messages)."""

    def __init__(self) -> None:
        super().__init__()
        self.plain: dict[tuple, str] = {}


def format_path(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


class _Refused(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def _scalar(event: Any, path: tuple, line: int, located: Located) -> Any:
    text = event.value
    tag = event.tag
    if tag is None or tag == "!":
        plain = event.implicit[0] and tag is None
        tag = resolve_plain(text) if plain else _STR
        if plain and tag != _STR:
            located.plain[path] = text
    elif tag not in _ALLOWED_TAGS:
        raise _Refused(line, "custom YAML tags (!!python/…, !tag) are not allowed")
    if tag == _STR:
        return text
    if tag == _NULL:
        if not _NULL_RE.match(text):
            raise _Refused(line, f"{text!r} is not null")
        return None
    if tag == _BOOL:
        if not _BOOL_RE.match(text):
            raise _Refused(line, f"{text!r} is not true or false")
        return text.lower() == "true"
    where = f"{format_path(path)}: " if path else ""
    if tag == _INT:
        try:
            if text.startswith("0o"):
                return int(text[2:], 8)
            if text.startswith("0x"):
                return int(text[2:], 16)
            return int(text, 10)
        except ValueError:
            raise _Refused(line, f"{where}{text[:40]!r} is not a whole number prdkit can read") from None
    # float
    try:
        value = float(text.replace(".inf", "inf").replace(".Inf", "inf").replace(".INF", "inf")
                      .replace(".nan", "nan").replace(".NaN", "nan").replace(".NAN", "nan"))
    except ValueError:
        raise _Refused(line, f"{where}{text[:40]!r} is not a number") from None
    if not math.isfinite(value):
        raise _Refused(line, f"{where}{text[:40]} is not a finite number (NaN and infinity are not allowed); write a number")
    return value


def _build(parser: Any, located: Located) -> Any:
    """Turn libyaml's events into Python values, checking depth and entry count as they grow."""
    E = yaml.events
    parser.get_event()  # stream start
    if parser.check_event(E.StreamEndEvent):
        return None
    parser.get_event()  # document start
    # frames: [container, path, pending key or _NO_KEY, seen keys]
    stack: list[list[Any]] = []
    root: Any = None
    entries = 0
    done = False
    while not done:
        event = parser.get_event()
        line = event.start_mark.line + 1
        if isinstance(event, (E.SequenceEndEvent, E.MappingEndEvent)):
            stack.pop()
            done = not stack
            continue
        if isinstance(event, E.AliasEvent):
            raise _Refused(line, "aliases (*name) are not allowed in prdkit files")
        entries += 1
        if entries > MAX_ENTRIES:
            raise _Refused(line, f"more than {MAX_ENTRIES:,} entries; prdkit reads files up to that size")
        if stack:
            frame = stack[-1]
            container = frame[0]
            if isinstance(container, list):
                path = frame[1] + (len(container),)
            elif frame[2] is _NO_KEY:
                # a mapping key: a plain name, never a list, a mapping or a number
                if not isinstance(event, E.ScalarEvent):
                    raise _Refused(line, "keys must be plain names")
                if event.tag not in (None, "!", _STR):
                    raise _Refused(line, "keys must be plain names")
                key = event.value
                if key in frame[3]:
                    raise _Refused(line, f"the key {key!r} appears twice in the same mapping")
                frame[3].add(key)
                frame[2] = key
                continue
            else:
                path = frame[1] + (frame[2],)
        else:
            path = ()
        located[path] = line
        if isinstance(event, E.ScalarEvent):
            value = _scalar(event, path, line, located)
        elif isinstance(event, (E.SequenceStartEvent, E.MappingStartEvent)):
            tag = event.tag
            expected = _SEQ if isinstance(event, E.SequenceStartEvent) else _MAP
            if tag not in (None, "!", expected):
                raise _Refused(line, "custom YAML tags (!!python/…, !tag) are not allowed")
            if len(stack) >= MAX_DEPTH:
                raise _Refused(line, f"nested more than {MAX_DEPTH} levels deep")
            value = [] if expected == _SEQ else {}
        else:  # pragma: no cover - libyaml emits nothing else inside a document
            raise _Refused(line, "unexpected YAML structure")
        if stack:
            frame = stack[-1]
            if isinstance(frame[0], list):
                frame[0].append(value)
            else:
                frame[0][frame[2]] = value
                frame[2] = _NO_KEY
        else:
            root = value
        if isinstance(event, E.CollectionStartEvent):
            stack.append([value, path, _NO_KEY, set()])
        else:
            done = not stack
    parser.get_event()  # document end
    if not parser.check_event(E.StreamEndEvent):
        event = parser.peek_event()
        raise _Refused(event.start_mark.line + 1, "a second YAML document (---) is not allowed; one file holds one document")
    return root


_NO_KEY = object()


def read_regular_file(path: Path, what: str, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file, refusing anything else before reading it, and reading at
    most `limit` + 1 bytes (a file that grows while being read is still caught)."""
    name = str(path) or "''"
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise UserError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{name}: is a folder, not {_article(what)}") from None
    except PermissionError:
        raise UserError(f"{name}: permission denied (cannot read the {what})") from None
    except OSError as exc:
        raise UserError(f"{name}: cannot open the {what} ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UserError(f"{name}: is a folder, not {_article(what)}")
        if not stat.S_ISREG(info.st_mode):
            kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                    else "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
            raise UserError(f"{name}: is {kind}, not {_article(what)}; give a regular file")
        if info.st_size > limit:
            raise UserError(f"{name}: {info.st_size:,} bytes is too large for {_article(what)} (limit {limit:,})")
        chunks, size = [], 0
        while size <= limit:
            try:
                chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            except BlockingIOError:  # pragma: no cover - regular files never block
                break
            except OSError as exc:
                raise UserError(f"{name}: cannot read the {what} ({exc.strerror or exc})") from None
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        raw = b"".join(chunks)
        if len(raw) > limit:
            raise UserError(f"{name}: more than {limit:,} bytes is too large for {_article(what)} (limit {limit:,})")
        return raw
    finally:
        os.close(fd)


def _article(what: str) -> str:
    if what.startswith(("a ", "an ")):
        return what
    return ("an " if what[:1] in "aeiou" else "a ") + what


def decode_text(raw: bytes, name: str, what: str) -> str:
    if b"\x00" in raw:
        raise UserError(f"{name}: looks like a binary file, not {_article(what)}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(f"{name}: line {line}: not valid UTF-8 (byte {exc.start}); save the file as UTF-8") from None


MAX_TEXT_BYTES = 64 * 1024 * 1024


def read_text(path: Path, what: str, limit: int = MAX_TEXT_BYTES) -> str:
    """A UTF-8 text file (prd.md, its base): a regular file, within the limit, or exit 2."""
    return decode_text(read_regular_file(path, what, limit), str(path), what)


def parse_yaml(text: str, name: str) -> tuple[Any, Located]:
    located = Located()
    parser = getattr(yaml, "CBaseLoader", None)  # libyaml's parser; only its events are used
    parser = parser(text) if parser is not None else _PyParser(text)
    try:
        data = _build(parser, located)
    except _Refused as exc:
        raise UserError(f"{name}: line {exc.line}: {exc.message}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{name}: line {mark.line + 1}" if mark else name
        raise UserError(f"{where}: {exc.problem or 'invalid YAML'}") from None
    except yaml.YAMLError as exc:
        raise UserError(f"{name}: invalid YAML ({exc})") from None
    finally:
        if hasattr(parser, "dispose"):
            parser.dispose()
    return data, located


class _PyParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):  # pragma: no cover - libyaml is a wheel dependency
    def __init__(self, stream: str):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


def read_yaml(path: str | os.PathLike[str], what: str = "answers file") -> tuple[Any, Located]:
    """Safe-load a small YAML file; return the data and a key path -> line map."""
    path = Path(path)
    name = str(path)
    raw = read_regular_file(path, what)
    return parse_yaml(decode_text(raw, name, what), name)


# --------------------------------------------------------------------------- writing


class _Dumper(yaml.SafeDumper):
    """SafeDumper that also quotes strings YAML 1.2 would read as something else (0o17,
    1e3, .NaN): what prdkit writes reads back the same under YAML 1.1 and 1.2."""


for _tag, _regexp, _first in (
    (_INT, re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789")),
    (_FLOAT, re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
     list("-+.0123456789")),
):
    _Dumper.add_implicit_resolver(_tag, _regexp, _first)

_LINE_BREAKS = "\r\x85\u2028\u2029\x0b\x0c\x1c\x1d\x1e"


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # Multi-line answers are written as readable block scalars.
    style = "|" if "\n" in value and not any(ch in value for ch in _LINE_BREAKS) and value == value.rstrip(" ") else None
    return dumper.represent_scalar(_STR, value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)


def fast_dumper() -> type:
    """libyaml's emitter with the same quoting rules, for internal files read back by prdkit."""
    c_emitter = getattr(yaml, "CEmitter", None)
    if c_emitter is None:  # pragma: no cover
        return _Dumper

    class _CDumper(c_emitter, yaml.representer.SafeRepresenter, yaml.resolver.Resolver):
        def __init__(self, stream, **kwargs):
            representer_keys = ("default_style", "default_flow_style", "sort_keys")
            c_emitter.__init__(self, stream, **{k: v for k, v in kwargs.items() if k not in representer_keys})
            yaml.representer.SafeRepresenter.__init__(self, **{k: v for k, v in kwargs.items() if k in representer_keys})
            yaml.resolver.Resolver.__init__(self)

    _CDumper.yaml_implicit_resolvers = _Dumper.yaml_implicit_resolvers
    _CDumper.add_representer(str, _str_representer)
    return _CDumper
