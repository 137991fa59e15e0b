"""Read a template's stories (body, headers, footers, footnotes) as docxtpl reads them.

docxtpl renders the body, the headers and footers the main document relates to, and the
footnotes part once per section; never the endnotes, comments or other parts. It reads the
body, headers and footers through python-docx, which parses them dropping blank text between
elements and serialises them again, so character and entity references reach Jinja as the
characters they stand for. Reading the same parts the same way is what makes docgen's output
equal docxtpl's by construction rather than by testing.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from docgen.ooxml.markup import strip_markup
from docgen.ooxml.names import W_NS, W
from docgen.safezip import parse_xml

DOCUMENT_RELS_PART = "word/_rels/document.xml.rels"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
HEADER_REL, FOOTER_REL = _RELS + "header", _RELS + "footer"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
# python-docx serialises a part with this declaration (lxml's, single quotes).
DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"

_DELETED = re.compile(r"(<w:del(?:Text|InstrText)(?: [^>]*)?>)([^<]*)(?=</w:del)")
_IN_TAG = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})")
_ENTITY = re.compile(r"&(quot|apos|amp|lt|gt|#[0-9]+|#x[0-9a-fA-F]+);")
_NAMED = {"quot": '"', "apos": "'", "amp": "&", "lt": "<", "gt": ">"}


@dataclass(frozen=True)
class Body:
    """The body of ``word/document.xml`` as docxtpl renders it, and the document around it."""

    head: str  # the XML declaration and the document up to the body
    body: str  # <w:body ...>...</w:body>, with its namespace declarations
    tail: str
    sections: int  # python-docx's count: footnotes are rendered once per section


def _drop_blank_text(root: etree._Element) -> None:
    """Drop blank text between elements, as python-docx's ``remove_blank_text`` parser does."""
    for el in root.iter(etree.Element):
        if len(el) and el.text is not None and not el.text.strip():
            el.text = None
        mixed = el.text is not None
        for child in el:
            if child.tail is not None and not child.tail.strip() and not mixed:
                child.tail = None


def read_story(data: bytes, path: Path | None, part: str) -> str:
    """Return a header's or footer's XML as docxtpl hands it to Jinja (no declaration)."""
    root = parse_xml(data, path, part)
    _drop_blank_text(root)
    return etree.tostring(root, encoding="unicode")


def read_body(data: bytes, path: Path | None, part: str) -> Body | None:
    """Return the body of a main document part split from the rest, or None if it has none."""
    root = parse_xml(data, path, part)
    _drop_blank_text(root)
    body = root.find(f"{W}body")
    if body is None:
        return None
    sections = len(body.xpath("./w:p/w:pPr/w:sectPr | ./w:sectPr", namespaces={"w": W_NS}))
    text = etree.tostring(body, encoding="unicode")
    marker = etree.Element("docgenbody")
    root.replace(body, marker)
    head, tail = etree.tostring(root, encoding="unicode").split("<docgenbody/>")
    root.replace(marker, body)
    return Body(DECLARATION + head, text, tail, sections)


def _target(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def header_footer_parts(rels: bytes | None, path: Path | None) -> set[str]:
    """Return the header and footer parts the main document relates to (docxtpl's set)."""
    if rels is None:
        return set()
    root = parse_xml(rels, path, DOCUMENT_RELS_PART)
    return {_target("word/document.xml", r.get("Target") or "") for r in root
            if r.get("Type") in (HEADER_REL, FOOTER_REL) and r.get("TargetMode") != "External"}


def footnote_parts(content_types: bytes, path: Path | None) -> set[str]:
    """Return the parts declared as footnotes in ``[Content_Types].xml``."""
    root = parse_xml(content_types, path, "[Content_Types].xml")
    return {(o.get("PartName") or "").lstrip("/") for o in root
            if o.get("ContentType") == FOOTNOTES_CT}


def keep_deletions(xml: str) -> str:
    """Return ``xml`` with the braces of tracked deletions written as character references.

    Text deleted with Track Changes on is not the template any more: a tag in it is left as
    typed (Word shows it struck through) instead of being rendered into, and does not count
    as a field the template uses.
    """
    if "<w:del" not in xml:
        return xml
    return _DELETED.sub(lambda m: m.group(1) + m.group(2).replace("{", "&#123;"), xml)


def _decode(match: re.Match[str]) -> str:
    ref = match.group(1)
    if ref in _NAMED:
        return _NAMED[ref]
    code = int(ref[2:], 16) if ref[1] == "x" else int(ref[1:])
    return chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else match.group(0)


def tags_as_typed(xml: str) -> tuple[str, str]:
    """Return ``xml`` with entity references inside Jinja tags read as their characters.

    LibreOffice writes a quote typed in a tag as ``&quot;`` or ``&apos;``; the admin typed a
    quote, so Jinja must see one. Also returns the first tag that holds ``&amp;``, as the
    admin typed it ("" if none): docxtpl would have read the five characters, docgen reads
    ``&``, and the note that says so quotes it.
    """
    amp = ""

    def fix(m: re.Match[str]) -> str:
        nonlocal amp
        text = m.group(0)
        if "&" not in text:
            return text
        if not amp and "&amp;" in text:
            whole = xml[max(m.start() - 2, 0):m.end() + 2]
            amp = html.unescape(strip_markup(whole))
        return _ENTITY.sub(_decode, text)

    if "&" not in xml:
        return xml, ""
    return _IN_TAG.sub(fix, xml), amp
