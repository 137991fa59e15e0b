"""Find the records to read: every file under the folders given to ``docgen log``, classified.

Each file is read natively (Word's .docx family, OpenDocument .odt), read through LibreOffice
(.doc, .rtf and the other word-processor formats it converts), or not read, with the reason
and the way out: nothing under the folders is passed over without a word. Only files that
are never a coach's work stay silent: Word's owner files (``~$x.docx``), LibreOffice's lock
files (``.~lock.x#``), macOS's ``._`` and ``.DS_Store`` files, Windows's ``Thumbs.db`` and
``desktop.ini``, and what docgen itself writes into an output folder (its manifest, its lock,
its temporary files, the PDFs ``--pdf`` makes beside each document, the coaching log, the PDF
``docgen log --pdf`` makes beside it, and
its reading cache).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
import zlib
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path, PurePosixPath

from docgen.copies import COPIES_RECORD, is_own_copy, read_copies
from docgen.editors import lock_file, lock_names
from docgen.errors import DocgenError, Problem
from docgen.safezip import open_package, parse_xml, read_member
from docgen.schema import PDF_MARK

__all__ = ["Found", "How", "find_files", "find_records", "posix_under"]


class How(Enum):
    """How a file found is read."""

    DOCX = "docx"  # a WordprocessingML package, read natively
    ODT = "odt"  # an OpenDocument text, read natively
    CONVERT = "convert"  # converted to .docx by LibreOffice, then read
    PDF = "pdf"  # a mentor agreement's text is read; any other PDF is named (its reason)
    SKIP = "skip"  # not read: its problem says why and what to do


DOCX_SUFFIXES = frozenset({".docx", ".docm", ".dotx", ".dotm"})
ODT_SUFFIXES = frozenset({".odt", ".ott"})
# What LibreOffice opens as a word-processor document: Word 97-2003, RTF, flat ODF, Works,
# WordPerfect, Word 2003 XML.
CONVERT_SUFFIXES = frozenset({".doc", ".dot", ".rtf", ".fodt", ".wps", ".wpd"})
RECORD_SUFFIXES = DOCX_SUFFIXES | ODT_SUFFIXES | CONVERT_SUFFIXES

PDF_REASON = ("is a PDF, which cannot be read back: ask the coach for the Word file "
              "(.docx) it was made from")
NOT_A_RECORD = ("is not a coaching record docgen can read (it reads .docx, .odt, .doc and "
                ".rtf files): skipped; if it holds sessions, ask the coach for the Word file")

ARCHIVE_SUFFIXES = frozenset({".zip", ".7z", ".rar", ".tar", ".gz", ".tgz"})
MAIL_SUFFIXES = frozenset({".eml", ".msg"})
MAIL_REASON = ("is an e-mail, which docgen does not open: save the record attached to it into "
               "the folder (in Outlook: open it, then File › Save Attachments) and run again")
_LISTED = 5  # the names of the records an archive holds, shown at most


def archive_reason(path: Path) -> str | None:
    """Say what an archive (a .zip of records e-mailed back) holds and how to read it; None
    for a zip whose every document is already beside it, extracted (read from there)."""
    held: list[str] = []
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as zf:  # its listing only: nothing is inflated
                members = [i for i in zf.infolist()
                           if _how(PurePosixPath(i.filename).name) is not None]
        except (OSError, zipfile.BadZipFile, ValueError):
            members = []
        if not members:
            return ("is a zip archive holding no document docgen reads (.docx, .odt, .doc, "
                    ".rtf): skipped")
        if all(_extracted(path, m) for m in members):
            return None
        held = [PurePosixPath(m.filename).name for m in members]
    what = "an archive" if not held else (
        f"a zip archive holding {len(held)} document{'s' if len(held) != 1 else ''} "
        f"({', '.join(held[:_LISTED])}{', …' if len(held) > _LISTED else ''})")
    return (f"is {what}, which docgen does not open: extract it into the folder (Windows: "
            "right-click › Extract All) and run again; its documents are then read")


def _extracted(archive: Path, member: zipfile.ZipInfo) -> bool:
    """Tell whether ``member`` of ``archive`` lies extracted beside it, as it is in it: in the
    archive's folder, or in the folder Windows' Extract All makes (named as the archive)."""
    inner = PurePosixPath(member.filename)
    within = () if inner.is_absolute() or ".." in inner.parts else inner.parts  # never out
    for base in (archive.parent, archive.parent / archive.stem):
        for candidate in (base / inner.name, base.joinpath(*within)):
            try:
                if candidate.stat().st_size == member.file_size and zlib.crc32(
                        candidate.read_bytes()) == member.CRC:
                    return True
            except (OSError, ValueError):
                continue
    return False


# Files nobody typed a session into: editors' owner and lock files, operating systems' folder
# files, and what docgen writes into an output folder (manifest, lock, temporary files).
_QUIET_PREFIXES = ("~$", ".~lock.", "._")
_QUIET_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini", ".docgen-manifest.jsonl",
                          ".docgen.lock", ".docgen-lastrun.json", COPIES_RECORD,
                          ".gitkeep"})  # what keeps docgen's empty output/ folder in git
_DOCGEN_TEMPORARY = re.compile(r"^\..+\.\d+\.tmp$")
# the log's reading cache (docgen.records.cache), and SQLite's journal beside it while written
_LOG_CACHE = re.compile(r"^\..+\.cache\.sqlite(\.\d+\.tmp)?(-journal|-wal|-shm)?$")
_LOG_TITLE = b"Coaching log"  # the cheap test: in the title, however its element is written


@dataclass(frozen=True, slots=True)
class Found:
    """A file under the folders: where it is, the folder it was found under, how it is read."""

    path: Path
    root: Path
    how: How
    reason: str = ""  # for How.SKIP: the problem's message
    lock: str = ""  # a record's lock file beside it (open in Word or LibreOffice), if any
    exported: str = ""  # a PDF exported from the record beside it (not --pdf's), if any


def posix_under(path: Path, root: Path) -> str:
    """Return ``path.relative_to(root).as_posix()``; ValueError when it is not under ``root``.

    Files found under a folder are named by their text beneath it, with no path arithmetic:
    for ten thousand records pathlib's way cost ~0.1 s each time a run named them all.
    """
    text, base = str(path), str(root)
    if base != "." and not base.endswith(os.sep) and text.startswith(base) and (
            text[len(base):len(base) + 1] == os.sep):
        rest = text[len(base) + 1:]
        return rest if os.sep == "/" else rest.replace(os.sep, "/")
    return path.relative_to(root).as_posix()


def _quiet(name: str) -> bool:
    """Tell whether a file is one nobody typed into, left out without a word."""
    return (name.startswith(_QUIET_PREFIXES) or name.lower() in _QUIET_NAMES
            or bool(_DOCGEN_TEMPORARY.match(name)) or bool(_LOG_CACHE.match(name)))


def _how(name: str) -> How | None:
    """Return how a file is read by its name; None when it is not a record's format."""
    suffix = os.path.splitext(name)[1].lower()
    if suffix in DOCX_SUFFIXES:
        return How.DOCX
    if suffix in ODT_SUFFIXES:
        return How.ODT
    if suffix in CONVERT_SUFFIXES:
        return How.CONVERT
    return None


