"""A stylesheet read from a company's own .docx (`--reference-docx`).

Like pandoc's reference document: its styles, page set-up, header and footer, theme and fonts
are kept; its body is not. The styles prdkit writes with but the reference lacks (say "Table
Text") are copied in from prdkit's stylesheet, the CJK font is set on the text styles, and
prdkit's list definitions are added beside the reference's own under free ids. The rest of the
reference (theme, font table, headers, page set-up) goes into the package as it is (package.py).
"""

from __future__ import annotations

import copy
import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .stylesheet import DEFAULT_STYLE_IDS, STYLE_NAMES, Stylesheet, data_part, default_styles
from .wml import CT_NUMBERING, CT_STYLES, MARGIN_SIDE, NS_W, PAGE_W, REL, ReferenceDocxError

W = f"{{{NS_W}}}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
PKG_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
REL_THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
_FONT_STYLES = {"normal", "title", "subtitle"} | {f"heading {i}" for i in range(1, 10)}
# CT_Style children that come after w:rPr, and CT_RPr children that come after w:lang
_AFTER_RPR = {W + t for t in ("tblPr", "trPr", "tcPr", "tblStylePr")}
_AFTER_LANG = {W + t for t in ("eastAsianLayout", "specVanish", "oMath")}
# CT_Settings children that follow w:updateFields
_AFTER_UPDATE_FIELDS = {W + t for t in ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids",
                                         "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping",
                                         "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade",
                                         "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary",
                                         "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")}


