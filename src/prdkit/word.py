"""Markdown → Word (.docx): markdown-it-py tokens walked into python-docx.

prdkit renders every document as Markdown first; this module turns that same Markdown into a
Word file, so one template feeds both and a user's template override changes both. The known
traps of python-docx and LibreOffice are handled here (see shared DOCX-NOTES): CJK fonts need
w:eastAsia and no theme attributes, numbered lists need their own w:num to restart, tables
need a style for borders and w:tblHeader to repeat, hyperlinks need raw XML, core properties
and zip timestamps must be set for deterministic output.
"""

from __future__ import annotations

import copy
import datetime as _dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from markdown_it import MarkdownIt
from mdit_py_plugins.tasklists import tasklists_plugin

from .errors import UserError

MONO_FONT = "DejaVu Sans Mono"
SYMBOL_FONT = "DejaVu Sans"  # has ☐ ☑; Noto CJK does not
LATIN_FONT = "Calibri"
HEADING_COLOR = RGBColor(0x1F, 0x3A, 0x5F)
HEADER_FILL = "DCE6F1"
# Characters XML 1.0 forbids; lxml raises on them (DOCX-NOTES), so they are dropped.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_LABELS = {
    "zh": {"version": "版本", "owner": "负责人", "status": "状态", "date": "日期", "contents": "目录",
           "page": "第 {PAGE} 页 / 共 {NUMPAGES} 页", "toc_hint": "（在 Word 中打开时更新目录：右键 → 更新域）"},
    "en": {"version": "Version", "owner": "Owner", "status": "Status", "date": "Date", "contents": "Contents",
           "page": "Page {PAGE} of {NUMPAGES}", "toc_hint": "(Word fills in the contents when the document opens; right-click → Update Field)"},
}


class ReferenceDocxError(UserError):
    """The --reference-docx file is missing or not a Word document (exit 2, like any bad input)."""


@dataclass(frozen=True)
class DocMeta:
    title: str
    lang: str
    owner: str = ""
    version: str = ""
    status: str = ""
    date: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = ()
    doc_kind: str = "prd"


def clean_text(text: str) -> tuple[str, int]:
    """Drop characters XML cannot hold; return the text and how many were dropped."""
    cleaned, count = _XML_FORBIDDEN.subn("", text)
    return cleaned, count


# --------------------------------------------------------------------------- document setup


def _set_run_fonts(rpr, cjk_font: str, lang: str) -> None:
    """Explicit Latin and East Asian fonts on one w:rPr, theme fonts removed, zh-CN for Chinese."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), cjk_font)
    if lang == "zh":
        lang_el = rpr.find(qn("w:lang"))
        if lang_el is None:
            lang_el = OxmlElement("w:lang")
            rpr.append(lang_el)
        lang_el.set(qn("w:eastAsia"), "zh-CN")


def _set_cjk_fonts(doc, cjk_font: str, lang: str) -> None:
    """w:eastAsia on Normal, Title and headings, theme attributes removed (they win over an
    explicit font in LibreOffice), zh-CN language for Chinese documents (python-docx #154,
    #1139, #1601)."""
    styles = doc.styles
    names = ["Normal", "Title", "Subtitle"] + [f"Heading {i}" for i in range(1, 10)]
    for name in names:
        try:
            style = styles[name]
        except KeyError:
            continue
        _set_run_fonts(style.element.get_or_add_rPr(), cjk_font, lang)
    # docDefaults too, so runs without a style follow
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr")) if defaults is not None else None
    if rpr is not None:
        _set_run_fonts(rpr, cjk_font, lang)
    if lang == "zh":
        settings = doc.settings.element
        for el in settings.iter(qn("w:themeFontLang")):
            el.set(qn("w:eastAsia"), "zh-CN")


def _ensure_style(doc, name: str, kind, base: str | None = None):
    try:
        return doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, kind)
        if base:
            try:
                style.base_style = doc.styles[base]
            except KeyError:
                pass
        return style


