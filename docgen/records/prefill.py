"""Read back what a rendered contract pre-fills, as ``docgen log`` will read it.

For :mod:`docgen.prefill`: the record of what docgen pre-filled is made from the merged values
when the template shows them as they are; otherwise from the document itself, read here.
"""

from __future__ import annotations

import io
import zipfile

from docgen import ooxml
from docgen.errors import DocgenError
from docgen.ooxml.wordtext import read_body
from docgen.prefill import HELD_FIELD, encode
from docgen.records.forms import FormFinder, table_rows
from docgen.safezip import parse_xml

__all__ = ["HELD_FIELD", "encode", "read_back", "read_forms"]


def read_forms(data: bytes) -> tuple[list[dict[str, str]], list[list[str]]]:
    """Return a rendered document's forms and COACHING RECORD rows, as ``docgen log`` reads them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            xml = zf.read(ooxml.DOCUMENT_PART)
        body = read_body(parse_xml(xml, None, ooxml.DOCUMENT_PART), True)
    except (KeyError, OSError, ValueError, zipfile.BadZipFile, DocgenError):
        return [], []
    tables, rows = table_rows(body)
    return FormFinder(body, tables).run(), [cells for _n, cells in rows]


def read_back(data: bytes) -> str:
    """Return the property from a rendered document's bytes, read as ``docgen log`` reads it."""
    forms, rows = read_forms(data)
    return encode(forms, rows)
