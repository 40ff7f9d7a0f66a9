"""Does Word accept this .docx? A validator for tests.

Each XML part is checked against the ISO/IEC 29500 transitional schemas in ooxml-xsd/ (see the
README there) after the markup-compatibility processing Word does before it reads a part:
elements and attributes in namespaces the part lists in mc:Ignorable are removed, and an
mc:AlternateContent is replaced by its mc:Fallback (or its first mc:Choice). Then the checks
the schemas cannot express: every internal relationship target exists, every r:id used in a
part is one of its relationships, every part has a content type and the main part is a
document (not a template or macro document), fields are balanced (begin, separate, end),
bookmarks open and close, links to bookmarks find them, and every table cell ends in a
paragraph.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from functools import lru_cache
from pathlib import Path

from lxml import etree

XSD_DIR = Path(__file__).parent / "ooxml-xsd"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
MAIN_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
OFFICE_DOCUMENT = f"{R_NS}/officeDocument"

# the schema files that define each root namespace a .docx part may have
_ROOTS = {
    W_NS: "wml.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "dml-main.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/chart": "dml-chart.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/chartDrawing": "dml-chartDrawing.xsd",
    "http://schemas.openxmlformats.org/package/2006/content-types": "opc-contentTypes.xsd",
    "http://schemas.openxmlformats.org/package/2006/relationships": "opc-relationships.xsd",
    "http://schemas.openxmlformats.org/package/2006/metadata/core-properties": "opc-coreProperties.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties": "shared-documentPropertiesExtended.xsd",
}


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    """One schema over every namespace above; the xml: namespace is imported first with the
    local stand-in, since the OOXML files import it without a location; Dublin Core likewise."""
    imports = ['<xsd:import namespace="http://www.w3.org/XML/1998/namespace" schemaLocation="xml.xsd"/>',
               '<xsd:import namespace="http://purl.org/dc/elements/1.1/" schemaLocation="dc-stub.xsd"/>',
               '<xsd:import namespace="http://purl.org/dc/terms/" schemaLocation="dcterms-stub.xsd"/>']
    imports += [f'<xsd:import namespace="{ns}" schemaLocation="{name}"/>' for ns, name in _ROOTS.items()]
    wrapper = ('<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:prdkit:tests:all" '
               'elementFormDefault="qualified">' + "".join(imports) + "</xsd:schema>")
    doc = etree.parse(io.BytesIO(wrapper.encode()), base_url=str(XSD_DIR / "wrapper.xsd"))
    return etree.XMLSchema(doc)


def markup_compatibility(root: etree._Element) -> etree._Element:
    """What Word does before reading a part: drop the ignorable namespaces' elements and
    attributes, resolve mc:AlternateContent, drop the mc: attributes."""
    ignorable: set[str] = set()
    for el in root.iter():
        value = el.get(f"{{{MC}}}Ignorable")
        if value:
            ignorable |= {el.nsmap.get(prefix) for prefix in value.split()} - {None}
    for alt in list(root.iter(f"{{{MC}}}AlternateContent")):
        chosen = alt.find(f"{{{MC}}}Fallback")
        if chosen is None:
            chosen = alt.find(f"{{{MC}}}Choice")
        parent = alt.getparent()
        position = parent.index(alt)
        for child in reversed(list(chosen) if chosen is not None else []):
            parent.insert(position, child)
        parent.remove(alt)
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        if etree.QName(el).namespace in ignorable and el.getparent() is not None:
            el.getparent().remove(el)
            continue
        for attr in list(el.attrib):
            namespace = etree.QName(attr).namespace
            if namespace in ignorable or namespace == MC:
                del el.attrib[attr]
    etree.cleanup_namespaces(root)
    return root


def _rels_name(part: str) -> str:
    return posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")


def problems(data: bytes, label: str = "docx") -> list[str]:
    """Everything Word would object to in the package, as readable lines (empty: accepted)."""
    found: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}
    # content types
    types = etree.fromstring(files["[Content_Types].xml"])
    defaults = {el.get("Extension").lower(): el.get("ContentType") for el in types.iter(CT + "Default")}
    overrides = {el.get("PartName").lower(): el.get("ContentType") for el in types.iter(CT + "Override")}

    def content_type(name: str) -> str | None:
        return overrides.get("/" + name.lower()) or defaults.get(name.rsplit(".", 1)[-1].lower())

    for name in files:
        if name != "[Content_Types].xml" and content_type(name) is None:
            found.append(f"{label}: {name} has no content type")
    # relationships: targets exist; remember each part's ids
    rel_ids: dict[str, set[str]] = {}
    main = None
    for name in files:
        if not name.endswith(".rels"):
            continue
        folder = posixpath.dirname(posixpath.dirname(name))
        source = posixpath.join(folder, posixpath.basename(name)[: -len(".rels")])
        rels = etree.fromstring(files[name])
        rel_ids[source] = set()
        for rel in rels.iter(PKG_RELS + "Relationship"):
            rel_ids[source].add(rel.get("Id"))
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target") or ""
            resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            if resolved not in files:
                found.append(f"{label}: {name}: relationship {rel.get('Id')} points at missing {resolved}")
            if name == "_rels/.rels" and rel.get("Type") == OFFICE_DOCUMENT:
                main = resolved
    if main is None:
        found.append(f"{label}: no main document relationship")
    elif content_type(main) != MAIN_DOCUMENT:
        found.append(f"{label}: main part {main} has content type {content_type(main)}")
    # each XML part: schema, r:ids, fields, bookmarks, cells
    for name, content in files.items():
        if not (name.endswith(".xml") or name.endswith(".rels")):
            continue
        try:
            root = etree.fromstring(content)
        except etree.XMLSyntaxError as error:
            found.append(f"{label}: {name} is not well-formed XML: {error}")
            continue
        for el in root.iter():
            for attr, value in el.attrib.items():
                if attr.startswith(f"{{{R_NS}}}") and etree.QName(attr).localname in ("id", "embed", "link", "pict"):
                    if value not in rel_ids.get(name, set()):
                        found.append(f"{label}: {name}: r:{etree.QName(attr).localname}={value!r} is not a relationship")
        root = markup_compatibility(root)
        if etree.QName(root).namespace in _ROOTS:
            if not schema().validate(root):
                for error in list(schema().error_log)[:5]:
                    found.append(f"{label}: {name}:{error.line}: {error.message}")
        if etree.QName(root).namespace == W_NS:
            found += [f"{label}: {name}: {p}" for p in _wordprocessing_checks(root)]
    return found


def _wordprocessing_checks(root) -> list[str]:
    found = []
    depth, separated = 0, []
    for fld in root.iter(W + "fldChar"):
        kind = fld.get(W + "fldCharType")
        if kind == "begin":
            depth += 1
            separated.append(False)
        elif kind == "separate":
            if depth == 0 or separated[-1]:
                found.append("w:fldChar separate without its begin")
            else:
                separated[-1] = True
        elif kind == "end":
            if depth == 0:
                found.append("w:fldChar end without its begin")
            else:
                depth -= 1
                separated.pop()
    if depth:
        found.append(f"{depth} field(s) begun and never ended")
    starts = {b.get(W + "id"): b.get(W + "name") for b in root.iter(W + "bookmarkStart")}
    ends = {b.get(W + "id") for b in root.iter(W + "bookmarkEnd")}
    if set(starts) != ends:
        found.append(f"bookmarks opened and closed differ: {sorted(set(starts) ^ ends)[:5]}")
    names = set(starts.values())
    for link in root.iter(W + "hyperlink"):
        anchor = link.get(W + "anchor")
        if anchor is not None and anchor not in names:
            found.append(f"link to missing bookmark {anchor}")
    for cell in root.iter(W + "tc"):
        blocks = [child for child in cell if child.tag != W + "tcPr"]
        if not blocks or blocks[-1].tag != W + "p":
            found.append("a table cell does not end in a paragraph")
    return found