def _is_coaching_log(path: Path) -> bool:
    """Tell whether an .xlsx is a coaching log docgen wrote (its title and author say so)."""
    try:
        with open_package(path) as zf:
            core = read_member(zf, "docProps/core.xml", path, limit=64 * 1024)
    except (DocgenError, OSError, zipfile.BadZipFile, ValueError, EOFError):
        return False
    if _LOG_TITLE not in core:  # the cheap test first
        return False
    try:
        root = parse_xml(core, path, "docProps/core.xml")
    except DocgenError:
        return False
    dc = "{http://purl.org/dc/elements/1.1/}"
    title, creator = root.find(f"{dc}title"), root.find(f"{dc}creator")
    return (title is not None and title.text == "Coaching log"
            and creator is not None and creator.text == "docgen")


# A PDF made from a docgen document (``--pdf``, or a coach's own export of the record): its
# Info, at its end, names docgen as the author, as LibreOffice and Word write it; and it has
# no later revision (a PDF signed or annotated since is saved with a section appended whose
# trailer points back, /Prev, to the one before: each section ends in its own "startxref").
_DOCGEN_AUTHOR = re.compile(rb"/Author\s*(?:\(docgen\)|<FEFF0064006F006300670065006E>)",
                            re.IGNORECASE)
_PDF_TAIL = 16 * 1024
_PDF_MOST = 64 * 1024 * 1024  # a bigger one is no PDF docgen made of a record
OTHER_PDF_REASON = (
    "is a PDF beside the record of the same name, but not one made from it as docgen wrote it "
    "(a scan of a printed copy, or a PDF signed or annotated since): docgen reads the record, "
    "not the PDF; if the PDF holds anything more (handwriting, a signature, notes), type it "
    "into the record")


# docgen.schema.PDF_MARK in a PDF's keywords, as a literal string or as LibreOffice writes it
# (UTF-16 in hex): a PDF `generate --pdf` made.
_PDF_MARK = re.compile(
    rb"/Keywords\s*(?:\([^)]*" + re.escape(PDF_MARK.encode()) + rb"|<FEFF(?:[0-9A-F]{4})*"
    + PDF_MARK.encode("utf-16-be").hex().upper().encode() + rb")", re.IGNORECASE)
