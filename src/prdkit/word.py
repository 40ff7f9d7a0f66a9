"""Markdown → Word (.docx).

prdkit renders every document as Markdown first; this module turns that same Markdown into a
Word file, so one template feeds both and a user's template override changes both. The body
is written by `wordbody` from markdown-it-py tokens; this module puts it in a package with
prdkit's stylesheet (`data/word/`) or, with --reference-docx, with a company's own (`wordref`).

The known traps (shared DOCX-NOTES) are handled here: CJK fonts need w:eastAsia and no theme
attributes, numbered lists need their own w:num to restart, tables need a style for borders
and w:tblHeader to repeat, core properties and zip timestamps are fixed so the same input
gives the same bytes, and characters XML cannot hold are dropped with a warning.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from .errors import UserError
from .wordbody import PAGE_BREAK, TWIPS_PER_CM, BodyWriter, esc, field_xml, paragraph_xml, run_xml

# Characters XML 1.0 forbids (DOCX-NOTES); they are dropped.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_LABELS = {
    "zh": {"version": "版本", "owner": "负责人", "status": "状态", "date": "日期", "contents": "目录",
           "page": "第 {PAGE} 页 / 共 {NUMPAGES} 页", "toc_hint": "（在 Word 中打开时更新目录：右键 → 更新域）"},
    "en": {"version": "Version", "owner": "Owner", "status": "Status", "date": "Date", "contents": "Contents",
           "page": "Page {PAGE} of {NUMPAGES}", "toc_hint": "(Word fills in the contents when the document opens; right-click → Update Field)"},
}
_CATEGORY = {"prd": "PRD", "checklist": "Launch checklist", "report": "Acceptance report"}

NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_HYPERLINK = f"{REL}/hyperlink"
CT_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"

# A4 with 2.2 cm side and 2.5 cm top and bottom margins, in twips
PAGE_W, PAGE_H = 11906, 16838
MARGIN_SIDE, MARGIN_TB = round(2.2 * TWIPS_PER_CM), round(2.5 * TWIPS_PER_CM)

# The style names the body uses; the default stylesheet has them all, a reference document
# gets the missing ones added (wordref).
STYLE_NAMES = ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4",
               "List Bullet", "List Bullet 2", "List Bullet 3", "List Number", "List Number 2", "List Number 3",
               "Code Block", "Quote", "Hyperlink", "Table Text", "Table Heading", "Table Grid", "Header", "Footer",
               "TOC Heading")
DEFAULT_STYLE_IDS = {name: name.replace(" ", "") for name in STYLE_NAMES}


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


def _clean(text: str) -> str:
    return _XML_FORBIDDEN.sub("", text)


# --------------------------------------------------------------------------- package parts


@lru_cache(maxsize=None)
def _data_part(name: str) -> str:
    """A shipped part from data/word/, its explanatory comments removed."""
    text = (Path(__file__).parent / "data" / "word" / name).read_text(encoding="utf-8")
    return re.sub(r"<!--.*?-->\s*", "", text, flags=re.S)


def default_styles(cjk_font: str, lang: str) -> str:
    lang_el = '<w:lang w:val="zh-CN" w:eastAsia="zh-CN"/>' if lang == "zh" else '<w:lang w:val="en-US"/>'
    return _data_part("styles.xml").replace("@CJK_FONT@", esc(cjk_font)).replace("@LANG@", lang_el)


def default_settings(lang: str) -> str:
    return _data_part("settings.xml").replace("@EA_LANG@", "zh-CN" if lang == "zh" else "en-US")


def num_xml(num_id: int, abstract_id: int, level: int) -> str:
    """A w:num that restarts an ordered list at 1."""
    return (f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
            f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="1"/></w:lvlOverride></w:num>')


def header_xml(title: str, style_id: str = "Header") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr xmlns:w="{NS_W}" xmlns:r="{NS_R}">'
            + paragraph_xml(run_xml(title), style_id) + "</w:hdr>")


def footer_xml(lang: str, style_id: str = "Footer") -> str:
    before, rest = _LABELS[lang]["page"].split("{PAGE}")
    middle, after = rest.split("{NUMPAGES}")
    runs = run_xml(before) + field_xml("PAGE", "1") + run_xml(middle) + field_xml("NUMPAGES", "1") + run_xml(after)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr xmlns:w="{NS_W}" xmlns:r="{NS_R}">'
            + paragraph_xml(runs, style_id, '<w:jc w:val="center"/>') + "</w:ftr>")


def core_xml(meta: DocMeta, title: str) -> str:
    try:
        when = _dt.datetime.fromisoformat(meta.date) if meta.date else _dt.datetime(2000, 1, 1)
    except ValueError:
        when = _dt.datetime(2000, 1, 1)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    owner = esc(_clean(meta.owner))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{esc(title)}</dc:title><dc:subject>{esc(_clean(meta.subject))}</dc:subject>"
        f"<dc:creator>{owner}</dc:creator><cp:keywords>{esc(_clean(', '.join(meta.keywords)))}</cp:keywords>"
        f"<dc:description>Generated by prdkit</dc:description><cp:lastModifiedBy>{owner}</cp:lastModifiedBy>"
        f'<cp:revision>1</cp:revision><cp:lastPrinted>{stamp}</cp:lastPrinted>'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        f"<cp:category>{_CATEGORY.get(meta.doc_kind, '')}</cp:category></cp:coreProperties>"
    )


APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           "<Application>prdkit</Application></Properties>")

PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)

CONTENT_TYPES = {
    "/word/document.xml": f"{CT_WML}.document.main+xml",
    "/word/styles.xml": f"{CT_WML}.styles+xml",
    "/word/numbering.xml": f"{CT_WML}.numbering+xml",
    "/word/settings.xml": f"{CT_WML}.settings+xml",
    "/word/header1.xml": f"{CT_WML}.header+xml",
    "/word/footer1.xml": f"{CT_WML}.footer+xml",
    "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
    "/docProps/app.xml": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
}


def content_types_xml(overrides: dict[str, str], defaults: dict[str, str] | None = None) -> str:
    defaults = defaults or {"rels": "application/vnd.openxmlformats-package.relationships+xml", "xml": "application/xml"}
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        + "".join(f'<Default Extension="{esc(ext)}" ContentType="{esc(ct)}"/>' for ext, ct in defaults.items())
        + "".join(f'<Override PartName="{esc(name)}" ContentType="{esc(ct)}"/>' for name, ct in overrides.items())
        + "</Types>"
    )


_EXTERNAL = ' TargetMode="External"'


def rels_xml(rels: list[tuple[str, str, str, bool]]) -> str:
    """(id, type, target, external) → a .rels part."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="{rid}" Type="{rtype}" Target="{esc(target)}"{_EXTERNAL if external else ""}/>'
            for rid, rtype, target, external in rels
        )
        + "</Relationships>"
    )


