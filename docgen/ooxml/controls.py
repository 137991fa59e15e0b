"""Content controls (``w:sdt``): their tags, and the placeholder an empty one shows.

The placeholder rule is written once, in :func:`show_placeholder`. A rendered document gets it
through :func:`fill_placeholders`; a template gets it through :func:`compile_placeholders`,
which applies it ahead of time to a copy of each control and lets Jinja pick the copy or the
filled control per document.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from pathlib import Path

from lxml import etree

from docgen import schema
from docgen.ooxml.names import DOCUMENT_PART, NS, XML_SPACE, W
from docgen.safezip import parse_xml

PLACEHOLDER_STYLE = "PlaceholderText"

_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MARK = re.compile(r'<docgenmark n="(\d+)"/>')
_ONE_FIELD = re.compile(r"\{\{((?:(?!\}\}|\{\{|\{%).)+)\}\}", re.DOTALL)


def sdt_tag(sdt: etree._Element) -> str:
    """Return the tag of a content control, or "" when it has none."""
    tag = sdt.find("w:sdtPr/w:tag", NS)
    return (tag.get(f"{W}val") or "") if tag is not None else ""


def show_placeholder(sdt: etree._Element, text: str) -> bool:
    """Show ``text`` as the placeholder of content control ``sdt`` if it holds no text.

    Returns whether it did. The text goes in the control's first text run (one is made if
    there is none) in the ``PlaceholderText`` style; ``w:showingPlcHdr`` tells Word,
    LibreOffice and :mod:`docgen.records` that it is a prompt, not data, so the first click
    selects all of it and the coach types over it.
    """
    content = sdt.find("w:sdtContent", NS)
    if content is None:
        return False
    texts = content.findall(".//w:t", NS)
    if any(t.text for t in texts):
        return False
    run = texts[0].getparent() if texts else None
    if run is None or run.tag != f"{W}r":
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
    return True


def showing_prompt(sdt: etree._Element, placeholders: Mapping[str, str] = schema.PLACEHOLDERS,
                   former: tuple[str, ...] = schema.FORMER_PLACEHOLDERS) -> bool:
    """Tell whether content control ``sdt`` shows a prompt rather than an entry.

    It does when ``w:showingPlcHdr`` says so, or when its text is the prompt ``placeholders``
    gives its tag, or one of the ``former`` prompts (documents made before a prompt changed
    carry the old one, and an editor may have dropped the flag).
    """
    if sdt.find("w:sdtPr/w:showingPlcHdr", NS) is not None:
        return True
    text = "".join(t.text or "" for t in sdt.iterfind("w:sdtContent//w:t", NS)).strip()
    return bool(text) and (text == placeholders.get(sdt_tag(sdt)) or text in former)


def _has_controls(xml: bytes | str) -> bool:
    if isinstance(xml, str):
        return "<w:sdt>" in xml or "<w:sdt " in xml
    return b"<w:sdt>" in xml or b"<w:sdt " in xml


def _nested(sdt: etree._Element, placeholders: Mapping[str, str]) -> bool:
    """Return True if ``sdt`` holds a control, or is inside one that may show a placeholder.

    Such controls are left to :func:`fill_placeholders`, whose outer-first order decides which
    one shows its placeholder.
    """
    return sdt.find(f".//{W}sdt") is not None or any(
        sdt_tag(outer) in placeholders for outer in sdt.iterancestors(f"{W}sdt"))


def fill_placeholders(document: bytes, placeholders: Mapping[str, str],
                      path: Path | None = None, part: str = DOCUMENT_PART) -> bytes:
    """Show placeholder text in every tagged content control that rendered empty.

    ``placeholders`` maps a control's tag to its placeholder; ``path`` and ``part`` name
    what is being read in the error raised for XML that is unsafe or not well-formed.
    """
    if not _has_controls(document):
        return document
    root = parse_xml(document, path, part)
    changed = False
    for sdt in list(root.iter(f"{W}sdt")):
        text = placeholders.get(sdt_tag(sdt))
        if text is not None and show_placeholder(sdt, text):
            changed = True
    if not changed:
        return document
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def compile_placeholders(xml: str, placeholders: Mapping[str, str], blank_test: str,
                         path: Path | None = None, part: str = DOCUMENT_PART,
                         declaration: bool = True) -> tuple[str, bool]:
    """Rewrite each tagged control holding one ``{{ field }}`` to show its placeholder if empty.

    The control becomes ``{% if (field) is <blank_test> %}`` the control as
    :func:`show_placeholder` leaves it when empty ``{% else %}`` the control with the field
    ``{% endif %}``: the rule is decided once per template instead of by parsing every
    rendered document (a third of the time per document otherwise). ``blank_test`` names a
    Jinja test that is true when a value renders as no text.

    Returns the new XML (``xml`` itself when nothing changed) and whether some control was
    not of that simple shape, in which case the rendered part still needs
    :func:`fill_placeholders`. ``declaration`` says whether ``xml`` is a whole part (else a
    fragment such as the body, returned without an XML declaration). Raises
    :class:`~docgen.errors.DocgenError` naming ``path`` and ``part`` for XML that is unsafe
    or not well-formed.
    """
    root = parse_xml(xml.encode("utf-8"), path, part)  # also refuses DTDs in every template
    if not _has_controls(xml):
        return xml, False
    snippets: list[str] = []
    runtime = False

    def mark(snippet: str) -> etree._Element:
        snippets.append(snippet)
        return etree.Element("docgenmark", n=str(len(snippets) - 1))

    for sdt in list(root.iter(f"{W}sdt")):
        text = placeholders.get(sdt_tag(sdt))
        content = sdt.find("w:sdtContent", NS)
        if text is None or content is None:
            continue
        texts = content.findall(".//w:t", NS)
        joined = "".join(t.text or "" for t in texts).strip()
        if joined and "{" not in joined:
            continue  # fixed text: never empty, never a placeholder
        field = _ONE_FIELD.fullmatch(joined)
        if field is None or _nested(sdt, placeholders):
            runtime = True  # several fields, tags, or nested controls: decided per document
            continue
        for t in texts:
            t.text = ""
        empty = copy.deepcopy(sdt)
        empty.tail = None
        show_placeholder(empty, text)
        texts[0].set(XML_SPACE, "preserve")
        texts[0].text = f"{{{{{field.group(1)}}}}}"
        parent = sdt.getparent()
        at = parent.index(sdt)
        end = mark("{% endif %}")
        end.tail, sdt.tail = sdt.tail, None
        parent.insert(at + 1, end)
        parent.insert(at, mark("{% else %}"))
        parent.insert(at, empty)
        parent.insert(at, mark(f"{{% if ({field.group(1)}) is {blank_test} %}}"))
    if not snippets:
        return xml, runtime
    out = etree.tostring(root, encoding="unicode")
    head = _XML_DECLARATION if declaration else ""
    return head + _MARK.sub(lambda m: snippets[int(m.group(1))], out), runtime


_TAG_VAL = re.compile(r'<w:tag w:val="([^"]*)"')
_LOOPS_RECORDS = re.compile(r"\{%-?\s*p?\s*for\s+\w+\s+in\s+records\b")


def untagged_record_fields(body: str) -> list[str]:
    """Return the tags of the Record of Coaching fields a body fills outside a tagged control.

    ``body`` is a template's body XML. A form field is one a ``records`` loop fills
    (``{{ r.date }}``); it should sit in a content control tagged ``record.date``.
    """
    if not _LOOPS_RECORDS.search(body):
        return []
    tags = set(_TAG_VAL.findall(body))
    return [f.tag for f in schema.RECORD_FIELDS
            if f.tag not in tags and re.search(r"\{\{[^}<]*\b\w+\." + f.name + r"\b", body)]


def unknown_record_tags(body: str) -> list[str]:
    """Return the tags of content controls that look like Record of Coaching fields
    (``record.…``) but are none docgen reads (an admin's own, such as ``record.attendees``)."""
    known = {f.tag for f in schema.RECORD_FIELDS}
    return sorted({t for t in _TAG_VAL.findall(body)
                   if t.casefold().startswith("record.") and t not in known})


def coach_field_warnings(body: str) -> list[str]:
    """Return a warning when Record of Coaching fields of a template lost their tags, and
    one for controls tagged as fields docgen does not read (the template's ``body`` XML)."""
    found: list[str] = []
    if unknown := unknown_record_tags(body):
        found.append(
            f"the content control{'s' if len(unknown) > 1 else ''} tagged "
            f"{', '.join(unknown)} {'are' if len(unknown) > 1 else 'is'} not a field docgen "
            "reads, so the coaching log has no column for it: what coaches type there is read "
            "as part of the field whose box holds it, or named on the Problems sheet as typed "
            "outside the fields. docgen reads "
            f"{', '.join(f.tag for f in schema.RECORD_FIELDS)}")
    missing = untagged_record_fields(body)
    if not missing:
        return found
    return [*found, f"the Record of Coaching fields {', '.join(missing)} are not in "
            "tagged content controls (LibreOffice drops the tags when it saves a .docx): the "
            "coaches' forms lose their prompts, and `docgen log` must find each value by its "
            "label. To restore them, open the template in Word, select each field's control, "
            "Developer › Properties, and set its Tag (e.g. record.date); or start again from "
            "the template `docgen init` writes and redo the edits in Word"]
