"""Where documents go and how they are written: safe names, atomic writes, the edit guard.

Nothing is lost: every file is written to a temporary file in its folder and renamed into
place; a document a coach edited since docgen wrote it (its hash is not one docgen recorded)
is never overwritten; a document open in Word or LibreOffice (its lock file beside it) is
left alone.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import io
import json
import os
import re
import unicodedata
import zipfile
from array import array
from collections.abc import Iterable, Iterator, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from docgen.atomic import atomic_file, atomic_write, clear_abandoned, copy_aside, work_folder
from docgen.compact import Names
from docgen.documents.package import content_digest
from docgen.editors import lock_file
from docgen.errors import DocgenError, Problem, os_problem
from docgen.models import Outcome

MANIFEST = ".docgen-manifest.jsonl"
# The journal's line naming the documents the last run left behind (made by an earlier run,
# not by it: a team removed from the cohort); a path no file has, so older docgens pass it
LEFT_BEHIND = ".docgen-left-behind"
MAX_NAME_CHARS = 120  # well under the 255-byte limit of common file systems, accents included
# File systems count bytes, not characters: 78 CJK characters or 70 emoji pass 255 bytes.
# 180 leaves room for " (2)", " (edited YYYY-MM-DD HHMM)", ".docx" and LibreOffice's lock name.
MAX_NAME_BYTES = 180
_TRAILING_ID = re.compile(r"(?s)(.*?)(\s*\([^()]*\))")
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in "123456789¹²³"
}
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*\u00ad\u200b-\u200f\u202a-\u202e\u2060'
                     r'\u2066-\u2069\ufeff]')


def safe_name(text: str, fallback: str = "unnamed") -> str:
    """Return ``text`` as a file name that is valid on Windows, macOS and Linux.

    Path separators, ``..``, control and bidi characters go; Windows-reserved names (CON,
    NUL, COM1...) get a trailing ``_``; trailing dots and spaces (which Windows drops) go;
    accents are kept, composed (NFC), so one name never becomes two files on macOS.
    """
    name = unicodedata.normalize("NFC", text or "")
    name = _UNSAFE.sub("-", name)
    name = " ".join(name.split())
    name = re.sub(r"\.{2,}", ".", name).strip(" .-")
    name = _fit(name)
    if not name:
        name = fallback
    stem, dot, rest = name.partition(".")
    if stem.rstrip(" ").upper() in _WINDOWS_RESERVED:  # Windows looks before the first dot
        name = f"{stem}_{dot}{rest}"
    return name


def _fit(name: str) -> str:
    """Shorten ``name`` to MAX_NAME_CHARS and MAX_NAME_BYTES of UTF-8, with "…" where it was
    cut, keeping a trailing "(Team ID)" whole so the file still names its team."""
    if len(name) <= MAX_NAME_CHARS and len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    m = _TRAILING_ID.fullmatch(name)
    head, tail = (m[1], m[2]) if m and len(m[2].encode()) <= MAX_NAME_BYTES // 2 else (name, "")
    budget = MAX_NAME_BYTES - len(tail.encode("utf-8")) - len("…".encode())
    cut = head[: MAX_NAME_CHARS - len(tail) - 1]
    cut = cut.encode("utf-8")[:budget].decode("utf-8", "ignore").rstrip(" .-")
    return f"{cut}…{tail}"


def unique_names(titles: Iterable[str], suffix: str) -> list[str]:
    """Return one safe, distinct file name per title (distinct ignoring case, as on Windows)."""
    return list(distinct_names(titles, suffix))


def distinct_names(titles: Iterable[str], suffix: str) -> Names:
    """Return :func:`unique_names`' names, held compactly (:class:`Names`).

    Which names are taken is kept as a table of their numbers by the hash of their casefolded
    text, not as a set of those texts: ~1 MB instead of ~5 at 50,000 documents.
    """
    out = Names()
    slots = array("i", [-1]) * 64  # a name's number, by its hash; -1: free
    for title in titles:
        base = safe_name(title)
        name, n = f"{base}{suffix}", 2
        while _taken(out, slots, name.casefold()) is None:
            name, n = f"{base} ({n}){suffix}", n + 1
        out.append(name)
        if len(out) * 2 > len(slots):  # at most half full: probes stay short
            slots = _rehashed(out, len(slots) * 4)
        else:
            _taken(out, slots, name.casefold(), len(out) - 1)
    return out


def _taken(names: Names, slots: array[int], folded: str, add: int = -1) -> int | None:
    """Find ``folded`` (a casefolded name) in ``slots``: None if one of ``names`` is it, else
    its free slot, where the number ``add`` is put if given (not -1)."""
    mask = len(slots) - 1
    at = hash(folded) & mask
    while (held := slots[at]) >= 0:
        if names[held].casefold() == folded:
            return None
        at = (at + 1) & mask
    if add >= 0:
        slots[at] = add
    return at


def _rehashed(names: Names, size: int) -> array[int]:
    """Return a table of ``size`` slots (a power of two) holding every one of ``names``."""
    slots = array("i", [-1]) * size
    for i, name in enumerate(names):
        _taken(names, slots, name.casefold(), i)
    return slots


def inside(root: Path, relative: str) -> Path:
    """Return ``root / relative``, refusing any path that would leave ``root``.

    Checked on the text of the path (no file-system calls: it runs once per document);
    ``root`` itself may be a symbolic link.
    """
    base = os.path.abspath(root)
    target = os.path.abspath(os.path.join(base, relative))
    # The usual answer first: a normalised target that starts with the normalised root and
    # a separator is inside it (commonpath would say so, at twice the cost of the rest).
    if target.startswith(base) and target[len(base):len(base) + 1] == os.sep and (
            len(target) > len(base) + 1):
        return Path(target)
    if os.path.commonpath([base, target]) != base or target == base:
        raise DocgenError(Problem(f"refused to write outside the output folder: {relative}"))
    return Path(target)


_TEMPORARY = re.compile(r"^\..+\.(\d+)\.tmp$")
LOCK_FILE = ".docgen.lock"


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` while docgen writes into it.

    Two runs writing into one folder would race on the manifest; the second is refused with
    a message. The lock is the operating system's own, on the file ``.docgen.lock``
    (``flock`` on Linux and macOS, ``msvcrt`` byte locking on Windows), dropped when the
    process ends however it ends, so a killed run never leaves the folder locked. (The
    filelock package did the same in two calls, and took 11-16 ms to import on every run.)
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise DocgenError(os_problem(exc, "cannot be written into", folder)) from None
    try:
        if not _lock(fd, True):
            raise DocgenError(Problem(
                "another docgen run is writing into this folder: wait for it to finish",
                file=str(folder)))
        try:
            yield
        finally:
            _lock(fd, False)
    finally:
        os.close(fd)


_HELD = frozenset({errno.EACCES, errno.EAGAIN, errno.EDEADLK})  # another process has it


def _lock(fd: int, take: bool) -> bool:
    """Take (without waiting) or drop the lock on the open file ``fd``; False when another
    process holds it. Where the folder's file system or the system has no locks (a network
    share that refuses them; neither ``fcntl`` nor ``msvcrt``), the run goes on unlocked:
    the lock only keeps two docgen runs apart."""
    try:
        import fcntl
    except ImportError:  # Windows
        try:
            import msvcrt
        except ImportError:
            return True
        os.lseek(fd, 0, os.SEEK_SET)  # the lock is on the first byte, from the position
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK if take else msvcrt.LK_UNLCK, 1)
        except OSError as exc:
            return not (take and exc.errno in _HELD)
        return True
    try:
        fcntl.flock(fd, (fcntl.LOCK_EX | fcntl.LOCK_NB) if take else fcntl.LOCK_UN)
    except OSError as exc:
        return not (take and exc.errno in _HELD)
    return True


def remove_stale_temporaries(folder: Path) -> int:
    """Delete temporary files a killed run left in ``folder``; return how many.

    Call it holding :func:`folder_lock`: then no other run is writing, and every file named as
    :func:`docgen.atomic.temporary_name` names them is left over from a run that was stopped.
    """
    removed = 0
    if not folder.is_dir():
        return 0
    for path in folder.iterdir():
        if _TEMPORARY.match(path.name) and path.is_file():
            path.unlink(missing_ok=True)
            removed += 1
    # and the folders of PDF runs killed half way (their process is gone)
    return removed + clear_abandoned(folder)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_hash(path: Path) -> str | None:
    try:
        return sha256(path.read_bytes())
    except FileNotFoundError:
        return None


@dataclass
class Manifest:
    """What docgen wrote into an output folder: for each file, the hashes it wrote.

    Kept as an append-only journal, so a run killed at any moment loses nothing: an entry is
    appended *before* the file is renamed into place, so whichever version is on disk, its
    hash is known. Compacted at the end of a run.
    """

    root: Path
    # rel -> (hashes, oldest first; source: a digest of what the last of them was made from)
    files: MutableMapping[str, Entry]
    notes: list[Problem] = field(default_factory=list)  # what was wrong with the journal
    _fd: int | None = None
    _fd_pid: int = 0

    @classmethod
    def load(cls, root: Path) -> Manifest:
        """Read the journal of ``root``; a damaged one is read as far as it can be, and said.

        Entries lost to damage are rebuilt from the documents themselves as they are met
        (see :func:`place`): an untouched document is still known as docgen's.
        """
        path = root / MANIFEST
        try:
            files, damaged = _read_journal(path)
        except OSError as exc:
            files, damaged = Entries(), 0
            notes = [os_problem(exc, "cannot be read, so it is rebuilt from the documents",
                                path)]
        else:
            notes = [Problem(
                f"{damaged} line{'s' if damaged != 1 else ''} of docgen's record of what it "
                "wrote could not be read: documents are recognised by their content instead, "
                "and any not recognised are kept as if edited", file=str(path))] if damaged else []
        return cls(root, files, notes)

    @property
    def left(self) -> tuple[str, ...]:
        """The documents the last run left behind, as it said (see :meth:`mark_left`)."""
        return getattr(self.files, "left", ())

    def written_by_us(self, rel: str, digest: str | None) -> bool:
        hashes = self.files.get(rel, ((), None))[0]
        return digest is not None and digest in hashes

    def source_of(self, rel: str) -> str | None:
        return self.files.get(rel, ((), None))[1]

    def made_from(self, rel: str, digest: str | None, source: str) -> bool:
        """Tell whether content of hash ``digest`` at ``rel`` is what docgen last wrote there,
        made from ``source``.

        Only the last hash recorded goes with the source recorded: an older hash is a version
        docgen wrote from other inputs (or one a killed run never renamed into place).
        """
        hashes, recorded = self.files.get(rel, ((), None))
        return digest is not None and bool(hashes) and hashes[-1] == digest and (
            recorded == source)

    def record(self, rel: str, digest: str, source: str) -> None:
        """Append that ``rel`` is about to hold content of hash ``digest``, made from ``source``.

        Only the journal on disk grows: a run never looks an entry up again after writing it,
        and :meth:`compact` reads the journal back, so memory stays flat however many
        documents a run writes.
        """
        line = json.dumps({"path": rel, "sha256": digest, "source": source},
                          ensure_ascii=False) + "\n"
        # One write() of a short line to an O_APPEND file: whole, even with parallel writers.
        os.write(self._journal(), line.encode("utf-8"))

    def _journal(self) -> int:
        """Return this process's descriptor of the journal, opened once (forked workers reopen
        their own: a descriptor shared across fork would share its offset too)."""
        if self._fd is None or self._fd_pid != os.getpid():
            self.root.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.root / MANIFEST, os.O_WRONLY | os.O_APPEND | os.O_CREAT,
                               0o644)
            self._fd_pid = os.getpid()
        return self._fd

    def close(self) -> None:
        """Close the journal (it is reopened if more is recorded)."""
        if self._fd is not None and self._fd_pid == os.getpid():
            os.close(self._fd)
        self._fd = None

    def compact(self) -> None:
        """Rewrite the journal with the last two hashes of each file that still exists.

        Reads the journal afresh (workers appended to it) and writes line by line.
        """
        path = self.root / MANIFEST
        files, _damaged = _read_journal(path)
        with atomic_file(path, durable=True) as fh:
            for rel in sorted(files):
                if not (self.root / rel).exists():
                    continue
                hashes, source = files[rel]
                for digest in hashes[-2:]:
                    line = json.dumps({"path": rel, "sha256": digest, "source": source},
                                      ensure_ascii=False)
                    fh.write(line.encode("utf-8") + b"\n")
            if left := [rel for rel in files.left if (self.root / rel).exists()]:
                fh.write(_left_line(left))

    def mark_left(self, rels: list[str]) -> None:
        """Record that this run left the documents ``rels`` behind (an earlier run made them;
        this one does not), replacing what an earlier run said: `docgen log`, reading the
        folder without the cohort, names each as no longer the cohort's."""
        os.write(self._journal(), _left_line(rels))