def sect_pr_xml(header_rid: str | None = None, footer_rid: str | None = None, namespaces: str = "") -> str:
    """A4 section properties; header and footer references come first in CT_SectPr."""
    refs = (f'<w:headerReference w:type="default" r:id="{header_rid}"/>' if header_rid else "") + (
        f'<w:footerReference w:type="default" r:id="{footer_rid}"/>' if footer_rid else "")
    return (
        f'<w:sectPr{namespaces}>{refs}'
        f'<w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
        f'<w:pgMar w:top="{MARGIN_TB}" w:right="{MARGIN_SIDE}" w:bottom="{MARGIN_TB}" w:left="{MARGIN_SIDE}" '
        'w:header="708" w:footer="708" w:gutter="0"/><w:cols w:space="708"/><w:docGrid w:linePitch="360"/></w:sectPr>'
    )


def document_xml(body: str, sect_pr: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{NS_W}" xmlns:r="{NS_R}">'
            f"<w:body>{body}{sect_pr}</w:body></w:document>")


def zip_package(parts: dict[str, str | bytes]) -> bytes:
    """Fixed timestamps and order, so the same input gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            package.writestr(info, content.encode("utf-8") if isinstance(content, str) else content, compresslevel=6)
    return out.getvalue()


# --------------------------------------------------------------------------- the document


def cover_xml(meta: DocMeta, title: str, sid: dict[str, str]) -> str:
    """Title page with the document's facts, then a table of contents page."""
    labels = _LABELS[meta.lang]
    colon = ": " if meta.lang == "en" else "："
    parts = [paragraph_xml(ppr_extra='<w:spacing w:before="2400"/>'), paragraph_xml(run_xml(title), sid["Title"])]
    for key, value in (("version", meta.version), ("owner", meta.owner), ("status", meta.status), ("date", meta.date)):
        if value:
            parts.append(paragraph_xml(run_xml(labels[key] + colon, "<w:b/>") + run_xml(_clean(value))))
    parts.append(PAGE_BREAK)
    # "TOC Heading" looks like Heading 1 but has no outline level, so the contents do not list themselves
    parts.append(paragraph_xml(run_xml(labels["contents"]), sid["TOC Heading"]))
    # Word fills the TOC when the file opens (settings: updateFields); LibreOffice's PDF export does not.
    parts.append(paragraph_xml(field_xml('TOC \\o "1-3" \\h \\z \\u', labels["toc_hint"])))
    parts.append(PAGE_BREAK)
    return "".join(parts)


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.tasklists import tasklists_plugin

    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).use(tasklists_plugin)


