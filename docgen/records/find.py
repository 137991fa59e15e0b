"""Find the records to read: every Word document under the folders given to ``docgen log``."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["find_records"]


def _is_record_name(name: str) -> bool:
    """Tell whether a file name is a Word document to read, not an owner, lock or fork file."""
    return (
        name.lower().endswith(".docx")
        and not name.startswith(("~$", ".~lock.", "._"))
    )


def find_records(folders: list[Path]) -> list[tuple[Path, Path]]:
    """Return every .docx under ``folders`` (recursively) as ``(path, root)``, sorted.

    Skips Word owner files (``~$x.docx``), LibreOffice lock files (``.~lock.x.docx#``) and
    macOS ``._`` fork files. Symbolic links are never followed out of a folder: a linked
    folder is not entered, and a linked file counts only if it resolves inside the folder
    that holds it. A folder given as a .docx file reads that one file. Each file is listed
    once, even when folders overlap.
    """
    out: list[tuple[Path, Path]] = []
    seen: set[Path] = set()

    def add(path: Path, root: Path, inside: Path, real: Path | None = None) -> None:
        if real is None:  # a link, or a file given by name: resolve it
            try:
                real = path.resolve(strict=True)
            except (OSError, RuntimeError):
                return
            if not real.is_relative_to(inside) or not real.is_file():
                return
        if real not in seen:
            seen.add(real)
            out.append((path, root))

    def walk(folder: Path, real_folder: Path, root: Path, inside: Path) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        subfolders = []
        for entry in entries:  # a folder's files first, then its subfolders, by name
            if entry.is_symlink():  # followed only to a file inside: never into a folder
                if _is_record_name(entry.name):
                    add(Path(entry.path), root, inside)
            elif entry.is_dir():
                subfolders.append(entry)
            elif _is_record_name(entry.name) and entry.is_file():
                # a plain file under a folder that is not a link: its real path is known
                # without asking the system for each file (a thousand records: ~30 ms)
                add(Path(entry.path), root, inside, real_folder / entry.name)
        for entry in subfolders:
            walk(Path(entry.path), real_folder / entry.name, root, inside)

    for folder in folders:
        folder = Path(folder)
        if folder.is_file():
            if _is_record_name(folder.name):
                add(folder, folder.parent, folder.parent.resolve())
            continue
        if not folder.is_dir():
            continue
        inside = folder.resolve()
        walk(folder, inside, folder, inside)
    return sorted(out, key=lambda pr: (str(pr[1]), pr[0].relative_to(pr[1]).as_posix()))