def _left_line(rels: list[str]) -> bytes:
    """Return the journal line naming the documents a run left behind."""
    return json.dumps({"path": LEFT_BEHIND, "left": rels},
                      ensure_ascii=False).encode("utf-8") + b"\n"


Entry = tuple[tuple[str, ...], str | None]  # a file's hashes, oldest first, and its source
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


class Entries(MutableMapping[str, Entry]):
    """The manifest's entries, each held as the raw bytes of its digests where it can be.

    An entry as text is ~330 bytes of Python objects beside its name (a tuple of 64-character
    strings in a tuple); as one bytes object of raw digests, 97. At 50,000 documents that is
    ~12 MB less, held through a re-run and while the journal is compacted. An entry whose
    hashes or source are not all SHA-256 hex digests (an older or edited journal) is kept as
    it was read: every entry reads back exactly as written.
    """

    __slots__ = ("_packed", "left")

    def __init__(self) -> None:
        self._packed: dict[str, Entry | bytes] = {}
        self.left: tuple[str, ...] = ()  # the documents the last run left behind, as it said

    def __getitem__(self, rel: str) -> Entry:
        value = self._packed[rel]
        if type(value) is not bytes:
            return value  # type: ignore[return-value]
        count = value[0]
        hashes = tuple(value[1 + 32 * k:33 + 32 * k].hex() for k in range(count))
        source = value[1 + 32 * count:]
        return hashes, source.hex() if source else None

    def __setitem__(self, rel: str, entry: Entry) -> None:
        hashes, source = entry
        if (len(hashes) < 256 and all(_HEX_DIGEST.fullmatch(h) for h in hashes)
                and (source is None or _HEX_DIGEST.fullmatch(source))):
            self._packed[rel] = bytes((len(hashes),)) + b"".join(
                bytes.fromhex(h) for h in (*hashes, *([source] if source else [])))
        else:
            self._packed[rel] = entry

    def __delitem__(self, rel: str) -> None:
        del self._packed[rel]

    def __contains__(self, rel: object) -> bool:
        return rel in self._packed

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)