def _setup_styles(doc, cjk_font: str, lang: str, own_template: bool) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    if own_template:
        normal.font.size = Pt(10.5)
        pf = normal.paragraph_format
        pf.space_after = Pt(6)
        pf.line_spacing = 1.25
        for level in range(1, 5):
            style = _ensure_style(doc, f"Heading {level}", WD_STYLE_TYPE.PARAGRAPH, "Normal")
            style.font.color.rgb = HEADING_COLOR
            style.font.size = Pt({1: 18, 2: 15, 3: 12.5, 4: 11}[level])
            style.paragraph_format.space_before = Pt({1: 18, 2: 16, 3: 12, 4: 10}[level])
            style.paragraph_format.space_after = Pt(6)
        title = _ensure_style(doc, "Title", WD_STYLE_TYPE.PARAGRAPH, "Normal")
        title.font.size = Pt(26)
        title.font.color.rgb = HEADING_COLOR
    else:
        for level in range(1, 5):
            _ensure_style(doc, f"Heading {level}", WD_STYLE_TYPE.PARAGRAPH, "Normal")
        _ensure_style(doc, "Title", WD_STYLE_TYPE.PARAGRAPH, "Normal")
    for name in ("List Bullet", "List Bullet 2", "List Bullet 3", "List Number", "List Number 2", "List Number 3"):
        _ensure_style(doc, name, WD_STYLE_TYPE.PARAGRAPH, "Normal")
    code = _ensure_style(doc, "Code Block", WD_STYLE_TYPE.PARAGRAPH, "Normal")
    code.font.name = MONO_FONT
    code.font.size = Pt(9)
    code.paragraph_format.space_after = Pt(0)
    code.paragraph_format.line_spacing = 1.0
    quote = _ensure_style(doc, "Quote", WD_STYLE_TYPE.PARAGRAPH, "Normal")
    quote.paragraph_format.left_indent = Cm(0.8)
    quote.font.italic = True
    quote.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    link = _ensure_style(doc, "Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    link.font.underline = True
    table_text = _ensure_style(doc, "Table Text", WD_STYLE_TYPE.PARAGRAPH, "Normal")
    table_text.font.size = Pt(9.5)
    table_text.paragraph_format.space_after = Pt(0)
    table_text.paragraph_format.line_spacing = 1.1
    # header cells get a bold paragraph style rather than bold on every run
    table_header = _ensure_style(doc, "Table Heading", WD_STYLE_TYPE.PARAGRAPH, "Table Text")
    table_header.font.bold = True
    _ensure_style(doc, "Table Grid", WD_STYLE_TYPE.TABLE)
    _set_cjk_fonts(doc, cjk_font, lang)


def _a4(section) -> None:
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.5)


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A complex field (PAGE, NUMPAGES, TOC): begin, instruction, separate, result, end."""
    def char(kind: str):
        run = paragraph.add_run()
        fld = OxmlElement("w:fldChar")
        fld.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            fld.set(qn("w:dirty"), "true")
        run._r.append(fld)
        return run

    char("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    char("separate")
    paragraph.add_run(placeholder)
    char("end")


def _header_footer(doc, meta: DocMeta, title: str) -> None:
    section = doc.sections[0]
    header = section.header
    if not any(p.text.strip() for p in header.paragraphs):
        p = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        p.text = title
        p.style.font.size = Pt(9)
    footer = section.footer
    if not any(p.text.strip() for p in footer.paragraphs):
        p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        template = _LABELS[meta.lang]["page"]
        before, rest = template.split("{PAGE}")
        middle, after = rest.split("{NUMPAGES}")
        p.add_run(before)
        _field(p, "PAGE", "1")
        p.add_run(middle)
        _field(p, "NUMPAGES", "1")
        p.add_run(after)
        p.alignment = 1  # centre


def _clear_body(doc) -> None:
    """A reference document keeps its styles, header and footer, not its sample body."""
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _core_properties(doc, meta: DocMeta, title: str) -> None:
    props = doc.core_properties
    props.title = title
    props.author = meta.owner or ""
    props.last_modified_by = meta.owner or ""
    props.subject = meta.subject or ""
    props.keywords = ", ".join(meta.keywords)
    props.category = {"prd": "PRD", "checklist": "Launch checklist", "report": "Acceptance report"}.get(meta.doc_kind, "")
    props.comments = "Generated by prdkit"
    props.revision = 1
    try:
        when = _dt.datetime.fromisoformat(meta.date) if meta.date else _dt.datetime(2000, 1, 1)
    except ValueError:
        when = _dt.datetime(2000, 1, 1)
    props.created = when
    props.modified = when
    props.last_printed = when


# --------------------------------------------------------------------------- Markdown walking


class _Writer:
    def __init__(self, doc, meta: DocMeta):
        self.doc = doc
        self._style_ids: dict[str, str] = {}
        self.meta = meta
        self.dropped = 0
        self.list_stack: list[dict] = []  # {"ordered": bool, "num_id": int | None}
        self.quote_depth = 0
        self.title: str | None = None
        self.item_paragraph = None  # the paragraph of the list item being written

    # ---- paragraphs
    def style_id(self, name: str) -> str:
        if name not in self._style_ids:
            self._style_ids[name] = self.doc.styles[name].style_id
        return self._style_ids[name]

    def paragraph(self, style: str | None = None, container=None):
        """A new paragraph with its style set directly in the XML (fast, same result)."""
        p = (container or self.doc).add_paragraph()
        if style:
            p._p.get_or_add_pPr().style = self.style_id(style)
        return p

    # ---- text helpers
    def text(self, value: str) -> str:
        cleaned, count = clean_text(value)
        self.dropped += count
        return cleaned

    def add_text_run(self, paragraph, text: str, bold=False, italic=False, code=False, strike=False, style=None):
        text = self.text(text)
        # \t becomes w:tab and \n a w:br when set through run.text
        run = paragraph.add_run(text, style=style)
        if bold:
            run.bold = True
        if italic:
            run.italic = True
        if strike:
            run.font.strike = True
        if code:
            run.font.name = MONO_FONT
            run.font.size = Pt(9.5)
        return run

    def add_hyperlink(self, paragraph, url: str, text_parts: list[tuple[str, dict]]):
        part = paragraph.part
        r_id = part.relate_to(url, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink", is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), r_id)
        for text, fmt in text_parts:
            run = OxmlElement("w:r")
            rpr = OxmlElement("w:rPr")
            rstyle = OxmlElement("w:rStyle")
            rstyle.set(qn("w:val"), self.doc.styles["Hyperlink"].style_id)
            rpr.append(rstyle)
            if fmt.get("bold"):
                rpr.append(OxmlElement("w:b"))
            if fmt.get("italic"):
                rpr.append(OxmlElement("w:i"))
            run.append(rpr)
            t = OxmlElement("w:t")
            t.set(qn("xml:space"), "preserve")
            t.text = self.text(text)
            run.append(t)
            link.append(run)
        paragraph._p.append(link)

    def inline(self, paragraph, tokens) -> None:
        """Write inline tokens (text, emphasis, code, links, breaks) into a paragraph."""
        fmt = {"bold": 0, "italic": 0, "strike": 0}
        link_url = None
        link_parts: list[tuple[str, dict]] = []
        for tok in tokens or []:
            t = tok.type
            if t == "strong_open":
                fmt["bold"] += 1
            elif t == "strong_close":
                fmt["bold"] -= 1
            elif t == "em_open":
                fmt["italic"] += 1
            elif t == "em_close":
                fmt["italic"] -= 1
            elif t == "s_open":
                fmt["strike"] += 1
            elif t == "s_close":
                fmt["strike"] -= 1
            elif t == "link_open":
                link_url = tok.attrGet("href") or ""
                link_parts = []
            elif t == "link_close":
                if link_url and re.match(r"^(https?|mailto):", link_url):
                    self.add_hyperlink(paragraph, link_url, link_parts)
                else:
                    for text, f in link_parts:
                        self.add_text_run(paragraph, text, bold=f["bold"], italic=f["italic"])
                link_url = None
            elif t in ("text", "code_inline", "html_inline", "softbreak", "hardbreak", "image"):
                if t == "softbreak":
                    content = " " if self.meta.lang == "en" else ""
                elif t == "hardbreak":
                    content = "\n"
                elif t == "html_inline":
                    content = "\n" if re.fullmatch(r"<br\s*/?>", tok.content.strip(), re.I) else tok.content
                    if re.match(r"<input[^>]*checkbox", tok.content, re.I):
                        checked = "checked" in tok.content
                        run = self.add_text_run(paragraph, ("☑" if checked else "☐") + " ")
                        run.font.name = SYMBOL_FONT
                        continue
                elif t == "image":
                    content = tok.content or tok.attrGet("src") or ""
                else:
                    content = tok.content
                if link_url is not None:
                    link_parts.append((content, {"bold": fmt["bold"] > 0, "italic": fmt["italic"] > 0}))
                else:
                    self.add_text_run(paragraph, content, bold=fmt["bold"] > 0, italic=fmt["italic"] > 0,
                                      code=(t == "code_inline"), strike=fmt["strike"] > 0)

    # ---- lists
    def _new_num(self, ordered: bool) -> int | None:
        """A fresh w:num per ordered list, restarting at 1 (python-docx #25)."""
        if not ordered:
            return None
        numbering = self.doc.part.numbering_part.numbering_definitions._numbering
        style = self.doc.styles["List Number"]
        num_pr = style.element.pPr.find(qn("w:numPr")) if style.element.pPr is not None else None
        if num_pr is None or num_pr.find(qn("w:numId")) is None:
            return None
        base_num_id = int(num_pr.find(qn("w:numId")).get(qn("w:val")))
        abstract_id = None
        for num in numbering.findall(qn("w:num")):
            if int(num.get(qn("w:numId"))) == base_num_id:
                abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        if abstract_id is None:
            return None
        new_id = max(int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))) + 1
        num = OxmlElement("w:num")
        num.set(qn("w:numId"), str(new_id))
        abstract = OxmlElement("w:abstractNumId")
        abstract.set(qn("w:val"), abstract_id)
        num.append(abstract)
        override = OxmlElement("w:lvlOverride")
        override.set(qn("w:ilvl"), "0")
        start = OxmlElement("w:startOverride")
        start.set(qn("w:val"), "1")
        override.append(start)
        num.append(override)
        numbering.append(num)
        return new_id

    def list_paragraph(self):
        level = len(self.list_stack)
        current = self.list_stack[-1]
        suffix = "" if level <= 1 else f" {min(level, 3)}"
        style = ("List Number" if current["ordered"] else "List Bullet") + suffix
        p = self.paragraph(style)
        if current["ordered"] and current["num_id"] is not None and level == 1:
            ppr = p._p.get_or_add_pPr()
            num_pr = OxmlElement("w:numPr")
            ilvl = OxmlElement("w:ilvl")
            ilvl.set(qn("w:val"), "0")
            num_id = OxmlElement("w:numId")
            num_id.set(qn("w:val"), str(current["num_id"]))
            num_pr.append(ilvl)
            num_pr.append(num_id)
            ppr.append(num_pr)
        return p

    # ---- tables
    def table(self, rows: list[list[list]], header_rows: int) -> None:
        if not rows:
            return
        from docx.table import _Cell

        cols = max(len(r) for r in rows)
        table = self.doc.add_table(rows=len(rows), cols=cols)
        table.style = self.doc.styles["Table Grid"]
        table.autofit = True
        text_style = self.style_id("Table Text")
        header_style = self.style_id("Table Heading")
        # Walk the XML rows and cells directly: table.cell(r, c) rescans the whole table (O(n²)).
        for r_index, (row, tr) in enumerate(zip(rows, table._tbl.tr_lst)):
            for c_index, tc in enumerate(tr.tc_lst):
                cell = _Cell(tc, table)
                paragraph = cell.paragraphs[0]
                paragraph._p.get_or_add_pPr().style = header_style if r_index < header_rows else text_style
                tokens = row[c_index] if c_index < len(row) else []
                self.inline(paragraph, tokens)
                if r_index < header_rows:
                    tc_pr = cell._tc.get_or_add_tcPr()
                    shade = OxmlElement("w:shd")
                    shade.set(qn("w:val"), "clear")
                    shade.set(qn("w:color"), "auto")
                    shade.set(qn("w:fill"), HEADER_FILL)
                    tc_pr.append(shade)
            if r_index < header_rows:
                tr_pr = tr.get_or_add_trPr()
                header = OxmlElement("w:tblHeader")
                header.set(qn("w:val"), "true")
                tr_pr.append(header)
        self._column_widths(table, rows, cols)
        self.doc.add_paragraph().paragraph_format.space_after = Pt(2)

    def _column_widths(self, table, rows, cols: int) -> None:
        """Each column gets room for its longest unbreakable word, and the rest of the text
        width is shared by how much it holds (a CJK character counts double). Without this
        Word and LibreOffice split the width evenly and a long "why" column is squeezed."""
        def units(text: str) -> int:
            return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

        need, longest = [1] * cols, [0] * cols
        for row in rows:
            for c_index, tokens in enumerate(row[:cols]):
                text = "".join(t.content for t in tokens if t.type in ("text", "code_inline"))
                need[c_index] = max(need[c_index], min(units(text), 60))
                words = [w for w in re.split(r"\s+", text) if w and units(w) == len(w)]  # Latin runs do not break
                longest[c_index] = max([longest[c_index]] + [min(len(w), 24) for w in words])
        section = self.doc.sections[-1]
        usable = section.page_width - section.left_margin - section.right_margin
        floor = [max(Cm(1.3), Cm(0.19) * n + Cm(0.45)) for n in longest]
        if sum(floor) > usable:
            floor = [int(f * usable / sum(floor)) for f in floor]
        spare = usable - sum(floor)
        widths = [int(f + spare * n / sum(need)) for f, n in zip(floor, need)]
        table.autofit = False
        for tr in table._tbl.tr_lst:
            for c_index, tc in enumerate(tr.tc_lst):
                tc.width = widths[c_index]
        for c_index, col in enumerate(table._tbl.tblGrid.gridCol_lst):
            col.w = widths[c_index]

    # ---- the walk
    def write(self, tokens) -> None:
        i = 0
        n = len(tokens)
        while i < n:
            tok = tokens[i]
            t = tok.type
            if t == "heading_open":
                level = int(tok.tag[1])
                inline = tokens[i + 1]
                if level == 1 and self.title is None:
                    self.title = "".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline"))
                    i += 3
                    continue
                p = self.paragraph(f"Heading {min(level - 1 if self.title else level, 4) or 1}")
                self.inline(p, inline.children)
                i += 3
                continue
            if t == "paragraph_open":
                inline = tokens[i + 1]
                if self.list_stack:
                    if self.item_paragraph is not None:
                        # a second paragraph of the same list item continues it on a new line
                        p = self.item_paragraph
                        p.add_run().add_break()
                    else:
                        p = self.item_paragraph = self.list_paragraph()
                else:
                    p = self.paragraph("Quote" if self.quote_depth else None)
                self.inline(p, inline.children)
                i += 3
                continue
            if t in ("bullet_list_open", "ordered_list_open"):
                ordered = t == "ordered_list_open"
                self.list_stack.append({"ordered": ordered, "num_id": self._new_num(ordered) if not self.list_stack else None})
                self.item_paragraph = None
            elif t in ("bullet_list_close", "ordered_list_close"):
                self.list_stack.pop()
            elif t in ("list_item_open", "list_item_close"):
                self.item_paragraph = None
            elif t == "blockquote_open":
                self.quote_depth += 1
            elif t == "blockquote_close":
                self.quote_depth -= 1
            elif t in ("fence", "code_block"):
                lines = tok.content.rstrip("\n").split("\n")
                for line in lines:
                    p = self.paragraph("Code Block")
                    self.add_text_run(p, line)
                self.doc.add_paragraph().paragraph_format.space_after = Pt(2)
            elif t == "hr":
                p = self.doc.add_paragraph()
                p_pr = p._p.get_or_add_pPr()
                border = OxmlElement("w:pBdr")
                bottom = OxmlElement("w:bottom")
                for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "999999")):
                    bottom.set(qn(k), v)
                border.append(bottom)
                p_pr.append(border)
            elif t == "html_block":
                p = self.doc.add_paragraph()
                self.add_text_run(p, tok.content.rstrip("\n"))
            elif t == "table_open":
                i = self._table(tokens, i)
                continue
            i += 1

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


