"""What Word, Excel and LibreOffice keep beside a file while they have it open.

Word and Excel write an owner file (``~$name.docx``, or ``~$me.docx`` for a longer name: its
first two characters replaced), LibreOffice a lock file (``.~lock.name.docx#``); each goes
when the program closes the file, and stays behind if it crashed. docgen leaves an open
document alone (generate), refuses to replace an open log (log), and says that a record open
now is read as last saved (log).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["lock_file", "lock_names"]


def lock_names(name: str) -> tuple[str, str, str]:
    """Return the names of the lock files LibreOffice and Word keep beside an open document."""
    return f".~lock.{name}#", f"~${name[2:]}", f"~${name}"


def lock_file(path: Path) -> Path | None:
    """Return the Word, Excel or LibreOffice lock file beside ``path``, if it is open."""
    for lock in map(path.with_name, lock_names(path.name)):
        if lock.is_file():
            return lock
    return None