def _read_journal(path: Path) -> tuple[Entries, int]:
    """Read a manifest journal a line at a time: each file's hashes, oldest first, and source.

    Returns them and the number of damaged lines (not JSON, not UTF-8, no path). The last
    line cut short by a killed run is not damage: the entries before it stand.
    """
    files = Entries()
    damaged = 0
    if not path.exists():
        return files, 0
    with open(path, "rb") as fh:  # a line at a time: 50,000 entries are ~12 MB of text
        for raw in fh:
            if not raw.strip():
                continue
            try:
                entry = json.loads(raw.decode("utf-8"))
                rel = entry["path"]
                if not isinstance(rel, str):
                    raise TypeError(rel)
            except (ValueError, KeyError, TypeError):
                # a line cut short by a kill is the journal's last: it has no line end
                damaged += raw.endswith(b"\n")
                continue
            if rel == LEFT_BEHIND:  # the last such line stands
                left = entry.get("left")
                files.left = tuple(r for r in left if isinstance(r, str)) if isinstance(
                    left, list) else ()
                continue
            _add_entry(files, rel, entry)
    return files, damaged


def _add_entry(files: Entries, rel: str, entry: dict[str, object]) -> None:
    """Add one journal line's hash and source to the entry of ``rel``."""
    hashes, source = files.get(rel, ((), None))
    digest = entry.get("sha256")
    if isinstance(digest, str) and digest:  # a hash met again is the latest again
        hashes = (*(h for h in hashes if h != digest), digest)
    files[rel] = (hashes, entry.get("source") or source)  # type: ignore[assignment]


