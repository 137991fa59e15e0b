"""Where documents go and how they are written: safe names, atomic writes, the edit guard.

Nothing is lost: every file is written to a temporary file in its folder and renamed into
place; a document a coach edited since docgen wrote it (its hash is not one docgen recorded)
is never overwritten; a document open in Word or LibreOffice (its lock file beside it) is
left alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from docgen.atomic import atomic_file, atomic_write
from docgen.errors import DocgenError, Problem
from docgen.models import Outcome

MANIFEST = ".docgen-manifest.jsonl"
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
    used: set[str] = set()
    out: list[str] = []
    for title in titles:
        base = safe_name(title)
        name, n = f"{base}{suffix}", 2
        while name.casefold() in used:
            name, n = f"{base} ({n}){suffix}", n + 1
        used.add(name.casefold())
        out.append(name)
    return out


def inside(root: Path, relative: str) -> Path:
    """Return ``root / relative``, refusing any path that would leave ``root``.

    Checked on the text of the path (no file-system calls: it runs once per document);
    ``root`` itself may be a symbolic link.
    """
    base = os.path.abspath(root)
    target = os.path.abspath(os.path.join(base, relative))
    if os.path.commonpath([base, target]) != base or target == base:
        raise DocgenError(Problem(f"refused to write outside the output folder: {relative}"))
    return Path(target)


_TEMPORARY = re.compile(r"^\..+\.(\d+)\.tmp$")
LOCK_FILE = ".docgen.lock"


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` while docgen writes into it.

    Two runs writing into one folder would race on the manifest; the second is refused with
    a message. The operating system drops the lock when the process ends, however it ends, so
    a killed run never leaves the folder locked. (Where ``fcntl`` is missing, on Windows, no
    lock is taken.)
    """
    folder.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    with open(folder / LOCK_FILE, "a") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise DocgenError(Problem(
                "another docgen run is writing into this folder: wait for it to finish",
                file=str(folder))) from None
        yield


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
    return removed


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_hash(path: Path) -> str | None:
    try:
        return sha256(path.read_bytes())
    except FileNotFoundError:
        return None


def lock_file(path: Path) -> Path | None:
    """Return the Word or LibreOffice lock file beside ``path``, if the document is open."""
    for lock in (path.with_name(f".~lock.{path.name}#"), path.with_name(f"~${path.name[2:]}"),
                 path.with_name(f"~${path.name}")):
        if lock.exists():
            return lock
    return None


@dataclass
class Manifest:
    """What docgen wrote into an output folder: for each file, the hashes it wrote.

    Kept as an append-only journal, so a run killed at any moment loses nothing: an entry is
    appended *before* the file is renamed into place, so whichever version is on disk, its
    hash is known. Compacted at the end of a run.
    """

    root: Path
    files: dict[str, tuple[tuple[str, ...], str | None]]  # rel -> (hashes, source)
    _fd: int | None = None
    _fd_pid: int = 0

    @classmethod
    def load(cls, root: Path) -> Manifest:
        return cls(root, _read_journal(root / MANIFEST))

    def written_by_us(self, rel: str, digest: str | None) -> bool:
        hashes = self.files.get(rel, ((), None))[0]
        return digest is not None and digest in hashes

    def source_of(self, rel: str) -> str | None:
        return self.files.get(rel, ((), None))[1]

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
        files = _read_journal(path)
        with atomic_file(path, durable=True) as fh:
            for rel in sorted(files):
                if not (self.root / rel).exists():
                    continue
                hashes, source = files[rel]
                for digest in hashes[-2:]:
                    line = json.dumps({"path": rel, "sha256": digest, "source": source},
                                      ensure_ascii=False)
                    fh.write(line.encode("utf-8") + b"\n")


def _read_journal(path: Path) -> dict[str, tuple[tuple[str, ...], str | None]]:
    """Read a manifest journal a line at a time: each file's hashes, oldest first, and source."""
    files: dict[str, tuple[tuple[str, ...], str | None]] = {}
    if not path.exists():
        return files
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            try:
                entry = json.loads(line)
                rel = entry["path"]
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by a kill: the entries before it stand
            hashes, source = files.get(rel, ((), None))
            digest = entry.get("sha256")
            if digest and digest not in hashes:
                hashes += (digest,)
            files[rel] = (hashes, entry.get("source") or source)
    return files


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
        if manifest.source_of(rel) == source:
            return Outcome.UNCHANGED
        outcome = Outcome.UPDATED
    elif not force:
        return Outcome.KEPT_EDITED
    else:
        outcome = Outcome.REPLACED_EDITED
    if dry_run:
        return outcome
    if outcome is Outcome.REPLACED_EDITED:
        stamp = (today or dt.datetime.now()).strftime("%Y-%m-%d %H%M")
        backup = path.with_name(f"{path.stem} (edited {stamp}){path.suffix}")
        n = 2
        while backup.exists():
            backup = path.with_name(f"{path.stem} (edited {stamp} {n}){path.suffix}")
            n += 1
        shutil.copy2(path, backup)
    manifest.record(rel, sha256(data), source)
    atomic_write(path, data)
    return outcome


def soffice() -> str | None:
    """Return the LibreOffice command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(files: list[Path], timeout: float = 600) -> list[Problem]:
    """Convert ``files`` to PDF beside them with one LibreOffice run per folder.

    One run converts many files far faster than one run each (LibreOffice starts once). It
    exits 0 even when it failed, so each PDF is checked; on a timeout its whole process group is
    killed, as a stray soffice.bin can hold gigabytes.
    """
    exe = soffice()
    if exe is None:
        return [Problem("LibreOffice is not installed, so no PDF was made "
                        "(install it, e.g. `apt-get install libreoffice-writer-nogui`)")]
    problems: list[Problem] = []
    by_folder: dict[Path, list[Path]] = {}
    for f in files:
        by_folder.setdefault(f.parent, []).append(f)
    for folder, group in by_folder.items():
        with tempfile.TemporaryDirectory(prefix="docgen-lo-") as profile, \
                tempfile.TemporaryDirectory(prefix="docgen-pdf-", dir=folder) as out:
            cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless",
                   "--convert-to", "pdf", "--outdir", out, *map(str, group)]
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    start_new_session=True)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                problems.append(Problem(f"LibreOffice took longer than {timeout:.0f} s "
                                        "and was stopped", file=str(folder)))
            for f in group:
                made = Path(out) / f"{f.stem}.pdf"
                if made.exists() and made.stat().st_size > 0:
                    os.replace(made, f.with_suffix(".pdf"))
                else:
                    problems.append(Problem("LibreOffice could not make a PDF of it",
                                            file=str(f)))
    return problems
