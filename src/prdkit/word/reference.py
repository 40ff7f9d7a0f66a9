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
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree

from .stylesheet import CJK_FONT, DEFAULT_STYLE_IDS, STYLE_NAMES, Stylesheet, data_part, default_styles, font_table_xml
from .wml import CT_NUMBERING, CT_STYLES, MARGIN_SIDE, NS_W, PAGE_H, PAGE_W, REL, ReferenceDocxError

# What a reference .docx may hold: Word's own templates are well under 1 MB and 100 parts.
MAX_ENTRIES = 2000
MAX_UNPACKED = 64 * 1024 * 1024  # bytes, all parts together
_SAFE_NAME = re.compile(r"^[^\\:\x00]+$")
_MACRO_TYPES = ("macroEnabled", "vbaProject")

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

def _xml(element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


def _speaks(xml: bytes) -> bool:
    """A header or footer that shows something: text, a picture or a field (a page number)."""
    root = etree.fromstring(xml)
    if any((t.text or "").strip() for t in root.iter(W + "t")):
        return True
    return any(True for _ in root.iter(W + "drawing", W + "pict", W + "fldSimple", W + "instrText", W + "object"))


def _set_fonts(style, cjk_font: str | None, lang: str) -> None:
    """The East Asian font where the style has none, keeping the reference's theme fonts (a
    Word template's headings name the theme's heading font); `--cjk-font` given by the user
    (`cjk_font` not None) replaces the East Asian one. zh-CN for Chinese (python-docx #1601)."""
    rpr = style.find(W + "rPr")
    if rpr is None:
        rpr = etree.Element(W + "rPr")
        after = next((child for child in style if child.tag in _AFTER_RPR), None)
        after.addprevious(rpr) if after is not None else style.append(rpr)
    fonts = rpr.find(W + "rFonts")
    if fonts is None:
        fonts = etree.Element(W + "rFonts")
        rpr.insert(1 if len(rpr) and rpr[0].tag == W + "rStyle" else 0, fonts)
    if cjk_font is not None:
        fonts.attrib.pop(W + "eastAsiaTheme", None)
        fonts.set(W + "eastAsia", cjk_font)
    elif fonts.get(W + "eastAsia") is None and fonts.get(W + "eastAsiaTheme") is None:
        fonts.set(W + "eastAsia", CJK_FONT)
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
    font_table_part: str | None
    font_table_root: object | None
    even_and_odd: bool  # the reference's settings ask for different even-page headers
    package_rels_root: object
    content_types_root: object
    speaking_parts: set[str]  # relationship ids of headers and footers that hold text
    added_types: dict[str, str] = field(default_factory=dict)
    base_package: bool = True  # the packager starts from `files`

    # ---- reading
    @classmethod
    def open(cls, path: Path, cjk_font: str | None, lang: str) -> "ReferenceStylesheet":
        """`cjk_font` None: keep the reference's East Asian fonts, add prdkit's where a style has none."""
        where = f"--reference-docx: {path}"
        if path.is_dir():
            raise ReferenceDocxError(f"{where}: is a folder; give a Word .docx or .dotx file")
        if not path.is_file():
            raise ReferenceDocxError(f"{where}: no such file")
        if path.suffix.lower() in (".docm", ".dotm"):
            raise ReferenceDocxError(f"{where}: a macro-enabled document is not used as a reference; "
                                     "save it as .docx or .dotx")
        try:
            files = _read_limited(path, where)
            doc_part = cls._main_part(files)
            _refuse_macros(files, doc_part, where)
            return cls._build(files, doc_part, cjk_font, lang)
        except ReferenceDocxError:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, TypeError, AttributeError,
                etree.XMLSyntaxError, OSError, NotImplementedError, RuntimeError):
            # a foreign or damaged file: whatever it lacks or breaks, the user hears which file, not a traceback
            raise ReferenceDocxError(f"{where}: not a Word .docx file, or a damaged one") from None

    @staticmethod
    def _main_part(files: dict[str, bytes]) -> str:
        rels = etree.fromstring(files["_rels/.rels"])
        for rel in rels.iter(PKG_RELS + "Relationship"):
            if rel.get("Type") == f"{REL}/officeDocument":
                return rel.get("Target").lstrip("/")
        raise KeyError("officeDocument")

    @classmethod
    def _build(cls, files: dict[str, bytes], doc_part: str, cjk_font: str | None, lang: str) -> "ReferenceStylesheet":
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
        width, landscape = PAGE_W - 2 * MARGIN_SIDE, PAGE_H - 2 * MARGIN_SIDE
        if sect is not None:
            size, margins = sect.find(W + "pgSz"), sect.find(W + "pgMar")
            try:
                sides = int(margins.get(W + "left")) + int(margins.get(W + "right"))
                width = int(size.get(W + "w")) - sides
                landscape = int(size.get(W + "h")) - sides
            except (AttributeError, TypeError, ValueError):
                pass
        width = max(width, 2000)
        if styles_part is None or styles_part not in files:
            styles_part = posixpath.join(folder, "styles.xml")
            files[styles_part] = default_styles(cjk_font or CJK_FONT, lang, width).encode("utf-8")
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

        style_ids = cls._merge_styles(styles_root, cjk_font, lang, num_offset, width)
        settings_part = part_of("settings")
        if settings_part not in files:
            settings_part = None
        settings_root = etree.fromstring(files[settings_part]) if settings_part else None
        even = settings_root.find(W + "evenAndOddHeaders") if settings_root is not None else None
        font_table_part = part_of("fontTable")
        if font_table_part not in files:
            font_table_part = None
        speaking = set()
        for rid, rtype, target, external in doc_rels:
            if rtype in (f"{REL}/header", f"{REL}/footer") and not external:
                name = posixpath.normpath(posixpath.join(folder, target))
                if name in files and _speaks(files[name]):
                    speaking.add(rid)
        return cls(
            files=files, doc_part=doc_part, doc_rels=doc_rels,
            sect_pr=etree.tostring(sect) if sect is not None else None,
            styles_part=styles_part, styles_root=styles_root, style_ids=style_ids,
            text_width=width, landscape_width=max(landscape, width), bullet_num=num_offset + 1, number_abstract=abstract_offset + 1,
            next_num=num_offset + 3, abstract_offset=abstract_offset, lang=lang, cjk_font=cjk_font or CJK_FONT,
            link_prefix="rIdPrdkitLink",
            numbering_part=numbering_part, numbering_root=numbering,
            settings_part=settings_part, settings_root=settings_root,
            font_table_part=font_table_part,
            font_table_root=etree.fromstring(files[font_table_part]) if font_table_part else None,
            even_and_odd=even is not None and even.get(W + "val", "true") not in ("0", "false", "off"),
            package_rels_root=etree.fromstring(files["_rels/.rels"]),
            content_types_root=etree.fromstring(files["[Content_Types].xml"]),
            speaking_parts=speaking, added_types=added,
        )

    @staticmethod
    def _merge_styles(root, cjk_font: str | None, lang: str, num_offset: int, width: int) -> dict[str, str]:
        by_name = {}
        existing_ids = set()
        for style in root.findall(W + "style"):
            existing_ids.add(style.get(W + "styleId"))
            name = style.find(W + "name")
            if name is not None:
                by_name.setdefault(name.get(W + "val", "").lower(), style)
        ours = {s.find(W + "name").get(W + "val").lower(): s
                for s in etree.fromstring(default_styles(cjk_font or CJK_FONT, lang, width).encode("utf-8")).findall(W + "style")}
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

    def font_table_xml(self) -> str | bytes:
        """The reference's font table, plus prdkit's fonts it does not name."""
        if self.font_table_root is None:
            return font_table_xml(self.fonts())
        root = self.font_table_root
        have = {font.get(W + "name") for font in root.findall(W + "font")}
        ours = etree.fromstring(font_table_xml([f for f in self.fonts() if f not in have]).encode("utf-8"))
        for font in ours:
            root.append(font)
        return _xml(root)

    def settings_xml(self) -> str | bytes:
        root = self.settings_root
        if root is None:
            return super().settings_xml()
        if self.lang == "zh":
            for el in root.iter(W + "themeFontLang"):
                el.set(W + "eastAsia", "zh-CN")
        for zoom in root.iter(W + "zoom"):
            # python-docx's template (and so many company templates) omit the required percent
            if zoom.get(W + "percent") is None:
                zoom.set(W + "percent", "100")
        return _xml(root)