_GENERATED_VALUE = re.compile(
    rb'(name="docgen\.generated"[^>]*>\s*<vt:lpwstr>)[^<]*(</vt:lpwstr>)')
_CONTENT_VALUE = re.compile(rb'name="docgen\.content"[^>]*>\s*<vt:lpwstr>([0-9a-f]+)<')


def recognise(path: Path, data: bytes) -> Outcome | None:
    """Tell what the document at ``path`` is when docgen's manifest has lost its entry.

    UNCHANGED: it is ``data`` but for the time it was made. UPDATED: it is a document docgen
    wrote and nobody edited since (its parts still match the digest docgen wrote into its
    properties), made from other data. None: it was edited, or is not docgen's. Checked from
    the zip's directory and its small properties part only, so a folder of documents is
    recognised in milliseconds. An edited document never passes: saving rewrites its parts.
    """
    from docgen.ooxml.names import CUSTOM_PART
    from docgen.safezip import read_member

    try:
        with zipfile.ZipFile(path) as old, zipfile.ZipFile(io.BytesIO(data)) as new:
            parts = {i.filename: (i.CRC, i.file_size) for i in old.infolist()}
            if CUSTOM_PART not in parts or parts[CUSTOM_PART][1] > 1 << 20:
                return None
            theirs = read_member(old, CUSTOM_PART, path)
            found = _CONTENT_VALUE.search(theirs)
            listed = ((name, crc, size) for name, (crc, size) in parts.items())
            if not found or found[1].decode() != content_digest(listed, CUSTOM_PART):
                return None
            same = parts.keys() == {i.filename for i in new.infolist()} and all(
                parts[i.filename] == (i.CRC, i.file_size) for i in new.infolist()
                if i.filename != CUSTOM_PART)
            mine = read_member(new, CUSTOM_PART, path)
            if same and (_GENERATED_VALUE.sub(rb"\1\2", mine)
                         == _GENERATED_VALUE.sub(rb"\1\2", theirs)):
                return Outcome.UNCHANGED
            return Outcome.UPDATED
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, DocgenError):
        return None


