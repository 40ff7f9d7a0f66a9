"""Markdown tokens → the WordprocessingML of a document body, as text.

The body is written as XML strings rather than through python-docx objects: python-docx
builds each run and cell by searching its parent for where a child may go, which made a
table-heavy PRD take a third of a second; string building takes a few milliseconds. The
element order inside w:pPr, w:rPr, w:tcPr and w:tblPr follows the schema's sequences, since
Word refuses a file that breaks them (LibreOffice does not, so its test alone would not tell).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from .stylesheet import Stylesheet
from .wml import LABELS, PAGE_BREAK, TWIPS_PER_CM, DocMeta, clean, field_xml, paragraph_xml, run_xml

MONO_FONT = "DejaVu Sans Mono"
SYMBOL_FONT = "DejaVu Sans"  # has ☐ ☑; Noto CJK does not
HEADER_FILL = "DCE6F1"

_LINK_SCHEMES = re.compile(r"^(https?|mailto):", re.I)
_BR_TAG = re.compile(r"<br\s*/?>", re.I)
_CHECKBOX_TAG = re.compile(r"<input[^>]*checkbox", re.I)


def _rpr(bold: bool = False, italic: bool = False, strike: bool = False, code: bool = False, style_id: str | None = None) -> str:
    # CT_RPr order: rStyle, rFonts, b, i, strike, ..., sz
    out = f'<w:rStyle w:val="{style_id}"/>' if style_id else ""
    if code:
        out += f'<w:rFonts w:ascii="{MONO_FONT}" w:hAnsi="{MONO_FONT}" w:cs="{MONO_FONT}"/>'
    if bold:
        out += "<w:b/>"
    if italic:
        out += "<w:i/>"
    if strike:
        out += "<w:strike/>"
    if code:
        out += '<w:sz w:val="19"/><w:szCs w:val="19"/>'
    return out


_CHECKBOX_RPR = f'<w:rFonts w:ascii="{SYMBOL_FONT}" w:hAnsi="{SYMBOL_FONT}" w:eastAsia="{SYMBOL_FONT}" w:cs="{SYMBOL_FONT}"/>'


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
    """Walks markdown-it-py block tokens into the body of a document written with `sheet`."""

    def __init__(self, sheet: Stylesheet, fence_handlers: dict[str, FenceHandler] | None = None):
        self.sheet = sheet
        self.sid = sheet.style_ids
        self.lang = sheet.lang
        self.text_width = sheet.text_width  # twips between the margins
        self.bullet_num = sheet.bullet_num
        self.number_abstract = sheet.number_abstract
        self.next_num = sheet.next_num
        self.link_prefix = sheet.link_prefix
        self.fence_handlers = dict(fence_handlers or {})
        self.extra_parts: list[ExtraPart] = []
        self.out: list[str] = []
        self.hyperlinks: list[tuple[str, str]] = []
        self.list_nums: list[tuple[int, int, int]] = []
        # one entry per open list: ordered?, its w:numId, and where the current item's first
        # paragraph is in self.out (a second paragraph of the item continues it)
        self.list_stack: list[dict] = []
        self.quote_depth = 0
        self.title: str | None = None

    # ---- inline
    def inline(self, tokens) -> str:
        """Runs for inline tokens (text, emphasis, code, links, breaks)."""
        bold = italic = strike = 0
        link_url: str | None = None
        link_runs: list[tuple[str, bool, bool]] = []
        out: list[str] = []
        for tok in tokens or ():
            t = tok.type
            if t == "text":
                content = tok.content
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
                    out.extend(run_xml(text, _rpr(b, i)) for text, b, i in link_runs)
                link_url = None
                continue
            elif t == "code_inline":
                if link_url is not None:
                    link_runs.append((tok.content, bold > 0, italic > 0))
                else:
                    out.append(run_xml(tok.content, _rpr(bold > 0, italic > 0, strike > 0, code=True)))
                continue
            elif t == "softbreak":
                content = " " if self.lang == "en" else ""
            elif t == "hardbreak":
                content = "\n"
            elif t == "html_inline":
                if _CHECKBOX_TAG.match(tok.content):
                    out.append(run_xml(("☑" if "checked" in tok.content else "☐") + " ", _CHECKBOX_RPR))
                    continue
                content = "\n" if _BR_TAG.fullmatch(tok.content.strip()) else tok.content
            elif t == "image":
                content = tok.content or tok.attrGet("src") or ""
            else:
                continue
            if link_url is not None:
                link_runs.append((content, bold > 0, italic > 0))
            else:
                out.append(run_xml(content, _rpr(bold > 0, italic > 0, strike > 0)))
        return "".join(out)

    def _hyperlink(self, url: str, runs: list[tuple[str, bool, bool]]) -> str:
        rid = f"{self.link_prefix}{len(self.hyperlinks) + 1}"
        self.hyperlinks.append((rid, url))
        link_style = self.sid["Hyperlink"]
        inner = "".join(run_xml(text, _rpr(b, i, style_id=link_style)) for text, b, i in runs)
        return f'<w:hyperlink r:id="{rid}" w:history="1">{inner}</w:hyperlink>'

    # ---- lists
    def _list_ppr(self) -> tuple[str, str]:
        """(style id, numPr) of a paragraph in the current list."""
        level = len(self.list_stack)
        ordered, num_id = self.list_stack[-1]["ordered"], self.list_stack[-1]["num_id"]
        suffix = "" if level <= 1 else f" {min(level, 3)}"
        style = self.sid[("List Number" if ordered else "List Bullet") + suffix]
        ilvl = min(level, 3) - 1
        return style, f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'

    # ---- tables
    def table(self, rows: list[list[list]], header_rows: int) -> None:
        if not rows:
            return
        cols = max(len(r) for r in rows)
        widths = column_widths(rows, cols, self.text_width)
        text_style, head_style = self.sid["Table Text"], self.sid["Table Heading"]
        parts = [
            f'<w:tbl><w:tblPr><w:tblStyle w:val="{self.sid["Table Grid"]}"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
            '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
            'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
            "".join(f'<w:gridCol w:w="{w}"/>' for w in widths),
            "</w:tblGrid>",
        ]
        for r_index, row in enumerate(rows):
            head = r_index < header_rows
            parts.append('<w:tr><w:trPr><w:tblHeader/></w:trPr>' if head else "<w:tr>")
            shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/>' if head else ""
            style = head_style if head else text_style
            for c_index in range(cols):
                tokens = row[c_index] if c_index < len(row) else ()
                parts.append(
                    f'<w:tc><w:tcPr><w:tcW w:w="{widths[c_index]}" w:type="dxa"/>{shade}</w:tcPr>'
                    f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{self.inline(tokens)}</w:p></w:tc>'
                )
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        self.out.append("".join(parts))
        self.out.append(paragraph_xml(ppr_extra='<w:spacing w:after="40"/>'))

    # ---- the walk
    def write(self, tokens) -> None:
        out = self.out
        i, n = 0, len(tokens)
        while i < n:
            tok = tokens[i]
            t = tok.type
            if t == "paragraph_open":
                runs = self.inline(tokens[i + 1].children)
                if self.list_stack:
                    item = self.list_stack[-1]
                    style, num_pr = self._list_ppr()
                    if item["para"] is None:
                        item["para"] = len(out)
                        out.append(paragraph_xml(runs, style, num_pr))
                    elif item["para"] == len(out) - 1:
                        # a second paragraph of the same item continues it on a new line
                        out[-1] = out[-1][: -len("</w:p>")] + "<w:r><w:br/></w:r>" + runs + "</w:p>"
                    else:
                        # after a nested list: same indent, no new number
                        indent = 420 * min(len(self.list_stack), 3)
                        out.append(paragraph_xml(runs, style, f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr><w:ind w:left="{indent}"/>'))
                else:
                    out.append(paragraph_xml(runs, self.sid["Quote"] if self.quote_depth else None))
                i += 3
                continue
            if t == "heading_open":
                level = int(tok.tag[1])
                children = tokens[i + 1].children
                if level == 1 and self.title is None:
                    self.title = "".join(c.content for c in children or () if c.type in ("text", "code_inline"))
                else:
                    name = f"Heading {min(level - 1 if self.title else level, 4) or 1}"
                    out.append(paragraph_xml(self.inline(children), self.sid[name]))
                i += 3
                continue
            if t in ("bullet_list_open", "ordered_list_open"):
                ordered = t == "ordered_list_open"
                if ordered:
                    num_id = self.next_num
                    self.next_num += 1
                    self.list_nums.append((num_id, min(len(self.list_stack), 2), 1))
                else:
                    num_id = self.bullet_num
                self.list_stack.append({"ordered": ordered, "num_id": num_id, "para": None})
            elif t in ("bullet_list_close", "ordered_list_close"):
                self.list_stack.pop()
            elif t == "list_item_open":
                self.list_stack[-1]["para"] = None
            elif t == "blockquote_open":
                self.quote_depth += 1
            elif t == "blockquote_close":
                self.quote_depth -= 1
            elif t == "fence" and self._fence(tok):
                pass
            elif t in ("fence", "code_block"):
                code_style = self.sid["Code Block"]
                for line in tok.content.rstrip("\n").split("\n"):
                    out.append(paragraph_xml(run_xml(line), code_style))
                out.append(paragraph_xml(ppr_extra='<w:spacing w:after="40"/>'))
            elif t == "hr":
                out.append(paragraph_xml(ppr_extra='<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="999999"/></w:pBdr>'))
            elif t == "html_block":
                out.append(paragraph_xml(run_xml(tok.content.rstrip("\n"))))
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

    def body(self) -> Body:
        return Body("".join(self.out), self.title, self.hyperlinks, self.list_nums, self.extra_parts)

    def _table(self, tokens, i: int) -> int:
        rows: list[list[list]] = []
        header_rows = 0
        in_head = False
        current: list[list] | None = None
        while tokens[i].type != "table_close":
            t = tokens[i].type
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
            elif t == "inline" and current is not None:
                current.append(tokens[i].children or [])
            i += 1
        self.table(rows, header_rows)
        return i + 1


def _units(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def column_widths(rows: list[list[list]], cols: int, usable: int) -> list[int]:
    """Column widths in twips. Each column gets room for its longest unbreakable word, and the
    rest of the text width is shared by how much it holds (a CJK character counts double).
    Without this Word and LibreOffice split the width evenly and a long "why" column is squeezed."""
    need, longest = [1] * cols, [0] * cols
    for row in rows:
        for c_index, tokens in enumerate(row[:cols]):
            text = "".join(t.content for t in tokens if t.type in ("text", "code_inline"))
            need[c_index] = max(need[c_index], min(_units(text), 60))
            words = [w for w in text.split() if _units(w) == len(w)]  # Latin runs do not break
            if words:
                longest[c_index] = max(longest[c_index], min(max(map(len, words)), 24))
    floor = [max(1.3, 0.19 * n + 0.45) * TWIPS_PER_CM for n in longest]
    if sum(floor) > usable:
        floor = [f * usable / sum(floor) for f in floor]
    spare = usable - sum(floor)
    total_need = sum(need)
    return [int(f + spare * n / total_need) for f, n in zip(floor, need)]


def cover_xml(meta: DocMeta, title: str, sheet: Stylesheet) -> str:
    """Title page with the document's facts, then a table of contents page."""
    labels = LABELS[meta.lang]
    colon = ": " if meta.lang == "en" else "："
    parts = [paragraph_xml(ppr_extra='<w:spacing w:before="2400"/>'), paragraph_xml(run_xml(title), sheet.sid("Title"))]
    for key, value in (("version", meta.version), ("owner", meta.owner), ("status", meta.status), ("date", meta.date)):
        if value:
            parts.append(paragraph_xml(run_xml(labels[key] + colon, "<w:b/>") + run_xml(clean(value))))
    parts.append(PAGE_BREAK)
    # "TOC Heading" looks like Heading 1 but has no outline level, so the contents do not list themselves
    parts.append(paragraph_xml(run_xml(labels["contents"]), sheet.sid("TOC Heading")))
    # Word fills the TOC when the file opens (settings: updateFields); LibreOffice's PDF export does not.
    parts.append(paragraph_xml(field_xml('TOC \\o "1-3" \\h \\z \\u', run_xml(labels["toc_hint"]))))
    parts.append(PAGE_BREAK)
    return "".join(parts)
