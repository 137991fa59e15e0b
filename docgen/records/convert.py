"""Convert records saved as .doc, .rtf and the like to .docx through LibreOffice, to read them.

One LibreOffice run converts them all (it starts once), into a temporary folder that is
removed afterwards. LibreOffice only ever sees copies: the originals are never opened by it,
so no lock file or backup appears beside a coach's file and nothing of theirs is modified.
Each converted file is then read as any .docx, while problems and the log name the original.
A file that cannot be converted (LibreOffice missing, the file damaged, the run too slow)
comes back with the reason and what to do.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from docgen import libreoffice
from docgen.atomic import work_folder
from docgen.errors import DocgenError
from docgen.ooxml.odfcells import cells_as_shown
from docgen.safezip import MAX_TOTAL_BYTES

__all__ = ["Converted", "converted"]

# LibreOffice converts in the UK locale, the one docgen reads dates in (day first): a date
# kept with a format in "the locale's order" (a date a coach's LibreOffice recognised in a
# table cell, in an .fodt) is written out day first whatever the machine's locale is.
LOCALE = "en-GB"
BASE_TIMEOUT = 120.0  # seconds: LibreOffice's start, plus
PER_FILE_TIMEOUT = 10.0  # seconds for each file (a contract takes well under one)


def not_installed(path: Path) -> str:
    """Return the problem of a file docgen reads through LibreOffice when it is missing."""
    kind = path.suffix.lower() or "this kind of"
    return (f"is a {kind} file, which docgen reads through LibreOffice, and LibreOffice is not "
            "installed: install LibreOffice (package libreoffice-writer) or ask the coach to "
            "save it as .docx")


@dataclass
class Converted:
    """The .docx each original became (in a temporary folder), or why it did not."""

    made: dict[Path, Path] = field(default_factory=dict)
    failed: dict[Path, str] = field(default_factory=dict)  # original -> problem message


def _failure(errors: tuple[str, ...], timed_out: bool, timeout: float) -> str:
    if timed_out:
        return (f"was not converted: LibreOffice took longer than {timeout:.0f} s converting the "
                "records and was stopped; run docgen log again, or ask the coach to save it "
                "as .docx")
    said = f" ({'; '.join(errors)})" if errors else ""
    return (f"LibreOffice could not convert it{said}: it may be damaged, password-protected or "
            "not a document; open it and save it as .docx, or ask the coach for the Word file")


def _copy_as_shown(original: Path, copy: Path) -> None:
    """Copy a flat OpenDocument text with its table cells' values left out, so that each cell
    is converted as the text it showed the coach (see :mod:`docgen.ooxml.odfcells`). A file
    docgen cannot parse is copied as it is (LibreOffice names it if it cannot open it either).
    """
    data = original.read_bytes()
    with suppress(DocgenError):
        data = cells_as_shown(data, original)
    copy.write_bytes(data)


@contextmanager
def converted(files: list[Path], timeout: float | None = None) -> Iterator[Converted]:
    """Convert ``files`` to .docx in one LibreOffice run; yield where each one is.

    The converted files live until the ``with`` block ends. ``timeout`` (seconds) defaults
    to a base plus a little per file.
    """
    result = Converted()
    if not files:
        yield result
        return
    exe = libreoffice.soffice()
    if exe is None:
        result.failed = {f: not_installed(f) for f in files}
        yield result
        return
    limit = timeout if timeout is not None else BASE_TIMEOUT + PER_FILE_TIMEOUT * len(files)
    with work_folder("log") as tmp:
        inbox, outbox = Path(tmp) / "in", Path(tmp) / "out"
        inbox.mkdir()
        outbox.mkdir()
        copies: dict[Path, Path] = {}
        for n, original in enumerate(files, start=1):
            # numbered copies: "a.doc" and "a.rtf", or two folders' "a.doc", never collide
            copy = inbox / f"{n:05d}{original.suffix.lower()}"
            try:
                if original.stat().st_size > MAX_TOTAL_BYTES:
                    result.failed[original] = (
                        f"is larger than {MAX_TOTAL_BYTES // (1024 * 1024)} MB, more than a "
                        "record can be: not converted; ask the coach to save it as .docx")
                    continue
                if copy.suffix == ".fodt":
                    _copy_as_shown(original, copy)
                else:
                    shutil.copyfile(original, copy)
            except OSError as exc:
                result.failed[original] = f"cannot be read ({exc.strerror or exc}): skipped"
                continue
            copies[original] = copy
        run = libreoffice.convert(exe, list(copies.values()), "docx:MS Word 2007 XML", outbox,
                                  limit, LOCALE) if copies else libreoffice.Run(False, ())
        for original, copy in copies.items():
            made = outbox / f"{copy.stem}.docx"
            if made.is_file() and made.stat().st_size > 0:
                result.made[original] = made
            else:
                result.failed[original] = _failure(run.errors, run.timed_out, limit)
        yield result
