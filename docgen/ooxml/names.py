"""Name the namespaces and package parts of a Word document."""

from __future__ import annotations

import re

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
NS = {"w": W_NS}
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

DOCUMENT_PART = "word/document.xml"
CUSTOM_PART = "docProps/custom.xml"
CONTENT_TYPES_PART = "[Content_Types].xml"
ROOT_RELS_PART = "_rels/.rels"

# The parts that hold the document's text (its stories), hence the ones a template's tags are in.
_STORY_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")


def is_story_part(name: str) -> bool:
    """Return True for a part that holds text a template can put tags in (body, headers...)."""
    return _STORY_PARTS.match(name) is not None


def is_xml_part(name: str) -> bool:
    """Return True for a part of the package that is XML (``.xml`` or ``.rels``)."""
    return name.endswith((".xml", ".rels"))