OWN, EXPORTED = "own", "exported"  # a PDF beside its record: --pdf's, or a coach's export


_CREATED = re.compile(rb"/CreationDate\s*\(D:(\d{14})")


def pdf_created(path: Path) -> dt.datetime | None:
    """Return when a PDF says it was made (its Info's /CreationDate, local time), if it says."""
    try:
        with open(path, "rb") as fh:
            fh.seek(max(0, fh.seek(0, os.SEEK_END) - _PDF_TAIL))
            found = _CREATED.search(fh.read())
        return dt.datetime.strptime(found[1].decode(), "%Y%m%d%H%M%S") if found else None
    except (OSError, ValueError):
        return None


def _records_pdf(path: Path, stems: set[str]) -> str | None:
    """Tell whether a PDF sits beside a record of the same name and was made from a docgen
    document, unchanged since: :data:`OWN` when ``--pdf`` made it (its keywords hold docgen's
    mark), :data:`EXPORTED` when someone exported it from the record in Word or LibreOffice;
    None for any other PDF. The record beside it is read, so nothing in either is lost unless
    the export was made from typing never saved (see :func:`find_files`). Another PDF there (a
    signed scan) may hold what the record does not, so it is named."""
    if path.stem.casefold() not in stems:
        return None
    try:
        with open(path, "rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            fh.seek(max(0, size - _PDF_TAIL))
            tail = fh.read()
            if _DOCGEN_AUTHOR.search(tail) is None:
                return None
            trailer = tail.rfind(b"trailer")
            if trailer >= 0:  # the last trailer points back to an earlier one: revised
                unrevised = b"/Prev" not in tail[trailer:]
            elif size > _PDF_MOST:  # cross-reference streams: counted over the whole file
                unrevised = False
            else:
                fh.seek(0)
                unrevised = fh.read().count(b"startxref") == 1
    except OSError:
        return None
    if not unrevised:
        return None
    return OWN if _PDF_MARK.search(tail) is not None else EXPORTED


def _is_logs_pdf(path: Path) -> bool:
    """Tell whether a PDF is the one ``docgen log --pdf`` wrote beside its coaching log."""
    beside = path.with_suffix(".xlsx")
    return beside.is_file() and _is_coaching_log(beside)


def _unreadable_folder(folder: Path, root: Path, exc: OSError) -> Problem:
    """Return the problem naming a folder whose files cannot be listed."""
    try:
        where = folder.relative_to(root).as_posix()
    except ValueError:
        where = str(folder)
    if where == ".":
        where = str(folder)
    if isinstance(exc, FileNotFoundError):
        what = "disappeared while the records were being read: run docgen log again"
    elif isinstance(exc, PermissionError):
        what = ("cannot be opened (permission denied): its records are not in the log; give "
                "your account read access to it, or copy its files somewhere you can read")
    else:
        what = (f"cannot be read ({exc.strerror or exc}): its records are not in the log; "
                "check the folder (a network drive may be offline) and run docgen log again")
    return Problem(f"folder {what}", file=where)


def find_files(folders: list[Path]) -> tuple[list[Found], list[Problem]]:
    """Return every file under ``folders`` (recursively), classified, and the folders not read.

    Sorted by folder given, then path under it. Symbolic links are never followed out of a
    folder: a linked folder is not entered (named when it points outside, since its files are
    then not read), and a linked file counts only if it resolves inside the folder that holds
    it (else it is named). A folder given as a file reads that one file. Each file is listed
    once, even when folders overlap or links lead to it. The copies docgen made of its
    documents (coach packs, print files: :mod:`docgen.copies`) are passed over quietly while
    they hold what docgen wrote; one changed since is classified like any other file.
    """
    out: list[Found] = []
    problems: list[Problem] = []
    seen: set[Path] = set()
    copies: dict[Path, tuple[str, ...]] = {}  # docgen's own copies met so far: their hashes
    exported: dict[tuple[str, str], str] = {}  # (folder, record's stem) -> PDF exported from it

    def rel(path: Path, root: Path) -> str:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            return str(path)

    def add(path: Path, root: Path, real: Path, stems: set[str],
            locks: set[str] | None = None) -> None:
        if real in seen:
            return
        seen.add(real)
        if real in copies and is_own_copy(path, copies[real]):
            return
        name = path.name
        how = _how(name)
        if how is not None:
            if locks is None:  # not listed with its folder: asked of the system
                lock = lock_file(path)
                held = lock.name if lock is not None else ""
            else:
                held = next((n for n in lock_names(name) if n in locks), "")
            out.append(Found(path, root, how, lock=held))
            return
        suffix = path.suffix.lower()
        if suffix == ".pdf":
            made = _records_pdf(path, stems)
            if made == EXPORTED:
                exported[(str(path.parent), path.stem.casefold())] = path.name
            elif made is None and not _is_logs_pdf(path):
                beside = path.stem.casefold() in stems
                out.append(Found(path, root, How.PDF,
                                 OTHER_PDF_REASON if beside else PDF_REASON))
        elif suffix == ".xlsx" and _is_coaching_log(path):
            return
        elif suffix in ARCHIVE_SUFFIXES:
            if (reason := archive_reason(path)) is not None:
                out.append(Found(path, root, How.SKIP, reason))
        elif suffix in MAIL_SUFFIXES:
            out.append(Found(path, root, How.SKIP, MAIL_REASON))
        else:
            out.append(Found(path, root, How.SKIP, NOT_A_RECORD))

    def add_link(path: Path, root: Path, inside: Path, stems: set[str]) -> None:
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            out.append(Found(path, root, How.SKIP, (
                "is a link to a file that is not there: skipped; give docgen the file itself")))
            return
        if not real.is_relative_to(inside):
            if real.is_dir():
                problems.append(Problem(
                    "folder is a link to a folder outside the folders given, which docgen does "
                    "not follow: its records are not read; name that folder in docgen log if "
                    "they belong in the log", file=rel(path, root)))
            elif not _quiet(path.name):
                out.append(Found(path, root, How.SKIP, (
                    "is a link to a file outside the folders given, which docgen does not "
                    "follow: skipped; copy the file in, or name its folder in docgen log")))
            return
        if real.is_file():
            add(path, root, real, stems)
        # a link to a folder inside: its files are read where they really are

    def walk(folder: Path, real_folder: Path, root: Path, inside: Path) -> None:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            problems.append(_unreadable_folder(folder, root, exc))
            return
        if any(entry.name == COPIES_RECORD for entry in entries):
            copies.update({real_folder / rel: hashes
                           for rel, (hashes, _source) in read_copies(folder).items()})
        files, links, subfolders = [], [], []
        locks: set[str] = set()  # the owner and lock files here: which records are open
        for entry in entries:  # a folder's files first, then its subfolders, by name
            if _quiet(entry.name):
                if entry.name.startswith(("~$", ".~lock.")):
                    locks.add(entry.name)
                continue
            try:
                if entry.is_symlink():
                    links.append(entry)
                elif entry.is_dir():
                    subfolders.append(entry)
                elif entry.is_file():
                    files.append(entry)
            except OSError:  # gone since it was listed
                continue
        # the names of the records here: a PDF beside one of them is its copy
        stems = {os.path.splitext(e.name)[0].casefold()
                 for e in (*files, *links) if _how(e.name) is not None}
        for entry in files:
            # a plain file under a folder that is not a link: its real path is known
            # without asking the system for each file (a thousand records: ~30 ms)
            add(Path(entry.path), root, real_folder / entry.name, stems, locks)
        for entry in links:
            add_link(Path(entry.path), root, inside, stems)
        for entry in subfolders:
            walk(Path(entry.path), real_folder / entry.name, root, inside)  # noqa: F821

    for folder in folders:
        folder = Path(folder)
        if folder.is_file():
            if _quiet(folder.name):
                continue
            add_link(folder, folder.parent, folder.parent.resolve(),
                     {folder.stem.casefold()} if _how(folder.name) else set())
            continue
        if not folder.is_dir():
            if folder.is_symlink() or not os.path.lexists(folder):
                problems.append(Problem("does not exist (or is a broken link): nothing read "
                                        "from it", file=str(folder)))
            else:
                problems.append(Problem("is not a folder or a file docgen can read: nothing "
                                        "read from it", file=str(folder)))
            continue
        try:
            inside = folder.resolve()
        except OSError as exc:
            problems.append(_unreadable_folder(folder, folder, exc))
            continue
        walk(folder, inside, folder, inside)
    if exported:  # each record a PDF was exported from knows it
        out = [replace(f, exported=exported.get((str(f.path.parent), f.path.stem.casefold()),
                                                "")) if f.how not in (How.SKIP, How.PDF) else f
               for f in out]
    out.sort(key=lambda f: (str(f.root), posix_under(f.path, f.root)))
    # walk() calls itself through its closure, a cycle holding what was found (every path
    # seen, twice): broken here, or it waits for a full collection, which the log's
    # reading puts off (~10 MiB of its peak at 10,000 records)
    del walk
    return out, problems


def find_records(folders: list[Path]) -> list[tuple[Path, Path]]:
    """Return every file under ``folders`` that is read as a record, as ``(path, root)``.

    Those are the files :func:`find_files` does not skip (see it for the rules), sorted.
    """
    return [(f.path, f.root) for f in find_files(folders)[0] if f.how is not How.SKIP]
