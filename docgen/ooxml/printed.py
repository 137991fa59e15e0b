"""The text a document prints, paragraph by paragraph, from its .docx or .odt package.

What a PDF exported from a record is compared with (see :mod:`docgen.records.pdf`): the body,
headers, footers and notes, and deleted text too (an export may show tracked changes), so that
every word the PDF prints from the record is among them. Breaks, tabs and hyphens part words;
runs and spans do not (a word may be split across two).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from docgen.errors import DocgenError
from docgen.ooxml.names import W
from docgen.safezip import open_package, parse_xml, read_member

__all__ = ["printed_paragraphs"]

_DOCX_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")
_ODF_PARTS = ("content.xml", "styles.xml")  # the body; the headers and footers
_W = W
_TEXTS = (f"{_W}t", f"{_W}delText")
_SPACES = (f"{_W}br", f"{_W}cr", f"{_W}tab", f"{_W}noBreakHyphen")
_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODF_PARAGRAPHS = (f"{{{_ODF_TEXT}}}p", f"{{{_ODF_TEXT}}}h")
_ODF_SPACES = frozenset(f"{{{_ODF_TEXT}}}{name}" for name in ("s", "tab", "line-break"))


def printed_paragraphs(path: Path) -> list[str] | None:
    """Return the text of each paragraph of the .docx or .odt at ``path``; None when it
    cannot be read (another format, damaged, unsafe)."""
    paragraphs: list[str] = []
    try:
        with open_package(path) as zf:
            names = zf.namelist()
            odf = "content.xml" in names
            for name in names:
                if name not in _ODF_PARTS if odf else not _DOCX_PARTS.fullmatch(name):
                    continue
                root = parse_xml(read_member(zf, name, path), path, name)
                paragraphs.extend(_odf_paragraphs(root) if odf else _word_paragraphs(root))
    except (DocgenError, OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile,
            zlib.error):
        return None
    return paragraphs


def _word_paragraphs(root: etree._Element) -> list[str]:
    """Return the text of each w:p of a WordprocessingML part (one inside another, a text
    box's, on its own)."""
    by_paragraph: dict[etree._Element, list[str]] = {}
    for t in root.iter(*_TEXTS, *_SPACES):
        p = next(t.iterancestors(f"{_W}p"), root)
        by_paragraph.setdefault(p, []).append(t.text or "" if t.tag in _TEXTS else " ")
    return ["".join(parts) for parts in by_paragraph.values()]


def _odf_paragraphs(root: etree._Element) -> list[str]:
    """Return the text of each paragraph and heading of an OpenDocument part: spans joined,
    spaces, tabs and line breaks as spaces; one inside another (a frame's) on its own."""
    out: list[str] = []

    def walk(el: etree._Element, parts: list[str]) -> None:
        for child in el:
            if child.tag in _ODF_PARAGRAPHS:
                inner = [child.text or ""]
                walk(child, inner)
                out.append("".join(inner))
            else:
                parts.append(" " if child.tag in _ODF_SPACES else child.text or "")
                walk(child, parts)
            parts.append(child.tail or "")

    walk(root, [])
    return out
