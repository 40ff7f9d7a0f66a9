"""WordprocessingML building blocks shared by the stylesheet, the body writer and the packager.

Nothing here imports another module of the package: the imports go
wml ← stylesheet ← reference, wml ← body (takes a stylesheet), and package (takes a body and a
stylesheet) ← __init__ (markdown_to_docx).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import UserError

NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_HYPERLINK = f"{REL}/hyperlink"
CT_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
W = f"{{{NS_W}}}"
CT_STYLES = f"{CT_WML}.styles+xml"
CT_NUMBERING = f"{CT_WML}.numbering+xml"
CT_SETTINGS = f"{CT_WML}.settings+xml"
CT_HEADER = f"{CT_WML}.header+xml"
CT_FOOTER = f"{CT_WML}.footer+xml"

TWIPS_PER_CM = 567  # 1440 twips per inch / 2.54
# A4 with 2.2 cm side and 2.5 cm top and bottom margins, in twips
PAGE_W, PAGE_H = 11906, 16838
MARGIN_SIDE, MARGIN_TB = round(2.2 * TWIPS_PER_CM), round(2.5 * TWIPS_PER_CM)

# Characters XML 1.0 forbids (DOCX-NOTES); they are dropped.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SPLIT_TAB_NL = re.compile(r"(\t|\n)")

LABELS = {
    "zh": {"version": "版本", "owner": "负责人", "status": "状态", "date": "日期", "contents": "目录",
           "page": "第 {PAGE} 页 / 共 {NUMPAGES} 页"},
    "en": {"version": "Version", "owner": "Owner", "status": "Status", "date": "Date", "contents": "Contents",
           "page": "Page {PAGE} of {NUMPAGES}"},
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


def clean(text: str) -> str:
    return _XML_FORBIDDEN.sub("", text)


def esc(text: str) -> str:
    """Escape text for an XML element or a double-quoted attribute."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def run_xml(text: str, rpr: str = "") -> str:
    """One w:r: tabs become w:tab and newlines w:br, as Word itself stores them."""
    if not text:
        return ""
    props = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    if "\t" not in text and "\n" not in text:
        return f'<w:r>{props}<w:t xml:space="preserve">{esc(text)}</w:t></w:r>'
    parts = []
    for piece in _SPLIT_TAB_NL.split(text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece == "\n":
            parts.append("<w:br/>")
        elif piece:
            parts.append(f'<w:t xml:space="preserve">{esc(piece)}</w:t>')
    return f"<w:r>{props}{''.join(parts)}</w:r>"


def field_xml(instruction: str, result: str = "", dirty: bool = True) -> str:
    """A complex field (PAGE, NUMPAGES, TOC): begin, instruction, separate, result, end.
    `result` is WordprocessingML (runs)."""
    return (
        ('<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>' if dirty
           else '<w:r><w:fldChar w:fldCharType="begin"/></w:r>')
        + f'<w:r><w:instrText xml:space="preserve"> {esc(instruction)} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + result
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def paragraph_xml(content: str = "", style_id: str | None = None, ppr_extra: str = "") -> str:
    """A w:p; `ppr_extra` is w:pPr content that follows w:pStyle in schema order."""
    ppr = (f'<w:pStyle w:val="{esc(style_id)}"/>' if style_id else "") + ppr_extra
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{content}</w:p>"


PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
