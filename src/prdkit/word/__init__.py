"""Markdown → Word (.docx).

prdkit renders every document as Markdown first; this package turns that same Markdown into a
Word file, so one template feeds both and a user's template override changes both.

    wml.py         WordprocessingML building blocks (escaping, runs, fields), DocMeta
    stylesheet.py  the styles a document is written with: prdkit's own (data/word/)
    reference.py   … or a company's .docx (--reference-docx)
    body.py        markdown-it-py tokens → body XML, with a stylesheet (and the cover)
    charts.py      ```mermaid pie / xychart-beta blocks → DrawingML chart parts (a fence handler)
    package.py     zip parts, content types and relationships, from a body and a stylesheet

The imports go one way: wml ← stylesheet ← reference ← package, stylesheet ← body ← package,
and this module uses them all. The known traps (shared DOCX-NOTES) are handled where they
arise: CJK fonts need w:eastAsia (stylesheet), numbered lists need their own w:num to restart
(body), core properties and zip timestamps are fixed so the same input gives the same bytes
(package), and characters XML cannot hold are dropped with a warning (here).
"""

from __future__ import annotations

import gc
from functools import lru_cache
from pathlib import Path
from typing import Callable

from .body import Body, BodyWriter, ExtraPart, FenceHandler, cover_xml
from .charts import mermaid_fence
from .package import build_package
from .stylesheet import CJK_FONT, Stylesheet
from .wml import DocMeta, ReferenceDocxError, clean, clean_text

__all__ = ["Body", "BodyWriter", "DocMeta", "ExtraPart", "FenceHandler", "ReferenceDocxError", "Stylesheet",
           "clean_text", "document_title", "markdown_to_docx"]


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt

    # no task-list plugin: it is quadratic in the number of items; body.py reads "[ ]" itself
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def document_title(tokens, fallback: str) -> str:
    """The first H1 is the document title: it goes on the cover, not again in the body."""
    for index, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.tag == "h1":
            return "".join(c.content for c in tokens[index + 1].children or () if c.type in ("text", "code_inline")) or fallback
    return fallback


def load_stylesheet(cjk_font: str | None, lang: str, reference_docx: Path | None = None) -> Stylesheet:
    """prdkit's stylesheet, or the reference's. `cjk_font` None: the platform default (Microsoft
    YaHei), and a reference keeps its own East Asian fonts."""
    if reference_docx is None:
        return Stylesheet.default(cjk_font or CJK_FONT, lang)
    from .reference import ReferenceStylesheet

    return ReferenceStylesheet.open(Path(reference_docx), cjk_font, lang)


def markdown_to_docx(markdown: str, meta: DocMeta, *, cjk_font: str | None = None,
                     reference_docx: Path | None = None,
                     warn: Callable[[str], None] | None = None,
                     fence_handlers: dict[str, FenceHandler] | None = None) -> bytes:
    """Return the bytes of a .docx for the Markdown. Pure: the caller writes the file."""
    sheet = load_stylesheet(cjk_font, meta.lang, reference_docx)
    # The token lists hold no reference cycles; the cyclic collector, walking them again and
    # again as they grow, made a 10,000-item checklist a third slower and not quite linear.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _convert(markdown, meta, sheet, warn, fence_handlers)
    finally:
        if collecting:
            gc.enable()


def _convert(markdown: str, meta: DocMeta, sheet: Stylesheet, warn, fence_handlers) -> bytes:
    # Drop what XML forbids before parsing: markdown-it would turn NUL into U+FFFD.
    markdown, dropped = clean_text(markdown)
    tokens = _parser().parse(markdown)
    title = clean(document_title(tokens, meta.title))
    # ```mermaid pie and xychart-beta blocks become native charts (charts.py); others stay code
    writer = BodyWriter(sheet, {"mermaid": mermaid_fence, **(fence_handlers or {})})
    writer.write(tokens)
    body = writer.body()
    body.xml = cover_xml(meta, title, sheet, writer) + body.xml
    if dropped and warn:
        warn(f"{dropped} character(s) that Word cannot store (control characters) were left out of the .docx")
    return build_package(body, sheet, meta, title)
