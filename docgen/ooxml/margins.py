"""The text of a Word document's headers, footers, footnotes and endnotes, line by line.

docgen reads sessions only from the body; text a coach types in a header, a footer or a note
reaches no log unless it is named. What docgen wrote there itself (a template's footer, its
values merged) is recorded at generation (``docgen.margins``, see :mod:`docgen.written`), and
a returned record's lines are compared with it. Both sides read the parts here, the same way:
a paragraph's text is a line, without fields' results (a page number, the number of pages,
a date: Word and LibreOffice write them again on every save, and nobody types them), without
field codes and deleted text.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

from lxml import etree

from docgen import written
from docgen.ooxml.names import W
from docgen.safezip import parse_xml

__all__ = ["MARGIN_PART", "margin_lines", "margins_property", "package_margins", "part_key",
           "part_kind", "read_property"]

MARGIN_PART = re.compile(r"word/(header|footer)\d*\.xml|word/(footnotes|endnotes)\.xml")
_NOTES = {f"{W}footnote": "footnote", f"{W}endnote": "endnote"}
_TEXT_TAGS = (f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}fldChar", f"{W}p", f"{W}footnote",
              f"{W}endnote")


def part_kind(name: str) -> str:
    """Return "header", "footer", "footnotes" or "endnotes" for a margin part's name, else ""."""
    m = MARGIN_PART.fullmatch(name)
    return "" if m is None else (m[1] or m[2])


def margin_lines(root: etree._Element) -> list[tuple[str, str]]:
    """Return a margin part's lines as (where, line): "header", "footer", or "footnote 2"
    (notes numbered as Word shows them, separators left out); one line a paragraph."""
    if root.tag not in (f"{W}hdr", f"{W}ftr", f"{W}footnotes", f"{W}endnotes"):
        return []
    where = {f"{W}hdr": "header", f"{W}ftr": "footer"}.get(root.tag, "")
    notes = 0
    fields: list[bool] = []  # per complex field open: True once past its separator (results)
    lines: list[tuple[str, str]] = []
    for el in root.iter(*_TEXT_TAGS):
        tag = el.tag
        if tag in _NOTES:
            kind = (el.get(f"{W}type") or "normal")
            if kind == "normal":
                notes += 1
            where = f"{_NOTES[tag]} {notes}" if kind == "normal" else ""
            continue
        if not where:
            continue  # a separator note
        if tag == f"{W}p":
            lines.append((where, ""))
            continue
        if tag == f"{W}fldChar":
            kind = el.get(f"{W}fldCharType")
            if kind == "begin":
                fields.append(False)
            elif kind == "separate" and fields:
                fields[-1] = True
            elif kind == "end" and fields:
                fields.pop()
            continue
        if not lines or (fields and fields[-1]):
            continue  # a field's result
        if next(el.iterancestors(f"{W}fldSimple", f"{W}del", f"{W}moveFrom"), None) is not None:
            continue
        text = (el.text or "") if tag == f"{W}t" else "\t" if tag == f"{W}tab" else " "
        if text:
            lines[-1] = (lines[-1][0], lines[-1][1] + text)
    return [(w, line) for w, line in lines if line.strip()]


def package_margins(data: bytes, path: Path | None = None) -> str:
    """Return ``docgen.margins`` for a package given as bytes (a document docgen has just
    made)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = [i for i in zf.infolist() if part_kind(i.filename)]
        return margins_property(
            [line for i in names
             for _w, line in margin_lines(parse_xml(zf.read(i), path, i.filename))],
            [part_key(i.filename, i.CRC, i.file_size) for i in names])


def part_key(name: str, crc: int, size: int) -> str:
    """Return how a margin part as written is recorded: its name, CRC-32 and size."""
    return f"{name}:{crc:08x}:{size}"


def margins_property(lines: list[str], parts: list[str]) -> str:
    """Return ``docgen.margins``: the digests of the ``lines`` docgen wrote in the margins
    (as :mod:`docgen.written` makes them), and the ``parts`` as written (:func:`part_key`),
    so that a part still as written is not even read back."""
    return written.json_lines(written.digests(lines), parts=parts)


def read_property(text: str) -> tuple[frozenset[str] | None, frozenset[str]]:
    """Return the line digests and the parts ``docgen.margins`` holds (None, {}: absent)."""
    lines = written.decode(text)
    try:
        parts = frozenset(str(p) for p in json.loads(text).get("parts", ())) if lines else None
    except (ValueError, AttributeError, TypeError):
        parts = None
    return lines, parts or frozenset()