def unchanged(manifest: Manifest, rel: str, source: str) -> bool:
    """Tell whether the document at ``rel`` need not be made again: it was made from
    ``source`` and its file is still the one docgen wrote.

    Checked before rendering, so that a re-run costs what changed: the file is hashed (never
    judged by its size or time, which an edit saved within the same second can keep), and a
    document open in Word or LibreOffice is left to :func:`place` to report.
    """
    if manifest.source_of(rel) != source:
        return False
    path = inside(manifest.root, rel)
    return manifest.made_from(rel, file_hash(path), source) and lock_file(path) is None


def place(manifest: Manifest, rel: str, data: bytes, source: str, *, force: bool = False,
          dry_run: bool = False, today: dt.datetime | None = None) -> Outcome:
    """Write one document at ``rel`` under the manifest's root, guarding edits and open files.

    ``source`` is a digest of what the document was made from (template and values): when it
    is what was recorded and the file is untouched, the file is left as it is ("unchanged").
    """
    path = inside(manifest.root, rel)
    current = file_hash(path)
    if current is None:
        outcome = Outcome.WRITTEN
    elif lock_file(path) is not None:
        return Outcome.KEPT_OPEN
    elif manifest.written_by_us(rel, current):
        if manifest.made_from(rel, current, source):
            return Outcome.UNCHANGED
        if recognise(path, data) is Outcome.UNCHANGED:  # other inputs, the same document
            if not dry_run:
                manifest.record(rel, current, source)
            return Outcome.UNCHANGED
        outcome = Outcome.UPDATED
    elif rel not in manifest.files and (known := recognise(path, data)) is not None:
        if known is Outcome.UNCHANGED:  # the lost entry, rebuilt from the document itself
            if not dry_run:
                manifest.record(rel, current, source)
            return known
        outcome = known
    elif not force:  # made from other inputs than this run's: what changed is not in it
        recorded = manifest.source_of(rel)
        return (Outcome.KEPT_EDITED_OUTDATED if recorded is not None and recorded != source
                else Outcome.KEPT_EDITED)
    else:
        outcome = Outcome.REPLACED_EDITED
    if dry_run:
        return outcome
    if outcome is Outcome.REPLACED_EDITED:
        copy_aside(path, today or dt.datetime.now())
    manifest.record(rel, sha256(data), source)
    atomic_write(path, data)
    return outcome