def _cover(doc, meta: DocMeta, title: str) -> None:
    labels = _LABELS[meta.lang]
    spacer = doc.add_paragraph()
    spacer.paragraph_format.space_before = Pt(120)
    doc.add_paragraph(_clean(title), style="Title")
    for key, value in (("version", meta.version), ("owner", meta.owner), ("status", meta.status), ("date", meta.date)):
        if value:
            p = doc.add_paragraph()
            label = p.add_run(f"{labels[key]}: " if meta.lang == "en" else f"{labels[key]}：")
            label.bold = True
            p.add_run(_clean(value))
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph(labels["contents"], style="Heading 1")
    toc = doc.add_paragraph()
    _field(toc, 'TOC \\o "1-3" \\h \\z \\u', labels["toc_hint"])
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    # Word fills the TOC when the file opens (LibreOffice's PDF export does not).
    settings = doc.settings.element
    if settings.find(qn("w:updateFields")) is None:
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        settings.append(update)


def _clean(text: str) -> str:
    return clean_text(text)[0]


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).use(tasklists_plugin)


def _deterministic_zip(data: bytes) -> bytes:
    """Re-pack with fixed timestamps and no thumbnail, so the same input gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            if info.filename.startswith("docProps/thumbnail"):
                continue
            content = source.read(info.filename)
            if info.filename == "[Content_Types].xml" or info.filename.endswith(".rels"):
                content = re.sub(rb'<Override PartName="/docProps/thumbnail[^>]*/>', b"", content)
                content = re.sub(rb'<Relationship [^>]*Target="docProps/thumbnail[^"]*"[^>]*/>', b"", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, content, compresslevel=1)
    return out.getvalue()


def markdown_to_docx(markdown: str, meta: DocMeta, *, cjk_font: str = "Noto Sans CJK SC",
                     reference_docx: Path | None = None,
                     warn: Callable[[str], None] | None = None) -> bytes:
    """Return the bytes of a .docx for the Markdown. Pure: the caller writes the file."""
    if reference_docx is not None:
        path = Path(reference_docx)
        if not path.is_file():
            raise ReferenceDocxError(f"--reference-docx: {path}: no such file")
        try:
            doc = Document(str(path))
        except Exception as exc:  # python-docx raises several kinds for a non-docx file
            raise ReferenceDocxError(f"--reference-docx: {path}: not a Word .docx file") from None
        _clear_body(doc)
    else:
        doc = Document()
        _a4(doc.sections[0])
    _setup_styles(doc, cjk_font, meta.lang, own_template=reference_docx is None)
    # Drop what XML forbids before parsing: markdown-it would turn NUL into U+FFFD.
    markdown, dropped = clean_text(markdown)
    tokens = _parser().parse(markdown)
    writer = _Writer(doc, meta)
    writer.dropped = dropped
    # The first H1 is the document title: it goes on the cover, not again in the body.
    title = meta.title
    for index, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.tag == "h1":
            title = "".join(c.content for c in tokens[index + 1].children or [] if c.type in ("text", "code_inline")) or title
            break
    title = _clean(title)
    _cover(doc, meta, title)
    writer.write(tokens)
    _header_footer(doc, meta, title)
    _core_properties(doc, meta, title)
    if writer.dropped and warn:
        warn(f"{writer.dropped} character(s) that Word cannot store (control characters) were left out of the .docx")
    buffer = io.BytesIO()
    doc.save(buffer)
    return _deterministic_zip(buffer.getvalue())