def _xml(element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


def _text_of(xml: bytes) -> str:
    root = etree.fromstring(xml)
    return "".join(t.text or "" for t in root.iter(W + "t"))


def _set_fonts(style, cjk_font: str, lang: str) -> None:
    """Explicit Latin and East Asian fonts, theme attributes removed (they win over an explicit
    font in LibreOffice), zh-CN for Chinese (python-docx #154, #1139, #1601)."""
    rpr = style.find(W + "rPr")
    if rpr is None:
        rpr = etree.Element(W + "rPr")
        after = next((child for child in style if child.tag in _AFTER_RPR), None)
        after.addprevious(rpr) if after is not None else style.append(rpr)
    fonts = rpr.find(W + "rFonts")
    if fonts is None:
        fonts = etree.Element(W + "rFonts")
        rpr.insert(1 if len(rpr) and rpr[0].tag == W + "rStyle" else 0, fonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(W + attr, None)
    fonts.set(W + "eastAsia", cjk_font)
    if lang == "zh":
        lang_el = rpr.find(W + "lang")
        if lang_el is None:
            lang_el = etree.Element(W + "lang")
            after = next((child for child in rpr if child.tag in _AFTER_LANG), None)
            after.addprevious(lang_el) if after is not None else rpr.append(lang_el)
        lang_el.set(W + "eastAsia", "zh-CN")


@dataclass(kw_only=True)
class ReferenceStylesheet(Stylesheet):
    """A reference document read and parsed by open() (a bad file fails there, with a user
    error); the packager then only edits the parsed trees, so it is used once per document."""

    files: dict[str, bytes]
    doc_part: str  # e.g. word/document.xml
    doc_rels: list[tuple[str, str, str, bool]]
    sect_pr: bytes | None
    styles_part: str
    styles_root: object
    abstract_offset: int
    numbering_part: str
    numbering_root: object
    settings_part: str | None
    settings_root: object | None
    package_rels_root: object
    content_types_root: object
    speaking_parts: set[str]  # relationship ids of headers and footers that hold text
    added_types: dict[str, str] = field(default_factory=dict)
    base_package: bool = True  # the packager starts from `files`

    # ---- reading
    @classmethod
    def open(cls, path: Path, cjk_font: str, lang: str) -> "ReferenceStylesheet":
        if not path.is_file():
            raise ReferenceDocxError(f"--reference-docx: {path}: no such file")
        try:
            with zipfile.ZipFile(path) as archive:
                files = {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}
            doc_part = cls._main_part(files)
            return cls._build(files, doc_part, cjk_font, lang)
        except ReferenceDocxError:
            raise
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError, etree.XMLSyntaxError, OSError):
            # a foreign file: whatever it lacks or breaks, the user hears which file, not a traceback
            raise ReferenceDocxError(f"--reference-docx: {path}: not a Word .docx file") from None

    @staticmethod
    def _main_part(files: dict[str, bytes]) -> str:
        rels = etree.fromstring(files["_rels/.rels"])
        for rel in rels.iter(PKG_RELS + "Relationship"):
            if rel.get("Type") == f"{REL}/officeDocument":
                return rel.get("Target").lstrip("/")
        raise KeyError("officeDocument")

    @classmethod
    def _build(cls, files: dict[str, bytes], doc_part: str, cjk_font: str, lang: str) -> "ReferenceStylesheet":
        folder = posixpath.dirname(doc_part)
        rels_name = posixpath.join(folder, "_rels", posixpath.basename(doc_part) + ".rels")
        doc_rels = []
        if rels_name in files:
            for rel in etree.fromstring(files[rels_name]).iter(PKG_RELS + "Relationship"):
                if rel.get("Type") == f"{REL}/hyperlink":
                    continue  # the reference's body links go with its body
                doc_rels.append((rel.get("Id"), rel.get("Type"), rel.get("Target"), rel.get("TargetMode") == "External"))
        document = etree.fromstring(files[doc_part])
        body = document.find(W + "body")
        sect = body.find(W + "sectPr") if body is not None else None
        added: dict[str, str] = {}

        def part_of(kind: str) -> str | None:
            for _, rtype, target, external in doc_rels:
                if rtype == f"{REL}/{kind}" and not external:
                    return posixpath.normpath(posixpath.join(folder, target))
            return None

        # styles: the reference's, plus prdkit's for the names it lacks
        styles_part = part_of("styles")
        if styles_part is None or styles_part not in files:
            styles_part = posixpath.join(folder, "styles.xml")
            files[styles_part] = default_styles(cjk_font, lang).encode("utf-8")
            doc_rels.append(("rIdPrdkitStyles", f"{REL}/styles", "styles.xml", False))
            added["/" + styles_part] = CT_STYLES
        styles_root = etree.fromstring(files[styles_part])

        # numbering: prdkit's bullets and numbers go after the reference's own ids
        numbering_part = part_of("numbering")
        if numbering_part is None or numbering_part not in files:
            numbering_part = posixpath.join(folder, "numbering.xml")
            files[numbering_part] = b'<w:numbering xmlns:w="%s"/>' % NS_W.encode()
            doc_rels.append(("rIdPrdkitNumbering", f"{REL}/numbering", "numbering.xml", False))
            added["/" + numbering_part] = CT_NUMBERING
        numbering = etree.fromstring(files[numbering_part])
        abstract_ids = [int(a.get(W + "abstractNumId")) for a in numbering.findall(W + "abstractNum")]
        num_ids = [int(n.get(W + "numId")) for n in numbering.findall(W + "num")]
        abstract_offset = max(abstract_ids, default=-1) + 1
        num_offset = max(num_ids, default=0)

        style_ids = cls._merge_styles(styles_root, cjk_font, lang, num_offset)
        width = PAGE_W - 2 * MARGIN_SIDE
        if sect is not None:
            size, margins = sect.find(W + "pgSz"), sect.find(W + "pgMar")
            try:
                width = int(size.get(W + "w")) - int(margins.get(W + "left")) - int(margins.get(W + "right"))
            except (AttributeError, TypeError, ValueError):
                pass
        settings_part = part_of("settings")
        if settings_part not in files:
            settings_part = None
        speaking = set()
        for rid, rtype, target, external in doc_rels:
            if rtype in (f"{REL}/header", f"{REL}/footer") and not external:
                name = posixpath.normpath(posixpath.join(folder, target))
                if name in files and _text_of(files[name]).strip():
                    speaking.add(rid)
        return cls(
            files=files, doc_part=doc_part, doc_rels=doc_rels,
            sect_pr=etree.tostring(sect) if sect is not None else None,
            styles_part=styles_part, styles_root=styles_root, style_ids=style_ids,
            text_width=max(width, 2000), bullet_num=num_offset + 1, number_abstract=abstract_offset + 1,
            next_num=num_offset + 3, abstract_offset=abstract_offset, lang=lang, cjk_font=cjk_font,
            link_prefix="rIdPrdkitLink",
            numbering_part=numbering_part, numbering_root=numbering,
            settings_part=settings_part, settings_root=etree.fromstring(files[settings_part]) if settings_part else None,
            package_rels_root=etree.fromstring(files["_rels/.rels"]),
            content_types_root=etree.fromstring(files["[Content_Types].xml"]),
            speaking_parts=speaking, added_types=added,
        )

    @staticmethod
    def _merge_styles(root, cjk_font: str, lang: str, num_offset: int) -> dict[str, str]:
        by_name = {}
        existing_ids = set()
        for style in root.findall(W + "style"):
            existing_ids.add(style.get(W + "styleId"))
            name = style.find(W + "name")
            if name is not None:
                by_name.setdefault(name.get(W + "val", "").lower(), style)
        ours = {s.find(W + "name").get(W + "val").lower(): s
                for s in etree.fromstring(default_styles(cjk_font, lang).encode("utf-8")).findall(W + "style")}
        our_name_of_id = {s.get(W + "styleId"): name for name, s in ours.items()}
        style_ids: dict[str, str] = {}
        copied = []
        for name in STYLE_NAMES:
            found = by_name.get(name.lower())
            if found is not None:
                style_ids[name] = found.get(W + "styleId")
                continue
            style = copy.deepcopy(ours[name.lower()])
            style_id = DEFAULT_STYLE_IDS[name]
            while style_id in existing_ids:
                style_id += "Prdkit"
            style.set(W + "styleId", style_id)
            existing_ids.add(style_id)
            style_ids[name] = style_id
            by_name[name.lower()] = style
            copied.append(style)
        for style in copied:
            # basedOn/next point at prdkit's ids; point them at the reference's styles of those names
            for ref_tag in ("basedOn", "next"):
                ref = style.find(W + ref_tag)
                if ref is None:
                    continue
                target = by_name.get(our_name_of_id.get(ref.get(W + "val"), ""))
                if target is None:
                    style.remove(ref)
                else:
                    ref.set(W + "val", target.get(W + "styleId"))
            for num_id in style.iter(W + "numId"):
                num_id.set(W + "val", str(int(num_id.get(W + "val")) + num_offset))
            root.append(style)
        for name, style in by_name.items():
            if name in _FONT_STYLES:
                _set_fonts(style, cjk_font, lang)
        defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        if defaults is not None:
            _set_fonts(defaults.getparent(), cjk_font, lang)
        return style_ids

    # ---- the parts the packager writes
    def styles_xml(self) -> bytes:
        return _xml(self.styles_root)

    def numbering_xml(self, nums: str) -> bytes:
        """The reference's numbering plus prdkit's bullets and numbers, shifted to free ids,
        and one w:num per ordered list (`nums`, already numbered by the body writer)."""
        ours = etree.fromstring(data_part("numbering.xml").replace("@NUMS@", "").encode("utf-8"))
        num_offset = self.bullet_num - 1
        abstracts = ours.findall(W + "abstractNum")
        for abstract in abstracts:
            abstract.set(W + "abstractNumId", str(int(abstract.get(W + "abstractNumId")) + self.abstract_offset))
        base_nums = ours.findall(W + "num")
        for num in base_nums:
            num.set(W + "numId", str(int(num.get(W + "numId")) + num_offset))
            ref = num.find(W + "abstractNumId")
            ref.set(W + "val", str(int(ref.get(W + "val")) + self.abstract_offset))
        restarts = list(etree.fromstring(f'<w:numbering xmlns:w="{NS_W}">{nums}</w:numbering>'.encode("utf-8")))
        root = self.numbering_root
        # CT_Numbering: every w:abstractNum before the first w:num
        existing_abstracts = root.findall(W + "abstractNum")
        anchor = existing_abstracts[-1] if existing_abstracts else None
        for abstract in abstracts:
            if anchor is not None:
                anchor.addnext(abstract)
            else:
                first_num = root.find(W + "num")
                first_num.addprevious(abstract) if first_num is not None else root.append(abstract)
            anchor = abstract
        existing_nums = root.findall(W + "num")
        anchor = existing_nums[-1] if existing_nums else None
        for num in base_nums + restarts:
            anchor.addnext(num) if anchor is not None else abstracts[-1].addnext(num)
            anchor = num
        return _xml(root)

    def settings_xml(self) -> str | bytes:
        root = self.settings_root
        if root is None:
            return super().settings_xml()
        if root.find(W + "updateFields") is None:
            update = etree.Element(W + "updateFields")
            update.set(W + "val", "true")
            after = next((child for child in root if child.tag in _AFTER_UPDATE_FIELDS), None)
            after.addprevious(update) if after is not None else root.append(update)
        if self.lang == "zh":
            for el in root.iter(W + "themeFontLang"):
                el.set(W + "eastAsia", "zh-CN")
        return _xml(root)