def _read_limited(path: Path, where: str) -> dict[str, bytes]:
    """The parts of the zip, refused with a clear message when it is not a plausible Word file:
    too many entries, more than MAX_UNPACKED bytes unpacked, unsafe names, encryption, or a
    compression other than stored and deflated. Memory stays bounded by MAX_UNPACKED."""
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise ReferenceDocxError(f"{where}: holds {len(infos):,} entries; a Word document has far fewer "
                                     f"(limit {MAX_ENTRIES:,})")
        total = 0
        for info in infos:
            name = info.filename
            parts = PurePosixPath(name).parts
            if name.startswith("/") or ".." in parts or not _SAFE_NAME.match(name):
                raise ReferenceDocxError(f"{where}: holds an entry with an unsafe name ({name[:80]!r})")
            if info.flag_bits & 0x1:
                raise ReferenceDocxError(f"{where}: is encrypted (password-protected); save an unprotected copy")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise ReferenceDocxError(f"{where}: uses a compression method Word does not write "
                                         f"(method {info.compress_type}, entry {name[:80]!r})")
            total += info.file_size
        if total > MAX_UNPACKED:
            raise ReferenceDocxError(f"{where}: unpacks to {total // 2**20:,} MB; the limit for a reference is "
                                     f"{MAX_UNPACKED // 2**20} MB")
        files: dict[str, bytes] = {}
        for info in infos:
            if info.is_dir():
                continue
            # zipfile stops at the size the directory declares (and checks the CRC there), so a
            # part that holds more is a damaged file, and memory stays within MAX_UNPACKED
            with archive.open(info) as member:
                files[info.filename] = member.read(info.file_size + 1)
    return files


def _refuse_macros(files: dict[str, bytes], doc_part: str, where: str) -> None:
    types = etree.fromstring(files["[Content_Types].xml"])
    content_types = [el.get("ContentType") or "" for el in types]
    if any(marker in ct for ct in content_types for marker in _MACRO_TYPES) or any(
            name.lower().endswith("vbaproject.bin") for name in files):
        raise ReferenceDocxError(f"{where}: contains macros (a .docm or .dotm); save it as .docx or .dotx")
