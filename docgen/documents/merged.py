"""Print files: the PDFs of one kind of document merged into one file, a bookmark each.

``OUTDIR/contracts.pdf`` holds every contract's PDF in Team ID order, ``OUTDIR/agreements.pdf``
every agreement's in the Mentoring sheet's order; each document's first page has a bookmark
(its Team ID and team name, or the pair's names), and the file opens with the bookmarks shown.
Merged with pypdf (pure Python): the pages are the PDFs LibreOffice made, unchanged.

Never silently short: a document whose PDF is missing or damaged is named in the report, and
the print file itself says so, on a first page listing what it lacks (and a bookmark to it),
so a stack printed from it is not taken for the whole cohort. The file is written only when
its documents' PDFs or titles changed, and like the packs it is docgen's recorded copy
(:mod:`docgen.copies`): one changed by hand is kept under a dated name, never overwritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from docgen.copies import file_digest, is_own_copy, read_copies, write_copies
from docgen.documents.outputs import pdf_problem
from docgen.documents.packs import older_pdf, put_copy
from docgen.errors import Problem, os_problem

_NOTICE_LINES = 40  # missing documents listed on the notice page (the bookmarks list them all)


@dataclass
class PrintFile:
    """One print file: where it is, what is in it, and what it lacks."""

    path: Path
    documents: int = 0  # documents in it
    pages: int = 0  # pages of those documents (the notice page not counted)
    written: bool = False  # False: it was already as it should be, or could not be written
    missing: list[Problem] = field(default_factory=list)  # one per document not in it
    problems: list[Problem] = field(default_factory=list)  # the file could not be written
    kept: list[Problem] = field(default_factory=list)  # a file in the way, kept aside
    notes: list[Problem] = field(default_factory=list)  # PDFs older than their document

    @property
    def whole(self) -> bool:
        return not self.missing and not self.problems


def write_print_file(outdir: Path, name: str, entries: Sequence[tuple[str, str]], *,
                     what: str, now: dt.datetime | None = None) -> PrintFile:
    """Merge the PDFs beside the documents ``entries`` names (path under ``outdir``, bookmark
    title; in print order) into ``outdir/name``; ``what`` names the documents ("contracts").

    Call it holding the output folder's lock, after the PDFs are made.
    """
    result = PrintFile(outdir / name)
    old = read_copies(outdir)
    new = dict(old)
    new.pop(name, None)
    stamp = (now or dt.datetime.now()).strftime("%Y-%m-%d %H%M")
    found: list[tuple[Path, str]] = []
    digests = []
    for rel, title in entries:
        pdf = (outdir / rel).with_suffix(".pdf")
        why = pdf_problem(pdf)
        if why is not None:
            if why.startswith("LibreOffice wrote no PDF"):
                why = "it has no PDF"
            result.missing.append(Problem(
                f"is not in {name} ({why}): run docgen generate --print-file again once its "
                "PDF is made", file=str(pdf)))
            continue
        found.append((pdf, title))
        digests.append((title, file_digest(pdf)))
        if (older := older_pdf(outdir / rel)) is not None:
            result.notes.append(older)
    if not entries:
        _remove_old(outdir, name, old, new, result)
        _save(outdir, new, old, result)
        return result
    said = json.dumps([digests, [p.message for p in result.missing]], ensure_ascii=False)
    source = hashlib.sha256(said.encode("utf-8", "surrogatepass")).hexdigest()
    hashes, recorded = old.get(name, ((), ""))
    made_from, _colon, pages = recorded.partition(":")  # "<source digest>:<pages>"
    if made_from == source and pages.isdigit() and hashes and (
            file_digest(result.path) == hashes[-1]):
        result.documents, result.pages = len(found), int(pages)
        new[name] = ((hashes[-1],), recorded)
    else:
        data = _merge(found, [(m, t) for (rel, t) in entries for m in result.missing
                              if m.file == str((outdir / rel).with_suffix(".pdf"))],
                      what, result)
        if data is not None:
            written, problem = put_copy(outdir, name, data, old, new, stamp=stamp,
                                        kept=result.kept, source=f"{source}:{result.pages}")
            result.written = bool(written)
            if problem is not None:
                result.problems.append(problem)
    _save(outdir, new, old, result)
    return result


def _save(outdir: Path, new: dict, old: dict, result: PrintFile) -> None:
    if new == old:
        return
    try:
        write_copies(outdir, new)
    except OSError as exc:
        result.problems.append(os_problem(exc, "could not be written", outdir))


def _remove_old(outdir: Path, name: str, old: dict, new: dict, result: PrintFile) -> None:
    """Remove docgen's print file of a kind with no document now (only as docgen wrote it)."""
    hashes = old.get(name, ((), ""))[0]
    if hashes and is_own_copy(result.path, hashes):
        try:
            result.path.unlink()
        except OSError as exc:
            new[name] = old[name]
            result.problems.append(os_problem(exc, "could not be removed", result.path))


