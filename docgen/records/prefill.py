"""Read back what a rendered contract pre-fills, or an agreement says, as ``docgen log`` will.

For :mod:`docgen.prefill`: the record of what docgen pre-filled is made from the merged values
when the template shows them as they are; otherwise from the document itself, read here. The
same for :mod:`docgen.written`, the lines a mentor agreement holds.
"""

from __future__ import annotations

import io
import zipfile

from docgen import ooxml
from docgen.errors import DocgenError
from docgen.ooxml.wordtext import read_body
from docgen.prefill import HELD_FIELD, encode
from docgen.records.extras import contract_lines, header_lines, written_lines
from docgen.records.forms import FormFinder, table_rows
from docgen.safezip import parse_xml
from docgen.written import encode as encode_written

__all__ = ["HELD_FIELD", "encode", "read_back", "read_forms", "written_back"]


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


def written_back(data: bytes, contract: bool = False) -> str:
    """Return ``docgen.written`` for a rendered document: its lines, read as the log reads
    them (see :func:`docgen.records.extras.written_lines`); of a ``contract``, those of its
    own text, before the forms and the table (:func:`~docgen.records.extras.contract_lines`),
    and apart the lines of its COACHING RECORD table's header row."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            xml = zf.read(ooxml.DOCUMENT_PART)
        body = read_body(parse_xml(xml, None, ooxml.DOCUMENT_PART), True)
    except (KeyError, OSError, ValueError, zipfile.BadZipFile, DocgenError):
        return ""
    if not contract:
        return encode_written(line for _n, line in written_lines(body))
    rows: list[list[int]] = []
    tables = table_rows(body, headers=rows)[0]
    return encode_written((line for _n, line in contract_lines(body, tables)),
                          header_lines(body, rows))


def read_back(data: bytes) -> str:
    """Return the property from a rendered document's bytes, read as ``docgen log`` reads it."""
    forms, rows = read_forms(data)
    return encode(forms, rows)
