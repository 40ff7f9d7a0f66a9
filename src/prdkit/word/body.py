"""Markdown tokens → the WordprocessingML of a document body, as text.

The body is written as XML strings rather than through python-docx objects: python-docx
builds each run and cell by searching its parent for where a child may go, which made a
table-heavy PRD take a third of a second; string building takes a few milliseconds. The
element order inside w:pPr, w:rPr, w:tcPr and w:tblPr follows the schema's sequences, since
Word refuses a file that breaks them (LibreOffice does not, so its test alone would not tell).

Every step is linear in the document: each token is looked at a fixed number of times (the
task-list plugin of mdit-py-plugins searched backwards for each item's parent, which made an
8,000-item checklist take 20 s; task items are recognised here instead).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable

from .stylesheet import SYMBOL_FONT, Stylesheet
from .wml import LABELS, PAGE_BREAK, TWIPS_PER_CM, DocMeta, clean, esc, paragraph_xml, run_xml

HEADER_FILL = "DCE6F1"
TOC_LEVELS = 3  # headings listed in the contents: Word's Heading 1-3 (Markdown ## to ####)

_LINK_SCHEMES = re.compile(r"^(https?|mailto):", re.I)
_BR_TAG = re.compile(r"<br\s*/?>", re.I)
_HTML_COMMENT = re.compile(r"\s*<!--.*?-->\s*", re.S)
_TASK = re.compile(r"\[([ xX])\][ \t]+")
_ALIGN = re.compile(r"text-align:\s*(left|center|right)")
_CHECKBOX_RPR = (f'<w:rFonts w:ascii="{SYMBOL_FONT}" w:hAnsi="{SYMBOL_FONT}" w:eastAsia="{SYMBOL_FONT}" '
                 f'w:cs="{SYMBOL_FONT}" w:hint="eastAsia"/>')
_CELL_PADDING = 2 * 108 + 40  # the table style's cell margins and a little slack, twips
_SHORT_WORD = 24  # words up to this many characters are never split across lines in a cell
# Where a section ends: package.py puts the section's properties in place of the comment.
SECTION_END = "<w:p><w:pPr><!--prdkit:section:{orient}--></w:pPr></w:p>"


@dataclass
class ExtraPart:
    """A part the body needs beside document.xml (a chart, its workbook, its .rels).
    `name` is relative to the main part's folder ("charts/chart1.xml"); with `rel_type` the
    main part gets a relationship `rel_id` to it. A .rels part needs no content type."""

    name: str
    data: str | bytes
    content_type: str | None = None
    rel_type: str | None = None
    rel_id: str | None = None


@dataclass
class Body:
    """What the walk produced: the body XML and what the package must add for it."""

    xml: str
    title: str | None
    hyperlinks: list[tuple[str, str]] = field(default_factory=list)  # (relationship id, URL)
    list_nums: list[tuple[int, int, int]] = field(default_factory=list)  # (w:numId, level, start) per ordered list
    extra_parts: list[ExtraPart] = field(default_factory=list)


# A handler for fenced code blocks by info string ("mermaid"): it gets the writer and the fence
# token and returns the body XML to write in its place (adding ExtraParts to writer.extra_parts),
# or None to fall back to a code block.
FenceHandler = Callable[["BodyWriter", object], "str | None"]


class BodyWriter:
    """Walks markdown-it-py block tokens into the body of a document written with `sheet`.

    The first H1 is the document's title (it goes on the cover). What stands between it and
    the next heading is front matter: its tables (the document's facts) go on the cover, its
    block quotes (notes for whoever edits the Markdown) stay out of Word. A document with no
    heading after its title has no front matter: everything stays in the body."""

    def __init__(self, sheet: Stylesheet, fence_handlers: dict[str, FenceHandler] | None = None):
        self.sheet = sheet
        self.sid = {name: esc(style_id) for name, style_id in sheet.style_ids.items()}
        self.lang = sheet.lang
        self.text_width = sheet.text_width  # twips between the margins
        self.bullet_num = sheet.bullet_num
        self.next_num = sheet.next_num
        self.link_prefix = sheet.link_prefix
        self.fence_handlers = {k.lower(): v for k, v in (fence_handlers or {}).items()}
        self.extra_parts: list[ExtraPart] = []
        self.out: list[str] = []
        self.hyperlinks: list[tuple[str, str]] = []
        self.list_nums: list[tuple[int, int, int]] = []
        self.toc: list[tuple[int, str, str]] = []  # (level 1-3, bookmark name, text) of each heading
        self.cover_tables: list[str] = []
        # one entry per open list: ordered?, its w:numId, and where the current item's first
        # paragraph is in self.out (a second paragraph of the item continues it)
        self.list_stack: list[dict] = []
        self.quote_depth = 0
        self.title: str | None = None
        self.front_matter = False
        # front-matter tables and quotes: (first, end) in self.out and the table's cover version;
        # they leave the body only once a heading shows the front matter has ended
        self.front_items: list[tuple[int, int, str | None]] = []
        self._front_quote: int | None = None
        self._bookmarks = 0
        self._rel_ids = 0

    def new_rel_id(self, kind: str) -> str:
        """A relationship id of the main part for an extra part ("Chart" → rIdPrdkitChart1, 2, …),
        unique beside prdkit's own and a reference document's."""
        self._rel_ids += 1
        return f"rIdPrdkit{kind}{self._rel_ids}"

    def body(self) -> Body:
        return Body("".join(self.out), self.title, self.hyperlinks, self.list_nums, self.extra_parts)

    # ---- inline
    def inline(self, tokens, task: bool = False) -> str:
        """Runs for inline tokens (text, emphasis, code, links, breaks). With `task`, a leading
        "[ ] " or "[x] " becomes a checkbox."""
        bold = italic = strike = 0
        link_url: str | None = None
        link_runs: list[tuple[str, str]] = []
        out: list[str] = []
        code_style = self.sid["Verbatim Char"]
        for index, tok in enumerate(tokens or ()):
            t = tok.type
            if t == "text":
                content = tok.content
                if task and index == 0:
                    match = _TASK.match(content)
                    if match:
                        out.append(run_xml("☑" if match.group(1) != " " else "☐", _CHECKBOX_RPR) + run_xml(" "))
                        content = content[match.end():]
            elif t == "strong_open":
                bold += 1
                continue
            elif t == "strong_close":
                bold -= 1
                continue
            elif t == "em_open":
                italic += 1
                continue
            elif t == "em_close":
                italic -= 1
                continue
            elif t == "s_open":
                strike += 1
                continue
            elif t == "s_close":
                strike -= 1
                continue
            elif t == "link_open":
                link_url = tok.attrGet("href") or ""
                link_runs = []
                continue
            elif t == "link_close":
                if link_url and _LINK_SCHEMES.match(link_url):
                    out.append(self._hyperlink(link_url, link_runs))
                else:
                    out.extend(run_xml(text, rpr) for text, rpr in link_runs)
                link_url = None
                continue
            elif t == "code_inline":
                rpr = self._rpr(bold > 0, False, strike > 0, code_style)
                if link_url is not None:
                    link_runs.append((tok.content, rpr))
                else:
                    out.append(run_xml(tok.content, rpr))
                continue
            elif t == "softbreak":
                content = " " if self.lang == "en" else ""
            elif t == "hardbreak":
                content = "\n"
            elif t == "html_inline":
                if _HTML_COMMENT.fullmatch(tok.content):
                    continue
                content = "\n" if _BR_TAG.fullmatch(tok.content.strip()) else tok.content
            elif t == "image":
                content = tok.content or tok.attrGet("src") or ""
            else:
                continue
            if link_url is not None:
                link_runs.append((content, self._rpr(bold > 0, italic > 0, strike > 0, self.sid["Hyperlink"])))
            else:
                out.append(run_xml(content, self._rpr(bold > 0, italic > 0, strike > 0)))
        return "".join(out)

    def _rpr(self, bold: bool = False, italic: bool = False, strike: bool = False, style_id: str | None = None) -> str:
        """CT_RPr in schema order: rStyle, b, strike. Emphasis is the "Emphasis" character style
        (upright and coloured in Chinese documents, which have no italic)."""
        if italic and style_id is None:
            style_id = self.sid["Emphasis"]
        out = f'<w:rStyle w:val="{style_id}"/>' if style_id else ""
        if bold:
            out += "<w:b/><w:bCs/>"
        if strike:
            out += "<w:strike/>"
        return out

    def _hyperlink(self, url: str, runs: list[tuple[str, str]]) -> str:
        rid = f"{self.link_prefix}{len(self.hyperlinks) + 1}"
        self.hyperlinks.append((rid, url))
        inner = "".join(run_xml(text, rpr) for text, rpr in runs)
        return f'<w:hyperlink r:id="{esc(rid)}" w:history="1">{inner}</w:hyperlink>'

    # ---- lists
    def _list_ppr(self) -> tuple[str, str]:
        """(style id, numPr) of a paragraph in the current list."""
        level = len(self.list_stack)
        ordered, num_id = self.list_stack[-1]["ordered"], self.list_stack[-1]["num_id"]
        suffix = "" if level <= 1 else f" {min(level, 3)}"
        style = self.sid[("List Number" if ordered else "List Bullet") + suffix]
        ilvl = min(level, 3) - 1
        return style, f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'

    def _list_paragraph(self, tokens, i: int) -> None:
        item = self.list_stack[-1]
        out = self.out
        children = tokens[i + 1].children
        task = (item["para"] is None and not item["ordered"] and children
                and children[0].type == "text" and _TASK.match(children[0].content) is not None)
        runs = self.inline(children, task=bool(task))
        style, num_pr = self._list_ppr()
        indent = 420 * min(len(self.list_stack), 3)
        if task:
            # a task item shows its checkbox in place of the bullet
            item["para"] = len(out)
            out.append(paragraph_xml(runs, style, '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>'
                                                  f'<w:ind w:left="{indent}" w:hanging="300"/>'))
        elif item["para"] is None:
            item["para"] = len(out)
            out.append(paragraph_xml(runs, style, num_pr))
        elif item["para"] == len(out) - 1:
            # a second paragraph of the same item continues it on a new line
            out[-1] = out[-1][: -len("</w:p>")] + "<w:r><w:br/></w:r>" + runs + "</w:p>"
        else:
            # after a nested list: same indent, no new number
            out.append(paragraph_xml(runs, style, '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>'
                                                  f'<w:ind w:left="{indent}"/>'))

    # ---- headings and the contents
    def _heading(self, level: int, children) -> None:
        if level == 1 and self.title is None:
            self.title = "".join(c.content for c in children or () if c.type in ("text", "code_inline"))
            self.front_matter = True
            return
        if self.front_matter:
            # a heading follows the front matter: its tables go on the cover, its quotes (notes
            # for whoever edits the Markdown) stay out of Word
            for start, end, cover in self.front_items:
                if cover is not None:
                    self.cover_tables.append(cover)
                self.out[start:end] = [""] * (end - start)
        self.front_items = []
        self.front_matter = False
        word_level = min(level - 1 if self.title is not None else level, 4) or 1
        runs = self.inline(children)
        if word_level <= TOC_LEVELS:
            self._bookmarks += 1
            name = f"_Toc{self._bookmarks:08d}"
            text = clean("".join(c.content for c in children or () if c.type in ("text", "code_inline")))
            self.toc.append((word_level, name, text))
            runs = (f'<w:bookmarkStart w:id="{self._bookmarks}" w:name="{name}"/>{runs}'
                    f'<w:bookmarkEnd w:id="{self._bookmarks}"/>')
        self.out.append(paragraph_xml(runs, self.sid[f"Heading {word_level}"]))

    def contents_xml(self) -> str:
        """The TOC field with its result written now: one entry per heading, linked to the
        heading's bookmark. Page numbers are left to Word's "Update field", which rewrites the
        result with them; a reader who never updates it (Protected View, a PDF) still sees every
        entry, and no dot leader runs to a missing number."""
        begin = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                 f'<w:r><w:instrText xml:space="preserve"> TOC \\o "1-{TOC_LEVELS}" \\h \\z \\u </w:instrText></w:r>'
                 '<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
        end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        if not self.toc:
            return paragraph_xml(begin + end)
        paragraphs = []
        last = len(self.toc) - 1
        for index, (level, name, text) in enumerate(self.toc):
            entry = f'<w:hyperlink w:anchor="{name}" w:history="1">{run_xml(text)}</w:hyperlink>'
            paragraphs.append(paragraph_xml((begin if index == 0 else "") + entry + (end if index == last else ""),
                                            self.sid[f"toc {level}"]))
        return "".join(paragraphs)

    # ---- tables
    def table(self, rows: list[list[list]], header_rows: int, aligns: list[str | None]) -> None:
        if not rows:
            return
        front = self.front_matter and not self.list_stack and not self.quote_depth
        xml, landscape = self._table_xml(rows, header_rows, aligns, turn=not front and not self.list_stack)
        start = len(self.out)
        if landscape:
            # a section ends before the table (upright) and after it (sideways); the packager
            # writes their w:sectPr from the document's own
            self.out.append(SECTION_END.format(orient="portrait"))
            self.out.append(xml)
            self.out.append(SECTION_END.format(orient="landscape"))
        else:
            self.out.append(xml)
            self.out.append(paragraph_xml(ppr_extra='<w:spacing w:after="40"/>'))
        if front:
            cover = xml
            if header_rows and len(rows) > header_rows and max(len(r) for r in rows) == 2:
                # on the cover a facts table (name, value) needs no "Item | Answer" heading row
                cover, _ = self._table_xml(rows[header_rows:], 0, aligns, turn=False)
            self.front_items.append((start, len(self.out), cover))

    def _table_xml(self, rows: list[list[list]], header_rows: int, aligns: list[str | None],
                   turn: bool) -> tuple[str, bool]:
        """The w:tbl, and whether it needs a page turned sideways (only if `turn`)."""
        cols = max(len(r) for r in rows)
        widths, small, fits = column_widths(rows, cols, self.text_width, header_rows)
        # a table whose words do not fit the page even in small text gets a page turned sideways
        landscape = turn and not fits and self.sheet.landscape_width > self.text_width
        if landscape:
            widths, small, _ = column_widths(rows, cols, self.sheet.landscape_width, header_rows)
        suffix = " Small" if small else ""
        text_style, head_style = self.sid["Table Text" + suffix], self.sid["Table Heading" + suffix]
        parts = [
            f'<w:tbl><w:tblPr><w:tblStyle w:val="{self.sid["Table Grid"]}"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
            '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
            'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
            "".join(f'<w:gridCol w:w="{w}"/>' for w in widths),
            "</w:tblGrid>",
        ]
        jc = [f'<w:jc w:val="{a}"/>' if a in ("center", "right") else "" for a in aligns]
        jc += [""] * (cols - len(jc))
        for r_index, row in enumerate(rows):
            head = r_index < header_rows
            parts.append('<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>' if head else "<w:tr>")
            shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/>' if head else ""
            style = head_style if head else text_style
            for c_index in range(cols):
                tokens = row[c_index] if c_index < len(row) else ()
                parts.append(
                    f'<w:tc><w:tcPr><w:tcW w:w="{widths[c_index]}" w:type="dxa"/>{shade}</w:tcPr>'
                    f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{jc[c_index]}</w:pPr>{self.inline(tokens)}</w:p></w:tc>'
                )
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        return "".join(parts), landscape

    def _table(self, tokens, i: int) -> int:
        rows: list[list[list]] = []
        aligns: list[str | None] = []
        header_rows = 0
        in_head = False
        current: list[list] | None = None
        while tokens[i].type != "table_close":
            tok = tokens[i]
            t = tok.type
            if t == "thead_open":
                in_head = True
            elif t == "thead_close":
                in_head = False
            elif t == "tr_open":
                current = []
            elif t == "tr_close":
                rows.append(current or [])
                if in_head:
                    header_rows += 1
            elif t == "th_open" and header_rows == 0:
                match = _ALIGN.search(tok.attrGet("style") or "")
                aligns.append(match.group(1) if match else None)
            elif t == "inline" and current is not None:
                current.append(tok.children or [])
            i += 1
        self.table(rows, header_rows, aligns)
        return i + 1

    # ---- the walk
    def write(self, tokens) -> None:
        out = self.out
        i, n = 0, len(tokens)
        while i < n:
            tok = tokens[i]
            t = tok.type
            if t == "paragraph_open":
                if self.list_stack:
                    self._list_paragraph(tokens, i)
                elif self.quote_depth:
                    indent = "" if self.quote_depth == 1 else f'<w:ind w:left="{454 * self.quote_depth}"/>'
                    out.append(paragraph_xml(self.inline(tokens[i + 1].children), self.sid["Quote"], indent))
                else:
                    out.append(paragraph_xml(self.inline(tokens[i + 1].children)))
                i += 3
                continue
            if t == "heading_open":
                self._heading(int(tok.tag[1]), tokens[i + 1].children)
                i += 3
                continue
            if t in ("bullet_list_open", "ordered_list_open"):
                ordered = t == "ordered_list_open"
                if ordered:
                    num_id = self.next_num
                    self.next_num += 1
                    try:
                        start = max(0, min(int(tok.attrGet("start") or 1), 32767))
                    except ValueError:
                        start = 1
                    self.list_nums.append((num_id, min(len(self.list_stack), 2), start))
                else:
                    num_id = self.bullet_num
                self.list_stack.append({"ordered": ordered, "num_id": num_id, "para": None})
            elif t in ("bullet_list_close", "ordered_list_close"):
                self.list_stack.pop()
            elif t == "list_item_open":
                self.list_stack[-1]["para"] = None
            elif t == "blockquote_open":
                if self.front_matter and not self.list_stack and not self.quote_depth:
                    self._front_quote = len(out)
                self.quote_depth += 1
            elif t == "blockquote_close":
                self.quote_depth -= 1
                if not self.quote_depth and self._front_quote is not None:
                    self.front_items.append((self._front_quote, len(out), None))
                    self._front_quote = None
            elif t == "fence" and self._fence(tok):
                pass
            elif t in ("fence", "code_block"):
                code_style = self.sid["Source Code"]
                for line in tok.content.rstrip("\n").split("\n"):
                    out.append(paragraph_xml(run_xml(line), code_style))
                out.append(paragraph_xml(ppr_extra='<w:spacing w:after="40"/>'))
            elif t == "hr":
                out.append(paragraph_xml(ppr_extra='<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="999999"/></w:pBdr>'))
            elif t == "html_block":
                text = _HTML_COMMENT.sub("", tok.content).rstrip("\n")
                if text:
                    out.append(paragraph_xml(run_xml(text)))
            elif t == "table_open":
                i = self._table(tokens, i)
                continue
            i += 1

    def _fence(self, tok) -> bool:
        """A registered handler for the fence's info string wrote it."""
        info = (tok.info or "").strip().split(maxsplit=1)
        handler = self.fence_handlers.get(info[0].lower()) if info else None
        if handler is None:
            return False
        xml = handler(self, tok)
        if xml is None:
            return False
        self.out.append(xml)
        return True


# ---- column widths

_NARROW = set("il.,:;'|!`ijlI")
_SEMI = set("frt()[]{}-/\\\" ")
_WIDE = set("mwMW@%")


def _em(ch: str) -> float:
    """Advance width of a character in ems, on the wide side of the sans-serif faces a reader
    may have (Calibri, or DejaVu Sans where LibreOffice substitutes it), so that a word
    measured to fit does fit."""
    if ch in _NARROW:
        return 0.32
    if ch in _SEMI:
        return 0.42
    if ch in _WIDE:
        return 0.95
    if ch.isupper():
        return 0.72
    if ch.isdigit():
        return 0.64
    if ord(ch) < 0x2E80:
        return 0.62 if ord(ch) < 0x2000 else 0.8
    return 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6


def _cell_lines(tokens) -> list[str]:
    lines, current = [], []
    for tok in tokens:
        if tok.type in ("text", "code_inline"):
            current.append(tok.content)
        elif tok.type in ("softbreak",):
            current.append(" ")
        elif tok.type == "hardbreak" or (tok.type == "html_inline" and _BR_TAG.fullmatch(tok.content.strip())):
            lines.append("".join(current))
            current = []
    lines.append("".join(current))
    return lines


def _words(line: str):
    """The pieces a line may not be broken inside: runs of non-CJK letters (CJK text breaks
    between any two characters)."""
    word: list[str] = []
    for ch in line:
        if ch.isspace() or ord(ch) >= 0x2E80 and unicodedata.east_asian_width(ch) in "WF":
            if word:
                yield "".join(word)
                word = []
            if not ch.isspace():
                yield ch
        else:
            word.append(ch)
    if word:
        yield "".join(word)


def column_widths(rows: list[list[list]], cols: int, usable: int,
                  header_rows: int = 1) -> tuple[list[int], bool, bool]:
    """Column widths in twips, whether the table needs the small table text, and whether its
    words fit at all.

    Like a browser's automatic table layout: each column gets at least its longest word (so
    "Context" is never split into "Contex|t"), and what is left of the text width goes to the
    columns by how much more they hold; a table whose words do not fit at 9.5 pt is set at
    7.5 pt. A column is never narrower than 1.1 cm, nor 1.5 cm when it is empty below its
    heading (a place to write a status or a signature by hand). The body writer turns the page for a table
    whose words do not fit even then."""
    widest_word = [0.0] * cols  # ems
    longest_line = [0.0] * cols
    head_factor = [1.0] * cols
    # a column left empty below its heading is for filling in by hand (status, sign-off)
    blank = [len(rows) > header_rows] * cols
    for row in rows[header_rows:]:
        for c_index, tokens in enumerate(row[:cols]):
            if any(tok.content.strip() for tok in tokens):
                blank[c_index] = False
    for r_index, row in enumerate(rows):
        factor = 1.08 if r_index < header_rows else 1.0  # bold
        for c_index, tokens in enumerate(row[:cols]):
            for line in _cell_lines(tokens):
                longest_line[c_index] = max(longest_line[c_index], sum(map(_em, line)) * factor)
                # a short heading ("负责人") or value ("产品经理") stays on one line
                words = [line] if len(line.strip()) <= (6 if r_index < header_rows else 4) else _words(line)
                for word in words:
                    if len(word) <= _SHORT_WORD:
                        widest_word[c_index] = max(widest_word[c_index], sum(map(_em, word)) * factor)
            head_factor[c_index] = max(head_factor[c_index], factor)
    floor = 1.1 * TWIPS_PER_CM
    for size, small in ((190, False), (150, True)):  # twips per em at 9.5 pt and 7.5 pt
        minimum = [max(1.5 * TWIPS_PER_CM if empty else floor, w * size * 1.04 + _CELL_PADDING)
                   for w, empty in zip(widest_word, blank)]
        natural = [max(m, line * size + _CELL_PADDING) for m, line in zip(minimum, longest_line)]
        if sum(minimum) <= usable:
            break
    if sum(natural) <= usable:
        spare = usable - sum(natural)
        total = sum(natural)
        return [int(w + spare * w / total) for w in natural], small, True
    if sum(minimum) <= usable:
        spare = usable - sum(minimum)
        extra = [nat - m for nat, m in zip(natural, minimum)]
        total = sum(extra) or 1
        return [int(m + spare * e / total) for m, e in zip(minimum, extra)], small, True
    # even the small text does not fit: share the width by the words' needs
    total = sum(minimum)
    return [int(m * usable / total) for m in minimum], small, False


def cover_xml(meta: DocMeta, title: str, sheet: Stylesheet, writer: BodyWriter) -> str:
    """The cover (title, and the facts table of the front matter or the document's facts), then
    the contents on a page of their own. The cover is the first page of a section with a title
    page, so it has no header or footer (package.py)."""
    sid = writer.sid
    labels = LABELS[meta.lang]
    colon = ": " if meta.lang == "en" else "："
    parts = [paragraph_xml(ppr_extra='<w:spacing w:before="2400"/>'), paragraph_xml(run_xml(title), sid["Title"])]
    if writer.cover_tables:
        for table in writer.cover_tables:
            parts.append(table)
            parts.append(paragraph_xml(ppr_extra='<w:spacing w:after="40"/>'))
    else:
        for key, value in (("version", meta.version), ("owner", meta.owner), ("status", meta.status), ("date", meta.date)):
            if value:
                parts.append(paragraph_xml(run_xml(labels[key] + colon, "<w:b/>") + run_xml(clean(value)),
                                           sid["Cover Facts"]))
    parts.append(PAGE_BREAK)
    if writer.toc:  # a document without headings has no contents page
        # "TOC Heading" looks like Heading 1 but has no outline level, so the contents do not list themselves
        parts.append(paragraph_xml(run_xml(labels["contents"]), sid["TOC Heading"]))
        parts.append(writer.contents_xml())
        parts.append(PAGE_BREAK)
    return "".join(parts)
