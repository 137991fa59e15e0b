"""The print copy of a document: what LibreOffice turns into its PDF, prompts left out and
docgen's mark in its keywords.

LibreOffice 7.4 prints the grey prompts of docgen's empty fields black, like entries (it opens
a plain-text content control as an input field, which drops the prompt's style). So the PDF
is made from a copy in which each field still showing its prompt is writing space
(:mod:`docgen.ooxml.printing`: the blank cell, or a light grey rule). Fields holding an entry
print as they are. The .docx the coach fills keeps its controls and prompts; the copy is
written into a temporary folder outside the output folder, so ``docgen log`` never meets it.

The copy's keywords hold ``docgen.schema.PDF_MARK``, which LibreOffice carries into the PDF:
so ``docgen log`` tells a PDF ``--pdf`` made beside a record from one a coach exported from it
(which may hold typing never saved into the record).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from docgen.atomic import work_folder
from docgen.errors import DocgenError
from docgen.ooxml.names import is_story_part
from docgen.ooxml.printing import STYLES_PART, FontSizes, print_part
from docgen.ooxml.properties import CORE_PART, core_xml_keyword
from docgen.safezip import open_package, read_member
from docgen.schema import PDF_MARK

__all__ = ["print_copies", "print_copy"]

_WORD_SUFFIXES = (".docx", ".docm")  # what has prompts to leave out (a log .xlsx has none)


def print_copy(path: Path) -> bytes:
    """Return the .docx at ``path`` with each field still showing its prompt made writing
    space, and ``docgen.schema.PDF_MARK`` in its keywords.

    Raises :class:`~docgen.errors.DocgenError` naming ``path`` when it is not a package
    docgen can read.
    """
    with open_package(path) as zf:
        infos = zf.infolist()
        parts = {i.filename: read_member(zf, i.filename, path) for i in infos}
    sizes = FontSizes(parts.get(STYLES_PART), path)
    changed = {}
    for name, xml in parts.items():
        if is_story_part(name) and (b"<w:sdt>" in xml or b"<w:sdt " in xml):
            new = print_part(xml, sizes, path, name)
            if new is not xml:
                changed[name] = new
    if CORE_PART in parts:
        changed[CORE_PART] = core_xml_keyword(parts[CORE_PART], PDF_MARK, path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in infos:
            zf.writestr(info, changed.get(info.filename, parts[info.filename]),
                        compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


@contextmanager
def print_copies(files: list[Path]) -> Iterator[list[Path]]:
    """Yield, for each of ``files``, the file to print: its print copy, of the same name, in
    a temporary folder of its own outside the output folder (removed afterwards).

    A document whose copy cannot be made (not a package docgen reads, or unreadable) is given
    as it is: LibreOffice then converts it or says why it cannot, and the PDF step names it.
    """
    with work_folder("print") as folder:
        out: list[Path] = []
        for n, f in enumerate(files):
            try:
                data = print_copy(f) if f.suffix.lower() in _WORD_SUFFIXES else None
            except (DocgenError, OSError):
                data = None
            if data is None:
                out.append(f)
                continue
            target = Path(folder) / str(n) / f.name  # a folder each: names stay as they are
            target.parent.mkdir()
            target.write_bytes(data)
            out.append(target)
        yield out
