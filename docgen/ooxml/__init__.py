"""The one place that knows raw WordprocessingML and package parts (w:sdt, custom properties).

Everything above this module speaks in tags, texts and dicts; XML names stay here.
"""

from __future__ import annotations

import datetime as dt
from html import escape  # escapes &, <, >, " and ': valid in XML text and attributes

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
NS = {"w": W_NS}
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

DOCUMENT_PART = "word/document.xml"
CUSTOM_PART = "docProps/custom.xml"
CONTENT_TYPES_PART = "[Content_Types].xml"
ROOT_RELS_PART = "_rels/.rels"

CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CUSTOM_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
# Custom properties carry this fixed format id (ECMA-376 part 1, 22.3.2.2).
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"

PLACEHOLDER_STYLE = "PlaceholderText"


def custom_properties_xml(props: dict[str, str]) -> bytes:
    """Return a ``docProps/custom.xml`` holding ``props`` as text properties."""
    items = "".join(
        f'<property fmtid="{FMTID}" pid="{pid}" name="{escape(name)}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
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
        if name:
            out[name] = "".join(prop.itertext()).strip()
    return out


def with_custom_part(content_types: bytes, rels: bytes) -> tuple[bytes, bytes]:
    """Return ``[Content_Types].xml`` and ``_rels/.rels`` declaring the custom properties part.

    Idempotent: a template that already has custom properties is left as it is.
    """
    ct = etree.fromstring(content_types)
    ct_ns = ct.nsmap[None]
    if not any(o.get("PartName") == "/" + CUSTOM_PART for o in ct):
        etree.SubElement(
            ct, f"{{{ct_ns}}}Override", PartName="/" + CUSTOM_PART, ContentType=CUSTOM_CT
        )
    rl = etree.fromstring(rels)
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


def sdt_tag(sdt: etree._Element) -> str:
    """Return the tag of a content control, or "" when it has none."""
    tag = sdt.find("w:sdtPr/w:tag", NS)
    return (tag.get(f"{W}val") or "") if tag is not None else ""


def fill_placeholders(document: bytes, placeholders: dict[str, str]) -> bytes:
    """Show placeholder text in every tagged content control that rendered empty.

    Word and LibreOffice select the whole placeholder on the first click, so the coach types
    over it; ``w:showingPlcHdr`` tells a reader (and :mod:`docgen.records`) it is not data.
    """
    if b"<w:sdt>" not in document and b"<w:sdt " not in document:
        return document
    root = etree.fromstring(document)
    changed = False
    for sdt in root.iter(f"{W}sdt"):
        text = placeholders.get(sdt_tag(sdt))
        content = sdt.find("w:sdtContent", NS)
        if text is None or content is None:
            continue
        texts = content.findall(".//w:t", NS)
        if any(t.text for t in texts):
            continue
        run = content.find(".//w:r", NS)
        if run is None:
            run = etree.SubElement(content, f"{W}r")
        if not texts:
            texts = [etree.SubElement(run, f"{W}t")]
        texts[0].text = text
        texts[0].set(XML_SPACE, "preserve")
        rpr = run.find("w:rPr", NS)
        if rpr is None:
            rpr = etree.Element(f"{W}rPr")
            run.insert(0, rpr)
        if rpr.find("w:rStyle", NS) is None:
            style = etree.Element(f"{W}rStyle")
            style.set(f"{W}val", PLACEHOLDER_STYLE)
            rpr.insert(0, style)
        sdtpr = sdt.find("w:sdtPr", NS)
        if sdtpr is not None and sdtpr.find("w:showingPlcHdr", NS) is None:
            sdtpr.append(etree.Element(f"{W}showingPlcHdr"))
        changed = True
    if not changed:
        return document
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def now_stamp() -> str:
    """Return the current local time as ISO text, to the second (for ``docgen.generated``)."""
    return dt.datetime.now().replace(microsecond=0).isoformat()
