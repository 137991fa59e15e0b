"""Write and read custom document properties, and declare their part in the package."""

from __future__ import annotations

import datetime as dt
import zipfile
from functools import lru_cache
from html import escape  # escapes &, <, >, " and ': valid in XML text and attributes
from pathlib import Path

from lxml import etree

from docgen.errors import DocgenError
from docgen.ooxml.names import CONTENT_TYPES_PART, CUSTOM_PART, ROOT_RELS_PART
from docgen.safezip import open_package, parse_xml, read_member

CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CUSTOM_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
# Custom properties carry this fixed format id (ECMA-376 part 1, 22.3.2.2).
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


@lru_cache(maxsize=256)
def _property_start(pid: int, name: str) -> str:
    return f'<property fmtid="{FMTID}" pid="{pid}" name="{escape(name)}"><vt:lpwstr>'


def _text(value: str) -> str:
    """Return ``value`` escaped for XML (the common value needs nothing: checked first)."""
    if "&" in value or "<" in value or ">" in value or '"' in value or "'" in value:
        return escape(value)
    return value


def custom_properties_xml(props: dict[str, str]) -> bytes:
    """Return a ``docProps/custom.xml`` holding ``props`` as text properties.

    Written for every document: each property's opening (the same names, in the same order,
    document after document) is made once.
    """
    items = "".join(
        f"{_property_start(pid, name)}{_text(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(props.items(), start=2)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Properties xmlns="{CUSTOM_NS}" xmlns:vt="{VT_NS}">{items}</Properties>'
    ).encode()


def read_custom_properties(root: etree._Element) -> dict[str, str]:
    """Return the text of every custom property in a parsed ``docProps/custom.xml``."""
    out: dict[str, str] = {}
    for prop in root.iter(f"{{{CUSTOM_NS}}}property"):
        name = prop.get("name")
        if not name:
            continue
        if len(prop) == 1 and isinstance((value := prop[0]).tag, str) and not len(value) \
                and not (prop.text or "").strip() and not (value.tail or "").strip():
            # the usual <vt:lpwstr>text</vt:lpwstr>: its text, without walking the tree
            out[name] = (value.text or "").strip()
        else:
            out[name] = "".join(prop.itertext()).strip()
    return out


def with_custom_part(content_types: bytes, rels: bytes,
                     path: Path | None = None) -> tuple[bytes, bytes]:
    """Return ``[Content_Types].xml`` and ``_rels/.rels`` declaring the custom properties part.

    Idempotent: a template that already has custom properties is left as it is. ``path``
    names the package in the error raised for a part that is unsafe or not well-formed.
    """
    ct = parse_xml(content_types, path, CONTENT_TYPES_PART)
    ct_ns = ct.nsmap[None]
    if not any(o.get("PartName") == "/" + CUSTOM_PART for o in ct):
        etree.SubElement(
            ct, f"{{{ct_ns}}}Override", PartName="/" + CUSTOM_PART, ContentType=CUSTOM_CT
        )
    rl = parse_xml(rels, path, ROOT_RELS_PART)
    rl_ns = rl.nsmap[None]
    if not any(r.get("Type") == CUSTOM_REL for r in rl):
        ids = {r.get("Id") for r in rl}
        n = 1
        while f"rIdDocgen{n}" in ids:
            n += 1
        etree.SubElement(
            rl, f"{{{rl_ns}}}Relationship", Id=f"rIdDocgen{n}", Type=CUSTOM_REL,
            Target=CUSTOM_PART,
        )
    return (
        etree.tostring(ct, xml_declaration=True, encoding="UTF-8", standalone=True),
        etree.tostring(rl, xml_declaration=True, encoding="UTF-8", standalone=True),
    )


def now_stamp() -> str:
    """Return the current local time as ISO text, to the second (for ``docgen.generated``)."""
    return dt.datetime.now().replace(microsecond=0).isoformat()


CORE_PART = "docProps/core.xml"
DC_NS = "http://purl.org/dc/elements/1.1/"
# The core properties docxtpl renders (python-docx's author, comments, identifier, language,
# subject and title), by their element in docProps/core.xml.
RENDERED_CORE = ("creator", "description", "identifier", "language", "subject", "title")


def core_templates(data: bytes, path: Path | None = None) -> dict[str, str]:
    """Return the text of each core property docxtpl renders that holds a Jinja tag."""
    root = parse_xml(data, path, CORE_PART)
    out: dict[str, str] = {}
    for name in RENDERED_CORE:
        el = root.find(f"{{{DC_NS}}}{name}")
        text = el.text if el is not None and el.text else ""
        if "{{" in text or "{%" in text or "{#" in text:
            out[name] = text
    return out


def core_xml_with(data: bytes, values: dict[str, str], path: Path | None = None) -> bytes:
    """Return ``docProps/core.xml`` with the text of the named properties replaced."""
    root = parse_xml(data, path, CORE_PART)
    for name, value in values.items():
        el = root.find(f"{{{DC_NS}}}{name}")
        if el is not None:
            el.text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


DCTERMS_NS = "http://purl.org/dc/terms/"
CP_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


def core_xml_keyword(data: bytes, keyword: str, path: Path | None = None) -> bytes:
    """Return ``docProps/core.xml`` with ``keyword`` added to its keywords (``cp:keywords``,
    made if absent), which Word and LibreOffice carry into a PDF's /Keywords."""
    root = parse_xml(data, path, CORE_PART)
    el = root.find(f"{{{CP_NS}}}keywords")
    if el is None:
        el = etree.SubElement(root, f"{{{CP_NS}}}keywords")
    el.text = f"{el.text}; {keyword}" if el.text and el.text.strip() else keyword
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def core_modified(data: bytes, path: Path | None = None) -> str:
    """Return the text of ``dcterms:modified`` (when the document was last saved), or ""."""
    el = parse_xml(data, path, CORE_PART).find(f"{{{DCTERMS_NS}}}modified")
    return (el.text or "").strip() if el is not None else ""


def core_properties(path: Path) -> dict[str, str] | None:
    """Return a package's core properties (title, creator, lastModifiedBy, created,
    modified, ...) by local name, whatever prefixes the program that saved it chose; None
    when they cannot be read."""
    try:
        with open_package(path) as zf:
            root = parse_xml(read_member(zf, CORE_PART, path, limit=1 << 20), path, CORE_PART)
    except (DocgenError, KeyError, OSError, ValueError, zipfile.BadZipFile):
        return None
    return {etree.QName(el).localname: (el.text or "") for el in root
            if isinstance(el.tag, str)}
