"""A PDF under the records folders: a mentor agreement sent back as a PDF counts as returned.

A PDF cannot be read back as a coaching record: its forms and fields are gone. A mentor
agreement, though, tells the log only that it came back, and its text says whose it is:
"QI Practitioner name: …" and "Mentor name: …", as docgen's agreement prints them. A pair
that signs the PDF docgen made (or their own export) and sends it back is therefore shown
as returned, and the Problems sheet says it was read from a PDF, whose text is not checked
for changes. Any other PDF (a contract, a scan without text, an agreement worded otherwise)
is named as before, asking for the Word file.
"""

from __future__ import annotations

import re
from pathlib import Path

from docgen import schema
from docgen.errors import DocgenError, Problem
from docgen.models import Record
from docgen.values import clean_text

__all__ = ["MAX_PDF_BYTES", "read_pdf"]

MAX_PDF_BYTES = 20 * 1024 * 1024  # a two-page agreement is ~50 KB; a scan a few MB
_PAGES = 2  # the names are on the first page; a second in case the first is a cover
_TITLE = re.compile(r"QI\s+Practitioner\s+and\s+Mentor\s+agreement", re.IGNORECASE)
_PRACTITIONER = re.compile(r"QI\s+Practitioner\s+name\s*:[ \t]*([^\n]+)", re.IGNORECASE)
_MENTOR = re.compile(r"(?<![\w])Mentor\s+name\s*:[ \t]*([^\n]+)", re.IGNORECASE)
# The two names sit side by side in the agreement's first table: a PDF's text may give the
# row as one line ("QI Practitioner name: A  Mentor name: B"), so a name ends at a label.
_NEXT_LABEL = re.compile(r"\s*\b(?:Mentor\s+name|Organisation|QI\s+Practitioner\s+name)\s*:",
                         re.IGNORECASE)


def read_pdf(path: Path, source: str, unreadable: str) -> Record:
    """Return the mentor agreement a PDF holds, as a record of its pair.

    Raises :class:`DocgenError` with ``unreadable`` (why a PDF is not read, and the way out)
    for a PDF that is not one: too large, damaged, without text, or not an agreement.
    """
    pair = _pair(_text(path))
    if pair is None:
        raise DocgenError(Problem(unreadable, file=source))
    practitioner, mentor = pair
    return Record(source=source, kind=schema.KIND_AGREEMENT,
                  team_id=f"{practitioner} – {mentor}", identified_by="text",
                  problems=(Problem(
                      f"is a PDF of the mentor agreement of {practitioner} and {mentor} (a "
                      "signed copy?): counted as returned; a PDF's text is not checked "
                      "against what docgen wrote, so if the pair changed anything agreed, "
                      "change it on the cohort's Mentoring sheet too", file=source),))


def _text(path: Path) -> str:
    """Return the text of the PDF's first pages; "" when it has none or cannot be read."""
    try:
        if path.stat().st_size > MAX_PDF_BYTES:
            return ""
        from pypdf import PdfReader  # only when a PDF is met: ~60 ms to import

        reader = PdfReader(path, strict=False)
        return "\n".join(page.extract_text() or "" for page in reader.pages[:_PAGES])
    except Exception:  # noqa: BLE001 - a damaged or hostile PDF is named, never a traceback
        return ""


def _pair(text: str) -> tuple[str, str] | None:
    """Return the practitioner and mentor an agreement's text names; None if it is not one."""
    if not _TITLE.search(text):
        return None
    practitioner, mentor = _PRACTITIONER.search(text), _MENTOR.search(text)
    if practitioner is None or mentor is None:
        return None
    names = tuple(_name_at(text, m) for m in (practitioner, mentor))
    return (names[0], names[1]) if all(names) else None


_WRAPPED_LINES = 3  # a name wrapped in its cell runs on over at most this many lines


def _name_at(text: str, label: re.Match[str]) -> str:
    """Return the name after a label: up to the next label, over the lines a name wrapped in
    its table cell takes ("Zofia Dąbrowska-" then "Kowalczyk"), else its own line."""
    start = label.start(1)
    after = _NEXT_LABEL.search(text, start)
    name = label[1]
    if after is not None:
        span = text[start:after.start()]
        if span.count("\n") < _WRAPPED_LINES and len(span) <= 200:
            name = ""
            for line in filter(None, (line.strip() for line in span.split("\n"))):
                name = f"{name}{line}" if name.endswith("-") else f"{name} {line}"
    return " ".join(clean_text(_NEXT_LABEL.split(name)[0]).split())