def document_title(tokens, fallback: str) -> str:
    """The first H1 is the document title: it goes on the cover, not again in the body."""
    for index, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.tag == "h1":
            return "".join(c.content for c in tokens[index + 1].children or () if c.type in ("text", "code_inline")) or fallback
    return fallback


def markdown_to_docx(markdown: str, meta: DocMeta, *, cjk_font: str = "Noto Sans CJK SC",
                     reference_docx: Path | None = None,
                     warn: Callable[[str], None] | None = None) -> bytes:
    """Return the bytes of a .docx for the Markdown. Pure: the caller writes the file."""
    reference = None
    if reference_docx is not None:
        from .wordref import ReferencePackage

        reference = ReferencePackage.open(Path(reference_docx), cjk_font, meta.lang)
    # Drop what XML forbids before parsing: markdown-it would turn NUL into U+FFFD.
    markdown, dropped = clean_text(markdown)
    tokens = _parser().parse(markdown)
    title = _clean(document_title(tokens, meta.title))
    if reference is None:
        writer = BodyWriter(DEFAULT_STYLE_IDS, meta.lang, PAGE_W - 2 * MARGIN_SIDE,
                            bullet_num=1, number_abstract=1, next_num=3)
    else:
        writer = BodyWriter(reference.style_ids, meta.lang, reference.text_width, bullet_num=reference.bullet_num,
                            number_abstract=reference.number_abstract, next_num=reference.next_num,
                            link_prefix="rIdPrdkitLink")
    writer.write(tokens)
    body = cover_xml(meta, title, writer.sid) + "".join(writer.out)
    if dropped and warn:
        warn(f"{dropped} character(s) that Word cannot store (control characters) were left out of the .docx")
    nums = "".join(num_xml(num_id, writer.number_abstract, level) for num_id, level in writer.list_nums)
    links = [(rid, REL_HYPERLINK, url, True) for rid, url in writer.hyperlinks]
    if reference is not None:
        return zip_package(reference.parts(
            body, nums, links, header_xml(title, writer.sid["Header"]), footer_xml(meta.lang, writer.sid["Footer"]),
            core_xml(meta, title), APP_XML))
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": content_types_xml(CONTENT_TYPES),
        "_rels/.rels": PACKAGE_RELS,
        "word/document.xml": document_xml(body, sect_pr_xml("rIdHeader", "rIdFooter")),
        "word/_rels/document.xml.rels": rels_xml([
            ("rIdStyles", f"{REL}/styles", "styles.xml", False),
            ("rIdNumbering", f"{REL}/numbering", "numbering.xml", False),
            ("rIdSettings", f"{REL}/settings", "settings.xml", False),
            ("rIdHeader", f"{REL}/header", "header1.xml", False),
            ("rIdFooter", f"{REL}/footer", "footer1.xml", False),
            *links,
        ]),
        "word/styles.xml": default_styles(cjk_font, meta.lang),
        "word/numbering.xml": _data_part("numbering.xml").replace("@NUMS@", nums),
        "word/settings.xml": default_settings(meta.lang),
        "word/header1.xml": header_xml(title),
        "word/footer1.xml": footer_xml(meta.lang),
        "docProps/core.xml": core_xml(meta, title),
        "docProps/app.xml": APP_XML,
    }
    return zip_package(parts)
