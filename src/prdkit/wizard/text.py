"""Wrapping wizard text at the terminal's width, measured in terminal cells (wcwidth).

A line may break at a space, or between two CJK characters, or between CJK and Latin text;
never inside a Latin word unless the word alone is wider than the line. Closing punctuation
(，。）…) never starts a line and opening brackets (（「“…) never end one. Continuation lines
get a hanging indent, so a bullet or an ℹ keeps its text in one column.
"""

from __future__ import annotations

import re
import shutil
import unicodedata

from wcwidth import wcwidth

# Characters that must not begin a line (they stay with what precedes them).
NO_START = set("，。、；：！？）」』》】〉〕｝”’…‥・·—～%％,.;:!?)]}")
# Characters that must not end a line (they stay with what follows them).
NO_END = set("（「『《【〈〔｛“‘([{")


def cell_width(text: str) -> int:
    """How many terminal columns `text` takes (control characters count as nothing)."""
    return sum(max(wcwidth(ch), 0) for ch in text)


def terminal_width(default: int = 80) -> int:
    """Columns available for wizard text; $COLUMNS wins, as for every other tool."""
    return max(shutil.get_terminal_size((default, 24)).columns, 20)


def _breaks_around(ch: str) -> bool:
    """A character a line may break before and after: CJK ideographs, kana, hangul, and any
    other wide character (full-width forms, emoji)."""
    return cell_width(ch) == 2 or unicodedata.east_asian_width(ch) in ("W", "F")


def _units(paragraph: str) -> list[tuple[str, bool]]:
    """The paragraph as unbreakable units, each with whether a space came before it."""
    units: list[list] = []  # [text, space_before, open_for_more]
    space = False
    glue = False  # the previous unit ended with an opening bracket: the next character joins it
    for ch in paragraph:
        if ch.isspace():
            space, glue = True, False
            continue
        last = units[-1] if units else None
        if last is not None and ch in NO_START and (not space or _breaks_around(ch)):
            # full-width punctuation stays with what precedes it even after a space; ASCII
            # punctuation after a space begins a word of its own (",5" in "a ,5")
            last[0] += (" " if space else "") + ch
        elif last is not None and not space and (glue or (last[2] and not _breaks_around(ch))):
            last[0] += ch
        else:
            units.append([ch, space and bool(units), False])
        # a Latin word (or number, or "e.g.") goes on; after a CJK character a line may break
        units[-1][2] = not _breaks_around(ch)
        glue = ch in NO_END
        space = False
    return [(text, before) for text, before, _ in units]


def _split_wide(unit: str, room: int) -> list[str]:
    """A unit wider than a whole line (a long URL, say), cut into pieces that fit."""
    pieces, current = [], ""
    for ch in unit:
        if current and cell_width(current + ch) > room:
            pieces.append(current)
            current = ""
        current += ch
    return pieces + ([current] if current else [])


def wrap(text: str, width: int | None = None, indent: str = "", hanging: str | None = None) -> list[str]:
    """`text` as lines no wider than `width` cells. The first line starts with `indent`, the
    others with `hanging` (by default as many spaces as `indent` is wide). Line breaks in
    `text` are kept; each of its lines is wrapped on its own."""
    width = terminal_width() if width is None else width
    hanging = " " * cell_width(indent) if hanging is None else hanging
    lines: list[str] = []
    for paragraph in text.split("\n"):
        prefix = indent if not lines else hanging
        room = max(width - cell_width(prefix), 8)
        line, used = "", 0
        for unit, space_before in _units(paragraph):
            size = cell_width(unit)
            gap = 1 if space_before and line else 0
            if line and used + gap + size > room:
                lines.append(prefix + line)
                prefix, room = hanging, max(width - cell_width(hanging), 8)
                line, used, gap = "", 0, 0
            if not line and size > room:
                *full, unit = _split_wide(unit, room)
                lines.extend(prefix + piece for piece in full)
                if full:
                    prefix, room = hanging, max(width - cell_width(hanging), 8)
                size = cell_width(unit)
            line += " " * gap + unit
            used += gap + size
        lines.append(prefix + line)
    return lines


def pack(parts: list[str], width: int, indent: str = "", separator: str = " · ") -> list[str]:
    """Short phrases (key hints) on as few lines as fit, a line breaking only between two
    phrases; a phrase too long for a line of its own is wrapped like text."""
    lines: list[str] = []
    line = ""
    for part in parts:
        candidate = f"{line}{separator}{part}" if line else part
        if not line or cell_width(indent + candidate) <= width:
            line = candidate
            if cell_width(indent + line) <= width:
                continue
            lines.extend(wrap(line, width, indent))
            line = ""
            continue
        lines.append(indent + line)
        line = part
    if line:
        lines.extend(wrap(line, width, indent))
    return lines


def fill(text: str, width: int | None = None, indent: str = "", hanging: str | None = None) -> str:
    """`wrap` joined into one string."""
    return "\n".join(wrap(text, width, indent, hanging))


def split_lead(text: str) -> tuple[str, str]:
    """A note's leading spaces and bullet ("  • ", "  ℹ ") apart from its text, so that the
    continuation lines line up under the text rather than under the bullet."""
    stripped = text.lstrip(" ")
    lead = text[: len(text) - len(stripped)]
    head, _, rest = stripped.partition(" ")
    if rest and (len(head) == 1 and not head.isalnum() or re.fullmatch(r"\d{1,3}[.)]", head)):
        return lead + head + " ", rest
    return lead, stripped
