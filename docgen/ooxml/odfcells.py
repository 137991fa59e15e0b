"""A flat OpenDocument text (.fodt) with its table cells as the text they showed.

A date a coach's LibreOffice recognised in a table cell (Tools › Options › Writer › Table ›
Number recognition) is kept as a value ("2026-12-03", as a LibreOffice in US English took
"12/03/2026") beside the text it showed ("12/03/26"), and any LibreOffice opening the file
writes the value anew in its own locale ("03/12/26" in UK English): not what was typed.
:func:`cells_as_shown` leaves the values out, so each cell is opened as its text.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from docgen.safezip import parse_xml

__all__ = ["cells_as_shown"]

_TABLE_CELL = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}table-cell"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
# What a table cell keeps of a value beside the text it showed.
_CELL_VALUE = tuple(f"{{{_OFFICE}}}{name}" for name in (
    "value-type", "value", "date-value", "time-value", "boolean-value", "currency",
    "string-value"))


def cells_as_shown(data: bytes, path: Path) -> bytes:
    """Return the flat OpenDocument ``data`` with its table cells' values left out (``data``
    itself when no cell holds one). Raises :class:`~docgen.errors.DocgenError` for XML
    docgen does not parse (not well-formed, a DTD or entities)."""
    root = parse_xml(data, path, "the flat document")
    changed = False
    for cell in root.iter(_TABLE_CELL):
        for name in _CELL_VALUE:
            if name in cell.attrib:
                del cell.attrib[name]
                changed = True
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") if changed else data