def _merge(found: list[tuple[Path, str]], missing: list[tuple[Problem, str]], what: str,
           result: PrintFile) -> bytes | None:
    """Return the merged PDF: a notice page first when documents are missing, then each
    document's pages with a bookmark on its first page. A PDF pypdf cannot read is missing."""
    writer = PdfWriter()
    readers: list[tuple[PdfReader, str]] = []
    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # pypdf's remarks on odd but readable PDFs are not problems
    try:
        for pdf, title in found:
            try:
                reader = PdfReader(pdf)
                if not reader.pages:
                    raise PyPdfError("it has no pages")
                readers.append((reader, title))
            except (OSError, PyPdfError, ValueError) as exc:
                problem = Problem(f"is not in {result.path.name} (its PDF cannot be read: "
                                  f"{exc}): open the document and run docgen generate "
                                  "--print-file again", file=str(pdf))
                result.missing.append(problem)
                missing.append((problem, title))
        if missing:
            _notice(writer, readers, missing, what)
        for reader, title in readers:
            first = len(writer.pages)
            writer.append(reader, import_outline=False)
            writer.add_outline_item(title=title, page_number=first)
            result.pages += len(reader.pages)
            result.documents += 1
        writer.page_mode = "/UseOutlines"
        total = len(readers) + len(missing)
        meta = {"/Title": f"{what.capitalize()}: {len(readers)} of {total}",
                "/Producer": "docgen"}
        if missing:
            meta["/Subject"] = (f"Lacks {len(missing)} of {total} {what}: "
                                + "; ".join(t for _p, t in missing))
        writer.add_metadata(meta)
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()
    except (OSError, PyPdfError, ValueError) as exc:
        result.problems.append(Problem(f"could not be made ({exc}): the PDFs beside the "
                                       "documents are whole; run docgen generate --print-file "
                                       "again", file=str(result.path)))
        return None
    finally:
        quiet.setLevel(level)


def _notice(writer: PdfWriter, readers: list[tuple[PdfReader, str]],
            missing: list[tuple[Problem, str]], what: str) -> None:
    """Add the first page, saying which documents the file lacks, and its bookmarks."""
    box = readers[0][0].pages[0].mediabox if readers else None
    width, height = (float(box.width), float(box.height)) if box else (595.0, 842.0)
    page = writer.add_blank_page(width, height)
    total = len(readers) + len(missing)
    lines = [f"This print file lacks {len(missing)} of the {total} {what}:", ""]
    lines += [f"- {title}" for _p, title in missing[:_NOTICE_LINES]]
    if len(missing) > _NOTICE_LINES:
        lines.append(f"... and {len(missing) - _NOTICE_LINES} more (see the bookmarks)")
    lines += ["", "Their PDFs could not be made or read: docgen generate names each one.",
              "Run docgen generate --print-file again once they are made."]
    text = b"".join(b"(" + _pdf_text(line[:95]) + b") Tj T* " for line in lines)
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 11 Tf 14 TL 56 " + str(int(height) - 72).encode() + b" Td "
                    + text + b"ET")
    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding")})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
        {NameObject("/F1"): writer._add_object(font)})})
    page[NameObject("/Contents")] = writer._add_object(stream)
    top = writer.add_outline_item(title=f"Missing from this file: {len(missing)} of {total}",
                                  page_number=0)
    for _problem, title in missing:
        writer.add_outline_item(title=title, page_number=0, parent=top)


def _pdf_text(line: str) -> bytes:
    """Return ``line`` as a PDF string's bytes in the standard fonts' encoding (letters it
    lacks shown as "?": the bookmarks carry the names whole)."""
    data = line.encode("cp1252", "replace")
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
