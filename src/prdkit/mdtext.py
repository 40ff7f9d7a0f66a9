"""Put text a user typed into Markdown so that it shows literally.

Answers may contain anything: `|`, `#` at the start of a line, `*`, `_`, backticks, `{{ }}`,
`<tags>`, emoji, tabs. These filters backslash-escape what CommonMark would otherwise treat
as syntax, and nothing else, so prd.md stays readable as plain text.

Before any splitting, every character that some reader takes for a line break (CR, VT, FF,
the information separators FS/GS/RS, NEL, U+2028, U+2029: Python's str.splitlines breaks at
all of them, CommonMark at CR) becomes a plain newline, which the filters then escape like any
other. Other control characters are never written raw: C0 controls and DEL are shown as their
visible Control Pictures (ESC as "␛"), C1 controls as U+FFFD.
"""

from __future__ import annotations

import re

# Characters that start inline syntax anywhere in a line.
_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
# An entity reference would be decoded (&amp; -> &): escape its ampersand.
_ENTITY = re.compile(r"&(?=#?\w+;)")
# Line starts that would open a block: heading, quote, list item, thematic break, setext.
_BLOCK_START = re.compile(r"^(\s*)(#{1,6}(?=\s|$)|>|[+\-](?=\s|$)|=+\s*$|-+\s*$|\d{1,9}[.)](?=\s|$))")


_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_TABLE = {ord(ch): "\n" for ch in _BREAKS}
_TABLE.update({code: chr(0x2400 + code) for code in range(0x20) if chr(code) not in "\t\n" + _BREAKS})
_TABLE[0x7F] = "\u2421"
_TABLE.update({code: "\ufffd" for code in range(0x80, 0xA0) if code != 0x85})


def plain(text: object) -> str:
    """The text with every line break a plain newline and no raw control character."""
    return str(text).replace("\r\n", "\n").translate(_TABLE)


def one_line(text: object) -> str:
    """plain() on one line (a title, a name): every line break becomes a space. Not escaped."""
    return " ".join(plain(text).split("\n"))


def _escape_line(line: str) -> str:
    line = _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", line))
    # Leading spaces or tabs would start an indented code block (or vanish): write them as
    # character references, which every Markdown reader turns back into the same characters.
    stripped = line.lstrip(" \t")
    indent = line[: len(line) - len(stripped)]
    if indent:
        line = indent.replace("\t", "&#9;").replace(" ", "&#32;") + stripped
    match = _BLOCK_START.match(line)
    if match:
        start = match.start(2)
        marker = match.group(2)
        if marker[0].isdigit():
            # escape the dot or paren after the number: "1\. text"
            line = line[: start + len(marker) - 1] + "\\" + line[start + len(marker) - 1 :]
        else:
            line = line[:start] + "\\" + line[start:]
    return line


def inline(text: object) -> str:
    """One line of text inside a paragraph or list item; newlines become hard breaks."""
    if text is None:
        return ""
    lines = plain(text).split("\n")
    return "\\\n".join(_escape_line(line) for line in lines).rstrip("\\\n") if len(lines) > 1 else _escape_line(lines[0])


def line(text: object) -> str:
    """Text that must stay on one line (a heading): line breaks become spaces."""
    if text is None:
        return ""
    return _escape_line(one_line(text))


def block(text: object) -> str:
    """Multi-line text as Markdown paragraphs: blank lines separate paragraphs, single
    newlines are kept as hard line breaks."""
    if text is None:
        return ""
    normalised = plain(text).strip("\n")
    paragraphs = re.split(r"\n[ \t]*\n", normalised)
    out = []
    for para in paragraphs:
        lines = [_escape_line(line.rstrip()) for line in para.split("\n")]
        lines = [line for line in lines if line] or [""]
        out.append("\\\n".join(lines))
    return "\n\n".join(p for p in out if p)


def cell(text: object) -> str:
    """Text inside a GFM table cell: escaped like inline text, newlines as <br>."""
    if text is None:
        return ""
    lines = plain(text).split("\n")
    return "<br>".join(_escape_line(line).strip() for line in lines).strip() or " "