# LibreOffice 7.4 stops without a word after about 247 files in one run (measured: 247 of 252,
# 247 of 260); runs of at most 100 stay well clear of that and start LibreOffice seldom enough.
PDF_BATCH = 100
_RETRY_ALONE = 20  # up to this many failures are retried one per run, so each reason is its own
_NOT_INSTALLED = ("LibreOffice is not installed, so no PDF was made "
                  "(install it, e.g. `apt-get install libreoffice-writer-nogui`, or from "
                  "libreoffice.org on Windows and macOS)")


@dataclass(frozen=True, slots=True)
class PdfOutcome:
    """What became of the PDFs asked for: how many were made, and each one that was not."""

    made: int
    missing: list[Problem]  # one per document without a PDF (or one saying none could be)


def soffice() -> str | None:
    """Return LibreOffice's program, or None (see :func:`docgen.libreoffice.soffice`):
    :mod:`docgen.libreoffice` (subprocess, html) is imported only by a run that makes PDFs."""
    from docgen.libreoffice import soffice as found

    return found()


def convert_to_pdf(files: list[Path], *, jobs: int = 1, timeout: float = 600,
                   batch: int = PDF_BATCH) -> PdfOutcome:
    """Convert ``files`` to PDF beside them, in runs of at most ``batch`` files.

    LibreOffice exits 0 even when it failed, and stops short on long runs, so each PDF is
    checked (:func:`pdf_problem`); a document without a good PDF is tried once more in a fresh
    LibreOffice run, then named with LibreOffice's reason. Up to ``jobs`` LibreOffice
    processes (each with its own profile) share the runs.
    """
    if not files:
        return PdfOutcome(0, [])
    exe = soffice()
    if exe is None:
        return PdfOutcome(0, [Problem(f"{_NOT_INSTALLED}: {len(files)} PDF"
                                      f"{'' if len(files) == 1 else 's'} missing")])
    jobs = max(1, jobs)
    reasons: dict[Path, str] = {}
    failed = _convert_batches(exe, pdf_batches(files, jobs, batch), jobs, timeout, reasons)
    if failed:
        # a fresh run, shorter than the first (a run that stopped short does not again)
        again = ([[f] for f in failed] if len(failed) <= _RETRY_ALONE
                 else pdf_batches(failed, jobs, max(1, batch // 4)))
        failed = _convert_batches(exe, again, jobs, timeout, reasons)
    missing = [Problem(f"no PDF was made: {reasons[f]} (tried twice; open the document in "
                       "Word or LibreOffice to see whether it is damaged, then run "
                       "`docgen generate --pdf` again)", file=str(f)) for f in failed]
    return PdfOutcome(len(files) - len(failed), missing)


def pdf_batches(files: list[Path], jobs: int, batch: int = PDF_BATCH) -> list[list[Path]]:
    """Split ``files`` into LibreOffice runs: one folder each, at most ``batch`` files, and
    enough runs (of even size) that ``jobs`` processes all have work."""
    if not files:
        return []
    runs = -(-len(files) // max(1, batch))
    runs = min(len(files), -(-runs // jobs) * jobs)
    size = -(-len(files) // runs)
    by_folder: dict[Path, list[Path]] = {}
    for f in files:
        by_folder.setdefault(f.parent, []).append(f)
    return [group[i:i + size] for group in by_folder.values()
            for i in range(0, len(group), size)]


def _convert_batches(exe: str, batches: list[list[Path]], jobs: int, timeout: float,
                     reasons: dict[Path, str]) -> list[Path]:
    """Run ``batches`` in up to ``jobs`` LibreOffice processes at once; return the files
    still without a good PDF, their reasons put in ``reasons``."""
    if jobs == 1 or len(batches) == 1:
        results = [_convert_batch(exe, b, timeout) for b in batches]
    else:
        with ThreadPoolExecutor(max_workers=min(jobs, len(batches))) as pool:
            results = list(pool.map(partial(_convert_batch, exe, timeout=timeout), batches))
    failed = []
    for result in results:
        for f, why in result.items():
            if why is not None:
                reasons[f] = why
                failed.append(f)
    return failed


def _convert_batch(exe: str, group: list[Path], timeout: float) -> dict[Path, str | None]:
    """Convert one folder's ``group`` in one LibreOffice run; return each file's reason for
    having no good PDF (None: its PDF is in place)."""
    from docgen import libreoffice
    from docgen.documents.printcopy import print_copies  # lxml and the form layout: PDFs only

    folder = group[0].parent
    try:
        with work_folder("pdf", folder) as out, print_copies(group) as printed:
            run = libreoffice.convert(exe, printed, "pdf", Path(out), timeout)
            said = "; ".join(run.errors)
            result: dict[Path, str | None] = {}
            for f in group:
                made = Path(out) / f"{f.stem}.pdf"
                why = pdf_problem(made)
                if why is None:
                    os.replace(made, f.with_suffix(".pdf"))
                elif run.timed_out:
                    why = f"LibreOffice took longer than {timeout:.0f} s and was stopped"
                elif said and not made.exists():
                    why = f"LibreOffice said: {said}"
                result[f] = why
            return result
    except OSError as exc:
        why = f"LibreOffice could not be run here ({exc.strerror or exc})"
        return dict.fromkeys(group, why)


def pdf_problem(path: Path) -> str | None:
    """Return why ``path`` is not a whole PDF (None: it is one).

    A whole PDF starts with ``%PDF-``, ends with an ``%%EOF`` marker, and, where its page tree
    can be read without a PDF library, has at least one page.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return "LibreOffice wrote no PDF and gave no reason"
    except OSError as exc:
        return f"its PDF could not be read ({exc.strerror or exc})"
    if not data:
        return "LibreOffice wrote an empty PDF"
    if b"%PDF-" not in data[:1024]:
        return "LibreOffice wrote a file that is not a PDF"
    if b"%%EOF" not in data[-2048:]:
        return "LibreOffice's PDF is cut short (no end-of-file marker)"
    if pdf_pages(data) == 0:
        return "LibreOffice's PDF has no pages"
    return None


_PAGE_COUNT = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)"
                         rb"|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b")


def pdf_pages(data: bytes) -> int | None:
    """Return the page count of a PDF's page tree, or None when it cannot be read plainly
    (the tree compressed into an object stream)."""
    counts = [int(a or b) for a, b in _PAGE_COUNT.findall(data)]
    return max(counts) if counts else None
