"""docgen's own copies of its documents (coach packs, print files), and the record naming them.

A folder where docgen puts copies of documents (``OUTDIR/coaches``, and the output folder for
its print files) keeps a record, :data:`COPIES_RECORD`, of each file it wrote there: its path
under the folder and the hashes docgen wrote. ``docgen log`` passes over a file whose bytes
are still ones docgen recorded (the document it copies is read where ``generate`` wrote it,
so no record counts twice); a file changed since is read like any other file, so nothing
typed into a copy is lost. ``generate`` removes or replaces only files the record names with
their recorded bytes: anything else there is kept.

The record is a journal, one JSON line per file written, appended *before* the file is
renamed into place (a run killed at any moment leaves every copy on disk recorded), and
rewritten whole at the end of a run.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from docgen.atomic import atomic_file

COPIES_RECORD = ".docgen-copies.jsonl"

# path under the folder ("Dr Jo Bloggs/Ward 7 (T1).docx", always with "/") -> (hashes docgen
# wrote there, oldest first; a digest of what the last of them was made from, or "")
Copies = dict[str, tuple[tuple[str, ...], str]]


def read_copies(folder: Path) -> Copies:
    """Return the record of the copies docgen wrote under ``folder``: empty when there is none
    or it cannot be read (then no file there is taken for docgen's own, and none removed).
    A damaged line is passed over: its file is then not taken for docgen's either."""
    copies: Copies = {}
    try:
        lines = (folder / COPIES_RECORD).read_bytes().split(b"\n")
    except OSError:
        return copies
    for raw in lines:
        try:
            entry = json.loads(raw)
            rel, digest = entry["path"], entry["sha256"]
            source = entry.get("source") or ""
            if not (isinstance(rel, str) and isinstance(digest, str)
                    and isinstance(source, str)):
                continue
        except (ValueError, KeyError, TypeError):
            continue
        hashes, _old = copies.get(rel, ((), ""))
        copies[rel] = ((*(h for h in hashes if h != digest), digest), source)
    return copies


def record_copy(folder: Path, rel: str, digest: str, source: str = "") -> None:
    """Append that ``rel`` under ``folder`` is about to hold bytes of hash ``digest``."""
    folder.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"path": rel, "sha256": digest, "source": source}, ensure_ascii=False)
    fd = os.open(folder / COPIES_RECORD, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8") + b"\n")
    finally:
        os.close(fd)


def write_copies(folder: Path, copies: Copies) -> None:
    """Rewrite the record under ``folder`` as ``copies`` (whole or not at all); none left
    removes it."""
    if not copies:
        (folder / COPIES_RECORD).unlink(missing_ok=True)
        return
    with atomic_file(folder / COPIES_RECORD) as fh:
        for rel, (hashes, source) in sorted(copies.items()):
            for digest in hashes:
                line = json.dumps({"path": rel, "sha256": digest, "source": source},
                                  ensure_ascii=False)
                fh.write(line.encode("utf-8") + b"\n")


def file_digest(path: Path) -> str | None:
    """Return the SHA-256 of the file at ``path``; None when there is no file there."""
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def is_own_copy(path: Path, hashes: tuple[str, ...]) -> bool:
    """Tell whether the file at ``path`` holds bytes docgen recorded writing there."""
    try:
        return file_digest(path) in hashes
    except OSError:
        return False
